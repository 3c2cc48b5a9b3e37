"""Who consolidates a round: its lead office's staff draft dispositions; its leaders approve,
close and publish."""
from commentflow.core.roles import Role
from commentflow.rounds.models import Round
from commentflow.rounds.permissions import can_manage_round


def can_decide(user, round_: Round) -> bool:
    """Draft, group and ungroup dispositions."""
    return can_manage_round(user, round_)


def can_approve(user, round_: Round) -> bool:
    """Approve dispositions, close the consolidation, publish the result."""
    return (user is not None and user.is_active and user.agency_id == round_.agency_id
            and user.has_role(Role.LEADER))
