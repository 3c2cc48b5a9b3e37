"""Use cases of comparing two versions: pair their sections, correct a pairing, confirm it,
and read each change beside the comments and dispositions of the section it changed."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from commentflow.audit.services import record_event
from commentflow.consolidation.models import DispositionKind
from commentflow.core.errors import NotFound, PermissionDenied, ValidationFailed
from commentflow.drafts.alignment import (
    ADDED,
    EDITED,
    MERGED,
    MOVED,
    REMOVED,
    RENUMBERED,
    SPLIT,
    UNCHANGED,
    Pair,
    align,
)
from commentflow.drafts.comparisons import SectionPair, VersionComparison
from commentflow.drafts.models import DraftSection, DraftVersion
from commentflow.drafts.permissions import can_edit_draft, can_view_draft
from commentflow.drafts.redline import section_lines, word_diff
from commentflow.drafts.references import fold
from commentflow.drafts.services import section_tree
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response, ResponseState
from commentflow.rounds.models import Round, RoundRecipient

CHANGE_LABELS = {UNCHANGED: _l("Giữ nguyên"), EDITED: _l("Sửa đổi"),
                 RENUMBERED: _l("Đánh số lại"), MOVED: _l("Chuyển vị trí"),
                 SPLIT: _l("Tách"), MERGED: _l("Gộp"), ADDED: _l("Bổ sung mới"),
                 REMOVED: _l("Bỏ")}
TAKEN_IN = (DispositionKind.ACCEPTED, DispositionKind.PARTLY)


def comparison_for(old: DraftVersion, new: DraftVersion, *, actor, now) -> VersionComparison:
    """The comparison of two versions of one draft, paired the first time it is asked for."""
    if old.draft_id != new.draft_id or old.number >= new.number:
        raise NotFound(_("Không tìm thấy bản so sánh."))
    if not can_view_draft(actor, old.draft):
        raise NotFound(_("Không tìm thấy dự thảo."))
    comparison = db.session.scalar(select(VersionComparison).where(
        VersionComparison.old_version_id == old.id, VersionComparison.new_version_id == new.id))
    fingerprint = _fingerprint(old, new)
    if comparison is not None and comparison.fingerprint == fingerprint:
        return comparison
    if comparison is None:
        comparison = VersionComparison(old_version=old, new_version=new, created_at=now,
                                       created_by_id=actor.id, fingerprint=fingerprint)
        db.session.add(comparison)
    else:  # a version's split was corrected since: pair again, to be checked again
        comparison.pairs.clear()
        comparison.fingerprint, comparison.confirmed_at = fingerprint, None
        comparison.confirmed_by_id = None
        db.session.flush()
    _store_pairs(comparison, align(section_tree(old), section_tree(new)), old, new)
    db.session.flush()
    return comparison


def _fingerprint(*versions: DraftVersion) -> str:
    digest = hashlib.sha256()
    for version in versions:
        for row in version.sections:
            digest.update(f"{row.id}\x1f{row.key}\x1f{row.number}\x1f{row.title}\x1f"
                          f"{row.text}\x1e".encode())
    return digest.hexdigest()


def _store_pairs(comparison, pairs: list[Pair], old: DraftVersion, new: DraftVersion) -> None:
    old_ids = {row.key: row.id for row in old.sections}
    new_ids = {row.key: row.id for row in new.sections}
    for position, pair in enumerate(pairs):
        comparison.pairs.append(SectionPair(
            position=position, change=pair.change,
            old_section_id=old_ids[pair.old.key] if pair.old else None,
            new_section_id=new_ids[pair.new.key] if pair.new else None))


def _words(section: DraftSection | None) -> str:
    return fold(" ".join((section.title, section.text))) if section else ""


def change_between(old: DraftSection | None, new: DraftSection | None) -> str:
    """What a person's pairing says: the words decide edited; otherwise place and number."""
    if old is None:
        return ADDED
    if new is None:
        return REMOVED
    if _words(old) != _words(new):
        return EDITED
    if (old.parent.key if old.parent else None) != (new.parent.key if new.parent else None):
        return MOVED
    return RENUMBERED if old.number != new.number or old.key != new.key else UNCHANGED


def repair(comparison: VersionComparison, new_section_id: int, old_section_id: int | None, *,
           actor, now) -> SectionPair:
    """Pair this section of the new version with another of the old one (None: it is new)."""
    if not can_edit_draft(actor, comparison.new_version.draft):
        raise PermissionDenied(_("Bạn không được sửa dự thảo này."))
    if comparison.confirmed_at is not None:
        raise ValidationFailed(_("Bản so sánh đã được xác nhận; không sửa cách ghép mục được."))
    pair = next((p for p in comparison.pairs if p.new_section_id == new_section_id), None)
    old = db.session.get(DraftSection, old_section_id) if old_section_id else None
    if pair is None or (old_section_id and (old is None or old.version_id !=
                                            comparison.old_version_id)):
        raise ValidationFailed(_("Hãy chọn một mục của hai phiên bản này."))
    previous = pair.old_section_id
    for other in comparison.pairs:  # the old section it takes is no longer another's
        if other is not pair and old_section_id and other.old_section_id == old_section_id:
            other.old_section_id = None
            other.change, other.corrected = change_between(None, other.new_section), True
    pair.old_section_id, pair.corrected = old_section_id, True
    pair.change = change_between(old, pair.new_section)
    paired = {p.old_section_id for p in comparison.pairs}
    if previous and previous not in paired:  # the one it left goes back to "removed"
        comparison.pairs.append(SectionPair(position=len(comparison.pairs), change=REMOVED,
                                            old_section_id=previous, corrected=True))
    comparison.pairs[:] = [p for p in comparison.pairs if not (
        p.new_section_id is None and p.old_section_id in (None, old_section_id) and p
        is not pair)]
    db.session.flush()
    record_event("draft.comparison_corrected", comparison.new_version.draft, actor=actor,
                 now=now, label=comparison.new_version.draft.title,
                 changes={"new": pair.new_section.key,
                          "old": old.key if old else None, "change": pair.change})
    return pair


