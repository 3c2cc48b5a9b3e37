"""Use cases of the exchange with e-office systems: a request or a reply as an edXML package,
and an incoming package applied — a request into the inbox, a reply onto the tracker, a status
onto the recipient — through the same services as the pages, acting as the agency's exchange
account. A package that cannot be applied raises; the boundary rolls back and records it."""
import json
from datetime import time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from commentflow.accounts.models import User, UserRole
from commentflow.audit.services import record_event
from commentflow.core.dates import local_to_utc, to_local
from commentflow.core.errors import DomainError, NotFound, ValidationFailed
from commentflow.core.roles import Role
from commentflow.core.text import fold
from commentflow.directory.models import Agency
from commentflow.drafts.services import create_draft
from commentflow.exchange import edxml
from commentflow.exchange.models import Direction, ExchangeMessage, Outcome, PackageKind
from commentflow.exports.letters import build_letter
from commentflow.extensions import db
from commentflow.responses.letters import reply_letter
from commentflow.responses.models import Response, ResponseKind
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds import letters
from commentflow.rounds.models import Round, RoundRecipient, Urgency
from commentflow.rounds.services import RoundData, create_round, open_round
from commentflow.storage.services import store_file

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COMMENTS_FORMAT = "commentflow-comments/1"
_PRIORITY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.VERY_URGENT: 2,
             Urgency.IMMEDIATE: 3}
_DRAFT_EXTENSIONS = (".docx", ".doc", ".odt", ".rtf", ".pdf", ".txt")


class PackageNotApplied(DomainError):
    """The package was read but cannot be applied here (unknown agency, no such request…)."""

    status_code = 422


# ---------------------------------------------------------------- organs and ids


def organ_of(agency: Agency) -> edxml.Organ:
    if not agency.edoc_code:
        raise ValidationFailed(_(
            "%(name)s chưa có mã định danh điện tử (13 ký tự, QĐ 20/2020/QĐ-TTg) trong danh bạ; "
            "hãy bổ sung trước khi gửi qua trục liên thông.", name=agency.name))
    return edxml.Organ(agency.edoc_code, agency.name, agency.parent.name if agency.parent else "")


def request_document_id(round_: Round) -> str:
    """The request's id on the exchange: kept from the package it came in, else made from
    the lead office's code, the letter's date and its number (frozen once the round is sent)."""
    if round_.edxml_document_id:
        return round_.edxml_document_id
    return edxml.document_id(organ_of(round_.agency).organ_id, round_.letter_date,
                             round_.reference)


def _round_for(document_id: str) -> Round:
    round_ = db.session.scalar(select(Round).where(Round.edxml_document_id == document_id))
    if round_ is not None:
        return round_
    organ, _sep, rest = document_id.partition(",")
    day, _sep, reference = rest.partition(",")
    number, _sep, notation = reference.partition("/")
    for candidate in db.session.scalars(select(Round).join(Agency, Agency.id == Round.agency_id)
                                        .where(Agency.edoc_code == organ,
                                               Round.letter_number == number,
                                               Round.letter_notation == notation)):
        if f"{candidate.letter_date:%Y/%m/%d}" == day:
            return candidate
    raise PackageNotApplied(_("Không có đợt lấy ý kiến nào ứng với văn bản %(id)s.",
                              id=document_id))


def _agency_by_organ(organ: edxml.Organ) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.edoc_code == organ.organ_id,
                                                  Agency.is_active.is_(True)))


def exchange_account(agency: Agency, *, now) -> User:
    """The account packages of this agency are applied as: no person, never notified; the
    audit log names it "Liên thông văn bản (edXML)"."""
    username = f"edxml-{agency.id}"
    account = db.session.scalar(select(User).where(User.username == username))
    if account is None:
        account = User(username=username, full_name="Liên thông văn bản (edXML)",
                       agency_id=agency.id, password_hash="!", is_api_client=True,
                       created_at=now, updated_at=now,
                       role_rows=[UserRole(role=Role.LEAD_STAFF)])
        db.session.add(account)
        db.session.flush()
    return account


