"""Pages that only read run without a transaction on PostgreSQL; a GET that writes still
writes whole or not at all, and a POST runs in a transaction as before."""
import pytest
from sqlalchemy import event, select, update

from commentflow.directory.models import Agency
from commentflow.extensions import db
from commentflow.web.forms import run_action
from commentflow.web.read_requests import _needs_transaction
from tests.conftest import WRITING_GETS
from tests.factories import make_agency, make_sent_round, make_user


@pytest.mark.parametrize("statement, needs", [
    ("SELECT user_sessions.token FROM user_sessions WHERE token = %(token)s", False),
    ("\n  select count(*) from comments", False),
    ("SELECT agencies.id FROM agencies WHERE agencies.id = %(id)s FOR UPDATE", True),
    ("SELECT agencies.id FROM agencies FOR NO KEY UPDATE OF agencies", True),
    ("SELECT rounds.id FROM rounds FOR SHARE", True),
    ("SELECT pg_advisory_xact_lock(hashtext(%(name)s))", True),
    ("INSERT INTO audit_events (action) VALUES (%(action)s)", True),
    ("UPDATE round_recipients SET opened_at=%(opened_at)s WHERE id = %(id)s", True),
    ("DELETE FROM comments WHERE id = %(id)s", True),
    ("WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved", True),
    ("SAVEPOINT sa_savepoint_1", True),
])
def test_only_a_plain_select_is_read_without_a_transaction(statement, needs):
    assert _needs_transaction(statement) is needs


@pytest.fixture
def probe(app, monkeypatch):
    """Routes added for the test: a GET that reads, one that writes and commits, one that
    writes then fails; each records whether its statements ran in a transaction."""
    seen = []

    @event.listens_for(db.engine, "after_cursor_execute")
    def record(_connection, cursor, statement, *_args):
        dbapi = cursor.connection
        in_transaction = getattr(dbapi, "info", None) is None or \
            dbapi.info.transaction_status != 0  # psycopg: IDLE means no transaction
        seen.append((statement.split()[0].upper(), in_transaction))

    def reads():
        return {"names": db.session.scalars(select(Agency.name).order_by(Agency.id)).all()}

    def renames():
        db.session.execute(update(Agency).values(name="Đổi tên"))
        db.session.get(Agency, db.session.scalar(select(Agency.id))).code = "DOI"
        db.session.commit()
        return reads()

    def renames_then_fails():
        db.session.execute(update(Agency).values(name="Đổi tên dở dang"))
        db.session.flush()
        raise RuntimeError("a failure after the first write")

    def acts(writes: bool):
        def action():
            agency = db.session.scalar(select(Agency).order_by(Agency.id))
            if writes:
                agency.code = "DOI"
        run_action(action)
        return reads()

    app.add_url_rule("/probe/reads", "probe_reads", reads)
    app.add_url_rule("/probe/acts", "probe_acts", lambda: acts(False))
    app.add_url_rule("/probe/acts-and-writes", "probe_acts_writes", lambda: acts(True))
    app.add_url_rule("/probe/renames", "probe_renames", renames)
    app.add_url_rule("/probe/fails", "probe_fails", renames_then_fails)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr("tests.conftest.WRITING_GETS",
                        WRITING_GETS | {"probe_renames", "probe_fails", "probe_acts_writes"})
    make_agency(name="Sở Y tế", code="SYT")
    db.session.commit()
    seen.clear()
    yield seen
    event.remove(db.engine, "after_cursor_execute", record)


def test_a_reading_page_runs_outside_a_transaction_on_postgresql(app, backend, probe):
    client = app.test_client()
    assert client.get("/probe/reads").get_json() == {"names": ["Sở Y tế"]}
    assert probe and all(kind == "SELECT" for kind, _ in probe)
    if backend == "postgresql":  # no BEGIN, and so no ROLLBACK (SQLite reads as it did)
        assert not any(in_transaction for _, in_transaction in probe)


def test_a_get_that_writes_commits_its_writes_together(app, probe):
    response = app.test_client().get("/probe/renames")
    assert response.get_json() == {"names": ["Đổi tên"]}
    writes = [in_transaction for kind, in_transaction in probe if kind == "UPDATE"]
    assert writes == [True, True]
    db.session.expire_all()
    assert db.session.scalars(select(Agency.code)).all() == ["DOI"]


def test_a_get_that_fails_after_writing_leaves_nothing_written(app, probe):
    response = app.test_client().get("/probe/fails")
    assert response.status_code == 500
    assert [in_transaction for kind, in_transaction in probe if kind == "UPDATE"] == [True]
    db.session.expire_all()
    assert db.session.scalars(select(Agency.name)).all() == ["Sở Y tế"]


def test_an_action_that_wrote_nothing_keeps_reading_outside_a_transaction(app, backend, probe):
    """A GET page that may start something on first use (the working answer) and found it
    started: no commit, so the rest of the page reads on the same connection, no BEGIN."""
    assert app.test_client().get("/probe/acts").get_json() == {"names": ["Sở Y tế"]}
    assert len(probe) == 2
    if backend == "postgresql":
        assert not any(in_transaction for _, in_transaction in probe)


def test_an_action_that_wrote_on_a_get_is_committed(app, probe):
    assert app.test_client().get("/probe/acts-and-writes").status_code == 200
    assert [in_transaction for kind, in_transaction in probe if kind == "UPDATE"] == [True]
    db.session.expire_all()
    assert db.session.scalars(select(Agency.code)).all() == ["DOI"]


def test_a_post_after_a_reading_page_runs_in_a_transaction(app, login_as, probe):
    """The pooled connection a GET read on goes back to the pool as it came: the next
    request, a form sent, begins a transaction again."""
    client = app.test_client()
    client.get("/probe/reads")
    probe.clear()
    _round, recipient, _lead = make_sent_round()
    staff = make_user(agency=recipient.agency)
    db.session.commit()
    login_as(staff, test_client=client)
    writes = [in_transaction for kind, in_transaction in probe if kind in ("INSERT", "UPDATE")]
    assert writes and all(writes)
