"""Start page (what this user can do) and the interface language switch."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_required

from commentflow.accounts.forms import ROLE_LABELS
from commentflow.accounts.permissions import can_manage_directory
from commentflow.accounts.services import set_locale
from commentflow.core.clock import now_utc
from commentflow.extensions import db
from commentflow.web.navigation import safe_next

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    labels = [label for role, label in ROLE_LABELS.items() if current_user.has_role(role)]
    return render_template("home/index.html", role_labels=labels,
                           can_admin=can_manage_directory(current_user))


@bp.route("/language/<code>", methods=["POST"])
def language(code: str):
    """Switch the interface language (remembered for the user); a POST, as it changes state."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        set_locale(current_user, code, now=now_utc())
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/healthz")
def health():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/csrf-token")
@login_required
def csrf_token():
    """A fresh CSRF token for a page that stayed open longer than a token lives (autosave)."""
    from flask_wtf.csrf import generate_csrf

    return {"token": generate_csrf()}
