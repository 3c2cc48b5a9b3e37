"""An agency's reply file read into candidate comments, each placed on a section of the draft.

Three ways agencies answer today, all read here:
- the draft sent back with Word margin comments: each comment goes to the section holding the
  paragraph it is anchored on, found by that paragraph's words (the copy may be renumbered or
  reflowed, so never by position);
- the draft sent back with tracked changes: each changed paragraph becomes a proposed wording
  for its section ("the paragraph as it reads after the change"), saying what changed;
- a reply letter (any format a draft may come in): numbered paragraphs and table rows citing
  sections the Vietnamese way ("Tại tiết 2.2 điểm 2 Mục II: đề nghị …"), quoted wording after
  "sửa thành", a reason after "Lý do:"; agreement with the rest is not a comment; what cannot
  be placed becomes a general comment, flagged. The letter's number and date are read too.
Pure reading: nothing is stored; the pages show the candidates for review before saving.
"""
from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from docx import Document
from flask_babel import gettext as _

from commentflow.core.errors import ValidationFailed
from commentflow.drafts.parsing import Section, clean_line, recognise
from commentflow.drafts.reading import read_document, sniff
from commentflow.drafts.references import DraftIndex, find_citation
from commentflow.drafts.word_reading import W, comments_by_id, word_paragraphs

COMMENT, TRACKED, LETTER_PARAGRAPH, LETTER_TABLE = (
    "comment", "tracked-change", "letter-paragraph", "letter-table")
_QUOTED = r"[“\"«]([^”\"»]{2,})[”\"»]"
_PROPOSAL = re.compile(
    r"(?:sửa|điều chỉnh|thay|viết lại|bổ sung|thay thế)[^“\"«\n]{0,120}?"
    r"(?:thành|như sau|bằng|là|cụm từ|nội dung|đoạn)?\s*:?\s*" + _QUOTED, re.IGNORECASE)
_PROPOSAL_AFTER_COLON = re.compile(
    r"(?:sửa lại như sau|sửa thành|viết lại như sau|điều chỉnh như sau)\s*:\s*(.+)$",
    re.IGNORECASE | re.DOTALL)
_REASON = re.compile(r"(?:^|[.;]\s*|\n)(?:Lý do|Lí do)\s*(?:là)?\s*:\s*(.+)$",
                     re.IGNORECASE | re.DOTALL)
_AGREEMENT = re.compile(
    r"(?:cơ bản |hoàn toàn )?(?:thống nhất|nhất trí|đồng ý)\s+(?:với\s+)?(?:các |toàn bộ |"
    r"những )?(?:nội dung|dự thảo)(?: còn lại| khác)?", re.IGNORECASE)
_START = re.compile(r"(?:có|xin có|tham gia|góp ý|đóng góp)\s+(?:một số\s+)?ý kiến[^:]{0,80}:"
                    r"|như sau\s*:", re.IGNORECASE)
_END = re.compile(r"^(?:Trên đây là|Nơi nhận|KT\.|TM\.|TL\.|Q\. )", re.IGNORECASE)
_LEAD_IN = re.compile(r"(?:|tại|ở|đối với|về|góp ý|ý kiến)", re.IGNORECASE)
_LIST_MARK = re.compile(r"^(?:\d{1,2}[.)]|[a-zđ][.)]|[-+•–])\s+")
_NUMBER_LINE = re.compile(r"Số\s*:\s*(\d+)\s*/\s*([\w\-./Đđ]+)", re.IGNORECASE)
_DATE_LINE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_TABLE_WORDS = {"comment": ("ý kiến", "nội dung góp ý", "góp ý"),
                "place": ("nội dung dự thảo", "điều, khoản", "vị trí", "mục, điểm", "nội dung"),
                "proposal": ("đề xuất", "sửa đổi", "đề nghị sửa"),
                "reason": ("lý do", "lí do", "giải thích", "thuyết minh")}


@dataclass
class Candidate:
    """A comment read from the reply, placed on a section (or general when section_key is None)."""

    section_key: str | None
    text: str
    proposed_wording: str | None
    reason: str | None
    source: str  #: comment, tracked-change, letter-paragraph, letter-table
    origin: str  #: where in the file it was read, for the reviewer
    confident: bool  #: False: placed by a guess, or not placed at all (flagged for review)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ReplyReading:
    candidates: list[Candidate] = field(default_factory=list)
    letter_number: str = ""
    letter_notation: str = ""
    letter_date: date | None = None


