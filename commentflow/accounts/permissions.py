"""Permission predicates on users, shared by services and views."""
from flask_babel import gettext as _

from commentflow.accounts.models import Role, User
from commentflow.core.errors import PermissionDenied


def can_manage_directory(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.ADMIN)


def can_read_audit_log(user: User | None) -> bool:
    return can_manage_directory(user)


def require_admin(actor: User | None) -> None:
    if not can_manage_directory(actor):
        raise PermissionDenied(_("Chỉ quản trị viên được thực hiện thao tác này."))
