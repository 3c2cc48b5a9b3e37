"""Server-side login sessions and the database-backed login throttle."""
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.orm import joinedload, load_only, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import instance_state

from commentflow.accounts.models import LoginAttempt, User, UserRole, UserSession
from commentflow.accounts.passwords import spend_verification_time, verify_password
from commentflow.accounts.session_cache import SignedInCopy, current_cache
from commentflow.audit.services import record_event
from commentflow.core.dates import format_short_datetime
from commentflow.core.errors import DomainError
from commentflow.core.text import normalize
from commentflow.directory.models import Agency
from commentflow.extensions import db


class LoginRefused(DomainError):
    status_code = 401


class LoginThrottled(DomainError):
    status_code = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def _limits(username: str, remote_addr: str | None):
    """(what is counted, window, limit): per account, and per address against password
    spraying over many accounts."""
    config = current_app.config
    yield (LoginAttempt.username == username, timedelta(minutes=1),
           config["LOGIN_FAILURES_PER_MINUTE"])
    yield (LoginAttempt.username == username, timedelta(hours=1),
           config["LOGIN_FAILURES_PER_HOUR"])
    if remote_addr:
        yield (LoginAttempt.remote_addr == remote_addr, timedelta(minutes=1),
               config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"])
        yield (LoginAttempt.remote_addr == remote_addr, timedelta(hours=1),
               config["LOGIN_FAILURES_PER_ADDRESS_PER_HOUR"])


def _failures(limits: list, now: datetime, exclude_id: int) -> list[tuple[int, datetime | None]]:
    """(failed attempts, the oldest of them) within each limit's window, all read in one
    statement: every login runs this, so a morning's burst of sign-ins pays one round trip
    to the database instead of one per limit."""
    columns = []
    for condition, window, _limit in limits:
        counted = and_(condition, LoginAttempt.attempted_at > now - window)
        columns += [func.count(LoginAttempt.id).filter(counted),
                    func.min(LoginAttempt.attempted_at).filter(counted)]
    longest = max(window for _condition, window, _limit in limits)
    row = db.session.execute(select(*columns).where(
        or_(*(condition for condition, _window, _limit in limits)),
        LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > now - longest,
        LoginAttempt.id != exclude_id)).one()
    return [(row[2 * n], row[2 * n + 1]) for n in range(len(limits))]


def check_throttle(attempt: LoginAttempt, *, now: datetime, zone: str) -> None:
    """Refuse when the account, or the address, had too many failed logins in the last
    minute or hour; the message says when the user may try again."""
    limits = list(_limits(attempt.username, attempt.remote_addr))
    for (_condition, window, limit), (count, oldest) in zip(
            limits, _failures(limits, now, attempt.id), strict=True):
        if count >= limit:
            ends = oldest + window
            wait = int((ends - now).total_seconds()) + 1
            raise LoginThrottled(_(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(time)s (khoảng %(minutes)d "
                "phút nữa).", time=format_short_datetime(ends, zone),
                minutes=max(1, round(wait / 60))), retry_after=wait)


def _serialise(username: str) -> None:
    """Concurrent attempts on one login name run one after the other, so that the limit is
    exact: PostgreSQL takes a lock on the name (known or not) until commit; on SQLite the
    attempt row inserted next takes the database's write lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                           {"name": "login:" + username})


def authenticate(username: str, password: str, *, now: datetime, zone: str,
                 remote_addr: str | None = None) -> User:
    """Check a login; every attempt is recorded. Raises LoginThrottled or LoginRefused.

    An unknown or inactive login is refused after the same password work as a wrong
    password, so response times do not tell which logins exist."""
    username = normalize(username).lower()[:64]
    _serialise(username)
    attempt = LoginAttempt(username=username, attempted_at=now, succeeded=False,
                           remote_addr=(remote_addr or "")[:64] or None)
    db.session.add(attempt)
    db.session.flush()
    try:
        check_throttle(attempt, now=now, zone=zone)
    except LoginThrottled:
        db.session.delete(attempt)  # a refused try checks no password, so it does not count
        db.session.flush()
        raise
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None and user.is_active and not user.is_api_client:
        attempt.succeeded = verify_password(user.password_hash, password)
    else:
        spend_verification_time(password)
    if not attempt.succeeded:
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


#: What pages read of the signed-in user and the user's agency on every request (the menu,
#: rights, language); the rest (password hash, sort keys, timestamps) is read when used.
_SIGNED_IN_USER = (User.username, User.full_name, User.position, User.email, User.agency_id,
                   User.is_active_account, User.locale, User.is_api_client)
_SIGNED_IN_AGENCY = (Agency.name, Agency.code, Agency.edoc_code, Agency.kind, Agency.parent_id,
                     Agency.is_active)


@lru_cache(maxsize=1)
def _user_of_live_session():
    return (select(User, UserSession.expires_at)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token == bindparam("token"), UserSession.revoked_at.is_(None),
                   UserSession.expires_at > bindparam("now"), User.is_active_account)
            .options(load_only(*_SIGNED_IN_USER), joinedload(User.role_rows),
                     joinedload(User.agency).load_only(*_SIGNED_IN_AGENCY)))


def load_session_user(token: str, *, now: datetime) -> User | None:
    """The user of a live session token, or None if it was revoked, expired or deactivated."""
    cache = current_cache()
    generation = cache.generation() if cache is not None else None
    if generation is not None:
        copy = cache.get(token, generation)
        if copy is not None and copy.expires_at > now:
            user = _user_from_copy(copy)
            user.current_session_token = token
            return user
    # One statement for the session's validity, its user, the user's roles and agency:
    # every signed-in request not answered from the copy runs it. Built once: making it
    # again on each request cost as much as running it.
    row = db.session.execute(_user_of_live_session(),
                             {"token": token, "now": now}).unique().first()
    if row is None:
        return None
    user, expires_at = row
    if generation is not None:
        cache.put(token, _copy_of(user, expires_at), generation)
    user.current_session_token = token
    return user


def _copy_of(user: User, expires_at: datetime) -> SignedInCopy:
    agency = user.agency
    return SignedInCopy(
        user={"id": user.id, **{column.key: getattr(user, column.key)
                                for column in _SIGNED_IN_USER}},
        roles=tuple({"id": row.id, "user_id": row.user_id, "role": row.role}
                    for row in user.role_rows),
        agency={"id": agency.id, **{column.key: getattr(agency, column.key)
                                    for column in _SIGNED_IN_AGENCY}},
        expires_at=expires_at)


def _loaded(model, values: dict):
    """An object as if just read from the database with these columns (the others load on
    first use), not yet in any session: the values go where the ORM's own loading puts a
    row's columns."""
    instance = model.__mapper__.class_manager.new_instance()
    instance_state(instance).dict.update(values)
    make_transient_to_detached(instance)
    return instance


def _user_from_copy(copy: SignedInCopy) -> User:
    """The copy as this request's own User, in its session, with no query: built fresh on
    each request (never shared between requests or threads). Added to the session as read;
    merged without loading instead if the request has already read one of its rows."""
    user = _loaded(User, copy.user)
    agency = _loaded(Agency, copy.agency)
    roles = [_loaded(UserRole, row) for row in copy.roles]
    set_committed_value(user, "role_rows", roles)
    set_committed_value(user, "agency", agency)
    session = db.session()
    read = session.identity_map
    if any(instance_state(instance).key in read for instance in (user, agency, *roles)):
        return session.merge(user, load=False)
    session.add(user)
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
