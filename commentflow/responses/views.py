"""Agency pages of an answer: register, assign, draft comments (autosaved, or read from a
Word file), review, submit."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from commentflow.accounts.models import User
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.dates import local_today, to_local
from commentflow.core.db import loaded_after_commit
from commentflow.core.errors import ValidationFailed
from commentflow.core.pool import keep_plans
from commentflow.drafts.converting import as_requested
from commentflow.drafts.reading import Limits
from commentflow.drafts.shown import shown_sections
from commentflow.exports.letters import build_letter
from commentflow.extensions import db
from commentflow.responses import follow_up, services
from commentflow.responses.forms import (
    AssignForm,
    CommentForm,
    CommentsFileForm,
    ImportedCommentsForm,
    PreviousAnswerForm,
    RegisterForm,
    ReplyLetterForm,
    ReturnForm,
)
from commentflow.responses.letters import comment_paragraphs, reply_letter
from commentflow.responses.models import MAX_COMMENT_CHARS, Comment, Response
from commentflow.responses.permissions import (
    can_approve,
    can_assign,
    can_draft,
    can_read_response,
    can_register,
)
from commentflow.responses.reply_import import (
    imported_row,
    read_reply_for_round,
    section_choices,
)
from commentflow.rounds.services import get_round_for_recipient
from commentflow.signatures.services import checks_of, describe
from commentflow.storage.services import download_response
from commentflow.web.forms import ActionForm, form_errors, run_action, run_for_script
from commentflow.web.urls import urls_by

bp = Blueprint("responses", __name__, url_prefix="/inbox/<int:round_id>")
# An agency's request, drafting page and autosave read its own rows by key.
keep_plans(bp)


def _load(round_id: int):
    return get_round_for_recipient(round_id, viewer=current_user)


def _back(round_id: int, anchor: str | None = None):
    return redirect(url_for("inbox.show", round_id=round_id, _anchor=anchor))


def _run(round_id, action, success, form, anchor=None):
    run_action(lambda: action(form), success, form=form)
    return _back(round_id, anchor)


def _letter(form: ReplyLetterForm) -> services.ReplyLetter:
    scan = form.scan.data
    return services.ReplyLetter(
        number=form.reply_number.data, notation=form.reply_notation.data,
        day=form.reply_date.data,
        scan=(scan.read(), scan.filename or "") if scan and scan.filename else None)


def agency_users(agency_id: int) -> list[User]:
    """The agency's active people, by name (their roles are not read: lists show names)."""
    return list(db.session.scalars(select(User).where(
        User.agency_id == agency_id, User.is_active_account.is_(True),
        User.is_api_client.is_(False))
        .order_by(User.full_name_sort_key).options(lazyload(User.role_rows))))


def panel_context(round_, recipient) -> dict:
    """Everything the inbox page shows about the agency's own handling of the request.
    Each form (and what it proposes: the people, the next register number) is built only
    when the viewer may use it; most views of the page show none of them."""
    assignment, responses = services.handling_of(recipient)
    registration = services.registration_of(recipient)
    checks = checks_of(r.scan_file_id for r in responses)
    now = now_utc()
    accepts_answers = recipient.accepts_answers(now)
    can = {"can_register": can_register(current_user, recipient) and registration is None,
           "can_assign": can_assign(current_user, recipient),
           "can_draft": can_draft(current_user, recipient, assignment),
           "can_approve": can_approve(current_user, recipient)}
    return {
        "registration": registration, "assignment": assignment, "responses": responses,
        "comment_counts": services.comment_counts(responses),
        "signatures": {r.id: describe(checks.get(r.scan_file_id), configured_zone())
                       for r in responses},
        "working": services.editable_response(recipient, among=responses),
        **can, "accepts_answers": accepts_answers,
        "register_form": _register_form(round_, recipient, now)
        if can["can_register"] else None,
        "assign_form": _assign_form(recipient, assignment) if can["can_assign"] else None,
        "letter_form": ReplyLetterForm(reply_notation=recipient.agency.code)
        if can["can_approve"] and accepts_answers else None,
        "outcomes": services.published_outcomes(recipient),
        "report_published": round_.published_at is not None,
    }


def _register_form(round_, recipient, now) -> RegisterForm:
    """Proposed: the day the request reached the agency's inbox (sent here, or received
    from the document exchange), as the clerk's register records it, and the next free
    number of this year's register."""
    zone = configured_zone()
    arrived = to_local(round_.opened_at, zone).date() if round_.opened_at else \
        local_today(now, zone)
    year = local_today(now, zone).year
    return RegisterForm(number=services.next_incoming_number(recipient.agency_id, year),
                        received_on=arrived)


