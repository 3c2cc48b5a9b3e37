"""Each app process's copy of the sessions it served (commentflow.accounts.session_cache): a
signed-in request answered without a query, and never after the session, the user, the
user's roles or agency changed — on this server or another one."""
import os
import select
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, text, update
from sqlalchemy.engine import make_url

from commentflow.accounts.models import Role, UserRole, UserSession
from commentflow.accounts.session_cache import SessionCache, SignedInCopy, current_cache
from commentflow.core.clock import now_utc
from commentflow.extensions import db
from tests.conftest import _create_schema, csrf_token_from, make_app, stop_listening, wipe
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def cached_app(app_factory):
    return app_factory(SESSION_CACHE_SECONDS=300)  # stopped by app_factory afterwards


@pytest.fixture(scope="module")
def pg_url(pg_cluster):
    url = pg_cluster.create_database("commentflow_session_cache")
    _create_schema(url)
    return url


@pytest.fixture
def pg_apps(pg_url):
    """Apps on PostgreSQL, the only database whose changes reach every process: the first
    keeps a copy of its sessions, any other stands for another app server."""
    made = []

    def build(**overrides):
        app = make_app(pg_url, **overrides)
        made.append(app)
        return app

    yield build
    for app in made:
        stop_listening(app)
    wipe(made[0])
    for app in made[1:]:
        with app.app_context():
            db.engine.dispose()


def _listening(app) -> int | None:
    """Waits until the app's process listens for changes; returns the generation."""
    with app.test_request_context():
        cache = current_cache()
        deadline = time.monotonic() + 30
        while (generation := cache.generation()) is None:
            assert time.monotonic() < deadline, "the session cache never started listening"
            time.sleep(0.02)
        return generation


def _news_reached(app, before: int) -> None:
    """Waits until a change made elsewhere has reached the app's process. PostgreSQL passes
    the notification on as the change commits; the listening thread reads it within a
    millisecond or so (longer when the machine is short of CPU, as under this suite)."""
    deadline = time.monotonic() + 30
    while _listening(app) == before:
        assert time.monotonic() < deadline, "the change never reached this process"
        time.sleep(0.005)


