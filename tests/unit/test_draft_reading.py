"""Broken and hostile draft files are refused with a clear message; good ones are read."""
import io
import zipfile

import pytest
from docx import Document

from commentflow.core.errors import ValidationFailed
from commentflow.drafts.reading import read_draft

LIMIT = 20 * 1024 * 1024


def _docx(*paragraphs: str, font: str | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        run = document.add_paragraph().add_run(text)
        if font:
            run.font.name = font
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member
                            else content)
    return out.getvalue()


def test_a_good_docx_is_read_into_paragraphs():
    blocks = read_draft(_docx("I. MỤC ĐÍCH", "1. Mục đích"), "du-thao.docx", max_bytes=LIMIT)
    assert [b.text for b in blocks] == ["I. MỤC ĐÍCH", "1. Mục đích"]


@pytest.mark.parametrize("data, name, message", [
    (b"", "du-thao.docx", "rỗng"),
    (b"Day la van ban", "du-thao.docx", "không đúng với phần mở rộng"),
    (b"PK\x03\x04" + b"\x00" * 200, "du-thao.docx", "hỏng"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 500, "du-thao.docx", "mật khẩu"),
    (b"%PDF-1.7 ...", "du-thao.txt", "không đúng với phần mở rộng"),
    (b"I. MUC DICH", "du-thao.doc", "không đúng với phần mở rộng"),
    (b"I. MUC DICH", "du-thao.exe", "Chỉ nhận dự thảo"),
    ("I. MỤC ĐÍCH".encode("utf-16-le"), "du-thao.txt", "không đúng với phần mở rộng"),
    ("Điều 1. Phạm vi".encode("cp1258", errors="replace") + b"\xff\xfe\xfa", "du-thao.txt",
     "UTF-8"),
])
def test_broken_or_disguised_files_are_refused(data, name, message):
    with pytest.raises(ValidationFailed, match=message):
        read_draft(data, name, max_bytes=LIMIT)


def test_utf16_text_with_a_byte_order_mark_is_read():
    data = "I. MỤC ĐÍCH\n1. Mục đích".encode("utf-16")  # with its byte order mark
    assert [b.text for b in read_draft(data, "x.txt", max_bytes=LIMIT)] == \
        ["I. MỤC ĐÍCH", "1. Mục đích"]


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(ValidationFailed, match="quá lớn"):
        read_draft(b"x" * 2000, "du-thao.txt", max_bytes=1000)


def test_a_zip_that_is_no_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(ValidationFailed, match="không phải văn bản Word"):
        read_draft(buffer.getvalue(), "du-thao.docx", max_bytes=LIMIT)


def test_zip_bomb_is_refused():
    bomb = _rewrite(_docx("I. A"), "word/document.xml",
                    lambda xml: xml + b" " * (60 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="nén quá mức"):
        read_draft(bomb, "du-thao.docx", max_bytes=LIMIT)


@pytest.mark.parametrize("declaration", [
    b'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
])
def test_xml_entity_tricks_are_refused(declaration):
    def inject(xml: bytes) -> bytes:
        head, _, rest = xml.partition(b"?>")
        return head + b"?>" + declaration + rest

    hostile = _rewrite(_docx("I. A"), "word/document.xml", inject)
    with pytest.raises(ValidationFailed, match="khai báo XML"):
        read_draft(hostile, "du-thao.docx", max_bytes=LIMIT)


def test_docx_in_a_legacy_tcvn3_font_is_refused():
    legacy = _docx("I. MôC §ÝCH", font=".VnTime")
    with pytest.raises(ValidationFailed, match="TCVN3/VNI"):
        read_draft(legacy, "du-thao.docx", max_bytes=LIMIT)


def test_text_typed_in_tcvn3_is_refused():
    tcvn3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam. §iÒu 1. Ph¹m vi ®iÒu chØnh cña quy ®Þnh nµy."
    with pytest.raises(ValidationFailed, match="TCVN3"):
        read_draft(tcvn3.encode(), "du-thao.txt", max_bytes=LIMIT)


def test_text_typed_in_vni_is_refused():
    vni = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñieàu 1. Phaïm vi ñieàu chænh cuûa quy ñònh."
    with pytest.raises(ValidationFailed, match="VNI"):
        read_draft(vni.encode(), "du-thao.txt", max_bytes=LIMIT)
