"""What the consolidation report and the margin document say, gathered in a fixed number of
queries for the pure builders in commentflow.exports."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.consolidation.figures import Tally, disposition_mix
from commentflow.consolidation.models import Disposition
from commentflow.consolidation.queries import comment_lines
from commentflow.core.dates import format_short_date, local_today
from commentflow.core.db import plain_rows
from commentflow.core.errors import NotFound
from commentflow.drafts.models import DraftSection
from commentflow.exports.consolidation_report import build_report_docx
from commentflow.exports.margin_comments import MarginSection, build
from commentflow.exports.report import (
    KIND_TEXT,
    CarriedRow,
    GroupRatio,
    ReportData,
    ReportGroup,
    ReportRow,
    answer_text,
    comment_text,
)
from commentflow.extensions import db
from commentflow.responses.follow_up import ANSWER_LABELS, carried_answers
from commentflow.responses.tracker import TrackerState, tracker_rows
from commentflow.responses.tracker_figures import shares_by_group
from commentflow.rounds.models import Round, RoundState

GENERAL = "Ý kiến chung / Vấn đề khác"
LATE = "Văn bản gửi sau thời hạn"
UNDECIDED = "Chưa có cách xử lý"
UNAPPROVED = "Chưa được lãnh đạo duyệt"


def _reply(reference: str, day) -> str:
    """ "Công văn số 2711/STC-VP ngày 08/07/2024"."""
    return f"Công văn số {reference} ngày {format_short_date(day)}" if day else reference


def _ratios(round_: Round, rows) -> list[GroupRatio]:
    """Agreeing agencies per recipient group, each named with its reply."""
    ratios = []
    for group in round_.groups or sorted({g for r in rows for g in r.groups},
                                         key=lambda g: g.display_order):
        members = [r for r in rows if group in r.groups]
        agreed = [r for r in members if r.state is TrackerState.AGREED]
        ratios.append(GroupRatio(group.short_name or group.name, len(agreed), len(members), [
            f"{r.recipient.agency.name} ({_reply(r.reply_reference, r.reply_date)})"
            if r.reply_date else r.recipient.agency.name for r in agreed]))
    return ratios


def _section_labels(section_ids) -> dict[int, str]:
    ids = [i for i in section_ids if i is not None]
    rows = db.session.execute(select(DraftSection.id, DraftSection.citation, DraftSection.key)
                              .where(DraftSection.id.in_(ids))) if ids else []
    return {id_: citation or key for id_, citation, key in rows}


def report_data(round_: Round, *, now: datetime, zone: str) -> ReportData:
    """Everything the consolidation report says: the opening part and one row per comment,
    or per group of comments answered together (naming every agency)."""
    rows = tracker_rows(round_, now=now, zone=zone)
    replies = {r.response.id: (_reply(r.reply_reference, r.reply_date),
                               [LATE] if r.state is TrackerState.SUBMITTED_LATE else [])
               for r in rows if r.response is not None}  # per letter, not per comment
    dispositions = {row.id: row for row in plain_rows(db.session, (
        select(Disposition.id, Disposition.kind, Disposition.text, Disposition.approved_at,
               User.full_name).outerjoin(User, User.id == Disposition.drafted_by_id)
        .where(Disposition.round_id == round_.id)))}
    lines = comment_lines(round_.id)
    labels = _section_labels({line.section_id for line in lines})
    titles = {v.id: v.draft.title for v in round_.versions}
    report_groups: list[ReportGroup] = []
    shared: dict[int, ReportRow] = {}  # one row per disposition answering several comments
    kinds = Tally()  #: as the charts count them
    for line in lines:
        disposition = dispositions.get(line.disposition_id)
        kinds.add(line.section_id, disposition.kind.name if disposition is not None
                  and disposition.kind is not None else None, 1)
        label = labels.get(line.section_id, GENERAL)
        draft = titles.get(line.version_id, "")
        if not report_groups or (report_groups[-1].label, report_groups[-1].draft) != (
                label, draft):
            report_groups.append(ReportGroup(label, [], draft))
        reply, late = replies[line.response_id]
        notes = list(late)
        if line.disposition_id in shared:
            row = shared[line.disposition_id]
            row.agencies.append(line.agency_name)
            row.replies.append(reply)
            row.notes.extend(n for n in notes if n not in row.notes)
            continue
        officer = disposition.full_name if disposition is not None else ""
        if disposition is None or disposition.kind is None:
            answer, notes = "", [*notes, UNDECIDED]
        else:
            answer = answer_text(KIND_TEXT[disposition.kind.value], disposition.text)
            if disposition.approved_at is None:
                notes.append(UNAPPROVED)
        row = ReportRow([line.agency_name], comment_text(
            line.text, line.proposed_wording, line.reason), answer, [reply], officer or "",
            notes)
        if disposition is not None:
            shared[disposition.id] = row
        report_groups[-1].rows.append(row)
    drafts = list(dict.fromkeys(v.draft.title for v in round_.versions)) or [round_.subject]
    return ReportData(
        title="BẢN TỔNG HỢP Ý KIẾN, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý ĐỐI VỚI DỰ THẢO "
              + "; ".join(drafts).upper(), drafts=drafts,
        issuer_parent=round_.agency.parent.name.upper() if round_.agency.parent else "",
        issuer=round_.agency.name, place=round_.place, asked=len(rows),
        replies=sum(1 for r in rows if r.response is not None), agreed=_ratios(round_, rows),
        commented=[r.recipient.agency.name for r in rows if r.response is not None
                   and r.state is not TrackerState.AGREED],
        silent=[r.recipient.agency.name for r in rows if r.state is TrackerState.NO_ANSWER],
        silence_is_agreement=round_.silence_is_agreement, groups=report_groups,
        signer_authority=round_.signer_authority, signer_head_title=round_.signer_head_title,
        signer_position=round_.signer_position, signer_name=round_.signer_name,
        day=local_today(now, zone), carried=_carried(round_),
        answered=[(share.label, share.part, share.whole)
                  for share in shares_by_group(rows)],
        dispositions=[(part.key, part.count) for part in disposition_mix(round_, kinds)])


def _carried(round_: Round) -> list[CarriedRow]:
    """A follow-up round: each agency's answer to its comments of the earlier round."""
    rows = []
    for record in carried_answers(round_):
        earlier = record.previous_comment
        disposition = earlier.disposition
        told = answer_text(KIND_TEXT[disposition.kind.value], disposition.text) \
            if disposition is not None and disposition.kind is not None else ""
        answer = ANSWER_LABELS[record.answer]
        if record.comment is not None:
            answer = f"{answer}: {record.comment.text}"
        section = earlier.section
        rows.append(CarriedRow(
            agency=record.response.recipient.agency.name,
            section=(section.citation or section.shown_key) if section else GENERAL,
            earlier=comment_text(earlier.text, earlier.proposed_wording, earlier.reason),
            told=told, answer=answer))
    return rows


