"""`flask db upgrade` from an empty database reproduces the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from commentflow.extensions import db
from commentflow.responses.models import Comment
from tests.conftest import make_app


def _empty_database(backend, tmp_path, request, name: str) -> str:
    if backend == "sqlite":
        return "sqlite:///" + str(tmp_path / f"{name}.sqlite3")
    return request.getfixturevalue("pg_cluster").create_database(f"commentflow_{name}")


def test_upgrade_from_empty_matches_the_models(backend, tmp_path, request):
    app = make_app(_empty_database(backend, tmp_path, request, "migrations"))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            differences = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def _triggers(conn) -> dict[str, str]:
    """Each trigger's name → its definition, as the database reports it."""
    from sqlalchemy import text

    if conn.dialect.name == "sqlite":
        return dict(conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
    return dict(conn.execute(text(
        "SELECT c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid) || "
        "pg_get_functiondef(t.tgfoid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal")).all())


def test_upgrade_from_empty_makes_the_models_triggers(backend, tmp_path, request):
    """The consolidation revision's and the session notifications' triggers (not compared by
    Alembic) are the same whether the tables were made by the migrations or from the
    models."""
    found = {}
    for name in ("upgraded", "created"):
        app = make_app(_empty_database(backend, tmp_path, request, f"triggers_{name}"))
        with app.app_context():
            upgrade() if name == "upgraded" else db.create_all()
            with db.engine.connect() as conn:
                found[name] = _triggers(conn)
            db.engine.dispose()
    assert len(found["created"]) == (9 if backend == "sqlite" else 3 + 4)
    assert found["upgraded"] == found["created"]


def test_comment_search_text_is_filled_for_existing_comments(backend, tmp_path, request):
    from sqlalchemy import text

    app = make_app(_empty_database(backend, tmp_path, request, "backfill"))
    with app.app_context():
        upgrade(revision="f4f025187336")
        with db.engine.begin() as conn:  # a comment saved before the column existed
            conn.execute(text("PRAGMA foreign_keys=OFF" if backend == "sqlite"
                              else "SET session_replication_role = replica"))
            conn.execute(text(
                "INSERT INTO comments (id, response_id, text, proposed_wording, reason, "
                "author_id, revision, created_at, updated_at) VALUES (1, 1, :t, :p, '', 1, 1, "
                "'2024-07-01 00:00:00', '2024-07-01 00:00:00')"),
                {"t": "Đề nghị bổ sung cơ chế", "p": "Điều chỉnh"})
        upgrade()
        with db.engine.connect() as conn:
            folded = conn.execute(text("SELECT search_text FROM comments")).scalar_one()
        db.engine.dispose()
    assert folded == Comment.searchable("Đề nghị bổ sung cơ chế", "Điều chỉnh", "")
    assert "co che" in folded and "dieu chinh" in folded


def test_existing_mail_and_audit_events_get_their_agency(backend, tmp_path, request):
    """Before the sender column, a round's log showed every message tagged with the round;
    after the upgrade only the lead office's own mail is attributed to it."""
    from sqlalchemy import text

    app = make_app(_empty_database(backend, tmp_path, request, "senders"))
    with app.app_context():
        upgrade(revision="b5200ff6e83e")
        with db.engine.begin() as conn:
            conn.execute(text("PRAGMA foreign_keys=OFF" if backend == "sqlite"
                              else "SET session_replication_role = replica"))
            _insert_row(conn, "rounds", id=7, agency_id=3)
            _insert_row(conn, "users", id=5, agency_id=9)
            for id_, kind in ((1, "round.opened"), (2, "reminder.overdue"),
                              (3, "response.returned"), (4, "response.assigned")):
                conn.execute(text(
                    "INSERT INTO outbox_messages (id, kind, to_address, subject, text_body, "
                    "html_body, round_id, created_at, next_attempt_at, attempts, last_error) "
                    "VALUES (:id, :kind, 'a@x.vn', 's', '', '', 7, :t, :t, 0, '')"),
                    {"id": id_, "kind": kind, "t": "2024-07-01 00:00:00"})
            conn.execute(text(
                "INSERT INTO audit_events (id, occurred_at, actor_id, action, object_type, "
                "object_id, object_label) VALUES (1, :t, 5, 'response.returned', 'Round', 7, "
                "'x')"), {"t": "2024-07-01 00:00:00"})
        upgrade()
        with db.engine.connect() as conn:
            senders = dict(conn.execute(text(
                "SELECT kind, sender_agency_id FROM outbox_messages")).all())
            private = conn.execute(text(
                "SELECT private_to_agency_id FROM audit_events")).scalar_one()
        db.engine.dispose()
    assert senders == {"round.opened": 3, "reminder.overdue": 3, "response.returned": None,
                       "response.assigned": None}
    assert private == 9


def _insert_row(conn, table: str, **values) -> None:
    """A row with the given values and a plain placeholder in every other required column."""
    import datetime

    from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, MetaData, insert

    columns = MetaData()
    columns.reflect(conn, only=[table])
    row = dict(values)
    for column in columns.tables[table].columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        kind = column.type
        row[column.name] = (datetime.datetime(2024, 7, 1) if isinstance(kind, DateTime)
                            else datetime.date(2024, 7, 1) if isinstance(kind, Date)
                            else False if isinstance(kind, Boolean)
                            else b"X" if isinstance(kind, LargeBinary)
                            else 1 if isinstance(kind, Integer) else "X")
    conn.execute(insert(columns.tables[table]).values(**row))


def test_app_servers_starting_together_migrate_once(pg_cluster):
    """Two or three machines run `flask db upgrade` as they start, at the same moment, on one
    empty PostgreSQL: one migrates under the advisory lock, the others wait and find the
    schema at head. Without the lock they race to create the same tables and fail."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import create_engine, text

    url = pg_cluster.create_database("commentflow_three_servers")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "shared-by-the-app-servers"}
    servers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                                cwd=root, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [server.communicate(timeout=300)[0] for server in servers]
    assert [server.returncode for server in servers] == [0, 0, 0], outputs
    engine = create_engine(url)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert len(versions) == 1
    assert sum("Running upgrade  -> " in output for output in outputs) == 1, outputs
