"""The lead office's consolidation workspace: every comment beside its section."""
from flask import Blueprint, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from commentflow.charts import svg
from commentflow.consolidation import figures, gathering, services
from commentflow.consolidation.forms import (
    QUICK_PICKS,
    CloseForm,
    DecideForm,
    ExportForm,
    FilterForm,
    IdsForm,
)
from commentflow.consolidation.models import KIND_LABELS, DispositionKind
from commentflow.consolidation.permissions import can_approve
from commentflow.consolidation.revision import kept
from commentflow.consolidation.workspace import (
    Filters,
    chosen_agency,
    chosen_section,
    filter_choices,
    load_workspace,
)
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.roles import Role
from commentflow.directory.services import all_groups
from commentflow.drafts.converting import as_requested
from commentflow.exports.consolidation_report import build_report_docx, build_report_xlsx
from commentflow.responses.tracker import tracker_table
from commentflow.rounds.services import get_round_for_lead, get_round_for_recipient
from commentflow.storage.services import XLSX, download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import run_action
from commentflow.web.i18n import translated
from commentflow.web.navigation import back_to_place
from commentflow.web.urls import urls_by

bp = Blueprint("consolidation", __name__, url_prefix="/rounds/<int:round_id>/consolidation")
#: What recipient agencies read of the consolidation: the published report.
published_bp = Blueprint("published", __name__, url_prefix="/inbox")
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)


def _filters(form: FilterForm) -> Filters:
    def number(value):
        return int(value) if value and value.isdigit() else None

    return Filters(q=form.q.data or "", agency_id=number(form.agency.data),
                   group_id=number(form.group.data), state=form.state.data or "",
                   section=form.section.data or "", page=request.args.get("page", 1, type=int))


@bp.route("/")
@lead_office
def workspace(round_id: int):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    filters = FilterForm(request.args)
    chosen = _filters(filters)
    general_label = _("Ý kiến chung / Vấn đề khác")
    filters.group.choices = [("", _("Mọi nhóm"))] + [(str(g.id), g.name) for g in all_groups()]
    view = load_workspace(round_, chosen, general_label=general_label)
    # The section and agency lists (hundreds of options) come from filter_options once the
    # page is shown; the page carries only the choice in force.
    filters.section.choices = [("", _("Tất cả các mục"))] + _held(
        chosen.section, chosen_section(view.outline, chosen.section, round_, general_label))
    filters.agency.choices = [("", _("Mọi cơ quan, đơn vị"))] + _held(
        str(chosen.agency_id or ""), chosen_agency(round_, chosen.agency_id))
    args = {k: v for k, v in request.args.items() if k not in ("page", "columns")}
    section_links = urls_by(".workspace", "section", [e.key for e in view.outline],
                            round_id=round_id, **args)
    # Each comment's agency links to the page filtered by it (the way to that filter
    # without JavaScript, whose list is loaded by script).
    agency_links = urls_by(".workspace", "agency", view.agencies_shown, round_id=round_id,
                           **args)
    response_links = urls_by("answers.response", "response_id",
                             {c.response_id for _e, comments in view.sections for c in comments},
                             round_id=round_id)
    return render_template(
        "consolidation/workspace.html", round_=round_, view=view, filters=filters,
        **kept(round_.id, "charts", lambda: _charts(round_, view.tally, view.section_labels),
               str(get_locale())),
        export_form=ExportForm(request.args), kinds=translated(KIND_LABELS),
        quick_picks=QUICK_PICKS,
        decide_form=DecideForm(), ids_form=IdsForm(), close_form=CloseForm(),
        page_args=args, section_links=section_links, agency_links=agency_links,
        response_links=response_links,
        filter_options_url=url_for(".filter_options", round_id=round_id, lang=get_locale(),
                                   v=int(round_.updated_at.timestamp())),
        is_leader=can_approve(current_user, round_))


def _held(value: str, label: str | None) -> list[tuple[str, str]]:
    return [(value, label)] if value and label else []


@bp.route("/filter-options")
@lead_office
def filter_options(round_id: int):
    """The section and agency filters' lists, as JSON for the workspace's script; the page's
    address names the round's last change and the language, so the browser may keep it."""
    round_ = get_round_for_lead(round_id, viewer=current_user)
    response = jsonify(filter_choices(round_, _("Ý kiến chung / Vấn đề khác")))
    response.cache_control.private = True
    response.cache_control.max_age = 600
    response.add_etag()
    return response.make_conditional(request)


def _charts(round_, counted: figures.Tally, sections: list[tuple[int, str]]) -> dict:
    """The workspace's two charts, and their figures for the tables beside them (kept per
    revision and language: they show the whole round, whatever the filters)."""
    cells = figures.comments_per_section(round_, general_label=_("Ý kiến chung"),
                                         counted=counted, sections=sections)
    mix = figures.disposition_mix(round_, counted)
    commented = sum(1 for cell in cells if cell.count)
    return {
        "mix": mix,
        "heat_chart": svg.heat_strip(
            [(cell.label, cell.count) for cell in cells],
            title=_("Số ý kiến theo từng mục của dự thảo"),
            description=_("%(n)d trên %(total)d mục có ý kiến; mục nhiều ý kiến nhất: "
                          "%(top)s.", n=commented, total=len(cells),
                          top=max(cells, key=lambda c: c.count).label if commented else "—")),
        "mix_chart": svg.stacked_bar(
            mix, title=_("Kết quả xử lý ý kiến"),
            description="; ".join(f"{part.label}: {part.count}" for part in mix)),
    }


def _act(round_id, form, action, success):
    round_ = get_round_for_lead(round_id, viewer=current_user)

    run_action(lambda: action(round_, form), success, form=form)
    return back_to_place(url_for(".workspace", round_id=round_id))


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
    round_ = get_round_for_lead(round_id, viewer=current_user)
    data = build_report_docx(gathering.report_data(round_, now=now_utc(), zone=configured_zone()),
                             ExportForm(request.args).chosen())
    return download_response(*as_requested(data, f"bao-cao-tong-hop-y-kien-{round_.id}.docx",
                                           request.args.get("format")))


@bp.route("/report.xlsx")
@lead_office
def report_xlsx(round_id: int):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    now, zone = now_utc(), configured_zone()
    header, rows = tracker_table(round_, now=now, zone=zone)
    data = build_report_xlsx(gathering.report_data(round_, now=now, zone=zone), header, rows,
                             ExportForm(request.args).chosen())
    return download_response(data, f"bao-cao-tong-hop-y-kien-{round_.id}.xlsx", XLSX)


@bp.route("/draft-with-comments.docx")
@lead_office
def margin_docx(round_id: int):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    data, name = gathering.margin_document(round_, request.args.get("version", type=int))
    return download_response(data, name)


@published_bp.route("/<int:round_id>/consolidation-report.docx")
@login_required
def report(round_id: int):
    """The published consolidation report, as the lead office sent it back; before
    publication it does not exist for the agencies (their comments stay private)."""
    round_, _recipient = get_round_for_recipient(round_id, viewer=current_user)
    return download_response(gathering.published_report(round_, zone=configured_zone()),
                             f"bao-cao-tong-hop-y-kien-{round_.id}.docx")
