"""Word's automatic numbering, tracked changes and comments read as Word shows them."""
import io
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml

from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import read_document
from commentflow.drafts.word_numbering import formatted, letter, roman

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LIMIT = 10_000_000


def _lvl(ilvl, fmt, text, start=1, extra=""):
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'{extra}<w:lvlText w:val="{text}"/></w:lvl>')


def _docx(numbering: str, paragraphs, *, styles: str = "") -> bytes:
    """paragraphs: (text, numId or None, ilvl or None, style or None)."""
    document = Document()
    part = document.part.numbering_part
    part._element = parse_xml(f"<w:numbering {W}>{numbering}</w:numbering>")
    for xml in filter(None, styles.split("\n")):
        document.styles.element.append(parse_xml(xml))
    for text, num_id, ilvl, style in paragraphs:
        paragraph = document.add_paragraph(text)
        if style:
            paragraph._p.get_or_add_pPr().style = style
        if num_id is not None:
            numpr = parse_xml(f"<w:numPr {W}>"
                              + (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "")
                              + f'<w:numId w:val="{num_id}"/></w:numPr>')
            paragraph._p.get_or_add_pPr().append(numpr)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _texts(data: bytes) -> list[str]:
    return [b.text for b in read_document(data, "x.docx", max_bytes=LIMIT).blocks if b.text]


PLAN = ('<w:abstractNum w:abstractNumId="0">' + _lvl(0, "upperRoman", "%1.")
        + _lvl(1, "decimal", "%2.") + _lvl(2, "decimal", "%2.%3.") + _lvl(3, "lowerLetter", "%4)")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')


def test_formats_as_word_writes_them():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1999)] == ["I", "IV", "IX", "XIV", "XL",
                                                           "MCMXCIX"]
    assert [letter(n) for n in (1, 4, 5, 26, 27, 28)] == ["a", "d", "e", "z", "aa", "bb"]
    assert formatted(3, "upperLetter") == "C" and formatted(7, "decimalZero") == "07"
    assert formatted(3, "lowerRoman") == "iii" and formatted(3, "none") == ""


def test_multi_level_plan_numbers_and_restarts_deeper_levels():
    data = _docx(PLAN, [("MỤC ĐÍCH", 1, 0, None), ("Mục đích", 1, 1, None),
                        ("Chỉ tiêu", 1, 2, None), ("Chỉ tiêu khác", 1, 2, None),
                        ("Yêu cầu", 1, 1, None), ("điểm một", 1, 3, None),
                        ("điểm hai", 1, 3, None), ("NHIỆM VỤ", 1, 0, None),
                        ("Nhiệm vụ một", 1, 1, None), ("Chỉ tiêu", 1, 2, None)])
    assert _texts(data) == ["I. MỤC ĐÍCH", "1. Mục đích", "1.1. Chỉ tiêu", "1.2. Chỉ tiêu khác",
                            "2. Yêu cầu", "a) điểm một", "b) điểm hai", "II. NHIỆM VỤ",
                            "1. Nhiệm vụ một", "1.1. Chỉ tiêu"]


def test_a_new_num_shares_its_abstract_list_unless_it_overrides_the_start():
    numbering = PLAN + ('<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>'
                        '<w:num w:numId="3"><w:abstractNumId w:val="0"/>'
                        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>'
                        '</w:num>')
    data = _docx(numbering, [("A", 1, 0, None), ("B", 2, 0, None), ("C", 3, 0, None),
                             ("D", 3, 0, None)])
    assert _texts(data) == ["I. A", "II. B", "V. C", "VI. D"]


