"""Pooled PostgreSQL connections: planned for the values at hand, checked for life without a
round trip to the server."""
import select

from sqlalchemy import event, exc
from sqlalchemy.pool import Pool


def _closed_by_server(dbapi_connection) -> bool:
    """An idle connection has nothing to read unless the server has said goodbye: when
    PostgreSQL restarts or ends a backend it sends the reason and closes the socket. A
    broken or closed psycopg connection says so itself. Anything else waiting on an idle
    connection (a parameter change after a configuration reload) also counts as closed:
    a mistake that way costs one new connection, never a failed request."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


@event.listens_for(Pool, "checkout")
def _check_alive(dbapi_connection, _record, _proxy):
    """Every request takes a connection from the pool: a 'SELECT 1' before each (SQLAlchemy's
    pool_pre_ping) cost a round trip, about a tenth of a small page's time. Polling the
    socket costs a system call; a connection found closed is replaced, and the request
    goes on with a fresh one (the pool retries on DisconnectionError). Silent losses (a
    firewall dropping idle connections) are covered by the pool's recycling age."""
    if type(dbapi_connection).__module__.startswith("psycopg") and \
            _closed_by_server(dbapi_connection):
        raise exc.DisconnectionError("the server closed this pooled connection")


@event.listens_for(Pool, "connect")
def _plan_for_the_values(dbapi_connection, _record):
    """psycopg prepares a statement on the server once it has run five times, and after five
    more runs PostgreSQL may settle on a generic plan, made without the values. For the
    statements that pick a page out of a round (a section's comments, one agency's rows)
    that plan reads the whole round: the workspace's page of comments went from 2.5 ms to
    16 ms from its eleventh run on. Each run is planned for its values instead (a plan
    costs a fraction of a millisecond); the statement is still parsed once."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()
