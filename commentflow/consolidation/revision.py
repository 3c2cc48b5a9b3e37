"""A round's consolidation revision, moved by database triggers, and figures kept per revision.

The workspace's counts over every comment of a round (20,000 at a province's scale) and its
suggestions cost more than the rest of the page. They change only when what consolidation
counts changes: an answer submitted or superseded, a comment of a submitted answer, a
disposition. Triggers in the database move `rounds.consolidation_revision` in the same
transaction as any such change, whichever code path (or SQL session) made it, so a figure
kept under a revision is never out of date; each app process keeps a few such figures.

On PostgreSQL the triggers are deferred to the commit: moving the revision locks the round's
row, and an immediate trigger held that lock for the rest of the request (the signature
check, notifications, the audit trail), so answers sent at once to one round waited for
each other. Deferred, the lock lasts as long as the commit. (SQLite writes one transaction
at a time anyway; its triggers stay immediate.)

While the request's own transaction has written and not committed, nothing is kept or
reused: what it sees may still be rolled back, and another transaction may then reach the
same revision number with other changes.
"""
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import DDL, bindparam, event, select
from sqlalchemy.orm import Session

from commentflow.extensions import db
from commentflow.rounds.models import Round

#: Figures kept per process (each at most a few hundred kilobytes: one large round's counts).
KEPT = 32

_BUMP = "UPDATE rounds SET consolidation_revision = consolidation_revision + 1"
_SUBMITTED = "'SUBMITTED'"  # ResponseState.SUBMITTED as stored (the enum's name)
_ROUND_OF_SUBMITTED = ("SELECT rr.round_id FROM responses r JOIN round_recipients rr "
                       f"ON rr.id = r.recipient_id WHERE r.state = {_SUBMITTED} AND r.id IN")

#: PostgreSQL: one function per table (OLD is NULL on INSERT, NEW on DELETE).
POSTGRESQL_TRIGGERS = [
    # Nearly every write is to an answer still being drafted (each autosave): one look by key
    # says so, instead of an UPDATE through a join that finds nothing (0.4 ms a save).
    f"""CREATE OR REPLACE FUNCTION consolidation_changed_by_comment() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  IF EXISTS (SELECT FROM responses WHERE state = {_SUBMITTED} AND id IN (
      CASE WHEN TG_OP <> 'INSERT' THEN OLD.response_id END,
      CASE WHEN TG_OP <> 'DELETE' THEN NEW.response_id END)) THEN
    {_BUMP} WHERE id IN ({_ROUND_OF_SUBMITTED} (
      CASE WHEN TG_OP <> 'INSERT' THEN OLD.response_id END,
      CASE WHEN TG_OP <> 'DELETE' THEN NEW.response_id END));
  END IF;
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION consolidation_changed_by_response() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  {_BUMP} WHERE id IN (SELECT round_id FROM round_recipients WHERE id IN (
    CASE WHEN TG_OP <> 'INSERT' AND OLD.state = {_SUBMITTED} THEN OLD.recipient_id END,
    CASE WHEN TG_OP <> 'DELETE' AND NEW.state = {_SUBMITTED} THEN NEW.recipient_id END));
  RETURN NULL;
END $$""",
    f"""CREATE OR REPLACE FUNCTION consolidation_changed_by_disposition() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  {_BUMP} WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.round_id END,
                       CASE WHEN TG_OP <> 'DELETE' THEN NEW.round_id END);
  RETURN NULL;
END $$""",
] + [
    statement
    for table, row in (("comments", "comment"), ("responses", "response"),
                       ("dispositions", "disposition"))
    for statement in (
        f"DROP TRIGGER IF EXISTS consolidation_changed ON {table}",
        f"CREATE CONSTRAINT TRIGGER consolidation_changed AFTER INSERT OR UPDATE OR DELETE "
        f"ON {table} DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW EXECUTE FUNCTION consolidation_changed_by_{row}()")
]

#: SQLite: one trigger per table and event.
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS consolidation_changed_{name} AFTER {when} "
    f"BEGIN {_BUMP} WHERE id IN ({rounds}); END"
    for name, when, rounds in (
        ("comment_insert", "INSERT ON comments", f"{_ROUND_OF_SUBMITTED} (NEW.response_id)"),
        ("comment_update", "UPDATE ON comments",
         f"{_ROUND_OF_SUBMITTED} (OLD.response_id, NEW.response_id)"),
        ("comment_delete", "DELETE ON comments", f"{_ROUND_OF_SUBMITTED} (OLD.response_id)"),
        ("response_insert", f"INSERT ON responses WHEN NEW.state = {_SUBMITTED}",
         "SELECT round_id FROM round_recipients WHERE id = NEW.recipient_id"),
        ("response_update",
         f"UPDATE ON responses WHEN OLD.state = {_SUBMITTED} OR NEW.state = {_SUBMITTED}",
         "SELECT round_id FROM round_recipients WHERE id IN (OLD.recipient_id, "
         "NEW.recipient_id)"),
        ("response_delete", f"DELETE ON responses WHEN OLD.state = {_SUBMITTED}",
         "SELECT round_id FROM round_recipients WHERE id = OLD.recipient_id"),
        ("disposition_insert", "INSERT ON dispositions", "NEW.round_id"),
        ("disposition_update", "UPDATE ON dispositions", "OLD.round_id, NEW.round_id"),
        ("disposition_delete", "DELETE ON dispositions", "OLD.round_id"),
    )
]

# Tables made from the models (tests, `flask init-db`) get the triggers as the migration does.
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_TRIGGERS:
    event.listen(db.metadata, "after_create", DDL(_statement).execute_if(dialect="sqlite"))


@event.listens_for(Session, "after_flush")
def _wrote(session, _context) -> None:
    session.info["consolidation_unsure"] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if not state.is_select:  # an UPDATE, DELETE or textual statement through the session
        state.session.info["consolidation_unsure"] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("consolidation_unsure", None)
        session.info.pop("consolidation_revisions", None)


@lru_cache(maxsize=1)
def _revision_statement():
    return select(Round.consolidation_revision, Round.created_at) \
        .where(Round.id == bindparam("round_id"))


def current_revision(round_id: int) -> int:
    """As stored now (not as an object loaded earlier in the request may still say)."""
    return db.session.execute(_revision_statement(), {"round_id": round_id}).one()[0]


_kept: OrderedDict[tuple, tuple[int, object]] = OrderedDict()
_lock = threading.Lock()


def kept(round_id: int, name: str, compute: Callable[[], object], *details) -> object:
    """compute(), or what it gave at this round's current revision (name and details say
    which figure). The value must not be changed by the caller: it is shared."""
    if db.session.info.get("consolidation_unsure"):
        return compute()
    # Read once per transaction of the session (a view keeps several figures of a round):
    # what the session sees of the round until it writes or ends.
    seen = db.session.info.setdefault("consolidation_revisions", {})
    if round_id not in seen:
        seen[round_id] = tuple(db.session.execute(_revision_statement(),
                                                  {"round_id": round_id}).one())
    revision, created_at = seen[round_id]
    # The round's creation and the database are in the key too: a round id can come back
    # (SQLite reuses the highest id once its row is deleted; a restored or emptied database
    # starts again), and its revisions with it.
    key = (db.engine.url.render_as_string(), round_id, created_at, name, *details)
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0] == revision:
            _kept.move_to_end(key)
            return found[1]
    value = compute()
    with _lock:
        _kept[key] = (revision, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def forget_all() -> None:
    """Drop every kept figure (tests that compare kept with computed)."""
    with _lock:
        _kept.clear()
