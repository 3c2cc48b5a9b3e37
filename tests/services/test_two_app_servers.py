"""Two app servers (gunicorn, on two ports) sharing one PostgreSQL, requests alternating
between them as a load balancer without sticky sessions sends them."""
import http.client
import io
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from commentflow.accounts.models import Role
from commentflow.extensions import db
from tests.conftest import CSRF_PATTERN, make_app
from tests.factories import DEFAULT_PASSWORD, make_sent_round, make_user
from tests.nginx import ThrowawayNginx

ROOT = Path(__file__).resolve().parents[2]
SHARED_KEY = "one-key-shared-by-every-app-server"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Keeps one cookie jar and sends each request to the server it is told to."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        from urllib.parse import urlencode

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in value or not cookie_value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie_value
        conn.close()
        return response.status, response.getheader("Location") or "", text


def _token(page: str) -> str:
    match = CSRF_PATTERN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def two_servers(pg_cluster, tmp_path):
    url = pg_cluster.create_database("commentflow_two_app_servers")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SHARED_KEY,
           "COMMENTFLOW_MAIL_TO_FILES": "1"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=300)
    app = make_app(url, SECRET_KEY=SHARED_KEY)
    with app.app_context():
        round_, recipient, _lead = make_sent_round()
        clerk = make_user(roles=(Role.CLERK,), agency=recipient.agency, username="vanthu.stc")
        world = {"round_id": round_.id, "subject": round_.subject, "username": clerk.username,
                 "url": url}
        db.session.commit()
        db.engine.dispose()
    ports = [_free_port(), _free_port()]
    servers = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
         "--access-logformat", "%(m)s %(U)s %(s)s", "app:app"], cwd=ROOT, env=env,
        stdout=open(tmp_path / f"server-{port}.log", "w"), stderr=subprocess.STDOUT)
        for port in ports]
    try:
        for port in ports:
            _wait_until_serving(port)
        yield ports, world
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the app server on port {port} did not start")


def test_a_clerk_signs_in_on_one_server_and_works_on_the_other(two_servers):
    (first, second), world = two_servers
    browser = Browser()
    round_page = f"/inbox/{world['round_id']}"

    # The login form comes from one machine, is posted to the other: the shared key signs
    # the session and the CSRF token alike.
    _, _, login_page = browser.request(first, "GET", "/login")
    status, location, _ = browser.request(second, "POST", "/login", {
        "csrf_token": _token(login_page), "username": world["username"],
        "password": DEFAULT_PASSWORD})
    assert status == 302 and "/login" not in location

    status, _, page = browser.request(first, "GET", round_page)
    assert status == 200 and world["subject"] in page

    # Registered on the second machine, seen on the first.
    status, _, _ = browser.request(second, "POST", f"{round_page}/register", {
        "csrf_token": _token(page), "number": "1875",
        "received_on": date.today().strftime("%d/%m/%Y")})
    assert status == 302
    status, _, page = browser.request(first, "GET", round_page)
    assert status == 200 and re.search(r"\b1875\b", page)
    status, _, page = browser.request(second, "GET", round_page)
    assert status == 200 and re.search(r"\b1875\b", page)

    # Signing out on one machine signs out everywhere the cookie goes. The first machine
    # answered the last requests from its copy of the session; PostgreSQL's notification
    # empties it as the sign-out commits (a millisecond or so; more on a machine as busy
    # as this suite makes it), and the stolen cookie is refused from then on.
    engine = create_engine(world["url"])
    deadline = time.monotonic() + 30  # each listener connects from a thread of its own
    while True:
        with engine.connect() as conn:  # each server listens, so each keeps a copy
            listening = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                "application_name = 'commentflow session cache'")).scalar_one()
        if listening == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    engine.dispose()
    assert listening == 2
    saved = dict(browser.cookies)
    status, _, _ = browser.request(second, "POST", "/logout", {"csrf_token": _token(page)})
    assert status == 302
    replay = Browser()
    replay.cookies = saved
    deadline = time.monotonic() + 30  # ends at the first refusal: milliseconds, unless starved
    while True:
        status, location, _ = replay.request(first, "GET", round_page)
        if status == 302 or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    assert status == 302 and "/login" in location
    status, location, _ = replay.request(second, "GET", round_page)
    assert status == 302 and "/login" in location