# ---------------------------------------------------------------- packages written


def _due_date(round_: Round, zone: str):
    """The last day answers are taken: the day before "trước ngày …"."""
    return to_local(round_.deadline_at - timedelta(microseconds=1), zone).date()


def request_package(round_: Round, recipients: list[RoundRecipient], *, zone: str) -> bytes:
    """The request letter for these recipients, with the letter (.docx) and the drafts."""
    if round_.is_draft:
        raise ValidationFailed(_("Đợt lấy ý kiến chưa gửi."))
    letter = letters.request_letter(round_, zone)
    files = [edxml.Attachment(f"cong-van-{round_.reference.replace('/', '-')}.docx", DOCX,
                              build_letter(letter), "Công văn")]
    files += [edxml.Attachment(v.file.filename, v.file.content_type or "", v.file.data,
                               "Dự thảo") for v in round_.versions]
    return edxml.build_letter(edxml.Letter(
        sender=organ_of(round_.agency), receivers=[organ_of(r.agency) for r in recipients],
        document_id=request_document_id(round_), code_number=round_.letter_number,
        code_notation=round_.letter_notation, place=round_.place,
        promulgation_date=round_.letter_date, type_name="Công văn", subject=round_.subject,
        content=round_.body, signer_name=round_.signer_name,
        signer_position=round_.signer_position,
        signer_competence=" ".join(p for p in (round_.signer_authority,
                                               round_.signer_head_title) if p),
        due_date=_due_date(round_, zone), priority=_PRIORITY.get(round_.urgency, 0),
        attachments=files))


def comments_json(response: Response) -> bytes:
    """The answer's comments as data: each beside the stable key of its section."""
    rows = [{"section_key": c.section.key if c.section else None,
             "section_number": c.section.number if c.section else "",
             "text": c.text, "proposed_wording": c.proposed_wording, "reason": c.reason}
            for c in response.comments if c.deleted_at is None]
    return json.dumps({"format": COMMENTS_FORMAT, "kind": response.kind.value,
                       "response_for": request_document_id(response.recipient.round),
                       "comments": rows}, ensure_ascii=False, indent=1).encode()


def reply_package(response: Response) -> bytes:
    """The agency's reply letter to the request, with the signed PDF when there is one, the
    letter as Word, and the comments as data."""
    if not response.is_submitted:
        raise ValidationFailed(_("Chỉ gửi được qua trục liên thông ý kiến đã gửi."))
    recipient = response.recipient
    round_ = recipient.round
    signer = response.submitted_by
    letter = reply_letter(response, signer=signer)
    files = []
    if response.scan is not None:
        files.append(edxml.Attachment(response.scan.filename, "application/pdf",
                                      response.scan.data, "Văn bản trả lời đã ký"))
    files.append(edxml.Attachment(f"cong-van-tra-loi-{response.reference.replace('/', '-')}"
                                  ".docx", DOCX, build_letter(letter), "Văn bản trả lời"))
    files.append(edxml.Attachment("y-kien-gop-y.json", "application/json",
                                  comments_json(response), "Ý kiến góp ý theo từng mục"))
    request = edxml.ResponseFor(organ_of(round_.agency).organ_id, round_.reference,
                                round_.letter_date, request_document_id(round_))
    sender = organ_of(recipient.agency)
    return edxml.build_letter(edxml.Letter(
        sender=sender, receivers=[organ_of(round_.agency)],
        document_id=edxml.document_id(sender.organ_id, response.reply_date, response.reference),
        code_number=response.reply_number, code_notation=response.reply_notation,
        place=letter.place, promulgation_date=response.reply_date, type_name="Công văn",
        subject=letter.subject, content="\n".join(letter.body),
        signer_name=letter.signer_name, signer_position=letter.signer_position,
        signer_competence=" ".join(p for p in (letter.signer_authority,
                                               letter.signer_head_title) if p),
        response_for=request, attachments=files))


