"""Pure builder: the draft as .docx with every comment in the margin at its section."""
import io
import re
import unicodedata
from dataclasses import dataclass

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


@dataclass
class MarginSection:
    key: str
    anchor: str  #: the text the section starts with: number and title, or its first line
    comments: list[tuple[str, str, str]]  #: (author, initials, text)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00d0", "\u0110")
    return re.sub(r"[\s*#]+", " ", text).strip().lower()


def _starts(paragraph_text: str, anchor: str) -> bool:
    """The paragraph opens the section (a heading may be split over two paragraphs)."""
    text = _norm(paragraph_text)[:60]
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
            document.add_paragraph(section.anchor)
    else:
        document = Document(io.BytesIO(original))
    paragraphs = [p for p in _paragraphs(document) if p.text.strip()]
    position = 0
    for section in sections:
        anchor = _norm(section.anchor)[:60]
        if not anchor or not section.comments:
            continue
        found = next((i for i in range(position, len(paragraphs))
                      if _starts(paragraphs[i].text, anchor)), None)
        if found is None:
            found = next((i for i in range(len(paragraphs))
                          if _starts(paragraphs[i].text, anchor)), None)
        if found is None:
            continue
        position = found
        runs = paragraphs[found].runs or [paragraphs[found].add_run("")]
        for author, initials, text in section.comments:
            document.add_comment(runs, text=text, author=author, initials=initials)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
