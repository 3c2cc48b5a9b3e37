"""Pure shape of the consolidation report: the opening part and the table's columns and rows."""
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from commentflow.core.text import fold


@dataclass
class ReportRow:
    agencies: list[str]  #: "CHỦ THỂ GÓP Ý": one agency, or every agency of a group
    comment: str  #: "NỘI DUNG GÓP Ý"
    answer: str  #: "NỘI DUNG TIẾP THU, GIẢI TRÌNH"
    replies: list[str] = field(default_factory=list)  #: "Số, ngày văn bản góp ý"
    officer: str = ""  #: "Chuyên viên xử lý": who drafted the disposition
    notes: list[str] = field(default_factory=list)  #: "Ghi chú"


@dataclass
class ReportGroup:
    label: str  #: "NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN": the section, or "Ý kiến chung / Vấn đề khác"
    rows: list[ReportRow]
    draft: str = ""  #: the title of the draft the section belongs to


@dataclass
class GroupRatio:
    name: str  #: the recipient group's short name
    agreed: int
    asked: int
    agencies: list[str]  #: "Sở Giáo dục và Đào tạo (Công văn số 2711/SGDĐT-VP ngày 07/11/2025)"


@dataclass
class CarriedRow:
    """In a follow-up round: an agency's answer to its comment of the earlier round."""

    agency: str
    section: str
    earlier: str  #: the earlier comment
    told: str  #: how it was answered then (Tiếp thu: …)
    answer: str  #: "Đồng ý với giải trình" or "Bảo lưu ý kiến: …"


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
    #: Titles of the drafts circulated, in order: one table per draft when there are several.
    drafts: list[str] = field(default_factory=list)
    #: A follow-up round: the agencies' answers to their comments of the earlier round.
    carried: list[CarriedRow] = field(default_factory=list)
    #: (group, answered, asked) per recipient group: the tracker's share chart, in words.
    answered: list[tuple[str, int, int]] = field(default_factory=list)
    #: (DispositionKind value, comments) in KIND_TEXT's order, then ("undecided", n).
    dispositions: list[tuple[str, int]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, list[ReportGroup]]]:
        """(draft title, its groups) in order; general comments stay with the last table."""
        tables: list[tuple[str, list[ReportGroup]]] = []
        for group in self.groups:
            if not tables or (group.draft and group.draft != tables[-1][0]):
                tables.append((group.draft, []))
            tables[-1][1].append(group)
        return tables


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    weight: int  #: share of the width the fixed columns leave
    optional: bool = False
    #: A fixed width in centimetres, wide enough for its longest word in 12 pt bold (the
    #: header) and for a whole date: narrow columns never stack letters or split "08/07/2024".
    cm: float = 0.0


#: The national four columns, and the optional ones seen in practice, in the order they print.
COLUMNS = (
    Column("stt", "STT", 0, optional=True, cm=1.2),
    Column("group", "NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN", 14),
    Column("agency", "CHỦ THỂ GÓP Ý", 12),
    Column("reply", "SỐ, NGÀY VĂN BẢN GÓP Ý", 0, optional=True, cm=3.0),
    Column("comment", "NỘI DUNG GÓP Ý", 30),
    Column("answer", "NỘI DUNG TIẾP THU, GIẢI TRÌNH", 30),
    Column("officer", "CHUYÊN VIÊN XỬ LÝ", 0, optional=True, cm=2.7),
    Column("note", "GHI CHÚ", 0, optional=True, cm=2.3),
)
OPTIONAL_KEYS = tuple(c.key for c in COLUMNS if c.optional)


def columns(optional: set[str] | frozenset[str] = frozenset()) -> list[Column]:
    """The four national columns plus the optional ones asked for, in print order."""
    return [c for c in COLUMNS if not c.optional or c.key in optional]


def table_rows(groups: list[ReportGroup], chosen: list[Column]):
    """(group index, first row of its group?, cell texts) for every row of one table."""
    number = 0
    for index, group in enumerate(groups):
        for position, row in enumerate(group.rows):
            number += 1
            values = {"stt": str(number), "group": group.label,
                      "agency": "; ".join(row.agencies), "reply": "; ".join(row.replies),
                      "comment": row.comment, "answer": row.answer, "officer": row.officer,
                      "note": "; ".join(row.notes)}
            yield index, position == 0, [values[c.key] for c in chosen]


#: How the report's last column opens for each disposition (the official document is in
#: Vietnamese whatever the reader's interface language).
KIND_TEXT = {"accepted": "Tiếp thu", "partly": "Tiếp thu một phần",
             "not_accepted": "Không tiếp thu", "noted": "Ghi nhận"}


def answer_text(kind_label: str, text: str) -> str:
    """The last column: the disposition, then its explanation — once. Officers often start
    the explanation with the disposition itself ("Tiếp thu, bổ sung vào dự thảo."): then the
    explanation alone says it."""
    text = text.strip()
    if not text:
        return kind_label
    if _starts_with(text, kind_label):
        return text
    return f"{kind_label}. {text}"


def _starts_with(text: str, label: str) -> bool:
    """Does the text open with the label, whatever its accents and case? Cheap answers
    first: a report has one explanation per disposition, 15,000 of them."""
    if text[:len(label)].lower() == label.lower():
        return True
    if fold(text[:1]) != _folded(label)[:1]:
        return False
    return _folded_start(text, len(label)).startswith(_folded(label))


@lru_cache(maxsize=16)
def _folded(label: str) -> str:
    return fold(label)


def _folded_start(text: str, length: int) -> str:
    """The folded opening of a text, enough to compare with a label of this length: folding
    a whole explanation for its first words cost half of gathering a 20,000-comment report."""
    start = fold(text[:2 * length + 8])
    return start if len(start) >= length or len(text) <= 2 * length + 8 else fold(text)


def proposal_sentence(proposed: str) -> str:
    """ 'Đề nghị sửa lại thành: "…".' — without a second full stop when the proposed wording
    ends its own sentence."""
    proposed = proposed.strip()
    end = "" if proposed.endswith((".", "!", "?", "…", ";")) else "."
    return f"Đề nghị sửa lại thành: \"{proposed}\"{end}"


def comment_text(text: str, proposed: str, reason: str) -> str:
    parts = [text.strip()]
    if proposed:
        parts.append(proposal_sentence(proposed))
    if reason:
        parts.append(f"Lý do: {reason.strip()}")
    return " ".join(parts)


def ratio(agreed: int, asked: int) -> str:
    """ "07/09": two digits as officers write them."""
    return f"{agreed:02d}/{asked:02d}"
