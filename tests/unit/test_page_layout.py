"""Lines placed on pages joined back into paragraphs; running heads, page numbers dropped;
a missing converter said in words."""
import pytest

from commentflow.core import sandbox
from commentflow.core.errors import ValidationFailed
from commentflow.drafts import converting
from commentflow.drafts.layout import Line, paragraphs
from commentflow.drafts.scanning import fix_roman, repair_roman_sequence

HEIGHT = 842


def _page(number: int, lines: list[tuple[float, float, str]], *, head=True) -> list[Line]:
    """(x0, x1, text) lines top to bottom, 18 points apart, with a running head and footer."""
    out = []
    if head:
        out.append(Line(number, 200, 30, 400, 42, "Dự thảo lần 2 - Kế hoạch năm 2026", HEIGHT))
    for index, (x0, x1, text) in enumerate(lines):
        top = 100 + index * 18
        out.append(Line(number, x0, top, x1, top + 14, text, HEIGHT))
    if head:
        out.append(Line(number, 290, 800, 300, 812, str(number), HEIGHT))
    return out


def test_wrapped_lines_join_and_running_heads_and_page_numbers_go():
    lines = []
    for page in range(1, 5):
        lines += _page(page, [
            (85, 500, f"I. MỤC TIÊU TRANG {page}"),
            (114, 552, "Tăng cường phối hợp giữa các sở, ban, ngành trong tổ chức thực"),
            (85, 552, "hiện nhiệm vụ, bảo đảm tiến độ và chất lượng của các nhiệm vụ được"),
            (85, 300, "giao trong năm."),
            (114, 552, "- Ý thứ hai bắt đầu bằng gạch đầu dòng và kéo dài tới cuối dòng"),
            (85, 200, "rồi kết thúc."),
        ])
    blocks = [b.text for b in paragraphs(lines)]
    assert blocks[:3] == [
        "I. MỤC TIÊU TRANG 1",
        "Tăng cường phối hợp giữa các sở, ban, ngành trong tổ chức thực hiện nhiệm vụ, bảo đảm "
        "tiến độ và chất lượng của các nhiệm vụ được giao trong năm.",
        "- Ý thứ hai bắt đầu bằng gạch đầu dòng và kéo dài tới cuối dòng rồi kết thúc."]
    assert len(blocks) == 12
    assert not any("Dự thảo lần 2" in b or b.isdigit() for b in blocks)


def test_a_number_set_apart_by_a_tab_rejoins_its_title_and_header_columns_stay_apart():
    lines = [Line(1, 60, 40, 250, 54, "ỦY BAN NHÂN DÂN", HEIGHT),
             Line(1, 320, 40, 560, 54, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEIGHT),
             Line(1, 228, 300, 238, 314, "II.", HEIGHT),
             Line(1, 264, 300, 420, 314, "NHIỆM VỤ", HEIGHT)]
    assert [b.text for b in paragraphs(lines)] == [
        "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "II. NHIỆM VỤ"]


def test_roman_numerals_misread_by_ocr_are_put_right():
    assert fix_roman("Il. MỤC TIÊU") == "II. MỤC TIÊU"
    assert fix_roman("1. Mục tiêu tổng quát") == "1. Mục tiêu tổng quát"  # not capitals
    lines = [Line(1, 0, y, 100, y + 10, text) for y, text in enumerate(
        ["I. MỤC ĐÍCH", "1. Mục đích", "I. MỤC TIÊU", "II. NHIỆM VỤ", "V. TỔ CHỨC"])]
    repair_roman_sequence(lines)
    assert [line.text for line in lines] == ["I. MỤC ĐÍCH", "1. Mục đích", "II. MỤC TIÊU",
                                             "III. NHIỆM VỤ", "V. TỔ CHỨC"]


def test_a_missing_converter_is_said_in_words(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(ValidationFailed, match="chưa cài LibreOffice"):
        converting.to_docx(b"{\\rtf1 x}", "rtf", seconds=10)
