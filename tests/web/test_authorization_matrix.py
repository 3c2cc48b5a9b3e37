"""Every route × every role: who may open what. A route missing from MATRIX fails the suite.

Later features extend MATRIX (and the OWN/OTHER agency dimension) for each route they add.
"""
from datetime import date
from pathlib import Path

import pytest

from commentflow.accounts.api_tokens import issue_token
from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.drafts.models import DraftImport, DraftPage
from commentflow.drafts.services import add_version, create_draft
from commentflow.exchange.services import record_refusal
from commentflow.extensions import db
from commentflow.notifications.models import Notification
from commentflow.responses.services import (
    CommentData,
    ReplyLetter,
    record_paper_reply,
    working_response,
)
from commentflow.rounds.models import RoundRecipient
from commentflow.rounds.services import close_round
from commentflow.storage.services import store_file
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_group, make_round, make_user

ROLES = ("anonymous", "admin", "lead_staff", "leader", "staff", "clerk")
ROLE_OF = {"admin": Role.ADMIN, "lead_staff": Role.LEAD_STAFF, "leader": Role.LEADER,
           "staff": Role.STAFF, "clerk": Role.CLERK}


def public(role, own):
    """Anyone, logged in or not."""
    return {"allowed", "redirect-home"}


def anonymous_only(role, own):
    """The login page: a logged-in user is sent on."""
    return {"allowed"} if role == "anonymous" else {"redirect-home"}


def roles(*allowed, scoped=False):
    """Users holding one of the roles; with scoped, only for their own agency's objects
    (another agency's object does not exist for them: 404)."""

    def rule(role, own):
        if role == "anonymous":
            return {"login"}
        if role not in allowed:
            return {"forbidden"}
        return {"allowed"} if own or not scoped else {"not-found"}

    return rule


LOGGED_IN = roles(*ROLE_OF)


def exists_for_nobody(role, own):
    """What the matrix's world cannot show anyone: another user's notification (its owner's
    access is tested in test_reminder_pages) and the recipients' copy of a report not yet
    published (after publication: test_consolidation_pages)."""
    return {"login"} if role == "anonymous" else {"not-found"}


def api_token_only(role, own):
    """The API: a browser's session (anyone's, the administrator's too) is no API token."""
    return {"401"}


ADMIN = roles("admin")
LEAD = roles("lead_staff", "leader")
LEAD_SCOPED = roles("lead_staff", "leader", scoped=True)
LEAD_STAFF = roles("lead_staff")
LEAD_STAFF_SCOPED = roles("lead_staff", scoped=True)
RECIPIENT = roles(*ROLE_OF, scoped=True)  #: users of an agency the round was sent to

