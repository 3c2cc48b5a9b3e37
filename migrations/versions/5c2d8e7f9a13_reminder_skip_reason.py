"""Why a reminder was not sent: its moment passed, it came before the request, or nobody
could receive it

Revision ID: 5c2d8e7f9a13
Revises: 3a7e1c9d2b40
Create Date: 2026-12-01 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2d8e7f9a13'
down_revision = '3a7e1c9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skip_reason', sa.String(length=20), server_default='',
                                      nullable=False))
    reminders = sa.table('reminders', sa.column('sent_at', sa.DateTime),
                         sa.column('skipped_at', sa.DateTime),
                         sa.column('recipients_count', sa.Integer),
                         sa.column('skip_reason', sa.String))
    # Recorded as sent to nobody: it never reached anyone, and is shown so from now on.
    op.execute(reminders.update().where(reminders.c.sent_at.is_not(None),
                                        reminders.c.recipients_count == 0)
               .values(skip_reason='nobody', skipped_at=reminders.c.sent_at, sent_at=None))
    op.execute(reminders.update().where(reminders.c.sent_at.is_(None),
                                        reminders.c.skip_reason == '')
               .values(skip_reason='passed'))


def downgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_column('skip_reason')
