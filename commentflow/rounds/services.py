"""Use cases of a comment round: prepare, open, extend, add recipients, close, read."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import contains_eager

from commentflow.audit.services import diff, record_event
from commentflow.core.dates import format_deadline
from commentflow.core.db import counts_by
from commentflow.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from commentflow.core.text import normalize, normalize_multiline
from commentflow.directory.models import Agency, AgencyGroup
from commentflow.drafts.comparisons import VersionComparison
from commentflow.drafts.models import DraftVersion
from commentflow.extensions import db
from commentflow.notifications.services import notify_agency
from commentflow.rounds.models import Round, RoundRecipient, RoundState, Urgency
from commentflow.rounds.permissions import (
    can_create_rounds,
    can_follow_round,
    can_manage_round,
    sent_recipient,
)


class NeedsConfirmation(DomainError):
    """The deadline is shorter than the minimum period: the user must confirm it."""

    status_code = 409
    field = "confirmed"


LETTER_FIELDS = ("letter_number", "letter_notation", "subject", "place", "letter_date",
                 "urgency", "signer_authority", "signer_head_title", "signer_position",
                 "signer_name", "collecting_unit", "contact", "body", "deadline_at",
                 "silence_is_agreement")


@dataclass
class RoundData:
    subject: str
    place: str
    letter_date: date
    deadline_at: datetime
    signer_position: str
    signer_name: str
    letter_number: str = ""
    letter_notation: str = ""
    urgency: Urgency = Urgency.NORMAL
    signer_authority: str = ""
    signer_head_title: str = ""
    collecting_unit: str = ""
    contact: str = ""
    body: str = ""
    silence_is_agreement: bool = True
    version_ids: list[int] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)
    agency_ids: list[int] = field(default_factory=list)
    #: A follow-up round ("lần 2"): the round whose comments it carries.
    previous_round_id: int | None = None


def _clean(data: RoundData) -> None:
    for name in ("subject", "place", "letter_number", "letter_notation", "signer_authority",
                 "signer_head_title", "signer_position", "signer_name", "collecting_unit",
                 "contact"):
        setattr(data, name, normalize(getattr(data, name)))
    data.body = normalize_multiline(data.body)
    data.letter_notation = data.letter_notation.upper()
    data.signer_head_title = data.signer_head_title.upper()
    data.signer_position = data.signer_position.upper()


def check_deadline(deadline_at: datetime, *, now: datetime, zone: str, confirmed: bool) -> None:
    """Refuse a past deadline; ask to confirm one closer than the minimum period."""
    if deadline_at <= now:
        raise ValidationFailed(_("Hạn góp ý phải ở sau thời điểm hiện tại."))
    minimum = timedelta(days=current_app.config["ROUND_MIN_DAYS"])
    if deadline_at - now < minimum and not confirmed:
        raise NeedsConfirmation(_(
            "Hạn góp ý (%(deadline)s) ngắn hơn %(days)d ngày tối thiểu. Nếu đúng là cần gấp, "
            "hãy đánh dấu xác nhận và lưu lại.", deadline=format_deadline(
                deadline_at, zone),
            days=current_app.config["ROUND_MIN_DAYS"]))


def _versions(data: RoundData, actor) -> list[DraftVersion]:
    versions = list(db.session.scalars(select(DraftVersion).where(
        DraftVersion.id.in_(data.version_ids))))
    if any(v.draft.agency_id != actor.agency_id for v in versions) or \
            len(versions) != len(set(data.version_ids)):
        raise ValidationFailed(_("Chỉ được gửi dự thảo của cơ quan mình."))
    _refuse_unchecked(versions)
    return versions


def _refuse_unpaired(round_: Round) -> None:
    """A follow-up round carries the earlier comments to the sections they became: the lead
    office confirms how each revised version's sections pair with the earlier ones first."""
    previous = round_.previous_round
    if previous is None:
        return
    for old in previous.versions:
        new = next((v for v in round_.versions if v.draft_id == old.draft_id), None)
        if new is None or new.id == old.id:
            continue
        confirmed = db.session.scalar(select(VersionComparison.confirmed_at).where(
            VersionComparison.old_version_id == old.id,
            VersionComparison.new_version_id == new.id))
        if confirmed is None:
            raise ValidationFailed(_(
                "Hãy mở \"So sánh với lần %(old)d\" của dự thảo \"%(title)s\", kiểm tra và xác "
                "nhận cách ghép mục trước khi gửi: ý kiến của đợt trước được chuyển theo cách "
                "ghép đó.", old=old.number, title=new.draft.title))


