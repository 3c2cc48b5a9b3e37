"""The lead office's reminder log for a round (what went to whom, the mail's delivery) and
the round's reminder rules."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.roles import Role
from commentflow.reminders.forms import ReminderPolicyForm
from commentflow.reminders.services import (
    planned_moments,
    round_messages,
    round_reminders,
    set_reminder_policy,
)
from commentflow.rounds.permissions import can_manage_round
from commentflow.rounds.services import get_round_for_lead
from commentflow.web.auth import roles_required
from commentflow.web.forms import run_action

bp = Blueprint("reminders", __name__, url_prefix="/rounds")
REMINDER_LABELS = {"before_3": _l("Trước 3 ngày"), "before_2": _l("Trước 2 ngày"),
                   "before_1": _l("Trước 1 ngày"), "last_day": _l("Sáng ngày cuối (kèm lãnh đạo)"),
                   "overdue": _l("Thông báo quá hạn")}
SKIP_LABELS = {"passed": _l("bỏ qua (đã quá thời điểm)"),
               "opening": _l("bỏ qua (thời điểm đã qua khi gửi văn bản; thông báo gửi văn bản đã "
                             "nhắc hạn)"),
               "nobody": _l("không có người nhận (đơn vị chưa có tài khoản hoạt động)")}


def _load(round_id: int, *, manage: bool = False):
    round_ = get_round_for_lead(round_id, viewer=current_user)
    if manage and not can_manage_round(current_user, round_):
        abort(403)
    return round_


def _page(name: str) -> int:
    return request.args.get(name, 1, type=int)


@bp.route("/<int:round_id>/reminders")
@roles_required(Role.LEAD_STAFF, Role.LEADER)
def log(round_id: int):
    """Which reminders went to whom and when, the e-mails' delivery, and the rules."""
    round_ = _load(round_id)
    form = ReminderPolicyForm(obj=round_)
    form.reminder_days_before.data = ", ".join(str(d) for d in round_.reminder_days_before)
    per_page = current_app.config["PAGE_SIZE"]
    return render_template("rounds/reminders.html", round_=round_, form=form,
                           reminders=round_reminders(round_, _page("page"), per_page),
                           messages=round_messages(round_, _page("messages_page"), per_page),
                           can_manage=can_manage_round(current_user, round_),
                           plan=planned_moments(round_, configured_zone()),
                           reminder_labels=REMINDER_LABELS, skip_labels=SKIP_LABELS)


@bp.route("/<int:round_id>/reminders/policy", methods=["POST"])
@roles_required(Role.LEAD_STAFF)
def policy(round_id: int):
    round_ = _load(round_id, manage=True)
    form = ReminderPolicyForm()

    run_action(lambda: set_reminder_policy(
        round_, form.days(), form.reminder_hour.data, form.remind_on_last_day.data,
        form.send_overdue_notice.data, actor=current_user, now=now_utc()),
        _("Đã lưu cách nhắc hạn."), form=form)
    return redirect(url_for(".log", round_id=round_id))
