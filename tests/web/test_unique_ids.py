"""Every HTML page of the authorization matrix, for each role that may open it, gives each id
to one element: a label's `for` and an `aria-describedby` name one field, and a script's
`getElementById` finds the element meant (pages of many forms once printed the CSRF field's
id a hundred times, and the round's two deadline forms shared their fields' ids)."""
import re
from collections import Counter

from commentflow.extensions import db
from tests.factories import make_user
from tests.web.test_authorization_matrix import MATRIX, ROLE_OF, _routes, build_world

_TEMPLATE = re.compile(r"<template\b.*?</template>", re.DOTALL)  # inert until a script copies
_ID = re.compile(r'\sid="([^"]+)"')


def test_no_page_gives_one_id_to_two_elements(app, login_as):
    world = build_world()
    repeated, checked = [], 0
    for role, value in ROLE_OF.items():
        user = make_user(roles=(value,), agency=world["agency"])
        db.session.commit()
        client = login_as(user, test_client=app.test_client())
        for rule, method in _routes(app):
            if method != "GET" or "allowed" not in MATRIX[(rule.endpoint, "GET")](role, True):
                continue
            url = rule.build({k: world[k] for k in rule.arguments})[1]
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            ids = Counter(_ID.findall(_TEMPLATE.sub("", response.get_data(as_text=True))))
            twice = sorted(name for name, count in ids.items() if count > 1)
            if twice:
                repeated.append((role, url, twice))
            checked += 1
    assert repeated == []
    assert checked >= 60, checked  # the roles' pages were reached
