"""Users, server-side sessions and the database-backed login throttle."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commentflow.accounts import services
from commentflow.accounts.models import LoginAttempt, Role, UserSession
from commentflow.accounts.sessions import (
    LoginRefused,
    LoginThrottled,
    authenticate,
    load_session_user,
    open_session,
)
from commentflow.config import DEFAULT_PASSWORD_METHOD
from commentflow.core.clock import now_utc
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.extensions import db
from tests.factories import DEFAULT_PASSWORD, ZONE, make_agency, make_user
from tests.statements import recorded_statements


def test_production_hashing_meets_current_advice():
    method, algorithm, iterations = DEFAULT_PASSWORD_METHOD.split(":")
    assert (method, algorithm) == ("pbkdf2", "sha256") and int(iterations) >= 600_000


def test_admin_creates_a_user_with_roles_and_an_audit_event(app):
    admin = make_user(roles=(Role.ADMIN,))
    agency = make_agency()
    user = services.create_user(
        services.UserData(username="Hoa.STC", full_name="Lê Thị Hoa", agency_id=agency.id,
                          roles={Role.STAFF, Role.CLERK}),
        "mot-mat-khau-dai", actor=admin, now=now_utc())
    db.session.commit()
    assert user.username == "hoa.stc"
    assert user.roles == {Role.STAFF, Role.CLERK}
    assert user.password_hash.startswith("pbkdf2:sha256:")


@pytest.mark.parametrize("password, message", [("ngan", "10 ký tự"),
                                               ("abc-hoa.stc-xyz", "tên đăng nhập")])
def test_weak_passwords_are_refused(app, password, message):
    admin = make_user(roles=(Role.ADMIN,))
    with pytest.raises(ValidationFailed, match=message):
        services.create_user(services.UserData(username="hoa.stc", full_name="Hoa",
                                               agency_id=admin.agency_id, roles={Role.STAFF}),
                             password, actor=admin, now=now_utc())


def test_non_admin_cannot_create_users(app):
    leader = make_user(roles=(Role.LEADER, Role.LEAD_STAFF))
    with pytest.raises(PermissionDenied):
        services.create_user(services.UserData(username="x", full_name="X",
                                               agency_id=leader.agency_id, roles={Role.STAFF}),
                             "mot-mat-khau-dai", actor=leader, now=now_utc())


def test_sessions_end_when_the_user_is_deactivated(app):
    admin = make_user(roles=(Role.ADMIN,))
    user = make_user()
    now = now_utc()
    token = open_session(user, remember=True, now=now).token
    assert load_session_user(token, now=now) is user
    services.set_user_active(user, False, actor=admin, now=now)
    db.session.commit()
    assert load_session_user(token, now=now) is None
    with pytest.raises(LoginRefused):
        authenticate(user.username, DEFAULT_PASSWORD, now=now, zone=ZONE)


def test_password_change_ends_other_sessions_but_keeps_this_one(app):
    user = make_user()
    now = now_utc()
    other = open_session(user, remember=False, now=now).token
    this = open_session(user, remember=False, now=now).token
    services.change_password(user, DEFAULT_PASSWORD, "mat-khau-moi-dai-hon", now=now)
    db.session.commit()
    assert load_session_user(other, now=now) is None
    assert load_session_user(this, now=now) is user


def test_sessions_expire_on_the_server(app):
    user = make_user()
    now = now_utc()
    token = open_session(user, remember=False, now=now).token
    assert load_session_user(token, now=now + timedelta(hours=11)) is user
    assert load_session_user(token, now=now + timedelta(hours=12, seconds=1)) is None
    remembered = open_session(user, remember=True, now=now).token
    assert load_session_user(remembered, now=now + timedelta(days=29)) is user
    assert load_session_user(remembered, now=now + timedelta(days=30, seconds=1)) is None


def _fail(username, now, times=1):
    for _ in range(times):
        with pytest.raises(LoginRefused):
            authenticate(username, "sai-mat-khau", now=now, zone=ZONE)
        db.session.commit()


def test_five_failures_a_minute_lock_the_account_for_the_rest_of_that_minute(app):
    user = make_user()
    db.session.commit()
    start = now_utc()
    _fail(user.username, start, times=5)
    with pytest.raises(LoginThrottled) as caught:
        authenticate(user.username, DEFAULT_PASSWORD, now=start + timedelta(seconds=10), zone=ZONE)
    assert 0 < caught.value.retry_after <= 60
    assert authenticate(user.username, DEFAULT_PASSWORD,
                        now=start + timedelta(seconds=61), zone=ZONE) is user


def test_a_hundred_failures_an_hour_lock_the_account(app):
    user = make_user()
    db.session.commit()
    start = now_utc()
    for minute in range(20):
        _fail(user.username, start + timedelta(minutes=minute), times=5)
    with pytest.raises(LoginThrottled):
        authenticate(user.username, DEFAULT_PASSWORD, now=start + timedelta(minutes=30), zone=ZONE)
    assert authenticate(user.username, DEFAULT_PASSWORD,
                        now=start + timedelta(minutes=61), zone=ZONE) is user


def test_each_window_counts_and_dates_only_its_own_failures_in_one_statement(app):
    """The four limits are read together; older failures must not leak into the minute's
    count or into the minute's wait."""

    user = make_user()
    db.session.commit()
    start = now_utc()
    _fail(user.username, start - timedelta(minutes=30), times=4)
    _fail(user.username, start - timedelta(seconds=10), times=4)
    # Eight failures in the hour, four in the minute: under both limits.
    assert authenticate(user.username, DEFAULT_PASSWORD, now=start, zone=ZONE) is user
    db.session.commit()
    _fail(user.username, start, times=1)
    with recorded_statements() as seen:
        with pytest.raises(LoginThrottled) as caught:
            authenticate(user.username, DEFAULT_PASSWORD, now=start + timedelta(seconds=1),
                         remote_addr="203.0.113.7", zone=ZONE)
    # The wait runs from the oldest failure of the minute (10 s before), not of the hour.
    assert 48 <= caught.value.retry_after <= 52
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")
             and "login_attempts" in s]
    assert len(reads) == 1, reads


