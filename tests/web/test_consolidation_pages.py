"""The consolidation workspace through HTTP: filters, decide, group, approve, close, publish."""
import io
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from commentflow.consolidation.models import Disposition
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Comment
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.models import Round, RoundState
from commentflow.rounds.services import close_round
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_round, make_user
from tests.statements import recorded_statements

SAME = "Đề nghị bổ sung cơ chế phối hợp giữa các địa phương."


def test_workspace_flow(app, login_as):
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    districts = [make_agency(name=f"UBND huyện {n}") for n in ("An Biên", "Châu Thành")]
    round_ = make_round(staff, districts, open_=True)
    section = next(s for s in round_.versions[0].sections if s.key == "III.2.a")
    for index, recipient in enumerate(round_.recipients):
        record_paper_reply(recipient, ReplyLetter(str(index + 1), "UBND-VP", date(2024, 7, 8)),
                           [CommentData(SAME, section.id)], actor=staff,
                           now=datetime.now(UTC))
    db.session.commit()
    rid = round_.id
    client = login_as(staff)
    page = client.get(f"/rounds/{rid}/consolidation/")
    html = page.get_data(as_text=True)
    assert "điểm a khoản 2 Mục III" in html and "Gộp 2 ý kiến, trả lời một lần" in html
    assert "Tổng số ý kiến: 2" in html
    search = client.get(f"/rounds/{rid}/consolidation/?q=co+che+phoi+hop").get_data(as_text=True)
    assert "Đang hiện: 2" in search
    none = client.get(f"/rounds/{rid}/consolidation/?q=khong+co").get_data(as_text=True)
    assert "Đang hiện: 0" in none
    ids = [str(i) for i in db.session.scalars(select(Comment.id))]
    token = csrf_token_from(page)
    client.post(f"/rounds/{rid}/consolidation/group", data={"csrf_token": token,
                                                            "comment_ids": ids})
    client.post(f"/rounds/{rid}/consolidation/decide", data={
        "csrf_token": token, "comment_ids": ids, "kind": "accepted",
        "text": "Tiếp thu, bổ sung vào dự thảo."})
    db.session.rollback()
    disposition = db.session.scalar(select(Disposition))
    assert disposition.kind.value == "accepted" and len(disposition.comments) == 2
    boss = login_as(leader, test_client=app.test_client())
    page = boss.get(f"/rounds/{rid}/consolidation/")
    token = csrf_token_from(page)
    boss.post(f"/rounds/{rid}/consolidation/approve", data={
        "csrf_token": token, "disposition_ids": [str(disposition.id)]})
    db.session.rollback()
    close_round(db.session.get(Round, rid), actor=staff, now=datetime.now(UTC))
    db.session.commit()
    boss.post(f"/rounds/{rid}/consolidation/close", data={"csrf_token": token})
    boss.post(f"/rounds/{rid}/consolidation/publish", data={"csrf_token": token})
    db.session.rollback()
    assert db.session.get(Round, rid).state is RoundState.PUBLISHED


def _round_with_comments(agencies: int, per_agency: int):
    """A closed round where every agency sent `per_agency` comments on one section, two of
    them grouped and decided, the rest repeating one sentence (so suggestions show)."""
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    round_ = make_round(staff, [make_agency(name=f"UBND xã {n}") for n in range(agencies)],
                        open_=True)
    sections = [s for s in round_.versions[0].sections if s.is_commentable]
    now = datetime.now(UTC)
    for index, recipient in enumerate(round_.recipients):
        record_paper_reply(recipient, ReplyLetter(str(index + 1), "UBND-VP", date(2024, 7, 8)), [
            CommentData(f"{SAME} Ý kiến số {n}" if n else SAME, sections[n % 3].id)
            for n in range(per_agency)], actor=staff, now=now)
    db.session.flush()
    from commentflow.consolidation import services
    from commentflow.consolidation.queries import in_force

    first_two = list(db.session.scalars(in_force(select(Comment.id).where(
        Comment.text == SAME), round_.id).order_by(Comment.id).limit(2)))
    from commentflow.consolidation.models import DispositionKind

    services.group(round_, first_two, actor=staff, now=now)
    services.decide(round_, first_two, DispositionKind.ACCEPTED, "Tiếp thu.", actor=staff,
                    now=now)
    db.session.commit()
    return round_, staff


def _statements_for(client, url):
    with recorded_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)


