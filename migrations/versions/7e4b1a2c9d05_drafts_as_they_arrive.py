"""Drafts as they arrive: the format a version was read from, its reading notes, review of
text recognised from scans (pages kept beside it), and background imports

Revision ID: 7e4b1a2c9d05
Revises: 5c2d8e7f9a13
Create Date: 2026-12-01 08:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

import commentflow.core.db


# revision identifiers, used by Alembic.
revision = '7e4b1a2c9d05'
down_revision = '5c2d8e7f9a13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('draft_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_format', sa.String(length=10), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('reading_notes', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('needs_review', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('reviewed_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_draft_versions_reviewed_by_id_users', 'users',
                                    ['reviewed_by_id'], ['id'])
    with op.batch_alter_table('draft_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page', sa.Integer(), nullable=True))

    op.create_table(
        'draft_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id']),
        sa.ForeignKeyConstraint(['version_id'], ['draft_versions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('version_id', 'number'),
    )
    with op.batch_alter_table('draft_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_pages_version_id'), ['version_id'],
                              unique=False)

    op.create_table(
        'draft_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=200), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', commentflow.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['draft_id'], ['drafts.id']),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id']),
        sa.ForeignKeyConstraint(['version_id'], ['draft_versions.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('draft_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_imports_agency_id'), ['agency_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_draft_imports_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('draft_imports')
    op.drop_table('draft_pages')
    with op.batch_alter_table('draft_sections', schema=None) as batch_op:
        batch_op.drop_column('page')
    with op.batch_alter_table('draft_versions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_draft_versions_reviewed_by_id_users', type_='foreignkey')
        for column in ('reviewed_by_id', 'reviewed_at', 'needs_review', 'reading_notes',
                       'source_format'):
            batch_op.drop_column(column)