def test_throttle_holds_across_two_app_instances_sharing_one_database(app, app_factory):
    user = make_user()
    db.session.commit()
    username = user.username
    other_app = app_factory()
    now = now_utc()
    _fail(username, now, times=3)
    with other_app.app_context():
        _fail(username, now, times=2)
        with pytest.raises(LoginThrottled):
            authenticate(username, DEFAULT_PASSWORD, now=now, zone=ZONE)
        db.session.remove()
    with pytest.raises(LoginThrottled):
        authenticate(username, DEFAULT_PASSWORD, now=now, zone=ZONE)
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 5


def test_unknown_usernames_are_throttled_too(app):
    now = now_utc()
    _fail("khong-ton-tai", now, times=5)
    with pytest.raises(LoginThrottled):
        authenticate("khong-ton-tai", "x", now=now, zone=ZONE)


def test_every_login_is_a_session_row(app):
    user = make_user()
    open_session(user, remember=False, now=now_utc())
    db.session.commit()
    assert db.session.scalar(select(func.count(UserSession.id))) == 1


def test_one_address_trying_many_accounts_is_throttled(app):
    """Password spraying: one wrong try on each of many accounts from one address."""
    user = make_user()
    db.session.commit()
    now = now_utc()
    for n in range(app.config["LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE"]):
        with pytest.raises(LoginRefused):
            authenticate(f"nguoi-dung-{n}", "Matkhau@2024", now=now, remote_addr="203.0.113.9",
                         zone=ZONE)
        db.session.commit()
    with pytest.raises(LoginThrottled) as caught:
        authenticate(user.username, DEFAULT_PASSWORD, now=now, remote_addr="203.0.113.9", zone=ZONE)
    assert "Vui lòng thử lại sau" in caught.value.message and "phút" in caught.value.message
    db.session.rollback()
    # Another address is not held back by the first one's failures.
    assert authenticate(user.username, DEFAULT_PASSWORD, now=now,
                        remote_addr="198.51.100.4", zone=ZONE) is user


def test_unknown_and_known_logins_cost_the_same_password_work(app, monkeypatch):
    """No telling which logins exist from the time a refusal takes: an unknown or inactive
    login is checked against a dummy hash of the same method."""
    import commentflow.accounts.passwords as passwords

    calls = []
    original = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash",
                        lambda stored, given: calls.append(stored.split("$")[0])
                        or original(stored, given))
    user = make_user()
    inactive = make_user(is_active_account=False)
    db.session.commit()
    for name in (user.username, "khong-co-ai", inactive.username):
        with pytest.raises(LoginRefused):
            authenticate(name, "sai-mat-khau-roi", now=now_utc(), zone=ZONE)
        db.session.commit()
    assert len(calls) == 3 and len(set(calls)) == 1  # one verification each, same method


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "1234567890", "matkhau123", "qwertyuiop",
                                      "Password123!", "abc123abc123"])
def test_guessable_passwords_are_refused(app, password):
    user = make_user()
    with pytest.raises(ValidationFailed, match="quá dễ đoán"):
        services.reset_password(user, password, actor=make_user(roles=(Role.ADMIN,)),
                                now=now_utc())


def test_a_phrase_of_words_is_accepted(app):
    user = make_user()
    services.reset_password(user, "ca-phe-sang-thu-hai", actor=make_user(roles=(Role.ADMIN,)),
                            now=now_utc())