def test_page_queries_do_not_grow_with_the_comments(app, login_as):
    small, small_staff = _round_with_comments(agencies=3, per_agency=1)
    large, large_staff = _round_with_comments(agencies=12, per_agency=15)
    counts = []
    for round_, staff in ((small, small_staff), (large, large_staff)):
        client = login_as(staff, test_client=app.test_client())
        client.get("/")  # the menu's counts, kept for a minute (tested in test_todo)
        for query in ("", "?state=open&q=co+che", "?page=2"):
            statements, html = _statements_for(
                client, f"/rounds/{round_.id}/consolidation/{query}")
            assert "Gộp" in html
            counts.append((query, len(statements)))
    small_counts, large_counts = counts[:3], counts[3:]
    # 3 comments or 180: the same statements (a page without dispositions needs one fewer);
    # two of them count for the charts (comments by section and disposition, the sections).
    assert large_counts[:2] == small_counts[:2], (small_counts, large_counts)
    assert large_counts[2][1] <= small_counts[2][1]
    assert max(n for _q, n in counts) <= 19, counts


def test_long_sections_are_paged_and_outlined(app, login_as):
    from commentflow.consolidation.workspace import PAGE_SIZE

    round_, staff = _round_with_comments(agencies=10, per_agency=12)  # 120 on three sections
    client = login_as(staff)
    html = client.get(f"/rounds/{round_.id}/consolidation/").get_data(as_text=True)
    assert html.count('class="comment-row"') == PAGE_SIZE
    assert "Trang 1 / 3" in html and "Tổng số ý kiến: 120" in html
    assert "Ý kiến theo mục (3 mục)" in html
    last = client.get(f"/rounds/{round_.id}/consolidation/?page=3").get_data(as_text=True)
    assert last.count('class="comment-row"') == 120 - 2 * PAGE_SIZE
    beyond = client.get(f"/rounds/{round_.id}/consolidation/?page=99").get_data(as_text=True)
    assert "Trang 3 / 3" in beyond  # a page past the end shows the last one
    section_id = db.session.scalar(select(Comment.section_id).order_by(Comment.id))
    one = client.get(f"/rounds/{round_.id}/consolidation/?section={section_id}&q=y+kien+so+3")
    body = one.get_data(as_text=True)
    assert "Đang hiện: 10" in body  # "Ý kiến số 3" from each agency, all on that section
    assert body.count('class="comment-row"') == 10


def test_search_finds_the_latest_text_of_an_edited_comment(app):
    from commentflow.consolidation.workspace import Filters, load_workspace
    from commentflow.responses.services import save_comment, submit_response, working_response

    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    agency = make_agency(name="Sở Tài chính")
    writer = make_user(roles=(Role.STAFF, Role.LEADER), agency=agency)
    round_ = make_round(staff, [agency], open_=True)
    section = next(s for s in round_.versions[0].sections if s.is_commentable)
    now = datetime.now(UTC)
    response = working_response(round_.recipients[0], actor=writer, now=now)
    comment = save_comment(response, CommentData("Ban đầu", section.id), actor=writer, now=now)
    save_comment(response, CommentData("Đề nghị làm rõ nguồn kinh phí", section.id),
                 actor=writer, now=now, comment=comment, revision=comment.revision)
    submit_response(response, ReplyLetter("5", "STC-VP", date(2024, 7, 8)), actor=writer,
                    now=now)
    db.session.commit()

    def shown(q):
        return load_workspace(round_, Filters(q=q), general_label="").shown

    assert shown("nguon KINH phi") == 1 and shown("ban dau") == 0 and shown("100%") == 0


