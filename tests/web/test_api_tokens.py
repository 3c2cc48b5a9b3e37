"""API tokens: issued on the admin page and shown once, kept only as a hash, scoped,
revocable, counted against a rate limit in the database, never a person's login."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from commentflow.accounts.api_tokens import READ, RESPOND, count_call, issue_token
from commentflow.accounts.models import ApiToken, User
from commentflow.core.clock import now_utc
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.core.roles import Role
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_user
from tests.web.test_api import bearer, make_token

SECRET = re.compile(r'id="secret"[^>]*value="(cf1_[^"]+)"')


@pytest.fixture
def admin(app):
    user = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    return user


def test_admin_issues_a_token_shown_once_and_stored_only_as_a_hash(
        app, client, login_as, admin):
    agency = make_agency(name="Sở Tư pháp")
    db.session.commit()
    login_as(admin)
    form = client.get("/admin/api-tokens/")
    issued = client.post("/admin/api-tokens/", data={
        "csrf_token": csrf_token_from(form), "name": "QLVB Sở Tư pháp",
        "agency_id": agency.id, "scopes": [READ, RESPOND]})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(issued.get_data(as_text=True)).group(1)
    me = client.get("/api/v1/me", headers=bearer(secret)).get_json()
    assert me["agency"]["name"] == "Sở Tư pháp" and me["scopes"] == [READ, RESPOND]
    listing = client.get("/admin/api-tokens/").get_data(as_text=True)
    assert "QLVB Sở Tư pháp" in listing and secret[:12] in listing and secret not in listing
    assert "1 lần gọi" in listing
    # Nowhere in the database: not the token's row, not the audit log.
    with db.engine.connect() as connection:
        for table in ("api_tokens", "audit_events", "users"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            assert secret not in repr(rows) and secret[4:] not in repr(rows)


def test_a_refused_form_keeps_what_was_typed(client, login_as, admin):
    login_as(admin)
    form = client.get("/admin/api-tokens/")
    refused = client.post("/admin/api-tokens/", data={
        "csrf_token": csrf_token_from(form), "name": "Hệ thống A", "agency_id": 0})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Hãy chọn ít nhất một quyền." in page
    assert 'value="Hệ thống A"' in page and db.session.scalar(select(ApiToken)) is None


def test_revoking_stops_the_token_at_once(app, client, login_as, admin):
    agency = make_agency()
    secret = make_token(agency, {READ})
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    login_as(admin)
    token = db.session.scalar(select(ApiToken))
    page = client.get("/admin/api-tokens/")
    client.post(f"/admin/api-tokens/{token.id}/revoke",
                data={"csrf_token": csrf_token_from(page)})
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    assert "Đã thu hồi" in client.get("/admin/api-tokens/").get_data(as_text=True)


def test_issuing_checks_its_input(app, admin):
    agency = make_agency()
    retired = make_agency(is_active=False)
    for name, agency_id, scopes in (("", agency.id, {READ}), ("A", agency.id, set()),
                                    ("A", agency.id, {"admin"}), ("A", retired.id, {READ})):
        with pytest.raises(ValidationFailed):
            issue_token(name, agency_id, scopes, actor=admin, now=now_utc())
    with pytest.raises(PermissionDenied):
        issue_token("A", agency.id, {READ}, actor=make_user(roles=(Role.LEADER,)), now=now_utc())


def test_the_rate_limit_holds_per_token_and_window(app_factory):
    app = app_factory(API_RATE_LIMIT_PER_MINUTE=2)
    client = app.test_client()
    with app.app_context():
        agency = make_agency()
        secret, other = make_token(agency, {READ}), make_token(agency, {READ})
        db.session.commit()
    assert [client.get("/api/v1/me", headers=bearer(secret)).status_code
            for _ in range(3)] == [200, 200, 429]
    limited = client.get("/api/v1/me", headers=bearer(secret))
    assert int(limited.headers["Retry-After"]) in range(1, 62)
    assert "quá 2 lần trong một phút" in limited.get_json()["message"]
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    with app.app_context():
        called = count_call(secret, now=now_utc() + timedelta(seconds=61), limit=2)
        assert called.wait == 0  # a new window
        token = db.session.get(ApiToken, called.id)
        assert token.call_count == 5 and token.last_used_at is not None


def test_a_tokens_account_is_no_person(app, client, login_as, admin):
    agency = make_agency()
    make_token(agency, {READ, RESPOND})
    db.session.commit()
    account = db.session.scalar(select(User).where(User.is_api_client.is_(True)))
    token = csrf_token_from(client.get("/login"))
    refused = client.post("/login", data={"csrf_token": token, "username": account.username,
                                          "password": "!"})
    assert refused.status_code == 401 and "không đúng" in refused.get_data(as_text=True)
    login_as(admin)
    assert account.full_name not in client.get("/admin/users/").get_data(as_text=True)
    assert client.get(f"/admin/users/{account.id}/edit").status_code == 404
