"""The lead office's consolidation workspace: every comment beside its section."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.accounts.models import Role
from commentflow.consolidation import services
from commentflow.consolidation.forms import (
    KIND_LABELS,
    QUICK_PICKS,
    CloseForm,
    DecideForm,
    FilterForm,
    IdsForm,
)
from commentflow.consolidation.models import DispositionKind
from commentflow.core.clock import now_utc
from commentflow.core.text import fold
from commentflow.directory.services import all_groups
from commentflow.rounds.services import get_round_for_lead
from commentflow.web.auth import roles_required
from commentflow.web.forms import run_action, validated

bp = Blueprint("consolidation", __name__, url_prefix="/rounds/<int:round_id>/consolidation")
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)


def _matches(comment, filters: FilterForm, group_members: dict) -> bool:
    disposition = comment.disposition
    agency_id = comment.response.recipient.agency_id
    state = filters.state.data or ""
    if filters.agency.data and str(agency_id) != filters.agency.data:
        return False
    if filters.group.data and agency_id not in group_members.get(filters.group.data, set()):
        return False
    if state == "open" and disposition is not None and disposition.approved_at is not None:
        return False
    if state == "undecided" and disposition is not None and disposition.kind is not None:
        return False
    if state in {k.value for k in DispositionKind} and (
            disposition is None or disposition.kind is None or disposition.kind.value != state):
        return False
    query = fold(filters.q.data or "")
    return not query or query in fold(" ".join((comment.text, comment.proposed_wording,
                                                comment.reason)))


@bp.route("/")
@lead_office
def workspace(round_id: int):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    comments = services.round_comments(round_)
    filters = FilterForm(request.args)
    filters.agency.choices = [("", _("Tất cả"))] + [(str(r.agency_id), r.agency.name)
                                                    for r in round_.recipients]
    groups = all_groups()
    filters.group.choices = [("", _("Tất cả"))] + [(str(g.id), g.name) for g in groups]
    members = {str(g.id): {m.agency_id for m in g.memberships} for g in groups}
    shown = [c for c in comments if _matches(c, filters, members)]
    sections: dict = {}
    for comment in shown:
        sections.setdefault(comment.section, []).append(comment)
    return render_template(
        "consolidation/workspace.html", round_=round_, sections=sections, filters=filters,
        total=len(comments), shown=len(shown),
        open_count=services.open_count(round_, comments),
        suggestions=services.suggested_groups(round_, comments),
        by_id={c.id: c for c in comments},
        kinds=KIND_LABELS, quick_picks=QUICK_PICKS, decide_form=DecideForm(),
        ids_form=IdsForm(), close_form=CloseForm(),
        is_leader=current_user.has_role(Role.LEADER))


def _act(round_id, form, action, success):
    round_ = get_round_for_lead(round_id, viewer=current_user)

    def act():
        validated(form)
        action(round_, form)

    run_action(act, success)
    return redirect(request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else url_for(".workspace", round_id=round_id))


@bp.route("/decide", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def decide(round_id: int):
    return _act(round_id, DecideForm(), lambda r, f: services.decide(
        r, f.comment_ids.data, DispositionKind(f.kind.data), f.text.data or "",
        actor=current_user, now=now_utc()), _("Đã lưu cách xử lý."))


@bp.route("/group", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def group(round_id: int):
    return _act(round_id, IdsForm(), lambda r, f: services.group(
        r, f.comment_ids.data, actor=current_user, now=now_utc()),
        _("Đã gộp các ý kiến giống nhau."))


@bp.route("/ungroup", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def ungroup(round_id: int):
    return _act(round_id, IdsForm(), lambda r, f: [services.ungroup(
        r, i, actor=current_user, now=now_utc()) for i in f.comment_ids.data],
        _("Đã tách ý kiến khỏi nhóm."))


@bp.route("/approve", methods=["POST"])
@roles_required(Role.LEADER)
def approve(round_id: int):
    return _act(round_id, IdsForm(), lambda r, f: services.approve(
        r, f.disposition_ids.data, actor=current_user, now=now_utc()), _("Đã duyệt."))


@bp.route("/close", methods=["POST"])
@roles_required(Role.LEADER)
def close(round_id: int):
    return _act(round_id, CloseForm(), lambda r, f: services.close_consolidation(
        r, actor=current_user, now=now_utc(), accept_open=f.accept_open.data),
        _("Đã chốt kết quả tổng hợp."))


@bp.route("/publish", methods=["POST"])
@roles_required(Role.LEADER)
def publish(round_id: int):
    return _act(round_id, CloseForm(), lambda r, f: services.publish(
        r, actor=current_user, now=now_utc()), _("Đã công bố kết quả tới các cơ quan, đơn vị."))


@bp.route("/report.docx")
@lead_office
def report_docx(round_id: int):
    from commentflow.exports.consolidation_report import build_report_docx
    from commentflow.storage.services import download_response

    round_ = get_round_for_lead(round_id, viewer=current_user)
    data = build_report_docx(services.report_data(round_, now=now_utc()))
    return download_response(data, f"bao-cao-tong-hop-y-kien-{round_.id}.docx")


@bp.route("/report.xlsx")
@lead_office
def report_xlsx(round_id: int):
    from commentflow.exports.consolidation_report import build_report_xlsx
    from commentflow.rounds.views import tracker_table
    from commentflow.storage.services import XLSX, download_response

    round_ = get_round_for_lead(round_id, viewer=current_user)
    header, rows = tracker_table(round_)
    data = build_report_xlsx(services.report_data(round_, now=now_utc()), header, rows)
    return download_response(data, f"bao-cao-tong-hop-y-kien-{round_.id}.xlsx", XLSX)


@bp.route("/draft-with-comments.docx")
@lead_office
def margin_docx(round_id: int):
    from commentflow.storage.services import download_response

    round_ = get_round_for_lead(round_id, viewer=current_user)
    data, name = services.margin_document(round_)
    return download_response(data, name)
