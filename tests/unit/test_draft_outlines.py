"""The real sample drafts split into exactly the expected outline, from .docx and from .txt."""
import json
from pathlib import Path

import pytest

from commentflow.drafts.parsing import citation, parse_blocks, walk
from commentflow.drafts.reading import read_draft

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DRAFTS = ["du-thao-ke-hoach-218-kien-giang", "ke-hoach-bac-kan-2026", "ke-hoach-cao-minh-2026"]


def outline(path: Path):
    return parse_blocks(read_draft(path.read_bytes(), path.name, max_bytes=50_000_000))


def flat(top) -> list[dict]:
    rows = []
    for s in walk(top):
        if s.kind == "header":
            continue
        row = {"key": s.key, "number": s.number, "title": s.title, "level": s.level,
               "kind": s.kind}
        if s.kind == "annex_row":
            row.update(lead=s.fields.get("lead", ""), due=s.fields.get("due", ""))
        rows.append(row)
    return rows


@pytest.mark.parametrize("name", DRAFTS)
@pytest.mark.parametrize("suffix", [".docx", ".txt"])
def test_sample_draft_has_the_expected_outline(name, suffix):
    expected = json.loads((FIXTURES / "outlines" / f"{name}.json").read_text())
    assert flat(outline(FIXTURES / "samples" / f"{name}{suffix}")) == expected


def test_kien_giang_keeps_numbers_as_written():
    top = outline(FIXTURES / "samples" / "du-thao-ke-hoach-218-kien-giang.docx")
    keys = [s.key for s in top]
    assert keys == ["header", "title", "preamble", "I", "III", "IV", "closing", "PL"]  # no II
    annex = {s.key: s for s in walk(top) if s.key.startswith("PL.2.")}
    assert list(annex) == ["PL.2.a", "PL.2.b", "PL.2.d", "PL.2.đ", "PL.2.e"]  # no c
    row = annex["PL.2.b"]
    assert row.fields["coordinating"] == "Sở Tài chính và các Sở, ngành, UBND các địa phương"
    assert row.text.startswith("Vướng mắc trong thanh toán") and \
        row.text.endswith("đến hết ngày 31 tháng 12 năm 2022;")  # the two halves joined


def test_text_cut_by_a_page_break_is_joined_back():
    top = outline(FIXTURES / "samples" / "du-thao-ke-hoach-218-kien-giang.docx")
    point = next(s for s in walk(top) if s.key == "I.2.a")
    assert "thực hiện tốt chính sách, quy định pháp luật" in point.text
    assert "\n" not in point.text


def test_preamble_signature_and_recipients():
    top = outline(FIXTURES / "samples" / "du-thao-ke-hoach-218-kien-giang.txt")
    sections = {s.key: s for s in walk(top)}
    assert sections["preamble"].text.startswith("Căn cứ Nghị quyết số 99/2023/QH15")
    assert sections["preamble"].commentable
    closing = sections["closing"]
    assert not closing.commentable
    assert "Nơi nhận:" in closing.text and "KT. CHỦ TỊCH" in closing.text
    assert "**" not in closing.text and "#" not in closing.text


def test_markdown_marks_and_html_tags_are_removed():
    top = outline(FIXTURES / "samples" / "du-thao-ke-hoach-218-kien-giang.txt")
    for section in walk(top):
        for text in (section.title, section.text, *section.fields.values()):
            assert "**" not in text and "<p>" not in text and not text.startswith("#")


def test_repeated_roman_numbers_get_distinct_keys():
    top = outline(FIXTURES / "samples" / "ke-hoach-bac-kan-2026.docx")
    romans = [(s.key, s.title) for s in top if s.kind == "roman"]
    assert romans == [("I", "MỤC ĐÍCH, YÊU CẦU"), ("II", "MỤC TIÊU"),
                      ("III", "NHIỆM VỤ, GIẢI PHÁP"), ("III~2", "NGUỒN KINH PHÍ THỰC HIỆN"),
                      ("IV", "TỔ CHỨC THỰC HIỆN")]


def test_reimporting_gives_the_same_keys():
    path = FIXTURES / "samples" / "ke-hoach-cao-minh-2026.docx"
    assert flat(outline(path)) == flat(outline(path))


def test_citations_read_from_the_small_unit_up():
    top = outline(FIXTURES / "samples" / "du-thao-ke-hoach-218-kien-giang.docx")
    paths = {}

    def visit(sections, path):
        for s in sections:
            paths[s.key] = path + [s]
            visit(s.children, path + [s])

    visit(top, [])
    assert citation(paths["III.2.a"]) == "điểm a khoản 2 Mục III"
    assert citation(paths["PL.2.b"]) == "Phụ lục, STT 2, điểm b"
    assert citation(paths["preamble"]) == "phần mở đầu"
