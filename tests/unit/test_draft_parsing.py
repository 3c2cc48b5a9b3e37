"""Parser rules on small made-up drafts: legal numbering, bullets, footnotes, tables, text."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commentflow.drafts.parsing import Block, clean_line, parse_blocks, walk
from commentflow.drafts.reading import text_blocks

LEGAL = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
QUYẾT ĐỊNH
Ban hành Quy chế làm việc
Căn cứ Luật Tổ chức chính quyền địa phương;
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định về …
Điều 2. Nguyên tắc làm việc
1. Làm việc theo chế độ tập thể.
2. Bảo đảm các nguyên tắc sau:
a) Công khai;
b) Minh bạch;
đ) Trách nhiệm.
Chương II
TRÁCH NHIỆM
Mục 1. THÀNH VIÊN
Điều 3. Trách nhiệm của Chủ tịch
Chủ tịch chịu trách nhiệm chung.
Điều 5a. Điều bổ sung
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
"""


def keys(text: str) -> list[str]:
    return [s.key for s in walk(parse_blocks(text_blocks(text)))]


def test_legal_numbering():
    top = parse_blocks(text_blocks(LEGAL))
    sections = {s.key: s for s in walk(top)}
    assert keys(LEGAL) == ["header", "title", "preamble", "CI", "D1", "D2", "D2.1", "D2.2",
                           "D2.2.a", "D2.2.b", "D2.2.đ", "CII", "CII.M1", "D3", "D5a",
                           "closing"]
    assert sections["title"].title == "QUYẾT ĐỊNH Ban hành Quy chế làm việc"
    assert (sections["CI"].number, sections["CI"].title) == ("Chương I", "QUY ĐỊNH CHUNG")
    assert (sections["D2"].number, sections["D2"].title) == ("Điều 2.", "Nguyên tắc làm việc")
    assert sections["D2.1"].kind == "clause" and sections["D2.2.đ"].kind == "point"
    assert sections["D3"].level == 3  # Chương II › Mục 1 › Điều 3
    assert not sections["closing"].commentable


def test_bullets_and_plain_paragraphs_stay_in_their_section():
    top = parse_blocks(text_blocks("I. MỤC TIÊU\n1. Chung\n- Một;\n+ Hai;\nĐoạn thêm.\n"))
    item = top[0].children[0]
    assert item.text == "- Một;\n+ Hai;\nĐoạn thêm."


def test_footnotes_are_not_sections():
    top = parse_blocks(text_blocks("I. CĂN CỨ\nNội dung¹.\n¹. Theo Nghị định 30.\n"))
    assert [s.key for s in walk(top)] == ["I"]
    assert top[0].text.endswith("¹. Theo Nghị định 30.")


def test_thousands_are_not_mistaken_for_numbering():
    top = parse_blocks(text_blocks("I. SỐ LIỆU\n1.250 cán bộ được tập huấn.\n"))
    assert [s.key for s in walk(top)] == ["I"]


def test_an_ordinary_table_is_text_of_its_section():
    blocks = [Block(text="I. CHỈ TIÊU"), Block(rows=[["Chỉ tiêu", "2026"], ["Bác sĩ", "17,5"]])]
    top = parse_blocks(blocks)
    assert top[0].text == "Chỉ tiêu\n2026\nBác sĩ\n17,5"


def test_annex_with_roman_groups():
    blocks = [Block(text="PHỤ LỤC I"), Block(text="DANH MỤC NHIỆM VỤ"),
              Block(rows=[["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"],
                          ["I", "Nhiệm vụ chung", "", ""],
                          ["1", "Tuyên truyền", "Sở TTTT", "2026"],
                          ["a", "Báo chí", "Sở TTTT", "Quý I"]])]
    sections = {s.key: s for s in walk(parse_blocks(blocks))}
    assert list(sections) == ["PLI", "PLI.I", "PLI.I.1", "PLI.I.1.a"]
    assert sections["PLI"].title == "DANH MỤC NHIỆM VỤ"
    assert sections["PLI.I.1.a"].fields == {"lead": "Sở TTTT", "due": "Quý I"}


def test_clean_line():
    assert clean_line("### **III. NHIỆM VỤ**") == "III. NHIỆM VỤ"
    assert clean_line("<p>Đổi mới</p> chính sách") == "Đổi mới chính sách"
    assert clean_line("\u00d0ề án") == "Đề án"
    assert clean_line("-----") == ""


# ---------------------------------------------------------------- properties

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
LINES = st.lists(st.one_of(
    st.sampled_from(["I. MỤC ĐÍCH", "1. Mục đích", "2.1. Tiêu chí", "a) điểm", "đ) điểm",
                     "Điều 3. Phạm vi", "Chương II", "PHỤ LỤC", "Nơi nhận:", "KT. CHỦ TỊCH",
                     "KẾ HOẠCH", "- gạch đầu dòng", "tiếp dòng trên", "Căn cứ Luật", "¹. chú"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60),
), max_size=40)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_parser_never_raises_on_arbitrary_text(text):
    parse_blocks(text_blocks(text))


def _letters(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_every_character_of_the_body_lands_in_exactly_one_section(lines):
    text = "\n".join(line.replace("\t", " ").replace("|", " ") for line in lines)
    expected = _letters("".join(clean_line(line) for line in text.split("\n")))
    sections = list(walk(parse_blocks(text_blocks(text))))
    found = "".join(_letters(s.number + s.title + s.text) for s in sections)
    assert found == expected


def test_a_table_of_contents_with_dot_leaders_is_left_out():
    text = ("KẾ HOẠCH\nThực hiện đề án\nMỤC LỤC\nI. MỤC ĐÍCH, YÊU CẦU ........ 1\n"
            "1. Mục đích ..........1\nII. NHIỆM VỤ …………… 2\nI. MỤC ĐÍCH, YÊU CẦU\n"
            "1. Mục đích\nNội dung mục đích.\nII. NHIỆM VỤ\n1. Nhiệm vụ\nNội dung.")
    keys = [s.key for s in walk(parse_blocks(text_blocks(text)))]
    assert keys == ["title", "I", "I.1", "II", "II.1"]
