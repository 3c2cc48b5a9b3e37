"""Replies as agencies write them, read into comments on the right sections (issue 14)."""
import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml

from commentflow.core.errors import ValidationFailed
from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import Limits, read_document
from commentflow.drafts.references import DraftIndex, find_citation
from commentflow.responses.reply_reading import read_reply
from tests.fixtures import hostile, hostile_pdf
from tests.fixtures.office import auto_numbered, converted, scanned_pdf, typed_docx

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
KIEN_GIANG = SAMPLES / "du-thao-ke-hoach-218-kien-giang.docx"
CAO_MINH = SAMPLES / "ke-hoach-cao-minh-2026.docx"
LIMIT = 50_000_000
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def outline(path: Path):
    return parse_blocks(read_document(path.read_bytes(), path.name, max_bytes=LIMIT).blocks)


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraph(document, start: str):
    return next(p for p in document.paragraphs if p.text.strip().startswith(start))


def _cell_paragraph(document, start: str):
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text.strip().startswith(start):
                        return paragraph
    raise LookupError(start)


def test_margin_comments_land_on_the_sections_they_are_anchored_on():
    document = Document(str(KIEN_GIANG))
    for anchor, text in [
            (_paragraph(document, "Căn cứ Nghị quyết số 99/2023/QH15"),
             "Đề nghị bổ sung căn cứ Luật Khám bệnh, chữa bệnh năm 2023."),
            (_paragraph(document, "III. NHIỆM VỤ"), "Đề nghị sửa thành “NHIỆM VỤ VÀ GIẢI PHÁP”."),
            (_paragraph(document, "d) Việc giải thể và xử lý tài sản"),
             "Đề nghị làm rõ thời hạn. Lý do: các trạm đã giải thể từ năm 2023."),
            (_cell_paragraph(document, "Vướng mắc trong thanh toán"),
             "Đề nghị giao Sở Tài chính chủ trì.")]:
        document.add_comment(anchor.runs, text=text, author="Sở Tài chính")
    reading = read_reply(_save(document), "gop-y.docx", outline(KIEN_GIANG), max_bytes=LIMIT)
    placed = [(c.section_key, c.source, c.confident) for c in reading.candidates]
    assert placed == [("preamble", "comment", True), ("III", "comment", True),
                      ("III.2.d", "comment", True), ("PL.2.b", "comment", True)]
    heading, point = reading.candidates[1], reading.candidates[2]
    assert heading.proposed_wording == "NHIỆM VỤ VÀ GIẢI PHÁP"
    assert point.text == "Đề nghị làm rõ thời hạn." and \
        point.reason == "các trạm đã giải thể từ năm 2023."


def test_comments_on_an_auto_numbered_copy_find_their_sections_by_words():
    document = Document(io.BytesIO(auto_numbered(CAO_MINH)))  # numbers in numbering.xml
    document.add_comment(_paragraph(document, "Bảo hiểm y tế").runs, text="Bổ sung chỉ tiêu.")
    reading = read_reply(_save(document), "gop-y.docx", outline(CAO_MINH), max_bytes=LIMIT)
    assert [(c.section_key, c.text) for c in reading.candidates] == [("III.4.1",
                                                                      "Bổ sung chỉ tiêu.")]


def test_tracked_changes_become_proposed_wording_for_their_section():
    document = Document(str(KIEN_GIANG))
    point = _paragraph(document, "b) Xác định cụ thể các nội dung công việc")
    point._p.append(parse_xml(f'<w:del {W} w:id="1" w:author="STC"><w:r><w:delText>'
                              f' Thêm câu cũ.</w:delText></w:r></w:del>'))
    run = point.runs[0]._r
    run.addnext(parse_xml(f'<w:ins {W} w:id="2" w:author="STC"><w:r><w:t xml:space="preserve">'
                          f' (sửa đổi)</w:t></w:r></w:ins>'))
    reading = read_reply(_save(document), "gop-y.docx", outline(KIEN_GIANG), max_bytes=LIMIT)
    [candidate] = reading.candidates
    assert candidate.section_key == "I.1.b" and candidate.source == "tracked-change"
    assert "(sửa đổi)" in candidate.proposed_wording
    assert "Thêm câu cũ" not in candidate.proposed_wording
    assert candidate.text.startswith("Đề nghị sửa đoạn")


LETTER = """SỞ TÀI CHÍNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 1875/STC-QLNS
An Giang, ngày 18 tháng 11 năm 2026
V/v góp ý dự thảo Kế hoạch
Kính gửi: Sở Y tế
Phúc đáp Công văn số 2159/SYT-TCCB ngày 02/7/2024 của Sở Y tế, Sở Tài chính có ý kiến như sau:
1. Tại điểm b khoản 2 Mục III: đề nghị sửa thành “Việc mua sắm thuốc theo nhu cầu thực tế”. \
Lý do: phù hợp Luật Đấu thầu.
2. tại điểm a, khoản 1, mục I, đề nghị làm rõ mục tiêu.
3. Mục IV: đề nghị bổ sung nguồn kinh phí thực hiện.
4. Đề nghị sửa điểm b khoản 3 mục III như sau: “Y tế dự phòng tập trung phòng bệnh”.
5. Phụ lục, STT 2, điểm b: đề nghị giao Sở Tài chính chủ trì.
6. Tại Mục VII: đề nghị bổ sung nội dung đánh giá.
7. Đề nghị cơ quan soạn thảo rà soát lại thể thức văn bản.
8. Ngoài các nội dung trên, Sở Tài chính thống nhất với các nội dung khác của dự thảo.
Trên đây là ý kiến của Sở Tài chính, gửi Sở Y tế tổng hợp./.
Nơi nhận:
- Như trên;
"""


