"""The REST API: every endpoint × token scope × own/other agency, the whole answer made through
it, refusals in the caller's language, and nothing of an agency's unsent work let out."""
from datetime import date

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from commentflow.accounts.api_tokens import LEAD, READ, RESPOND, issue_token
from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Response, ResponseState
from commentflow.responses.services import (
    CommentData,
    ReplyLetter,
    agree,
    save_comment,
    working_response,
)
from tests.factories import make_agency, make_round, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_token(agency, scopes, name="Hệ thống QLVB") -> str:
    admin = make_user(roles=(Role.ADMIN,))
    return issue_token(name, agency.id, set(scopes), actor=admin, now=now_utc()).secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def world(app):
    """A lead office's open round sent to two agencies ("own" answers; "other" is also a
    recipient, so that refusals test the agency boundary, not a missing round)."""
    lead_agency, own, other, outsider = (make_agency(edoc_code=f"000.00.0{n}.H99")
                                         for n in range(4))
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency)
    round_ = make_round(lead, [own, other], open_=True)
    # The agency answered once ("thống nhất") and is now amending its answer.
    agree(round_.recipients[0], ReplyLetter("1", "X-VP", date(2024, 7, 4)),
          actor=make_user(roles=(Role.LEADER,), agency=own), now=now_utc())
    handler = make_user(roles=(Role.STAFF,), agency=own, username="chuyenvien.own")
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    db.session.commit()
    return {"round": round_, "lead_agency": lead_agency, "own": own, "other": other,
            "outsider": outsider, "handler": handler, "section": section, "lead": lead}


