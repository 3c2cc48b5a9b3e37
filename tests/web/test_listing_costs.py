"""Every page that lists something costs what it shows, not what the database holds.

For each listing page of the authorization matrix, the same page is opened over a small
world (one item more than a page) and a large one (four pages): the SQL statements it runs
and the rows it loads as objects must be the same in both (issue 18). A page that loaded
each row's relations one by one, or every row to show fifty, fails here.
"""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from commentflow.audit.services import record_event
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import Notification, OutboxMessage
from commentflow.reminders.models import Reminder
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from tests.factories import make_agency, make_draft, make_round, make_user

PAGE = 3
SMALL, LARGE = PAGE + 1, 4 * PAGE
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def small_pages(app, monkeypatch):
    from commentflow.consolidation import workspace

    monkeypatch.setitem(app.config, "PAGE_SIZE", PAGE)
    monkeypatch.setattr(workspace, "PAGE_SIZE", PAGE)


def _lead():
    return make_user(roles=(Role.LEAD_STAFF, Role.LEADER), agency=make_agency(name="Sở Y tế"))


def rounds_list(size):
    lead = _lead()
    for _ in range(size):
        make_round(lead, [make_agency(), make_agency()], open_=True)
    return lead, "/rounds/"


def drafts_list(size):
    lead = _lead()
    for _ in range(size):
        make_draft(lead)
    return lead, "/drafts/"


def _answered_round(size, lead):
    """A round to `size` agencies, each of which answered with one comment."""
    round_ = make_round(lead, [make_agency() for _ in range(size)], open_=True)
    section = next(s for s in round_.versions[0].sections if s.is_commentable)
    for n, recipient in enumerate(round_.recipients):
        record_paper_reply(recipient, ReplyLetter(str(n + 1), "UBND-VP", date(2026, 11, 20)),
                           [CommentData(f"Ý kiến {n}", section.id)], actor=lead, now=NOW)
    return round_


def tracker(size):
    lead = _lead()
    return lead, f"/rounds/{_answered_round(size, lead).id}/tracker"


def workspace(size):
    lead = _lead()
    return lead, f"/rounds/{_answered_round(size, lead).id}/consolidation/"


def reminders_log(size):
    lead = _lead()
    round_ = make_round(lead, [make_agency() for _ in range(size)], open_=True)
    for recipient in round_.recipients:
        db.session.add(Reminder(round_id=round_.id, agency_id=recipient.agency_id,
                                kind="before", scheduled_at=NOW, created_at=NOW, sent_at=NOW,
                                recipients_count=1))
        db.session.add(OutboxMessage(
            kind="reminder", to_address="vanthu@example.gov.vn", subject="Nhắc hạn",
            text_body="…", html_body="…", round_id=round_.id, sender_agency_id=lead.agency_id,
            created_at=NOW, next_attempt_at=NOW, sent_at=NOW))
    return lead, f"/rounds/{round_.id}/reminders"


def inbox(size):
    agency = make_agency()
    reader = make_user(agency=agency, roles=(Role.CLERK, Role.STAFF))
    lead = _lead()
    for _ in range(size):
        make_round(lead, [agency], open_=True)
    return reader, "/inbox/"


def notifications(size):
    user = make_user()
    for n in range(size):
        db.session.add(Notification(user_id=user.id, kind="round.sent", message=f"Thông báo {n}",
                                    url="/inbox/", created_at=NOW + timedelta(minutes=n)))
    return user, "/notifications/"


def _admin():
    return make_user(roles=(Role.ADMIN,))


def users_admin(size):
    for _ in range(size):
        make_user()
    return _admin(), "/admin/users/"


def agencies_admin(size):
    for _ in range(size):
        make_agency()
    return _admin(), "/admin/agencies"


def audit_log(size):
    admin = _admin()
    later = datetime.now(UTC) + timedelta(days=1)  # above the sign-ins of both worlds
    for n in range(size):
        record_event("agency.updated", make_agency(), actor=make_user(), now=later,
                     changes={"name": [f"Cũ {n}", f"Mới {n}"]})
    return admin, "/admin/audit/"


def outbox_failures(size):
    for n in range(size):
        db.session.add(OutboxMessage(
            kind="reminder", to_address=f"sai{n}@example.gov.vn", subject="Nhắc hạn",
            text_body="…", html_body="…", created_at=NOW, next_attempt_at=NOW, attempts=6,
            failed_at=NOW, last_error="550 no such user"))
    return _admin(), "/admin/outbox/"


