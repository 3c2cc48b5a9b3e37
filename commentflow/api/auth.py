"""Who is calling the API: the bearer token, its scopes and its rate limit. A session cookie
never authenticates an API call (no CSRF to forge, no browser acting on a system's behalf)."""
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest import abort

from commentflow.accounts.api_tokens import CalledToken, count_call, load_account
from commentflow.accounts.models import User
from commentflow.core.clock import now_utc


def _secret() -> str:
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _refuse(status: int, message: str, **headers):
    abort(status, message=message, headers=headers)


def _authenticate(scopes: tuple[str, ...]) -> tuple[CalledToken, User]:
    limit = current_app.config["API_RATE_LIMIT_PER_MINUTE"]
    token = count_call(_secret(), now=now_utc(), limit=limit)
    account = load_account(token) if token is not None else None
    if account is None:
        _refuse(401, _("Thiếu khóa API hoặc khóa không hợp lệ, đã bị thu hồi."),
                **{"WWW-Authenticate": 'Bearer realm="commentflow"'})
    if token.wait:
        _refuse(429, _("Khóa API này đã gọi quá %(n)d lần trong một phút; hãy thử lại sau "
                       "%(s)d giây.", n=limit, s=token.wait), **{"Retry-After": str(token.wait)})
    if not set(scopes) & set(token.scopes):
        _refuse(403, _("Khóa API này không có quyền \"%(scope)s\" cần cho thao tác này.",
                       scope=" | ".join(scopes)))
    return token, account


def token_required(*scopes: str):
    """The view runs for a live token holding one of the scopes, within its rate limit; the
    token is in g.api_token and the account it acts as in g.api_actor."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.api_token, g.api_actor = _authenticate(scopes)
            return view(*args, **kwargs)

        doc = wrapper.__dict__.setdefault("_apidoc", {}).setdefault("manual_doc", {})
        doc["security"] = [{"bearerAuth": []}]
        doc["x-scope"] = " | ".join(scopes)
        return wrapper

    return decorator


def actor() -> User:
    """The account the calling system acts as: the services check its roles and agency."""
    return g.api_actor
