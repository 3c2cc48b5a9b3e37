"""An agency's inbox as one page of plain rows, in one statement; states as the tracker's."""
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import Integer, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from commentflow.core.dates import format_deadline, local_today
from commentflow.core.paging import PageInfo, page_info
from commentflow.directory.models import Agency
from commentflow.extensions import db
from commentflow.responses.models import Assignment, Registration, Response, ResponseState
from commentflow.responses.tracker import AnswerFacts, Facts, TrackerState, state_of
from commentflow.rounds.models import Round, RoundRecipient, RoundState


@dataclass(slots=True)
class _RoundFacts:
    """What state_of reads of a round."""

    state: RoundState
    deadline_at: datetime


@dataclass(slots=True)
class _RecipientFacts:
    """What state_of reads of a recipient (deadline_at and is_overdue as RoundRecipient's)."""

    extended_deadline_at: datetime | None
    opened_at: datetime | None
    exchange_status: str | None
    round: _RoundFacts

    deadline_at = RoundRecipient.deadline_at
    is_overdue = RoundRecipient.is_overdue
    accepts_answers = RoundRecipient.accepts_answers


@dataclass(slots=True)
class InboxEntry:
    """One request in the inbox, as the list shows it."""

    round_id: int
    sender: str
    letter_number: str
    letter_notation: str
    subject: str
    round_state: RoundState
    deadline_at: datetime
    #: The deadline as the page prints it, in the configured zone.
    deadline: str
    #: "5 ngày", "quá hạn" or "đã kết thúc".
    time_left: str
    state: TrackerState

    reference = Round.reference


def _submitted_answer():
    """The id of the recipient's latest submitted answer (correlated: one index lookup)."""
    return (select(Response.id)
            .where(Response.recipient_id == RoundRecipient.id,
                   Response.state == ResponseState.SUBMITTED)
            .order_by(Response.sequence.desc()).limit(1)
            .correlate(RoundRecipient).scalar_subquery())


@lru_cache(maxsize=1)
def _page_statement():
    """Built once, the agency and the page bound at execution: building this statement and
    its cache key took longer than running it."""
    editable = (ResponseState.DRAFTING, ResponseState.RETURNED)
    answer = aliased(Response)  # the submitted one; Response itself is the subqueries'
    return (
        select(RoundRecipient.extended_deadline_at, RoundRecipient.opened_at,
               RoundRecipient.exchange_status,
               Round.id, Round.letter_number, Round.letter_notation, Round.subject,
               Round.state, Round.deadline_at, Agency.name,
               exists().where(Registration.recipient_id == RoundRecipient.id),
               exists().where(Assignment.recipient_id == RoundRecipient.id),
               exists().where(Response.recipient_id == RoundRecipient.id,
                              Response.state.in_(editable)),
               answer.id, answer.recipient_id, answer.state, answer.kind,
               answer.reply_number, answer.reply_notation, answer.reply_date,
               answer.submitted_at, answer.entered_by_lead, answer.scan_file_id,
               func.count().over())
        .join(Round, Round.id == RoundRecipient.round_id)
        .join(Agency, Agency.id == Round.agency_id)
        .outerjoin(answer, answer.id == _submitted_answer())
        .where(RoundRecipient.agency_id == bindparam("agency_id"),
               Round.state != RoundState.DRAFT)
        .order_by(Round.deadline_at.desc(), RoundRecipient.id.desc())
        .offset(bindparam("offset", type_=Integer)).limit(bindparam("limit", type_=Integer)))


@dataclass(slots=True)
class _Words:
    """The time-left texts, translated once per page rather than once per row."""

    days: str = field(default_factory=lambda: _("%(n)d ngày"))  # formatted per row
    overdue: str = field(default_factory=lambda: _("quá hạn"))
    ended: str = field(default_factory=lambda: _("đã kết thúc"))


def _time_left(recipient: _RecipientFacts, now: datetime, zone: str, words: _Words) -> str:
    if recipient.accepts_answers(now):
        days = (local_today(recipient.deadline_at, zone) - local_today(now, zone)).days
        return words.days % {"n": days}
    return words.overdue if recipient.is_overdue(now) else words.ended


def _entry(row, now: datetime, zone: str, words: _Words) -> InboxEntry:
    (extended, opened_at, exchange_status, round_id, number, notation, subject, round_state,
     round_deadline, sender, registered, assigned, drafting) = row[:13]
    answer = AnswerFacts(*row[13:23]) if row[13] is not None else None
    recipient = _RecipientFacts(extended, opened_at, exchange_status,
                                _RoundFacts(round_state, round_deadline))
    facts = Facts(registered=bool(registered), assigned=bool(assigned),
                  drafting=bool(drafting), submitted=answer)
    return InboxEntry(round_id, sender, number, notation, subject, round_state,
                      recipient.deadline_at, format_deadline(recipient.deadline_at, zone),
                      _time_left(recipient, now, zone, words),
                      state_of(recipient, recipient.round, now, facts, zone=zone))


def inbox_entries(agency_id: int, asked: int, per_page: int, *, now: datetime,
                  zone: str) -> tuple[list[InboxEntry], PageInfo]:
    """One page of the requests sent to this agency, the latest deadline first, with each
    request's state and the number of pages — in one statement (a page asked for past the
    end, which returns no row and so no count, takes a second: the last page)."""
    asked = max(asked, 1)
    rows = db.session.execute(_page_statement(), {
        "agency_id": agency_id, "offset": (asked - 1) * per_page, "limit": per_page}).all()
    if not rows and asked > 1:
        total = db.session.scalar(
            select(func.count()).select_from(RoundRecipient)
            .join(Round, Round.id == RoundRecipient.round_id)
            .where(RoundRecipient.agency_id == agency_id, Round.state != RoundState.DRAFT))
        info = page_info(total, asked, per_page)
        return inbox_entries(agency_id, info.page, per_page, now=now, zone=zone) \
            if total else ([], info)
    info = page_info(rows[-1][-1] if rows else 0, asked, per_page)
    words = _Words()
    entries = [_entry(row, now, zone, words) for row in rows]
    start = (info.page - 1) * per_page
    info.first, info.last = (start + 1, start + len(entries)) if entries else (0, 0)
    return entries, info