def test_through_nginx_the_answers_writes_take_the_lane(two_servers, tmp_path):
    """deploy/nginx.conf in front of the two servers, the first as the pages' workers and the
    second as the writing lane: one clerk's pages come from the first, the registration (a
    write of the answer) goes to the second, and each sees what the other wrote."""
    (pages, lane), world = two_servers
    nginx = ThrowawayNginx(pages, lane).start()
    try:
        browser = Browser()
        round_page = f"/inbox/{world['round_id']}"
        _, _, login_page = browser.request(nginx.port, "GET", "/login")
        status, location, _ = browser.request(nginx.port, "POST", "/login", {
            "csrf_token": _token(login_page), "username": world["username"],
            "password": DEFAULT_PASSWORD})
        assert status == 302 and "/login" not in location
        status, _, page = browser.request(nginx.port, "GET", round_page)
        assert status == 200 and world["subject"] in page
        status, _, _ = browser.request(nginx.port, "POST", f"{round_page}/register", {
            "csrf_token": _token(page), "number": "2159",
            "received_on": date.today().strftime("%d/%m/%Y")})
        assert status == 302
        status, _, page = browser.request(nginx.port, "GET", round_page)
        assert status == 200 and re.search(r"\b2159\b", page)
    finally:
        nginx.stop()
    served = {port: (tmp_path / f"server-{port}.log").read_text() for port in (pages, lane)}
    assert f"POST {round_page}/register 302" in served[lane]
    assert f"POST {round_page}/register" not in served[pages]
    assert f"GET {round_page} 200" in served[pages]
    assert f"GET {round_page} " not in served[lane] and "POST /login" not in served[lane]


def _workers_of(master: int) -> list[int]:
    with open(f"/proc/{master}/task/{master}/children") as children:
        return [int(pid) for pid in children.read().split()]


def test_a_worker_that_sent_a_large_export_is_replaced(pg_cluster, tmp_path):
    """deploy/gunicorn.conf.py: after an export of at least LARGE_DOWNLOAD_BYTES (1 KiB
    here) the worker exits once the file is sent and the master forks a fresh one; the
    download is whole and the next request is served as usual."""
    url = pg_cluster.create_database("commentflow_worker_recycling")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SHARED_KEY,
           "COMMENTFLOW_MAIL_TO_FILES": "1", "COMMENTFLOW_LARGE_DOWNLOAD_KB": "1"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=300)
    app = make_app(url, SECRET_KEY=SHARED_KEY)
    with app.app_context():
        round_, _recipient, lead = make_sent_round()
        world = {"round_id": round_.id, "username": lead.username}
        db.session.commit()
        db.engine.dispose()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env,
        stdout=open(tmp_path / "server.log", "w"), stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(port)
        browser = Browser()
        _, _, login_page = browser.request(port, "GET", "/login")
        status, _, _ = browser.request(port, "POST", "/login", {
            "csrf_token": _token(login_page), "username": world["username"],
            "password": DEFAULT_PASSWORD})
        assert status == 302
        tracker = f"/rounds/{world['round_id']}/tracker"
        status, _, page = browser.request(port, "GET", tracker)
        assert status == 200
        before = _workers_of(server.pid)
        assert len(before) == 1

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", tracker + ".xlsx", headers={
            "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200 and len(body) >= 1024
        assert int(response.getheader("Content-Length")) == len(body)
        assert load_workbook(io.BytesIO(body)).active.max_row >= 2  # a whole workbook

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            after = _workers_of(server.pid)
            if after and after != before:
                break
            time.sleep(0.1)
        assert after and after != before, "the worker was not replaced"
        assert "Replacing the worker after a large export" in \
            (tmp_path / "server.log").read_text()
        # The fresh worker serves the same session (state lives in the database).
        status, _, page = browser.request(port, "GET", tracker)
        assert status == 200 and _token(page)
        # A small page does not replace it.
        assert _workers_of(server.pid) == after
    finally:
        server.terminate()
        server.wait(timeout=30)
