"""The agency's reply letter ("Phúc đáp Công văn số …"), assembled for the .docx builder."""
from commentflow.core.dates import format_short_date
from commentflow.core.text import fold
from commentflow.exports.letters import Letter
from commentflow.exports.report import proposal_sentence
from commentflow.responses.models import Response, ResponseKind


def comment_paragraphs(response: Response) -> list[str]:
    """Numbered comments, each placed the Vietnamese way: "1. Tại điểm a khoản 2 Mục III: …"."""
    paragraphs = []
    ordered = sorted(response.comments, key=lambda c: (c.section is None,
                                                       c.section.position if c.section else 0,
                                                       c.id))
    for number, comment in enumerate(ordered, start=1):
        place = (f"Tại {comment.section.citation}" if comment.section and
                 comment.section.citation else "Ý kiến chung")
        text = f"{number}. {place}: {comment.text.strip()}"
        if comment.proposed_wording:
            text += " " + proposal_sentence(comment.proposed_wording)
        if comment.reason:
            text += f" Lý do: {comment.reason.strip()}"
        paragraphs.append(text)
    return paragraphs


def request_reference(round_) -> str:
    """ "số 2159/SYT-TCCB ngày 02/07/2024", or only what is known — never a half reference
    such as "số SYT-TCCB" (rounds sent before a number was required)."""
    parts = []
    if round_.letter_number:
        parts.append(f"số {round_.reference}")
    if round_.letter_date:
        parts.append(f"ngày {format_short_date(round_.letter_date)}")
    return " ".join(parts)


def reply_letter(response: Response, *, signer) -> Letter:
    recipient = response.recipient
    round_, agency = recipient.round, recipient.agency
    request = f"Công văn {request_reference(round_)} của {round_.agency.name}"
    subject = round_.subject.removeprefix("V/v ").strip()
    opening = f"Phúc đáp {request} về việc {subject}; sau khi nghiên cứu, {agency.name}"
    if response.kind is ResponseKind.AGREED:
        body = [f"{opening} thống nhất với nội dung dự thảo, không có ý kiến khác."]
    else:
        body = [f"{opening} có ý kiến góp ý như sau:", *comment_paragraphs(response),
                f"Trên đây là ý kiến góp ý của {agency.name}, kính gửi {round_.agency.name} "
                "tổng hợp./."]
    notation = response.reply_notation or agency.code
    return Letter(parent_name=agency.parent.name.upper() if agency.parent else "",
                  issuer_name=agency.name, number=response.reply_number, notation=notation,
                  subject=round_.subject, place=round_.place,
                  day=response.reply_date or round_.letter_date, recipients=[round_.agency.name],
                  body=body, **signature(signer.position or ""),
                  signer_name=signer.full_name, copies=["Lưu: VT"])


def signature(position: str) -> dict:
    """A deputy signs on behalf of the head (Nghị định 30): "Phó Giám đốc" gives
    "KT. GIÁM ĐỐC" over "PHÓ GIÁM ĐỐC"; a head signs under the title alone."""
    title = " ".join(position.split())
    if fold(title).startswith("pho ") and len(title) > 4:
        return {"signer_authority": "KT.", "signer_head_title": title[4:].upper(),
                "signer_position": title.upper()}
    return {"signer_position": title.upper()}
