"""Lead-office pages of a round: prepare, open, extend, add recipients, close, track, export."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from commentflow.core.clock import now_utc
from commentflow.core.dates import local_to_utc, to_local
from commentflow.core.errors import DomainError
from commentflow.core.roles import Role
from commentflow.directory.services import active_agencies, all_groups
from commentflow.drafts.services import agency_drafts
from commentflow.exports.letters import build_letter
from commentflow.extensions import db
from commentflow.rounds import services, tracker
from commentflow.rounds.forms import (
    AddRecipientsForm,
    AgencyExtendForm,
    ExtendForm,
    OpenForm,
    RoundForm,
    TrackerFilterForm,
)
from commentflow.rounds.models import RoundRecipient, RoundState, Urgency
from commentflow.rounds.permissions import can_create_rounds, can_manage_round
from commentflow.storage.services import XLSX, download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import run_action, validated
from commentflow.web.security import form_view

bp = Blueprint("rounds", __name__, url_prefix="/rounds")
ROUND_STATE_LABELS = {RoundState.DRAFT: _l("Đang soạn"), RoundState.OPEN: _l("Đang lấy ý kiến"),
                      RoundState.CLOSED: _l("Đã kết thúc nhận ý kiến"),
                      RoundState.CONSOLIDATED: _l("Đã tổng hợp"),
                      RoundState.PUBLISHED: _l("Đã công bố kết quả")}


REMINDER_LABELS = {"before_3": _l("Trước 3 ngày"), "before_2": _l("Trước 2 ngày"),
                   "before_1": _l("Trước 1 ngày"), "last_day": _l("Sáng ngày cuối (kèm lãnh đạo)"),
                   "overdue": _l("Thông báo quá hạn")}


@bp.app_template_filter("round_state")
def _round_state(state: RoundState) -> str:
    return str(ROUND_STATE_LABELS[state])
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)
lead_staff = roles_required(Role.LEAD_STAFF)


def _zone() -> str:
    return current_app.config["TIMEZONE"]


def _load(round_id: int, *, manage: bool = False):
    round_ = services.get_round_for_lead(round_id, viewer=current_user)
    if manage and not can_manage_round(current_user, round_):
        abort(403)
    return round_


def _choices(form: RoundForm | AddRecipientsForm) -> None:
    if isinstance(form, RoundForm):
        form.version_ids.choices = [
            (v.id, f"{d.title} — " + _("Dự thảo lần %(n)d", n=v.number))
            for d in agency_drafts(current_user.agency_id) for v in d.versions]
    form.group_ids.choices = [(g.id, f"{g.name} ({len(g.memberships)})")
                              for g in all_groups(include_inactive=False)]
    form.agency_ids.choices = [(a.id, a.name) for a in active_agencies()
                               if a.id != current_user.agency_id]


def _deadline(form) -> object:
    return local_to_utc(form.deadline_date.data, form.deadline_time.data, _zone())


def _data(form: RoundForm) -> services.RoundData:
    return services.RoundData(
        subject=form.subject.data, place=form.place.data, letter_date=form.letter_date.data,
        deadline_at=_deadline(form), signer_position=form.signer_position.data,
        signer_name=form.signer_name.data, letter_number=form.letter_number.data or "",
        letter_notation=form.letter_notation.data, urgency=Urgency(form.urgency.data),
        signer_authority=form.signer_authority.data,
        signer_head_title=form.signer_head_title.data or "",
        collecting_unit=form.collecting_unit.data or "", contact=form.contact.data or "",
        body=form.body.data or "", silence_is_agreement=form.silence_is_agreement.data,
        version_ids=form.version_ids.data or [], group_ids=form.group_ids.data or [],
        agency_ids=form.agency_ids.data or [])


def _fill(form: RoundForm, round_) -> None:
    local = to_local(round_.deadline_at, _zone())
    form.deadline_date.data, form.deadline_time.data = local.date(), local.time()
    form.urgency.data = round_.urgency.value
    form.version_ids.data = [v.id for v in round_.versions]
    form.group_ids.data = [g.id for g in round_.groups]
    grouped = {a.id for g in round_.groups for a in g.agencies}
    form.agency_ids.data = [r.agency_id for r in round_.recipients if r.agency_id not in grouped]


@bp.route("/")
@lead_office
def index():
    return render_template("rounds/index.html", rounds=services.lead_rounds(
        current_user.agency_id), can_create=can_create_rounds(current_user), now=now_utc())


def _save(form, save, template, **context):
    """Validate, call the service, commit; a short deadline asks for confirmation."""
    if form.validate_on_submit():
        try:
            round_ = save(_data(form))
        except services.NeedsConfirmation as question:
            db.session.rollback()
            form.confirmed.errors.append(question.message)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã lưu đợt lấy ý kiến."), "success")
            return redirect(url_for(".show", round_id=round_.id))
    return render_template(template, form=form, **context)


@bp.route("/new", methods=["GET", "POST"])
@lead_staff
@form_view
def create():
    form = RoundForm()
    _choices(form)
    if request.method == "GET":
        form.place.data = services.suggested_place(current_user.agency)
        form.version_ids.data = [form.version_ids.choices[0][0]] if form.version_ids.choices \
            else []
    return _save(form, lambda data: services.create_round(
        data, actor=current_user, now=now_utc(), confirmed=form.confirmed.data),
        "rounds/form.html", round_=None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@lead_staff
@form_view
def edit(round_id: int):
    round_ = _load(round_id, manage=True)
    if round_.state is not RoundState.DRAFT:
        flash(_("Đợt lấy ý kiến đã gửi đi: chỉ còn gia hạn hoặc thêm nơi nhận."), "warning")
        return redirect(url_for(".show", round_id=round_.id))
    form = RoundForm(obj=round_)
    _choices(form)
    if request.method == "GET":
        _fill(form, round_)
    return _save(form, lambda data: services.update_round(
        round_, data, actor=current_user, now=now_utc(), confirmed=form.confirmed.data),
        "rounds/form.html", round_=round_)


@bp.route("/<int:round_id>")
@lead_office
def show(round_id: int):
    round_ = _load(round_id)
    add_form = AddRecipientsForm()
    _choices(add_form)
    return render_template("rounds/show.html", round_=round_, now=now_utc(),
                           can_manage=can_manage_round(current_user, round_),
                           open_form=OpenForm(), extend_form=ExtendForm(), add_form=add_form,
                           agency_extend_form=_agency_extend_form(round_),
                           recipient_lines=services.letter_recipient_lines(round_))


def _act(round_id: int, action, success: str, form=None):
    round_ = _load(round_id, manage=True)
    form = form or OpenForm()

    def act():
        validated(form)
        action(round_, form)

    run_action(act, success)
    return redirect(url_for(".show", round_id=round_id))


@bp.route("/<int:round_id>/open", methods=["POST"])
@lead_staff
def open_(round_id: int):
    return _act(round_id, lambda r, f: services.open_round(
        r, actor=current_user, now=now_utc(), confirmed=f.confirmed.data),
        _("Đã gửi đợt lấy ý kiến tới các cơ quan, đơn vị."))


@bp.route("/<int:round_id>/extend", methods=["POST"])
@lead_staff
def extend(round_id: int):
    return _act(round_id, lambda r, f: services.extend_deadline(
        r, _deadline(f), actor=current_user, now=now_utc(), reason=f.reason.data or ""),
        _("Đã gia hạn cho tất cả nơi nhận."), ExtendForm())


def _agency_extend_form(round_) -> AgencyExtendForm:
    form = AgencyExtendForm()
    form.recipient_id.choices = [(r.id, r.agency.name) for r in round_.recipients]
    return form


@bp.route("/<int:round_id>/recipients/extend", methods=["POST"])
@lead_staff
def extend_one(round_id: int):
    form = _agency_extend_form(_load(round_id, manage=True))

    def extend(round_, form):
        recipient = db.session.get(RoundRecipient, form.recipient_id.data)
        if recipient is None or recipient.round_id != round_.id:
            abort(404)
        services.extend_for_agency(recipient, _deadline(form), form.reason.data or "",
                                   actor=current_user, now=now_utc())

    return _act(round_id, extend, _("Đã gia hạn riêng cho đơn vị."), form)


@bp.route("/<int:round_id>/recipients", methods=["POST"])
@lead_staff
def add_recipients(round_id: int):
    form = AddRecipientsForm()
    _choices(form)
    return _act(round_id, lambda r, f: services.add_recipients(
        r, f.group_ids.data or [], f.agency_ids.data or [], actor=current_user, now=now_utc()),
        _("Đã thêm nơi nhận."), form)


@bp.route("/<int:round_id>/close", methods=["POST"])
@lead_staff
def close(round_id: int):
    return _act(round_id, lambda r, f: services.close_round(r, actor=current_user,
                                                            now=now_utc()),
                _("Đã kết thúc nhận ý kiến."))


@bp.route("/<int:round_id>/letter.docx")
@lead_office
def letter(round_id: int):
    round_ = _load(round_id)
    data = build_letter(services.request_letter(round_, _zone()))
    name = f"cong-van-{round_.reference.replace('/', '-') or round_.id}.docx"
    return download_response(data, name)


@bp.route("/<int:round_id>/tracker")
@lead_office
def tracker_page(round_id: int):
    round_ = _load(round_id)
    rows = tracker.tracker_rows(round_, now=now_utc())
    by_state, by_group = tracker.counts(rows)
    filters = TrackerFilterForm(request.args)
    filters.state.choices = [("", _("Tất cả"))] + [
        (s.value, f"{tracker.STATE_LABELS[s]} ({by_state[s]})") for s in tracker.TrackerState]
    filters.group.choices = [("", _("Tất cả"))] + [
        (str(g.id), f"{g.name} ({by_group[g.id]})") for g in all_groups()]
    shown = tracker.filter_rows(rows, state=filters.state.data or "",
                                group_id=int(filters.group.data) if (filters.group.data or "")
                                .isdigit() else None)
    return render_template("rounds/tracker.html", round_=round_, rows=shown, total=len(rows),
                           can_manage=can_manage_round(current_user, round_),
                           by_state=by_state, labels=tracker.STATE_LABELS, filters=filters,
                           states=list(tracker.TrackerState))


def tracker_table(round_) -> tuple[list[str], list[list]]:
    """The tracker as a header and rows, for spreadsheets."""
    from commentflow.core.dates import format_short_datetime

    zone = _zone()
    rows = tracker.tracker_rows(round_, now=now_utc())
    header = [_("STT"), _("Cơ quan, đơn vị"), _("Nhóm"), _("Trạng thái"), _("Hạn"),
              _("Đã xem lúc"), _("Người xem"), _("Số, ngày văn bản trả lời"), _("Số ý kiến")]
    data = [[index, row.recipient.agency.name, "; ".join(g.name for g in row.groups),
             str(tracker.STATE_LABELS[row.state]) + (
                 " — " + _("xem như thống nhất") if row.deemed_agreement else ""),
             format_short_datetime(row.recipient.deadline_at, zone),
             format_short_datetime(row.recipient.opened_at, zone)
             if row.recipient.opened_at else "",
             row.recipient.opened_by.full_name if row.recipient.opened_by else "",
             " ".join(p for p in (row.reply_reference, row.reply_date.strftime("%d/%m/%Y")
                                  if row.reply_date else "") if p)
             + (" (" + _("cơ quan chủ trì nhập") + ")" if row.entered_by_lead else ""),
             row.comment_count]
            for index, row in enumerate(rows, start=1)]
    return header, data


@bp.route("/<int:round_id>/tracker.xlsx")
@lead_office
def tracker_export(round_id: int):
    from commentflow.exports.spreadsheets import build_table

    round_ = _load(round_id)
    header, data = tracker_table(round_)
    content = build_table([(_("Theo dõi"), header, data)])
    return download_response(content, f"theo-doi-{round_.id}.xlsx", XLSX)


@bp.route("/<int:round_id>/responses/<int:response_id>")
@lead_office
def response(round_id: int, response_id: int):
    """A submitted response as the lead office sees it (never an agency's unsent work)."""
    from commentflow.responses.letters import comment_paragraphs
    from commentflow.responses.models import Response
    from commentflow.responses.permissions import can_read_response

    round_ = _load(round_id)
    answer = db.session.get(Response, response_id)
    if answer is None or answer.recipient.round_id != round_.id or \
            not can_read_response(current_user, answer):
        abort(404)
    return render_template("rounds/response.html", round_=round_, response=answer,
                           lines=[p.split(". ", 1)[1] for p in comment_paragraphs(answer)])


@bp.route("/<int:round_id>/responses/<int:response_id>/scan")
@lead_office
def response_scan(round_id: int, response_id: int):
    from commentflow.responses.models import Response
    from commentflow.responses.permissions import can_read_response

    round_ = _load(round_id)
    answer = db.session.get(Response, response_id)
    if answer is None or answer.recipient.round_id != round_.id or answer.scan is None or \
            not can_read_response(current_user, answer):
        abort(404)
    return download_response(answer.scan.data, answer.scan.filename, "application/pdf")


@bp.route("/<int:round_id>/paper-reply", methods=["GET", "POST"])
@lead_staff
@form_view
def paper_reply(round_id: int):
    """Type in a reply that came on paper or through e-office, with its comments placed."""
    from commentflow.responses.forms import PaperReplyForm
    from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply

    round_ = _load(round_id, manage=True)
    form = PaperReplyForm()
    form.recipient_id.choices = [(r.id, r.agency.name) for r in round_.recipients]
    sections = [("", _("Ý kiến chung"))] + [
        (s.id, f"{s.key} — {s.citation or s.title[:60]}")
        for v in round_.versions for s in v.sections if s.is_commentable]
    for entry in form.comments:
        entry.section_id.choices = sections
    if form.validate_on_submit():
        recipient = next(r for r in round_.recipients if r.id == form.recipient_id.data)
        comments = [CommentData(text=e.text.data or "", section_id=e.section_id.data,
                                proposed_wording=e.proposed_wording.data or "",
                                reason=e.reason.data or "") for e in form.comments]
        scan = form.scan.data
        letter_ = ReplyLetter(form.reply_number.data, form.reply_notation.data,
                              form.reply_date.data,
                              (scan.read(), scan.filename) if scan and scan.filename else None)
        try:
            record_paper_reply(recipient, letter_, comments, actor=current_user, now=now_utc())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Đã nhập văn bản trả lời của %(name)s.", name=recipient.agency.name),
                  "success")
            return redirect(url_for(".tracker_page", round_id=round_.id))
    return render_template("rounds/paper_reply.html", round_=round_, form=form)


