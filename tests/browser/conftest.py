"""Real-browser fixtures: the app served on a loopback port, driven by Debian's Chromium."""
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from commentflow.core.clock import now_utc
from commentflow.demo.services import build_demo
from commentflow.extensions import db
from tests.conftest import make_app

DEMO_PASSWORD = "mat-khau-demo-2159"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium is not installed (Debian package `chromium`); `make test` "
                "installs it.")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # Waits end as soon as what they wait for shows; the bounds allow for a suite that runs
    # two workers, PostgreSQL and LibreOffice on two cores.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app, url):
        self.app, self.url = app, url


@pytest.fixture
def live_server(tmp_path):
    """The real app on 127.0.0.1 with the demo province on a fresh SQLite database."""
    app = make_app("sqlite:///" + str(tmp_path / "live.sqlite3"))
    with app.app_context():
        db.create_all()
        # The flows send their own rounds, from the lead office's first one.
        build_demo(now=now_utc(), password=DEMO_PASSWORD, with_round=False)
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def allowed_errors() -> list[str]:
    """URL fragments of failed requests a test provokes on purpose."""
    return []


@pytest.fixture
def page(browser, live_server, allowed_errors):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Pages may answer 403/422 on purpose; a missing stylesheet, script or image may not.
    page.on("response", lambda response: response.status >= 400
            and response.request.resource_type != "document"
            and errors.append(f"{response.status} {response.url}"))
    yield page
    context.close()
    unexpected = [e for e in errors if not any(part in e for part in allowed_errors)]
    assert unexpected == [], f"errors in the browser: {unexpected}"


def log_in(page, live_server, username, password=DEMO_PASSWORD):
    page.goto(live_server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
