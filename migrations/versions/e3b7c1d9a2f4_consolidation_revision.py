"""A round's consolidation revision, moved by triggers on comments, responses and dispositions

The statements are frozen here as they were written (commentflow/consolidation/revision.py
makes the same ones for tables created from the models). On SQLite a later migration that
rebuilds one of those three tables in batch mode drops its triggers and must create them
again.

Revision ID: e3b7c1d9a2f4
Revises: 9fe83c39f9c9
Create Date: 2026-12-02 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3b7c1d9a2f4'
down_revision = '9fe83c39f9c9'
branch_labels = None
depends_on = None

POSTGRESQL_TRIGGERS = ['CREATE OR REPLACE FUNCTION consolidation_changed_by_comment() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$ BEGIN\n'
 '  UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN (SELECT '
 'rr.round_id FROM responses r JOIN round_recipients rr ON rr.id = r.recipient_id WHERE '
 "r.state = 'SUBMITTED' AND r.id IN (\n"
 "    CASE WHEN TG_OP <> 'INSERT' THEN OLD.response_id END,\n"
 "    CASE WHEN TG_OP <> 'DELETE' THEN NEW.response_id END));\n"
 '  RETURN NULL;\n'
 'END $$',
 'CREATE OR REPLACE FUNCTION consolidation_changed_by_response() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$ BEGIN\n'
 '  UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN (SELECT '
 'round_id FROM round_recipients WHERE id IN (\n'
 "    CASE WHEN TG_OP <> 'INSERT' AND OLD.state = 'SUBMITTED' THEN OLD.recipient_id END,\n"
 "    CASE WHEN TG_OP <> 'DELETE' AND NEW.state = 'SUBMITTED' THEN NEW.recipient_id END));\n"
 '  RETURN NULL;\n'
 'END $$',
 'CREATE OR REPLACE FUNCTION consolidation_changed_by_disposition() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$ BEGIN\n'
 '  UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN (CASE '
 "WHEN TG_OP <> 'INSERT' THEN OLD.round_id END,\n"
 "                       CASE WHEN TG_OP <> 'DELETE' THEN NEW.round_id END);\n"
 '  RETURN NULL;\n'
 'END $$',
 'DROP TRIGGER IF EXISTS consolidation_changed ON comments',
 'CREATE TRIGGER consolidation_changed AFTER INSERT OR UPDATE OR DELETE ON comments FOR EACH '
 'ROW EXECUTE FUNCTION consolidation_changed_by_comment()',
 'DROP TRIGGER IF EXISTS consolidation_changed ON responses',
 'CREATE TRIGGER consolidation_changed AFTER INSERT OR UPDATE OR DELETE ON responses FOR EACH '
 'ROW EXECUTE FUNCTION consolidation_changed_by_response()',
 'DROP TRIGGER IF EXISTS consolidation_changed ON dispositions',
 'CREATE TRIGGER consolidation_changed AFTER INSERT OR UPDATE OR DELETE ON dispositions FOR '
 'EACH ROW EXECUTE FUNCTION consolidation_changed_by_disposition()']

SQLITE_TRIGGERS = ['CREATE TRIGGER IF NOT EXISTS consolidation_changed_comment_insert AFTER INSERT ON comments '
 'BEGIN UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN '
 '(SELECT rr.round_id FROM responses r JOIN round_recipients rr ON rr.id = r.recipient_id '
 "WHERE r.state = 'SUBMITTED' AND r.id IN (NEW.response_id)); END",
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_comment_update AFTER UPDATE ON comments '
 'BEGIN UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN '
 '(SELECT rr.round_id FROM responses r JOIN round_recipients rr ON rr.id = r.recipient_id '
 "WHERE r.state = 'SUBMITTED' AND r.id IN (OLD.response_id, NEW.response_id)); END",
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_comment_delete AFTER DELETE ON comments '
 'BEGIN UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN '
 '(SELECT rr.round_id FROM responses r JOIN round_recipients rr ON rr.id = r.recipient_id '
 "WHERE r.state = 'SUBMITTED' AND r.id IN (OLD.response_id)); END",
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_response_insert AFTER INSERT ON responses '
 "WHEN NEW.state = 'SUBMITTED' BEGIN UPDATE rounds SET consolidation_revision = "
 'consolidation_revision + 1 WHERE id IN (SELECT round_id FROM round_recipients WHERE id = '
 'NEW.recipient_id); END',
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_response_update AFTER UPDATE ON responses '
 "WHEN OLD.state = 'SUBMITTED' OR NEW.state = 'SUBMITTED' BEGIN UPDATE rounds SET "
 'consolidation_revision = consolidation_revision + 1 WHERE id IN (SELECT round_id FROM '
 'round_recipients WHERE id IN (OLD.recipient_id, NEW.recipient_id)); END',
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_response_delete AFTER DELETE ON responses '
 "WHEN OLD.state = 'SUBMITTED' BEGIN UPDATE rounds SET consolidation_revision = "
 'consolidation_revision + 1 WHERE id IN (SELECT round_id FROM round_recipients WHERE id = '
 'OLD.recipient_id); END',
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_disposition_insert AFTER INSERT ON '
 'dispositions BEGIN UPDATE rounds SET consolidation_revision = consolidation_revision + 1 '
 'WHERE id IN (NEW.round_id); END',
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_disposition_update AFTER UPDATE ON '
 'dispositions BEGIN UPDATE rounds SET consolidation_revision = consolidation_revision + 1 '
 'WHERE id IN (OLD.round_id, NEW.round_id); END',
 'CREATE TRIGGER IF NOT EXISTS consolidation_changed_disposition_delete AFTER DELETE ON '
 'dispositions BEGIN UPDATE rounds SET consolidation_revision = consolidation_revision + 1 '
 'WHERE id IN (OLD.round_id); END']


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consolidation_revision', sa.Integer(), server_default='0',
                                      nullable=False))
    dialect = op.get_bind().dialect.name
    for statement in (POSTGRESQL_TRIGGERS if dialect == 'postgresql' else
                      SQLITE_TRIGGERS if dialect == 'sqlite' else []):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table, row in (('comments', 'comment'), ('responses', 'response'),
                           ('dispositions', 'disposition')):
            op.execute(f'DROP TRIGGER IF EXISTS consolidation_changed ON {table}')
            op.execute(f'DROP FUNCTION IF EXISTS consolidation_changed_by_{row}()')
    else:
        for statement in SQLITE_TRIGGERS:
            name = statement.split()[5]
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('consolidation_revision')
