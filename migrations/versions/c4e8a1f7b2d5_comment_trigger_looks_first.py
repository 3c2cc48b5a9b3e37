"""A comment's trigger looks by key whether its answer was sent before moving the round's
consolidation revision

Nearly every write to a comment is to an answer still being drafted (each autosave); the
trigger ran an UPDATE through a join that found nothing, 0.4 ms of the database's time a
save. PostgreSQL only; the statements are frozen here as they were written (the module
makes the same one for tables created from the models).

Revision ID: c4e8a1f7b2d5
Revises: b8d4f2a6c913
Create Date: 2026-12-03 14:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e8a1f7b2d5'
down_revision = 'b8d4f2a6c913'
branch_labels = None
depends_on = None

LOOKS_FIRST = ('CREATE OR REPLACE FUNCTION consolidation_changed_by_comment() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$ BEGIN\n'
 "  IF EXISTS (SELECT FROM responses WHERE state = 'SUBMITTED' AND id IN (\n"
 "      CASE WHEN TG_OP <> 'INSERT' THEN OLD.response_id END,\n"
 "      CASE WHEN TG_OP <> 'DELETE' THEN NEW.response_id END)) THEN\n"
 '    UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN '
 '(SELECT rr.round_id FROM responses r JOIN round_recipients rr ON rr.id = r.recipient_id '
 "WHERE r.state = 'SUBMITTED' AND r.id IN (\n"
 "      CASE WHEN TG_OP <> 'INSERT' THEN OLD.response_id END,\n"
 "      CASE WHEN TG_OP <> 'DELETE' THEN NEW.response_id END));\n"
 '  END IF;\n'
 '  RETURN NULL;\n'
 'END $$')

AS_BEFORE = ('CREATE OR REPLACE FUNCTION consolidation_changed_by_comment() RETURNS trigger\n'
 'LANGUAGE plpgsql AS $$ BEGIN\n'
 '  UPDATE rounds SET consolidation_revision = consolidation_revision + 1 WHERE id IN (SELECT '
 'rr.round_id FROM responses r JOIN round_recipients rr ON rr.id = r.recipient_id WHERE '
 "r.state = 'SUBMITTED' AND r.id IN (\n"
 "    CASE WHEN TG_OP <> 'INSERT' THEN OLD.response_id END,\n"
 "    CASE WHEN TG_OP <> 'DELETE' THEN NEW.response_id END));\n"
 '  RETURN NULL;\n'
 'END $$')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(LOOKS_FIRST)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(AS_BEFORE)
