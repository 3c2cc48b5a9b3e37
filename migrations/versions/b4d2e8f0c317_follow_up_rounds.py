"""A follow-up round names the round it follows; agencies answer their earlier comments

Revision ID: b4d2e8f0c317
Revises: 9b3f5d7e1a26
Create Date: 2026-12-01 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import commentflow.core.db


# revision identifiers, used by Alembic.
revision = 'b4d2e8f0c317'
down_revision = '9b3f5d7e1a26'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_round_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_rounds_previous_round_id_rounds', 'rounds',
                                    ['previous_round_id'], ['id'])
    op.create_table(
        'previous_comment_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('previous_comment_id', sa.Integer(), nullable=False),
        sa.Column('answer', sa.String(length=10), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=False),
        sa.Column('answered_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['previous_comment_id'], ['comments.id']),
        sa.ForeignKeyConstraint(['response_id'], ['responses.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('response_id', 'previous_comment_id'),
    )
    with op.batch_alter_table('previous_comment_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_previous_comment_answers_response_id'),
                              ['response_id'], unique=False)


def downgrade():
    op.drop_table('previous_comment_answers')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint('fk_rounds_previous_round_id_rounds', type_='foreignkey')
        batch_op.drop_column('previous_round_id')
