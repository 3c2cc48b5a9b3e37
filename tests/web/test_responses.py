"""Agency answers through HTTP: the whole flow, autosave JSON, conflicts, privacy, paper replies."""
import io
import re
from datetime import UTC, datetime

import pytest
from docx import Document
from sqlalchemy import func, select

from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response, ResponseState
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_sent_round, make_user
from tests.statements import one_line, recorded_statements

JSON = {"Accept": "application/json"}


@pytest.fixture
def world(app):
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_, recipient, lead = make_sent_round(
        lead_agency=make_agency(name="Sở Y tế", code="SYT"), recipient_agency=agency)
    people = {"leader": make_user(agency=agency, roles=(Role.LEADER,),
                                  full_name="Trần Văn Minh", position="Phó Giám đốc"),
              "staff": make_user(agency=agency, roles=(Role.STAFF,), full_name="Lê Thị Hoa"),
              "clerk": make_user(agency=agency, roles=(Role.CLERK,))}
    sections = {s.key: s for s in round_.versions[0].sections}
    db.session.commit()
    return {"round": round_, "recipient": recipient, "lead": lead, "sections": sections,
            **people}


def _client(app, login_as, user):
    return login_as(user, test_client=app.test_client())


def _token(client, world):
    return csrf_token_from(client.get(f"/inbox/{world['round'].id}"))


def _comment(client, world, key, text, **extra):
    section = world["sections"][key].id if key else ""
    return client.post(f"/inbox/{world['round'].id}/comments", headers=JSON, data={
        "csrf_token": _token(client, world), "section_id": section, "text": text, **extra})


def test_whole_flow_through_the_pages(app, login_as, world):
    rid = world["round"].id
    clerk = _client(app, login_as, world["clerk"])
    clerk.post(f"/inbox/{rid}/register", data={"csrf_token": _token(clerk, world),
                                               "number": "970", "received_on": "2024-07-21"})
    leader = _client(app, login_as, world["leader"])
    leader.post(f"/inbox/{rid}/assign", data={
        "csrf_token": _token(leader, world), "handler_id": str(world["staff"].id),
        "instruction": "Chủ trì tham mưu"})
    staff = _client(app, login_as, world["staff"])
    assert "Đã giao xử lý" in staff.get("/inbox/").get_data(as_text=True)
    page = staff.get(f"/inbox/{rid}").get_data(as_text=True)
    assert "Số đến: 970, Ngày: 21/07/2024" in page and "Chủ trì: Lê Thị Hoa" in page
    assert "Soạn ý kiến theo từng mục" in page
    draft_page = staff.get(f"/inbox/{rid}/draft").get_data(as_text=True)
    assert 'data-section="III.2.a"' in draft_page and "autosave.js" in draft_page
    for key in ("III.2.a", "PL.2.b", None):
        response = _comment(staff, world, key, f"Đề nghị làm rõ {key or 'bố cục'}",
                            proposed_wording="Sửa lại cho rõ", reason="Chưa rõ ràng")
        assert response.status_code == 201 and response.json["revision"] == 1
    review = leader.get(f"/inbox/{rid}/review").get_data(as_text=True)
    assert "Tại điểm a khoản 2 Mục III: Đề nghị làm rõ III.2.a" in review
    assert "Tại Phụ lục, STT 2, điểm b" in review
    pdf = (io.BytesIO(b"%PDF-1.4\n%scan\n"), "2711-STC.pdf")
    result = leader.post(f"/inbox/{rid}/submit", content_type="multipart/form-data", data={
        "csrf_token": _token(leader, world), "reply_number": "2711",
        "reply_notation": "STC-NS", "reply_date": "2024-07-08", "scan": pdf})
    assert result.status_code == 302
    db.session.rollback()
    submitted = db.session.scalar(select(Response).where(
        Response.state == ResponseState.SUBMITTED))
    assert submitted.reference == "2711/STC-NS" and len(submitted.comments) == 3
    letter = Document(io.BytesIO(staff.get(
        f"/inbox/{rid}/responses/{submitted.id}/letter.docx").data))
    texts = [p.text for p in letter.paragraphs]
    assert any(t.startswith("Phúc đáp Công văn số 2159/SYT-TCCB ngày 02/07/2024 của Sở Y tế")
               for t in texts)
    assert any(t.startswith("1. Tại điểm a khoản 2 Mục III: Đề nghị làm rõ III.2.a") for t in texts)
    tracker = world["lead"]
    lead = _client(app, login_as, tracker)
    html = lead.get(f"/rounds/{rid}/tracker").get_data(as_text=True)
    assert "Đã gửi ý kiến đúng hạn: 1" in html and "2711/STC-NS" in html
    assert '<td class="num">3</td>' in html
    assert lead.get(f"/rounds/{rid}/responses/{submitted.id}/scan").data.startswith(b"%PDF")


