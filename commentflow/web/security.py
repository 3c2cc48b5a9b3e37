"""Security headers, cookie hardening behind HTTPS, and the CSRF guard for non-form requests."""
from flask import Flask, current_app, request
from flask_login import current_user

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
    if request.path.startswith("/api/"):
        return None  # the API authenticates by a bearer token, never a cookie: nothing to forge
    function = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(function, "csrf_checked_by_form", False):
        return None
    csrf.protect()
    return None


#: Sent with every answer, unless the view has set its own.
_DEFAULT_HEADERS = (("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                    ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"),
                    ("X-Frame-Options", "DENY"),
                    ("Cross-Origin-Opener-Policy", "same-origin"))
_HTTPS_ONLY = (("Strict-Transport-Security", "max-age=31536000"),)


def _add_headers(response):
    headers = response.headers
    # One look at what the view set (setdefault looked at all of them for each header).
    present = {name.lower() for name, _value in headers.items()}
    defaults = _DEFAULT_HEADERS + _HTTPS_ONLY if request.is_secure else _DEFAULT_HEADERS
    headers.extend([(name, value) for name, value in defaults if name.lower() not in present])
    if request.endpoint != "static" and not response.cache_control.private \
            and current_user.is_authenticated:
        # A signed-in page or download may hold an agency's work: no copy in any cache
        # (a shared computer's browser, a proxy), none shown again by "Back" after logout.
        # A view that marks its answer private has said it holds no such work (a list of
        # the round's sections and recipients): the browser may keep it, no proxy.
        # Asked last: a style sheet or script (a page's three or four requests after it)
        # then costs no session check in the database.
        headers["Cache-Control"] = "no-store"
    return response


class SecureCookiesOverHttps:
    """WSGI middleware: every cookie sent over HTTPS gets the Secure flag.

    Flask writes the session cookie, and Flask-Login the remember-me cookie, after all
    after_request hooks; so the flag is added here, on the way out. Behind a reverse proxy,
    ProxyFix (outside this middleware) has already set the scheme from X-Forwarded-Proto.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [(name, value + "; Secure" if name.lower() == "set-cookie"
                        and "; secure" not in value.lower() else value)
                       for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def init_security(app: Flask) -> None:
    app.before_request(_csrf_guard)
    app.after_request(_add_headers)
