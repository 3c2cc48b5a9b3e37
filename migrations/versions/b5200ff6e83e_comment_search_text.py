"""Comments carry their folded text for search without diacritics in SQL

Revision ID: b5200ff6e83e
Revises: f4f025187336
Create Date: 2026-11-23 05:14:40.372118

"""
from alembic import op
import sqlalchemy as sa

import commentflow.core.db  # noqa: F401
from commentflow.core.text import fold


# revision identifiers, used by Alembic.
revision = 'b5200ff6e83e'
down_revision = 'f4f025187336'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='',
                                      nullable=False))
    # Existing comments get the same folded text the application writes on every save.
    comments = sa.table('comments', sa.column('id', sa.Integer), sa.column('text', sa.Text),
                        sa.column('proposed_wording', sa.Text), sa.column('reason', sa.Text),
                        sa.column('search_text', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(comments.c.id, comments.c.text,
                                        comments.c.proposed_wording, comments.c.reason))
    updates = [{"key": id_, "folded": fold("\n".join((text or "", proposed or "",
                                                      reason or "")))}
               for id_, text, proposed, reason in rows]
    if updates:
        connection.execute(comments.update().where(comments.c.id == sa.bindparam("key"))
                           .values(search_text=sa.bindparam("folded")), updates)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('search_text')