def _refuse_unchecked(versions) -> None:
    """Text recognised from a scan goes out only after a person has checked it."""
    unchecked = [v for v in versions if v.awaits_review]
    if unchecked:
        raise ValidationFailed(_(
            "Dự thảo \"%(title)s\" (lần %(n)d) được nhận dạng từ bản quét và chưa được soát lại. "
            "Hãy soát lại từng mục và xác nhận trước khi gửi lấy ý kiến.",
            title=unchecked[0].draft.title, n=unchecked[0].number))


def recipient_agencies(group_ids, agency_ids, *, lead_agency_id) -> list[Agency]:
    """The agencies of the chosen groups (in group, then protocol order), then single ones."""
    ordered: list[Agency] = []
    seen = {lead_agency_id}
    groups = db.session.scalars(select(AgencyGroup).where(AgencyGroup.id.in_(group_ids))
                                .order_by(AgencyGroup.display_order, AgencyGroup.id))
    for group in groups:
        for agency in group.agencies:
            if agency.is_active and agency.id not in seen:
                ordered.append(agency)
                seen.add(agency.id)
    singles = db.session.scalars(select(Agency).where(Agency.id.in_(agency_ids),
                                                      Agency.is_active.is_(True))
                                 .order_by(Agency.display_order, Agency.name_sort_key))
    for agency in singles:
        if agency.id not in seen:
            ordered.append(agency)
            seen.add(agency.id)
    return ordered


def _apply(round_: Round, data: RoundData, actor, now) -> None:
    for name in LETTER_FIELDS:
        setattr(round_, name, getattr(data, name))
    round_.versions = _versions(data, actor)
    round_.groups = list(db.session.scalars(select(AgencyGroup).where(
        AgencyGroup.id.in_(data.group_ids))))
    agencies = recipient_agencies(data.group_ids, data.agency_ids,
                                  lead_agency_id=round_.agency_id)
    current = {r.agency_id: r for r in round_.recipients}
    round_.recipients = [current.get(a.id) or RoundRecipient(agency_id=a.id, added_at=now)
                         for a in agencies]
    for position, recipient in enumerate(round_.recipients, start=1):
        recipient.position = position
    round_.updated_at = now


def _snapshot(round_: Round) -> dict:
    values = {name: getattr(round_, name) for name in LETTER_FIELDS}
    values["recipients"] = [r.agency_id for r in round_.recipients]
    values["versions"] = [v.id for v in round_.versions]
    return values


def create_round(data: RoundData, *, actor, now, zone: str, confirmed: bool = False) -> Round:
    if not can_create_rounds(actor):
        raise PermissionDenied(_("Chỉ chuyên viên cơ quan chủ trì được tạo đợt lấy ý kiến."))
    _clean(data)
    check_deadline(data.deadline_at, now=now, zone=zone, confirmed=confirmed)
    round_ = Round(agency_id=actor.agency_id, created_by_id=actor.id, created_at=now,
                   updated_at=now, state=RoundState.DRAFT,
                   previous_round_id=_previous(data.previous_round_id, actor))
    with db.session.no_autoflush:
        _apply(round_, data, actor, now)
    db.session.add(round_)
    db.session.flush()
    record_event("round.created", round_, actor=actor, now=now, label=round_.subject,
                 changes=_snapshot(round_))
    return round_


def _previous(round_id: int | None, actor) -> int | None:
    """The earlier round a follow-up carries: this office's, and no longer taking answers."""
    if not round_id:
        return None
    previous = db.session.get(Round, round_id)
    if previous is None or previous.agency_id != actor.agency_id:
        raise ValidationFailed(_("Không tìm thấy đợt lấy ý kiến trước."))
    if previous.state in (RoundState.DRAFT, RoundState.OPEN):
        raise ValidationFailed(_("Đợt lấy ý kiến trước còn đang nhận ý kiến; hãy kết thúc đợt "
                                 "đó trước khi lấy ý kiến lần tiếp theo."))
    return previous.id


