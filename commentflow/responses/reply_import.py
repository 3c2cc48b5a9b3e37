"""Use cases of reading a reply file: the comments it gives, placed on the round's sections.

Nothing is stored here: the pages show the comments for review (agency staff on their
drafting page, the lead office recording a paper reply) and save only what is confirmed,
through the ordinary services (save_comment, record_paper_reply).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed
from commentflow.drafts.reading import Limits
from commentflow.drafts.services import section_tree
from commentflow.responses.reply_reading import Candidate, ReplyReading, read_reply


@dataclass
class PlacedComment:
    """A candidate with the stored section it lands on (None: a general comment)."""

    candidate: Candidate
    section_id: int | None

    @property
    def flagged(self) -> bool:
        return not self.candidate.confident


def read_reply_for_round(round_, data: bytes, filename: str, *, max_bytes: int,
                         limits: Limits) -> tuple[ReplyReading, list[PlacedComment]]:
    """The reply's comments placed on the sections of the round's draft version(s)."""
    top, ids = [], {}
    for version in round_.versions:
        top.extend(section_tree(version))
        for row in version.sections:
            ids.setdefault(row.key, row.id)
    reading = read_reply(data, filename, top, max_bytes=max_bytes, limits=limits)
    if not reading.candidates:
        raise ValidationFailed(_(
            "Không tìm thấy ý kiến góp ý nào trong tệp (nhận xét bên lề, thay đổi được theo "
            "dõi, hoặc các đoạn, dòng bảng nêu ý kiến). Hãy kiểm tra tệp, hoặc nhập ý kiến "
            "trực tiếp."))
    placed = [PlacedComment(c, ids.get(c.section_key) if c.section_key else None)
              for c in reading.candidates]
    return reading, placed


def section_choices(round_) -> list[tuple]:
    """Where a comment may point: general, or a commentable section of the round's draft."""
    return [("", _("Ý kiến chung"))] + [
        (s.id, f"{s.shown_key} — {s.citation or s.title[:60]}")
        for v in round_.versions for s in v.sections if s.is_commentable]


def imported_row(placed: PlacedComment) -> dict:
    """A comment read from a file as one row of a comments form, to be checked."""
    candidate = placed.candidate
    return {"section_id": placed.section_id, "text": candidate.text,
            "proposed_wording": candidate.proposed_wording or "",
            "reason": candidate.reason or "", "origin": candidate.origin,
            "flagged": "1" if placed.flagged else ""}
