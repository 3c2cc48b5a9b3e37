"""API tokens: issued by an administrator to a system acting for one agency, stored hashed,
scoped, revocable, rate-limited in the database and audited as the account they act through."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import joinedload

from commentflow.accounts.models import ApiToken, User, UserRole
from commentflow.audit.services import record_event
from commentflow.core.db import UTCDateTime
from commentflow.core.errors import ValidationFailed
from commentflow.core.roles import Role
from commentflow.core.text import normalize
from commentflow.directory.models import Agency
from commentflow.directory.permissions import require_admin
from commentflow.extensions import db

READ, RESPOND, LEAD = "read", "respond", "lead"

SCOPE_LABELS = {
    READ: _l("Đọc: văn bản đến của đơn vị, dự thảo, ý kiến của đơn vị"),
    RESPOND: _l("Trả lời: vào sổ, giao xử lý, soạn ý kiến, gửi văn bản trả lời"),
    LEAD: _l("Cơ quan chủ trì: đợt lấy ý kiến, tình hình trả lời, báo cáo tổng hợp"),
}

#: The roles the system's account holds for each scope: the same permission rules as people
#: then apply to it (it answers only for its agency, follows only its agency's rounds).
SCOPE_ROLES = {
    READ: {Role.STAFF},
    RESPOND: {Role.CLERK, Role.LEADER, Role.STAFF},
    LEAD: {Role.LEAD_STAFF},
}

#: Every secret starts so, which lets secret scanners and log filters recognise it.
SECRET_PREFIX = "cf1_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class IssuedToken:
    token: ApiToken
    #: The only time the secret exists outside the caller's system.
    secret: str


def issue_token(name: str, agency_id: int, scopes: set[str], *, actor, now) -> IssuedToken:
    """A new token and the account it acts through; the secret is returned once."""
    require_admin(actor)
    name = normalize(name)
    if not name:
        raise ValidationFailed(_("Hãy đặt tên cho khóa (hệ thống nào dùng nó)."))
    if not scopes or not scopes <= set(SCOPE_ROLES):
        raise ValidationFailed(_("Hãy chọn ít nhất một quyền hợp lệ cho khóa."))
    agency = db.session.get(Agency, agency_id)
    if agency is None or not agency.is_active:
        raise ValidationFailed(_("Hãy chọn một cơ quan, đơn vị đang hoạt động."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    roles = sorted(set().union(*(SCOPE_ROLES[s] for s in scopes)), key=lambda r: r.value)
    user = User(username=f"api-{secrets.token_hex(6)}", full_name=f"{name} (API)",
                agency_id=agency.id, password_hash="!", is_api_client=True,
                created_at=now, updated_at=now,
                role_rows=[UserRole(role=role) for role in roles])
    db.session.add(user)
    db.session.flush()
    token = ApiToken(name=name, agency_id=agency.id, user_id=user.id, scopes=sorted(scopes),
                     token_hash=hash_secret(secret), prefix=secret[:12],
                     created_by_id=actor.id, created_at=now)
    db.session.add(token)
    db.session.flush()
    record_event("api_token.issued", token, actor=actor, now=now,
                 changes={"agency": agency.name, "scopes": sorted(scopes)})
    return IssuedToken(token, secret)


def revoke_token(token: ApiToken, *, actor, now) -> ApiToken:
    """The token stops working at once, on every app server; its account is deactivated."""
    require_admin(actor)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by_id = now, actor.id
        token.user.is_active_account = False
        token.user.deactivated_at = now
        record_event("api_token.revoked", token, actor=actor, now=now)
    return token


def tokens_query():
    return (select(ApiToken).options(joinedload(ApiToken.agency))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                      ApiToken.id.desc()))


def _well_formed(secret: str) -> bool:
    return secret.startswith(SECRET_PREFIX) and len(secret) <= 100


@dataclass(frozen=True)
class CalledToken:
    """What a call needs of its token, as the counting UPDATE returned it."""

    id: int
    name: str
    agency_id: int
    user_id: int
    scopes: list
    #: 0 when the call is within the limit, else the seconds until the window ends.
    wait: int


@lru_cache(maxsize=1)
def _count_statement():
    """Built once (making it again on every call cost as much as running it)."""
    now, since = bindparam("now", type_=UTCDateTime()), bindparam("since", type_=UTCDateTime())
    fresh = ApiToken.window_started_at.is_(None) | (ApiToken.window_started_at <= since)
    return (update(ApiToken).where(ApiToken.token_hash == bindparam("secret_hash"),
                                   ApiToken.revoked_at.is_(None))
            .values(window_started_at=case((fresh, now), else_=ApiToken.window_started_at),
                    window_calls=case((fresh, 1), else_=ApiToken.window_calls + 1),
                    call_count=ApiToken.call_count + 1, last_used_at=now)
            .returning(ApiToken.id, ApiToken.name, ApiToken.agency_id, ApiToken.user_id,
                       ApiToken.scopes, ApiToken.window_started_at, ApiToken.window_calls))


def count_call(secret: str, *, now: datetime, limit: int,
               window: timedelta = timedelta(minutes=1)) -> CalledToken | None:
    """Count one call of the live token with this secret against its window; None when no
    live token has this secret. A revoked token matches no row: this is also the check that
    the token still works, on every app server at once.

    Runs first, in its own short transaction: no row lock is held while the call runs, and on
    SQLite the call's own transaction (which takes the write lock when it begins) starts after."""
    if not _well_formed(secret):
        return None
    with db.engine.begin() as connection:
        row = connection.execute(_count_statement(), {
            "secret_hash": hash_secret(secret), "now": now, "since": now - window}).first()
    if row is None:
        return None
    token_id, name, agency_id, user_id, scopes, started, calls = row
    wait = 0 if calls <= limit else max(1, int((started + window - now).total_seconds()) + 1)
    return CalledToken(token_id, name, agency_id, user_id, scopes, wait)


@lru_cache(maxsize=1)
def _account_statement():
    return (select(User).where(User.id == bindparam("user_id"), User.is_api_client.is_(True))
            .options(joinedload(User.role_rows), joinedload(User.agency)))


def load_account(called: CalledToken) -> User | None:
    """The account the token acts as, with its roles and agency, in one statement."""
    user = db.session.scalars(_account_statement(), {"user_id": called.user_id}).unique().first()
    return user if user is not None and user.is_active else None
