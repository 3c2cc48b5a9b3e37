"""Pages of drafts: list, upload, read with the section tree, correct the split, download."""
import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.core.clock import now_utc
from commentflow.core.errors import ValidationFailed
from commentflow.core.roles import Role
from commentflow.drafts import imports, services
from commentflow.drafts.forms import (
    ACCEPTED_INPUT,
    DraftUploadForm,
    ReviewSectionForm,
    SectionActionForm,
    VersionUploadForm,
)
from commentflow.drafts.models import FIELD_LABELS, DraftSection
from commentflow.drafts.permissions import (
    can_correct_sections,
    can_create_drafts,
    can_edit_draft,
)
from commentflow.drafts.reading import Limits
from commentflow.extensions import db
from commentflow.storage.services import download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import ActionForm, run_action
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
    page, versions = services.agency_drafts_page(
        current_user.agency_id, request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"])
    return render_template("drafts/index.html", page=page, drafts=page.items, versions=versions,
                           imports=imports.pending_imports(current_user.agency_id),
                           can_create=can_create_drafts(current_user))


def _reading_limits() -> Limits:
    return Limits.from_config(current_app.config)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.LEAD_STAFF)
@form_view
def create():
    form = DraftUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data, name = upload.read(), upload.filename or ""
        max_bytes = current_app.config["DRAFT_MAX_BYTES"]
        try:
            if imports.needs_background(data, name, max_bytes=max_bytes):
                job = imports.start_import(form.title.data, data, name, actor=current_user,
                                           now=now_utc(), max_bytes=max_bytes,
                                           limits=_reading_limits())
            else:
                job = None
                draft = services.create_draft(form.title.data, data, name, actor=current_user,
                                              now=now_utc(), max_bytes=max_bytes,
                                              limits=_reading_limits())
        except ValidationFailed as error:
            db.session.rollback()
            form.file.errors.append(error.message)
            status = 422
        else:
            db.session.commit()
            if job is not None:
                return redirect(url_for(".import_progress", import_id=job.id))
            _flash_read(draft.latest_version)
            return redirect(url_for(".show", draft_id=draft.id))
    return render_template("drafts/new.html", form=form, accepted=ACCEPTED_INPUT), status


def _flash_read(version) -> None:
    flash(_("Đã tải lên dự thảo và chia thành các mục."), "success")
    for note in version.notes:
        flash(note, "warning")


@bp.route("/imports/<int:import_id>")
@lead_office
def import_progress(import_id: int):
    job = imports.get_import(import_id, viewer=current_user)
    if job.status == imports.DONE:
        return redirect(_finished_url(job))
    return render_template("drafts/import.html", job=job,
                           status_url=url_for(".import_status", import_id=job.id))


@bp.route("/imports/<int:import_id>/status")
@lead_office
def import_status(import_id: int):
    """Where the import stands, for the progress bar (polled by the page)."""
    job = imports.get_import(import_id, viewer=current_user)
    return jsonify(status=job.status, progress=job.progress, stage=job.stage, error=job.error,
                   url=_finished_url(job) if job.status == imports.DONE else None)


def _finished_url(job) -> str:
    version = job.version
    if version.awaits_review:
        return url_for(".review", draft_id=job.draft_id, number=version.number)
    return url_for(".show", draft_id=job.draft_id, number=version.number)


@bp.route("/<int:draft_id>")
@bp.route("/<int:draft_id>/versions/<int:number>")
@lead_office
def show(draft_id: int, number: int | None = None):
    draft, version = _load(draft_id, number)
    return render_template("drafts/show.html", draft=draft, version=version,
                           sections=services.document(version),
                           can_edit=can_edit_draft(current_user, draft),
                           can_correct=can_correct_sections(current_user, version),
                           upload_form=VersionUploadForm(), field_labels=FIELD_LABELS,
                           accepted=ACCEPTED_INPUT)


@bp.route("/<int:draft_id>/versions/<int:number>/file")
@lead_office
def download(draft_id: int, number: int):
    _draft, version = _load(draft_id, number)
    stored = version.file
    return download_response(stored.data, stored.filename, stored.content_type,
                             built=False)


@bp.route("/<int:draft_id>/versions", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def add_version(draft_id: int):
    draft, _version = _load(draft_id)
    form = VersionUploadForm()
    if not form.validate():
        flash(_("Hãy chọn tệp dự thảo."), "error")
        return redirect(url_for(".show", draft_id=draft.id))
    data, name = form.file.data.read(), form.file.data.filename or ""
    max_bytes = current_app.config["DRAFT_MAX_BYTES"]
    try:
        if imports.needs_background(data, name, max_bytes=max_bytes):
            job = imports.start_import("", data, name, actor=current_user, now=now_utc(),
                                       max_bytes=max_bytes, limits=_reading_limits(),
                                       draft=draft)
            db.session.commit()
            return redirect(url_for(".import_progress", import_id=job.id))
        version = services.add_version(draft, data, name, actor=current_user, now=now_utc(),
                                       max_bytes=max_bytes, limits=_reading_limits())
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".show", draft_id=draft.id))
    db.session.commit()
    flash(_("Đã thêm dự thảo lần %(n)d.", n=version.number), "success")
    for note in version.notes:
        flash(note, "warning")
    return redirect(url_for(".show", draft_id=draft.id, number=version.number))


@bp.route("/<int:draft_id>/versions/<int:number>/review")
@roles_required(Role.LEAD_STAFF)
def review(draft_id: int, number: int):
    """Recognised text beside the page it was read from, section by section."""
    draft, version = _load(draft_id, number)
    if not version.needs_review or not can_correct_sections(current_user, version):
        abort(404)
    return render_template("drafts/review.html", draft=draft, version=version,
                           sections=services.document(version),
                           forms={row.id: ReviewSectionForm(obj=row, prefix=f"s{row.id}")
                                  for row in version.sections},
                           confirm_form=ActionForm())


@bp.route("/<int:draft_id>/versions/<int:number>/review/<int:section_id>", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def review_section(draft_id: int, number: int, section_id: int):
    draft, version, section = _section(draft_id, number, section_id)
    form = ReviewSectionForm(prefix=f"s{section.id}")
    result = run_action(lambda: services.correct_recognised_section(
        section, number=form.number.data or "", title=form.title.data or "",
        text=form.text.data or "", actor=current_user, now=now_utc()),
        _("Đã lưu mục đã soát."), form=form)
    anchor = "s-" + result.key if result else None
    return redirect(url_for(".review", draft_id=draft.id, number=version.number,
                            _anchor=anchor))


@bp.route("/<int:draft_id>/versions/<int:number>/review/confirm", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def confirm_review(draft_id: int, number: int):
    draft, version = _load(draft_id, number)
    done = run_action(lambda: services.confirm_review(version, actor=current_user,
                                                      now=now_utc()),
                      _("Đã xác nhận nội dung nhận dạng; dự thảo có thể gửi lấy ý kiến."),
                      form=ActionForm())
    if not done:
        return redirect(url_for(".review", draft_id=draft.id, number=version.number))
    return redirect(url_for(".show", draft_id=draft.id, number=version.number))


@bp.route("/<int:draft_id>/versions/<int:number>/pages/<int:page>.png")
@lead_office
def page_image(draft_id: int, number: int, page: int):
    _draft, version = _load(draft_id, number)
    stored = services.page_image(version, page)
    response = send_file(io.BytesIO(stored.data), mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
