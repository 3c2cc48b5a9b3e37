"""The report and margin builders carry any agency text safely into Word's XML."""
import io
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt

from commentflow.exports.consolidation_report import build_report_docx
from commentflow.exports.margin_comments import MarginSection, build
from commentflow.exports.report import (
    ReportData,
    ReportGroup,
    ReportRow,
    answer_text,
    proposal_sentence,
)

HOSTILE = 'Đề nghị <w:p/> & "sửa" \x0b\x01điều 5\nDòng thứ hai'


def _data(groups):
    return ReportData(title="BẢN TỔNG HỢP", issuer_parent="UBND TỈNH", issuer="Sở Y tế",
                      place="Kiên Giang", asked=2, replies=2, agreed=[], commented=["A"],
                      silent=[], silence_is_agreement=True, groups=groups,
                      day=date(2024, 7, 20))


def test_markup_and_control_characters_stay_text():
    data = _data([ReportGroup("Điều 1", [ReportRow(["Sở <Tư pháp> & \"Nội vụ\""], HOSTILE,
                                                    "Tiếp thu.")])])
    table = Document(io.BytesIO(build_report_docx(data))).tables[1]
    agency, comment = table.cell(1, 1).text, table.cell(1, 2).text
    assert agency == 'Sở <Tư pháp> & "Nội vụ"'
    assert comment == 'Đề nghị <w:p/> & "sửa" điều 5\nDòng thứ hai'  # a paragraph per line
    assert len(table.cell(1, 2).paragraphs) == 2
    style = table.cell(1, 2).paragraphs[0].style  # 12 pt Times New Roman, as DOMAIN §3 says
    assert (style.name, style.font.size, style.font.name) == ("Bảng tổng hợp", Pt(12),
                                                              "Times New Roman")
    assert table.cell(0, 0).paragraphs[0].style.font.bold


def test_every_group_cell_spans_its_rows():
    groups = [ReportGroup(f"Mục {n}", [ReportRow([f"Đơn vị {n}.{k}"], f"Ý kiến {k}", "")
                                       for k in range(n)]) for n in (1, 3, 2)]
    table = Document(io.BytesIO(build_report_docx(_data(groups)))).tables[1]
    labels = [table.cell(r, 0).text for r in range(1, 7)]
    assert labels == ["Mục 1", "Mục 3", "Mục 3", "Mục 3", "Mục 2", "Mục 2"]
    assert table.cell(2, 0)._tc is table.cell(4, 0)._tc
    assert table.cell(4, 0)._tc is not table.cell(5, 0)._tc


def test_margin_comments_keep_lines_authors_and_ids():
    sections = [MarginSection("I", "I. MỤC ĐÍCH", [("Sở \"Tài\" & chính", "STC", HOSTILE)]),
                MarginSection("II", "II. NỘI DUNG", [("UBND <huyện>", "UB", "Một"),
                                                     ("UBND <huyện>", "UB", "Hai")])]
    document = Document(io.BytesIO(build(None, sections)))
    comments = sorted(document.comments, key=lambda c: c.comment_id)
    assert [c.comment_id for c in comments] == [0, 1, 2]
    assert comments[0].author == 'Sở "Tài" & chính' and comments[0].initials == "STC"
    assert comments[0].text == 'Đề nghị <w:p/> & "sửa" điều 5\nDòng thứ hai'
    assert [c.text for c in comments[1:]] == ["Một", "Hai"]
    second = document.paragraphs[1]._p
    assert len(second.xpath(".//w:commentRangeStart")) == 2
    assert len(second.xpath(".//w:commentReference")) == 2


@pytest.mark.parametrize("kind, text, expected", [
    ("Tiếp thu", "Tiếp thu, bổ sung vào dự thảo.", "Tiếp thu, bổ sung vào dự thảo."),
    ("Tiếp thu", "tiep thu, dieu chinh tai Muc IV.", "tiep thu, dieu chinh tai Muc IV."),
    ("Tiếp thu", "Đã điều chỉnh tại Mục IV.", "Tiếp thu. Đã điều chỉnh tại Mục IV."),
    ("Không tiếp thu", "Đề xuất giữ nguyên. Lý do: …",
     "Không tiếp thu. Đề xuất giữ nguyên. Lý do: …"),
    ("Ghi nhận", "", "Ghi nhận"),
    ("Tiếp thu một phần", "TIẾP THU MỘT PHẦN: bổ sung", "TIẾP THU MỘT PHẦN: bổ sung"),
    # typed on a keyboard that sends decomposed accents (NFD), and with a double space
    ("Tiếp thu", "Tie\u0302\u0301p  thu, bổ sung.", "Tie\u0302\u0301p  thu, bổ sung."),
    ("Tiếp thu", "Tiếp", "Tiếp thu. Tiếp"),
])
def test_the_report_never_prints_the_disposition_twice(kind, text, expected):
    """It printed "Tiếp thu. Tiếp thu, bổ sung…"."""
    assert answer_text(kind, text) == expected


@pytest.mark.parametrize("proposed, expected", [
    ("Bổ sung kinh phí.", 'Đề nghị sửa lại thành: "Bổ sung kinh phí."'),
    ("Bổ sung kinh phí", 'Đề nghị sửa lại thành: "Bổ sung kinh phí".'),
])
def test_a_proposed_wording_ends_with_one_full_stop(proposed, expected):
    assert proposal_sentence(proposed) == expected