class Statements:
    """Counts the statements the app sends to its database."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def _counted(self, *_args):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(self.engine, "before_cursor_execute", self._counted)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._counted)


def _sign_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={
        "csrf_token": csrf_token_from(client.get("/login")), "username": user.username,
        "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and "/login" not in response.location
    return client


def _user(app, roles=(Role.STAFF,)):
    with app.app_context():
        user = make_user(roles=roles, full_name="Trần Thị Bích Ngọc")
        db.session.commit()
        return user.id, user.username


class _Named:
    def __init__(self, user_id, username):
        self.id, self.username = user_id, username


def _kept(app, client, path="/csrf-token", status=200, *, settle=True):
    """The statements of a request to `path` asked again after one that read the session.
    Signing in changed the user's rows, and PostgreSQL's news of that may still be on its
    way, emptying the copy just made (under a loaded suite, as it did): asked again until
    that news has come, then the request must cost nothing (`settle=False`: asked once)."""
    deadline = time.monotonic() + 30
    while True:
        assert client.get(path).status_code == status  # read once, and kept
        with Statements(app) as statements:
            response = client.get(path)
        assert response.status_code == status
        if not settle or statements.count == 0 or time.monotonic() > deadline:
            return statements.count, response
        time.sleep(0.01)


def _signed_in_and_kept(app, path="/csrf-token", status=200):
    """A user signed in on the app, whose second request to `path` came from the copy."""
    user = _Named(*_user(app))
    client = _sign_in(app, user)
    _listening(app)
    count, _response = _kept(app, client, path, status)
    assert count == 0  # served from the copy
    return user, client


def test_a_signed_in_request_after_the_first_asks_the_database_nothing(backend, cached_app):
    user = _Named(*_user(cached_app))
    client = _sign_in(cached_app, user)
    if backend == "postgresql":
        _listening(cached_app)
    count, response = _kept(cached_app, client, settle=backend == "postgresql")
    assert response.get_json()["token"]
    if backend == "postgresql":
        assert count == 0
    else:  # SQLite cannot tell other processes of a change: each request asks
        assert count == 1
        with cached_app.app_context():
            assert current_cache() is None
    # The user built from the copy serves a whole page: name, agency, menu by role.
    page = client.get("/").get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" in page


def test_signing_out_on_another_server_ends_the_session_here(pg_apps):
    here, there = pg_apps(SESSION_CACHE_SECONDS=300), pg_apps()  # two app servers
    _user, client = _signed_in_and_kept(here)
    before = _listening(here)
    elsewhere = there.test_client()
    elsewhere._cookies = client._cookies  # the same browser, sent to the other server
    page = elsewhere.get("/")
    assert page.status_code == 200
    assert elsewhere.post("/logout", data={"csrf_token": csrf_token_from(page)}) \
        .status_code == 302

    _news_reached(here, before)
    response = client.get("/csrf-token", headers={"Accept": "application/json"})
    assert response.status_code == 401


def test_a_role_given_or_an_account_closed_elsewhere_counts_on_the_next_request(pg_apps):
    cached_app = pg_apps(SESSION_CACHE_SECONDS=300)
    elsewhere = pg_apps()  # the administrator's request, served by another app server
    user, client = _signed_in_and_kept(cached_app, "/admin/users/", 403)  # refused from the copy

    before = _listening(cached_app)
    with elsewhere.app_context():
        db.session.add(UserRole(user_id=user.id, role=Role.ADMIN))
        db.session.commit()
    _news_reached(cached_app, before)
    assert client.get("/admin/users/").status_code == 200

    client.get("/csrf-token")
    before = _listening(cached_app)
    with elsewhere.app_context():
        db.session.execute(text("UPDATE users SET is_active = false WHERE id = :id"),
                           {"id": user.id})
        db.session.commit()
    _news_reached(cached_app, before)
    response = client.get("/admin/users/")
    assert response.status_code == 302 and "/login" in response.location


def test_a_copy_read_before_a_change_and_stored_after_it_is_dropped(pg_apps):
    cached_app = pg_apps(SESSION_CACHE_SECONDS=300)
    # The change comes from another app server: one committed by this app would also move
    # the generation at its own commit, and the loop below could end before the
    # notification is read (the suite failed so under load).
    elsewhere = pg_apps()
    generation = _listening(cached_app)
    copy = SignedInCopy(user={"id": 1}, roles=(), agency={"id": 1},
                        expires_at=now_utc() + timedelta(hours=1))
    with elsewhere.app_context():
        db.session.execute(text("NOTIFY commentflow_sessions"))  # a change, committed
        db.session.commit()
    deadline = time.monotonic() + 30
    while _listening(cached_app) == generation:
        assert time.monotonic() < deadline, "the notification never arrived"
        time.sleep(0.02)
    with cached_app.test_request_context():
        cache = current_cache()
        cache.put("read-before", copy, generation)
        now = cache.generation()
        cache.put("read-after", copy, now)
        assert cache.get("read-before", now) is None
        assert cache.get("read-after", now) is copy


def test_a_connection_lost_while_a_request_looks_at_it_means_asking(pg_url, monkeypatch):
    """The listening thread may close its connection at any moment; a request that picked it
    up just before must ask the database, not fail (psycopg raises its own error there)."""
    import psycopg  # noqa: PLC0415

    cache = SessionCache(make_url(pg_url).get_dialect()().create_connect_args(
        make_url(pg_url)), max_age=300)
    cache._pid = os.getpid()  # no listening thread: the test plays its part
    args, kwargs = cache._connect_args
    connection = psycopg.connect(*args, **kwargs, autocommit=True)
    cache._forget_everything(listening_on=connection)
    assert cache.generation() is not None
    connection.close()
    assert cache.generation() is None  # closed: fileno() raises OperationalError

    # Lost and replaced while the request looked (between picking it up and select()).
    other = psycopg.connect(*args, **kwargs, autocommit=True)
    cache._forget_everything(listening_on=other)
    looked = select.select

    def replaced_meanwhile(*a, **k):
        cache._forget_everything(listening_on=None)
        return looked(*a, **k)

    monkeypatch.setattr(select, "select", replaced_meanwhile)
    try:
        assert cache.generation() is None
    finally:
        other.close()


def test_while_the_listening_connection_is_down_every_request_asks(pg_apps):
    cached_app = pg_apps(SESSION_CACHE_SECONDS=300)
    elsewhere = pg_apps()  # another app server: its changes do not empty this one's copy
    user, client = _signed_in_and_kept(cached_app)

    with elsewhere.app_context():
        db.session.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'commentflow session cache' "
            "AND datname = current_database()"))
        db.session.commit()
    with cached_app.test_request_context():
        deadline = time.monotonic() + 30
        while current_cache()._connection is not None and \
                current_cache().generation() is not None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    with elsewhere.app_context():  # ended while nobody listens: no notification comes here
        db.session.execute(update(UserSession).where(UserSession.user_id == user.id)
                           .values(revoked_at=now_utc()))
        db.session.commit()
    response = client.get("/csrf-token", headers={"Accept": "application/json"})
    assert response.status_code == 401

    # Listening again (a fresh generation): a new login is kept again.
    _signed_in_and_kept(cached_app)


def test_a_session_past_its_end_is_refused_though_kept(pg_apps, monkeypatch):
    cached_app = pg_apps(SESSION_CACHE_SECONDS=300)
    _user, client = _signed_in_and_kept(cached_app)
    later = now_utc() + timedelta(hours=13)  # a login without "remember me" lasts 12 hours
    monkeypatch.setattr("commentflow.accounts.login.now_utc", lambda: later)
    response = client.get("/csrf-token", headers={"Accept": "application/json"})
    assert response.status_code == 401
