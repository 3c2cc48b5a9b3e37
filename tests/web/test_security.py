"""Security headers on every page, and CSRF: refused without a token, typed text kept."""
import re
import stat
import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from commentflow.config import default_database_url, load_secret_key, private_file, private_folder
from commentflow.core.roles import Role
from commentflow.directory.models import Agency
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_round, make_user
from tests.statements import recorded_statements


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


def test_a_signed_in_browsers_style_sheets_and_scripts_cost_no_database_work(app, admin_client):
    """nginx hands /static/ to the app servers too: each page's style sheet and scripts
    asked the database for the session, to decide a header they never get."""
    with recorded_statements() as statements:
        for path in ("/static/css/app.css", "/static/js/autosave.js"):
            response = admin_client.get(path)
            assert response.status_code == 200
            assert response.headers.get("Cache-Control") != "no-store"
        assert statements == []
        assert admin_client.get("/inbox/").headers["Cache-Control"] == "no-store"
        assert statements  # the page itself checked the session


def test_download_names_cannot_forge_headers_and_nothing_signed_in_is_cached(app, login_as):
    """A notation typed as `X"; filename="evil.html` used to end up inside the
    Content-Disposition header; signed-in pages and downloads carried no Cache-Control."""
    lead = make_user(roles=(Role.LEAD_STAFF,))
    agency = make_agency()
    reader = make_user(agency=agency)
    round_ = make_round(lead, [agency], open_=True, letter_notation='X"; filename="evil.html')
    db.session.commit()
    client = login_as(reader)
    download = client.get(f"/inbox/{round_.id}/letter.docx")
    header = download.headers["Content-Disposition"]
    assert download.status_code == 200
    assert re.fullmatch(r"""attachment; filename="[^"]+\.docx"(; filename\*=UTF-8''\S+)?""",
                        header), header
    assert download.headers["Cache-Control"] == "no-store"
    assert client.get("/inbox/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in app.test_client().get("/login").headers.get("Cache-Control", "")


def test_instance_files_are_private(tmp_path, monkeypatch):
    """The SQLite database, the secret key and the development outbox are readable by the
    app's own user alone."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    default_database_url(str(instance))
    load_secret_key(str(instance))
    outbox = private_file(private_folder(instance / "outbox") / "x.eml")

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(instance) == 0o700 and mode(instance / "outbox") == 0o700
    assert mode(instance / "commentflow.sqlite3") == 0o600
    assert mode(instance / "secret_key") == 0o600 and mode(outbox) == 0o600


def test_on_postgresql_the_app_refuses_to_start_without_a_shared_secret_key(monkeypatch):
    """Several app servers share one PostgreSQL: a key made on one machine would break the
    sessions and forms of requests that reach another, so none is made — the app says so."""
    from commentflow import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"DATABASE_URL": "postgresql://commentflow@127.0.0.1/commentflow"})
    monkeypatch.setenv("SECRET_KEY", "a-key-shared-by-every-app-server")
    app = create_app({"DATABASE_URL": "postgresql://commentflow@127.0.0.1/commentflow"})
    assert app.secret_key == "a-key-shared-by-every-app-server"
