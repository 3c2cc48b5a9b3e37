"""Drafts as offices send them split exactly like their typed twins (golden outlines).

Each twin is made from a typed sample the way an office makes it: Word's automatic
numbering (on the paragraph, through heading styles, with a startOverride restart), a legal
draft numbered "Chương %1" / "Điều %1." by Word, heading styles only, the file saved by
LibreOffice as .doc, .odt, .rtf or PDF, and that PDF printed and scanned at 150 dpi.
"""
import difflib
import json
from pathlib import Path

import pytest

from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import read_document
from tests.fixtures.office import (
    auto_numbered,
    converted,
    heading_styles_only,
    page_image,
    scanned_pdf,
    typed_docx,
)
from tests.unit.test_draft_outlines import flat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLAN = "ke-hoach-cao-minh-2026"  # I. … V., 1., 2.1.: consecutive, as Word would number it
REPEATS = "ke-hoach-bac-kan-2026"  # "III." twice: a restart Word writes as startOverride
LEGAL = "quy-che-lay-y-kien-2026"
LIMIT = 50_000_000


def expected(name: str) -> list[dict]:
    return json.loads((FIXTURES / "outlines" / f"{name}.json").read_text())


def outline_of(data: bytes, filename: str) -> list[dict]:
    return flat(parse_blocks(read_document(data, filename, max_bytes=LIMIT).blocks))


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("office")


@pytest.fixture(scope="module")
def auto_plan() -> bytes:
    return auto_numbered(FIXTURES / "samples" / f"{PLAN}.docx")


@pytest.fixture(scope="module")
def typed_legal(work) -> Path:
    path = work / "legal.docx"
    path.write_bytes(typed_docx((FIXTURES / "samples" / f"{LEGAL}.txt").read_text()))
    return path


@pytest.fixture(scope="module")
def text_pdf(work) -> bytes:
    return converted((FIXTURES / "samples" / f"{PLAN}.docx").read_bytes(), "pdf", work)


def test_auto_numbered_plan_splits_like_its_typed_twin(auto_plan):
    assert outline_of(auto_plan, "ke-hoach.docx") == expected(PLAN)


def test_numbers_carried_by_heading_styles_split_like_the_typed_twin():
    data = auto_numbered(FIXTURES / "samples" / f"{PLAN}.docx", through_styles=True)
    assert outline_of(data, "ke-hoach.docx") == expected(PLAN)


def test_a_start_override_restart_keeps_the_number_as_written():
    data = auto_numbered(FIXTURES / "samples" / f"{REPEATS}.docx")
    outline = outline_of(data, "ke-hoach.docx")
    assert outline == expected(REPEATS)
    assert [row["number"] for row in outline if row["kind"] == "roman"] == \
        ["I.", "II.", "III.", "III.", "IV."]


def test_legal_draft_numbered_by_word_splits_like_the_typed_one(typed_legal):
    assert outline_of(typed_legal.read_bytes(), "quy-che.docx") == expected(LEGAL)
    data = auto_numbered(typed_legal, legal=True)
    assert outline_of(data, "quy-che.docx") == expected(LEGAL)


def test_a_draft_with_heading_styles_only_is_split_by_their_levels():
    data = heading_styles_only(FIXTURES / "samples" / f"{PLAN}.docx")
    outline = outline_of(data, "ke-hoach.docx")
    typed = [row for row in expected(PLAN) if row["title"] and row["kind"] != "title"]
    headings = [row for row in outline if row["kind"] == "heading"]
    assert [(h["title"], h["level"]) for h in headings] == \
        [(t["title"], t["level"]) for t in typed]
    assert [h["key"] for h in headings][:6] == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    top = parse_blocks(read_document(data, "x.docx", max_bytes=LIMIT).blocks)
    section = next(s for s in walk(top) if s.key == "3.4.1")
    assert section.title == "Bảo hiểm y tế"


@pytest.mark.parametrize("target", ["doc", "odt", "rtf"])
def test_legacy_and_open_formats_are_converted_and_split_alike(auto_plan, work, target):
    data = converted(auto_plan, target, work)
    assert outline_of(data, f"ke-hoach.{target}") == expected(PLAN)


def test_a_doc_named_docx_is_read_by_its_content(auto_plan, work):
    data = converted(auto_plan, "doc", work)
    reading = read_document(data, "ke-hoach.docx", max_bytes=LIMIT)
    assert reading.kind == "doc" and flat(parse_blocks(reading.blocks)) == expected(PLAN)


def test_a_pdf_saved_from_word_splits_like_the_document(text_pdf):
    reading = read_document(text_pdf, "ke-hoach.pdf", max_bytes=LIMIT)
    assert reading.kind == "pdf" and not reading.recognised
    assert flat(parse_blocks(reading.blocks)) == expected(PLAN)
    header = parse_blocks(reading.blocks)[0]
    assert header.kind == "header" and "ĐẢNG BỘ XÃ CAO MINH" in header.text


def test_a_scanned_pdf_is_recognised_to_the_outline_of_its_twin(text_pdf):
    scan = scanned_pdf(text_pdf, dpi=150)
    reading = read_document(scan, "ban-quet.pdf", max_bytes=LIMIT)
    assert reading.kind == "scan" and reading.recognised
    assert len(reading.page_images) == 6
    got = {row["key"]: row for row in flat(parse_blocks(reading.blocks))}
    want = expected(PLAN)
    found = [row for row in want if row["key"] in got]
    assert len(found) / len(want) >= 0.95, sorted(set(r["key"] for r in want) - set(got))
    similarity = [difflib.SequenceMatcher(None, row["title"], got[row["key"]]["title"]).ratio()
                  for row in found if row["title"]]
    assert sum(similarity) / len(similarity) >= 0.9


def test_a_photographed_page_is_read_too(text_pdf):
    reading = read_document(page_image(text_pdf, dpi=200), "trang-1.jpg", max_bytes=LIMIT)
    assert reading.kind == "scan"
    keys = [row["key"] for row in flat(parse_blocks(reading.blocks))]
    assert keys[:4] == ["title", "preamble", "I", "I.1"]


def test_a_web_page_saved_as_doc_by_an_e_office_system_is_converted():
    lines = (FIXTURES / "samples" / f"{LEGAL}.txt").read_text().splitlines()
    html = ("<html><head><meta charset='utf-8'><title>Dự thảo</title></head><body>"
            + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>").encode()
    assert outline_of(html, "du-thao-quy-che.doc") == expected(LEGAL)
