"""Pure builders of the consolidation report: .docx (Nghị định 30, landscape) and .xlsx."""
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from commentflow.consolidation.report import ReportData, ratio
from commentflow.exports.letters import FONT, Letter, add_header, add_signature, new_document
from commentflow.exports.spreadsheets import build_table

HEADER = ["NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN", "CHỦ THỂ GÓP Ý", "NỘI DUNG GÓP Ý",
          "NỘI DUNG TIẾP THU, GIẢI TRÌNH"]


def _text(paragraph, text: str, size: float = 13, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.bold = FONT, Pt(size), bold
    return run


def _opening(document, data: ReportData) -> None:
    def line(text: str, bold=False):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(36)
        _text(paragraph, text, 13, bold)

    line(f"1. Tổng số {data.asked:02d} cơ quan, đơn vị đã gửi xin ý kiến; tổng số "
         f"{data.replies:02d} văn bản góp ý nhận được.")
    line("2. Kết quả cụ thể như sau:")
    agreed = sum(g.agreed for g in data.agreed)
    line(f"- Số cơ quan, đơn vị thống nhất, không có ý kiến: {agreed:02d} ("
         + "; ".join(f"{g.name}: {ratio(g.agreed, g.asked)}" for g in data.agreed) + ").")
    for group in data.agreed:
        for agency in group.agencies:
            line(f"+ {agency};")
    line(f"- Số cơ quan, đơn vị có ý kiến góp ý: {len(data.commented):02d} (chi tiết tại "
         "bảng dưới đây).")
    if data.silent:
        line("- Đơn vị không gửi văn bản góp ý" + (
            " xem như thống nhất nội dung dự thảo: " if data.silence_is_agreement else ": ")
            + "; ".join(data.silent) + ".")


def build_report_docx(data: ReportData) -> bytes:
    document = new_document(landscape=True)
    add_header(document, parent_name=data.issuer_parent, issuer_name=data.issuer,
               reference_line="", subject="", place=data.place, day=data.day)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _text(title, data.title, 14, bold=True)
    _opening(document, data)
    rows = sum(len(g.rows) for g in data.groups)
    table = document.add_table(rows=1 + rows, cols=4)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, HEADER, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _text(cell.paragraphs[0], name, 12, bold=True)
    table_rows = table.rows  # built once: indexing table.rows each time is quadratic
    index = 1
    for group in data.groups:
        first = index
        for row in group.rows:
            cells = table_rows[index].cells
            for cell, value in zip(cells[1:], ("; ".join(row.agencies), row.comment,
                                               row.answer), strict=True):
                _text(cell.paragraphs[0], value, 12)
            index += 1
        merged = table_rows[first].cells[0].merge(table_rows[index - 1].cells[0])
        _text(merged.paragraphs[0], group.label, 12, bold=True)
    add_signature(document, Letter(
        parent_name="", issuer_name=data.issuer, number="", notation="", subject="",
        place=data.place, day=data.day, recipients=[], body=[],
        signer_authority=data.signer_authority, signer_head_title=data.signer_head_title,
        signer_position=data.signer_position, signer_name=data.signer_name,
        copies=["Lưu: VT"]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_report_xlsx(data: ReportData, tracker_header, tracker_rows) -> bytes:
    table = [[group.label, "; ".join(row.agencies), row.comment, row.answer]
             for group in data.groups for row in group.rows]
    return build_table([("Tổng hợp", HEADER, table), ("Theo dõi", tracker_header,
                                                      tracker_rows)])
