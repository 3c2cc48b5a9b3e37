"""Pure shape of the consolidation report: the opening part and the four-column table."""
from dataclasses import dataclass, field
from datetime import date


@dataclass
class ReportRow:
    agencies: list[str]  #: "CHỦ THỂ GÓP Ý": one agency, or every agency of a group
    comment: str  #: "NỘI DUNG GÓP Ý"
    answer: str  #: "NỘI DUNG TIẾP THU, GIẢI TRÌNH"
    replies: list[str] = field(default_factory=list)  #: "Số, ngày văn bản góp ý"


@dataclass
class ReportGroup:
    label: str  #: "NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN": the section, or "Ý kiến chung / Vấn đề khác"
    rows: list[ReportRow]


@dataclass
class GroupRatio:
    name: str  #: the recipient group's short name
    agreed: int
    asked: int
    agencies: list[str]  #: "Sở Giáo dục và Đào tạo (Công văn số 2711/SGDĐT-VP ngày 07/11/2025)"


@dataclass
class ReportData:
    title: str
    issuer_parent: str
    issuer: str
    place: str
    asked: int
    replies: int
    agreed: list[GroupRatio]
    commented: list[str]
    silent: list[str]
    silence_is_agreement: bool
    groups: list[ReportGroup]
    signer_authority: str = ""
    signer_head_title: str = ""
    signer_position: str = ""
    signer_name: str = ""
    day: date | None = None


def answer_text(kind_label: str, text: str) -> str:
    return f"{kind_label}. {text}".strip() if text else kind_label


def comment_text(text: str, proposed: str, reason: str) -> str:
    parts = [text.strip()]
    if proposed:
        parts.append(f"Đề nghị sửa lại thành: \"{proposed.strip()}\".")
    if reason:
        parts.append(f"Lý do: {reason.strip()}")
    return " ".join(parts)


def ratio(agreed: int, asked: int) -> str:
    """ "07/09": two digits as officers write them."""
    return f"{agreed:02d}/{asked:02d}"
