"""Shared fixtures: an app on SQLite and on a real PostgreSQL, clients, login, CSRF helpers."""
import contextvars
import os
import re
import shutil
import smtplib
import tempfile

import pytest
from flask import has_request_context, request
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from commentflow import create_app
from commentflow.config import TestConfig
from commentflow.consolidation import revision
from commentflow.extensions import db
from tests.postgres import ThrowawayCluster, find_pg_bin

BACKENDS = ("sqlite", "postgresql")

#: GET pages that write on purpose: an agency opened the request ("Đã xem", who and when, on
#: the lead office's tracker); the drafting page starts the agency's working answer on first
#: use (an amendment starts from what was sent); a comparison of two versions is paired
#: once, on first sight, and kept so that its pairing can be corrected and confirmed.
WRITING_GETS = {"inbox.show", "responses.draft", "revisions.show", "revisions.redline_docx",
                "revisions.comparison_docx"}


@event.listens_for(Session, "before_flush")
def _no_writes_on_get(session, _context, _instances):
    """Reading a page writes nothing: a GET that would flush a change fails the test (a page
    that assigns to a loaded object by mistake would make every view an UPDATE)."""
    if not has_request_context() or request.method not in ("GET", "HEAD") or \
            request.endpoint in WRITING_GETS:
        return
    changed = list(session.new) + list(session.deleted) + [
        o for o in session.dirty if session.is_modified(o)]
    assert not changed, f"GET {request.path} would write {changed[:5]}"


def pytest_sessionstart(session):
    """Compile the translation catalogs, as `make install` does, so English pages work: once,
    in the main process (with pytest-xdist, before its workers start; a worker compiling
    again would rewrite a catalog another worker may be reading)."""
    if hasattr(session.config, "workerinput"):
        return
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", "commentflow/translations"])


def pytest_configure(config):
    """Each pytest-xdist worker gets a temporary folder of its own, for itself and the helpers
    it starts (LibreOffice, Tesseract): a test that looks for helpers left behind on its
    throwaway folders must not see the other worker's, still at work."""
    if not hasattr(config, "workerinput"):
        return
    own = tempfile.mkdtemp(prefix=f"cf-{config.workerinput['workerid']}-")
    os.chmod(own, 0o711)  # the postgres user passes through to its cluster's folder
    os.environ["TMPDIR"] = own
    tempfile.tempdir = own
    config.add_cleanup(lambda: shutil.rmtree(own, ignore_errors=True))


def pytest_addoption(parser):
    parser.addoption("--db", action="append", choices=BACKENDS,
                     help="Run the database tests on this backend only (repeatable). "
                          "Default: both SQLite and PostgreSQL.")


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db") or list(BACKENDS)
        metafunc.parametrize("backend", chosen, scope="session")


@pytest.fixture(scope="session")
def pg_cluster():
    """A real PostgreSQL on loopback: a throwaway cluster, removed at the end of the run."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL is not installed (no pg_ctl). `make test` installs it; "
                    "or run with --db sqlite.")
    cluster = ThrowawayCluster(bin_dir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def database_urls(request, tmp_path_factory):
    """One prepared (create_all) database per backend for the whole session."""
    urls = {}

    def get(backend: str) -> str:
        if backend not in urls:
            if backend == "sqlite":
                url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")
            else:
                cluster = request.getfixturevalue("pg_cluster")
                url = cluster.create_database("commentflow_test")
            _create_schema(url)
            urls[backend] = url
        return urls[backend]

    return get


def _create_schema(url: str) -> None:
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def make_app(url: str, **overrides):
    config = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    config.update(DATABASE_URL=url, **overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def wipe(app) -> None:
    """Empty every table (fast, keeps the schema) so each test starts from nothing, and
    forget the figures kept per consolidation revision (ids and revisions start again)."""
    revision.forget_all()
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
        db.engine.dispose()


def stop_listening(app) -> None:
    """An app that kept a copy of its sessions stops listening for changes."""
    cache = app.extensions.get("commentflow.session_cache")
    if cache is not None:
        cache.stop()


@pytest.fixture
def app_factory(backend, database_urls):
    """Build apps on this test's database; every one is wiped and disposed afterwards."""
    made = []

    def build(**overrides):
        app = make_app(database_urls(backend), **overrides)
        made.append(app)
        return app

    yield build
    for app in made:
        stop_listening(app)
    if made:
        wipe(made[0])
    for app in made[1:]:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(app_factory):
    app = app_factory()
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    Otherwise a request would reuse the test's app context, and with it `g` (where
    Flask-Login caches the user) and the test's database session.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(app, client):
    """Log a user in through the real login form."""
    from tests.factories import DEFAULT_PASSWORD

    def login(user, password=DEFAULT_PASSWORD, remember=False, test_client=None):
        test_client = test_client or client
        token = csrf_token_from(test_client.get("/login"))
        response = test_client.post("/login", data={
            "csrf_token": token, "username": user.username, "password": password,
            "remember": "y" if remember else ""})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return test_client

    return login


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(response) -> str:
    match = CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def fresh_shown_sections():
    """Each test starts with nothing kept of rendered drafts: databases are rebuilt between
    tests, so a version's id (and a fixed clock's circulation time) comes back."""
    from commentflow.drafts.shown import forget_shown_sections

    forget_shown_sections()
    yield


@pytest.fixture(autouse=True)
def smtp_allowlist(monkeypatch):
    """Fail any test that reaches an SMTP server it did not start itself."""
    allowed = set()
    original = smtplib.SMTP.connect

    def guarded(self, host="localhost", port=0, source_address=None):
        if (host, port) not in allowed:
            raise AssertionError(f"unexpected SMTP connection to {host}:{port}")
        return original(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded)
    return allowed  # a test that starts its own SMTP server adds (host, port) here


def pytest_terminal_summary(terminalreporter):
    """Say plainly where the tests ran: each database backend and the real browser."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if report.when != "call" and outcome != "error":
                continue
            if "tests/browser/" in nodeid:
                key = "browser (headless Chromium)"
            elif "[postgresql" in nodeid or "-postgresql" in nodeid:
                key = "PostgreSQL"
            elif "[sqlite" in nodeid or "-sqlite" in nodeid:
                key = "SQLite"
            else:
                key = "no database"
            counts.setdefault(key, {}).setdefault(outcome, 0)
            counts[key][outcome] += 1
    terminalreporter.section("where the tests ran")
    for key in ("SQLite", "PostgreSQL", "browser (headless Chromium)", "no database"):
        if key in counts:
            detail = ", ".join(f"{n} {o}" for o, n in sorted(counts[key].items()))
            terminalreporter.write_line(f"{key}: {detail}")
