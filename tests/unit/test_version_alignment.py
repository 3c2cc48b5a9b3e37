"""Two versions of a draft: sections paired (unchanged, edited, renumbered, moved, split,
merged, added, removed), and a redline .docx whose Accept All gives the new version's text
and Reject All the old one's (issue 15)."""
import copy
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from commentflow.drafts.alignment import align
from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import read_document, text_blocks
from commentflow.drafts.redline import redline, section_lines

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
KIEN_GIANG = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
    "du-thao-ke-hoach-218-kien-giang.txt"

OLD = """KẾ HOẠCH
Triển khai thực hiện
Căn cứ Luật Tổ chức chính quyền địa phương;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
a) Triển khai thực hiện hiệu quả Nghị quyết về y tế cơ sở;
b) Xác định cụ thể các nội dung công việc, thời hạn và trách nhiệm.
2. Yêu cầu
a) Bám sát mục tiêu, nhiệm vụ của Nghị quyết để triển khai các giải pháp;
b) Gắn nhiệm vụ với trách nhiệm của các sở, ngành, địa phương;
c) Bảo đảm sự phối hợp thường xuyên giữa các cơ quan.
II. NHIỆM VỤ
1. Tổ chức quán triệt, tuyên truyền sâu rộng đến các cấp, các ngành.
2. Rà soát văn bản quy phạm pháp luật về y tế cơ sở và đề xuất sửa đổi, bổ sung. Tổng hợp \
vướng mắc và báo cáo Ủy ban nhân dân tỉnh trước ngày 30 tháng 6.
3. Tăng cường khả năng cung ứng dịch vụ y tế cơ sở.
4. Bảo đảm kinh phí cho y tế dự phòng.
5. Đào tạo nhân lực y tế cho tuyến xã.
6. Ứng dụng công nghệ thông tin trong quản lý bệnh nhân.
"""
NEW = """KẾ HOẠCH
Triển khai thực hiện
Căn cứ Luật Tổ chức chính quyền địa phương;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
a) Triển khai thực hiện hiệu quả Nghị quyết về y tế cơ sở và y tế dự phòng;
b) Xác định cụ thể các nội dung công việc, thời hạn và trách nhiệm.
c) Bảo đảm sự phối hợp thường xuyên giữa các cơ quan.
2. Yêu cầu
a) Bám sát mục tiêu, nhiệm vụ của Nghị quyết để triển khai các giải pháp;
b) Gắn nhiệm vụ với trách nhiệm của các sở, ngành, địa phương;
II. NHIỆM VỤ
1. Ban hành kế hoạch chi tiết trong tháng đầu tiên.
2. Tổ chức quán triệt, tuyên truyền sâu rộng đến các cấp, các ngành.
3. Rà soát văn bản quy phạm pháp luật về y tế cơ sở và đề xuất sửa đổi, bổ sung.
4. Tổng hợp vướng mắc và báo cáo Ủy ban nhân dân tỉnh trước ngày 30 tháng 6.
5. Tăng cường khả năng cung ứng dịch vụ y tế cơ sở. Bảo đảm kinh phí cho y tế dự phòng.
6. Ứng dụng công nghệ thông tin trong quản lý bệnh nhân.
"""


def tree(text: str):
    return parse_blocks(text_blocks(text))


def test_every_kind_of_change_is_told_apart():
    rows = [(p.old.key if p.old else None, p.new.key if p.new else None, p.change)
            for p in align(tree(OLD), tree(NEW))]
    assert rows == [
        ("title", "title", "unchanged"), ("preamble", "preamble", "unchanged"),
        ("I", "I", "unchanged"), ("I.1", "I.1", "unchanged"), ("I.1.a", "I.1.a", "edited"),
        ("I.1.b", "I.1.b", "unchanged"), ("I.2.c", "I.1.c", "moved"),
        ("I.2", "I.2", "unchanged"), ("I.2.a", "I.2.a", "unchanged"),
        ("I.2.b", "I.2.b", "unchanged"), ("II", "II", "unchanged"),
        (None, "II.1", "added"),  # inserted at the top: every later number shifts
        ("II.1", "II.2", "renumbered"),
        ("II.2", "II.3", "split"), ("II.2", "II.4", "split"),
        ("II.3", "II.5", "merged"), ("II.4", "II.5", "merged"),
        ("II.5", None, "removed"), ("II.6", "II.6", "unchanged")]


def test_a_long_draft_renumbered_by_one_insertion_is_renumbered_not_edited():
    old = KIEN_GIANG.read_text()
    start, end = old.index("III. NHIỆM VỤ"), old.index("IV. TỔ CHỨC THỰC HIỆN")
    part = re.sub(r"(?m)^(\*\*)?(\d{1,2})\.(\*\*)? ",
                  lambda m: f"{int(m.group(2)) + 1}. ", old[start:end])  # "**7.** " too
    part = part.replace("2. Tổ chức quán triệt", "1. Ban hành kế hoạch chi tiết của từng sở, "
                        "ngành.\n\n2. Tổ chức quán triệt", 1)
    new = old[:start] + part + old[end:]
    pairs = align(tree(old), tree(new))
    changes = {p.change for p in pairs if p.old is not None and p.old.key.startswith("III.")}
    assert changes == {"renumbered"}  # III.1 → III.2 … III.10 → III.11, points with them
    assert [p.new.key for p in pairs if p.change == "added"] == ["III.1"]
    assert next(p for p in pairs if p.old and p.old.key == "III.2.a").new.key == "III.3.a"


