"""The audit log page for administrators."""
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from commentflow.audit.labels import action_label
from commentflow.audit.services import change_lines, recent_events
from commentflow.web.auth import admin_required

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
@admin_required
def index():
    prefix = request.args.get("action", "")
    page = recent_events(action_prefix=prefix, page=request.args.get("page", 1, type=int),
                         per_page=current_app.config["PAGE_SIZE"])
    return render_template("audit/index.html", page=page, action=prefix,
                           change_lines=lambda event: change_lines(event, current_user),
                           action_label=action_label)