def confirm(comparison: VersionComparison, *, actor, now) -> VersionComparison:
    if not can_edit_draft(actor, comparison.new_version.draft):
        raise PermissionDenied(_("Bạn không được sửa dự thảo này."))
    comparison.confirmed_at, comparison.confirmed_by_id = now, actor.id
    record_event("draft.comparison_confirmed", comparison.new_version.draft, actor=actor,
                 now=now, label=comparison.new_version.draft.title,
                 changes={"old": comparison.old_version.number,
                          "new": comparison.new_version.number})
    return comparison


# ---------------------------------------------------------------- reading a comparison


@dataclass
class CommentBehind:
    agency: str
    text: str
    proposed_wording: str
    disposition: str  #: Tiếp thu, … or "" while undecided
    explanation: str
    taken_in: bool


@dataclass
class ComparisonRow:
    pair: SectionPair
    label: str
    old_lines: list[str]
    new_lines: list[str]
    diff: list[tuple[str, str]]  #: ("", "ins", "del") pieces, word by word
    comments: list[CommentBehind] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.pair.change not in (UNCHANGED, RENUMBERED)

    @property
    def taken_in_but_unchanged(self) -> bool:
        """A comment was taken in (tiếp thu) but the section's words did not change."""
        return not self.changed and any(c.taken_in for c in self.comments)

    @property
    def changed_unasked(self) -> bool:
        """The words changed but no comment asked for it: for the officer to look at."""
        return self.changed and not self.comments

    @property
    def anchor(self) -> str:
        return f"p{self.pair.position}"


def _section_comments(section_ids: list[int]) -> dict[int, list[CommentBehind]]:
    """Comments of sent answers on these sections, with their dispositions."""
    found: dict[int, list[CommentBehind]] = {}
    if not section_ids:
        return found
    rows = db.session.execute(
        select(Comment, RoundRecipient).join(Response, Comment.response_id == Response.id)
        .join(RoundRecipient, Response.recipient_id == RoundRecipient.id)
        .where(Comment.section_id.in_(section_ids), Comment.deleted_at.is_(None),
               Response.state == ResponseState.SUBMITTED)
        .order_by(RoundRecipient.position, Comment.id))
    for comment, recipient in rows:
        disposition = comment.disposition
        found.setdefault(comment.section_id, []).append(CommentBehind(
            agency=recipient.agency.name, text=comment.text,
            proposed_wording=comment.proposed_wording,
            disposition=disposition.kind_label if disposition else "",
            explanation=disposition.text if disposition else "",
            taken_in=bool(disposition and disposition.kind in TAKEN_IN)))
    return found


def comparison_rows(comparison: VersionComparison) -> list[ComparisonRow]:
    pairs = comparison.pairs
    comments = _section_comments([p.old_section_id for p in pairs if p.old_section_id])
    rows = []
    for pair in pairs:
        old_lines = section_lines(pair.old_section) if pair.old_section else []
        new_lines = section_lines(pair.new_section) if pair.new_section else []
        rows.append(ComparisonRow(
            pair=pair, label=str(CHANGE_LABELS[pair.change]), old_lines=old_lines,
            new_lines=new_lines, diff=word_diff("\n".join(old_lines), "\n".join(new_lines)),
            comments=comments.get(pair.old_section_id, [])))
    return rows


def pairs_for_redline(comparison: VersionComparison) -> list[Pair]:
    """The stored (and corrected) pairs as the redline builder takes them."""
    old_tree, new_tree = section_tree(comparison.old_version), section_tree(
        comparison.new_version)
    old_nodes = _nodes_by_key(old_tree)
    new_nodes = _nodes_by_key(new_tree)
    old_at = {row.id: i for i, row in enumerate(comparison.old_version.sections)}
    new_at = {row.id: i for i, row in enumerate(comparison.new_version.sections)}
    out = []
    for pair in comparison.pairs:
        old = old_nodes[pair.old_section.key] if pair.old_section else None
        new = new_nodes[pair.new_section.key] if pair.new_section else None
        out.append(Pair(old, new, pair.change, old_at.get(pair.old_section_id),
                        new_at.get(pair.new_section_id)))
    return out


def _nodes_by_key(top) -> dict:
    found = {}
    stack = list(top)
    while stack:
        node = stack.pop()
        found[node.key] = node
        stack.extend(node.children)
    return found


def usual_place(agency_id: int) -> str:
    """Where the agency's letters are dated ("Kiên Giang"): its latest round's place."""
    return db.session.scalar(select(Round.place).where(Round.agency_id == agency_id)
                             .order_by(Round.id.desc()).limit(1)) or ""
