"""Pure builder: the draft as .docx with every comment in the margin at its section."""
import io
import re
import unicodedata
from dataclasses import dataclass
from itertools import count

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from commentflow.core.text import clean
from commentflow.exports import wordml


@dataclass
class MarginSection:
    key: str
    anchor: str  #: the text the section starts with: number and title, or its first line
    comments: list[tuple[str, str, str]]  #: (author, initials, text)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")
    return re.sub(r"[\s*#]+", " ", text).strip().lower()


def _starts(text: str, anchor: str) -> bool:
    """The paragraph (its normalised opening) opens the section (a heading may be split over
    two paragraphs)."""
    return bool(text) and (text.startswith(anchor) or (len(text) >= 6
                                                        and anchor.startswith(text)))


def _paragraphs(document):
    """Every paragraph in reading order, table cells included."""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block
        elif isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs


def build(original: bytes | None, sections: list[MarginSection]) -> bytes:
    """Attach the comments to the first paragraph of each section (a new document is written
    from the sections when the draft was not a .docx)."""
    if original is None:
        document = Document()
        for section in sections:
            document.add_paragraph(clean(section.anchor))
    else:
        document = Document(io.BytesIO(original))
    paragraphs = [p for p in _paragraphs(document) if p.text.strip()]
    openings = [_norm(p.text)[:60] for p in paragraphs]
    existing = document.part._comments_part.element.xpath("./w:comment/@w:id")
    ids = count(max((int(i) for i in existing), default=-1) + 1)
    new_comments: list[str] = []
    anchored: dict[int, list[int]] = {}  #: paragraph index → ids of the comments on it
    position = 0
    for section in sections:
        anchor = _norm(section.anchor)[:60]
        if not anchor or not section.comments:
            continue
        found = next((i for i in range(position, len(paragraphs))
                      if _starts(openings[i], anchor)), None)
        if found is None:
            found = next((i for i in range(len(paragraphs))
                          if _starts(openings[i], anchor)), None)
        if found is None:
            continue
        position = found
        for author, initials, text in section.comments:
            comment_id = next(ids)
            new_comments.append(_comment_xml(comment_id, author, initials, text))
            anchored.setdefault(found, []).append(comment_id)
    for index, comment_ids in anchored.items():
        _mark_range(paragraphs[index], comment_ids)
    if new_comments:  # parsed once: adding comments one by one is quadratic in python-docx
        comments_part = document.part._comments_part
        comments_part.element.extend(wordml.parse_children("".join(new_comments),
                                                           "w:comments"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _mark_range(paragraph: Paragraph, comment_ids: list[int]) -> None:
    """The whole paragraph is the range of each comment: a start mark before its first run,
    an end mark and the reference mark after its last run."""
    runs = paragraph.runs or [paragraph.add_run("")]
    starts = "".join(f'<w:commentRangeStart w:id="{i}"/>' for i in comment_ids)
    ends = "".join(f'<w:commentRangeEnd w:id="{i}"/><w:r><w:rPr><w:rStyle '
                   f'w:val="CommentReference"/></w:rPr><w:commentReference w:id="{i}"/></w:r>'
                   for i in comment_ids)
    first, last = runs[0]._r, runs[-1]._r
    for mark in wordml.parse_children(starts, "w:p"):
        first.addprevious(mark)
    for mark in reversed(wordml.parse_children(ends, "w:p")):
        last.addnext(mark)


def _comment_xml(comment_id: int, author: str, initials: str, text: str) -> str:
    """A <w:comment> as Word writes it: the annotation mark, then the text, a paragraph a line."""
    rpr = '<w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
    ppr = '<w:pPr><w:pStyle w:val="CommentText"/></w:pPr>'
    lines = text.split("\n") or [""]
    first = (f"<w:p>{ppr}<w:r>{rpr}<w:annotationRef/></w:r>"
             f'<w:r><w:t xml:space="preserve">{wordml.text(lines[0])}</w:t></w:r></w:p>')
    rest = wordml.paragraphs("\n".join(lines[1:]), "", ppr) if len(lines) > 1 else ""
    return (f"<w:comment w:id=\"{comment_id}\" w:author={wordml.attribute(author)} "
            f"w:initials={wordml.attribute(initials)}>{first}{rest}</w:comment>")
