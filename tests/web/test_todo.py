"""The start page's "Việc cần làm": each role sees what waits for it, and only that."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import Notification, OutboxMessage
from commentflow.responses import services as responses
from commentflow.rounds.services import close_round
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_sent_round, make_user
from tests.statements import recorded_statements


def _now():
    return datetime.now(UTC)


@pytest.fixture
def world(app):
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_, recipient, lead = make_sent_round(
        lead_agency=make_agency(name="Sở Y tế", code="SYT"), recipient_agency=agency,
        deadline_at=_now() + timedelta(days=3))
    people = {"clerk": make_user(agency=agency, roles=(Role.CLERK,)),
              "leader": make_user(agency=agency, roles=(Role.LEADER,)),
              "staff": make_user(agency=agency, roles=(Role.STAFF,)),
              "lead_leader": make_user(agency=lead.agency, roles=(Role.LEADER,))}
    db.session.commit()
    return {"round": round_, "recipient": recipient, "lead": lead, **people}


def _home(app, login_as, user) -> str:
    return login_as(user, test_client=app.test_client()).get("/").get_data(as_text=True)


def test_each_step_of_an_answer_shows_to_the_one_who_takes_it(app, login_as, world):
    recipient = world["recipient"]
    clerk = _home(app, login_as, world["clerk"])
    assert "Vào sổ văn bản đến" in clerk and "Sở Y tế: V/v góp ý" in clerk
    assert "còn 3 ngày" in clerk or "còn 2 ngày" in clerk
    assert "Soạn ý kiến góp ý" not in clerk
    responses.register_request(recipient, 970, date.today(), actor=world["clerk"], now=_now())
    db.session.commit()
    leader = _home(app, login_as, world["leader"])
    assert "Giao xử lý" in leader and "Vào sổ văn bản đến" not in leader
    staff = _home(app, login_as, world["staff"])
    assert "Soạn ý kiến góp ý" in staff and f"/inbox/{world['round'].id}/draft" in staff
    response = responses.working_response(recipient, actor=world["staff"], now=_now())
    section = next(s for s in world["round"].versions[0].sections if s.key == "I.1.a")
    responses.save_comment(response, responses.CommentData("Ý kiến.", section.id),
                           actor=world["staff"], now=_now())
    db.session.commit()
    leader = _home(app, login_as, world["leader"])
    assert "Duyệt và gửi ý kiến" in leader and f"/inbox/{world['round'].id}/review" in leader
    responses.submit_response(response, responses.ReplyLetter("1", "STC", date.today()),
                              actor=world["leader"], now=_now())
    db.session.commit()
    for role in ("clerk", "leader", "staff"):
        assert "Không có việc nào đang chờ bạn." in _home(app, login_as, world[role])


def test_the_lead_office_sees_what_consolidation_waits_for(app, login_as, world):
    round_, lead = world["round"], world["lead"]
    answer = responses.record_paper_reply(
        world["recipient"], responses.ReplyLetter("1", "STC", date.today()),
        [responses.CommentData("Ý kiến.", round_.versions[0].sections[3].id)],
        actor=lead, now=_now())
    close_round(round_, actor=lead, now=_now())
    db.session.commit()
    page = _home(app, login_as, lead)
    assert "Tổng hợp: còn 1 ý kiến chưa được duyệt cách tiếp thu, giải trình" in page
    assert f"/rounds/{round_.id}/consolidation" in page
    consolidation.decide(round_, [answer.comments[0].id], DispositionKind.ACCEPTED, "Tiếp thu.",
                         actor=lead, now=_now())
    db.session.commit()
    assert "Duyệt 1 nội dung tiếp thu, giải trình" in _home(app, login_as, world["lead_leader"])
    assert "Vào sổ văn bản đến" not in _home(app, login_as, lead)  # not the lead's own work


def test_menus_show_lead_office_pages_only_to_those_who_lead(app, login_as, world):
    def menu(user) -> str:
        page = login_as(user, test_client=app.test_client()).get("/").get_data(as_text=True)
        return page.split("</nav>", 1)[0]

    agency_leader = menu(world["leader"])
    assert "/drafts/" not in agency_leader and "/rounds/" not in agency_leader
    lead_leader = menu(world["lead_leader"])
    assert "/drafts/" in lead_leader and "/rounds/" in lead_leader
    assert "/drafts/" in menu(world["lead"])
    # the pages themselves stay open to leaders (an empty list, never a 404)
    client = login_as(world["leader"], test_client=app.test_client())
    assert client.get("/rounds/").status_code == 200


def test_staff_present_their_answer_and_the_leaders_are_told(app, login_as, world):
    recipient, round_ = world["recipient"], world["round"]
    world["leader"].email = "lanhdao.stc@example.vn"
    db.session.commit()
    staff = login_as(world["staff"], test_client=app.test_client())
    token = csrf_token_from(staff.get(f"/inbox/{round_.id}/draft"))
    empty = staff.post(f"/inbox/{round_.id}/present", data={"csrf_token": token},
                       follow_redirects=True)
    assert "Chưa có ý kiến nào để trình lãnh đạo." in empty.get_data(as_text=True)
    response = responses.working_response(recipient, actor=world["staff"], now=_now())
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    responses.save_comment(response, responses.CommentData("Ý kiến.", section.id),
                           actor=world["staff"], now=_now())
    db.session.commit()
    done = staff.post(f"/inbox/{round_.id}/present", data={"csrf_token": token},
                      follow_redirects=True).get_data(as_text=True)
    assert "Đã trình lãnh đạo" in done and 'id="presented"' in done
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "response.presented")).all()
    assert [n.user_id for n in told] == [world["leader"].id]  # the agency's leader only
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "response.presented"))
    assert mail is not None and mail.to_user_id == world["leader"].id
    assert "Duyệt và gửi ý kiến (đã trình)" in _home(app, login_as, world["leader"])
    responses.return_response(response, "Bổ sung căn cứ.", actor=world["leader"], now=_now())
    db.session.commit()
    assert db.session.get(type(response), response.id).presented_at is None


def test_the_drafting_page_has_an_outline_with_counts_and_the_next_empty_section(
        app, login_as, world):
    recipient, round_ = world["recipient"], world["round"]
    response = responses.working_response(recipient, actor=world["staff"], now=_now())
    sections = {s.key: s for s in round_.versions[0].sections}
    for text in ("Một.", "Hai."):
        responses.save_comment(response, responses.CommentData(text, sections["I.1.a"].id),
                               actor=world["staff"], now=_now())
    db.session.commit()
    page = login_as(world["staff"]).get(f"/inbox/{round_.id}/draft").get_data(as_text=True)
    outline = page.split('id="drafting-outline"', 1)[1].split("</nav>", 1)[0]
    assert 'data-key="I.1.a"' in outline and '<span class="badge" title="Số ý kiến">2</span>' \
        in outline
    assert 'href="#s-title" id="first-uncommented"' in outline  # nothing said there yet
    after = page.split('data-section="I.1.a"', 1)[1]
    assert after.split('class="next-uncommented" href="', 1)[1].startswith("#s-I.1.b")


def _menu_badge(html: str, href: str) -> str | None:
    import re
    match = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    entry = re.search(rf'<a href="{re.escape(href)}">[^<]*(?:<span class="badge"[^>]*>(\d+)'
                      r'</span>)?</a>', match.group(0))
    return entry.group(1) if entry else None


def test_the_menu_counts_what_waits_and_recounts_after_a_change(app, login_as, world):
    client = login_as(world["clerk"], test_client=app.test_client())
    inbox_page = client.get(f"/inbox/{world['round'].id}").get_data(as_text=True)
    assert _menu_badge(inbox_page, "/inbox/") == "1"
    assert _menu_badge(inbox_page, "/") == "1"
    token = csrf_token_from(client.get(f"/inbox/{world['round'].id}"))
    client.post(f"/inbox/{world['round'].id}/register",
                data={"csrf_token": token, "number": "12",
                      "received_on": date.today().strftime("%d/%m/%Y")})
    after = client.get(f"/inbox/{world['round'].id}").get_data(as_text=True)
    assert "Số đến: 12" in after
    assert _menu_badge(after, "/inbox/") is None
    # The agency's leader now has one letter to assign, counted on their menu.
    leader = login_as(world["leader"], test_client=app.test_client()).get("/inbox/")
    assert _menu_badge(leader.get_data(as_text=True), "/inbox/") == "1"


def test_the_unread_count_is_kept_with_the_menu_counts(app, login_as, world):
    """Every signed-in page shows them: read once a minute, or at once after a change."""

    from commentflow.home import views as home_views

    clerk = world["clerk"]
    client = login_as(clerk, test_client=app.test_client())
    page = f"/inbox/{world['round'].id}"
    assert 'id="unread-count"' not in client.get(page).get_data(as_text=True)
    db.session.add(Notification(user_id=clerk.id, kind="returned", message="Trả lại",
                                url="/", created_at=_now()))
    db.session.commit()
    with recorded_statements() as statements:
        kept = client.get(page).get_data(as_text=True)
    assert 'id="unread-count"' not in kept  # within the minute: the count kept
    assert not any("notifications" in s for s in statements), statements
    # A change the user makes (here choosing the language) reads them again …
    client.post("/language/vi", data={"csrf_token": csrf_token_from(client.get(page))})
    fresh = client.get(page).get_data(as_text=True)
    assert '<span class="badge" id="unread-count">1</span>' in fresh
    # … and so does the passing of the minute.
    db.session.add(Notification(user_id=clerk.id, kind="returned", message="Trả lại",
                                url="/", created_at=_now()))
    db.session.commit()
    with client.session_transaction() as session:
        kept_facts = dict(session["menu_counts"])
        kept_facts["at"] -= home_views.MENU_COUNTS_SECONDS
        session["menu_counts"] = kept_facts
    later = client.get(page).get_data(as_text=True)
    assert '<span class="badge" id="unread-count">2</span>' in later


def test_the_start_page_reads_neither_drafted_comments_nor_requests_past_answering(
        app, login_as, world):
    """The to-do list asks whether a draft holds comments, not what they say, and which
    requests can still be answered: past years' requests and a draft's sixty comments were
    loaded on every start page (and each minute for the menu's counts)."""
    from sqlalchemy import event

    recipient, agency = world["recipient"], world["recipient"].agency
    for n in range(4):  # requests of the past: deadline gone, or the round closed
        past, _recipient, _lead = make_sent_round(
            lead_agency=world["lead"].agency, recipient_agency=agency,
            deadline_at=_now() + timedelta(days=1))
        if n % 2:
            close_round(past, actor=world["lead"], now=_now())
        else:
            past.deadline_at = _now() - timedelta(days=n + 1)
    responses.register_request(recipient, 971, date.today(), actor=world["clerk"], now=_now())
    response = responses.working_response(recipient, actor=world["staff"], now=_now())
    section = next(s for s in world["round"].versions[0].sections if s.is_commentable)
    comments = [responses.save_comment(response, responses.CommentData(f"Ý kiến {n}.",
                                                                       section.id),
                                       actor=world["staff"], now=_now()) for n in range(6)]
    db.session.commit()
    client = login_as(world["leader"], test_client=app.test_client())
    client.get("/")
    loaded = []

    def count_load(target, _context):
        loaded.append(type(target).__name__)

    event.listen(db.Model, "load", count_load, propagate=True)
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        event.remove(db.Model, "load", count_load)
    assert "Duyệt và gửi ý kiến" in page
    assert "Comment" not in loaded
    assert loaded.count("RoundRecipient") == 1  # the one request still open
    # Every comment deleted: nothing to approve, whatever the draft once held.
    for comment in comments:
        responses.delete_comment(comment, actor=world["staff"], now=_now())
    db.session.commit()
    assert "Duyệt và gửi ý kiến" not in _home(app, login_as, world["leader"])