def test_autosave_conflict_returns_both_texts(app, login_as, world):
    staff = _client(app, login_as, world["staff"])
    created = _comment(staff, world, "I.1.a", "Bản đầu").json
    url = created["url"]
    other = make_user(agency=world["recipient"].agency, roles=(Role.STAFF,))
    db.session.commit()
    colleague = _client(app, login_as, other)
    colleague.post(url, headers=JSON, data={"csrf_token": _token(colleague, world),
                                            "text": "Bản đồng nghiệp", "revision": "1",
                                            "section_id": world["sections"]["I.1.a"].id})
    stale = staff.post(url, headers=JSON, data={"csrf_token": _token(staff, world),
                                                "text": "Bản của tôi", "revision": "1",
                                                "section_id": world["sections"]["I.1.a"].id})
    assert stale.status_code == 409
    assert (stale.json["theirs"], stale.json["mine"]) == ("Bản đồng nghiệp", "Bản của tôi")
    db.session.rollback()
    assert db.session.scalar(select(Comment.text)) == "Bản đồng nghiệp"


def test_expired_session_gets_401_for_autosave(app, world):
    anonymous = app.test_client()
    response = anonymous.post(f"/inbox/{world['round'].id}/comments", headers=JSON,
                              data={"text": "x"})
    assert response.status_code in (400, 401)  # no session: refused, never saved
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_empty_comment_is_refused_with_a_message(app, login_as, world):
    staff = _client(app, login_as, world["staff"])
    response = _comment(staff, world, "I.1.a", "   ")
    assert response.status_code == 422
    assert "không được để trống" in response.json["error"]


def test_double_click_on_submit_records_one_submission(app, login_as, world):
    staff = _client(app, login_as, world["staff"])
    _comment(staff, world, "I.1.a", "Ý kiến")
    leader = _client(app, login_as, world["leader"])
    data = {"csrf_token": _token(leader, world), "reply_number": "1",
            "reply_notation": "STC-NS", "reply_date": "2024-07-08"}
    leader.post(f"/inbox/{world['round'].id}/submit", data=data)
    second = leader.post(f"/inbox/{world['round'].id}/submit", data=data)
    assert second.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_lead_office_never_sees_unsent_work(app, login_as, world):
    staff = _client(app, login_as, world["staff"])
    _comment(staff, world, "I.1.a", "Bí mật nội bộ")
    db.session.rollback()
    response = db.session.scalar(select(Response))
    lead = _client(app, login_as, world["lead"])
    assert lead.get(f"/rounds/{world['round'].id}/responses/{response.id}").status_code == 404
    assert "Bí mật nội bộ" not in lead.get(
        f"/rounds/{world['round'].id}/tracker").get_data(as_text=True)


