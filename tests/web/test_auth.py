"""Logging in and out through HTTP: redirects, cookies, replay, throttling, password change."""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from commentflow.core.roles import Role
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def user(app):
    user = make_user(roles=(Role.STAFF,), full_name="Lê Thị Hoa")
    db.session.commit()
    return user


def _post_login(client, username, password, next_=""):
    token = csrf_token_from(client.get("/login"))
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password, "next": next_})


def test_pages_need_a_login_and_come_back_after_it(client, user):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login?next=" in response.location
    response = _post_login(client, user.username, DEFAULT_PASSWORD, next_="/account/password")
    assert response.status_code == 302 and response.location == "/account/password"
    assert "Lê Thị Hoa" in client.get("/").get_data(as_text=True)


def test_wrong_password_gets_a_vietnamese_message(client, user):
    response = _post_login(client, user.username, "sai")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)",
                                    "http:/evil.example"])
def test_next_never_leaves_the_site(client, user, target):
    response = _post_login(client, user.username, DEFAULT_PASSWORD, next_=target)
    assert response.status_code == 302 and response.location == "/"


def test_session_cookie_replayed_after_logout_is_refused(client, user, app):
    _post_login(client, user.username, DEFAULT_PASSWORD)
    saved = client.get_cookie("session").value
    token = csrf_token_from(client.get("/"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("session", saved)
    response = attacker.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_remember_me_cookie_replayed_after_logout_is_refused(client, user, app):
    token = csrf_token_from(client.get("/login"))
    client.post("/login", data={"csrf_token": token, "username": user.username,
                                "password": DEFAULT_PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token")
    assert remember is not None
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember.value)
    assert fresh.get("/").status_code == 200  # remember-me works while the session lives
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/"))})
    replay = app.test_client()
    replay.set_cookie("remember_token", remember.value)
    assert replay.get("/").status_code == 302


def test_cookies_are_httponly_lax_and_remember_lasts_30_days_at_most(client, user):
    token = csrf_token_from(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "username": user.username,
                                           "password": DEFAULT_PASSWORD, "remember": "y"})
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]
    expires = cookies["remember_token"].split("Expires=")[1].split(";")[0]
    lifetime = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)


def test_cookies_are_secure_over_https(app, user):
    https = app.test_client()
    https.environ_base["wsgi.url_scheme"] = "https"
    page = https.get("/login", base_url="https://localhost")
    response = https.post("/login", base_url="https://localhost", data={
        "csrf_token": csrf_token_from(page), "username": user.username,
        "password": DEFAULT_PASSWORD, "remember": "y"})
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie


def test_deactivating_a_user_ends_their_open_session(app, client, user, login_as):
    login_as(user)
    assert client.get("/").status_code == 200
    admin = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    admin_client = login_as(admin, test_client=app.test_client())
    page = admin_client.get("/admin/users/")
    response = admin_client.post(f"/admin/users/{user.id}/active",
                                 data={"csrf_token": csrf_token_from(page), "active": "0"})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_sixth_failed_login_in_a_minute_is_throttled(client, user):
    for _ in range(5):
        assert _post_login(client, user.username, "sai").status_code == 401
    response = _post_login(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.get_data(as_text=True)


def test_password_change_form(client, user, login_as):
    login_as(user)
    page = client.get("/account/password")
    response = client.post("/account/password", data={
        "csrf_token": csrf_token_from(page), "current": DEFAULT_PASSWORD,
        "new": "mat-khau-moi-rat-dai", "confirm": "mat-khau-moi-rat-dai"})
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/"))})
    assert _post_login(client, user.username, "mat-khau-moi-rat-dai").status_code == 302


def test_password_change_with_mismatch_says_so(client, user, login_as):
    login_as(user)
    page = client.get("/account/password")
    response = client.post("/account/password", data={
        "csrf_token": csrf_token_from(page), "current": DEFAULT_PASSWORD,
        "new": "mat-khau-moi-rat-dai", "confirm": "khac"})
    assert "Hai lần nhập mật khẩu mới không khớp" in response.get_data(as_text=True)


def test_parallel_wrong_passwords_check_exactly_the_limit(app, user):
    """Twelve tries at once on one account: exactly five passwords are checked (the limit),
    the others are refused as throttled without a check."""
    import threading

    from sqlalchemy import func, select

    from commentflow.accounts.models import LoginAttempt

    username = user.username
    clients = [app.test_client() for _ in range(12)]
    tokens = [csrf_token_from(c.get("/login")) for c in clients]
    barrier, statuses = threading.Barrier(len(clients)), []

    def attempt(client, token):
        barrier.wait()
        statuses.append(client.post("/login", data={
            "csrf_token": token, "username": username,
            "password": "sai-mat-khau"}).status_code)

    threads = [threading.Thread(target=attempt, args=pair)
               for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.rollback()
    assert sorted(statuses) == [401] * 5 + [429] * 7
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 5
