"""The lead office's tracker: each recipient's state, derived from stored facts and `now`."""
import enum
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from commentflow.core.dates import format_short_datetime, local_to_utc
from commentflow.core.db import counts_by
from commentflow.directory.models import AgencyGroup, AgencyGroupMembership
from commentflow.extensions import db
from commentflow.responses.models import (
    Assignment,
    Comment,
    Registration,
    Response,
    ResponseKind,
    ResponseState,
)
from commentflow.rounds.models import Round, RoundRecipient, RoundState
from commentflow.signatures.models import SignatureCheck
from commentflow.signatures.services import checks_of, describe


class TrackerState(enum.Enum):
    """Where a recipient stands, from the facts recorded about it and the current time."""

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
    #: Our letter reached them; unlike "Đã gửi ý kiến" (their answer reached us).
    TrackerState.SENT: _l("Đã chuyển văn bản, chưa xem"),
    TrackerState.OPENED: _l("Đã xem"),
    TrackerState.REGISTERED: _l("Đã vào sổ"),
    TrackerState.ASSIGNED: _l("Đã giao xử lý"),
    TrackerState.DRAFTING: _l("Đang soạn"),
    TrackerState.SUBMITTED_ON_TIME: _l("Đã gửi ý kiến đúng hạn"),
    TrackerState.SUBMITTED_LATE: _l("Đã gửi ý kiến quá hạn"),
    TrackerState.AGREED: _l("Thống nhất, không có ý kiến"),
    TrackerState.NO_ANSWER: _l("Không trả lời"),
}


#: After "Kết thúc nhận ý kiến" nobody answers any more, whatever the deadline said.
ANSWERING_ENDED = (RoundState.CLOSED, RoundState.CONSOLIDATED, RoundState.PUBLISHED)


@dataclass(slots=True)
class AnswerFacts:
    """What the tracker reads of a response: plain values, not an ORM object (500 responses
    are loaded on every view of a large round's tracker)."""

    id: int
    recipient_id: int
    state: ResponseState
    kind: ResponseKind
    reply_number: str
    reply_notation: str
    reply_date: object
    submitted_at: datetime | None
    entered_by_lead: bool
    scan_file_id: int | None

    reference = Response.reference
    is_editable = Response.is_editable


_ANSWER_COLUMNS = (Response.id, Response.recipient_id, Response.state, Response.kind,
                   Response.reply_number, Response.reply_notation, Response.reply_date,
                   Response.submitted_at, Response.entered_by_lead, Response.scan_file_id)


@dataclass
class TrackerRow:
    recipient: "RoundRecipient | RecipientFacts"
    groups: list[AgencyGroup]
    state: TrackerState
    #: For NO_ANSWER: whether the round counts silence as agreement.
    deemed_agreement: bool
    reply_reference: str = ""
    reply_date: object = None
    comment_count: int = 0
    #: The reply was typed in by the lead office (paper or e-office letter).
    entered_by_lead: bool = False
    response: AnswerFacts | None = None
    #: What the digital signature of the reply's signed PDF is worth (load_details).
    signature: SignatureCheck | None = None


@dataclass
class Facts:
    """What is recorded about one recipient's handling of the request."""

    registered: bool = False
    assigned: bool = False
    drafting: bool = False
    submitted: AnswerFacts | None = None


#: edXML status codes (QCVN 102) that mean the agency registered, or assigned, the request.
_REGISTERED_BY_STATUS = {"03", "04", "05", "06"}
_ASSIGNED_BY_STATUS = {"04", "05", "06"}