@bp.route("/<int:round_id>/reminders")
@lead_office
def reminders(round_id: int):
    """Which reminders went to whom and when, the e-mails' delivery, and the rules."""
    from commentflow.reminders.services import round_messages, round_reminders
    from commentflow.rounds.forms import ReminderPolicyForm

    round_ = _load(round_id)
    form = ReminderPolicyForm(obj=round_)
    form.reminder_days_before.data = ", ".join(str(d) for d in round_.reminder_days_before)
    return render_template("rounds/reminders.html", round_=round_, form=form,
                           reminders=round_reminders(round_), messages=round_messages(round_),
                           can_manage=can_manage_round(current_user, round_),
                           plan=services_plan(round_), reminder_labels=REMINDER_LABELS)


@bp.route("/<int:round_id>/reminders/policy", methods=["POST"])
@lead_staff
def reminder_policy(round_id: int):
    from commentflow.rounds.forms import ReminderPolicyForm

    round_ = _load(round_id, manage=True)
    form = ReminderPolicyForm()

    def save():
        validated(form)
        services.set_reminder_policy(round_, form.days(), form.reminder_hour.data,
                                     form.remind_on_last_day.data,
                                     form.send_overdue_notice.data, actor=current_user,
                                     now=now_utc())

    run_action(save, _("Đã lưu cách nhắc hạn."))
    return redirect(url_for(".reminders", round_id=round_id))


def services_plan(round_):
    """The moments the round's policy plans for its deadline (before any extension)."""
    from commentflow.reminders.planning import plan

    return plan(round_.deadline_at, round_.reminder_policy, _zone())
