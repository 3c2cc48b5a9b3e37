"""edXML packages (QCVN 102:2016/BTTTT, as amended in 2022): a letter with its attachments, or
a status message, written and read. Pure: plain data in, bytes out, and back; the reader
refuses anything it does not fully understand, with a reason code and the detail.

A package is one XML document: <edXML> holding the <edXMLEnvelope> (a header with the
MessageHeader or the Status, a body with the manifest of attachments) and <AttachmentEncoded>
with each attachment in base64, referenced from the manifest by its ContentId. Packages some
adapters write as MIME (multipart/related: the XML, then each attachment as a part with its
Content-ID) are read too; packages are written in the single-document form."""
import base64
import binascii
import email
import email.policy
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
_N = f"{{{NAMESPACE}}}"

#: Status codes of the 2022 amendment used here (received, registered, assigned, done).
RECEIVED, REGISTERED, ASSIGNED, PROCESSING, DONE = "01", "03", "04", "05", "06"
STATUS_CODES = {"01", "02", "03", "04", "05", "06", "13", "15", "16"}

MAX_ATTACHMENTS = 20
_ORGAN_ID = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$")
_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y")


class PackageRefused(ValueError):
    """The package is not one this reader accepts; `reason` is a code, `detail` says where."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass
class Organ:
    organ_id: str  #: the 13-character code of QĐ 20/2020/QĐ-TTg: "000.00.00.G22"
    name: str
    in_charge: str = ""  #: the body above it ("UBND tỉnh An Giang")


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass
class ResponseFor:
    """The letter a reply or a status answers."""

    organ_id: str
    code: str  #: "2159/SYT-TCCB"
    promulgation_date: date
    document_id: str


@dataclass
class Letter:
    sender: Organ
    receivers: list[Organ]
    document_id: str
    code_number: str
    code_notation: str
    place: str
    promulgation_date: date
    type_name: str
    subject: str
    content: str = ""
    signer_name: str = ""
    signer_position: str = ""
    signer_competence: str = ""  #: "KT. GIÁM ĐỐC"
    due_date: date | None = None
    #: 0: none; 1: chỉ đạo (a letter that steers); the national codes, kept as given.
    steering_type: int = 0
    #: 0: thường; 1: khẩn; 2: thượng khẩn; 3: hỏa tốc…
    priority: int = 0
    response_for: ResponseFor | None = None
    attachments: list[Attachment] = field(default_factory=list)
    #: Kept from the package read; written as "1" ("Công văn") when building.
    type_code: str = "1"


@dataclass
class Status:
    response_for: ResponseFor
    sender: Organ
    code: str
    description: str
    #: Local wall-clock time of the sender (the standard's "dd/MM/yyyy HH:mm:ss").
    timestamp: datetime
    staff: str = ""
    department: str = ""


def document_id(organ_id: str, day: date, code: str) -> str:
    """The national exchange's document id: "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"."""
    return f"{organ_id},{day:%Y/%m/%d},{code}"


def is_organ_id(value: str) -> bool:
    return bool(_ORGAN_ID.match(value or ""))


# ---------------------------------------------------------------- writing


def _add(parent, tag: str, text: str | int | None = "") -> etree._Element:
    element = etree.SubElement(parent, _N + tag)
    element.text = "" if text is None else str(text)
    return element


def _organ(parent, tag: str, organ: Organ) -> None:
    node = etree.SubElement(parent, _N + tag)
    _add(node, "OrganId", organ.organ_id)
    _add(node, "OrganInCharge", organ.in_charge)
    _add(node, "OrganName", organ.name)
    for empty in ("OrganAdd", "Email", "Telephone", "Fax", "Website"):
        _add(node, empty)


def _response_for(parent, answer: ResponseFor) -> None:
    node = etree.SubElement(parent, _N + "ResponseFor")
    _add(node, "OrganId", answer.organ_id)
    _add(node, "Code", answer.code)
    _add(node, "PromulgationDate", f"{answer.promulgation_date:%Y/%m/%d}")
    _add(node, "DocumentId", answer.document_id)