def state_of(recipient: RoundRecipient, round_: Round, now: datetime,
             facts: Facts | None = None, *, zone: str) -> TrackerState:
    facts = facts or Facts()
    if facts.submitted is not None:
        if facts.submitted.kind is ResponseKind.AGREED:
            return TrackerState.AGREED
        return (TrackerState.SUBMITTED_LATE if _late(facts.submitted, recipient, zone)
                else TrackerState.SUBMITTED_ON_TIME)
    if recipient.is_overdue(now) or round_.state in ANSWERING_ENDED:
        return TrackerState.NO_ANSWER  # closing early ends the answering period too
    # An agency answering from its own e-office system reports its progress by edXML status.
    reported = recipient.exchange_status
    for flag, state in ((facts.drafting or reported == "05", TrackerState.DRAFTING),
                        (facts.assigned or reported in _ASSIGNED_BY_STATUS,
                         TrackerState.ASSIGNED),
                        (facts.registered or reported in _REGISTERED_BY_STATUS,
                         TrackerState.REGISTERED),
                        (recipient.opened_at is not None, TrackerState.OPENED)):
        if flag:
            return state
    return TrackerState.SENT


def _late(response: AnswerFacts, recipient: RoundRecipient, zone: str) -> bool:
    """Late if submitted after the deadline (a paper reply: dated on or after its day, a
    day of the configured zone)."""
    if response.entered_by_lead and response.reply_date is not None:
        return local_to_utc(response.reply_date, time(0, 0), zone) >= recipient.deadline_at
    return response.submitted_at is not None and response.submitted_at >= recipient.deadline_at


def _facts(recipient_ids: list[int], round_id: int | None = None) -> dict[int, Facts]:
    """Facts per recipient, in two queries. With round_id
    the recipients are all of that round's, selected by the round rather than by a list of
    500 ids the database would parse again on every view."""
    facts = {i: Facts() for i in recipient_ids}
    if not recipient_ids:
        return facts
    chosen = select(RoundRecipient.id).where(RoundRecipient.round_id == round_id) \
        if round_id is not None else recipient_ids
    # Registered and assigned, both in one statement (a request is registered and
    # assigned at most once each).
    for rid, registered, assigned in db.session.execute(
            select(RoundRecipient.id,
                   exists().where(Registration.recipient_id == RoundRecipient.id),
                   exists().where(Assignment.recipient_id == RoundRecipient.id))
            .where(RoundRecipient.round_id == round_id if round_id is not None
                   else RoundRecipient.id.in_(recipient_ids))):
        facts[rid].registered, facts[rid].assigned = bool(registered), bool(assigned)
    responses = (AnswerFacts(*row) for row in db.session.execute(select(*_ANSWER_COLUMNS).where(
        Response.recipient_id.in_(chosen)).order_by(Response.sequence)))
    for response in responses:
        if response.state is ResponseState.SUBMITTED:
            facts[response.recipient_id].submitted = response
        elif response.is_editable:
            facts[response.recipient_id].drafting = True
    return facts


@dataclass(slots=True)
class RecipientFacts:
    """What the states and counts need of a recipient; its agency and reader are loaded
    (load_details) only for the rows a page shows."""

    id: int
    agency_id: int
    position: int
    extended_deadline_at: datetime | None
    opened_at: datetime | None
    exchange_status: str | None
    round: Round

    deadline_at = RoundRecipient.deadline_at
    is_overdue = RoundRecipient.is_overdue


