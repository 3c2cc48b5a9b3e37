"""Flask-Login wiring (sessions loaded from the database) and role checks for views."""
from functools import wraps

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from commentflow.accounts.models import Role
from commentflow.accounts.sessions import load_session_user
from commentflow.core.clock import now_utc
from commentflow.extensions import login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def _unauthorized():
    """Pages go to the login form; scripts asking for JSON get a plain 401."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(login_manager.login_message)), 401
    flash(str(login_manager.login_message), "info")
    return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))


@login_manager.user_loader
def _load_user(token: str):
    return load_session_user(token, now=now_utc())


def roles_required(*roles: Role):
    """Logged in, and holding at least one of the roles; otherwise login page or 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


admin_required = roles_required(Role.ADMIN)
