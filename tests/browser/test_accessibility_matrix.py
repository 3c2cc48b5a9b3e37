"""axe-core on every page of the authorization matrix, for each role the matrix lets open it:
every GET route that answers a page (not a download, not JSON), in the matrix's own world
(a draft read from a scan, a second version, a follow-up round, a submitted and an amended
answer), with no serious or critical violation."""
from commentflow.extensions import db
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import RUN, axe_source  # noqa: F401 (fixture)
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.web.test_authorization_matrix import MATRIX, ROLE_OF, build_world


def _world_with_a_user_per_role(app) -> tuple[dict, dict[str, str]]:
    with app.app_context():
        world = build_world()
        logins = {}
        for role, value in ROLE_OF.items():
            user = make_user(roles=(value,), agency=world["agency"], username=f"axe.{role}")
            logins[role] = user.username
        db.session.commit()
        world = {k: v for k, v in world.items() if k != "agency"}
        db.session.remove()
    return world, logins


def _pages_for(app, world, role) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "accounts.login"):
            continue
        if "allowed" in MATRIX[(rule.endpoint, "GET")](role, True):
            paths.append(rule.build({k: world[k] for k in rule.arguments})[1])
    return sorted(paths)


def test_every_page_of_the_matrix_for_each_role_that_sees_it(browser, live_server,
                                                             axe_source):  # noqa: F811
    world, logins = _world_with_a_user_per_role(live_server.app)
    found, checked = [], 0
    for role, username in logins.items():
        context = browser.new_context(locale="vi-VN", bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server, username, DEFAULT_PASSWORD)
        for path in _pages_for(live_server.app, world, role):
            answer = context.request.get(live_server.url + path)
            if answer.status != 200 or "text/html" not in answer.headers["content-type"]:
                continue  # a download, JSON for a script, or a page this world cannot show
            page.goto(live_server.url + path)
            page.add_script_tag(content=axe_source)
            found += [f"{role} {path}: {violation}" for violation in page.evaluate(RUN)]
            checked += 1
        context.close()
    assert found == []
    assert checked >= 60, checked  # the roles' pages were reached, not skipped