def follow_up_data(previous: Round, *, actor) -> RoundData:
    """A follow-up round's letter as first proposed: the same recipients, the latest version
    of each draft circulated, the subject marked "(lần 2)", the same notation and signer
    (the letter's number and date are the clerk's to give)."""
    number = 2
    walker = previous
    while walker.previous_round_id:
        number += 1
        walker = db.session.get(Round, walker.previous_round_id)
    subject = re.sub(r"\s*\(lần \d+\)$", "", previous.subject) + f" (lần {number})"
    latest = [v.draft.latest_version.id for v in previous.versions]
    return RoundData(subject=subject, place=previous.place, letter_date=None,
                     letter_notation=previous.letter_notation,
                     deadline_at=None, signer_position=previous.signer_position,
                     signer_name=previous.signer_name, signer_authority=previous.signer_authority,
                     signer_head_title=previous.signer_head_title,
                     collecting_unit=previous.collecting_unit, contact=previous.contact,
                     body=previous.body, silence_is_agreement=previous.silence_is_agreement,
                     version_ids=list(dict.fromkeys(latest)),
                     agency_ids=[r.agency_id for r in previous.recipients],
                     previous_round_id=previous.id)


def update_round(round_: Round, data: RoundData, *, actor, now, zone: str,
                 confirmed: bool = False) -> Round:
    _require_manager(round_, actor)
    if round_.state is not RoundState.DRAFT:
        raise ValidationFailed(_("Đợt lấy ý kiến đã gửi đi: chỉ còn gia hạn hoặc thêm nơi nhận."))
    _clean(data)
    check_deadline(data.deadline_at, now=now, zone=zone, confirmed=confirmed)
    before = _snapshot(round_)
    _apply(round_, data, actor, now)
    db.session.flush()
    changes = diff(before, _snapshot(round_))
    if changes:
        record_event("round.updated", round_, actor=actor, now=now, label=round_.subject,
                     changes=changes)
    return round_


def _require_manager(round_: Round, actor) -> None:
    if not can_manage_round(actor, round_):
        raise PermissionDenied(_("Bạn không quản lý đợt lấy ý kiến này."))


def open_round(round_: Round, *, actor, now, zone: str, confirmed: bool = False) -> Round:
    """Circulate the round: into every recipient's inbox, drafts frozen, users notified."""
    _require_manager(round_, actor)
    if round_.state is not RoundState.DRAFT:
        raise ValidationFailed(_("Đợt lấy ý kiến này đã được gửi."))
    if not round_.versions:
        raise ValidationFailed(_("Hãy chọn dự thảo cần lấy ý kiến."))
    _refuse_unchecked(round_.versions)
    _refuse_unpaired(round_)
    if not round_.recipients:
        raise ValidationFailed(_("Hãy chọn nơi nhận (nhóm hoặc từng cơ quan, đơn vị)."))
    if not round_.letter_number or not round_.letter_notation or not round_.letter_date:
        raise ValidationFailed(_(
            "Hãy ghi số, ký hiệu và ngày của công văn (như văn thư đã cấp số) trước khi gửi: "
            "các đơn vị trả lời \"Phúc đáp Công văn số …\" theo số này."))
    check_deadline(round_.deadline_at, now=now, zone=zone, confirmed=confirmed)
    round_.state = RoundState.OPEN
    round_.opened_at = now
    for version in round_.versions:
        version.circulated_at = version.circulated_at or now
    for recipient in round_.recipients:
        _notify_opened(round_, recipient, now, zone)
    record_event("round.opened", round_, actor=actor, now=now, label=round_.subject,
                 changes={"recipients": len(round_.recipients)})
    return round_


def _inbox_url(round_: Round) -> str:
    return f"/inbox/{round_.id}"


def _notify_opened(round_: Round, recipient: RoundRecipient, now, zone: str) -> None:
    notify_agency(recipient.agency_id, "round.opened", _l(
        "%(office)s đề nghị góp ý: %(subject)s — hạn %(deadline)s.",
        office=round_.agency.name, subject=round_.subject,
        deadline=LazyString(format_deadline, recipient.deadline_at, zone)),
        _inbox_url(round_), now=now, round_id=round_.id,
        sender_agency_id=round_.agency_id)