def read_reply(data: bytes, filename: str, top: list[Section], *, max_bytes: int,
               limits=None) -> ReplyReading:
    """Candidates from a reply file, placed on the sections of the draft `top`."""
    index = DraftIndex(top)
    reading = ReplyReading()
    if sniff(data, filename) == "docx":
        document = _open(data)
        paragraphs = word_paragraphs(document)
        reading.candidates = _margin_comments(document, paragraphs, index) + \
            _tracked_changes(paragraphs, index)
        if reading.candidates:
            return reading
        if _is_the_draft_itself(paragraphs, index):
            raise ValidationFailed(_(
                "Tệp này là bản dự thảo nhưng không có nhận xét bên lề hay thay đổi được theo "
                "dõi nào. Hãy góp ý bằng Comment hoặc Track Changes trong Word, hoặc tải lên "
                "văn bản góp ý."))
    letter = read_document(data, filename, max_bytes=max_bytes, limits=limits)
    _letter(letter.blocks, index, reading)
    return reading


def _is_the_draft_itself(paragraphs, index: DraftIndex) -> bool:
    """Most of the file's longer paragraphs are paragraphs of the draft."""
    long = [p for p in paragraphs if len(p.text) > 40 and p.row is None][:200]
    found = sum(1 for p in long if index.holds(p.text))
    return bool(long) and found / len(long) > 0.6


def _open(data: bytes):
    read_document(data, "reply.docx", max_bytes=len(data) + 1)  # every safety check first
    try:
        return Document(io.BytesIO(data))
    except Exception:  # python-docx/lxml raise many kinds of errors on damaged parts
        raise ValidationFailed(_("Tệp không phải văn bản Word (.docx) hợp lệ hoặc bị hỏng; "
                                 "hãy mở bằng Word, lưu lại rồi tải lên lần nữa.")) from None


# ---------------------------------------------------------------- the draft sent back


def _place(paragraph, index: DraftIndex, *, original: bool = False):
    """The section of a paragraph copied from the draft (its number helps headings)."""
    text = paragraph.original if original else paragraph.text
    own = " ".join(part for part in (paragraph.label, text) if part)
    in_table = paragraph.row is not None
    section, sure = index.by_words(own, in_table=in_table)
    if section is None and paragraph.row:  # a table cell: try the row's other cells
        for cell in sorted(paragraph.row, key=len, reverse=True):
            section, sure = index.by_words(cell, in_table=True)
            if section is not None:
                break
    return section, sure


def _margin_comments(document, paragraphs, index: DraftIndex) -> list[Candidate]:
    comments = comments_by_id(document)
    anchored: dict[str, object] = {}
    for paragraph in paragraphs:
        for mark in paragraph.element.iter(W + "commentRangeStart", W + "commentReference"):
            anchored.setdefault(mark.get(W + "id"), paragraph)
    found = []
    for comment_id, (author, text) in comments.items():
        text = _clean(text)
        paragraph = anchored.get(comment_id)
        if not text or paragraph is None:
            continue
        section, sure = _place(paragraph, index)
        proposed, reason, body = _wording_and_reason(text)
        origin = _("Nhận xét bên lề của %(author)s", author=author) if author else \
            _("Nhận xét bên lề")
        found.append(Candidate(section.key if section else None, body, proposed, reason,
                               COMMENT, origin, sure and section is not None))
    return found


def _tracked_changes(paragraphs, index: DraftIndex) -> list[Candidate]:
    found = []
    for number, paragraph in enumerate(paragraphs, start=1):
        changed = any(mark.getparent().tag != W + "rPr" for mark in paragraph.element.iter(
            W + "ins", W + "del", W + "moveTo", W + "moveFrom"))
        if not changed or paragraph.text == paragraph.original:
            continue
        section, sure = _place(paragraph, index, original=True)
        if section is None:
            section, sure = _place(paragraph, index)
            sure = False
        after = _clean(paragraph.text)
        text = _what_changed(_clean(paragraph.original), after)
        found.append(Candidate(section.key if section else None, text, after or None, None,
                               TRACKED, _("Thay đổi được theo dõi, đoạn %(n)d", n=number),
                               sure and section is not None))
    return found


def _what_changed(before: str, after: str) -> str:
    if not after:
        return _("Đề nghị bỏ đoạn: “%(text)s”.", text=before)
    if not before:
        return _("Đề nghị bổ sung đoạn: “%(text)s”.", text=after)
    return _("Đề nghị sửa đoạn “%(before)s” thành “%(after)s”.", before=before, after=after)


# ---------------------------------------------------------------- a reply letter