def test_other_agencies_get_nothing(app, login_as, world):
    staff = _client(app, login_as, world["staff"])
    _comment(staff, world, "I.1.a", "Ý kiến riêng")
    db.session.rollback()
    response = db.session.scalar(select(Response))
    comment = db.session.scalar(select(Comment))
    outsider = make_user(agency=make_agency(), roles=(Role.LEADER, Role.STAFF, Role.CLERK))
    db.session.commit()
    other = _client(app, login_as, outsider)
    rid = world["round"].id
    for url in (f"/inbox/{rid}/draft", f"/inbox/{rid}/review",
                f"/inbox/{rid}/responses/{response.id}/letter.docx"):
        result = other.get(url)
        assert result.status_code == 404, url
        assert "Ý kiến riêng" not in result.get_data(as_text=True)
    token = csrf_token_from(other.get("/"))
    result = other.post(f"/inbox/{rid}/comments/{comment.id}", headers=JSON,
                        data={"csrf_token": token, "text": "chen vao", "revision": "1"})
    assert result.status_code == 404
    result = other.post(f"/inbox/{rid}/comments", headers=JSON, data={
        "csrf_token": token, "text": "chen vao", "section_id": world["sections"]["I.1.a"].id})
    assert result.status_code == 404 and "Ý kiến riêng" not in result.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(Comment.text)).all() == ["Ý kiến riêng"]


def test_paper_reply_entered_by_the_lead_office(app, login_as, world):
    lead = _client(app, login_as, world["lead"])
    rid = world["round"].id
    page = lead.get(f"/rounds/{rid}/paper-reply")
    response = lead.post(f"/rounds/{rid}/paper-reply", data={
        "csrf_token": csrf_token_from(page), "recipient_id": str(world["recipient"].id),
        "reply_number": "2711", "reply_notation": "STC-NS", "reply_date": "2024-07-08",
        "comments-0-section_id": str(world["sections"]["III.2.a"].id),
        "comments-0-text": "Đề nghị bỏ điểm này", "comments-0-reason": "Trùng lặp"})
    assert response.status_code == 302
    html = lead.get(f"/rounds/{rid}/tracker").get_data(as_text=True)
    assert "cơ quan chủ trì nhập" in html and "2711/STC-NS" in html


def test_agree_without_comments(app, login_as, world):
    leader = _client(app, login_as, world["leader"])
    leader.post(f"/inbox/{world['round'].id}/agree", data={
        "csrf_token": _token(leader, world), "reply_number": "5", "reply_notation": "STC-VP",
        "reply_date": datetime.now(UTC).date().isoformat()})
    lead = _client(app, login_as, world["lead"])
    html = lead.get(f"/rounds/{world['round'].id}/tracker").get_data(as_text=True)
    assert "Thống nhất, không có ý kiến: 1" in html