def margin_document(round_: Round, version_id: int | None = None) -> tuple[bytes, str]:
    """A circulated draft (the first, or the one asked for) as .docx with each comment on it
    in the margin (author: the agency); general comments go on the first draft's title."""

    version = next((v for v in round_.versions if version_id in (None, v.id)), None)
    if version is None:
        raise NotFound(_("Không tìm thấy dự thảo này trong đợt lấy ý kiến."))
    by_section: dict[int | None, list] = {}
    for line in comment_lines(round_.id):
        by_section.setdefault(line.section_id, []).append((line.agency_name, line.agency_code[:8],
                                                           comment_text(line.text,
                                                                        line.proposed_wording,
                                                                        line.reason)))
    sections = []
    for section in version.sections:
        first_line = section.text.split("\n", 1)[0] if section.text else ""
        anchor = " ".join(p for p in (section.number, section.title or first_line) if p)
        if section.kind == "annex_row":
            anchor = first_line or section.number
        sections.append(MarginSection(section.key, anchor, by_section.get(section.id, [])))
    general = by_section.get(None, [])
    if general and sections and version is round_.versions[0]:
        title = next((s for s in sections if s.key == "title"), sections[0])
        title.comments = title.comments + general
    original = version.file.data if version.file.filename.lower().endswith(".docx") else None
    name = version.file.filename.rsplit(".", 1)[0] + "-y-kien.docx"
    return build(original, sections), name


def published_report(round_: Round, *, zone: str) -> bytes:
    """The report as published, dated the day of publication; NotFound before that."""

    if round_.state is not RoundState.PUBLISHED or round_.published_at is None:
        raise NotFound(_("Kết quả tổng hợp chưa được công bố."))
    return build_report_docx(report_data(round_, now=round_.published_at, zone=zone))
