"""Start page (what this user can do) and the interface language switch."""
from flask import (
    Blueprint,
    abort,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from commentflow.accounts.forms import ROLE_LABELS
from commentflow.accounts.services import set_locale
from commentflow.core.clock import configured_zone, now_utc
from commentflow.directory.permissions import can_manage_directory
from commentflow.extensions import db
from commentflow.home.navigation import is_lead_office, main_nav, menu_counts
from commentflow.home.todo import todo_list
from commentflow.notifications.services import unread_count
from commentflow.web.navigation import safe_next

bp = Blueprint("home", __name__)


#: How long the menu's facts (its counts, the unread notifications, whether the agency leads
#: anything) may be reused before they are read again; any change the user makes (a POST)
#: reads them again at once. Every signed-in page shows them: read each time, they were
#: three of a page's ten statements.
MENU_COUNTS_SECONDS = 60


def _remember_menu_counts(todos) -> dict:
    kept = {"user": current_user.id, "at": int(now_utc().timestamp()),
            "n": menu_counts(todos), "leads": is_lead_office(current_user),
            "unread": unread_count(current_user)}
    session["menu_counts"] = kept
    return kept


def _menu_facts() -> dict:
    kept = session.get("menu_counts")
    if kept and kept.get("user") == current_user.id and "unread" in kept and \
            0 <= now_utc().timestamp() - kept.get("at", 0) < MENU_COUNTS_SECONDS:
        return kept
    return _remember_menu_counts(todo_list(current_user._get_current_object(), now=now_utc(),
                                           zone=configured_zone()))


@bp.app_context_processor
def _page_shell():
    """What every signed-in page's frame shows: the menu with its counts, the unread count."""
    if not has_request_context():  # e-mails rendered by the scheduler or the CLI
        return {}
    if not (current_user and current_user.is_authenticated):
        return {"nav_items": [], "nav_counts": {}, "unread_notifications": 0}
    facts = _menu_facts()
    return {"nav_items": main_nav(current_user, leads=facts["leads"]),
            "nav_counts": facts["n"], "unread_notifications": facts["unread"]}


@bp.after_app_request
def _recount_after_changes(response):
    """A POST may have done or added work: the next page counts the menu again."""
    if request.method == "POST" and "menu_counts" in session:
        session.pop("menu_counts")
    return response


@bp.route("/")
@login_required
def index():
    labels = [label for role, label in ROLE_LABELS.items() if current_user.has_role(role)]
    todos = todo_list(current_user._get_current_object(), now=now_utc(), zone=configured_zone())
    _remember_menu_counts(todos)
    return render_template("home/index.html", role_labels=labels,
                           can_admin=can_manage_directory(current_user), todos=todos)


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

    return {"token": generate_csrf()}
