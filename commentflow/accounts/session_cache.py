"""Each app process's copy of the live sessions it has seen, on PostgreSQL: emptied as soon
as any session, user, role or agency row changes anywhere (LISTEN/NOTIFY), so that most
signed-in requests know who is asking without a query."""
import logging
import os
import select
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy import DDL, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from commentflow.extensions import db

log = logging.getLogger(__name__)

CHANNEL = "commentflow_sessions"
_EXTENSION = "commentflow.session_cache"

#: What a signed-in request reads of its user: any change to these tables, by the app, a
#: script or psql, empties every process's copy (one notification per statement; PostgreSQL
#: folds the same one sent twice in a transaction). A new session needs none: it is not in
#: anyone's copy yet.
_WATCHED = (("user_sessions", "UPDATE OR DELETE OR TRUNCATE"),
            ("users", "UPDATE OR DELETE OR TRUNCATE"),
            ("user_roles", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
            ("agencies", "UPDATE OR DELETE OR TRUNCATE"))
POSTGRESQL_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION sessions_changed() RETURNS trigger\n"
    "LANGUAGE plpgsql AS $$ BEGIN\n"
    f"  PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);\n"
    "  RETURN NULL;\n"
    "END $$",
] + [statement for table, events in _WATCHED for statement in (
    f"DROP TRIGGER IF EXISTS sessions_changed ON {table}",
    f"CREATE TRIGGER sessions_changed AFTER {events} ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION sessions_changed()")]

for _statement in POSTGRESQL_TRIGGERS:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="postgresql"))

_WATCHED_TABLES = frozenset(table for table, _events in _WATCHED)
_CHANGED = "commentflow.sessions_changed"


# A change committed by this process empties its own copy at once, without waiting for the
# notification to come back: a session ended here (sign-out, a password change) is refused
# by the very next request this process serves.
@event.listens_for(Session, "after_flush")
def _flushed(session, _context) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if getattr(instance, "__tablename__", None) in _WATCHED_TABLES:
            session.info[_CHANGED] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)  # UPDATE and DELETE name theirs
    if getattr(table, "name", None) in _WATCHED_TABLES or table is None:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        cache = current_cache()
        if cache is not None:
            cache.forget_what_this_process_changed()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop(_CHANGED, None)


@dataclass(frozen=True)
class SignedInCopy:
    """What the session check read, as plain values: the user's columns, its role rows and
    its agency's columns, and when the session ends."""

    user: dict
    roles: tuple[dict, ...]
    agency: dict
    expires_at: datetime


class SessionCache:
    """Token → SignedInCopy, trusted only while this process listens on CHANNEL.

    A copy read before a change and stored after its notification would outlive it: every
    copy is stored with the generation seen before its query, and the generation moves on
    each notification (and each reconnection), so such a copy is dropped instead. While the
    listening connection is down, or a notification waits unread on it, nothing is served
    from the copy."""

    def __init__(self, connect_args: tuple[list, dict], *, max_age: float,
                 max_entries: int = 20_000, heartbeat: float = 30.0):
        self._connect_args = connect_args
        self.max_age = max_age
        self.max_entries = max_entries
        self.heartbeat = heartbeat
        self._entries: dict[str, tuple[SignedInCopy, int, float]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._connection = None  # the listening connection, once LISTEN has taken effect
        self._pid: int | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- used by each request ------------------------------------------------------------

    def generation(self) -> int | None:
        """The generation to read and store copies under, or None when copies cannot be
        trusted now (not listening yet, reconnecting, or news not yet read)."""
        self._start_in_this_process()
        connection = self._connection
        if connection is None:
            return None
        generation = self._generation
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except Exception:  # noqa: BLE001 (closed under us by the listener: psycopg's own error)
            return None
        if readable:  # a notification (or the server's goodbye) is on its way in
            return None
        if self._connection is not connection:  # replaced or lost while we looked
            return None
        return generation

    def get(self, token: str, generation: int) -> SignedInCopy | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        copy, stored_under, stored_at = entry
        if stored_under != generation or time.monotonic() - stored_at > self.max_age:
            return None
        return copy

    def put(self, token: str, copy: SignedInCopy, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._connection is None:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[token] = (copy, generation, time.monotonic())

    # -- the listening thread -----------------------------------------------------------

    def _start_in_this_process(self) -> None:
        """One listener per process, started on first use: under gunicorn the app is loaded
        in the master and each worker is a fork, which inherits no thread."""
        pid = os.getpid()
        if self._pid == pid:
            return
        with self._lock:
            if self._pid == pid:
                return
            self._pid = pid
            self._connection = None
            self._entries.clear()
            self._stopping.clear()
            self._thread = threading.Thread(target=self._listen_forever, daemon=True,
                                            name="commentflow-session-cache")
            self._thread.start()

    def forget_what_this_process_changed(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def _forget_everything(self, *, listening_on=None) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._connection = listening_on

    def _listen_forever(self) -> None:
        import psycopg  # noqa: PLC0415 (only PostgreSQL deployments listen)

        pause = 0.5
        while not self._stopping.is_set():
            connection = None
            try:
                args, kwargs = self._connect_args
                connection = psycopg.connect(*args, **kwargs, autocommit=True,
                                             application_name="commentflow session cache")
                connection.execute(f"LISTEN {CHANNEL}")
                self._forget_everything(listening_on=connection)
                pause = 0.5
                beat = time.monotonic()
                while not self._stopping.is_set():
                    # Waits a second at most for news, so that stop() is heard soon; news
                    # that came during the heartbeat below is kept by psycopg and given here.
                    for _notice in connection.notifies(timeout=1.0):
                        self._forget_everything(listening_on=connection)
                    if time.monotonic() - beat >= self.heartbeat:
                        connection.execute("SELECT 1")  # a dead link shows here
                        beat = time.monotonic()
            except Exception as error:  # noqa: BLE001 (whatever broke, listen again)
                if not self._stopping.is_set():
                    log.warning("Session cache: listening stopped (%s); retrying.", error)
            finally:
                self._forget_everything(listening_on=None)
                if connection is not None:
                    connection.close()
            self._stopping.wait(pause)
            pause = min(pause * 2, 30.0)

    def stop(self) -> None:
        """End the listening thread (tests; a process about to exit needs nothing)."""
        self._stopping.set()
        if self._thread is not None and self._pid == os.getpid():
            self._thread.join(timeout=10)
        self._pid = None


def init_session_cache(app: Flask) -> None:
    """Keep copies when SESSION_CACHE_SECONDS > 0 and the database is PostgreSQL (the only
    one that can tell every process about a change; on SQLite each request asks)."""
    seconds = app.config.get("SESSION_CACHE_SECONDS", 0)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if seconds <= 0 or url.get_backend_name() != "postgresql":
        return
    app.extensions[_EXTENSION] = SessionCache(url.get_dialect()().create_connect_args(url),
                                              max_age=float(seconds))


def current_cache() -> SessionCache | None:
    return current_app.extensions.get(_EXTENSION)
