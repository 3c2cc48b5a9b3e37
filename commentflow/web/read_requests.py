"""GET pages read on PostgreSQL without BEGIN and ROLLBACK; a write first opens a transaction."""
import re
from functools import lru_cache

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from commentflow.extensions import db

SAFE_METHODS = ("GET", "HEAD")

# A plain SELECT needs no transaction at PostgreSQL's READ COMMITTED level: each statement
# sees its own snapshot either way. A row lock or an advisory transaction lock does.
_PLAIN_READ = re.compile(r"\s*SELECT\b(?!.*\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b)"
                         r"(?!.*\bpg_advisory_xact_lock)", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=1024)
def _needs_transaction(statement: str) -> bool:
    return _PLAIN_READ.match(statement) is None


@event.listens_for(Engine, "engine_connect")
def _read_without_transaction(connection) -> None:
    """A GET's connection, when it first needs one, in autocommit mode: on a small page
    BEGIN and ROLLBACK were two of its three round trips to the server. (SQLite begins only
    when it writes; a page that reads nothing takes no connection at all.)"""
    if connection.dialect.name == "postgresql" and has_request_context() and \
            request.method in SAFE_METHODS:
        connection.execution_options(isolation_level="AUTOCOMMIT")


@event.listens_for(Engine, "before_cursor_execute")
def _begin_before_writing(connection, cursor, statement, _parameters, context, _many):
    """A GET that writes (an agency's first opening of a request, the working answer
    started on first use) writes in one transaction, committed or rolled back whole, like
    any POST: the first statement that is not a plain read begins it (so does a read
    through a server-side cursor, which PostgreSQL keeps only inside a transaction)."""
    if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        return
    if not _needs_transaction(statement) and not (
            context is not None and context.execution_options.get("stream_results")):
        return
    dbapi_connection = cursor.connection
    if dbapi_connection.info.transaction_status == 0:  # psycopg's TransactionStatus.IDLE
        dbapi_connection.execute("BEGIN")


def commit_if_written() -> None:
    """Commit the request's work, unless a GET read outside a transaction and has nothing to
    write: ending the session's transaction there would give its connection back, and the
    page's next query would take another one, in a transaction."""
    session = db.session()
    if not (session.new or session.deleted or session.dirty) and session.in_transaction():
        connection = session.connection()
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT" and \
                connection.connection.dbapi_connection.info.transaction_status == 0:
            return
    session.commit()
