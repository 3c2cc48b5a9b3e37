"""A pooled connection the database server has closed is replaced before a request uses it
(commentflow.core.pool), without a round trip on every checkout."""
import time

from sqlalchemy import text

from commentflow.extensions import db
from tests.factories import make_user


def _end_every_other_session(app) -> int:
    """What a PostgreSQL restart or an administrator's pg_terminate_backend does to the pool:
    every idle connection is closed by the server. Returns how many were ended."""
    with app.app_context(), db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        query = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                 "AND pid <> pg_backend_pid()")
        pids = conn.execute(text(query)).scalars().all()
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 30
        while set(conn.execute(text(query)).scalars()) & set(pids):
            assert time.monotonic() < deadline, "the server did not end the sessions"
            time.sleep(0.05)
        conn.invalidate()  # this one was the only live one left: leave none behind
    return len(pids)


def test_a_request_after_the_server_closed_pooled_connections_succeeds(backend, app, client,
                                                                      login_as):
    clerk = make_user()
    db.session.commit()
    login_as(clerk)
    assert client.get("/csrf-token").status_code == 200
    db.session.remove()  # the test's own connection goes back to the pool too

    if backend == "postgresql":
        with app.app_context():
            assert db.engine.pool.checkedin() >= 1
        assert _end_every_other_session(app) >= 1

    for _ in range(3):  # every pooled connection was ended: each checkout must notice
        response = client.get("/csrf-token")
        assert response.status_code == 200 and response.get_json()["token"]
    assert db.session.scalar(text("SELECT 1")) == 1



def test_postgresql_plans_each_statement_for_its_values(pg_cluster):
    """psycopg prepares statements run often; PostgreSQL must not then settle on a generic
    plan that reads a whole round to show one page of it (commentflow.core.pool)."""
    from tests.conftest import make_app

    app = make_app(pg_cluster.create_database("commentflow_plans"))
    with app.app_context():
        with db.engine.connect() as conn:
            for _ in range(12):  # more runs than psycopg's and PostgreSQL's thresholds
                conn.execute(text("SELECT count(*) FROM pg_class WHERE relpages > :n"),
                             {"n": 0})
        with db.engine.connect() as conn:  # the same pooled connection, as a request gets it
            mode = conn.execute(text("SHOW plan_cache_mode")).scalar()
        db.engine.dispose()
    assert mode == "force_custom_plan"


def test_an_agencys_own_pages_let_postgresql_keep_plans_and_round_pages_do_not(pg_cluster):
    """Requests to the blueprints that read one agency's rows by key (keep_plans: the
    autosave, the inbox, signing in) let PostgreSQL keep a generic plan; the lead office's
    pages over a whole round plan each run for its values. One pooled connection serves
    both kinds in turn and is switched each time."""
    from tests.conftest import make_app

    app = make_app(pg_cluster.create_database("commentflow_kept_plans"))
    seen = []
    for method, path in [("POST", "/inbox/7/comments"), ("GET", "/rounds/7/consolidation/"),
                         ("GET", "/inbox/"), ("GET", "/inbox/"), ("GET", "/login"),
                         ("GET", "/rounds/7/tracker"), ("POST", "/inbox/7/comments")]:
        with app.test_request_context(path, method=method):
            seen.append(tuple(db.session.execute(text(
                "SELECT current_setting('plan_cache_mode'), pg_backend_pid()")).one()))
            db.session.remove()
    with app.app_context():
        with db.engine.connect() as conn:  # outside any request: the scheduler, commands
            seen.append(tuple(conn.execute(text(
                "SELECT current_setting('plan_cache_mode'), pg_backend_pid()")).one()))
        db.engine.dispose()
    assert [mode for mode, _pid in seen] == [
        "auto", "force_custom_plan", "auto", "auto", "auto", "force_custom_plan", "auto",
        "force_custom_plan"]
    assert len({pid for _mode, pid in seen}) == 1