def test_agencies_see_nothing_before_publication_and_their_own_outcomes_after(app, login_as):
    from docx import Document

    from commentflow.consolidation import services
    from commentflow.consolidation.models import DispositionKind

    now = datetime.now(UTC)
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    finance, justice, outsider = (make_agency(name=n) for n in (
        "Sở Tài chính", "Sở Tư pháp", "Sở Xây dựng"))
    readers = {a.name: make_user(roles=(Role.STAFF,), agency=a)
               for a in (finance, justice, outsider)}
    round_ = make_round(staff, [finance, justice], open_=True)
    sections = {s.key: s for s in round_.versions[0].sections}
    mine, theirs = "Đề nghị làm rõ nguồn kinh phí.", "Đề nghị bỏ khoản 3 vì trùng lặp."
    for recipient, text, key in ((round_.recipients[0], mine, "I.1.a"),
                                 (round_.recipients[1], theirs, "III.2.a")):
        record_paper_reply(recipient, ReplyLetter("3", "VP", date(2024, 7, 8)),
                           [CommentData(text, sections[key].id)], actor=staff, now=now)
    db.session.flush()
    comments = {c.text: c.id for c in db.session.scalars(select(Comment))}
    services.decide(round_, [comments[mine]], DispositionKind.ACCEPTED,
                    "Bổ sung nguồn kinh phí tại Mục IV.", actor=staff, now=now)
    services.decide(round_, [comments[theirs]], DispositionKind.NOT_ACCEPTED,
                    "Giữ nguyên vì khoản 3 là nhiệm vụ riêng.", actor=staff, now=now)
    db.session.commit()
    rid = round_.id
    finance_client = login_as(readers["Sở Tài chính"], test_client=app.test_client())
    outsider_client = login_as(readers["Sở Xây dựng"], test_client=app.test_client())

    def finance_sees():
        return finance_client.get(f"/inbox/{rid}").get_data(as_text=True)

    before = finance_sees()
    assert "Bổ sung nguồn kinh phí" not in before and theirs not in before
    assert 'id="outcomes"' not in before and 'id="published-report"' not in before
    assert finance_client.get(f"/inbox/{rid}/consolidation-report.docx").status_code == 404
    assert finance_client.get(f"/rounds/{rid}/consolidation/").status_code == 403

    close_round(db.session.get(Round, rid), actor=staff, now=now)
    services.close_consolidation(db.session.get(Round, rid), actor=leader, now=now,
                                 accept_open=True)
    db.session.commit()
    assert finance_client.get(f"/inbox/{rid}/consolidation-report.docx").status_code == 404
    services.publish(db.session.get(Round, rid), actor=leader, now=now)
    db.session.commit()

    after = finance_sees()
    assert "Bổ sung nguồn kinh phí tại Mục IV." in after and mine in after
    assert theirs not in after and "Giữ nguyên" not in after  # another agency's stays out
    report = finance_client.get(f"/inbox/{rid}/consolidation-report.docx")
    assert report.status_code == 200
    rows = [[c.text for c in row.cells] for row in Document(io.BytesIO(report.data)).tables[1].rows]
    assert [row[1] for row in rows[1:]] == ["Sở Tài chính", "Sở Tư pháp"]  # the whole report
    assert outsider_client.get(f"/inbox/{rid}/consolidation-report.docx").status_code == 404
    assert outsider_client.get(f"/inbox/{rid}").status_code == 404


def test_a_disposition_needs_its_kind_and_a_refusal_its_reason(app, login_as):
    from commentflow.consolidation.models import Disposition

    round_, staff = _round_with_comments(agencies=2, per_agency=2)
    client = login_as(staff)
    page = client.get(f"/rounds/{round_.id}/consolidation/")
    assert "— Chọn cách xử lý —" in page.get_data(as_text=True)
    token = csrf_token_from(page)
    comment_id = db.session.scalar(select(Comment.id).where(Comment.disposition_id.is_(None)))
    before = db.session.scalar(select(func.count(Disposition.id)))
    url = f"/rounds/{round_.id}/consolidation/decide"
    no_kind = client.post(url, data={"csrf_token": token, "comment_ids": [comment_id],
                                     "kind": "", "text": "Tiếp thu."}, follow_redirects=True)
    assert "Hãy chọn cách xử lý: tiếp thu, tiếp thu một phần" in no_kind.get_data(as_text=True)
    refusal = client.post(url, data={"csrf_token": token, "comment_ids": [comment_id],
                                     "kind": "not_accepted", "text": "  "},
                          follow_redirects=True)
    assert "Không tiếp thu thì phải giải trình lý do." in refusal.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Disposition.id))) == before


def test_an_agencys_outcomes_follow_the_draft_and_a_closed_round_counts_no_days(app, login_as):
    from commentflow.consolidation import services

    now = datetime.now(UTC)
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    finance = make_agency(name="Sở Tài chính")
    reader = make_user(roles=(Role.STAFF,), agency=finance)
    round_ = make_round(staff, [finance], open_=True)
    sections = {s.key: s for s in round_.versions[0].sections}
    record_paper_reply(round_.recipients[0], ReplyLetter("3", "VP", date(2024, 7, 8)),
                       [CommentData("Về Mục III", sections["III.2.a"].id),
                        CommentData("Về Mục I", sections["I.1.a"].id)], actor=staff, now=now)
    close_round(round_, actor=staff, now=now)
    db.session.commit()
    client = login_as(reader)
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "đã kết thúc" in inbox and " ngày</td>" not in inbox
    services.close_consolidation(round_, actor=leader, now=now, accept_open=True)
    services.publish(round_, actor=leader, now=now)
    db.session.commit()
    page = client.get(f"/inbox/{round_.id}").get_data(as_text=True)
    outcomes = page.split('id="outcomes"')[1]
    assert outcomes.index("Về Mục I") < outcomes.index("Về Mục III")


