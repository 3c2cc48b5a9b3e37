"""API for a lead office's system: its rounds, each recipient's state, the answers received,
the draft's outline and the consolidation report files."""
from collections import Counter

from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from commentflow.accounts.api_tokens import LEAD
from commentflow.api import presenting
from commentflow.api.auth import actor, token_required
from commentflow.api.schemas import (
    OutlineSchema,
    PageArgs,
    RecipientPageSchema,
    ReportArgs,
    ResponseSchema,
    RoundPageSchema,
    RoundSchema,
)
from commentflow.consolidation import gathering
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.errors import PermissionDenied
from commentflow.core.paging import page_of
from commentflow.exports.consolidation_report import build_report_docx, build_report_xlsx
from commentflow.extensions import db
from commentflow.responses.models import Response
from commentflow.responses.permissions import can_read_response
from commentflow.responses.tracker import load_details, tracker_rows, tracker_table
from commentflow.rounds.permissions import can_list_rounds
from commentflow.rounds.services import get_round_for_lead, lead_rounds_page
from commentflow.storage.services import XLSX, download_response

bp = Blueprint("api_rounds", __name__, url_prefix="/api/v1/rounds",
               description="Đợt lấy ý kiến của cơ quan chủ trì")

_FILE = {"content": {"application/octet-stream": {"schema": {"type": "string",
                                                              "format": "binary"}}}}


def _round(round_id: int):
    return get_round_for_lead(round_id, viewer=actor())


@bp.route("")
@token_required(LEAD)
@bp.arguments(PageArgs, location="query")
@bp.response(200, RoundPageSchema)
def rounds(args):
    """The lead office's rounds, the latest first."""
    if not can_list_rounds(actor()):
        raise PermissionDenied(_("Khóa API này không thuộc cơ quan chủ trì."))
    pagination, counts = lead_rounds_page(actor().agency_id, args["page"], args["per_page"])
    items = [presenting.round_summary(r, counts.get(r.id, 0)) for r in pagination.items]
    return {"items": items, "page": args["page"], "pages": max(pagination.pages, 1),
            "total": pagination.total or 0}


@bp.route("/<int:round_id>")
@token_required(LEAD)
@bp.response(200, RoundSchema)
def round_detail(round_id: int):
    """One round: its letter, versions, and how many recipients stand in each state."""
    round_ = _round(round_id)
    rows = tracker_rows(round_, now=now_utc(), zone=configured_zone(), details=False)
    data = presenting.round_summary(round_, len(rows))
    data.update(previous_round_id=round_.previous_round_id,
                silence_is_agreement=round_.silence_is_agreement,
                versions=presenting.versions(round_),
                states=dict(Counter(row.state.value for row in rows)))
    return data


@bp.route("/<int:round_id>/recipients")
@token_required(LEAD)
@bp.arguments(PageArgs, location="query")
@bp.response(200, RecipientPageSchema)
def recipients(args, round_id: int):
    """Each recipient agency in protocol order, with its state and its reply (the tracker)."""
    round_ = _round(round_id)
    rows = tracker_rows(round_, now=now_utc(), zone=configured_zone(), details=False)
    part, info = page_of(rows, args["page"], args["per_page"])
    return presenting.page([presenting.recipient_row(row) for row in load_details(part, round_)],
                           info, len(rows))


@bp.route("/<int:round_id>/responses/<int:response_id>")
@token_required(LEAD)
@bp.response(200, ResponseSchema)
def response(round_id: int, response_id: int):
    """An answer the lead office received, with its comments (work not yet sent: 404)."""
    round_ = _round(round_id)
    answer = db.session.get(Response, response_id)
    if answer is None or answer.recipient.round_id != round_.id or \
            not can_read_response(actor(), answer):
        abort(404, message=_("Không tìm thấy văn bản trả lời này."))
    return presenting.response(answer)


@bp.route("/<int:round_id>/outline")
@token_required(LEAD)
@bp.response(200, OutlineSchema)
def outline(round_id: int):
    """The sections of the round's draft(s)."""
    return presenting.outline(_round(round_id))


@bp.route("/<int:round_id>/report.docx")
@token_required(LEAD)
@bp.arguments(ReportArgs, location="query")
@bp.doc(responses={"200": {"description": "Báo cáo tổng hợp, giải trình, tiếp thu ý kiến",
                           **_FILE}})
def report_docx(args, round_id: int):
    """The consolidation report as Word, the same file as the workspace's download."""
    round_ = _round(round_id)
    data = build_report_docx(gathering.report_data(round_, now=now_utc(),
                                                   zone=configured_zone()),
                             frozenset(args["columns"]))
    return download_response(data, f"bao-cao-tong-hop-y-kien-{round_.id}.docx")


@bp.route("/<int:round_id>/report.xlsx")
@token_required(LEAD)
@bp.arguments(ReportArgs, location="query")
@bp.doc(responses={"200": {"description": "Bảng tổng hợp ý kiến và tình hình trả lời",
                           **_FILE}})
def report_xlsx(args, round_id: int):
    """The consolidation table and the tracker as Excel."""
    round_ = _round(round_id)
    now, zone = now_utc(), configured_zone()
    header, rows = tracker_table(round_, now=now, zone=zone)
    data = build_report_xlsx(gathering.report_data(round_, now=now, zone=zone), header, rows,
                             frozenset(args["columns"]))
    return download_response(data, f"bao-cao-tong-hop-y-kien-{round_.id}.xlsx", XLSX)
