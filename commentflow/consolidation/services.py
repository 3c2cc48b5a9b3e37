"""Use cases of consolidation: decide, group, approve, close consolidation, publish."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from commentflow.audit.services import record_event
from commentflow.consolidation.grouping import suggest
from commentflow.consolidation.models import Disposition, DispositionKind
from commentflow.consolidation.permissions import can_approve, can_decide
from commentflow.consolidation.queries import in_force, open_count
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.core.text import normalize_multiline
from commentflow.extensions import db
from commentflow.notifications.services import notify_agency
from commentflow.responses.models import Comment
from commentflow.rounds.models import Round, RoundState


def _require_staff(round_: Round, actor) -> None:
    if not can_decide(actor, round_):
        raise PermissionDenied(_("Chỉ chuyên viên cơ quan chủ trì được tổng hợp ý kiến."))
    _require_undecided(round_)


def _require_undecided(round_: Round) -> None:
    """Once consolidated (and so once published), no disposition changes: the report that
    was signed and sent back says what the agencies were told."""
    if round_.state not in (RoundState.OPEN, RoundState.CLOSED):
        raise ValidationFailed(_("Đợt lấy ý kiến đã tổng hợp xong; cách xử lý không thay đổi "
                                 "được nữa."))


def _require_leader(round_: Round, actor) -> None:
    if not can_approve(actor, round_):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan chủ trì được duyệt."))


def _comments(round_: Round, comment_ids: list[int]) -> list[Comment]:
    """The named comments, each checked to be a comment in force of this round."""
    found = {c.id: c for c in db.session.scalars(in_force(
        select(Comment).where(Comment.id.in_(comment_ids or [0])), round_.id)
        .options(joinedload(Comment.disposition)))}
    if not comment_ids or any(i not in found for i in comment_ids):
        raise ValidationFailed(_("Ý kiến không thuộc đợt lấy ý kiến này."))
    return [found[i] for i in comment_ids]


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
                 changes={"comments": comment_ids, "kind": kind.value, "text": text},
                 private_to_agency_id=round_.agency_id)
    return disposition


def group(round_: Round, comment_ids: list[int], *, actor, now) -> Disposition:
    """Comments that say the same thing share one disposition (one row in the report)."""
    _require_staff(round_, actor)
    if len(set(comment_ids)) < 2:
        raise ValidationFailed(_("Hãy chọn ít nhất hai ý kiến để gộp."))
    comments = _comments(round_, comment_ids)
    if len({c.section_id for c in comments}) > 1:
        raise ValidationFailed(_("Chỉ gộp các ý kiến về cùng một mục."))
    keep = next((c.disposition for c in comments if c.disposition and c.disposition.is_decided),
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
    if comment.disposition is not None and comment.disposition.is_group:
        comment.disposition = None
        db.session.flush()
        record_event("consolidation.ungrouped", round_, actor=actor, now=now,
                     label=round_.subject, changes={"comment": comment_id})


def suggested_groups(round_: Round, section_ids: list[int | None] | None = None
                     ) -> list[list[int]]:
    """Near-identical comments on one section not yet answered together (on the sections
    named, or on every section)."""
    statement = in_force(select(Comment.id, Comment.section_id, Comment.text,
                                Comment.disposition_id).select_from(Comment), round_.id)
    if section_ids is not None:
        named = [i for i in section_ids if i is not None]
        statement = statement.where(or_(Comment.section_id.in_(named),
                                        Comment.section_id.is_(None)) if None in section_ids
                                    else Comment.section_id.in_(named))
    rows = db.session.execute(statement).all()
    disposition_of = {id_: disposition for id_, _s, _t, disposition in rows}
    return [g for g in suggest([(id_, section, text) for id_, section, text, _d in rows])
            if len({disposition_of[i] for i in g}) > 1 or disposition_of[g[0]] is None]


def approve(round_: Round, disposition_ids: list[int], *, actor, now) -> int:
    """The leader approves decided dispositions; returns how many were approved."""
    _require_leader(round_, actor)
    _require_undecided(round_)
    dispositions = db.session.scalars(select(Disposition).where(
        Disposition.id.in_(disposition_ids), Disposition.round_id == round_.id)).all()
    count = 0
    for disposition in dispositions:
        if disposition.awaits_approval:
            disposition.approved_by_id, disposition.approved_at = actor.id, now
            count += 1
    if count == 0:
        raise ValidationFailed(_("Không có cách xử lý nào đang chờ duyệt."))
    record_event("consolidation.approved", round_, actor=actor, now=now, label=round_.subject,
                 changes={"dispositions": disposition_ids})
    return count


def close_consolidation(round_: Round, *, actor, now, accept_open: bool = False) -> Round:
    """Consolidated when every comment has an approved disposition — or, explicitly, with the
    number still open recorded."""
    _require_leader(round_, actor)
    if round_.state is not RoundState.CLOSED:
        raise ValidationFailed(_("Hãy kết thúc nhận ý kiến trước khi chốt tổng hợp."))
    remaining = open_count(round_.id)
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
        notify_agency(recipient.agency_id, "round.published", _l(
            "%(office)s đã công bố kết quả tổng hợp ý kiến: %(subject)s.",
            office=round_.agency.name, subject=round_.subject), f"/inbox/{round_.id}",
            now=now, round_id=round_.id, sender_agency_id=round_.agency_id)
    record_event("round.published", round_, actor=actor, now=now, label=round_.subject)
    return round_
