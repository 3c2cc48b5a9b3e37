"""An answer handed to the agency's leaders ("Trình lãnh đạo"): when, and by whom

Revision ID: d5e9a2b7c461
Revises: c7a1f3e9d248
Create Date: 2026-12-01 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import commentflow.core.db


# revision identifiers, used by Alembic.
revision = 'd5e9a2b7c461'
down_revision = 'c7a1f3e9d248'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('presented_at',
                                      commentflow.core.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('presented_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_responses_presented_by_id_users', 'users',
                                    ['presented_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('fk_responses_presented_by_id_users', type_='foreignkey')
        batch_op.drop_column('presented_by_id')
        batch_op.drop_column('presented_at')
