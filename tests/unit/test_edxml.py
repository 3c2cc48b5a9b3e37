"""edXML packages written and read back, and every hostile or malformed package refused with
its reason (no app, no database)."""
from datetime import date, datetime
from email.message import EmailMessage

import pytest

from commentflow.exchange import edxml

SYT, XA = "000.00.01.H01", "000.00.20.H01"


def letter(**overrides) -> edxml.Letter:
    values = dict(
        sender=edxml.Organ(SYT, "Sở Y tế", "UBND tỉnh An Giang"),
        receivers=[edxml.Organ(XA, "UBND xã Mỹ Hòa Hưng")],
        document_id=edxml.document_id(SYT, date(2024, 7, 2), "2159/SYT-TCCB"),
        code_number="2159", code_notation="SYT-TCCB", place="An Giang",
        promulgation_date=date(2024, 7, 2), type_name="Công văn",
        subject="V/v góp ý dự thảo Kế hoạch", content="Sở Y tế đề nghị…",
        signer_name="Hồ Văn Dũng", signer_position="PHÓ GIÁM ĐỐC",
        signer_competence="KT. GIÁM ĐỐC", due_date=date(2024, 7, 9), priority=1,
        attachments=[edxml.Attachment("du-thao.docx", "application/msword", b"PK\x03\x04x",
                                      "Dự thảo")])
    values.update(overrides)
    return edxml.Letter(**values)


def test_a_letter_reads_back_as_written():
    reply_to = edxml.ResponseFor(SYT, "2159/SYT-TCCB", date(2024, 7, 2),
                                 f"{SYT},2024/07/02,2159/SYT-TCCB")
    written = letter(response_for=reply_to)
    read = edxml.read_package(edxml.build_letter(written), max_bytes=10**6)
    assert read == written
    assert read.document_id == "000.00.01.H01,2024/07/02,2159/SYT-TCCB"


def test_a_status_reads_back_as_written():
    status = edxml.Status(edxml.ResponseFor(SYT, "2159/SYT-TCCB", date(2024, 7, 2), "x"),
                          edxml.Organ(XA, "UBND xã"), edxml.REGISTERED, "Đã vào sổ",
                          datetime(2024, 7, 3, 8, 30), "Nguyễn Văn Thư", "Văn thư")
    assert edxml.read_package(edxml.build_status(status), max_bytes=10**6) == status


def test_a_large_attachment_travels_whole():
    data = bytes(range(256)) * 40_000  # 10 MB: 13.6 MB of base64 in one text node
    read = edxml.read_package(edxml.build_letter(letter(attachments=[
        edxml.Attachment("ban-ky.pdf", "application/pdf", data)])), max_bytes=20 * 10**6)
    assert read.attachments[0].data == data


def _refused(data: bytes, reason: str, max_bytes: int = 10**6) -> str:
    with pytest.raises(edxml.PackageRefused) as refused:
        edxml.read_package(data, max_bytes=max_bytes)
    assert refused.value.reason == reason
    return refused.value.detail


def _swap(old: bytes, new: bytes, **overrides) -> bytes:
    package = edxml.build_letter(letter(**overrides))
    assert old in package
    return package.replace(old, new, 1)


def test_hostile_xml_is_refused_by_the_parser():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><edXML>&c;</edXML>')
    assert _refused(bomb, "hostile") == "DOCTYPE"
    external = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM '
                b'"file:///etc/passwd">]><edXML>&x;</edXML>')
    assert "root:" not in _refused(external, "hostile")
    _refused(b"<edXML><unclosed></edXML>", "broken")
    _refused(b"\xff\xfe garbage", "broken")
    _refused(b'<Envelope xmlns="urn:x"/>', "not_edxml")


def test_malformed_packages_say_what_is_wrong():
    assert _refused(edxml.build_letter(letter(subject="")), "missing") == "Subject"
    assert _refused(_swap(f"<OrganId>{XA}".encode(), b"<OrganId>G22"),
                    "bad_organ_id") == "To: G22"
    assert _refused(_swap(b"2024/07/02</PromulgationDate>", b"02-07-24</PromulgationDate>"),
                    "bad_date").startswith("PromulgationDate")
    _refused(_swap(b"<ContentTransferEncoded>", b"<ContentTransferEncoded>@@"),
             "bad_attachment")
    package = edxml.build_letter(letter())
    start = package.index(b"<AttachmentEncoded>")
    end = package.index(b"</AttachmentEncoded>") + len(b"</AttachmentEncoded>")
    _refused(package[:start] + package[end:], "attachment_missing")
    many = [edxml.Attachment(f"{n}.pdf", "application/pdf", b"%PDF") for n in range(21)]
    _refused(edxml.build_letter(letter(attachments=many)), "too_many_attachments")
    big = [edxml.Attachment("a.pdf", "application/pdf", b"x" * 600_000)] * 2
    _refused(edxml.build_letter(letter(attachments=big)), "too_big")
    status = edxml.build_status(edxml.Status(
        edxml.ResponseFor(SYT, "1/X", date(2024, 7, 2), "x"), edxml.Organ(XA, "X"), "99", "",
        datetime(2024, 7, 3)))
    _refused(status, "bad_status")


def test_attachment_names_cannot_climb_out_of_a_folder():
    read = edxml.read_package(edxml.build_letter(letter(attachments=[
        edxml.Attachment("../../etc/cron.d/x", "text/plain", b"x")])), max_bytes=10**6)
    assert "/" not in read.attachments[0].name
    assert read.attachments[0].data == b"x"


def test_a_mime_package_reads_like_the_xml_one():
    """Some exchange adapters write the envelope and each attachment as MIME parts."""
    written = letter(attachments=[])
    message = EmailMessage()
    message["Content-Type"] = "multipart/related"
    xml = edxml.build_letter(written).replace(
        b"<edXMLManifest version=\"1.0\"/>",
        b'<edXMLManifest version="1.0"><Reference><ContentId>cid:du-thao@x</ContentId>'
        b"<ContentType>application/pdf</ContentType><AttachmentName>du-thao.pdf"
        b"</AttachmentName><Description>D\xe1\xbb\xb1 th\xe1\xba\xa3o</Description>"
        b"</Reference></edXMLManifest>")
    assert b"cid:du-thao@x" in xml
    message.add_related(xml, maintype="text", subtype="xml", disposition="inline")
    message.add_related(b"%PDF-1.7 du thao", maintype="application", subtype="pdf",
                        cid="<du-thao@x>")
    read = edxml.read_package(message.as_bytes(), max_bytes=10**6)
    assert read.subject == written.subject
    assert [(a.name, a.data) for a in read.attachments] == [("du-thao.pdf", b"%PDF-1.7 du thao")]
    missing = message.as_bytes().replace(b"<du-thao@x>", b"<khac@x>")
    _refused(missing, "attachment_missing")