def test_users_of_one_agency_starting_its_answer_at_once_share_one_response(
        app, login_as, world):
    """Eight people open the drafting page and press "save" on the agency's first comment at
    the same moment: every save is kept, in one response (it used to break
    UNIQUE(recipient, sequence) → 500, or start a second draft)."""
    import threading

    staff = [world["staff"], *(make_user(agency=world["recipient"].agency,
                                         roles=(Role.STAFF,)) for _ in range(7))]
    db.session.commit()
    clients = [_client(app, login_as, user) for user in staff]
    tokens = [_token(client, world) for client in clients]
    section = world["sections"]["I.1.a"].id
    barrier, statuses = threading.Barrier(len(clients)), []

    def save(client, token, n):
        barrier.wait()  # opening the drafting page starts the answer, a GET racing too
        assert client.get(f"/inbox/{world['round'].id}/draft").status_code == 200
        statuses.append(client.post(f"/inbox/{world['round'].id}/comments", headers=JSON,
                                    data={"csrf_token": token, "section_id": section,
                                          "text": f"Ý kiến số {n}"}).status_code)

    threads = [threading.Thread(target=save, args=(c, t, n))
               for n, (c, t) in enumerate(zip(clients, tokens, strict=True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.rollback()
    assert statuses == [201] * len(clients)
    responses = db.session.scalars(select(Response).where(
        Response.recipient_id == world["recipient"].id)).all()
    assert len(responses) == 1
    assert sorted(c.text for c in responses[0].comments) == \
        sorted(f"Ý kiến số {n}" for n in range(len(clients)))


def test_the_comment_limit_holds_on_the_autosave_too(app, login_as, world):
    """A 25,280-character comment was stored through the autosave although the form says
    20,000: every path that writes a comment keeps the limit, with a clear message."""
    staff = _client(app, login_as, world["staff"])
    too_long = "Đề nghị bổ sung. " * 1487  # 25,279 characters
    reply = _comment(staff, world, "I.1.a", too_long)
    assert reply.status_code == 422
    assert "quá giới hạn 20.000 ký tự" in reply.get_json()["error"]
    saved = _comment(staff, world, "I.1.a", "Ngắn gọn.")
    assert saved.status_code == 201
    update = staff.post(saved.get_json()["url"], headers=JSON, data={
        "csrf_token": _token(staff, world), "text": "x" * 20_001,
        "revision": saved.get_json()["revision"]})
    assert update.status_code == 422
    db.session.rollback()
    assert [c.text for c in db.session.scalars(select(Comment))] == ["Ngắn gọn."]
    page = staff.get(f"/inbox/{world['round'].id}/draft").get_data(as_text=True)
    assert 'maxlength="20000"' in page and "tối đa 20.000 ký tự" in page


def test_drafting_page_carries_forms_for_comments_not_for_every_section(app, login_as, world):
    """One new-comment form is opened on demand; without JavaScript the section's link
    reloads the page with that section's form in place, and saving it works as before."""
    rid = world["round"].id
    staff = _client(app, login_as, world["staff"])
    _comment(staff, world, "III.2.a", "Đề nghị làm rõ")
    commentable = [s for s in world["sections"].values() if s.is_commentable]
    assert len(commentable) > 10
    page = staff.get(f"/inbox/{rid}/draft").get_data(as_text=True)
    live, inert = _outside_and_inside_template(page)
    # the comment (and its delete form), the general comment, present, import: not 1 per section
    assert live.count('class="comment-form"') == 2
    assert inert.count('class="comment-form"') == 1
    assert live.count('class="new-comment"') == len(commentable)
    section = world["sections"]["PL.2.b"]
    reloaded = staff.get(f"/inbox/{rid}/draft?new={section.id}")
    opened = _outside_and_inside_template(reloaded.get_data(as_text=True))[0]
    assert opened.count('class="comment-form"') == 3
    assert f'name="section_id" value="{section.id}"' in opened
    saved = staff.post(f"/inbox/{rid}/comments", data={
        "csrf_token": csrf_token_from(reloaded), "section_id": str(section.id),
        "text": "Ý kiến gửi không cần JavaScript"})
    assert saved.status_code == 302 and saved.location.endswith("#s-PL.2.b")
    assert db.session.scalar(select(func.count(Comment.id))) == 2


def _outside_and_inside_template(page: str) -> tuple[str, str]:
    before, rest = page.split('<template id="new-comment-template">', 1)
    inside, after = rest.split("</template>", 1)
    return before + after, inside


def test_the_drafting_page_reads_nothing_twice(app, login_as, world):
    """Opening the drafting page committed (it may start the agency's draft), which expired
    what it had loaded: the round, its recipient and sections were read again. (The first
    view reads the draft again under a lock, on purpose: two users may start it at once.)"""

    staff = _client(app, login_as, world["staff"])
    assert staff.get(f"/inbox/{world['round'].id}/draft").status_code == 200  # starts it
    for _view in ("opens it again", "and again"):
        with recorded_statements(one_line) as seen:
            assert staff.get(f"/inbox/{world['round'].id}/draft").status_code == 200
        reads = [s for s in seen if s.startswith("SELECT")]
        assert len(reads) == len(set(reads)), [s for s in reads if reads.count(s) > 1]


def test_an_autosave_reads_nothing_back_after_saving(app, login_as, world):
    """The reply to an autosave was made after the commit had expired everything: the
    comment and the user were read again (on SQLite under a second write lock)."""

    staff = _client(app, login_as, world["staff"])
    _comment(staff, world, "III.2.a", "Bản đầu")  # the draft exists: a save like any other
    with recorded_statements(lambda sql, _context: one_line(sql).upper()) as seen:
        saved = _comment(staff, world, "PL.2.b", "Đề nghị ghi rõ thời hạn")
    assert saved.status_code == 201 and saved.json["revision"] == 1
    insert = next(i for i, s in enumerate(seen) if s.startswith("INSERT INTO COMMENTS"))
    assert [s for s in seen[insert + 1:] if not s.startswith("INSERT INTO AUDIT")] == []


def test_an_autosave_reads_the_agencys_place_and_its_handling_in_one_statement(
        app, login_as, world):
    """Each autosave asked three times before writing: the agency's place in the round, its
    assignment and answers, the section. Now: the session, then one statement; the insert."""

    staff = _client(app, login_as, world["staff"])
    _comment(staff, world, "III.2.a", "Bản đầu")
    data = {"csrf_token": _token(staff, world), "section_id": world["sections"]["PL.2.b"].id,
            "text": "Đề nghị ghi rõ thời hạn"}
    with recorded_statements(lambda sql, _context: one_line(sql).upper()) as seen:
        saved = staff.post(f"/inbox/{world['round'].id}/comments", headers=JSON, data=data)
    assert saved.status_code == 201
    reads = [s for s in seen if s.startswith("SELECT")]
    assert len(reads) == 2, reads  # the session (not kept in TestConfig), and the place
    place = next(s for s in reads if "FROM ROUND_RECIPIENTS" in s)
    assert all(f"JOIN {table}" in place for table in ("ASSIGNMENTS", "RESPONSES",
                                                      "DRAFT_SECTIONS"))


def test_saving_a_comment_again_while_typing_writes_and_reads_back_nothing(
        app, login_as, world):
    """An update asked for the assignment and the answer apart, and read the comment back
    after writing it; now the update says its new revision itself."""

    staff = _client(app, login_as, world["staff"])
    created = _comment(staff, world, "III.2.a", "Bản đầu").json
    data = {"csrf_token": _token(staff, world), "section_id": world["sections"]["III.2.a"].id,
            "text": "Bản đầu, sửa lại", "revision": "1"}
    with recorded_statements(lambda sql, _context: one_line(sql).upper()) as seen:
        saved = staff.post(created["url"], headers=JSON, data=data)
    assert saved.status_code == 200 and saved.json["revision"] == 2
    reads = [s for s in seen if s.startswith("SELECT")]
    assert len(reads) == 3, reads  # the session, the place with the section, the comment
    writes = [s for s in seen if not s.startswith(("SELECT", "BEGIN"))]  # SQLite: BEGIN
    assert len(writes) == 1 and writes[0].startswith("UPDATE COMMENTS")
    assert seen[-1] == writes[0]  # nothing read back
    db.session.rollback()
    again = db.session.get(Comment, created["id"])
    assert (again.text, again.revision) == ("Bản đầu, sửa lại", 2)
    assert "sua lai" in again.search_text
    stale = staff.post(created["url"], headers=JSON, data=data)  # revision 1 again
    assert stale.status_code == 409 and stale.json["theirs"] == "Bản đầu, sửa lại"


def test_an_autosave_naming_a_section_outside_the_rounds_draft_is_refused(
        app, login_as, world):
    """The section is read with the agency's place now: one of another round's draft, a
    heading, or none at all each get their answer, on a new comment and on an update."""
    _other, elsewhere, _lead = make_sent_round()
    foreign = elsewhere.round.versions[0].sections[5].id
    heading = next(s for s in world["round"].versions[0].sections if not s.is_commentable).id
    db.session.commit()
    staff = _client(app, login_as, world["staff"])
    url = f"/inbox/{world['round'].id}/comments"
    for section_id in (foreign, heading, 999_999):
        refused = staff.post(url, headers=JSON, data={
            "csrf_token": _token(staff, world), "section_id": section_id, "text": "Ý kiến"})
        assert refused.status_code == 422, section_id
        assert "không thuộc dự thảo" in refused.json["error"]
    general = _comment(staff, world, None, "Ý kiến chung về bố cục")  # no section: allowed
    assert general.status_code == 201
    moved = staff.post(general.json["url"], headers=JSON, data={
        "csrf_token": _token(staff, world), "section_id": foreign, "text": "Ý kiến",
        "revision": "1"})
    assert moved.status_code == 422 and "không thuộc dự thảo" in moved.json["error"]
    db.session.rollback()
    assert db.session.scalars(select(Comment.text)).all() == ["Ý kiến chung về bố cục"]


def test_the_register_proposes_the_day_the_request_arrived(app, login_as, world):
    # Sent on 28/6 at 23:30 in Hà Nội (16:30 UTC): the register says 28/06, whatever the
    # server's clock zone.
    world["round"].opened_at = datetime(2024, 6, 28, 16, 30, tzinfo=UTC)
    db.session.commit()
    page = _client(app, login_as, world["clerk"]).get(f"/inbox/{world['round'].id}")
    html = page.get_data(as_text=True)
    field = re.search(r'<input[^>]*name="received_on"[^>]*>', html).group(0)
    assert 'value="28/06/2024"' in field


def test_an_agreement_sent_while_the_deadline_is_extended_waits_instead_of_deadlocking(
        app, app_factory, login_as, world):
    """Extending a round's deadline updates the round's row, then the rows of recipients
    with an extension of their own; an agency sending "thống nhất" inserts its answer
    (a key-share lock on its recipient's row, which that update does not wait for) and then,
    through the consolidation revision's trigger, updates the round's row. So the agreement
    waits for the extension and goes through: no lock taken the other way round."""
    import threading
    import time
    from datetime import timedelta

    from sqlalchemy import text

    recipient, rid = world["recipient"], world["round"].id
    recipient.extended_deadline_at = world["round"].deadline_at + timedelta(days=1)
    db.session.commit()
    recipient_id = recipient.id
    leader = _client(app, login_as, world["leader"])
    token = _token(leader, world)
    db.session.rollback()  # the test's own transaction holds no lock
    statuses = []

    def agree():
        statuses.append(leader.post(f"/inbox/{rid}/agree", data={
            "csrf_token": token, "reply_number": "6", "reply_notation": "STC-VP",
            "reply_date": datetime.now(UTC).date().isoformat()}).status_code)

    extension = app_factory()  # the lead office's request, on connections of its own
    with extension.app_context(), db.engine.connect() as conn:
        conn.execute(text("UPDATE rounds SET updated_at = updated_at WHERE id = :id"),
                     {"id": rid})
        sending = threading.Thread(target=agree)
        sending.start()
        time.sleep(0.5)  # the agreement is now waiting on a lock
        conn.execute(text("UPDATE round_recipients SET extended_deadline_at = NULL "
                          "WHERE id = :id"), {"id": recipient_id})
        conn.commit()
    sending.join(30)
    assert statuses == [302]
    db.session.rollback()
    sent = db.session.scalars(select(Response).where(
        Response.recipient_id == recipient_id)).one()
    assert sent.state is ResponseState.SUBMITTED


def _rows_read_again(request) -> tuple[object, list[str]]:
    """Run one request; return its response and the statements that read a row by its key
    after the request's last write (the reload of an object its commit expired)."""
    def with_binds(sql, context):
        return sql, set(context.compiled.binds) if context.compiled else set()

    with recorded_statements(with_binds) as seen:
        response = request()
    writes = [n for n, (statement, _binds) in enumerate(seen)
              if statement.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes, "the request wrote nothing"
    return response, [statement for statement, binds in seen[writes[-1]:] if "pk_1" in binds]


def test_a_first_opening_and_a_button_read_nothing_again_after_their_commit(
        app, login_as, world):
    """A commit expired every row the request had loaded: a request's first opening then
    read its round and drafts again for the page, and every button's redirect read the
    signed-in user again (two statements) for its headers."""
    rid = world["round"].id
    leader = _client(app, login_as, world["leader"])
    page, again = _rows_read_again(lambda: leader.get(f"/inbox/{rid}"))
    assert page.status_code == 200 and "Soạn ý kiến theo từng mục" in page.get_data(as_text=True)
    assert again == []
    token = csrf_token_from(page)
    _comment(_client(app, login_as, world["staff"]), world, "I.1.a", "Đề nghị làm rõ")
    sent, again = _rows_read_again(lambda: leader.post(f"/inbox/{rid}/submit", data={
        "csrf_token": token, "reply_number": "15", "reply_notation": "STC-NS",
        "reply_date": "2024-07-08"}))
    assert sent.status_code == 302 and again == []
    db.session.rollback()
    assert db.session.scalar(select(Response.reply_number)) == "15"