def tracker_rows(round_: Round, *, now: datetime, zone: str,
                 details: bool = True) -> list[TrackerRow]:
    """Every recipient with its state and groups, in a fixed number of queries. Without
    details each row's recipient holds only what states and counts need; load_details then
    brings the full recipients of the rows shown."""
    recipients = [RecipientFacts(*row, round_) for row in db.session.execute(
        select(RoundRecipient.id, RoundRecipient.agency_id, RoundRecipient.position,
               RoundRecipient.extended_deadline_at, RoundRecipient.opened_at,
               RoundRecipient.exchange_status)
        .where(RoundRecipient.round_id == round_.id).order_by(RoundRecipient.position))]
    groups: dict[int, list[AgencyGroup]] = {}
    if recipients:
        memberships = db.session.execute(
            select(AgencyGroupMembership.agency_id, AgencyGroup)
            .join(AgencyGroup, AgencyGroup.id == AgencyGroupMembership.group_id)
            .where(AgencyGroupMembership.agency_id.in_(
                select(RoundRecipient.agency_id).where(RoundRecipient.round_id == round_.id)))
            .order_by(AgencyGroup.display_order, AgencyGroup.id))
        for agency_id, group in memberships:
            groups.setdefault(agency_id, []).append(group)
    facts = _facts([r.id for r in recipients], round_.id)
    rows = []
    for recipient in recipients:
        fact = facts[recipient.id]
        state = state_of(recipient, round_, now, fact, zone=zone)
        response = fact.submitted
        rows.append(TrackerRow(
            recipient, groups.get(recipient.agency_id, []),
            state, state is TrackerState.NO_ANSWER and round_.silence_is_agreement,
            reply_reference=response.reference if response else "",
            reply_date=response.reply_date if response else None,
            entered_by_lead=bool(response and response.entered_by_lead), response=response))
    return load_details(rows, round_) if details else rows


def load_details(rows: list[TrackerRow], round_: Round) -> list[TrackerRow]:
    """Put the full recipients (with their agency and who opened the letter), the number of
    comments of their answers and their signatures' checks into these rows, in three queries."""
    ids = [row.recipient.id for row in rows]
    loaded = {r.id: r for r in db.session.scalars(
        select(RoundRecipient).where(RoundRecipient.id.in_(ids or [0]))
        .options(joinedload(RoundRecipient.agency), joinedload(RoundRecipient.opened_by)))}
    for row in rows:
        row.recipient = loaded[row.recipient.id]
        # Already loaded: no query per row, and set as loaded, so that a page that only reads
        # the tracker leaves nothing dirty for the session to flush.
        set_committed_value(row.recipient, "round", round_)
    counts = counts_by(db.session, Comment.response_id,
                       [row.response.id for row in rows if row.response is not None],
                       Comment.deleted_at.is_(None))
    checks = checks_of(row.response.scan_file_id for row in rows if row.response is not None)
    for row in rows:
        row.comment_count = counts.get(row.response.id, 0) if row.response else 0
        row.signature = checks.get(row.response.scan_file_id) if row.response else None
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


def agency_states(entries: list[RoundRecipient], *, now: datetime,
                  zone: str) -> dict[int, TrackerState]:
    """The state of each of one agency's requests (its inbox), in a fixed number of queries."""
    facts = _facts([e.id for e in entries])
    return {e.id: state_of(e, e.round, now, facts[e.id], zone=zone) for e in entries}


def tracker_table(round_: Round, *, now: datetime, zone: str) -> tuple[list[str], list[list]]:
    """The tracker as a header and rows, for spreadsheets (the tracker's and the report's)."""
    rows = tracker_rows(round_, now=now, zone=zone)
    header = [_("STT"), _("Cơ quan, đơn vị"), _("Nhóm"), _("Trạng thái"), _("Hạn"),
              _("Đã xem lúc"), _("Người xem"), _("Số, ngày văn bản trả lời"), _("Số ý kiến"),
              _("Chữ ký số")]
    data = [[index, row.recipient.agency.name, "; ".join(g.name for g in row.groups),
             str(STATE_LABELS[row.state]) + (
                 " — " + _("xem như thống nhất") if row.deemed_agreement else ""),
             format_short_datetime(row.recipient.deadline_at, zone),
             format_short_datetime(row.recipient.opened_at, zone)
             if row.recipient.opened_at else "",
             row.recipient.opened_by.full_name if row.recipient.opened_by else "",
             " ".join(p for p in (row.reply_reference, row.reply_date.strftime("%d/%m/%Y")
                                  if row.reply_date else "") if p)
             + (" (" + _("cơ quan chủ trì nhập") + ")" if row.entered_by_lead else ""),
             row.comment_count, describe(row.signature, zone)]
            for index, row in enumerate(rows, start=1)]
    return header, data
