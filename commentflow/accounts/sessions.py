"""Server-side login sessions and the database-backed login throttle."""
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from commentflow.accounts.models import LoginAttempt, User, UserSession
from commentflow.accounts.passwords import verify_password
from commentflow.audit.services import record_event
from commentflow.core.errors import DomainError
from commentflow.core.text import normalize
from commentflow.extensions import db


class LoginRefused(DomainError):
    status_code = 401


class LoginThrottled(DomainError):
    status_code = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _failures_since(username: str, since: datetime) -> tuple[int, datetime | None]:
    row = db.session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.attempted_at)).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.attempted_at > since,
        )
    ).one()
    return row[0], row[1]


def check_throttle(username: str, *, now: datetime) -> None:
    """Refuse when the account had too many failed logins in the last minute or hour."""
    config = current_app.config
    for window, limit in ((timedelta(minutes=1), config["LOGIN_FAILURES_PER_MINUTE"]),
                          (timedelta(hours=1), config["LOGIN_FAILURES_PER_HOUR"])):
        count, oldest = _failures_since(username, now - window)
        if count >= limit:
            wait = int((oldest + window - now).total_seconds()) + 1
            raise LoginThrottled(_(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.",
                seconds=wait), retry_after=wait)


def _lock_account(username: str) -> User | None:
    """Serialise concurrent attempts on one account (PostgreSQL row lock; SQLite locks anyway)."""
    query = select(User).where(User.username == username)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalar(query)


def authenticate(username: str, password: str, *, now: datetime,
                 remote_addr: str | None = None) -> User:
    """Check a login; every attempt is recorded. Raises LoginThrottled or LoginRefused."""
    username = normalize(username).lower()[:64]
    user = _lock_account(username)
    check_throttle(username, now=now)
    ok = user is not None and user.is_active and verify_password(user.password_hash, password)
    db.session.add(LoginAttempt(username=username, attempted_at=now, succeeded=ok,
                                remote_addr=remote_addr))
    if not ok:
        raise LoginRefused(_("Tên đăng nhập hoặc mật khẩu không đúng."))
    return user


def open_session(user: User, *, remember: bool, now: datetime,
                 remote_addr: str | None = None) -> UserSession:
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_LIFETIME"]
    session = UserSession(token=secrets.token_urlsafe(32), user_id=user.id, created_at=now,
                          expires_at=now + lifetime, is_remembered=remember,
                          remote_addr=remote_addr)
    db.session.add(session)
    user.current_session_token = session.token
    record_event("user.logged_in", user, actor=user, now=now)
    return session


def load_session_user(token: str, *, now: datetime) -> User | None:
    """The user of a live session token, or None if it was revoked, expired or deactivated."""
    session = db.session.scalar(select(UserSession).where(UserSession.token == token))
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        return None
    user = session.user
    if not user.is_active:
        return None
    user.current_session_token = token
    return user


def close_session(token: str | None, *, now: datetime) -> None:
    if token:
        db.session.execute(update(UserSession).where(UserSession.token == token,
                                                     UserSession.revoked_at.is_(None))
                           .values(revoked_at=now))


def close_all_sessions(user: User, *, now: datetime, keep_token: str | None = None) -> None:
    """End every login of this user on the server side (password change, deactivation)."""
    stmt = update(UserSession).where(UserSession.user_id == user.id,
                                     UserSession.revoked_at.is_(None))
    if keep_token:
        stmt = stmt.where(UserSession.token != keep_token)
    db.session.execute(stmt.values(revoked_at=now))
