"""Pure .docx builder of official letters (công văn) in the Nghị định 30/2020 layout."""
import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from commentflow.core.dates import format_letter_date
from commentflow.core.text import clean

FONT = "Times New Roman"


@dataclass
class Letter:
    parent_name: str  #: "UBND TỈNH KIÊN GIANG" (may be empty)
    issuer_name: str  #: "SỞ Y TẾ"
    number: str  #: "2159" (empty while unnumbered: "Số:      /SYT-TCCB")
    notation: str  #: "SYT-TCCB"
    subject: str  #: "V/v góp ý dự thảo …"
    place: str
    day: date
    recipients: list[str]  #: one line each, without the leading "- "
    body: list[str]  #: paragraphs
    signer_authority: str = ""  #: "KT."
    signer_head_title: str = ""  #: "GIÁM ĐỐC"
    signer_position: str = ""  #: "PHÓ GIÁM ĐỐC"
    signer_name: str = ""
    copies: list[str] = field(default_factory=list)  #: "Nơi nhận" lines after "Như trên"


def _font(run, size: float, bold=False, italic=False, underline=False):
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    return run


def text_paragraph(container, text="", size=13.0, *, align=None, bold=False, italic=False,
                   underline=False, indent=False, space_after=0.0):
    """A paragraph of Times New Roman text in the Nghị định 30 way (indent: 1.27 cm)."""
    paragraph = container.add_paragraph()
    if text:
        _font(paragraph.add_run(clean(text)), size, bold, italic, underline)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _short_rule(cell, width_cm: float) -> None:
    """The short horizontal line under the issuer and under the national motto."""
    paragraph = text_paragraph(cell, align=WD_ALIGN_PARAGRAPH.CENTER)
    fmt = paragraph.paragraph_format
    margin = max((7.5 - width_cm) / 2, 0)
    fmt.left_indent, fmt.right_indent = Cm(margin), Cm(margin)
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        top.set(qn(key), value)
    border.append(top)
    paragraph._p.get_or_add_pPr().append(border)


def _page_numbers(section) -> None:
    """Page numbers centred in the top margin, none on the first page."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _font(paragraph.add_run(), 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def new_document(*, landscape: bool = False):
    """An A4 document with Nghị định 30 margins and Times New Roman 14 pt."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    style.font.size = Pt(14)
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_numbers(section)
    return document


def fixed_widths(table, widths) -> None:
    """Column widths that hold in Word and LibreOffice alike: a fixed layout, the grid and
    every cell given the same widths (a cell's own width alone is ignored by LibreOffice)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _usable_width(document):
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def add_header(document, *, parent_name, issuer_name, reference_line, subject, place, day):
    """The borderless two-column block: issuer, number and subject | motto, place and date.

    The right column (60% of the text width: 9.9 cm on A4 portrait) holds "CỘNG HÒA XÃ HỘI
    CHỦ NGHĨA VIỆT NAM" in 12 pt bold on one line, as Nghị định 30 draws it."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    usable = _usable_width(document)
    fixed_widths(table, (int(usable * 0.4), usable - int(usable * 0.4)))
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].text = ""
    if parent_name:
        _font(left.paragraphs[0].add_run(clean(parent_name).upper()), 13)
        left.paragraphs[0].alignment = center
        text_paragraph(left, issuer_name.upper(), 13, align=center, bold=True)
    else:
        _font(left.paragraphs[0].add_run(clean(issuer_name).upper()), 13, bold=True)
        left.paragraphs[0].alignment = center
    _short_rule(left, 2.5)
    text_paragraph(left, reference_line, 13, align=center)
    if subject:
        text_paragraph(left, subject, 12, align=center)
    _font(right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    right.paragraphs[0].alignment = center
    text_paragraph(right, "Độc lập - Tự do - Hạnh phúc", 13, align=center, bold=True)
    _short_rule(right, 5.5)
    text_paragraph(right, format_letter_date(day, place), 14, align=center, italic=True)
    return table


def add_signature(document, letter: Letter) -> None:
    """ "Nơi nhận" on the left, the signer on the right (KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)."""
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    usable = _usable_width(document)
    fixed_widths(table, (usable // 2, usable - usable // 2))
    left, right = table.rows[0].cells
    _font(left.paragraphs[0].add_run("Nơi nhận:"), 12, bold=True, italic=True)
    lines = ["Như trên;", *letter.copies]
    for index, line in enumerate(lines):
        end = "." if index == len(lines) - 1 else ";"
        text_paragraph(left, f"- {line.rstrip(';.')}{end}", 11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    first = right.paragraphs[0]
    first.alignment = center
    if letter.signer_authority:
        _font(first.add_run(clean(f"{letter.signer_authority} {letter.signer_head_title}".strip())),
              14, bold=True)
        text_paragraph(right, letter.signer_position.upper(), 14, align=center, bold=True)
    else:
        _font(first.add_run(clean(letter.signer_position).upper()), 14, bold=True)
    for _ in range(4):
        text_paragraph(right, "", 14)
    text_paragraph(right, letter.signer_name, 14, align=center, bold=True)


def build_letter(letter: Letter) -> bytes:
    document = new_document()
    reference = f"Số: {letter.number or '      '}/{letter.notation}"
    add_header(document, parent_name=letter.parent_name, issuer_name=letter.issuer_name,
               reference_line=reference, subject=letter.subject, place=letter.place,
               day=letter.day)
    text_paragraph(document, "", 14)
    to = text_paragraph(document, "", 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(to.add_run("Kính gửi:"), 14)
    if len(letter.recipients) == 1:
        _font(to.add_run(clean(f" {letter.recipients[0].rstrip(';.')}.")), 14)
    else:
        for index, line in enumerate(letter.recipients):
            end = "." if index == len(letter.recipients) - 1 else ";"
            paragraph = text_paragraph(document, f"- {line.rstrip(';.')}{end}", 14)
            paragraph.paragraph_format.left_indent = Cm(4)
    text_paragraph(document, "", 8)
    body = [p for p in letter.body if p.strip()]
    if body and not body[-1].rstrip().endswith("./."):
        body[-1] = body[-1].rstrip().rstrip(".") + "./."
    for text in body:
        text_paragraph(document, text, 14, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True,
                   space_after=6)
    add_signature(document, letter)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
