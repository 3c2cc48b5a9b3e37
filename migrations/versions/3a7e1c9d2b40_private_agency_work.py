"""Whose mail and whose audit details: outbox sender agency, private audit events, login
attempts by address

Revision ID: 3a7e1c9d2b40
Revises: b5200ff6e83e
Create Date: 2026-12-01 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a7e1c9d2b40'
down_revision = 'b5200ff6e83e'
branch_labels = None
depends_on = None

#: The messages a lead office sends to the agencies of its round; everything else tagged
#: with a round (assignment, return note, the agency's submission notice) stays unshown.
LEAD_OFFICE_KINDS = ("round.opened", "round.deadline_extended", "round.published")


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_agency_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_sender_agency_id_agencies'),
                                    'agencies', ['sender_agency_id'], ['id'])
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private_to_agency_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_private_to_agency_id_agencies'),
                                    'agencies', ['private_to_agency_id'], ['id'])
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_remote_addr_attempted_at',
                              ['remote_addr', 'attempted_at'], unique=False)
    # Existing mail: the lead office's own messages keep showing in its round's log.
    messages = sa.table('outbox_messages', sa.column('round_id', sa.Integer),
                        sa.column('kind', sa.String), sa.column('sender_agency_id', sa.Integer))
    rounds = sa.table('rounds', sa.column('id', sa.Integer), sa.column('agency_id', sa.Integer))
    lead = sa.select(rounds.c.agency_id).where(rounds.c.id == messages.c.round_id) \
        .scalar_subquery()
    op.execute(messages.update().where(
        messages.c.round_id.is_not(None),
        sa.or_(messages.c.kind.in_(LEAD_OFFICE_KINDS), messages.c.kind.like('reminder.%')))
        .values(sender_agency_id=lead))
    # Existing audit events of an agency's internal work: hidden from other agencies. The
    # agency is the round's lead office for a disposition, the actor's for the rest.
    events = sa.table('audit_events', sa.column('action', sa.String),
                      sa.column('object_id', sa.Integer), sa.column('actor_id', sa.Integer),
                      sa.column('private_to_agency_id', sa.Integer))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('agency_id', sa.Integer))
    op.execute(events.update().where(events.c.action == 'consolidation.decided').values(
        private_to_agency_id=sa.select(rounds.c.agency_id)
        .where(rounds.c.id == events.c.object_id).scalar_subquery()))
    op.execute(events.update().where(events.c.action.in_(
        ('response.registered', 'response.assigned', 'response.returned'))).values(
        private_to_agency_id=sa.select(users.c.agency_id)
        .where(users.c.id == events.c.actor_id).scalar_subquery()))


def downgrade():
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_remote_addr_attempted_at')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_private_to_agency_id_agencies'),
                                 type_='foreignkey')
        batch_op.drop_column('private_to_agency_id')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_sender_agency_id_agencies'),
                                 type_='foreignkey')
        batch_op.drop_column('sender_agency_id')
