"""The consolidation revision's triggers wait for the commit (PostgreSQL)

Moving a round's consolidation revision locks the round's row. Fired at once, the triggers
held that lock for the rest of the request, so answers sent at the same time to one round
queued behind each other (half the time of a submission in `bench/api_clients.py`). As
deferred constraint triggers they move it at the commit, and the lock lasts only that long.
The functions are unchanged; SQLite's triggers stay as they are. Statements frozen here as
written (the module makes the same ones for tables created from the models).

Revision ID: a7d3e5f1c820
Revises: c4e8a1f7b2d5
Create Date: 2026-12-03 19:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7d3e5f1c820'
down_revision = 'c4e8a1f7b2d5'
branch_labels = None
depends_on = None

TABLES = (('comments', 'comment'), ('responses', 'response'), ('dispositions', 'disposition'))


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, row in TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS consolidation_changed ON {table}')
        op.execute(f'CREATE CONSTRAINT TRIGGER consolidation_changed AFTER INSERT OR UPDATE OR '
                   f'DELETE ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE '
                   f'FUNCTION consolidation_changed_by_{row}()')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, row in TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS consolidation_changed ON {table}')
        op.execute(f'CREATE TRIGGER consolidation_changed AFTER INSERT OR UPDATE OR DELETE ON '
                   f'{table} FOR EACH ROW EXECUTE FUNCTION consolidation_changed_by_{row}()')
