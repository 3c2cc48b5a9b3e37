"""Pooled PostgreSQL connections: planned for the values at hand where a page picks a part of a
round, checked for life without a round trip to the server."""
import select

from flask import has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

PLANNED_FOR_THE_VALUES = "force_custom_plan"
PLANS_KEPT = "auto"
# Blueprints whose statements look up one agency's own rows by key (its place in a round,
# its answers and comments, its inbox page): PostgreSQL may keep their plans.
_BLUEPRINTS_KEEPING_PLANS: set[str] = set()


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


def keep_plans(blueprint) -> None:
    """Let PostgreSQL keep the plans of this blueprint's statements: for pages and saves
    that look up one agency's own rows by key, where a plan made once fits every value.
    (The autosave served about an eighth more requests a second with its plans kept, the
    inbox a sixth; bench/pages.py, docs/performance.md.)"""
    _BLUEPRINTS_KEEPING_PLANS.add(blueprint.name)


@event.listens_for(Pool, "connect")
def _plan_for_the_values(dbapi_connection, record):
    """psycopg prepares a statement on the server once it has run five times, and after five
    more runs PostgreSQL may settle on a generic plan, made without the values. For the
    statements that pick a page out of a round (a section's comments, one agency's rows)
    that plan reads the whole round: the workspace's page of comments went from 2.5 ms to
    16 ms from its eleventh run on. So each run is planned for its values (a plan costs a
    fraction of a millisecond; the statement is still parsed once), except in requests to
    the blueprints that keep their plans (keep_plans)."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        _set_plan_cache_mode(dbapi_connection, PLANNED_FOR_THE_VALUES)
        record.info["plan_cache_mode"] = PLANNED_FOR_THE_VALUES


@event.listens_for(Pool, "checkout")
def _plan_as_the_request_needs(dbapi_connection, record, _proxy):
    """A connection serves requests of every kind in turn: it is switched (one round trip)
    only when the request's kind differs from the last one's. Work outside a request (the
    scheduler, commands) plans for the values."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    wanted = PLANS_KEPT if has_request_context() and \
        request.blueprint in _BLUEPRINTS_KEEPING_PLANS else PLANNED_FOR_THE_VALUES
    if record.info.get("plan_cache_mode") == wanted:
        return
    try:
        _set_plan_cache_mode(dbapi_connection, wanted)
    except Exception as error:  # a connection lost since it was checked: take another one
        raise exc.DisconnectionError("the pooled connection failed to switch plans") from error
    record.info["plan_cache_mode"] = wanted


def _set_plan_cache_mode(dbapi_connection, mode: str) -> None:
    """SET on an idle connection, outside any transaction (no BEGIN and COMMIT around it)."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(f"SET plan_cache_mode = {mode}")
    finally:
        dbapi_connection.autocommit = autocommit