def _require_open(round_: Round) -> None:
    if round_.state is not RoundState.OPEN:
        raise ValidationFailed(_("Chỉ đợt lấy ý kiến đang mở mới gia hạn hoặc thêm nơi nhận "
                                 "được."))


def extend_deadline(round_: Round, deadline_at: datetime, *, actor, now, zone: str,
                    reason: str = "") -> Round:
    """A later deadline for every recipient (their own later extensions stay)."""
    _require_manager(round_, actor)
    _require_open(round_)
    if deadline_at <= round_.deadline_at:
        raise ValidationFailed(_("Hạn mới phải sau hạn hiện tại."))
    check_deadline(deadline_at, now=now, zone=zone, confirmed=True)
    old = round_.deadline_at
    round_.deadline_at = deadline_at
    round_.updated_at = now
    for recipient in round_.recipients:
        if recipient.extended_deadline_at and recipient.extended_deadline_at <= deadline_at:
            recipient.extended_deadline_at = None
        notify_agency(recipient.agency_id, "round.deadline_extended", _l(
            "Gia hạn góp ý %(subject)s: hạn mới %(deadline)s.", subject=round_.subject,
            deadline=LazyString(format_deadline, recipient.deadline_at, zone)),
            _inbox_url(round_), now=now, round_id=round_.id,
            sender_agency_id=round_.agency_id)
    record_event("round.deadline_extended", round_, actor=actor, now=now,
                 label=round_.subject, changes={"deadline_at": [old, deadline_at],
                                                "reason": normalize(reason)})
    return round_


def extend_for_agency(recipient: RoundRecipient, deadline_at: datetime, reason: str, *,
                      actor, now, zone: str) -> RoundRecipient:
    round_ = recipient.round
    _require_manager(round_, actor)
    _require_open(round_)
    reason = normalize(reason)
    if not reason:
        raise ValidationFailed(_("Hãy ghi lý do gia hạn riêng cho đơn vị này."))
    if deadline_at <= recipient.deadline_at:
        raise ValidationFailed(_("Hạn mới phải sau hạn hiện tại của đơn vị."))
    check_deadline(deadline_at, now=now, zone=zone, confirmed=True)
    old = recipient.deadline_at
    recipient.extended_deadline_at = deadline_at
    recipient.extension_reason = reason
    notify_agency(recipient.agency_id, "round.deadline_extended", _l(
        "Gia hạn riêng cho đơn vị góp ý %(subject)s: hạn mới %(deadline)s.",
        subject=round_.subject,
        deadline=LazyString(format_deadline, deadline_at, zone)),
        _inbox_url(round_), now=now, round_id=round_.id,
        sender_agency_id=round_.agency_id)
    record_event("round.agency_deadline_extended", round_, actor=actor, now=now,
                 label=f"{round_.subject} — {recipient.agency.name}",
                 changes={"agency": recipient.agency.name, "deadline_at": [old, deadline_at],
                          "reason": reason})
    return recipient


def add_recipients(round_: Round, group_ids, agency_ids, *, actor, now,
                   zone: str) -> list[RoundRecipient]:
    """Add agencies to an open round; each is notified at once."""
    _require_manager(round_, actor)
    _require_open(round_)
    present = {r.agency_id for r in round_.recipients}
    added = [RoundRecipient(agency_id=a.id, added_at=now,
                            position=len(round_.recipients) + index)
             for index, a in enumerate(recipient_agencies(group_ids, agency_ids,
                                                          lead_agency_id=round_.agency_id),
                                       start=1) if a.id not in present]
    if not added:
        raise ValidationFailed(_("Các đơn vị đã chọn đều đã có trong danh sách nơi nhận."))
    round_.recipients.extend(added)
    round_.updated_at = now  # the workspace's cached agency filter list is keyed on it
    db.session.flush()
    for recipient in added:
        _notify_opened(round_, recipient, now, zone)
    record_event("round.recipients_added", round_, actor=actor, now=now, label=round_.subject,
                 changes={"agencies": [r.agency.name for r in added]})
    return added