def _assign_form(recipient, assignment) -> AssignForm:
    """The leader's assignment, the agency's active people to choose from."""
    people = [(u.id, u.full_name) for u in agency_users(recipient.agency_id)]
    form = AssignForm(obj=assignment) if assignment else AssignForm()
    form.handler_id.choices = form.coordinator_ids.choices = people
    if assignment and request.method == "GET":
        form.coordinator_ids.data = [u.id for u in assignment.coordinators]
    return form


@bp.route("/register", methods=["POST"])
@login_required
def register(round_id: int):
    _round, recipient = _load(round_id)
    return _run(round_id, lambda f: services.register_request(
        recipient, f.number.data, f.received_on.data, actor=current_user, now=now_utc()),
        _("Đã vào sổ văn bản đến."), RegisterForm(), anchor="handling")


@bp.route("/assign", methods=["POST"])
@login_required
def assign(round_id: int):
    _round, recipient = _load(round_id)
    form = AssignForm()
    people = agency_users(recipient.agency_id)
    form.handler_id.choices = form.coordinator_ids.choices = [(u.id, u.full_name)
                                                              for u in people]
    return _run(round_id, lambda f: services.assign(
        recipient, f.handler_id.data, f.coordinator_ids.data or [], f.internal_due_on.data,
        f.instruction.data or "", actor=current_user, now=now_utc(), zone=configured_zone()),
        _("Đã giao xử lý."), form, anchor="handling")


@bp.route("/draft")
@login_required
def draft(round_id: int):
    round_, recipient = _load(round_id)
    with loaded_after_commit(db.session):
        response = run_action(lambda: services.working_response(recipient, actor=current_user,
                                                                now=now_utc()))
    if response is None:
        return _back(round_id)
    by_section: dict = {}
    comments = services.comments_of(response)
    for comment in comments:
        by_section.setdefault(comment.section_id, []).append(comment)
    documents = [(v, shown_sections(v)) for v in round_.versions]
    commentable = [section for _v, sections in documents for section in sections
                   if section.is_commentable]
    uncommented = [section.anchor for section in commentable if not by_section.get(section.id)]
    following = {}  # each section → the next section still without a comment
    next_free = None
    for section in reversed(commentable):
        following[section.id] = next_free
        if not by_section.get(section.id):
            next_free = section.anchor
    return render_template("responses/draft.html", round_=round_, recipient=recipient,
                           response=response, by_section=by_section, documents=documents,
                           outline=commentable, uncommented=uncommented, following=following,
                           comment_urls=_comment_urls(round_id, comments),
                           saved_by=_saved_by(comments),
                           new_comment_links=_new_comment_links(round_id, commentable),
                           form=CommentForm(),
                           max_chars=MAX_COMMENT_CHARS, file_form=CommentsFileForm(),
                           present_form=ActionForm(),
                           new_section=request.args.get("new", type=int))


def _comment_urls(round_id: int, comments) -> dict:
    """Where the drafting page's forms post: a new comment, and each comment's update and
    deletion (addresses built once: sixty comments cost more in url_for than in forms)."""
    ids = [comment.id for comment in comments]
    update = urls_by(".update_comment", "comment_id", ids, round_id=round_id)
    delete = urls_by(".delete_comment", "comment_id", ids, round_id=round_id)
    urls: dict = {id_: {"update": update[id_], "delete": delete[id_]} for id_ in ids}
    urls["create"] = url_for(".create_comment", round_id=round_id)
    return urls


def _saved_by(comments) -> dict:
    """Each author's "saved by" line, said once for the several comments each one wrote."""
    return {comment.author_id: _("Đã lưu — %(who)s", who=comment.author.full_name)
            for comment in comments}


def _new_comment_links(round_id: int, sections) -> dict:
    """Each commentable section → the page with the new-comment form in that section (the
    way without JavaScript)."""
    return urls_by(".draft", "new", [section.id for section in sections], anchor="new-{}",
                   round_id=round_id)


