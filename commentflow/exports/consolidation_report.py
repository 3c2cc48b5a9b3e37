"""Pure builders of the consolidation report: .docx (Nghị định 30, landscape) and .xlsx."""
import io

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from commentflow.exports import wordml
from commentflow.exports.letters import (
    FONT,
    Letter,
    add_header,
    add_signature,
    fixed_widths,
    new_document,
    text_paragraph,
)
from commentflow.exports.report import (
    KIND_TEXT,
    Column,
    ReportData,
    ReportGroup,
    columns,
    ratio,
    table_rows,
)
from commentflow.exports.spreadsheets import build_table

TABLE_TEXT_PT = 12
#: Column widths of the .xlsx table, in characters.
XLSX_WIDTHS = {"stt": 6, "group": 22, "agency": 24, "reply": 22, "comment": 60, "answer": 50,
               "officer": 18, "note": 20}
_EMU_PER_TWIP = 635


def _opening(document, data: ReportData) -> None:
    def line(text: str):
        text_paragraph(document, text, 13, indent=True, space_after=3)

    line(f"1. Tổng số {data.asked:02d} cơ quan, đơn vị đã gửi xin ý kiến; tổng số "
         f"{data.replies:02d} văn bản góp ý nhận được.")
    line("2. Kết quả cụ thể như sau:")
    agreed = sum(g.agreed for g in data.agreed)
    ratios = "; ".join(f"{g.name}: {ratio(g.agreed, g.asked)}" for g in data.agreed)
    line(f"- Số cơ quan, đơn vị thống nhất, không có ý kiến: {agreed:02d}"
         + (f" ({ratios})." if ratios else "."))
    for group in data.agreed:
        for agency in group.agencies:
            line(f"+ {agency};")
    line(f"- Số cơ quan, đơn vị có ý kiến góp ý: {len(data.commented):02d} (chi tiết tại "
         "bảng dưới đây).")
    if data.silent:
        line("- Đơn vị không gửi văn bản góp ý" + (
            " xem như thống nhất nội dung dự thảo: " if data.silence_is_agreement else ": ")
            + "; ".join(data.silent) + ".")
    if data.answered:
        line("- Tỷ lệ cơ quan, đơn vị trả lời theo nhóm: " + "; ".join(
            f"{name}: {ratio(part, whole)}" for name, part, whole in data.answered) + ".")
    comments = sum(n for _kind, n in data.dispositions)
    if comments:
        kinds = [f"{KIND_TEXT[kind].lower()} {n:02d}" for kind, n in data.dispositions
                 if n and kind in KIND_TEXT]
        undecided = dict(data.dispositions).get("undecided", 0)
        line(f"3. Tổng số {comments:02d} ý kiến góp ý, trong đó: " + "; ".join(
            kinds + ([f"chưa xử lý {undecided:02d}"] if undecided else [])) + ".")


#: Paragraph styles of the table (id, name, bold, alignment): one style per kind of cell
#: keeps each cell's XML small, which is what makes 20,000 rows cheap to build and open.
STYLES = (("BangTongHop", "Bảng tổng hợp", False, WD_ALIGN_PARAGRAPH.LEFT),
          ("BangTongHopDauCot", "Bảng tổng hợp - đầu cột", True, WD_ALIGN_PARAGRAPH.CENTER),
          ("BangTongHopNhom", "Bảng tổng hợp - nhóm", True, WD_ALIGN_PARAGRAPH.LEFT),
          ("BangTongHopSo", "Bảng tổng hợp - số", False, WD_ALIGN_PARAGRAPH.CENTER))


def _add_table_styles(document) -> None:
    for style_id, name, bold, alignment in STYLES:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = document.styles["Normal"]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(TABLE_TEXT_PT), bold
        style.paragraph_format.alignment = alignment
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.first_line_indent = Pt(0)


def _cell(value: str, style: str, merge: str = "") -> str:
    if merge == "continue":
        return "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
    properties = '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>' if merge else ""
    paragraph_style = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
    return f"<w:tc>{properties}{wordml.paragraphs(value, '', paragraph_style)}</w:tc>"


