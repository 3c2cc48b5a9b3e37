"""The lead office's request letter ("V/v góp ý dự thảo …"), assembled for the .docx builder."""
from commentflow.core.dates import format_short_date, to_local
from commentflow.exports.letters import Letter
from commentflow.rounds.models import Round


def letter_recipient_lines(round_: Round) -> list[str]:
    """ "Kính gửi" lines: each chosen group by name, then agencies not in those groups."""
    lines = [group.name for group in round_.groups]
    grouped = {a.id for g in round_.groups for a in g.agencies}
    lines += [r.agency.name for r in round_.recipients if r.agency_id not in grouped]
    return lines


def letter_body(round_: Round, zone: str) -> list[str]:
    """The body as written, then the deadline sentence built from the stored deadline."""
    issuer = round_.agency.name
    local = to_local(round_.deadline_at, zone)
    deadline = (f"trước ngày {format_short_date(local.date())}" if (local.hour, local.minute)
                == (0, 0) else f"trước {local.hour:02d} giờ {local.minute:02d} ngày "
                               f"{format_short_date(local.date())}")
    via = f" (qua {round_.collecting_unit})" if round_.collecting_unit else ""
    paragraphs = [p for p in round_.body.split("\n") if p.strip()]
    paragraphs.append("(Đính kèm dự thảo)")
    sentence = (f"Ý kiến góp ý đề nghị các cơ quan, đơn vị gửi về {issuer}{via} chậm nhất "
                f"đến {deadline} để tổng hợp.")
    if round_.silence_is_agreement:
        sentence += (" Quá thời hạn trên, cơ quan, đơn vị không có ý kiến xem như thống nhất "
                     "với dự thảo.")
    if round_.contact:
        sentence += f" Thông tin liên hệ: {round_.contact}."
    paragraphs.append(sentence)
    paragraphs.append(f"{issuer} đề nghị các cơ quan, đơn vị phối hợp thực hiện./.")
    return paragraphs


def request_letter(round_: Round, zone: str) -> Letter:
    """The letter as the .docx builder takes it (Nghị định 30 layout)."""
    unit = round_.letter_notation.split("-", 1)[-1] if "-" in round_.letter_notation else ""
    parent = round_.agency.parent
    return Letter(
        parent_name=parent.name.upper() if parent else "", issuer_name=round_.agency.name,
        number=round_.letter_number, notation=round_.letter_notation, subject=round_.subject,
        place=round_.place, day=round_.letter_date or to_local(round_.created_at, zone).date(),
        recipients=letter_recipient_lines(round_), body=letter_body(round_, zone),
        signer_authority=round_.signer_authority, signer_head_title=round_.signer_head_title,
        signer_position=round_.signer_position, signer_name=round_.signer_name,
        copies=[f"Lưu: VT{', ' + unit if unit else ''}"])