LISTINGS = [rounds_list, drafts_list, tracker, workspace, reminders_log, inbox, notifications,
            users_admin, agencies_admin, audit_log, outbox_failures]


def _cost(app, login_as, world, size, *, page_size=PAGE):
    """(SQL statements, objects loaded from rows, the page) of one view of the page."""
    from commentflow.consolidation import workspace

    user, url = world(size)
    db.session.commit()
    app.config["PAGE_SIZE"] = workspace.PAGE_SIZE = page_size
    client = login_as(user, test_client=app.test_client())
    client.get("/")  # the menu's counts, kept for a minute (tested in test_todo)
    db.session.expire_all()
    statements, loaded = [], []

    def count_statement(*args):
        statements.append(args[2])

    def count_load(target, _context):
        loaded.append(type(target).__name__)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    event.listen(db.Model, "load", count_load, propagate=True)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
        event.remove(db.Model, "load", count_load)
    assert response.status_code == 200, (url, response.status_code)
    return statements, sorted(loaded), response.get_data(as_text=True)


@pytest.mark.parametrize("world", LISTINGS, ids=lambda w: w.__name__)
def test_a_listing_costs_what_it_shows(app, login_as, world):
    small_statements, small_loaded, small_page = _cost(app, login_as, world, SMALL)
    large_statements, large_loaded, large_page = _cost(app, login_as, world, LARGE)
    assert len(large_statements) == len(small_statements), large_statements
    assert large_loaded == small_loaded
    # Both worlds list more than a page: the page says so and links to the next one.
    assert 'class="pager"' in small_page and 'class="pager"' in large_page
    # Nor one statement per row shown: a longer page runs as many.
    longer_statements, _loaded, _page = _cost(app, login_as, world, LARGE, page_size=PAGE + 2)
    assert len(longer_statements) == len(small_statements), longer_statements


def test_paged_lists_show_their_counts_and_the_rest_on_the_next_page(app, login_as):
    """The rounds and drafts lists count each row's recipients and versions in one query
    (counts_by): the numbers shown must still be right, and page 2 holds the rest."""
    lead = _lead()
    for n in range(PAGE + 1):
        make_round(lead, [make_agency() for _ in range(n % 3 + 1)], open_=True,
                   subject=f"V/v góp ý dự thảo số {n}")
    make_draft(lead)
    db.session.commit()
    client = login_as(lead)
    first = client.get("/rounds/").get_data(as_text=True)
    second = client.get("/rounds/?page=2").get_data(as_text=True)
    # latest first: rounds 3, 2, 1 on the first page (3, 2, 1 recipients), round 0 after
    assert [first.index(f"dự thảo số {n}<") for n in (3, 2, 1)] == sorted(
        first.index(f"dự thảo số {n}<") for n in (3, 2, 1))
    assert "dự thảo số 0<" not in first and "dự thảo số 0<" in second
    recipients = re.findall(r'<td class="num">(\d+)</td>', first)
    assert recipients == ["1", "3", "2"]
    assert re.findall(r'<td class="num">(\d+)</td>', second) == ["1"]
    drafts = client.get("/drafts/").get_data(as_text=True)
    versions = re.findall(r'<td class="num">(\d+)</td>', drafts)
    assert versions and set(versions) == {"1"}  # each draft uploaded once


def test_the_inbox_does_not_read_the_letters_text(app, login_as):
    """A request letter's text runs to pages; the inbox lists requests and shows none of it,
    so its query leaves the column out (the request's own page reads it)."""
    agency = make_agency()
    reader = make_user(agency=agency, roles=(Role.CLERK, Role.STAFF))
    text = "Thực hiện Kế hoạch số 218/KH-UBND, Sở Y tế đề nghị các cơ quan góp ý dự thảo."
    round_ = make_round(_lead(), [agency], open_=True, body=text)
    statements, _loaded, page = _cost(app, login_as, lambda _size: (reader, "/inbox/"), 1)
    assert round_.subject in page
    assert [s for s in statements if "FROM round_recipients" in s]
    assert not [s for s in statements if "rounds.body" in s], statements
    client = login_as(reader, test_client=app.test_client())
    assert text in client.get(f"/inbox/{round_.id}").get_data(as_text=True)
