"""Administrator pages for the agency directory: agencies, groups and file import."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from commentflow.core.clock import now_utc
from commentflow.core.errors import ValidationFailed
from commentflow.directory import services
from commentflow.directory.forms import (
    KIND_LABELS,
    AgencyFilterForm,
    AgencyForm,
    GroupForm,
    ImportForm,
)
from commentflow.directory.importing import ImportRejected
from commentflow.directory.models import Agency, AgencyGroup, AgencyGroupMembership, AgencyKind
from commentflow.extensions import db
from commentflow.web.auth import admin_required
from commentflow.web.forms import ActiveToggleForm, save_form
from commentflow.web.security import form_view

bp = Blueprint("directory", __name__, url_prefix="/admin")


def _agency_form(agency: Agency | None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    if agency is not None and request.method == "GET":
        form.kind.data = agency.kind.value
        form.group_ids.data = [m.group_id for m in agency.memberships]
    others = [a for a in services.active_agencies() if agency is None or a.id != agency.id]
    form.parent_id.choices = [("", _("— Không —"))] + [(a.id, a.name) for a in others]
    form.succeeded_by_id.choices = [("", _("— Không —"))] + [(a.id, a.name) for a in others]
    form.group_ids.choices = [(g.id, g.name) for g in services.all_groups()]
    return form


def _agency_data(form: AgencyForm) -> services.AgencyData:
    return services.AgencyData(
        name=form.name.data, code=form.code.data, kind=AgencyKind(form.kind.data),
        edoc_code=form.edoc_code.data, parent_id=form.parent_id.data,
        display_order=form.display_order.data or 0, group_ids=form.group_ids.data or [],
        succeeded_by_id=form.succeeded_by_id.data, succeeded_on=form.succeeded_on.data)


@bp.route("/agencies")
@admin_required
def agencies():
    filters = AgencyFilterForm(request.args)
    kind = AgencyKind(filters.kind.data) if filters.kind.data else None
    stmt = services.search_agencies(query=filters.q.data or "", kind=kind,
                                    order=filters.order.data or "protocol")
    # What each row shows, loaded with the page rather than row by row.
    stmt = stmt.options(joinedload(Agency.parent), joinedload(Agency.succeeded_by),
                        selectinload(Agency.memberships).joinedload(AgencyGroupMembership.group))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("directory/agencies.html", page=page, filters=filters,
                           kind_labels=KIND_LABELS, action_form=ActiveToggleForm())


@bp.route("/agencies/new", methods=["GET", "POST"])
@admin_required
@form_view
def agency_create():
    form = _agency_form(None)
    done = save_form(form, lambda: services.create_agency(
        _agency_data(form), actor=current_user, now=now_utc()),
        lambda agency: _("Đã thêm %(name)s.", name=agency.name),
        lambda _agency: url_for(".agencies"))
    return done or render_template("directory/agency_form.html", form=form, agency=None)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@admin_required
@form_view
def agency_edit(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    form = _agency_form(agency)
    done = save_form(form, lambda: services.update_agency(
        agency, _agency_data(form), actor=current_user, now=now_utc()),
        lambda saved: _("Đã lưu %(name)s.", name=saved.name),
        lambda _saved: url_for(".agencies"))
    return done or render_template("directory/agency_form.html", form=form, agency=agency)


@bp.route("/agencies/<int:agency_id>/active", methods=["POST"])
@admin_required
def agency_toggle(agency_id: int):
    agency = db.get_or_404(Agency, agency_id)
    form = ActiveToggleForm()
    if form.validate():
        services.set_agency_active(agency, form.active.data == "1", actor=current_user,
                                   now=now_utc())
        db.session.commit()
        flash(_("Đã cập nhật trạng thái của %(name)s.", name=agency.name), "success")
    return redirect(url_for(".agencies"))


def _group_form(group: AgencyGroup | None) -> GroupForm:
    form = GroupForm(obj=group)
    if group is not None and request.method == "GET":
        form.agency_ids.data = [m.agency_id for m in group.memberships]
    form.agency_ids.choices = [(a.id, a.name) for a in services.active_agencies()]
    return form


def _group_data(form: GroupForm) -> services.GroupData:
    return services.GroupData(name=form.name.data, short_name=form.short_name.data,
                              display_order=form.display_order.data or 0,
                              agency_ids=form.agency_ids.data or [])


@bp.route("/groups")
@admin_required
def groups():
    return render_template("directory/groups.html", groups=services.all_groups(),
                           action_form=ActiveToggleForm())


@bp.route("/groups/new", methods=["GET", "POST"])
@admin_required
@form_view
def group_create():
    form = _group_form(None)
    done = save_form(form, lambda: services.create_group(
        _group_data(form), actor=current_user, now=now_utc()),
        lambda group: _("Đã thêm nhóm %(name)s.", name=group.name),
        lambda _group: url_for(".groups"))
    return done or render_template("directory/group_form.html", form=form, group=None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@admin_required
@form_view
def group_edit(group_id: int):
    group = db.get_or_404(AgencyGroup, group_id)
    form = _group_form(group)
    done = save_form(form, lambda: services.update_group(
        group, _group_data(form), actor=current_user, now=now_utc()),
        lambda saved: _("Đã lưu nhóm %(name)s.", name=saved.name),
        lambda _saved: url_for(".groups"))
    return done or render_template("directory/group_form.html", form=form, group=group)


@bp.route("/groups/<int:group_id>/active", methods=["POST"])
@admin_required
def group_toggle(group_id: int):
    group = db.get_or_404(AgencyGroup, group_id)
    form = ActiveToggleForm()
    if form.validate():
        services.set_group_active(group, form.active.data == "1", actor=current_user,
                                  now=now_utc())
        db.session.commit()
        flash(_("Đã cập nhật trạng thái nhóm %(name)s.", name=group.name), "success")
    return redirect(url_for(".groups"))


@bp.route("/import", methods=["GET", "POST"])
@admin_required
@form_view
def import_file():
    form = ImportForm()
    errors, status = [], 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            summary = services.import_agencies(
                upload.read(), upload.filename or "", actor=current_user, now=now_utc(),
                max_rows=current_app.config["IMPORT_MAX_ROWS"])
        except ImportRejected as rejection:
            db.session.rollback()
            flash(rejection.message, "error")
            errors, status = rejection.errors, 422
        except ValidationFailed as error:
            db.session.rollback()
            flash(error.message, "error")
            status = 422
        else:
            db.session.commit()
            flash(_("Đã nhập: %(created)d đơn vị mới, %(updated)d đơn vị cập nhật, "
                    "%(groups)d nhóm mới.", created=summary.created, updated=summary.updated,
                    groups=summary.groups_created), "success")
            return redirect(url_for(".agencies"))
    return render_template("directory/import.html", form=form, errors=errors), status


@bp.route("/import/template.csv")
@admin_required
def import_template():
    body = ("Mã,Tên đơn vị,Mã định danh,Loại,Đơn vị cấp trên,Thứ tự,Nhóm\r\n"
            "STC,Sở Tài chính,000.00.07.H33,\"Sở, ban, ngành\",UBND,10,"
            "\"Các sở, ban, ngành cấp tỉnh\"\r\n")
    return current_app.response_class(
        "\ufeff" + body, mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=mau-danh-ba-don-vi.csv"})
