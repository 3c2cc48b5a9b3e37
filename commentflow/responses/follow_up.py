"""A follow-up round seen by an agency: its comments of the earlier round, how each was
answered, what the section now says, and its answer — agree, or maintain with a new text."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from commentflow.core.errors import NotFound, ValidationFailed
from commentflow.core.text import normalize_multiline
from commentflow.drafts.alignment import align
from commentflow.drafts.comparisons import VersionComparison
from commentflow.drafts.models import DraftSection
from commentflow.drafts.redline import section_lines, word_diff
from commentflow.drafts.services import section_tree
from commentflow.extensions import db
from commentflow.responses import services
from commentflow.responses.models import (
    Comment,
    PreviousCommentAnswer,
    Response,
    ResponseState,
)
from commentflow.rounds.models import Round, RoundRecipient

ANSWER_LABELS = {PreviousCommentAnswer.AGREE: "Đồng ý với giải trình",
                 PreviousCommentAnswer.MAINTAIN: "Bảo lưu ý kiến"}


@dataclass
class PreviousComment:
    comment: Comment
    disposition: str  #: "Tiếp thu: …" once the earlier report was published, else ""
    now_section: DraftSection | None  #: where the section is in the version now circulated
    change: list[tuple[str, str]]  #: the section's words, old → new
    answer: PreviousCommentAnswer | None


def _earlier_answer(recipient: RoundRecipient) -> tuple[Round, Response] | None:
    previous = recipient.round.previous_round
    if previous is None:
        return None
    earlier = db.session.scalar(select(RoundRecipient).where(
        RoundRecipient.round_id == previous.id,
        RoundRecipient.agency_id == recipient.agency_id))
    if earlier is None:
        return None
    response = services.submitted_response(earlier)
    return (previous, response) if response is not None else None


def _now_sections(previous: Round, current: Round) -> dict[int, DraftSection]:
    """Each section of the earlier version → its counterpart in the version circulated now:
    as the lead office confirmed the pairing (the same version: the same section)."""
    found: dict[int, DraftSection] = {}
    for old in previous.versions:
        new = next((v for v in current.versions if v.draft_id == old.draft_id), None)
        if new is None:
            continue
        if new.id == old.id:
            found.update({row.id: row for row in old.sections})
            continue
        stored = db.session.scalar(select(VersionComparison).where(
            VersionComparison.old_version_id == old.id,
            VersionComparison.new_version_id == new.id))
        if stored is not None:
            for pair in stored.pairs:
                if pair.old_section is not None and pair.new_section is not None:
                    found.setdefault(pair.old_section_id, pair.new_section)
            continue
        old_rows = {row.key: row for row in old.sections}
        new_rows = {row.key: row for row in new.sections}
        for pair in align(section_tree(old), section_tree(new)):
            if pair.old is not None and pair.new is not None:
                found.setdefault(old_rows[pair.old.key].id, new_rows[pair.new.key])
    return found


def previous_comments(recipient: RoundRecipient, working: Response | None) -> list:
    """This agency's own comments of the earlier round (never another agency's)."""
    found = _earlier_answer(recipient)
    if found is None:
        return []
    previous, response = found
    mapping = _now_sections(previous, recipient.round)
    answers = {}
    if working is not None:
        answers = {a.previous_comment_id: a for a in db.session.scalars(
            select(PreviousCommentAnswer).where(PreviousCommentAnswer.response_id ==
                                                working.id))}
    published = previous.published_at is not None
    out = []
    for comment in response.comments:
        if comment.deleted_at is not None:
            continue
        disposition = comment.disposition
        told = ""
        if published and disposition is not None and disposition.kind is not None:
            told = f"{disposition.kind_label}: {disposition.text}".rstrip(": ")
        now = mapping.get(comment.section_id) if comment.section_id else None
        old_text = "\n".join(section_lines(comment.section)) if comment.section else ""
        new_text = "\n".join(section_lines(now)) if now is not None else ""
        out.append(PreviousComment(comment, told, now, word_diff(old_text, new_text)
                                   if comment.section else [], answers.get(comment.id)))
    return out


def answer_previous(recipient: RoundRecipient, comment_id: int, answer: str, text: str, *,
                    actor, now) -> PreviousCommentAnswer:
    """Agree with how an earlier comment was answered, or maintain it with a new text."""
    response = services.working_response(recipient, actor=actor, now=now)
    earlier = {c.comment.id: c for c in previous_comments(recipient, response)}
    if comment_id not in earlier:
        raise NotFound(_("Không tìm thấy ý kiến của đợt trước."))
    if answer not in ANSWER_LABELS:
        raise ValidationFailed(_("Hãy chọn đồng ý với giải trình hoặc bảo lưu ý kiến."))
    item = earlier[comment_id]
    record = item.answer or PreviousCommentAnswer(response_id=response.id,
                                                  previous_comment_id=comment_id)
    if answer == PreviousCommentAnswer.MAINTAIN:
        text = normalize_multiline(text)
        if not text:
            raise ValidationFailed(_("Bảo lưu ý kiến: hãy ghi nội dung ý kiến bảo lưu."))
        data = services.CommentData(text=text, section_id=item.now_section.id
                                    if item.now_section is not None else None)
        kept = record.comment if record.comment is not None and \
            record.comment.deleted_at is None else None
        record.comment = services.save_comment(response, data, actor=actor, now=now,
                                               comment=kept,
                                               revision=kept.revision if kept else None)
    elif record.comment is not None:  # from "maintain" back to "agree": its comment goes
        services.delete_comment(record.comment, actor=actor, now=now)
        record.comment = None
    record.answer, record.answered_by_id, record.answered_at = answer, actor.id, now
    db.session.add(record)
    db.session.flush()
    return record


def carried_answers(round_: Round) -> list[PreviousCommentAnswer]:
    """The answers sent in this round to earlier comments (for the consolidation report)."""
    return list(db.session.scalars(
        select(PreviousCommentAnswer).join(Response).join(RoundRecipient)
        .where(RoundRecipient.round_id == round_.id, Response.state == ResponseState.SUBMITTED)
        .order_by(RoundRecipient.position, PreviousCommentAnswer.previous_comment_id)))
