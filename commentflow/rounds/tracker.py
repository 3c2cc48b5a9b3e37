"""The lead office's tracker: each recipient's state, derived from stored facts and `now`."""
import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from commentflow.directory.models import AgencyGroup, AgencyGroupMembership
from commentflow.extensions import db
from commentflow.rounds.models import Round, RoundRecipient


class TrackerState(enum.Enum):
    """Where a recipient stands. Registration, assignment and replies are recorded by the
    agency-responses feature; until then a recipient is sent, opened or without answer."""

    SENT = "sent"
    OPENED = "opened"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    DRAFTING = "drafting"
    SUBMITTED_ON_TIME = "submitted_on_time"
    SUBMITTED_LATE = "submitted_late"
    AGREED = "agreed"
    NO_ANSWER = "no_answer"


STATE_LABELS = {
    TrackerState.SENT: _l("Đã gửi"),
    TrackerState.OPENED: _l("Đã xem"),
    TrackerState.REGISTERED: _l("Đã vào sổ"),
    TrackerState.ASSIGNED: _l("Đã giao xử lý"),
    TrackerState.DRAFTING: _l("Đang soạn"),
    TrackerState.SUBMITTED_ON_TIME: _l("Đã gửi ý kiến đúng hạn"),
    TrackerState.SUBMITTED_LATE: _l("Đã gửi ý kiến quá hạn"),
    TrackerState.AGREED: _l("Thống nhất, không có ý kiến"),
    TrackerState.NO_ANSWER: _l("Không trả lời"),
}


@dataclass
class TrackerRow:
    recipient: RoundRecipient
    groups: list[AgencyGroup]
    state: TrackerState
    #: For NO_ANSWER: whether the round counts silence as agreement.
    deemed_agreement: bool
    reply_reference: str = ""
    comment_count: int = 0


def state_of(recipient: RoundRecipient, round_: Round, now: datetime) -> TrackerState:
    if recipient.is_overdue(now):
        return TrackerState.NO_ANSWER
    if recipient.opened_at is not None:
        return TrackerState.OPENED
    return TrackerState.SENT


def tracker_rows(round_: Round, *, now: datetime) -> list[TrackerRow]:
    """Every recipient with its state and groups, in a fixed number of queries."""
    recipients = list(db.session.scalars(
        select(RoundRecipient).where(RoundRecipient.round_id == round_.id)
        .options(joinedload(RoundRecipient.agency), joinedload(RoundRecipient.opened_by))
        .order_by(RoundRecipient.position)))
    agency_ids = [r.agency_id for r in recipients]
    groups: dict[int, list[AgencyGroup]] = {}
    memberships = db.session.scalars(
        select(AgencyGroupMembership).where(AgencyGroupMembership.agency_id.in_(agency_ids))
        .options(joinedload(AgencyGroupMembership.group))) if agency_ids else []
    for membership in memberships:
        groups.setdefault(membership.agency_id, []).append(membership.group)
    rows = []
    for recipient in recipients:
        recipient.round = round_  # already loaded: no query per row
        state = state_of(recipient, round_, now)
        rows.append(TrackerRow(recipient, sorted(groups.get(recipient.agency_id, []),
                                                 key=lambda g: g.display_order),
                               state, state is TrackerState.NO_ANSWER
                               and round_.silence_is_agreement))
    return rows


def filter_rows(rows, *, state: str = "", group_id: int | None = None):
    if state:
        rows = [r for r in rows if r.state.value == state]
    if group_id:
        rows = [r for r in rows if any(g.id == group_id for g in r.groups)]
    return rows


def counts(rows) -> tuple[Counter, Counter]:
    """(rows per state, rows per group id)."""
    by_state = Counter(r.state for r in rows)
    by_group = Counter(g.id for r in rows for g in r.groups)
    return by_state, by_group
