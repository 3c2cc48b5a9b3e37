"""Pages of drafts: list, upload, read with the section tree, correct the split, download."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.core.clock import now_utc
from commentflow.core.errors import ValidationFailed
from commentflow.core.roles import Role
from commentflow.drafts import services
from commentflow.drafts.forms import DraftUploadForm, SectionActionForm, VersionUploadForm
from commentflow.drafts.models import FIELD_LABELS, DraftSection
from commentflow.drafts.permissions import (
    can_correct_sections,
    can_create_drafts,
    can_edit_draft,
)
from commentflow.extensions import db
from commentflow.storage.services import download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import run_action
from commentflow.web.security import form_view

bp = Blueprint("drafts", __name__, url_prefix="/drafts")
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)


def _load(draft_id: int, number: int | None = None):
    draft = services.get_draft(draft_id, viewer=current_user)
    version = services.get_version(draft, number) if number else draft.latest_version
    return draft, version


def _section(draft_id: int, number: int, section_id: int):
    draft, version = _load(draft_id, number)
    section = db.session.get(DraftSection, section_id)
    if section is None or section.version_id != version.id:
        abort(404)
    if not can_correct_sections(current_user, version):
        abort(403)
    return draft, version, section


@bp.route("/")
@lead_office
def index():
    return render_template("drafts/index.html",
                           drafts=services.agency_drafts(current_user.agency_id),
                           can_create=can_create_drafts(current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.LEAD_STAFF)
@form_view
def create():
    form = DraftUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            draft = services.create_draft(form.title.data, upload.read(), upload.filename or "",
                                          actor=current_user, now=now_utc(),
                                          max_bytes=current_app.config["DRAFT_MAX_BYTES"])
        except ValidationFailed as error:
            db.session.rollback()
            form.file.errors.append(error.message)
            status = 422
        else:
            db.session.commit()
            flash(_("Đã tải lên dự thảo và chia thành các mục."), "success")
            return redirect(url_for(".show", draft_id=draft.id))
    return render_template("drafts/new.html", form=form), status


@bp.route("/<int:draft_id>")
@bp.route("/<int:draft_id>/versions/<int:number>")
@lead_office
def show(draft_id: int, number: int | None = None):
    draft, version = _load(draft_id, number)
    return render_template("drafts/show.html", draft=draft, version=version,
                           sections=services.document(version),
                           can_edit=can_edit_draft(current_user, draft),
                           can_correct=can_correct_sections(current_user, version),
                           upload_form=VersionUploadForm(), field_labels=FIELD_LABELS)


@bp.route("/<int:draft_id>/versions/<int:number>/file")
@lead_office
def download(draft_id: int, number: int):
    _draft, version = _load(draft_id, number)
    stored = version.file
    return download_response(stored.data, stored.filename, stored.content_type)


@bp.route("/<int:draft_id>/versions", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def add_version(draft_id: int):
    draft, _version = _load(draft_id)
    form = VersionUploadForm()
    if not form.validate():
        flash(_("Hãy chọn tệp dự thảo."), "error")
        return redirect(url_for(".show", draft_id=draft.id))
    try:
        version = services.add_version(draft, form.file.data.read(),
                                       form.file.data.filename or "", actor=current_user,
                                       now=now_utc(),
                                       max_bytes=current_app.config["DRAFT_MAX_BYTES"])
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".show", draft_id=draft.id))
    db.session.commit()
    flash(_("Đã thêm dự thảo lần %(n)d.", n=version.number), "success")
    return redirect(url_for(".show", draft_id=draft.id, number=version.number))


@bp.route("/<int:draft_id>/versions/<int:number>/sections")
@roles_required(Role.LEAD_STAFF)
def correct(draft_id: int, number: int):
    draft, version = _load(draft_id, number)
    if not can_correct_sections(current_user, version):
        abort(403)
    return render_template("drafts/correct.html", draft=draft, version=version,
                           sections=services.document(version), form=SectionActionForm())


def _act(draft_id, number, section_id, action):
    draft, version, section = _section(draft_id, number, section_id)
    form = SectionActionForm()
    result = run_action(lambda: action(section, form), _("Đã cập nhật cách chia mục."),
                        form=form)
    return redirect(url_for(".correct", draft_id=draft.id, number=version.number,
                            _anchor="s-" + result.key if result else None))


@bp.route("/<int:draft_id>/versions/<int:number>/sections/<int:section_id>/merge",
          methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def merge(draft_id: int, number: int, section_id: int):
    return _act(draft_id, number, section_id, lambda section, form: services.merge_with_previous(
        section, actor=current_user, now=now_utc()))


@bp.route("/<int:draft_id>/versions/<int:number>/sections/<int:section_id>/split",
          methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def split(draft_id: int, number: int, section_id: int):
    return _act(draft_id, number, section_id, lambda section, form: services.split_section(
        section, form.paragraph.data or 0, actor=current_user, now=now_utc()))


@bp.route("/<int:draft_id>/versions/<int:number>/sections/<int:section_id>/level",
          methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def level(draft_id: int, number: int, section_id: int):
    return _act(draft_id, number, section_id, lambda section, form: services.shift_level(
        section, 1 if form.direction.data == "in" else -1, actor=current_user, now=now_utc()))