def status_package(recipient: RoundRecipient, code: str, description: str, *, now,
                   zone: str) -> bytes:
    round_ = recipient.round
    return edxml.build_status(edxml.Status(
        edxml.ResponseFor(organ_of(round_.agency).organ_id, round_.reference,
                          round_.letter_date, request_document_id(round_)),
        organ_of(recipient.agency), code, description,
        to_local(now, zone).replace(tzinfo=None)))


# ---------------------------------------------------------------- packages received


def _seen(key: str) -> ExchangeMessage | None:
    return db.session.scalar(select(ExchangeMessage).where(ExchangeMessage.dedupe_key == key))


def _record(kind, key, package_id, data, filename, *, now, round_=None, recipient=None,
            response=None, code=None, actor=None) -> ExchangeMessage:
    stored = store_file(data, filename or "goi-tin.edxml", uploaded_by=actor, now=now)
    message = ExchangeMessage(direction=Direction.INCOMING, kind=kind, outcome=Outcome.IMPORTED,
                              dedupe_key=key, document_id=package_id[:200], status_code=code,
                              round_id=round_.id if round_ else None,
                              recipient_id=recipient.id if recipient else None,
                              response_id=response.id if response else None,
                              filename=(filename or "")[:255], file_id=stored.id, created_at=now)
    db.session.add(message)
    db.session.flush()
    return message


def receive_package(data: bytes, filename: str, *, now, zone: str,
                    agency_id: int | None = None) -> ExchangeMessage:
    """Apply one package; raises edxml.PackageRefused or a DomainError with nothing applied.
    With agency_id (a call through the API) the package must concern that agency."""
    package = edxml.read_package(data, max_bytes=current_app.config["EXCHANGE_MAX_BYTES"])
    if isinstance(package, edxml.Status):
        return _receive_status(package, data, filename, now=now, agency_id=agency_id)
    if package.response_for is not None:
        return _receive_reply(package, data, filename, now=now, agency_id=agency_id)
    return _receive_request(package, data, filename, now=now, zone=zone, agency_id=agency_id)


def _recipient_from(round_: Round, organ: edxml.Organ) -> RoundRecipient:
    recipient = next((r for r in round_.recipients if r.agency.edoc_code == organ.organ_id),
                     None)
    if recipient is None:
        raise PackageNotApplied(_("%(organ)s không có trong nơi nhận của văn bản này.",
                                  organ=organ.name or organ.organ_id))
    return recipient


def _check_concerns(agency_id: int | None, *agencies) -> None:
    if agency_id is not None and agency_id not in {a.id for a in agencies if a is not None}:
        raise NotFound(_("Gói tin này không gửi cho cơ quan, đơn vị của khóa API."))


def _answering(request_id: str, sender: edxml.Organ, agency_id: int | None):
    """The round a reply or status answers, and the sender's place among its recipients; a
    call through the API may only bring packages for its own lead office."""
    round_ = _round_for(request_id)
    recipient = _recipient_from(round_, sender)
    _check_concerns(agency_id, round_.agency)
    return round_, recipient


def _receive_status(status: edxml.Status, data, filename, *, now, agency_id):
    key = f"in:status:{status.response_for.document_id}:{status.sender.organ_id}:{status.code}"
    if (seen := _seen(key)) is not None:
        return seen
    round_, recipient = _answering(status.response_for.document_id, status.sender, agency_id)
    recipient.exchange_status, recipient.exchange_status_at = status.code, now
    if status.code == edxml.RECEIVED and recipient.opened_at is None:
        recipient.opened_at = now
    record_event("exchange.status", round_, actor=None, now=now, label=round_.subject,
                 changes={"agency": recipient.agency.name, "status": status.code,
                          "description": status.description})
    return _record(PackageKind.STATUS, key, status.response_for.document_id, data, filename,
                   now=now, round_=round_, recipient=recipient, code=status.code)