def _envelope() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(_N + "edXML", nsmap={None: NAMESPACE, "edXML": NAMESPACE})
    envelope = etree.SubElement(root, _N + "edXMLEnvelope")
    header = etree.SubElement(envelope, _N + "edXMLHeader")
    return root, envelope, header


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_letter(letter: Letter) -> bytes:
    root, envelope, header = _envelope()
    message = etree.SubElement(header, _N + "MessageHeader")
    _organ(message, "From", letter.sender)
    for receiver in letter.receivers:
        _organ(message, "To", receiver)
    _add(message, "DocumentId", letter.document_id)
    code = etree.SubElement(message, _N + "Code")
    _add(code, "CodeNumber", letter.code_number)
    _add(code, "CodeNotation", letter.code_notation)
    promulgation = etree.SubElement(message, _N + "PromulgationInfo")
    _add(promulgation, "Place", letter.place)
    _add(promulgation, "PromulgationDate", f"{letter.promulgation_date:%Y/%m/%d}")
    kind = etree.SubElement(message, _N + "DocumentType")
    _add(kind, "Type", letter.type_code)
    _add(kind, "TypeName", letter.type_name)
    _add(message, "Subject", letter.subject)
    _add(message, "Content", letter.content)
    signer = etree.SubElement(message, _N + "SignerInfo")
    _add(signer, "Competence", letter.signer_competence)
    _add(signer, "Position", letter.signer_position)
    _add(signer, "FullName", letter.signer_name)
    _add(message, "DueDate", f"{letter.due_date:%Y/%m/%d}" if letter.due_date else "")
    etree.SubElement(message, _N + "ToPlaces")
    other = etree.SubElement(message, _N + "OtherInfo")
    _add(other, "Priority", letter.priority)
    _add(other, "PageAmount", 0)
    _add(message, "SteeringType", letter.steering_type)
    if letter.response_for is not None:
        _response_for(message, letter.response_for)
    etree.SubElement(etree.SubElement(header, _N + "TraceHeaderList"), _N + "TraceHeader")
    manifest = etree.SubElement(etree.SubElement(envelope, _N + "edXMLBody"),
                                _N + "edXMLManifest", version="1.0")
    encoded = etree.SubElement(root, _N + "AttachmentEncoded")
    for attachment in letter.attachments:
        content_id = uuid.uuid4().hex
        reference = etree.SubElement(manifest, _N + "Reference")
        _add(reference, "ContentId", "cid:" + content_id)
        _add(reference, "ContentType", attachment.content_type)
        _add(reference, "AttachmentName", attachment.name)
        _add(reference, "Description", attachment.description)
        node = etree.SubElement(encoded, _N + "Attachment")
        _add(node, "ContentId", content_id)
        _add(node, "AttachmentName", attachment.name)
        _add(node, "ContentType", attachment.content_type)
        _add(node, "ContentTransferEncoded", base64.b64encode(attachment.data).decode())
    return _bytes(root)


def build_status(status: Status) -> bytes:
    root, _envelope_node, header = _envelope()
    node = etree.SubElement(header, _N + "Status")
    _response_for(node, status.response_for)
    _organ(node, "From", status.sender)
    _add(node, "StatusCode", status.code)
    _add(node, "Description", status.description)
    _add(node, "Timestamp", f"{status.timestamp:%d/%m/%Y %H:%M:%S}")
    staff = etree.SubElement(node, _N + "StaffInfo")
    _add(staff, "Department", status.department)
    _add(staff, "Staff", status.staff)
    return _bytes(root)


# ---------------------------------------------------------------- reading


