"""API tokens: issued by an administrator to a system acting for one agency, stored hashed,
scoped, revocable, rate-limited in the database and audited as the account they act through."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, literal, select, update
from sqlalchemy.orm import joinedload

from commentflow.accounts.models import ApiToken, User, UserRole
from commentflow.audit.services import record_event
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


def count_call(secret: str, *, now: datetime, limit: int,
               window: timedelta = timedelta(minutes=1)) -> tuple[int | None, int]:
    """Count one call of the token with this secret against its window: (the token's id, or
    None when no live token has it; 0 when the call is allowed, else the seconds to wait).

    Runs first, in its own short transaction: no row lock is held while the call runs, and on
    SQLite the call's own transaction (which takes the write lock when it begins) starts after."""
    if not _well_formed(secret):
        return None, 0
    fresh = ApiToken.window_started_at.is_(None) | (ApiToken.window_started_at <= now - window)
    at = literal(now, ApiToken.window_started_at.type)
    with db.engine.begin() as connection:
        row = connection.execute(
            update(ApiToken).where(ApiToken.token_hash == hash_secret(secret),
                                   ApiToken.revoked_at.is_(None))
            .values(window_started_at=case((fresh, at), else_=ApiToken.window_started_at),
                    window_calls=case((fresh, 1), else_=ApiToken.window_calls + 1),
                    call_count=ApiToken.call_count + 1, last_used_at=now)
            .returning(ApiToken.id, ApiToken.window_started_at, ApiToken.window_calls)).first()
    if row is None:
        return None, 0
    token_id, started, calls = row
    if calls <= limit:
        return token_id, 0
    return token_id, max(1, int((started + window - now).total_seconds()) + 1)


def load_token(token_id: int) -> ApiToken | None:
    """The token with its account, the account's roles and agency, if it is still live."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id)
        .options(joinedload(ApiToken.user).joinedload(User.role_rows),
                 joinedload(ApiToken.user).joinedload(User.agency),
                 joinedload(ApiToken.agency)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token
