"""Sessions, users, roles and agencies notify the app processes when they change

Each process keeps a copy of the sessions it served (commentflow.accounts.session_cache)
and empties it on these notifications. PostgreSQL only; the statements are frozen here as
they were written (the module makes the same ones for tables created from the models).

Revision ID: b8d4f2a6c913
Revises: e3b7c1d9a2f4
Create Date: 2026-12-03 11:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b8d4f2a6c913'
down_revision = 'e3b7c1d9a2f4'
branch_labels = None
depends_on = None

POSTGRESQL_TRIGGERS = [
    'CREATE OR REPLACE FUNCTION sessions_changed() RETURNS trigger\n'
    'LANGUAGE plpgsql AS $$ BEGIN\n'
    "  PERFORM pg_notify('commentflow_sessions', TG_TABLE_NAME);\n"
    '  RETURN NULL;\n'
    'END $$',
    'DROP TRIGGER IF EXISTS sessions_changed ON user_sessions',
    'CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE OR TRUNCATE ON user_sessions FOR EACH '
    'STATEMENT EXECUTE FUNCTION sessions_changed()',
    'DROP TRIGGER IF EXISTS sessions_changed ON users',
    'CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT '
    'EXECUTE FUNCTION sessions_changed()',
    'DROP TRIGGER IF EXISTS sessions_changed ON user_roles',
    'CREATE TRIGGER sessions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_roles FOR '
    'EACH STATEMENT EXECUTE FUNCTION sessions_changed()',
    'DROP TRIGGER IF EXISTS sessions_changed ON agencies',
    'CREATE TRIGGER sessions_changed AFTER UPDATE OR DELETE OR TRUNCATE ON agencies FOR EACH '
    'STATEMENT EXECUTE FUNCTION sessions_changed()',
]

TABLES = ('user_sessions', 'users', 'user_roles', 'agencies')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS sessions_changed ON {table}')
        op.execute('DROP FUNCTION IF EXISTS sessions_changed()')
