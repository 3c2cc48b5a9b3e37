"""The lead office's side of the answers: the tracker, a submitted answer and its scan, and
a reply that came on paper or through e-office typed in on the agency's behalf."""
from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.charts import svg
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.dates import local_today
from commentflow.core.errors import ValidationFailed
from commentflow.core.paging import page_of
from commentflow.core.roles import Role
from commentflow.directory.services import all_groups
from commentflow.drafts.reading import Limits
from commentflow.exports.spreadsheets import build_table
from commentflow.extensions import db
from commentflow.responses import tracker, tracker_figures
from commentflow.responses.forms import PaperReplyForm, ReplyFileForm, TrackerFilterForm
from commentflow.responses.letters import comment_paragraphs
from commentflow.responses.models import Response
from commentflow.responses.permissions import can_read_response
from commentflow.responses.reply_import import (
    imported_row,
    read_reply_for_round,
    section_choices,
)
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.permissions import can_manage_round
from commentflow.rounds.services import get_round_for_lead
from commentflow.signatures.services import checks_of, describe
from commentflow.storage.services import XLSX, download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import save_form
from commentflow.web.i18n import translated
from commentflow.web.security import form_view

bp = Blueprint("answers", __name__, url_prefix="/rounds")
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)
lead_staff = roles_required(Role.LEAD_STAFF)


def _load(round_id: int, *, manage: bool = False):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    if manage and not can_manage_round(current_user, round_):
        abort(403)
    return round_


def _submitted(round_, response_id: int) -> Response:
    """A submitted answer of this round: never an agency's unsent work."""
    answer = db.session.get(Response, response_id)
    if answer is None or answer.recipient.round_id != round_.id or \
            not can_read_response(current_user, answer):
        abort(404)
    return answer


@bp.route("/<int:round_id>/tracker")
@lead_office
def tracker_page(round_id: int):
    round_ = _load(round_id)
    rows = tracker.tracker_rows(round_, now=now_utc(), zone=configured_zone(), details=False)
    by_state, by_group = tracker.counts(rows)
    filters = TrackerFilterForm(request.args)
    filters.state.choices = [("", _("Tất cả"))] + [
        (s.value, f"{tracker.STATE_LABELS[s]} ({by_state[s]})") for s in tracker.TrackerState]
    filters.group.choices = [("", _("Tất cả"))] + [
        (str(g.id), f"{g.name} ({by_group[g.id]})") for g in all_groups()]
    matching = tracker.filter_rows(rows, state=filters.state.data or "",
                                   group_id=int(filters.group.data) if (filters.group.data or "")
                                   .isdigit() else None)
    # A page of recipients at a time; the counts and the charts cover all of them.
    shown, pager = page_of(matching, request.args.get("page", 1, type=int),
                           current_app.config["PAGE_SIZE"])
    tracker.load_details(shown, round_)
    signatures = {row.recipient.id: describe(row.signature, configured_zone()) for row in shown}
    page_args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("rounds/tracker.html", round_=round_, rows=shown, total=len(rows),
                           matching=len(matching), pager=pager, page_args=page_args,
                           can_manage=can_manage_round(current_user, round_),
                           by_state=by_state, labels=translated(tracker.STATE_LABELS),
                           filters=filters, signatures=signatures,
                           states=list(tracker.TrackerState), **_charts(round_, rows))


def _charts(round_, rows) -> dict:
    """The tracker's two charts, and their figures for the tables beside them."""
    timeline = tracker_figures.answers_over_time(round_, rows, now=now_utc(),
                                                 zone=configured_zone())
    shares = tracker_figures.shares_by_group(rows)
    return {
        "timeline": timeline, "shares": shares,
        "timeline_chart": svg.timeline(
            timeline.points, start=timeline.start, end=timeline.end, until=timeline.until,
            deadline=timeline.deadline, total=timeline.total,
            title=_("Số văn bản trả lời nhận được theo ngày"),
            description=_("%(n)d trên %(total)d cơ quan, đơn vị đã trả lời; hạn %(day)s.",
                          n=timeline.answered, total=timeline.total,
                          day=timeline.deadline.strftime("%d/%m/%Y")),
            deadline_label=_("Hạn %(day)s", day=timeline.deadline.strftime("%d/%m")),
            total_label=_("Số nơi nhận")),
        "shares_chart": svg.share_bars(
            shares, title=_("Tỷ lệ đã trả lời theo nhóm nơi nhận"),
            description="; ".join(f"{s.label}: {s.part}/{s.whole}" for s in shares)),
    }