#: (endpoint, method) → access rule
MATRIX = {
    ("static", "GET"): public,
    ("home.health", "GET"): public,
    ("home.language", "POST"): public,
    ("accounts.login", "GET"): anonymous_only,
    ("accounts.login", "POST"): anonymous_only,
    ("accounts.logout", "POST"): public,
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
    ("api_tokens.index", "GET"): ADMIN,
    ("api_tokens.issue", "POST"): ADMIN,
    ("api_tokens.revoke", "POST"): ADMIN,
    ("api-docs.openapi_json", "GET"): public,
    ("api_reference.page", "GET"): public,
    ("audit.index", "GET"): ADMIN,
    ("drafts.index", "GET"): LEAD,
    ("drafts.create", "GET"): LEAD_STAFF,
    ("drafts.create", "POST"): LEAD_STAFF,
    ("drafts.show", "GET"): LEAD_SCOPED,
    ("drafts.download", "GET"): LEAD_SCOPED,
    ("drafts.add_version", "POST"): LEAD_STAFF_SCOPED,
    ("drafts.correct", "GET"): LEAD_STAFF_SCOPED,
    ("drafts.merge", "POST"): LEAD_STAFF_SCOPED,
    ("drafts.split", "POST"): LEAD_STAFF_SCOPED,
    ("drafts.level", "POST"): LEAD_STAFF_SCOPED,
    ("drafts.import_progress", "GET"): LEAD_SCOPED,
    ("drafts.import_status", "GET"): LEAD_SCOPED,
    ("drafts.review", "GET"): LEAD_STAFF_SCOPED,
    ("drafts.review_section", "POST"): LEAD_STAFF_SCOPED,
    ("drafts.confirm_review", "POST"): LEAD_STAFF_SCOPED,
    ("drafts.page_image", "GET"): LEAD_SCOPED,
    ("revisions.show", "GET"): LEAD_SCOPED,
    ("revisions.pair", "POST"): LEAD_STAFF_SCOPED,
    ("revisions.confirm", "POST"): LEAD_STAFF_SCOPED,
    ("revisions.redline_docx", "GET"): LEAD_SCOPED,
    ("revisions.comparison_docx", "GET"): LEAD_SCOPED,
    ("rounds.index", "GET"): LEAD,
    ("rounds.create", "GET"): LEAD_STAFF,
    ("rounds.create", "POST"): LEAD_STAFF,
    ("rounds.edit", "GET"): LEAD_STAFF_SCOPED,
    ("rounds.edit", "POST"): LEAD_STAFF_SCOPED,
    ("rounds.show", "GET"): LEAD_SCOPED,
    ("rounds.letter", "GET"): LEAD_SCOPED,
    ("answers.tracker_page", "GET"): LEAD_SCOPED,
    ("answers.tracker_export", "GET"): LEAD_SCOPED,
    ("rounds.open_", "POST"): LEAD_STAFF_SCOPED,
    ("rounds.extend", "POST"): LEAD_STAFF_SCOPED,
    ("rounds.extend_one", "POST"): LEAD_STAFF_SCOPED,
    ("rounds.add_recipients", "POST"): LEAD_STAFF_SCOPED,
    ("rounds.close", "POST"): LEAD_STAFF_SCOPED,
    ("inbox.index", "GET"): LOGGED_IN,
    ("inbox.show", "GET"): RECIPIENT,
    ("inbox.letter", "GET"): RECIPIENT,
    ("inbox.draft_file", "GET"): RECIPIENT,
    ("published.report", "GET"): exists_for_nobody,
    ("answers.response", "GET"): LEAD_SCOPED,
    ("answers.response_scan", "GET"): LEAD_SCOPED,
    ("answers.paper_reply", "GET"): LEAD_STAFF_SCOPED,
    ("answers.paper_reply", "POST"): LEAD_STAFF_SCOPED,
    ("answers.paper_reply_from_file", "GET"): LEAD_STAFF_SCOPED,
    ("answers.paper_reply_from_file", "POST"): LEAD_STAFF_SCOPED,
    ("responses.register", "POST"): RECIPIENT,
    ("responses.assign", "POST"): RECIPIENT,
    ("responses.draft", "GET"): RECIPIENT,
    ("responses.create_comment", "POST"): RECIPIENT,
    ("responses.import_comments", "POST"): RECIPIENT,
    ("responses.previous", "GET"): RECIPIENT,
    ("responses.present", "POST"): RECIPIENT,
    ("responses.answer_previous", "POST"): RECIPIENT,
    ("responses.confirm_imported_comments", "POST"): RECIPIENT,
    ("responses.update_comment", "POST"): RECIPIENT,
    ("responses.delete_comment", "POST"): RECIPIENT,
    ("responses.review", "GET"): RECIPIENT,
    ("responses.return_", "POST"): RECIPIENT,
    ("responses.submit", "POST"): RECIPIENT,
    ("responses.agree", "POST"): RECIPIENT,
    ("responses.letter", "GET"): RECIPIENT,
    ("responses.scan", "GET"): RECIPIENT,
    ("home.csrf_token", "GET"): LOGGED_IN,
    ("reminders.log", "GET"): LEAD_SCOPED,
    ("reminders.policy", "POST"): LEAD_STAFF_SCOPED,
    ("outbox_admin.failures_page", "GET"): ADMIN,
    ("exchange.index", "GET"): ADMIN,
    ("exchange.package", "GET"): ADMIN,
    ("exchange_downloads.request_package", "GET"): LEAD_SCOPED,
    ("exchange_downloads.reply_package", "GET"): RECIPIENT,
    ("consolidation.workspace", "GET"): LEAD_SCOPED,
    ("consolidation.filter_options", "GET"): LEAD_SCOPED,
    ("consolidation.report_docx", "GET"): LEAD_SCOPED,
    ("consolidation.report_xlsx", "GET"): LEAD_SCOPED,
    ("consolidation.margin_docx", "GET"): LEAD_SCOPED,
    ("consolidation.decide", "POST"): LEAD_STAFF_SCOPED,
    ("consolidation.group", "POST"): LEAD_STAFF_SCOPED,
    ("consolidation.ungroup", "POST"): LEAD_STAFF_SCOPED,
    ("consolidation.approve", "POST"): roles("leader", scoped=True),
    ("consolidation.close", "POST"): roles("leader", scoped=True),
    ("consolidation.publish", "POST"): roles("leader", scoped=True),
    ("notifications.index", "GET"): LOGGED_IN,
    ("notifications.open_", "GET"): exists_for_nobody,
    ("notifications.read_all", "POST"): LOGGED_IN,
    # Scopes × own/other agency for API tokens: tests/web/test_api.py.
    **{(endpoint, method): api_token_only for endpoint, method in (
        ("api_inbox.me", "GET"), ("api_inbox.agency_users", "GET"), ("api_inbox.inbox", "GET"),
        ("api_inbox.request_detail", "GET"), ("api_inbox.outline", "GET"),
        ("api_inbox.response", "GET"), ("api_inbox.register", "POST"),
        ("api_inbox.assign", "POST"), ("api_inbox.create_comment", "POST"),
        ("api_inbox.create_comments", "POST"),
        ("api_inbox.update_comment", "PUT"), ("api_inbox.delete_comment", "DELETE"),
        ("api_inbox.submit", "POST"), ("api_rounds.rounds", "GET"),
        ("api_rounds.round_detail", "GET"), ("api_rounds.recipients", "GET"),
        ("api_rounds.response", "GET"), ("api_rounds.outline", "GET"),
        ("api_rounds.report_docx", "GET"), ("api_rounds.report_xlsx", "GET"),
        ("api_exchange.request_edxml", "GET"), ("api_exchange.reply_edxml", "GET"),
        ("api_exchange.receive", "POST"))},
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


def _outcome(response) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and "/login" in response.location:
        return "login"
    if response.status_code == 302 and response.location == "/":
        return "redirect-home"
    if response.status_code == 404:
        return "not-found"
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    return "allowed" if response.status_code != 401 else "401"


SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
    "du-thao-ke-hoach-218-kien-giang.txt"


@pytest.fixture
def world(app):
    return build_world()


def build_world() -> dict:
    """One of everything a URL can point at, owned by one agency ("own"); in the current
    app context (the browser's accessibility run builds it in its live server too)."""
    agency = make_agency()
    group = make_group([agency])
    target = make_user(agency=agency)
    author = make_user(agency=agency, roles=(Role.LEAD_STAFF,))
    draft = create_draft("Kế hoạch", SAMPLE.read_bytes(), SAMPLE.name, actor=author,
                         now=now_utc(), max_bytes=10**7)
    # The first section: every correction on it is refused, so the draft stays as it is.
    first = draft.latest_version.sections[0]
    # Read as if from a scan (to be checked beside its page), and a file still being read.
    draft.latest_version.needs_review = True
    page = store_file(b"\x89PNG\r\n\x1a\n", "trang-1.png", uploaded_by=author, now=now_utc())
    db.session.add(DraftPage(version=draft.latest_version, number=1, file_id=page.id))
    queued = DraftImport(agency_id=agency.id, file_id=page.id, filename="du-thao.doc",
                         kind="doc", created_by_id=author.id, created_at=now_utc())
    db.session.add(queued)
    # A second version, to compare with the first.
    second = add_version(draft, SAMPLE.read_bytes().replace("Căn cứ".encode(), "Xét".encode(), 1),
                         SAMPLE.name, actor=author, now=now_utc(), max_bytes=10**7)
    # A sent round of this agency, addressed to another agency and (for the inbox routes)
    # to this agency too, so that "own" users are both its lead office and a recipient.
    round_ = make_round(author, [make_agency()], open_=True)
    own = RoundRecipient(agency_id=agency.id, added_at=now_utc(), position=2)
    round_.recipients.append(own)
    # …and a follow-up of an earlier, closed round of this office ("lần 2").
    earlier = make_round(author, [make_agency()], open_=True)
    close_round(earlier, actor=author, now=now_utc())
    round_.previous_round_id = earlier.id
    db.session.flush()
    # This agency answered (a paper reply with a scan) and is amending it: one submitted
    # response the lead office may read, one editable response with a comment.
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    submitted = record_paper_reply(
        own, ReplyLetter("1", "X-VP", date(2024, 7, 8), (b"%PDF-1.4 scan", "scan.pdf")),
        [CommentData("Ý kiến", section.id)], actor=author, now=now_utc())
    drafter = make_user(agency=agency, roles=(Role.STAFF,))
    amendment = working_response(own, actor=drafter, now=now_utc())
    db.session.commit()
    notification = Notification(user_id=target.id, kind="x", message="x", url="/",
                                created_at=now_utc())
    db.session.add(notification)
    admin = make_user(roles=(Role.ADMIN,), agency=agency)
    api_token = issue_token("QLVB", agency.id, {"read"}, actor=admin, now=now_utc()).token
    refused = record_refusal(b"<edXML/>", "goi-tin.edxml", "Thiếu trường bắt buộc: To",
                             now=now_utc())
    db.session.commit()
    return {"token_id": api_token.id, "message_id": refused.id, "agency": agency,
            "agency_id": agency.id, "group_id": group.id,
            "user_id": target.id, "code": "vi", "filename": "css/app.css",
            "draft_id": draft.id, "number": 1, "section_id": first.id,
            "round_id": round_.id, "recipient_id": round_.recipients[0].id,
            "version_id": round_.versions[0].id, "response_id": submitted.id,
            "comment_id": amendment.comments[0].id, "notification_id": notification.id,
            "import_id": queued.id, "page": 1, "old": 1, "new": 2,
            "new_section_id": second.sections[-1].id}


@pytest.mark.parametrize("role, own", [("anonymous", False)] + [
    (role, own) for role in ROLES[1:] for own in (True, False)])
def test_each_role_gets_what_the_matrix_says(app, client, login_as, world, role, own):
    if role != "anonymous":
        user = make_user(roles=(ROLE_OF[role],), agency=world["agency"] if own else None)
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
            response = client.open(url, method=method, data={"csrf_token": token})
        expected = MATRIX[(rule.endpoint, method)](role, own)
        if _outcome(response) not in expected:
            failures.append((method, url, response.status_code, expected))
    assert failures == []
