"""A .docx draft read as Word shows it: automatic numbers, heading levels, tracked changes accepted.

The text of each paragraph is taken from its runs the way Word's "Accept all changes" leaves it:
inserted and moved-in text kept, deleted and moved-out text dropped, a deleted paragraph mark
joins the paragraph to the next one, deleted table rows dropped. Field codes, text boxes and
drawings are left out (their text is not part of the draft's flow), field results are kept.
The automatic number Word would show (word_numbering) is put before the paragraph's text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from docx.table import Table
from lxml import etree

from commentflow.drafts.parsing import Block
from commentflow.drafts.word_numbering import Numbering, W

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIPPED = {W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "delInstrText",
            W + "pPr", W + "rPr", W + "drawing", W + "pict", W + "object",
            MC + "AlternateContent", W + "footnoteReference", W + "endnoteReference",
            W + "commentReference", W + "fldData"}
_REVISIONS = (W + "ins", W + "del", W + "moveFrom", W + "moveTo")
_FORMAT_REVISIONS = (W + "rPrChange", W + "pPrChange")


@dataclass
class WordDocument:
    blocks: list[Block]
    revisions: int = 0  #: tracked changes not yet accepted (insertions, deletions, moves)
    comments: int = 0  #: margin comments
    numbered: int = 0  #: paragraphs numbered automatically
    notes: list[str] = field(default_factory=list)


_ORIGINAL_SKIPPED = (_SKIPPED - {W + "del", W + "moveFrom", W + "delText"}) | {
    W + "ins", W + "moveTo"}


def paragraph_text(p, *, original: bool = False) -> str:
    """A paragraph's text with every tracked change accepted (or, original=True, rejected:
    the text as it was before the changes)."""
    out: list[str] = []
    skipped = _ORIGINAL_SKIPPED if original else _SKIPPED

    def visit(element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in skipped:
                continue
            if tag == W + "r" and _hidden(child):
                continue  # hidden text (Font › Hidden): Word neither shows nor prints it
            if tag in (W + "t", W + "delText"):
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag == W + "br":
                if child.get(W + "type") not in ("page", "column"):
                    out.append("\n")
            elif tag == W + "cr":
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            else:
                visit(child)

    visit(p)
    return "".join(out)


def _hidden(run) -> bool:
    rpr = run.find(W + "rPr")
    vanish = rpr.find(W + "vanish") if rpr is not None else None
    return vanish is not None and vanish.get(W + "val", "true") not in ("0", "false", "off")


def _table_of_contents(sdt) -> bool:
    """A content control holding Word's table of contents (References › Table of Contents)."""
    gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(W + "val") or "").lower()


def _mark_deleted(p) -> bool:
    ppr = p.find(W + "pPr")
    rpr = ppr.find(W + "rPr") if ppr is not None else None
    return rpr is not None and (rpr.find(W + "del") is not None
                                or rpr.find(W + "moveFrom") is not None)


class _Reader:
    def __init__(self, document):
        self.document = document
        part = document.part
        self.numbering = Numbering(_numbering_root(part), part.styles.element)
        self.numbered = 0
        self.carry = ""  #: text of paragraphs whose mark was deleted, waiting for the next

    def paragraph(self, p) -> tuple[str, int | None]:
        ppr = p.find(W + "pPr")
        label = self.numbering.label(ppr)
        if label:
            self.numbered += 1
        text = paragraph_text(p)
        text = f"{label} {text}" if label and text.strip() else (label or text)
        return text, self.numbering.heading_level(ppr)

    def blocks(self, container):
        for child in container.iterchildren():
            tag = child.tag
            if tag == W + "p":
                if self.numbering.is_contents_entry(child.find(W + "pPr")):
                    continue  # a line of the table of contents ("MỤC LỤC"), not the draft
                text, heading = self.paragraph(child)
                if _mark_deleted(child):
                    self.carry += text
                    continue
                text, self.carry = self.carry + text, ""
                yield Block(text=text, heading=heading)
            elif tag == W + "tbl":
                if self.carry:
                    yield Block(text=self.carry)
                    self.carry = ""
                yield Block(rows=self.table_rows(Table(child, self.document)))
            elif tag in (W + "sdt", W + "customXml"):
                if tag == W + "sdt" and _table_of_contents(child):
                    continue
                content = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if content is not None:
                    yield from self.blocks(content)
        if self.carry and container is self.document.element.body:
            yield Block(text=self.carry)
            self.carry = ""

    def cell_text(self, tc) -> str:
        return "\n".join(self.paragraph(p)[0] for p in tc.iterchildren(W + "p"))

    def table_rows(self, table: Table) -> list[list[str]]:
        rows = []
        for row in table.rows:
            trpr = row._tr.find(W + "trPr")
            if trpr is not None and trpr.find(W + "del") is not None:
                continue  # a deleted row, as "Accept all" leaves it
            seen, cells = [], []
            for cell in row.cells:  # a merged cell is returned once per grid column it spans
                if any(cell._tc is other for other in seen):
                    continue
                seen.append(cell._tc)
                cells.append(self.cell_text(cell._tc))
            rows.append(cells)
        return rows


def _numbering_root(part):
    """numbering.xml's root, or None for a file without one (python-docx cannot make one)."""
    try:
        return part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None


def _count_comments(document) -> int:
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/comments") and not rel.is_external:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.fromstring(rel.target_part.blob, parser=parser)  # checked on upload
            return sum(1 for _ in root.iter(W + "comment"))
    return 0


def read_word(document) -> WordDocument:
    """Blocks of an opened python-docx Document, with its revisions and comments counted."""
    body = document.element.body
    reader = _Reader(document)
    blocks = list(reader.blocks(body))
    # a paragraph mark's own insertion or deletion belongs to the change around it
    revisions = sum(1 for el in body.iter(*_REVISIONS) if el.getparent().tag != W + "rPr")
    revisions += sum(1 for _ in body.iter(*_FORMAT_REVISIONS))
    return WordDocument(blocks=blocks, revisions=revisions, comments=_count_comments(document),
                        numbered=reader.numbered)


@dataclass
class WordParagraph:
    """A paragraph of a Word file in document order, with its automatic number."""

    element: object
    label: str  #: the automatic number Word shows ("III.", "2.1.") or ""
    text: str  #: as it reads with every change accepted (without the label)
    original: str  #: as it read before the tracked changes
    row: list[str] | None = None  #: for a paragraph in a table: the texts of its row's cells


def word_paragraphs(document) -> list[WordParagraph]:
    """Every paragraph of the body, table cells included, in order, numbered as Word does."""
    numbering = Numbering(_numbering_root(document.part), document.part.styles.element)
    out: list[WordParagraph] = []
    body = document.element.body
    for p in body.iter(W + "p"):
        label = numbering.label(p.find(W + "pPr"))
        row = None
        tr = next((a for a in p.iterancestors(W + "tr")), None)
        if tr is not None:
            row = ["\n".join(paragraph_text(q) for q in tc.iter(W + "p"))
                   for tc in tr.iterchildren(W + "tc")]
        out.append(WordParagraph(p, label, paragraph_text(p), paragraph_text(p, original=True),
                                 row))
    return out


def comments_by_id(document) -> dict[str, tuple[str, str]]:
    """Margin comments: id → (author, text)."""
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/comments") and not rel.is_external:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.fromstring(rel.target_part.blob, parser=parser)
            return {c.get(W + "id"): (c.get(W + "author") or "",
                                      "\n".join(paragraph_text(p) for p in c.iter(W + "p")))
                    for c in root.iter(W + "comment")}
    return {}