def _structured_comments(letter: edxml.Letter, round_: Round) -> tuple[list, str] | None:
    """(comments, kind) from the JSON attachment commentflow writes, if there is one."""
    attachment = next((a for a in letter.attachments if a.content_type == "application/json"
                       or a.name.lower().endswith(".json")), None)
    if attachment is None:
        return None
    try:
        data = json.loads(attachment.data)
        assert data.get("format") == COMMENTS_FORMAT and isinstance(data["comments"], list)
    except (ValueError, AssertionError, KeyError, TypeError, AttributeError):
        raise edxml.PackageRefused("bad_comments", attachment.name) from None
    sections = {s.key: s.id for v in round_.versions for s in v.sections if s.is_commentable}
    comments = []
    for row in data["comments"]:
        key = row.get("section_key") if isinstance(row, dict) else None
        if key is not None and key not in sections:
            raise PackageNotApplied(_("Ý kiến về mục \"%(key)s\" không có trong dự thảo.",
                                      key=str(key)[:60]))
        comments.append(CommentData(str(row.get("text", "")), sections.get(key),
                                    str(row.get("proposed_wording", "")),
                                    str(row.get("reason", ""))))
    return comments, str(data.get("kind", ""))


def _receive_reply(letter: edxml.Letter, data, filename, *, now, agency_id):
    key = f"in:letter:{letter.document_id}"
    if (seen := _seen(key)) is not None:
        return seen
    round_, recipient = _answering(letter.response_for.document_id, letter.sender, agency_id)
    structured = _structured_comments(letter, round_)
    comments = structured[0] if structured else []
    if structured and structured[1] == ResponseKind.AGREED.value:
        comments = []
    scan = next((a for a in letter.attachments if a.data.startswith(b"%PDF-")), None)
    account = exchange_account(round_.agency, now=now)
    response = record_paper_reply(recipient, ReplyLetter(
        letter.code_number, letter.code_notation, letter.promulgation_date,
        (scan.data, scan.name if scan.name.lower().endswith(".pdf") else scan.name + ".pdf")
        if scan else None), comments, actor=account, now=now, typed_by_lead=False)
    message = _record(PackageKind.REPLY, key, letter.document_id, data, filename, now=now,
                      round_=round_, recipient=recipient, response=response, actor=account)
    if structured is None:
        message.reason = _("Gói tin không kèm ý kiến theo từng mục; hãy đọc văn bản đính kèm.")
    return message


def _draft_attachments(letter: edxml.Letter) -> list[edxml.Attachment]:
    """The drafts among the attachments: named so ("Dự thảo", "du-thao…"), else every
    document after the first (the letter itself comes first)."""
    documents = [a for a in letter.attachments if a.name.lower().endswith(_DRAFT_EXTENSIONS)]
    named = [a for a in documents if "du thao" in fold(f"{a.description} {a.name}")
             .replace("-", " ").replace("_", " ")]
    return named or documents[1:]


def _draft(letter: edxml.Letter, attachment: edxml.Attachment, account, now, limit: int):
    try:
        return create_draft(letter.subject.removeprefix("V/v ").strip(), attachment.data,
                            attachment.name, actor=account, now=now,
                            max_bytes=limit).latest_version
    except ValidationFailed as error:
        raise PackageNotApplied(_("Dự thảo đính kèm \"%(name)s\": %(message)s",
                                  name=attachment.name, message=error.message)) from None


