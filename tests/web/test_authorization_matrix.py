"""Every route × every role: who may open what. A route missing from MATRIX fails the suite.

Later features extend MATRIX (and the OWN/OTHER agency dimension) for each route they add.
"""
import pytest

from commentflow.accounts.models import Role
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_group, make_user

ROLES = ("anonymous", "admin", "lead_staff", "leader", "staff", "clerk")
ROLE_OF = {"admin": Role.ADMIN, "lead_staff": Role.LEAD_STAFF, "leader": Role.LEADER,
           "staff": Role.STAFF, "clerk": Role.CLERK}

PUBLIC = "public"  #: anyone, logged in or not
ANONYMOUS_ONLY = "anonymous-only"  #: the login page: a logged-in user is sent on
LOGGED_IN = "logged-in"  #: any logged-in user; anonymous → login page
ADMIN = "admin"  #: administrators; other users → 403; anonymous → login page

#: (endpoint, method) → access rule
MATRIX = {
    ("static", "GET"): PUBLIC,
    ("home.health", "GET"): PUBLIC,
    ("home.language", "GET"): PUBLIC,
    ("accounts.login", "GET"): ANONYMOUS_ONLY,
    ("accounts.login", "POST"): ANONYMOUS_ONLY,
    ("accounts.logout", "POST"): PUBLIC,
    ("home.index", "GET"): LOGGED_IN,
    ("accounts.password", "GET"): LOGGED_IN,
    ("accounts.password", "POST"): LOGGED_IN,
    ("directory.agencies", "GET"): ADMIN,
    ("directory.agency_create", "GET"): ADMIN,
    ("directory.agency_create", "POST"): ADMIN,
    ("directory.agency_edit", "GET"): ADMIN,
    ("directory.agency_edit", "POST"): ADMIN,
    ("directory.agency_toggle", "POST"): ADMIN,
    ("directory.groups", "GET"): ADMIN,
    ("directory.group_create", "GET"): ADMIN,
    ("directory.group_create", "POST"): ADMIN,
    ("directory.group_edit", "GET"): ADMIN,
    ("directory.group_edit", "POST"): ADMIN,
    ("directory.group_toggle", "POST"): ADMIN,
    ("directory.import_file", "GET"): ADMIN,
    ("directory.import_file", "POST"): ADMIN,
    ("directory.import_template", "GET"): ADMIN,
    ("users_admin.index", "GET"): ADMIN,
    ("users_admin.create", "GET"): ADMIN,
    ("users_admin.create", "POST"): ADMIN,
    ("users_admin.edit", "GET"): ADMIN,
    ("users_admin.edit", "POST"): ADMIN,
    ("users_admin.toggle_active", "POST"): ADMIN,
    ("users_admin.reset", "POST"): ADMIN,
    ("audit.index", "GET"): ADMIN,
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_matrix(app):
    missing = [(rule.endpoint, method, rule.rule) for rule, method in _routes(app)
               if (rule.endpoint, method) not in MATRIX]
    assert missing == [], "add these routes to MATRIX with their access rule"
    stale = set(MATRIX) - {(rule.endpoint, method) for rule, method in _routes(app)}
    assert stale == set(), "MATRIX names routes that no longer exist"


def _expected(rule: str, role: str) -> set[str]:
    if rule == PUBLIC:
        return {"allowed", "redirect-home"}
    if rule == ANONYMOUS_ONLY:
        return {"allowed"} if role == "anonymous" else {"redirect-home"}
    if role == "anonymous":
        return {"login"}
    if rule == LOGGED_IN:
        return {"allowed"}
    return {"allowed"} if role == "admin" else {"forbidden"}


def _outcome(response) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and "/login" in response.location:
        return "login"
    if response.status_code == 302 and response.location == "/":
        return "redirect-home"
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    return "allowed" if response.status_code not in (401, 404) else str(response.status_code)


@pytest.fixture
def world(app):
    """One of everything a URL can point at, each id for the URL's placeholders."""
    agency = make_agency()
    group = make_group([agency])
    target = make_user(agency=agency)
    db.session.commit()
    return {"agency_id": agency.id, "group_id": group.id, "user_id": target.id,
            "code": "vi", "filename": "css/app.css"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(app, client, login_as, world, role):
    if role != "anonymous":
        user = make_user(roles=(ROLE_OF[role],))
        db.session.commit()
        login_as(user)
    token_page = client.get("/login") if role == "anonymous" else client.get("/")
    token = csrf_token_from(token_page)
    failures = []
    for rule, method in _routes(app):
        if (rule.endpoint, method) == ("accounts.logout", "POST"):
            continue  # would end the session the rest of the loop uses; tested in test_auth
        url = rule.build({k: world[k] for k in rule.arguments})[1]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        expected = _expected(MATRIX[(rule.endpoint, method)], role)
        if _outcome(response) not in expected:
            failures.append((method, url, response.status_code, expected))
    assert failures == []
