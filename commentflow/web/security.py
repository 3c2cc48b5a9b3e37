"""Security headers, cookie hardening behind HTTPS, and the CSRF guard for non-form requests."""
from flask import Flask, current_app, request

from commentflow.extensions import csrf

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def form_view(view):
    """Mark a view whose FlaskForm validates the CSRF token itself.

    Such a view re-shows the form with what the user typed when the token expired,
    instead of the bare 400 page the global guard gives.
    """
    view.csrf_checked_by_form = True
    return view


def _csrf_guard():
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return None
    function = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(function, "csrf_checked_by_form", False):
        return None
    csrf.protect()
    return None


def _add_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        cookies = response.headers.getlist("Set-Cookie")
        if cookies:
            response.headers.remove("Set-Cookie")
            for cookie in cookies:
                if "; secure" not in cookie.lower():
                    cookie += "; Secure"
                response.headers.add("Set-Cookie", cookie)
    return response


def init_security(app: Flask) -> None:
    app.before_request(_csrf_guard)
    app.after_request(_add_headers)