def _receive_request(letter: edxml.Letter, data, filename, *, now, zone, agency_id):
    key = f"in:letter:{letter.document_id}"
    if (seen := _seen(key)) is not None:
        return seen
    lead = _agency_by_organ(letter.sender)
    if lead is None:
        raise PackageNotApplied(_(
            "Cơ quan gửi %(organ)s (%(id)s) chưa có trong danh bạ; hãy thêm cơ quan này với mã "
            "định danh điện tử rồi nhận lại gói tin.", organ=letter.sender.name,
            id=letter.sender.organ_id))
    receivers = [a for a in map(_agency_by_organ, letter.receivers) if a is not None]
    if not receivers:
        raise PackageNotApplied(_("Không có nơi nhận nào của văn bản này trong danh bạ."))
    _check_concerns(agency_id, *receivers)
    drafts = _draft_attachments(letter)
    if not drafts or letter.due_date is None:
        raise PackageNotApplied(_("Văn bản không kèm dự thảo hoặc không ghi hạn trả lời, nên "
                                  "không phải một đề nghị góp ý dự thảo."))
    account = exchange_account(lead, now=now)
    limit = current_app.config["DRAFT_MAX_BYTES"]
    versions = [_draft(letter, attachment, account, now, limit) for attachment in drafts]
    round_ = create_round(RoundData(
        subject=letter.subject, place=letter.place or "-", letter_date=letter.promulgation_date,
        deadline_at=local_to_utc(letter.due_date + timedelta(days=1), time(0, 0), zone),
        signer_position=letter.signer_position or "-", signer_name=letter.signer_name or "-",
        letter_number=letter.code_number, letter_notation=letter.code_notation,
        body=letter.content, version_ids=[v.id for v in versions],
        agency_ids=[a.id for a in receivers]), actor=account, now=now, zone=zone,
        confirmed=True)
    round_.edxml_document_id = letter.document_id
    open_round(round_, actor=account, now=now, zone=zone, confirmed=True)
    return _record(PackageKind.REQUEST, key, letter.document_id, data, filename, now=now,
                   round_=round_, actor=account)


def record_refusal(data: bytes, filename: str, reason: str, *, now) -> ExchangeMessage:
    """A package refused: kept with its reason for the operator (after the rollback)."""
    stored = store_file(data, filename or "goi-tin.edxml", uploaded_by=None, now=now)
    message = ExchangeMessage(direction=Direction.INCOMING, outcome=Outcome.REFUSED,
                              filename=(filename or "")[:255], file_id=stored.id,
                              reason=reason, created_at=now)
    db.session.add(message)
    db.session.flush()
    return message


REFUSALS = {
    "broken": _l("Gói tin không phải XML hợp lệ"),
    "hostile": _l("Gói tin có khai báo DOCTYPE/thực thể (không được phép)"),
    "not_edxml": _l("Không phải gói tin edXML"),
    "missing": _l("Thiếu trường bắt buộc"),
    "too_long": _l("Trường quá dài"),
    "bad_date": _l("Ngày không hợp lệ"),
    "bad_number": _l("Số không hợp lệ"),
    "bad_organ_id": _l("Mã định danh cơ quan không đúng dạng 000.00.00.X00"),
    "too_many_attachments": _l("Quá nhiều tệp đính kèm"),
    "attachment_missing": _l("Tệp đính kèm được khai báo nhưng không có"),
    "bad_attachment": _l("Tệp đính kèm không giải mã được"),
    "too_big": _l("Gói tin quá lớn"),
    "bad_status": _l("Mã trạng thái không hợp lệ"),
    "bad_comments": _l("Tệp ý kiến (JSON) không đúng định dạng"),
}


def refusal_reason(error: Exception) -> str:
    if isinstance(error, edxml.PackageRefused):
        return f"{REFUSALS.get(error.reason, error.reason)}: {error.detail}".rstrip(": ")
    return error.message


def exported(kind: PackageKind, key: str, data: bytes, filename: str, *, now, round_id=None,
             recipient_id=None, response_id=None, code=None) -> ExchangeMessage:
    """An outgoing package, once per key (a second scheduler racing gets the unique key)."""
    stored = store_file(data, filename, uploaded_by=None, now=now)
    message = ExchangeMessage(direction=Direction.OUTGOING, kind=kind, outcome=Outcome.WRITTEN,
                              dedupe_key=key, status_code=code, round_id=round_id,
                              recipient_id=recipient_id, response_id=response_id,
                              filename=filename, file_id=stored.id, created_at=now)
    db.session.add(message)
    db.session.flush()
    return message