def _parse(data: bytes):
    """The root, by a parser that refuses DTDs and entities and reaches no network; huge text
    nodes are allowed (a 20 MB PDF is 27 MB of base64) because the caller bounds the size."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             dtd_validation=False, huge_tree=True, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise PackageRefused("broken", str(error)[:200]) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise PackageRefused("hostile", "DOCTYPE")
    return root


def _child(parent, tag: str, *, required: bool = True):
    node = parent.find(_N + tag) if parent is not None else None
    if node is None and required:
        raise PackageRefused("missing", tag)
    return node


def _text(parent, tag: str, *, required: bool = True, limit: int = 2000) -> str:
    node = _child(parent, tag, required=required)
    value = (node.text or "").strip() if node is not None else ""
    if required and not value:
        raise PackageRefused("missing", tag)
    if len(value) > limit:
        raise PackageRefused("too_long", tag)
    return value


def _date(parent, tag: str, *, required: bool = True) -> date | None:
    value = _text(parent, tag, required=required)
    if not value:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value[:10], pattern).date()
        except ValueError:
            continue
    raise PackageRefused("bad_date", f"{tag}: {value[:40]}")


def _int(parent, tag: str) -> int:
    value = _text(parent, tag, required=False) or "0"
    if not value.isdigit() or len(value) > 3:
        raise PackageRefused("bad_number", f"{tag}: {value[:20]}")
    return int(value)


def _read_organ(node, tag: str) -> Organ:
    organ_id = _text(node, "OrganId", limit=20)
    if not is_organ_id(organ_id):
        raise PackageRefused("bad_organ_id", f"{tag}: {organ_id}")
    return Organ(organ_id, _text(node, "OrganName", required=False, limit=500),
                 _text(node, "OrganInCharge", required=False, limit=500))


def _read_response_for(node) -> ResponseFor | None:
    if node is None:
        return None
    return ResponseFor(_text(node, "OrganId", limit=20), _text(node, "Code", limit=100),
                       _date(node, "PromulgationDate"), _text(node, "DocumentId", limit=200))


def _mime(data: bytes) -> tuple[bytes, dict[str, bytes]] | None:
    """A package sent as MIME (multipart/related, as some exchange adapters write it): the
    XML part, and the other parts by their Content-ID. None when it is plain XML."""
    head = data[:2000].lower()
    if b"content-type:" not in head or b"multipart/" not in head:
        return None
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not message.is_multipart():
        raise PackageRefused("broken", "MIME")
    xml, parts = None, {}
    for part in message.iter_parts():
        payload = part.get_payload(decode=True) or b""
        content_id = (part.get("Content-ID") or "").strip().strip("<>")
        if xml is None and part.get_content_type() in ("text/xml", "application/xml"):
            xml = payload
        elif content_id:
            parts[content_id] = payload
    if xml is None:
        raise PackageRefused("missing", "edXML (MIME)")
    return xml, parts


def _attachments(root, envelope, max_bytes: int,
                 parts: dict[str, bytes] | None = None) -> list[Attachment]:
    manifest = _child(_child(envelope, "edXMLBody", required=False), "edXMLManifest",
                      required=False)
    references = manifest.findall(_N + "Reference") if manifest is not None else []
    encoded = {}
    holder = _child(root, "AttachmentEncoded", required=False)
    for node in holder.findall(_N + "Attachment") if holder is not None else []:
        encoded[_text(node, "ContentId", limit=200)] = node
    if len(references) > MAX_ATTACHMENTS or len(encoded) > MAX_ATTACHMENTS:
        raise PackageRefused("too_many_attachments", str(max(len(references), len(encoded))))
    found, total = [], 0
    for reference in references:
        content_id = _text(reference, "ContentId", limit=200).removeprefix("cid:")
        node = encoded.get(content_id)
        if node is not None:
            try:
                data = base64.b64decode(
                    _text(node, "ContentTransferEncoded", limit=max_bytes * 2), validate=True)
            except (binascii.Error, ValueError):
                raise PackageRefused("bad_attachment", content_id) from None
        elif parts is not None and content_id in parts:
            data = parts[content_id]
        else:
            raise PackageRefused("attachment_missing", content_id)
        total += len(data)
        if total > max_bytes:
            raise PackageRefused("too_big", content_id)
        name = _text(reference, "AttachmentName", limit=255).replace("/", "_").replace("\\", "_")
        found.append(Attachment(name, _text(reference, "ContentType", required=False, limit=200),
                                data, _text(reference, "Description", required=False)))
    return found


def read_package(data: bytes, *, max_bytes: int) -> Letter | Status:
    """The letter or status message of an edXML package, or PackageRefused."""
    if len(data) > max_bytes * 2 + 1_000_000:
        raise PackageRefused("too_big", f"{len(data)} bytes")
    mime = _mime(data)
    parts = None
    if mime is not None:
        data, parts = mime
    root = _parse(data)
    if root.tag != _N + "edXML":
        raise PackageRefused("not_edxml", str(root.tag)[:100])
    envelope = _child(root, "edXMLEnvelope")
    header = _child(envelope, "edXMLHeader")
    status = _child(header, "Status", required=False)
    if status is not None:
        return _read_status(status)
    message = _child(header, "MessageHeader")
    receivers = [_read_organ(node, "To") for node in message.findall(_N + "To")]
    if not receivers:
        raise PackageRefused("missing", "To")
    code, promulgation = _child(message, "Code"), _child(message, "PromulgationInfo")
    signer = _child(message, "SignerInfo", required=False)
    other = _child(message, "OtherInfo", required=False)
    kind = _child(message, "DocumentType", required=False)
    return Letter(
        sender=_read_organ(_child(message, "From"), "From"), receivers=receivers,
        document_id=_text(message, "DocumentId", limit=200),
        code_number=_text(code, "CodeNumber", limit=20),
        code_notation=_text(code, "CodeNotation", limit=60),
        place=_text(promulgation, "Place", required=False, limit=100),
        promulgation_date=_date(promulgation, "PromulgationDate"),
        type_code=_text(kind, "Type", required=False, limit=10),
        type_name=_text(kind, "TypeName", required=False, limit=100),
        subject=_text(message, "Subject", limit=500),
        content=_text(message, "Content", required=False, limit=20000),
        signer_name=_text(signer, "FullName", required=False, limit=160),
        signer_position=_text(signer, "Position", required=False, limit=120),
        signer_competence=_text(signer, "Competence", required=False, limit=120),
        due_date=_date(message, "DueDate", required=False),
        steering_type=_int(message, "SteeringType"), priority=_int(other, "Priority"),
        response_for=_read_response_for(_child(message, "ResponseFor", required=False)),
        attachments=_attachments(root, envelope, max_bytes, parts))


def _read_status(node) -> Status:
    answer = _read_response_for(_child(node, "ResponseFor"))
    code = _text(node, "StatusCode", limit=2)
    if code not in STATUS_CODES:
        raise PackageRefused("bad_status", code)
    stamp = _text(node, "Timestamp", limit=40)
    for pattern in ("%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        try:
            moment = datetime.strptime(stamp[:19], pattern)
            break
        except ValueError:
            continue
    else:
        raise PackageRefused("bad_date", f"Timestamp: {stamp[:40]}")
    staff = _child(node, "StaffInfo", required=False)
    return Status(answer, _read_organ(_child(node, "From"), "From"), code,
                  _text(node, "Description", required=False, limit=1000), moment,
                  _text(staff, "Staff", required=False, limit=160),
                  _text(staff, "Department", required=False, limit=255))
