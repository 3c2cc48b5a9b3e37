"""Use cases of consolidation: decide, group, approve, close consolidation, publish."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from commentflow.accounts.models import Role
from commentflow.audit.services import record_event
from commentflow.consolidation.grouping import suggest
from commentflow.consolidation.models import Disposition, DispositionKind
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.core.text import normalize_multiline
from commentflow.extensions import db
from commentflow.notifications.services import notify_agency
from commentflow.responses.models import Comment, Response, ResponseState
from commentflow.rounds.models import Round, RoundRecipient, RoundState
from commentflow.rounds.permissions import can_manage_round


def round_comments(round_: Round) -> list[Comment]:
    """Every comment of the answers in force (superseded answers left out), in draft order."""
    comments = db.session.scalars(
        select(Comment).join(Response, Response.id == Comment.response_id)
        .join(RoundRecipient, RoundRecipient.id == Response.recipient_id)
        .where(RoundRecipient.round_id == round_.id,
               Response.state == ResponseState.SUBMITTED, Comment.deleted_at.is_(None))
        .options(joinedload(Comment.section), joinedload(Comment.disposition),
                 joinedload(Comment.response).joinedload(Response.recipient)
                 .joinedload(RoundRecipient.agency))).unique().all()
    return sorted(comments, key=lambda c: (c.section is None,
                                           c.section.position if c.section else 0,
                                           c.response.recipient.position, c.id))


def _require_staff(round_: Round, actor) -> None:
    if not can_manage_round(actor, round_):
        raise PermissionDenied(_("Chỉ chuyên viên cơ quan chủ trì được tổng hợp ý kiến."))
    if round_.state not in (RoundState.OPEN, RoundState.CLOSED):
        raise ValidationFailed(_("Đợt lấy ý kiến đã tổng hợp xong."))


def _require_leader(round_: Round, actor) -> None:
    if actor is None or actor.agency_id != round_.agency_id or not actor.has_role(Role.LEADER):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan chủ trì được duyệt."))


def _comments(round_: Round, comment_ids: list[int]) -> list[Comment]:
    allowed = {c.id: c for c in round_comments(round_)}
    if not comment_ids or any(i not in allowed for i in comment_ids):
        raise ValidationFailed(_("Ý kiến không thuộc đợt lấy ý kiến này."))
    return [allowed[i] for i in comment_ids]


def decide(round_: Round, comment_ids: list[int], kind: DispositionKind, text: str, *,
           actor, now) -> Disposition:
    """Draft the disposition of a comment, or of a group answered once."""
    _require_staff(round_, actor)
    comments = _comments(round_, comment_ids)
    text = normalize_multiline(text)
    if kind is DispositionKind.NOT_ACCEPTED and not text:
        raise ValidationFailed(_("Không tiếp thu thì phải giải trình lý do."))
    disposition = next((c.disposition for c in comments if c.disposition), None) or \
        Disposition(round_id=round_.id, created_at=now)
    db.session.add(disposition)
    for comment in comments:
        comment.disposition = disposition
    disposition.kind, disposition.text = kind, text
    disposition.drafted_by_id, disposition.drafted_at = actor.id, now
    disposition.approved_by_id = disposition.approved_at = None  # a change needs approval
    db.session.flush()
    record_event("consolidation.decided", round_, actor=actor, now=now, label=round_.subject,
                 changes={"comments": comment_ids, "kind": kind.value, "text": text})
    return disposition


def group(round_: Round, comment_ids: list[int], *, actor, now) -> Disposition:
    """Comments that say the same thing share one disposition (one row in the report)."""
    _require_staff(round_, actor)
    comments = _comments(round_, comment_ids)
    if len(comments) < 2:
        raise ValidationFailed(_("Hãy chọn ít nhất hai ý kiến để gộp."))
    if len({c.section_id for c in comments}) > 1:
        raise ValidationFailed(_("Chỉ gộp các ý kiến về cùng một mục."))
    keep = next((c.disposition for c in comments if c.disposition and c.disposition.kind),
                None) or Disposition(round_id=round_.id, created_at=now)
    db.session.add(keep)
    for comment in comments:
        comment.disposition = keep
    keep.approved_by_id = keep.approved_at = None
    db.session.flush()
    record_event("consolidation.grouped", round_, actor=actor, now=now, label=round_.subject,
                 changes={"comments": comment_ids})
    return keep


def ungroup(round_: Round, comment_id: int, *, actor, now) -> None:
    _require_staff(round_, actor)
    (comment,) = _comments(round_, [comment_id])
    if comment.disposition is not None and len(comment.disposition.comments) > 1:
        comment.disposition = None
        db.session.flush()
        record_event("consolidation.ungrouped", round_, actor=actor, now=now,
                     label=round_.subject, changes={"comment": comment_id})


def suggested_groups(round_: Round, comments: list[Comment] | None = None) -> list[list[int]]:
    """Near-identical comments on one section not yet answered together."""
    comments = round_comments(round_) if comments is None else comments
    groups = suggest([(c.id, c.section_id, c.text) for c in comments])
    by_id = {c.id: c for c in comments}
    return [g for g in groups
            if len({by_id[i].disposition_id for i in g}) > 1
            or by_id[g[0]].disposition_id is None]


def approve(round_: Round, disposition_ids: list[int], *, actor, now) -> int:
    """The leader approves decided dispositions; returns how many were approved."""
    _require_leader(round_, actor)
    dispositions = db.session.scalars(select(Disposition).where(
        Disposition.id.in_(disposition_ids), Disposition.round_id == round_.id)).all()
    count = 0
    for disposition in dispositions:
        if disposition.kind is not None and disposition.approved_at is None:
            disposition.approved_by_id, disposition.approved_at = actor.id, now
            count += 1
    record_event("consolidation.approved", round_, actor=actor, now=now, label=round_.subject,
                 changes={"dispositions": disposition_ids})
    return count


def open_count(round_: Round, comments: list[Comment] | None = None) -> int:
    """Comments without an approved disposition."""
    comments = round_comments(round_) if comments is None else comments
    return sum(1 for c in comments if c.disposition is None or c.disposition.approved_at is None)


def close_consolidation(round_: Round, *, actor, now, accept_open: bool = False) -> Round:
    """Consolidated when every comment has an approved disposition — or, explicitly, with the
    number still open recorded."""
    _require_leader(round_, actor)
    if round_.state is not RoundState.CLOSED:
        raise ValidationFailed(_("Hãy kết thúc nhận ý kiến trước khi chốt tổng hợp."))
    remaining = open_count(round_)
    if remaining and not accept_open:
        raise ValidationFailed(_("Còn %(n)d ý kiến chưa được duyệt cách xử lý.", n=remaining))
    round_.state, round_.consolidated_at = RoundState.CONSOLIDATED, now
    round_.open_comments_at_close = remaining
    record_event("consolidation.closed", round_, actor=actor, now=now, label=round_.subject,
                 changes={"open_comments": remaining})
    return round_


def publish(round_: Round, *, actor, now) -> Round:
    """Send the result back: agencies then see how their comments were handled."""
    _require_leader(round_, actor)
    if round_.state is not RoundState.CONSOLIDATED:
        raise ValidationFailed(_("Chỉ công bố được kết quả đã tổng hợp."))
    round_.state, round_.published_at = RoundState.PUBLISHED, now
    for recipient in round_.recipients:
        notify_agency(recipient.agency_id, "round.published", _(
            "%(office)s đã công bố kết quả tổng hợp ý kiến: %(subject)s.",
            office=round_.agency.name, subject=round_.subject), f"/inbox/{round_.id}",
            now=now, round_id=round_.id)
    record_event("round.published", round_, actor=actor, now=now, label=round_.subject)
    return round_


def report_data(round_: Round, *, now):
    """Everything the consolidation report says, gathered for the pure builders."""
    from flask import current_app

    from commentflow.consolidation.forms import KIND_LABELS
    from commentflow.consolidation.report import (
        GroupRatio,
        ReportData,
        ReportGroup,
        ReportRow,
        answer_text,
        comment_text,
    )
    from commentflow.core.dates import format_short_date, local_today
    from commentflow.rounds.tracker import TrackerState, tracker_rows

    rows = tracker_rows(round_, now=now)

    def reply(row) -> str:
        response = row.response
        return (f"{row.recipient.agency.name} (Công văn số {response.reference} ngày "
                f"{format_short_date(response.reply_date)})") if response and \
            response.reply_date else row.recipient.agency.name

    ratios = []
    for group in round_.groups or sorted({g for r in rows for g in r.groups},
                                         key=lambda g: g.display_order):
        members = [r for r in rows if group in r.groups]
        agreed = [r for r in members if r.state is TrackerState.AGREED]
        ratios.append(GroupRatio(group.short_name or group.name, len(agreed), len(members),
                                 [reply(r) for r in agreed]))
    report_groups: list[ReportGroup] = []
    shared: dict[int, ReportRow] = {}  # one row per disposition answering several comments
    for comment in round_comments(round_):
        label = (comment.section.citation or comment.section.key) if comment.section \
            else "Ý kiến chung / Vấn đề khác"
        if not report_groups or report_groups[-1].label != label:
            report_groups.append(ReportGroup(label, []))
        group = report_groups[-1]
        disposition = comment.disposition
        agency = comment.response.recipient.agency.name
        if disposition is not None and disposition.id in shared:
            shared[disposition.id].agencies.append(agency)
            shared[disposition.id].replies.append(comment.response.reference)
            continue
        answer = answer_text(str(KIND_LABELS[disposition.kind]), disposition.text) \
            if disposition is not None and disposition.kind is not None else ""
        row = ReportRow([agency], comment_text(comment.text, comment.proposed_wording,
                                               comment.reason), answer,
                        [comment.response.reference])
        if disposition is not None:
            shared[disposition.id] = row
        group.rows.append(row)
    title = round_.versions[0].draft.title if round_.versions else round_.subject
    zone = current_app.config["TIMEZONE"]
    return ReportData(
        title="BẢN TỔNG HỢP Ý KIẾN, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý ĐỐI VỚI DỰ THẢO "
              + title.upper(),
        issuer_parent=round_.agency.parent.name.upper() if round_.agency.parent else "",
        issuer=round_.agency.name, place=round_.place, asked=len(rows),
        replies=sum(1 for r in rows if r.response is not None), agreed=ratios,
        commented=[r.recipient.agency.name for r in rows if r.response is not None
                   and r.state is not TrackerState.AGREED],
        silent=[r.recipient.agency.name for r in rows if r.state is TrackerState.NO_ANSWER],
        silence_is_agreement=round_.silence_is_agreement, groups=report_groups,
        signer_authority=round_.signer_authority, signer_head_title=round_.signer_head_title,
        signer_position=round_.signer_position, signer_name=round_.signer_name,
        day=local_today(now, zone))


def margin_document(round_: Round) -> tuple[bytes, str]:
    """The first circulated draft as .docx with each comment in the margin (author: agency)."""
    from commentflow.consolidation.report import comment_text
    from commentflow.exports.margin_comments import MarginSection, build

    version = round_.versions[0]
    by_section: dict[int | None, list] = {}
    for comment in round_comments(round_):
        agency = comment.response.recipient.agency
        by_section.setdefault(comment.section_id, []).append(
            (agency.name, agency.code[:8], comment_text(comment.text, comment.proposed_wording,
                                                        comment.reason)))
    sections = []
    for section in version.sections:
        first_line = section.text.split("\n", 1)[0] if section.text else ""
        anchor = " ".join(p for p in (section.number, section.title or first_line) if p)
        if section.kind == "annex_row":
            anchor = first_line or section.number
        sections.append(MarginSection(section.key, anchor, by_section.get(section.id, [])))
    general = by_section.get(None, [])
    if general and sections:  # general comments go on the document's title
        title = next((s for s in sections if s.key == "title"), sections[0])
        title.comments = title.comments + general
    original = version.file.data if version.file.filename.lower().endswith(".docx") else None
    name = version.file.filename.rsplit(".", 1)[0] + "-y-kien.docx"
    return build(original, sections), name