def _apply(data: bytes, accept: bool) -> list[str]:
    """Word's Accept All (or Reject All), applied to the document's XML: its paragraphs."""
    root = etree.fromstring(Document(io.BytesIO(data)).element.xml.encode())
    gone = ("del", "moveFrom") if accept else ("ins", "moveTo")
    texts, carry = [], ""
    for p in root.iter(W + "p"):
        mark = p.find(f"{W}pPr/{W}rPr")
        mark_gone = mark is not None and any(mark.find(W + g) is not None for g in gone)
        text = ""
        for run in p.iter(W + "r"):
            if any(a.tag in (W + g for g in gone) for a in run.iterancestors()):
                continue
            text += "".join(t.text or "" for t in run if t.tag in (W + "t", W + "delText"))
        if mark_gone:
            carry += text
            continue
        texts.append(carry + text)
        carry = ""
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _lines(top) -> list[str]:
    return [line for section in walk(top) for line in section_lines(section)]


@pytest.mark.parametrize("old_text, new_text", [
    (OLD, NEW), (NEW, OLD),
    (KIEN_GIANG.read_text(), KIEN_GIANG.read_text().replace("Căn cứ", "Xét", 1)),
])
def test_the_redline_accepts_to_the_new_version_and_rejects_to_the_old(old_text, new_text):
    old, new = tree(old_text), tree(new_text)
    data = redline(align(old, new), title="Dự thảo lần 2", author="Sở Y tế",
                   when=datetime(2026, 12, 1, tzinfo=UTC))
    assert _apply(data, accept=True) == ["Dự thảo lần 2"] + _lines(new)
    assert _apply(data, accept=False) == ["Dự thảo lần 2"] + _lines(old)
    reading = read_document(data, "redline.docx", max_bytes=10**8)  # what Word shows
    assert any("thay đổi chưa chấp nhận" in note for note in reading.notes) or \
        old_text == new_text


def test_annex_rows_reordered_are_renumbered_not_edited():
    path = KIEN_GIANG.with_suffix(".docx")
    old = parse_blocks(read_document(path.read_bytes(), path.name, max_bytes=10**8).blocks)
    new = copy.deepcopy(old)
    rows = {s.key: s for s in walk(new)}
    first, second = rows["PL.2.a"], rows["PL.2.b"]  # Word renumbers: b) is now first
    first.text, second.text = second.text, first.text
    first.fields, second.fields = second.fields, first.fields
    pairs = {(p.old.key if p.old else None): p for p in align(old, new)}
    assert (pairs["PL.2.a"].new.key, pairs["PL.2.a"].change) == ("PL.2.b", "renumbered")
    assert (pairs["PL.2.b"].new.key, pairs["PL.2.b"].change) == ("PL.2.a", "renumbered")
    assert {p.change for p in pairs.values()} == {"unchanged", "renumbered"}


def test_the_kien_giang_draft_revised_every_way_is_aligned_exactly():
    lines = KIEN_GIANG.read_text().split("\n")

    def at(start: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(start))

    edited = at("a) Triển khai thực hiện hiệu quả")
    lines[edited] = lines[edited].replace("thực hiện hiệu quả", "thực hiện đồng bộ, hiệu quả", 1)
    moved = lines.pop(at("c) Bảo đảm sự phối hợp thường xuyên"))  # from I.2 into I.1
    lines.insert(at("b) Xác định cụ thể các nội dung công việc") + 1, "\n" + moved)
    del lines[at("**10.** Các tổ chức, cá nhân"):at("## IV. TỔ CHỨC")]  # III.10 removed
    whole = at("1. Thủ trưởng các Sở, ban, ngành")  # IV.1 split in two
    first, rest = lines[whole].split(" Kịp thời biểu dương", 1)
    lines[whole] = first + "\n\n2. Kịp thời biểu dương" + rest
    lines[at("2. Sở Y tế theo dõi")] = lines[at("2. Sở Y tế theo dõi")].replace("2.", "3.", 1)
    third, fourth = at("3. Sở Thông tin và Truyền thông"), at("4. Đề nghị Ủy ban Mặt trận")
    lines[third] = lines[third].replace("3.", "4.", 1) + " " + lines[fourth][3:]
    lines.pop(fourth)  # IV.3 and IV.4 merged

    old, new = tree(KIEN_GIANG.read_text()), tree("\n".join(lines))
    changes = [(p.old.key if p.old else None, p.new.key if p.new else None, p.change)
               for p in align(old, new) if p.change != "unchanged"]
    assert changes == [
        ("I.1.a", "I.1.a", "edited"), ("I.2.c", "I.1.c", "moved"),
        ("III.10", None, "removed"),
        ("IV.1", "IV.1", "split"), ("IV.1", "IV.2", "split"),
        ("IV.2", "IV.3", "renumbered"),
        ("IV.3", "IV.4", "merged"), ("IV.4", "IV.4", "merged")]
