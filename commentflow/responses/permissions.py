"""Who may register, assign, draft, approve and read an agency's response."""
from commentflow.accounts.models import Role, User
from commentflow.responses.models import Assignment, Response, ResponseState
from commentflow.rounds.models import RoundRecipient


def _of_agency(user: User | None, recipient: RoundRecipient) -> bool:
    return user is not None and user.is_active and user.agency_id == recipient.agency_id


def can_register(user, recipient: RoundRecipient) -> bool:
    return _of_agency(user, recipient) and (user.has_role(Role.CLERK)
                                            or user.has_role(Role.LEADER))


def can_assign(user, recipient: RoundRecipient) -> bool:
    return _of_agency(user, recipient) and user.has_role(Role.LEADER)


can_approve = can_assign


def can_draft(user, recipient: RoundRecipient, assignment: Assignment | None) -> bool:
    """Staff draft; once a leader has assigned it, the handler and coordinators do."""
    if not _of_agency(user, recipient):
        return False
    if user.has_role(Role.LEADER):
        return True
    if not user.has_role(Role.STAFF):
        return False
    if assignment is None:
        return True
    return user.id == assignment.handler_id or user in assignment.coordinators


def can_read_response(user, response: Response) -> bool:
    """The agency reads its own work; the lead office only what was submitted."""
    recipient = response.recipient
    if _of_agency(user, recipient):
        return True
    lead = recipient.round.agency_id
    return (user is not None and user.is_active and user.agency_id == lead
            and (user.has_role(Role.LEAD_STAFF) or user.has_role(Role.LEADER))
            and response.state in (ResponseState.SUBMITTED, ResponseState.SUPERSEDED))
