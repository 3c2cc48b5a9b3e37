"""The user's notifications: list and mark as read."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commentflow.core.clock import now_utc
from commentflow.extensions import db
from commentflow.notifications.outbox import failures_page as failed_messages
from commentflow.notifications.services import get_own, mark_read, recent_page
from commentflow.web.auth import admin_required
from commentflow.web.forms import ActionForm
from commentflow.web.navigation import safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    page = recent_page(current_user, request.args.get("page", 1, type=int),
                       current_app.config["PAGE_SIZE"])
    return render_template("notifications/index.html", page=page, notifications=page.items,
                           form=ActionForm())


@bp.route("/<int:notification_id>")
@login_required
def open_(notification_id: int):
    """Mark one notification read and go to its page."""

    notification = get_own(current_user, notification_id)
    mark_read(current_user, notification.id, now=now_utc())
    db.session.commit()
    return redirect(safe_next(notification.url))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    mark_read(current_user, None, now=now_utc())
    db.session.commit()
    return redirect(url_for(".index"))


admin_bp = Blueprint("outbox_admin", __name__, url_prefix="/admin/outbox")


@admin_bp.route("/")
@admin_required
def failures_page():
    """E-mails that could not be delivered (given up, or waiting to be tried again)."""
    page = failed_messages(request.args.get("page", 1, type=int),
                           current_app.config["PAGE_SIZE"])
    return render_template("notifications/outbox.html", page=page, messages=page.items)