def test_openapi_document_is_valid_and_names_every_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    documented = {(path, method.upper()) for path, item in spec["paths"].items()
                  for method in item if method != "parameters"}
    routes = {(rule.rule.replace("<int:", "{").replace(">", "}"), method)
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith(("api_inbox.", "api_rounds.", "api_exchange."))
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes == documented
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    scopes = {scope for item in spec["paths"].values() for key, op in item.items()
              if key != "parameters" for scope in op["x-scope"].split(" | ")}
    assert scopes == {READ, RESPOND, LEAD}


def test_reference_page_lists_operations_in_vietnamese(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "Tài liệu API cho hệ thống quản lý văn bản" in page
    assert "POST /api/v1/inbox/{round_id}/comments" in page
    assert "schema-CommentIn" in page and "Bearer" in page


def test_calls_without_a_live_token_are_refused(app, client, login_as, world):
    assert client.get("/api/v1/inbox").status_code == 401
    refused = client.get("/api/v1/inbox", headers=bearer("cf1_not-a-token"))
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "khóa API" in refused.get_json()["message"]
    assert client.get("/api/v1/inbox", headers={"Authorization": "Basic eDp5"}
                      ).status_code == 401
    # A browser's session never stands in for a token.
    leader = make_user(roles=(Role.LEADER,), agency=world["own"])
    db.session.commit()
    login_as(leader)
    assert client.get("/api/v1/inbox").status_code == 401


#: (method, url, scope it needs, whose object: "recipient" or "lead", body)
ENDPOINTS = [
    ("GET", "/api/v1/me", (READ, RESPOND, LEAD), None, None),  # any token knows itself
    ("GET", "/api/v1/agency/users", READ, None, None),
    ("GET", "/api/v1/inbox", READ, None, None),
    ("GET", "/api/v1/inbox/{round_id}", READ, "recipient", None),
    ("GET", "/api/v1/inbox/{round_id}/outline", READ, "recipient", None),
    ("GET", "/api/v1/inbox/{round_id}/response", READ, "recipient", None),
    ("POST", "/api/v1/inbox/{round_id}/registration", RESPOND, "recipient",
     {"json": {"number": 7, "received_on": "2024-07-03"}}),
    ("POST", "/api/v1/inbox/{round_id}/assignment", RESPOND, "recipient",
     {"json": {"handler": "chuyenvien.own"}}),
    ("POST", "/api/v1/inbox/{round_id}/comments", RESPOND, "recipient",
     {"json": {"text": "Đề nghị bổ sung."}}),
    ("POST", "/api/v1/inbox/{round_id}/comments/batch", RESPOND, "recipient",
     {"json": {"comments": [{"text": "Một."}, {"text": "Hai."}]}}),
    ("PUT", "/api/v1/inbox/{round_id}/comments/{comment_id}", RESPOND, "recipient",
     {"json": {"text": "Sửa lại.", "revision": 1}}),
    ("DELETE", "/api/v1/inbox/{round_id}/comments/{comment_id}", RESPOND, "recipient", None),
    ("POST", "/api/v1/inbox/{round_id}/submission", RESPOND, "recipient",
     {"data": {"reply_number": "15", "reply_notation": "UBND-VP", "reply_date": "2024-07-08",
               "agree": "true"}}),
    ("GET", "/api/v1/rounds", LEAD, None, None),
    ("GET", "/api/v1/rounds/{round_id}", LEAD, "lead", None),
    ("GET", "/api/v1/rounds/{round_id}/recipients", LEAD, "lead", None),
    ("GET", "/api/v1/rounds/{round_id}/responses/{response_id}", LEAD, "lead", None),
    ("GET", "/api/v1/rounds/{round_id}/outline", LEAD, "lead", None),
    ("GET", "/api/v1/rounds/{round_id}/report.docx", LEAD, "lead", None),
    ("GET", "/api/v1/rounds/{round_id}/report.xlsx", LEAD, "lead", None),
    ("GET", "/api/v1/rounds/{round_id}/request.edxml", LEAD, "lead", None),
    ("GET", "/api/v1/inbox/{round_id}/reply.edxml", READ, "recipient", None),
    # Whether a package applies depends on whom it concerns: tests/web/test_api_exchange.py.
    ("POST", "/api/v1/exchange/packages", (RESPOND, LEAD), "package",
     {"data": b"<edXML/>", "content_type": "application/xml"}),
]


def test_every_api_route_is_in_the_endpoint_matrix(app):
    listed = {(method, url) for method, url, *_rest in ENDPOINTS}
    routes = {(method, rule.rule.replace("<int:", "{").replace(">", "}"))
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith(("api_inbox.", "api_rounds.", "api_exchange."))
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == listed


def _objects(world):
    """A fresh comment in the own agency's working answer, and a submitted answer of the
    other agency the lead office may read."""
    round_ = db.session.get(type(world["round"]), world["round"].id)
    own = next(r for r in round_.recipients if r.agency_id == world["own"].id)
    drafter = make_user(roles=(Role.LEADER,), agency=world["own"])  # drafts when assigned too
    comment = save_comment(working_response(own, actor=drafter, now=now_utc()),
                           CommentData("Ý kiến", world["section"].id), actor=drafter,
                           now=now_utc())
    other = next(r for r in round_.recipients if r.agency_id == world["other"].id)
    submitted = db.session.scalar(select(Response).where(
        Response.state == ResponseState.SUBMITTED, Response.recipient_id == other.id))
    if submitted is None:
        leader = make_user(roles=(Role.LEADER,), agency=world["other"])
        submitted = agree(other, ReplyLetter("3", "SXD-VP", date(2024, 7, 5)), actor=leader,
                          now=now_utc())
    db.session.commit()
    return {"round_id": round_.id, "comment_id": comment.id, "response_id": submitted.id}


def _expected(scope_needed, whose, scopes, mine) -> set[int]:
    needed = scope_needed if isinstance(scope_needed, tuple) else (scope_needed,)
    if not set(needed) & set(scopes):
        return {403}
    if whose == "package":
        return {422}  # authorised, and the package read: refused with its reason
    if whose is not None and not mine:
        return {404}
    return {200, 201, 204}


@pytest.mark.parametrize("scopes", [(READ,), (RESPOND,), (LEAD,), (READ, RESPOND, LEAD)])
@pytest.mark.parametrize("mine", [True, False])
def test_each_endpoint_answers_each_scope_and_agency_as_the_matrix_says(
        app, client, world, scopes, mine):
    # "Mine": the answering agency (for the inbox), the lead office (for rounds).
    recipient_agency = world["own"] if mine else world["outsider"]
    lead_agency = world["lead_agency"] if mine else world["other"]
    failures = []
    for method, url, needed, whose, body in ENDPOINTS:
        agency = lead_agency if needed == LEAD else recipient_agency
        secret = make_token(agency, scopes)
        ids = _objects(world)
        db.session.commit()
        answer = client.open(url.format(**ids), method=method, headers=bearer(secret),
                             **(body or {}))
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
        if answer.status_code not in _expected(needed, whose, scopes, mine):
            failures.append((method, url, answer.status_code,
                             answer.get_data(as_text=True)[:200]))
    assert failures == []