@pytest.mark.parametrize("suffix", ["txt", "docx"])
def test_a_reply_letter_cites_sections_the_vietnamese_way(suffix):
    data = LETTER.encode() if suffix == "txt" else typed_docx(LETTER)
    reading = read_reply(data, f"cong-van.{suffix}", outline(KIEN_GIANG), max_bytes=LIMIT)
    assert (reading.letter_number, reading.letter_notation, str(reading.letter_date)) == \
        ("1875", "STC-QLNS", "2026-11-18")
    placed = [(c.section_key, c.confident) for c in reading.candidates]
    assert placed == [("III.2.b", True), ("I.1.a", True), ("IV", True), ("III.3.b", True),
                      ("PL.2.b", True), (None, False), (None, False)]
    first = reading.candidates[0]
    assert first.text.startswith("Đề nghị sửa thành") and \
        first.proposed_wording == "Việc mua sắm thuốc theo nhu cầu thực tế"
    assert first.reason == "phù hợp Luật Đấu thầu."
    assert reading.candidates[3].proposed_wording == "Y tế dự phòng tập trung phòng bệnh"
    assert "Mục VII" in reading.candidates[5].text  # cites nothing in this draft: kept whole
    assert all("thống nhất với các nội dung khác" not in c.text for c in reading.candidates)


def test_a_table_of_comments_is_read_row_by_row():
    document = Document()
    document.add_paragraph("Sở Tư pháp có ý kiến như sau:")
    table = document.add_table(rows=4, cols=5)
    rows = [("STT", "Nội dung dự thảo", "Ý kiến góp ý", "Đề xuất sửa đổi", "Lý do"),
            ("1", "Điểm a khoản 2 Mục III", "Đề nghị viết lại cho rõ.",
             "“Việc thanh toán chi phí xét nghiệm theo thực tế”", "Ngắn gọn hơn"),
            ("2", "Mục IV", "Bổ sung yêu cầu về tiến độ.", "", ""),
            ("3", "", "Thống nhất với các nội dung khác", "", "")]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    reading = read_reply(_save(document), "bang.docx", outline(KIEN_GIANG), max_bytes=LIMIT)
    assert [(c.section_key, c.source) for c in reading.candidates] == [
        ("III.2.a", "letter-table"), ("IV", "letter-table")]
    first = reading.candidates[0]
    assert first.proposed_wording == "Việc thanh toán chi phí xét nghiệm theo thực tế"
    assert first.reason == "Ngắn gọn hơn"


@pytest.mark.parametrize("written, key", [
    ("tiết 2.2 điểm 2 Mục II", "II.2.2"), ("Tiết 2.2, điểm 2, mục II", "II.2.2"),
    ("điểm 4.1 khoản 4 Mục III", "III.4.1"), ("mục 2.3", "II.2.3"), ("Mục V", "V"),
    ("khoản 3 mục V", "V.3"), ("MỤC II", "II")])
def test_citations_in_many_spellings_resolve_in_a_plan(written, key):
    index = DraftIndex(outline(CAO_MINH))
    assert [s.key for s in index.resolve(find_citation(f"Tại {written}: đề nghị"))] == [key]


@pytest.mark.parametrize("written, key", [
    ("khoản 2 Điều 3", "D3.2"), ("điểm b khoản 1 Điều 3", "D3.1.b"), ("Điều 5", "D5"),
    ("Chương II", "CII"), ("điểm a, khoản 1, Điều 5", "D5.1.a")])
def test_citations_resolve_in_a_legal_draft(written, key):
    text = (SAMPLES / "quy-che-lay-y-kien-2026.txt").read_text()
    top = parse_blocks(read_document(typed_docx(text), "qc.docx", max_bytes=LIMIT).blocks)
    assert key in {s.key for s in walk(top)}
    assert [s.key for s in DraftIndex(top).resolve(find_citation(written))] == [key]


def test_ordinary_words_are_not_citations():
    for text in ("Mục đích của kế hoạch", "điều này cần làm rõ", "khoản tiền bổ sung",
                 "phần việc còn lại"):
        assert find_citation(text) is None


@pytest.mark.parametrize("make, name, message", [
    (hostile.utf16_entity_docx, "gop-y.docx", "khai báo XML"),
    (hostile.wrong_crc_docx, "gop-y.docx", "hỏng"),
    (hostile_pdf.with_javascript, "cong-van.pdf", "JavaScript"),
    (hostile_pdf.huge_png, "cong-van.png", "Ảnh quá lớn"),
])
def test_hostile_reply_files_are_refused_like_hostile_drafts(make, name, message):
    with pytest.raises(ValidationFailed, match=message):
        read_reply(make(), name, outline(KIEN_GIANG), max_bytes=LIMIT)


def test_a_scanned_reply_letter_is_read_and_a_long_one_refused(tmp_path):
    pdf = converted(typed_docx(LETTER), "pdf", tmp_path)
    limits = Limits(scan_max_pages=6)
    reading = read_reply(scanned_pdf(pdf, dpi=200, angle=0.5), "cong-van-scan.pdf",
                         outline(KIEN_GIANG), max_bytes=LIMIT, limits=limits)
    placed = [c.section_key for c in reading.candidates]
    assert placed[:3] == ["III.2.b", "I.1.a", "IV"]
    assert (reading.letter_number, reading.letter_notation) == ("1875", "STC-QLNS")
    with pytest.raises(ValidationFailed, match="vượt giới hạn 6 trang"):
        read_reply(hostile_pdf.many_blank_pages(7), "dai.pdf", outline(KIEN_GIANG),
                   max_bytes=LIMIT, limits=limits)
