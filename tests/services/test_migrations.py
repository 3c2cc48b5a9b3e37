"""`flask db upgrade` from an empty database reproduces the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from commentflow.extensions import db
from tests.conftest import make_app


def test_upgrade_from_empty_matches_the_models(backend, tmp_path, request):
    if backend == "sqlite":
        url = "sqlite:///" + str(tmp_path / "migrated.sqlite3")
    else:
        url = request.getfixturevalue("pg_cluster").create_database("commentflow_migrations")
    app = make_app(url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            differences = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {t.name for t in db.metadata.sorted_tables} <= tables
