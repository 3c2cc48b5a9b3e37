"""Who keeps the agency directory (and the users, and reads the audit log)."""
from flask_babel import gettext as _

from commentflow.core.errors import PermissionDenied
from commentflow.core.roles import Role


def can_manage_directory(user) -> bool:
    return user is not None and user.is_active and user.has_role(Role.ADMIN)


def can_read_audit_log(user) -> bool:
    return can_manage_directory(user)


def require_admin(actor) -> None:
    if not can_manage_directory(actor):
        raise PermissionDenied(_("Chỉ quản trị viên được thực hiện thao tác này."))