def _comment_reply(round_id, comment=None, error=None, status=200):
    """JSON for the autosave script; a redirect back to the page otherwise."""
    wants_json = request.accept_mimetypes.best == "application/json"
    if wants_json:
        if error is not None:
            body = {"error": error.message}
            if isinstance(error, services.StaleComment):
                body.update(theirs=error.theirs.text, mine=error.mine,
                            revision=error.theirs.revision)
            return jsonify(body), error.status_code
        return jsonify(id=comment.id, revision=comment.revision,
                       url=url_for(".update_comment", round_id=round_id,
                                   comment_id=comment.id)), status
    if error is not None:
        flash(error.message + (f" — {error.theirs.text}" if isinstance(
            error, services.StaleComment) else ""), "error")
    else:
        flash(_("Đã lưu ý kiến."), "success")
    anchor = f"s-{comment.section.key}" if comment and comment.section else None
    return redirect(url_for(".draft", round_id=round_id, _anchor=anchor))


def _data(form: CommentForm) -> services.CommentData:
    section = form.section_id.data
    return services.CommentData(text=form.text.data or "",
                                section_id=int(section) if section and section.isdigit()
                                else None, proposed_wording=form.proposed_wording.data or "",
                                reason=form.reason.data or "")


@bp.route("/present", methods=["POST"])
@login_required
def present(round_id: int):
    """"Trình lãnh đạo": hand the answer to the agency's leaders for approval."""
    _round, recipient = _load(round_id)
    run_action(lambda: services.present_to_leaders(recipient, actor=current_user,
                                                   now=now_utc()),
               _("Đã trình lãnh đạo; lãnh đạo đơn vị đã được thông báo."), form=ActionForm())
    return redirect(url_for(".draft", round_id=round_id))


@bp.route("/previous")
@login_required
def previous(round_id: int):
    """A follow-up round: the agency's comments of the earlier round, to agree or maintain."""
    round_, recipient = _load(round_id)
    if round_.previous_round_id is None:
        abort(404)
    working = services.editable_response(recipient)
    return render_template("responses/previous.html", round_=round_, recipient=recipient,
                           items=follow_up.previous_comments(recipient, working),
                           form=PreviousAnswerForm())


@bp.route("/previous/<int:comment_id>", methods=["POST"])
@login_required
def answer_previous(round_id: int, comment_id: int):
    _round, recipient = _load(round_id)
    form = PreviousAnswerForm()
    run_action(lambda: follow_up.answer_previous(
        recipient, comment_id, form.answer.data or "", form.text.data or "",
        actor=current_user, now=now_utc()), _("Đã lưu ý kiến về nội dung đợt trước."),
        form=form)
    return redirect(url_for(".previous", round_id=round_id, _anchor=f"c{comment_id}"))


@bp.route("/import-comments", methods=["POST"])
@login_required
def import_comments(round_id: int):
    """Step one for agency staff: their Word file (or letter) read into comments to check."""
    round_, recipient = _load(round_id)
    form = CommentsFileForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "error")
        return redirect(url_for(".draft", round_id=round_id))
    response = run_action(lambda: services.working_response(recipient, actor=current_user,
                                                            now=now_utc()))
    if response is None:
        return _back(round_id)
    upload = form.file.data
    try:
        _reading, placed = read_reply_for_round(
            round_, upload.read(), upload.filename or "",
            max_bytes=current_app.config["DRAFT_MAX_BYTES"],
            limits=Limits.for_request(current_app.config))
    except ValidationFailed as error:
        flash(error.message, "error")
        return redirect(url_for(".draft", round_id=round_id))
    review = _imported_form(round_, formdata=None, comments=[imported_row(p) for p in placed])
    return render_template("responses/import_review.html", round_=round_,
                           recipient=recipient, form=review, filename=upload.filename)


def _imported_form(round_, **values) -> ImportedCommentsForm:
    form = ImportedCommentsForm(**values)
    choices = section_choices(round_)
    for entry in form.comments:
        entry.section_id.choices = choices
    return form


@bp.route("/import-comments/confirm", methods=["POST"])
@login_required
def confirm_imported_comments(round_id: int):
    """Step two: the checked comments saved as ordinary comments of the working answer."""
    round_, recipient = _load(round_id)
    form = _imported_form(round_)
    if not form.validate_on_submit():
        return render_template("responses/import_review.html", round_=round_,
                               recipient=recipient, form=form, filename=""), 422

    def save() -> int:
        rows = [entry for entry in form.comments if (entry.text.data or "").strip()]
        if not rows:
            raise ValidationFailed(_("Không còn ý kiến nào để thêm."))
        response = services.working_response(recipient, actor=current_user, now=now_utc())
        for entry in rows:
            services.save_comment(response, services.CommentData(
                text=entry.text.data, section_id=entry.section_id.data,
                proposed_wording=entry.proposed_wording.data or "",
                reason=entry.reason.data or ""), actor=current_user, now=now_utc())
        return len(rows)

    run_action(save, lambda count: _("Đã thêm %(n)d ý kiến từ tệp vào bản soạn.", n=count))
    return redirect(url_for(".draft", round_id=round_id))