@bp.route("/<int:round_id>/tracker.xlsx")
@lead_office
def tracker_export(round_id: int):
    round_ = _load(round_id)
    header, data = tracker.tracker_table(round_, now=now_utc(), zone=configured_zone())
    content = build_table([(_("Theo dõi"), header, data)])
    return download_response(content, f"theo-doi-{round_.id}.xlsx", XLSX)


@bp.route("/<int:round_id>/responses/<int:response_id>")
@lead_office
def response(round_id: int, response_id: int):
    """A submitted response as the lead office sees it."""
    round_ = _load(round_id)
    answer = _submitted(round_, response_id)
    check = checks_of([answer.scan_file_id]).get(answer.scan_file_id)
    return render_template("rounds/response.html", round_=round_, response=answer,
                           lines=[p.split(". ", 1)[1] for p in comment_paragraphs(answer)],
                           signature=describe(check, configured_zone()), check=check)


@bp.route("/<int:round_id>/responses/<int:response_id>/scan")
@lead_office
def response_scan(round_id: int, response_id: int):
    round_ = _load(round_id)
    answer = _submitted(round_, response_id)
    if answer.scan is None:
        abort(404)
    return download_response(answer.scan.data, answer.scan.filename, "application/pdf",
                             built=False)


def _paper_reply_form(round_, **prefilled) -> PaperReplyForm:
    form = PaperReplyForm(**prefilled)
    form.recipient_id.choices = [(r.id, r.agency.name) for r in round_.recipients]
    sections = section_choices(round_)
    for entry in form.comments:
        entry.section_id.choices = sections
    return form


def _record(round_, form: PaperReplyForm):
    recipient = next(r for r in round_.recipients if r.id == form.recipient_id.data)
    comments = [CommentData(text=e.text.data or "", section_id=e.section_id.data,
                            proposed_wording=e.proposed_wording.data or "",
                            reason=e.reason.data or "") for e in form.comments]
    scan = form.scan.data
    letter = ReplyLetter(form.reply_number.data, form.reply_notation.data,
                         form.reply_date.data,
                         (scan.read(), scan.filename) if scan and scan.filename else None)
    record_paper_reply(recipient, letter, comments, actor=current_user, now=now_utc())
    return recipient


@bp.route("/<int:round_id>/paper-reply", methods=["GET", "POST"])
@lead_staff
@form_view
def paper_reply(round_id: int):
    """Type in a reply that came on paper or through e-office, with its comments placed."""
    round_ = _load(round_id, manage=True)
    form = _paper_reply_form(round_)
    saved = save_form(form, lambda: _record(round_, form),
                      lambda recipient: _("Đã nhập văn bản trả lời của %(name)s.",
                                          name=recipient.agency.name),
                      lambda _recipient: url_for(".tracker_page", round_id=round_.id))
    return saved or render_template("rounds/paper_reply.html", round_=round_, form=form)


@bp.route("/<int:round_id>/paper-reply/from-file", methods=["GET", "POST"])
@lead_staff
@form_view
def paper_reply_from_file(round_id: int):
    """Step one of recording a reply from its file: the comments are read and placed, then
    shown in the paper-reply form to be checked and saved (nothing is stored before)."""
    round_ = _load(round_id, manage=True)
    form = ReplyFileForm()
    form.recipient_id.choices = [(r.id, r.agency.name) for r in round_.recipients]
    if form.validate_on_submit():
        upload = form.file.data
        try:
            reading, placed = read_reply_for_round(
                round_, upload.read(), upload.filename or "",
                max_bytes=current_app.config["DRAFT_MAX_BYTES"],
                limits=Limits.for_request(current_app.config))
        except ValidationFailed as error:
            form.file.errors.append(error.message)
        else:
            review = _paper_reply_form(
                round_, formdata=None, recipient_id=form.recipient_id.data,
                reply_number=reading.letter_number, reply_notation=reading.letter_notation,
                reply_date=reading.letter_date or local_today(now_utc(), configured_zone()),
                comments=[imported_row(p) for p in placed])
            flash(_("Đã đọc %(n)d ý kiến từ tệp; hãy kiểm tra từng ý kiến (nhất là những ý kiến "
                    "được đánh dấu cần xem lại), rồi lưu.", n=len(placed)), "info")
            return render_template("rounds/paper_reply.html", round_=round_, form=review,
                                   from_file=True)
    return render_template("rounds/paper_reply_file.html", round_=round_, form=form)

