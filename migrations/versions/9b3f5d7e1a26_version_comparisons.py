"""Two versions of a draft compared: their section pairs, computed and corrected

Revision ID: 9b3f5d7e1a26
Revises: 7e4b1a2c9d05
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import commentflow.core.db


# revision identifiers, used by Alembic.
revision = '9b3f5d7e1a26'
down_revision = '7e4b1a2c9d05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'version_comparisons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('old_version_id', sa.Integer(), nullable=False),
        sa.Column('new_version_id', sa.Integer(), nullable=False),
        sa.Column('created_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('confirmed_at', commentflow.core.db.UTCDateTime(timezone=True),
                  nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['new_version_id'], ['draft_versions.id']),
        sa.ForeignKeyConstraint(['old_version_id'], ['draft_versions.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('old_version_id', 'new_version_id'),
    )
    with op.batch_alter_table('version_comparisons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_comparisons_new_version_id'),
                              ['new_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_version_comparisons_old_version_id'),
                              ['old_version_id'], unique=False)
    op.create_table(
        'section_pairs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('comparison_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('old_section_id', sa.Integer(), nullable=True),
        sa.Column('new_section_id', sa.Integer(), nullable=True),
        sa.Column('change', sa.String(length=12), nullable=False),
        sa.Column('corrected', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['comparison_id'], ['version_comparisons.id'],
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['new_section_id'], ['draft_sections.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['old_section_id'], ['draft_sections.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('section_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_pairs_comparison_id'), ['comparison_id'],
                              unique=False)


def downgrade():
    op.drop_table('section_pairs')
    op.drop_table('version_comparisons')