def test_level_restart_zero_keeps_articles_running_through_chapters():
    legal = ('<w:abstractNum w:abstractNumId="0">' + _lvl(0, "upperRoman", "Chương %1")
             + _lvl(1, "decimal", "Điều %2.", extra='<w:lvlRestart w:val="0"/>')
             + _lvl(2, "decimal", "%3.") + _lvl(3, "lowerLetter", "%4)")
             + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    paragraphs = [("", 1, 0, None), ("QUY ĐỊNH CHUNG", None, None, None),
                  ("Phạm vi", 1, 1, None), ("Đối tượng", 1, 1, None), ("", 1, 0, None),
                  ("Trách nhiệm", 1, 1, None), ("Sở", 1, 2, None)]
    paragraphs += [(f"điểm {n}", 1, 3, None) for n in range(1, 7)]
    assert _texts(_docx(legal, paragraphs)) == [
        "Chương I", "QUY ĐỊNH CHUNG", "Điều 1. Phạm vi", "Điều 2. Đối tượng", "Chương II",
        "Điều 3. Trách nhiệm", "1. Sở", "a) điểm 1", "b) điểm 2", "c) điểm 3", "d) điểm 4",
        "e) điểm 5", "f) điểm 6"]  # Word's letters: no "đ" (kept as Word shows it)


def test_numbering_from_a_style_through_its_based_on_chain():
    styles = (f'<w:style {W} w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
              '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
              '<w:outlineLvl w:val="0"/></w:pPr></w:style>\n'
              f'<w:style {W} w:type="paragraph" w:styleId="MucLon"><w:name w:val="Muc lon"/>'
              '<w:basedOn w:val="Heading1"/></w:style>\n'
              f'<w:style {W} w:type="paragraph" w:styleId="Muc"><w:name w:val="Muc"/>'
              '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>')
    numbering = PLAN.replace(_lvl(1, "decimal", "%2."),
                             _lvl(1, "decimal", "%2.", extra='<w:pStyle w:val="Muc"/>'))
    data = _docx(numbering, [("MỤC ĐÍCH", None, None, "Heading1"), ("Mục đích", None, None, "Muc"),
                             ("YÊU CẦU", None, None, "MucLon"), ("Không số", 0, None, "Muc")],
                 styles=styles)
    blocks = read_document(data, "x.docx", max_bytes=LIMIT).blocks
    assert [b.text for b in blocks] == ["I. MỤC ĐÍCH", "1. Mục đích", "II. YÊU CẦU", "Không số"]
    assert [b.heading for b in blocks] == [1, None, 1, None]  # numId 0 takes numbering away


def test_legal_numbering_shows_every_level_in_decimal():
    numbering = ('<w:abstractNum w:abstractNumId="0">' + _lvl(0, "upperRoman", "%1.")
                 + _lvl(1, "decimal", "%1.%2.", extra='<w:isLgl/>')
                 + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    data = _docx(numbering, [("A", 1, 0, None), ("B", 1, 0, None), ("b1", 1, 1, None)])
    assert _texts(data) == ["I. A", "II. B", "2.1. b1"]


def test_bullets_become_the_dashes_typed_drafts_use():
    numbering = ('<w:abstractNum w:abstractNumId="0">' + _lvl(0, "bullet", "\uf0b7")
                 + _lvl(1, "bullet", "o") + _lvl(2, "bullet", "-")
                 + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>')
    data = _docx(numbering, [("ý một", 1, 0, None), ("ý phụ", 1, 1, None), ("ý nữa", 1, 2, None)])
    assert _texts(data) == ["- ý một", "+ ý phụ", "- ý nữa"]


def _with_revisions(document_xml_body: str, comments: bool = False) -> bytes:
    document = Document()
    body = document.element.body
    for child in parse_xml(f"<w:body {W}>{document_xml_body}</w:body>"):
        body.insert(len(body) - 1, child)
    if comments:
        document.add_comment(document.paragraphs[0].runs, text="Xem lại", author="Chuyên viên")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_tracked_changes_are_read_as_accept_all_and_counted():
    data = _with_revisions(
        '<w:p><w:r><w:t xml:space="preserve">1. Thời hạn góp ý </w:t></w:r>'
        '<w:del w:id="1" w:author="A"><w:r><w:delText>10</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t>15</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> ngày.</w:t></w:r></w:p>'
        # a paragraph whose mark was deleted joins the next one
        '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="A"/></w:rPr></w:pPr>'
        '<w:r><w:t xml:space="preserve">2. Cơ quan chủ trì </w:t></w:r></w:p>'
        '<w:p><w:r><w:t>tổng hợp ý kiến.</w:t></w:r></w:p>'
        '<w:p><w:moveFrom w:id="4" w:author="A"><w:r><w:t>Đoạn đã chuyển đi.</w:t></w:r>'
        '</w:moveFrom></w:p>', comments=True)
    reading = read_document(data, "x.docx", max_bytes=LIMIT)
    assert [b.text for b in reading.blocks if b.text] == [
        "1. Thời hạn góp ý 15 ngày.", "2. Cơ quan chủ trì tổng hợp ý kiến."]
    # a deletion, an insertion and a move (the deleted paragraph mark is part of the change)
    assert any("3 thay đổi chưa chấp nhận" in note for note in reading.notes)
    assert any("1 nhận xét bên lề" in note for note in reading.notes)
    assert all("Xem lại" not in b.text for b in reading.blocks)  # the comment is not text


def test_a_table_of_contents_and_hidden_text_are_not_part_of_the_draft():
    plan = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
        "ke-hoach-cao-minh-2026.docx"
    document = Document(str(plan))
    body = document.element.body
    first = body[0]
    first.addprevious(parse_xml(
        f'<w:sdt {W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        '</w:docPartObj></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>MỤC LỤC</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>I. MỤC ĐÍCH, YÊU CẦU</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'))
    first.addprevious(parse_xml(  # a TOC typed as styled paragraphs, outside any control
        f'<w:p {W}><w:pPr><w:pStyle w:val="TOC2"/></w:pPr><w:r><w:t>1. Mục đích</w:t></w:r>'
        '<w:r><w:tab/><w:t>2</w:t></w:r></w:p>'))
    target = next(p for p in document.paragraphs if p.text.startswith("1. Mục đích"))
    target._p.append(parse_xml(f'<w:r {W}><w:rPr><w:vanish/></w:rPr><w:t> (ghi chú ẩn)</w:t>'
                               '</w:r>'))
    buffer = io.BytesIO()
    document.save(buffer)
    read = parse_blocks(read_document(buffer.getvalue(), "x.docx", max_bytes=LIMIT).blocks)
    typed = parse_blocks(read_document(plan.read_bytes(), "x.docx", max_bytes=LIMIT).blocks)
    assert [(s.key, s.title) for s in walk(read)] == [(s.key, s.title) for s in walk(typed)]
    assert all("ghi chú ẩn" not in s.text + s.title for s in walk(read))