@bp.route("/comments", methods=["POST"])
@login_required
def create_comment(round_id: int):
    form = CommentForm()
    data = _data(form)
    read = services.read_before_saving(current_user, round_id, data.section_id)
    comment, error = run_for_script(lambda: services.add_comment(
        read.recipient, data, actor=current_user, now=now_utc(), read=read))
    return _comment_reply(round_id, comment, error=error, status=201)


def _own_comment(recipient, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.response.recipient_id != recipient.id:
        abort(404)
    return comment


@bp.route("/comments/<int:comment_id>", methods=["POST"])
@login_required
def update_comment(round_id: int, comment_id: int):
    form = CommentForm()
    data = _data(form)
    read = services.read_before_saving(current_user, round_id, data.section_id)
    comment = _own_comment(read.recipient, comment_id)  # its answer is among those just read
    revision = int(form.revision.data) if (form.revision.data or "").isdigit() else None
    saved, error = run_for_script(lambda: services.save_comment(
        comment.response, data, actor=current_user, now=now_utc(), comment=comment,
        revision=revision, read=read))
    return _comment_reply(round_id, saved, error=error)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@login_required
def delete_comment(round_id: int, comment_id: int):
    _round, recipient = _load(round_id)
    comment = _own_comment(recipient, comment_id)
    run_action(lambda: services.delete_comment(comment, actor=current_user, now=now_utc()),
               _("Đã xóa ý kiến."))
    return redirect(url_for(".draft", round_id=round_id))


def _response(recipient, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.recipient_id != recipient.id:
        abort(404)
    return response


@bp.route("/review")
@login_required
def review(round_id: int):
    round_, recipient = _load(round_id)
    response = services.editable_response(recipient) or services.submitted_response(recipient)
    if response is None:
        flash(_("Chưa có ý kiến nào được soạn."), "info")
        return _back(round_id)
    return render_template("responses/review.html", round_=round_, recipient=recipient,
                           response=response, return_form=ReturnForm(),
                           review_lines=[p.split(". ", 1)[1] for p in comment_paragraphs(response)],
                           letter_form=ReplyLetterForm(reply_notation=recipient.agency.code),
                           can_approve=can_approve(current_user, recipient))


@bp.route("/return", methods=["POST"])
@login_required
def return_(round_id: int):
    _round, recipient = _load(round_id)
    response = services.editable_response(recipient) or abort(404)
    return _run(round_id, lambda f: services.return_response(
        response, f.note.data, actor=current_user, now=now_utc()),
        _("Đã trả lại dự thảo ý kiến cho người soạn."), ReturnForm())


@bp.route("/submit", methods=["POST"])
@login_required
def submit(round_id: int):
    _round, recipient = _load(round_id)
    response = services.editable_response(recipient)
    if response is None:  # a second click after the first one went through
        flash(_("Ý kiến này đã được gửi."), "info")
        return _back(round_id)
    return _run(round_id, lambda f: services.submit_response(
        response, _letter(f), actor=current_user, now=now_utc()),
        _("Đã duyệt và gửi ý kiến tới cơ quan chủ trì."), ReplyLetterForm())


@bp.route("/agree", methods=["POST"])
@login_required
def agree(round_id: int):
    _round, recipient = _load(round_id)
    return _run(round_id, lambda f: services.agree(
        recipient, _letter(f), actor=current_user, now=now_utc()),
        _("Đã gửi văn bản thống nhất, không có ý kiến."), ReplyLetterForm())


@bp.route("/responses/<int:response_id>/letter.docx")
@login_required
def letter(round_id: int, response_id: int):
    _round, recipient = _load(round_id)
    response = _response(recipient, response_id)
    signer = response.submitted_by or current_user
    data = build_letter(reply_letter(response, signer=signer))
    name = (f"cong-van-tra-loi-{response.reference.replace('/', '-')}"
            f"{'' if response.reference else response.id}.docx")
    return download_response(*as_requested(data, name, request.args.get("format")))


@bp.route("/responses/<int:response_id>/scan")
@login_required
def scan(round_id: int, response_id: int):
    _round, recipient = _load(round_id)
    response = _response(recipient, response_id)
    if response.scan is None or not can_read_response(current_user, response):
        abort(404)
    return download_response(response.scan.data, response.scan.filename, "application/pdf",
                             built=False)
