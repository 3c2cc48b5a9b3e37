"""Security headers on every page, and CSRF: refused without a token, typed text kept."""
import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from commentflow.accounts.models import Role
from commentflow.directory.models import Agency
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_user


@pytest.fixture
def admin_client(app, client, login_as):
    admin = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    return login_as(admin)


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(admin_client):
    for path in ("/", "/admin/agencies", "/admin/users/", "/admin/import"):
        html = admin_client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "onclick=" not in html and "onsubmit=" not in html


def test_post_without_csrf_token_is_refused(app, admin_client):
    agency = make_agency()
    db.session.commit()
    response = admin_client.post(f"/admin/agencies/{agency.id}/active", data={"active": "0"})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Agency, agency.id).is_active is True


def _expired_token(app, client) -> str:
    """A token signed for this session two hours ago (the limit is one hour)."""
    page = client.get("/admin/agencies/new")
    csrf_token_from(page)
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    real_time = time.time
    try:
        time.time = lambda: real_time() - 7200
        return serializer.dumps(raw)
    finally:
        time.time = real_time


def test_expired_token_keeps_what_the_user_typed(app, admin_client):
    before = db.session.scalar(select(func.count(Agency.id)))
    response = admin_client.post("/admin/agencies/new", data={
        "csrf_token": _expired_token(app, admin_client), "name": "Sở Khoa học và Công nghệ",
        "code": "SKHCN", "kind": "department", "display_order": "15"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "phiên bảo mật đã hết hạn" in html
    assert 'value="Sở Khoa học và Công nghệ"' in html and 'value="SKHCN"' in html
    assert db.session.scalar(select(func.count(Agency.id))) == before
    # Sending the kept form again with the fresh token on the page saves it.
    data = {"csrf_token": csrf_token_from(response), "name": "Sở Khoa học và Công nghệ",
            "code": "SKHCN", "kind": "department", "display_order": "15"}
    assert admin_client.post("/admin/agencies/new", data=data).status_code == 302
    assert db.session.scalar(select(func.count(Agency.id))) == before + 1
