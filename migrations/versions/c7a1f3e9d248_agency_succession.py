"""An agency merged into, or succeeded by, another, from a date (two-level local government)

Revision ID: c7a1f3e9d248
Revises: b4d2e8f0c317
Create Date: 2026-12-01 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a1f3e9d248'
down_revision = 'b4d2e8f0c317'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('succeeded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('succeeded_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key('fk_agencies_succeeded_by_id_agencies', 'agencies',
                                    ['succeeded_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_agencies_succeeded_by_id_agencies', type_='foreignkey')
        batch_op.drop_column('succeeded_on')
        batch_op.drop_column('succeeded_by_id')