def test_long_filter_lists_come_apart_from_the_page(app, login_as):
    import re

    round_, staff = _round_with_comments(agencies=12, per_agency=2)
    rid = round_.id
    client = login_as(staff)
    html = client.get(f"/rounds/{rid}/consolidation/").get_data(as_text=True)
    agency_select = re.search(r'<select id="agency".*?</select>', html, re.S).group(0)
    section_select = re.search(r'<select id="section".*?</select>', html, re.S).group(0)
    # only "all" in the page; the list's address is named for the script
    assert agency_select.count("<option") == 1 and section_select.count("<option") == 1
    url = re.search(r'data-options="([^"]+)"', agency_select).group(1).replace("&amp;", "&")
    assert url.startswith(f"/rounds/{rid}/consolidation/filter-options?")

    lists = client.get(url)
    assert lists.status_code == 200 and "private" in lists.headers["Cache-Control"]
    choices = lists.get_json()
    names = [name for _id, name in choices["agency"]]
    assert names == [r.agency.name for r in round_.recipients] and len(names) == 12
    sections = [s for s in round_.versions[0].sections if s.is_commentable]
    assert [key for key, _label in choices["section"]] == \
        [str(s.id) for s in sections] + ["general"]
    assert choices["section"][-1][1] == "Ý kiến chung / Vấn đề khác"
    again = client.get(url, headers={"If-None-Match": lists.headers["ETag"]})
    assert again.status_code == 304

    # The choice in force is in the page, with its name; each comment's agency links to it.
    second = round_.recipients[1].agency
    filtered = client.get(f"/rounds/{rid}/consolidation/?agency={second.id}"
                          f"&section={sections[1].id}").get_data(as_text=True)
    assert f'<option value="{second.id}" selected>{second.name}</option>' in filtered
    assert re.search(rf'<option value="{sections[1].id}" selected>[^<]+</option>', filtered)
    assert "Đang hiện: 1" in filtered
    link = f'href="/rounds/{rid}/consolidation/?agency={second.id}"'
    assert link in html  # from the unfiltered page: the way to the filter without a script
    # an agency not among the round's recipients is not named
    stranger = make_agency(name="Sở Ngoại vụ")
    db.session.commit()
    other = client.get(f"/rounds/{rid}/consolidation/?agency={stranger.id}").get_data(
        as_text=True)
    assert "Sở Ngoại vụ" not in other and "Đang hiện: 0" in other


def test_the_kept_outline_and_charts_follow_the_language_and_the_decisions(app, login_as):
    """The outline, the section names and the charts are kept per consolidation revision
    and language: another language's view gets its own words, and a decision shows at once
    in the outline's and the chart's counts."""
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    round_ = make_round(staff, [make_agency(name="UBND xã Tân Hiệp")], open_=True)
    record_paper_reply(round_.recipients[0], ReplyLetter("7", "UBND", date(2024, 7, 8)),
                       [CommentData("Đề nghị nêu căn cứ pháp lý mới.", None)],  # general
                       actor=staff, now=datetime.now(UTC))
    db.session.commit()
    rid, comment_id = round_.id, db.session.scalar(select(Comment.id))
    client = login_as(staff)
    outline = '<a href="/rounds/%d/consolidation/?section=general">%s</a></td><td>1</td><td>%d</td>'

    vietnamese = client.get(f"/rounds/{rid}/consolidation/").get_data(as_text=True)
    assert outline % (rid, "Ý kiến chung / Vấn đề khác", 1) in vietnamese
    assert "Số ý kiến theo từng mục của dự thảo" in vietnamese
    token = csrf_token_from(client.get("/"))
    client.post("/language/en", data={"csrf_token": token})
    english = client.get(f"/rounds/{rid}/consolidation/").get_data(as_text=True)
    assert outline % (rid, "General comments / other matters", 1) in english
    assert "Comments on each section of the draft" in english
    assert "Vấn đề khác" not in english
    client.post("/language/vi", data={"csrf_token": token})

    client.post(f"/rounds/{rid}/consolidation/decide", data={
        "csrf_token": token, "comment_ids": [str(comment_id)], "kind": "accepted",
        "text": "Tiếp thu."})
    leader = make_user(roles=(Role.LEADER,), agency=office)
    db.session.commit()
    boss = login_as(leader, test_client=app.test_client())
    boss.post(f"/rounds/{rid}/consolidation/approve", data={
        "csrf_token": csrf_token_from(boss.get("/")),
        "disposition_ids": [str(db.session.scalar(select(Disposition.id)))]})
    after = client.get(f"/rounds/{rid}/consolidation/").get_data(as_text=True)
    assert outline % (rid, "Ý kiến chung / Vấn đề khác", 0) in after
    assert "Tiếp thu: 1" in after  # the disposition chart's description