def close_round(round_: Round, *, actor, now) -> Round:
    """Stop taking answers (before or after the deadline): an explicit, audited act."""
    _require_manager(round_, actor)
    _require_open(round_)
    round_.state = RoundState.CLOSED
    round_.closed_at = now
    round_.closed_by_id = actor.id
    record_event("round.closed", round_, actor=actor, now=now, label=round_.subject,
                 changes={"before_deadline": not round_.is_past_deadline(now)})
    return round_


def mark_opened(recipient: RoundRecipient, user, *, now) -> bool:
    """The reading receipt: the first time a user of the agency opens the request. True when
    this opening is that first time (there is something to save)."""
    if recipient.opened_at is not None:
        return False
    recipient.opened_at = now
    recipient.opened_by_id = user.id
    return True


# ---------------------------------------------------------------- reading


def get_round_for_lead(round_id: int, *, viewer) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None or not can_follow_round(viewer, round_):
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    return round_


def recipient_names(round_: Round) -> list[tuple[int, str]]:
    """(agency id, name) of every recipient in protocol order, in one query."""
    return [tuple(row) for row in db.session.execute(
        select(Agency.id, Agency.name).join(RoundRecipient, RoundRecipient.agency_id == Agency.id)
        .where(RoundRecipient.round_id == round_.id).order_by(RoundRecipient.position))]


def get_round_for_recipient(round_id: int, *, viewer) -> tuple[Round, RoundRecipient]:
    recipient = sent_recipient(viewer, round_id)
    if recipient is None:
        raise NotFound(_("Không tìm thấy đợt lấy ý kiến."))
    return recipient.round, recipient


def lead_rounds(agency_id: int) -> list[Round]:
    return list(db.session.scalars(select(Round).where(Round.agency_id == agency_id)
                                   .order_by(Round.created_at.desc())))


def lead_rounds_page(agency_id: int, page: int, per_page: int):
    """One page of the lead office's rounds, the latest first (a Flask-SQLAlchemy
    Pagination), and how many agencies each of them is addressed to."""
    pagination = db.paginate(select(Round).where(Round.agency_id == agency_id)
                             .order_by(Round.created_at.desc(), Round.id.desc()),
                             page=page, per_page=per_page, error_out=False)
    return pagination, counts_by(db.session, RoundRecipient.round_id,
                                 [round_.id for round_ in pagination.items])


def inbox_query(agency_id: int):
    """Rounds sent to this agency, the latest deadline first, each with its round and sender
    (not the letter's text: a list never shows it, and it runs to pages)."""
    return (select(RoundRecipient).join(Round)
            .where(RoundRecipient.agency_id == agency_id, Round.state != RoundState.DRAFT)
            .options(contains_eager(RoundRecipient.round).defer(Round.body),
                     contains_eager(RoundRecipient.round).joinedload(Round.agency))
            .order_by(Round.deadline_at.desc(), RoundRecipient.id.desc()))


def answerable_requests(agency_id: int, now: datetime) -> list[RoundRecipient]:
    """The requests this agency can still answer (open, its own deadline not passed), chosen
    in SQL: the to-do list asks on every start page and for the menu's counts, and an
    agency's inbox grows by every request of past years."""
    deadline_ahead = or_(
        and_(RoundRecipient.extended_deadline_at.is_not(None),
             RoundRecipient.extended_deadline_at > now),
        and_(RoundRecipient.extended_deadline_at.is_(None), Round.deadline_at > now))
    rows = db.session.scalars(inbox_query(agency_id).where(Round.state == RoundState.OPEN,
                                                           deadline_ahead))
    return [recipient for recipient in rows if recipient.accepts_answers(now)]


def inbox_page(agency_id: int, page: int, per_page: int):
    """One page of the agency's inbox (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(inbox_query(agency_id), page=page, per_page=per_page, error_out=False)


def suggested_place(agency) -> str:
    """The place name of a letter, from the parent body: "… tỉnh Kiên Giang" → "Kiên Giang"."""
    parent = agency.parent.name if agency.parent else ""
    for word in ("tỉnh", "thành phố", "huyện"):
        if word in parent:
            return parent.split(word, 1)[1].strip()
    return ""
