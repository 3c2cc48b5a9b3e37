"""The comparison table of two versions of a draft ("Bản so sánh dự thảo"), as a .docx.

Nghị định 30 layout, landscape: the issuer's header, the title, then one row per changed
section — the section, the old text, the new text, what changed, and the comments (with their
dispositions) behind the change. Pure: data in, bytes out.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from commentflow.exports.letters import add_header, fixed_widths, new_document, text_paragraph


@dataclass
class ComparedSection:
    section: str  #: "điểm a khoản 2 Mục III" or the key
    old_text: str
    new_text: str
    change: str  #: Sửa đổi, Bổ sung mới, …
    comments: list[str] = field(default_factory=list)  #: "Sở Tài chính: … — Tiếp thu: …"


@dataclass
class ComparisonData:
    parent_name: str
    issuer_name: str
    draft_title: str
    old_number: int
    new_number: int
    place: str
    day: date
    rows: list[ComparedSection]


HEADINGS = ("STT", "Mục", "Dự thảo lần {old}", "Dự thảo lần {new}",
            "Ý kiến góp ý, tiếp thu, giải trình")
WIDTHS_CM = (1.2, 3.3, 7.2, 7.2, 6.3)


def _fill(cell, value: str, **style) -> None:
    """The cell's lines as 12 pt paragraphs (the cell's own empty first paragraph dropped)."""
    empty = cell.paragraphs[0]._p
    for line in value.split("\n"):
        text_paragraph(cell, line, 12, **style)
    empty.getparent().remove(empty)


def build_comparison_docx(data: ComparisonData) -> bytes:
    document = new_document(landscape=True)
    add_header(document, parent_name=data.parent_name, issuer_name=data.issuer_name,
               reference_line="", subject="", place=data.place, day=data.day)
    center = WD_ALIGN_PARAGRAPH.CENTER
    text_paragraph(document, "BẢN SO SÁNH DỰ THẢO", 14, align=center, bold=True)
    text_paragraph(document, f"{data.draft_title} (dự thảo lần {data.old_number} và lần "
                             f"{data.new_number})", 14, align=center, bold=True)
    table = document.add_table(rows=1, cols=len(HEADINGS))
    table.style = "Table Grid"
    fixed_widths(table, [Cm(width) for width in WIDTHS_CM])
    for cell, heading in zip(table.rows[0].cells, HEADINGS, strict=True):
        _fill(cell, heading.format(old=data.old_number, new=data.new_number), align=center,
              bold=True)
    for number, row in enumerate(data.rows, start=1):
        cells = table.add_row().cells
        values = (str(number), f"{row.section}\n({row.change})", row.old_text, row.new_text,
                  "\n".join(row.comments))
        for cell, value in zip(cells, values, strict=True):
            _fill(cell, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
