"""axe-core (fetched from the npm registry by `make test`) on the main pages of each role:
no serious or critical accessibility violation (WCAG 2 A/AA rules)."""
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_phone import _with_comments

AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe-core-4.10.3" / "axe.min.js"
RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => ['serious', 'critical'].includes(v.impact))
  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
        .map(n => n.target.join(' ')).join(', '))"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` fetches it (scripts/fetch_axe.py).")
    return AXE.read_text()


def test_main_pages_have_no_serious_accessibility_violation(browser, live_server,
                                                           axe_source):
    round_id = _with_comments(live_server.app)
    pages = {
        "trang.syt": ["/", "/drafts/", "/drafts/new", "/drafts/1", "/rounds/", "/rounds/new",
                      f"/rounds/{round_id}", f"/rounds/{round_id}/tracker",
                      f"/rounds/{round_id}/consolidation/", f"/rounds/{round_id}/paper-reply"],
        "hoa.stc": ["/", "/inbox/", f"/inbox/{round_id}", f"/inbox/{round_id}/draft",
                    f"/inbox/{round_id}/review", "/notifications/"],
        "admin": ["/admin/agencies", "/admin/agencies/new", "/admin/groups", "/admin/users",
                  "/admin/audit"],
    }
    found = []
    for login, paths in pages.items():
        # the checker is injected as a script: the test browser lets it past the page's CSP
        context = browser.new_context(locale="vi-VN", bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server, login)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.add_script_tag(content=axe_source)
            found += [f"{login} {path}: {violation}" for violation in page.evaluate(RUN)]
        context.close()
    assert found == []
