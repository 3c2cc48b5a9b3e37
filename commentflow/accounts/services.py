"""Use cases for users: create, edit, (de)activate, change or reset a password."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import or_, select

from commentflow.accounts.models import Role, User, UserRole
from commentflow.accounts.passwords import check_new_password, hash_password, verify_password
from commentflow.accounts.sessions import close_all_sessions
from commentflow.audit.services import diff, record_event
from commentflow.core.errors import ValidationFailed
from commentflow.core.text import fold, normalize
from commentflow.directory.permissions import require_admin
from commentflow.extensions import db

USER_FIELDS = ("username", "full_name", "position", "email", "agency_id", "locale")


@dataclass
class UserData:
    username: str
    full_name: str
    agency_id: int
    roles: set[Role] = field(default_factory=set)
    position: str | None = None
    email: str | None = None
    locale: str | None = None


def _snapshot(user: User) -> dict:
    values = {name: getattr(user, name) for name in USER_FIELDS}
    values["roles"] = {r.value for r in user.roles}
    return values


def _apply(user: User, data: UserData) -> None:
    username = normalize(data.username).lower()
    clash = db.session.scalar(select(User.id).where(User.username == username,
                                                    User.id != (user.id or 0)))
    if clash is not None:
        raise ValidationFailed(_("Tên đăng nhập \"%(name)s\" đã có người dùng.", name=username))
    if not data.roles:
        raise ValidationFailed(_("Hãy chọn ít nhất một vai trò."))
    user.username = username
    user.full_name = data.full_name
    user.position = normalize(data.position) or None
    user.email = normalize(data.email).lower() or None
    user.agency_id = data.agency_id
    user.locale = data.locale or None
    current = {row.role: row for row in user.role_rows}
    user.role_rows = [current.get(role) or UserRole(role=role) for role in
                      sorted(data.roles, key=lambda r: r.value)]


def create_user(data: UserData, password: str, *, actor, now) -> User:
    require_admin(actor)
    check_new_password(password, username=data.username, personal=(data.full_name, data.email))
    user = User(created_at=now, updated_at=now, password_changed_at=now,
                password_hash=hash_password(password))
    _apply(user, data)
    db.session.add(user)
    db.session.flush()
    record_event("user.created", user, actor=actor, now=now, changes=_snapshot(user))
    return user


def update_user(user: User, data: UserData, *, actor, now) -> User:
    require_admin(actor)
    before = _snapshot(user)
    _apply(user, data)
    user.updated_at = now
    db.session.flush()
    changes = diff(before, _snapshot(user))
    if changes:
        record_event("user.updated", user, actor=actor, now=now, changes=changes)
    return user


def set_user_active(user: User, active: bool, *, actor, now) -> User:
    """Users are never deleted (their names stand on letters): they are deactivated."""
    require_admin(actor)
    if active == user.is_active_account:
        return user
    if not active and user.id == actor.id:
        raise ValidationFailed(_("Bạn không thể tự khóa tài khoản của mình."))
    user.is_active_account = active
    user.deactivated_at = None if active else now
    user.updated_at = now
    if not active:
        close_all_sessions(user, now=now)
    record_event("user.reactivated" if active else "user.deactivated", user,
                 actor=actor, now=now)
    return user


def change_password(user: User, current: str, new: str, *, now) -> None:
    """The user's own change: ends every other session of theirs, keeps this one."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(_("Mật khẩu hiện tại không đúng."))
    check_new_password(new, username=user.username, personal=(user.full_name, user.email))
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    close_all_sessions(user, now=now, keep_token=user.current_session_token)
    record_event("user.password_changed", user, actor=user, now=now)


def reset_password(user: User, new: str, *, actor, now) -> None:
    require_admin(actor)
    check_new_password(new, username=user.username, personal=(user.full_name, user.email))
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    close_all_sessions(user, now=now)
    record_event("user.password_reset", user, actor=actor, now=now)


def set_locale(user: User, locale: str, *, now) -> None:
    user.locale = locale
    user.updated_at = now


def search_users(*, query: str = "", agency_id: int | None = None):
    stmt = select(User).where(User.is_api_client.is_(False))  # tokens have their own page
    folded = fold(query)
    if folded:
        pattern = f"%{folded}%"
        stmt = stmt.where(or_(User.full_name_folded.like(pattern), User.username.like(pattern)))
    if agency_id:
        stmt = stmt.where(User.agency_id == agency_id)
    return stmt.order_by(User.full_name_sort_key, User.id)
