"""Lead-office pages of a round: prepare, open, extend, add recipients, close, track, export."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.dates import local_to_utc, to_local
from commentflow.core.roles import Role
from commentflow.directory.services import active_agencies, all_groups
from commentflow.drafts.converting import as_requested
from commentflow.drafts.services import agency_drafts
from commentflow.exports.letters import build_letter
from commentflow.extensions import db
from commentflow.rounds import letters, services
from commentflow.rounds.forms import (
    AddRecipientsForm,
    AgencyExtendForm,
    ExtendForm,
    OpenForm,
    RoundForm,
)
from commentflow.rounds.models import ROUND_STATE_LABELS, RoundRecipient, RoundState, Urgency
from commentflow.rounds.permissions import can_create_rounds, can_manage_round
from commentflow.storage.services import download_response
from commentflow.web.auth import roles_required
from commentflow.web.forms import run_action, save_form
from commentflow.web.i18n import label_text
from commentflow.web.security import form_view

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


@bp.app_template_filter("round_state")
def _round_state(state: RoundState) -> str:
    return label_text(ROUND_STATE_LABELS[state])
lead_office = roles_required(Role.LEAD_STAFF, Role.LEADER)
lead_staff = roles_required(Role.LEAD_STAFF)


def _zone() -> str:
    return configured_zone()


def _load(round_id: int, *, manage: bool = False):
    round_ = services.get_round_for_lead(round_id, viewer=current_user)
    if manage and not can_manage_round(current_user, round_):
        abort(403)
    return round_


def _choices(form: RoundForm | AddRecipientsForm) -> None:
    if isinstance(form, RoundForm):
        form.version_ids.choices = [
            (v.id, f"{d.title} — " + _("Dự thảo lần %(n)d", n=v.number)
             + (" — " + _("chưa soát lại nội dung nhận dạng") if v.awaits_review else ""))
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
        agency_ids=form.agency_ids.data or [],
        previous_round_id=int(form.previous_round_id.data)
        if (form.previous_round_id.data or "").isdigit() else None)


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
    page, recipients = services.lead_rounds_page(
        current_user.agency_id, request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"])
    return render_template("rounds/index.html", page=page, rounds=page.items,
                           recipients=recipients, can_create=can_create_rounds(current_user))


def _save(form, save, template, **context):
    """Save the round; a short deadline asks for confirmation beside its check box."""
    saved = save_form(form, lambda: save(_data(form)), lambda _round: _("Đã lưu đợt lấy ý kiến."),
                      lambda round_: url_for(".show", round_id=round_.id))
    return saved or render_template(template, form=form, **context)


@bp.route("/new", methods=["GET", "POST"])
@lead_staff
@form_view
def create():
    form = RoundForm()
    _choices(form)
    previous = None
    if request.method == "GET" and request.args.get("after", "").isdigit():
        previous = _load(int(request.args["after"]), manage=True)
        _fill_follow_up(form, services.follow_up_data(previous, actor=current_user))
    elif request.method == "GET":
        form.place.data = services.suggested_place(current_user.agency)
        form.version_ids.data = [form.version_ids.choices[0][0]] if form.version_ids.choices \
            else []
    elif (form.previous_round_id.data or "").isdigit():
        previous = _load(int(form.previous_round_id.data), manage=True)
    return _save(form, lambda data: services.create_round(
        data, actor=current_user, now=now_utc(), zone=_zone(), confirmed=form.confirmed.data),
        "rounds/form.html", round_=None, previous=previous)


def _fill_follow_up(form: RoundForm, data: services.RoundData) -> None:
    """The form of a follow-up round, proposed from the round it follows."""
    for name in ("subject", "letter_notation", "place", "signer_position", "signer_name",
                 "signer_authority",
                 "signer_head_title", "collecting_unit", "contact", "body",
                 "silence_is_agreement", "version_ids", "agency_ids"):
        getattr(form, name).data = getattr(data, name)
    form.previous_round_id.data = str(data.previous_round_id)


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
        round_, data, actor=current_user, now=now_utc(), zone=_zone(),
        confirmed=form.confirmed.data),
        "rounds/form.html", round_=round_)


@bp.route("/<int:round_id>")
@lead_office
def show(round_id: int):
    round_ = _load(round_id)
    add_form = AddRecipientsForm()
    _choices(add_form)
    return render_template("rounds/show.html", round_=round_, now=now_utc(),
                           can_manage=can_manage_round(current_user, round_),
                           can_follow_up=can_create_rounds(current_user)
                           and can_manage_round(current_user, round_)
                           and round_.state not in (RoundState.DRAFT, RoundState.OPEN),
                           open_form=OpenForm(), extend_form=ExtendForm(), add_form=add_form,
                           agency_extend_form=_agency_extend_form(round_),
                           recipient_lines=letters.letter_recipient_lines(round_))


def _act(round_id: int, action, success: str, form=None):
    round_ = _load(round_id, manage=True)
    form = form or OpenForm()

    run_action(lambda: action(round_, form), success, form=form)
    return redirect(url_for(".show", round_id=round_id))


@bp.route("/<int:round_id>/open", methods=["POST"])
@lead_staff
def open_(round_id: int):
    return _act(round_id, lambda r, f: services.open_round(
        r, actor=current_user, now=now_utc(), zone=_zone(), confirmed=f.confirmed.data),
        _("Đã gửi đợt lấy ý kiến tới các cơ quan, đơn vị."))


@bp.route("/<int:round_id>/extend", methods=["POST"])
@lead_staff
def extend(round_id: int):
    return _act(round_id, lambda r, f: services.extend_deadline(
        r, _deadline(f), actor=current_user, now=now_utc(), zone=_zone(),
        reason=f.reason.data or ""),
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
                                   actor=current_user, now=now_utc(), zone=_zone())

    return _act(round_id, extend, _("Đã gia hạn riêng cho đơn vị."), form)


@bp.route("/<int:round_id>/recipients", methods=["POST"])
@lead_staff
def add_recipients(round_id: int):
    form = AddRecipientsForm()
    _choices(form)
    return _act(round_id, lambda r, f: services.add_recipients(
        r, f.group_ids.data or [], f.agency_ids.data or [], actor=current_user, now=now_utc(),
        zone=_zone()),
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
    data = build_letter(letters.request_letter(round_, _zone()))
    name = f"cong-van-{round_.reference.replace('/', '-') or round_.id}.docx"
    return download_response(*as_requested(data, name, request.args.get("format")))