def _letter(blocks, index: DraftIndex, reading: ReplyReading) -> None:
    lines = [clean_line(b.text) for b in blocks if not b.is_table]
    for line in lines[:40]:
        if not reading.letter_number and (match := _NUMBER_LINE.search(line)):
            reading.letter_number, reading.letter_notation = match.group(1), match.group(2)
        if reading.letter_date is None and (match := _DATE_LINE.search(line)):
            try:
                reading.letter_date = date(int(match.group(3)), int(match.group(2)),
                                           int(match.group(1)))
            except ValueError:
                pass
    started = not any(_START.search(clean_line(b.text)) for b in blocks if not b.is_table)
    paragraph = 0
    for block in blocks:
        if block.is_table:
            if started:
                reading.candidates.extend(_table(block.rows, index))
            continue
        line = clean_line(block.text)
        if not line:
            continue
        paragraph += 1
        if not started:
            started = bool(_START.search(line))
            continue
        if _END.match(line):
            break
        candidate = _letter_paragraph(line, index, paragraph)
        if candidate is not None:
            reading.candidates.append(candidate)


def _letter_paragraph(line: str, index: DraftIndex, number: int) -> Candidate | None:
    body = _LIST_MARK.sub("", line)
    citation = find_citation(body[:200])
    origin = _("Văn bản trả lời, đoạn %(n)d", n=number)
    if citation is None:
        if _AGREEMENT.search(body) and len(body) < 200:
            return None  # "thống nhất với các nội dung khác": agreement, not a comment
        if len(body) < 15 or recognise(body) and len(body) < 60:
            return None  # a heading of the letter itself
        proposed, reason, text = _wording_and_reason(body)
        return Candidate(None, text, proposed, reason, LETTER_PARAGRAPH, origin, False)
    sections = index.resolve(citation)
    if not sections:  # kept whole: the reviewer sees what it cited
        proposed, reason, text = _wording_and_reason(body)
        return Candidate(None, text, proposed, reason, LETTER_PARAGRAPH, origin, False)
    lead = body[:citation.start].strip(" ,")
    # "Tại điểm b khoản 1 Mục II: đề nghị …": the citation said where; what follows is the
    # comment. "Đề nghị sửa điểm b … như sau: …": the citation is part of the sentence.
    text = body[citation.end:].lstrip(" :,-–") if _LEAD_IN.fullmatch(lead) else body
    proposed, reason, text = _wording_and_reason(text[:1].upper() + text[1:])
    return Candidate(sections[0].key if sections else None, text, proposed, reason,
                     LETTER_PARAGRAPH, origin, len(sections) == 1)


def _column(header: list[str], name: str) -> int | None:
    for index, cell in enumerate(header):
        cell = cell.lower()
        if any(word in cell for word in _TABLE_WORDS[name]):
            return index
    return None


def _table(rows: list[list[str]], index: DraftIndex) -> list[Candidate]:
    header = [clean_line(cell) for cell in rows[0]]
    comment = _column(header, "comment")
    if comment is None:
        return []
    place = next((i for i, cell in enumerate(header) if i != comment and any(
        word in cell.lower() for word in _TABLE_WORDS["place"])), None)
    proposal, reason_at = _column(header, "proposal"), _column(header, "reason")
    found = []
    for number, row in enumerate(rows[1:], start=1):
        cells = [clean_line(cell) for cell in row]

        def cell(at, cells=cells):
            return cells[at] if at is not None and at < len(cells) else ""
        text = cell(comment)
        if not text or _AGREEMENT.fullmatch(text.rstrip(".")):
            continue
        where = cell(place)
        citation = find_citation(where) or find_citation(text[:200])
        sections = index.resolve(citation) if citation else []
        sure = len(sections) == 1
        if not sections and where:
            section, sure = index.by_words(where)
            sections = [section] if section else []
        proposed, reason, text = _wording_and_reason(text)
        proposed = _unquote(cell(proposal)) or proposed
        reason = cell(reason_at) or reason
        found.append(Candidate(sections[0].key if sections else None, text, proposed or None,
                               reason or None, LETTER_TABLE,
                               _("Bảng góp ý, dòng %(n)d", n=number), sure and bool(sections)))
    return found


# ---------------------------------------------------------------- wording and reason


def _clean(text: str) -> str:
    return "\n".join(line for line in (clean_line(x) for x in (text or "").split("\n")) if line)


def _unquote(text: str) -> str:
    text = text.strip()
    match = re.fullmatch(_QUOTED, text)
    return match.group(1).strip() if match else text


def _wording_and_reason(text: str) -> tuple[str | None, str | None, str]:
    """(proposed wording, reason, the comment) from a comment's text."""
    reason = None
    if (match := _REASON.search(text)) and match.start() > 0:
        reason = match.group(1).strip()
        text = text[:match.start()].rstrip(" .;") + "."
    proposed = None
    if match := _PROPOSAL.search(text):
        proposed = match.group(1).strip()
    elif match := _PROPOSAL_AFTER_COLON.search(text):
        proposed = _unquote(match.group(1).strip().rstrip("."))
    return proposed, reason, text.strip()
