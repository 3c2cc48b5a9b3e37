"""Role checks for views: logged in, and holding one of the roles, or the login page or 403."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from commentflow.core.roles import Role


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
