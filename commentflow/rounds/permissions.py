"""Who may see and change a round: its lead office; and each recipient agency, once sent."""
from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from commentflow.accounts.models import Role, User
from commentflow.extensions import db
from commentflow.rounds.models import Round, RoundRecipient, RoundState


def can_create_rounds(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.LEAD_STAFF)


def can_manage_round(user: User | None, round_: Round) -> bool:
    return can_create_rounds(user) and user.agency_id == round_.agency_id


def can_list_rounds(user: User | None) -> bool:
    """Lead-office staff and leaders follow rounds (the menu's "Lấy ý kiến")."""
    return user is not None and user.is_active and (user.has_role(Role.LEAD_STAFF)
                                                    or user.has_role(Role.LEADER))


def can_follow_round(user: User | None, round_: Round) -> bool:
    """The lead office's staff and leaders see its rounds and their trackers."""
    return can_list_rounds(user) and user.agency_id == round_.agency_id


def sent_recipient(user: User | None, round_id: int) -> RoundRecipient | None:
    """The user's agency's place among the recipients of a sent round, if any, with its round,
    in one statement: by its key, not the round's whole list (500 recipients), and the round
    with it (every request of an agency's pages and API calls starts here)."""
    parameters = sent_recipient_parameters(user, round_id)
    if parameters is None:
        return None
    return db.session.scalar(sent_recipient_statement(), parameters)


def sent_recipient_parameters(user: User | None, round_id: int) -> dict | None:
    """The parameters of sent_recipient_statement for this user, or None when the user can be
    no round's recipient (signed out, account closed)."""
    if user is None or not user.is_active:
        return None
    return {"round_id": round_id, "agency_id": user.agency_id}


@lru_cache(maxsize=1)
def sent_recipient_statement():
    """The rule of sent_recipient as a statement with parameters `round_id` and `agency_id`,
    for a caller that reads more in the same statement: extend it, never restate it. Built
    once: making the statement (and its cache key) again on every request cost about as much
    as running it."""
    return (select(RoundRecipient).join(Round, Round.id == RoundRecipient.round_id)
            .where(RoundRecipient.round_id == bindparam("round_id"),
                   RoundRecipient.agency_id == bindparam("agency_id"),
                   Round.state != RoundState.DRAFT)
            .options(contains_eager(RoundRecipient.round)))
