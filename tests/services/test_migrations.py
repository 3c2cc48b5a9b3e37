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
