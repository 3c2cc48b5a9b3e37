"""Flask-Login wiring: each request's user loaded from its server-side session; pages send
the anonymous to the login form, scripts asking for JSON get a plain 401."""
from flask import flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from commentflow.accounts.sessions import load_session_user
from commentflow.core.clock import now_utc
from commentflow.extensions import login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def _unauthorized():
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(login_manager.login_message)), 401
    flash(str(login_manager.login_message), "info")
    return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))


@login_manager.user_loader
def _load_user(token: str):
    return load_session_user(token, now=now_utc())