def _table_xml(groups: list[ReportGroup], chosen: list[Column]) -> str:
    """Header row (repeated on every page), then one row per comment or group of comments;
    the section cell is merged down over its rows."""
    parts = ["<w:tr><w:trPr><w:tblHeader/></w:trPr>"]
    parts += [_cell(c.header, "BangTongHopDauCot") for c in chosen]
    parts.append("</w:tr>")
    styles = ["BangTongHopNhom" if c.key == "group" else "BangTongHopSo" if c.key == "stt"
              else "BangTongHop" for c in chosen]
    group_at = [c.key for c in chosen].index("group")
    for _group, first, values in table_rows(groups, chosen):
        parts.append("<w:tr>")
        for index, (style, value) in enumerate(zip(styles, values, strict=True)):
            if index == group_at:
                parts.append(_cell(value, style, "restart" if first else "continue"))
            else:
                parts.append(_cell(value, style))
        parts.append("</w:tr>")
    return "".join(parts)


CARRIED_HEADINGS = ("STT", "Cơ quan, đơn vị", "Nội dung", "Ý kiến ở đợt trước",
                    "Tiếp thu, giải trình ở đợt trước", "Ý kiến ở đợt này")
CARRIED_WIDTHS_CM = (1.2, 3.5, 3.3, 6.2, 6.2, 4.8)


def _carried_table(document, rows) -> None:
    """A follow-up round's answers to the earlier round's comments, after the main table."""
    text_paragraph(document, "")
    text_paragraph(document, "Ý KIẾN ĐỐI VỚI KẾT QUẢ TIẾP THU, GIẢI TRÌNH CỦA ĐỢT TRƯỚC", 13,
                   align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, space_after=6)
    table = document.add_table(rows=1, cols=len(CARRIED_HEADINGS))
    table.style = "Table Grid"
    fixed_widths(table, [Cm(width) for width in CARRIED_WIDTHS_CM])
    for cell, heading in zip(table.rows[0].cells, CARRIED_HEADINGS, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for number, row in enumerate(rows, start=1):
        values = (str(number), row.agency, row.section, row.earlier, row.told, row.answer)
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value


def build_report_docx(data: ReportData, optional: frozenset[str] = frozenset()) -> bytes:
    document = new_document(landscape=True)
    add_header(document, parent_name=data.issuer_parent, issuer_name=data.issuer,
               reference_line="", subject="", place=data.place, day=data.day)
    text_paragraph(document, data.title, 14, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                   space_after=6)
    _opening(document, data)
    chosen = columns(optional)
    _add_table_styles(document)
    section = document.sections[0]
    usable = (section.page_width - section.left_margin - section.right_margin) // _EMU_PER_TWIP
    fixed = {c.key: Cm(c.cm) // _EMU_PER_TWIP for c in chosen if c.cm}
    left, total = usable - sum(fixed.values()), sum(c.weight for c in chosen if not c.cm)
    widths = [fixed.get(c.key) or left * c.weight // total for c in chosen]
    tables = data.tables() or [("", [])]  # no comment at all: the header row alone
    for number, (draft, groups) in enumerate(tables, start=1):
        if len(tables) > 1:  # one table per draft, each under the draft's name
            text_paragraph(document, f"{number}. Dự thảo {draft}", 13, bold=True,
                           space_after=6)
        table = document.add_table(rows=0, cols=len(chosen))
        table.style = "Table Grid"
        table.autofit = False  # fixed layout: the grid's widths hold for every row
        for grid_column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            grid_column.w = width * _EMU_PER_TWIP
        table._tbl.extend(wordml.parse_children(_table_xml(groups, chosen), "w:tbl"))
    if data.carried:
        _carried_table(document, data.carried)
    add_signature(document, Letter(
        parent_name="", issuer_name=data.issuer, number="", notation="", subject="",
        place=data.place, day=data.day, recipients=[], body=[],
        signer_authority=data.signer_authority, signer_head_title=data.signer_head_title,
        signer_position=data.signer_position, signer_name=data.signer_name,
        copies=["Lưu: VT"]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_report_xlsx(data: ReportData, tracker_header, tracker_rows,
                      optional: frozenset[str] = frozenset()) -> bytes:
    """The same table (the section repeated on each row, so it can be filtered; the draft in
    a first column when there are several) and the response tracker on a second sheet."""
    chosen = columns(optional)
    stt = [c.key for c in chosen].index("stt") if "stt" in optional else None
    several = len(data.tables()) > 1

    def rows():
        for draft, groups in data.tables():
            for _g, _first, values in table_rows(groups, chosen):
                cells = [int(v) if i == stt else v for i, v in enumerate(values)]
                yield [draft, *cells] if several else cells

    header = [c.header for c in chosen]
    widths = [XLSX_WIDTHS[c.key] for c in chosen]
    if several:
        header, widths = ["DỰ THẢO", *header], [30, *widths]
    return build_table([("Tổng hợp", header, rows()),
                        ("Theo dõi", tracker_header, tracker_rows)],
                       widths={"Tổng hợp": widths})
