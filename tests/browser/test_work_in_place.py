"""Work in place: deciding, approving, grouping, registering and assigning update the page
where the user is — no full page load with JavaScript, the same anchor without it."""
from datetime import UTC, date, datetime

from playwright.sync_api import expect
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.consolidation.models import Disposition
from commentflow.extensions import db
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.models import Round
from commentflow.rounds.services import close_round
from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round

KEYS = ["I.1.a", "I.1.b", "II.1", "II.2", "III.1.a", "III.2.a", "III.2.b", "IV.1",
        "PL.1.a", "PL.2.b", "I.2", "III.3"]


def _twelve_replies(app, round_id: int) -> None:
    """One paper reply with one comment from each of twelve agencies (the first two on the same
    section), then the round closes."""
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
        sections = {s.key: s for s in round_.versions[0].sections if s.is_commentable}
        keys = [key for key in KEYS if key in sections]
        keys += [key for key in sections if key not in keys][:12 - len(keys)]
        for index, recipient in enumerate(round_.recipients[:12]):
            record_paper_reply(recipient, ReplyLetter(str(index + 1), "X-VP", date(2024, 7, 8)),
                               [CommentData(f"Ý kiến số {index + 1}: đề nghị làm rõ.",
                                            sections[keys[max(index - 1, 0)]].id)],
                               actor=lead, now=datetime.now(UTC))
        close_round(round_, actor=lead, now=datetime.now(UTC))
        db.session.commit()


def _count_loads(page) -> list:
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.evaluate("window.__sameDocument = true")
    return loads


def test_ten_dispositions_decided_without_a_page_load(page, live_server, browser):
    round_id = _open_demo_round(live_server.app)
    _twelve_replies(live_server.app, round_id)
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    expect(page.locator(".comment-row")).to_have_count(12)
    loads = _count_loads(page)

    rows = page.locator(".comment-row")
    for index in range(10):
        row = rows.nth(index)
        row.scroll_into_view_if_needed()
        row.locator("select[name=kind]").select_option("accepted" if index % 2 else "noted")
        row.locator("textarea[name=text]").fill(f"Giải trình {index + 1}.")
        row.locator("form.decide button[type=submit]").click()
        expect(row.locator(".tag")).to_contain_text("Chờ duyệt")
    # The reader stayed low on the page, the counts and the outline followed.
    assert page.evaluate("window.scrollY") > 300
    expect(page.locator("#messages .flash-success")).to_have_text("Đã lưu cách xử lý.")
    expect(rows.nth(9).locator("textarea[name=text]")).to_have_value("Giải trình 10.")
    # Focus stayed on the button pressed, so the keyboard goes on from there.
    assert page.evaluate("document.activeElement.closest('.comment-row').id") == \
        rows.nth(9).get_attribute("id")

    # A refusal keeps what was typed: no choice of disposition, only an explanation.
    row = rows.nth(10)
    row.locator("textarea[name=text]").fill("Chưa chọn cách xử lý.")
    row.locator("form.decide button[type=submit]").click()
    expect(page.locator("#messages .flash-error")).to_be_visible()
    expect(row.locator("textarea[name=text]")).to_have_value("Chưa chọn cách xử lý.")

    assert loads == [] and page.evaluate("window.__sameDocument") is True
    with live_server.app.app_context():
        texts = sorted(d.text for d in db.session.scalars(select(Disposition).where(
            Disposition.round_id == round_id, Disposition.kind.is_not(None))))
    assert texts == sorted(f"Giải trình {n}." for n in range(1, 11))

    # The leader approves one, then the rest of the page, in place too.
    leader = browser.new_context().new_page()
    log_in(leader, live_server, "dung.syt")
    leader.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    leader_loads = _count_loads(leader)
    first = leader.locator(".comment-row").first
    first.locator("button:has-text('Duyệt')").click()
    expect(first.locator(".tag.approved")).to_have_text("Đã duyệt")
    expect(leader.locator("#approve-page button")).to_contain_text("Duyệt cả 9")
    leader.click("#approve-page button")
    expect(leader.locator(".tag.approved")).to_have_count(10)
    expect(leader.locator("#consolidation-counts")).to_contain_text("Chưa duyệt: 2")
    assert leader_loads == [] and leader.evaluate("window.__sameDocument") is True
    leader.context.close()


def test_grouping_in_place_and_without_javascript_back_at_the_anchor(page, live_server,
                                                                     browser):
    round_id = _open_demo_round(live_server.app)
    _twelve_replies(live_server.app, round_id)
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    loads = _count_loads(page)
    rows = page.locator(".consolidation-section[data-section='I.1.a'] .comment-row")
    expect(rows).to_have_count(2)
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    page.click("button:has-text('Gộp các ý kiến đã chọn')")
    expect(page.locator("#messages .flash-success")).to_contain_text("Đã gộp")
    expect(page.locator(".comment-row .tag:has-text('Trong nhóm 2 ý kiến')")).to_have_count(2)
    assert loads == []

    # Without JavaScript the same buttons work and come back to the comment decided.
    plain = browser.new_context(java_script_enabled=False).new_page()
    log_in(plain, live_server, "trang.syt")
    plain.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    row = plain.locator(".comment-row").nth(7)
    row_id = row.get_attribute("id")
    row.locator("select[name=kind]").select_option("accepted")
    row.locator("form.decide button[type=submit]").click()
    plain.wait_for_url(f"**/consolidation/#{row_id}")
    expect(plain.locator(".flash-success")).to_have_text("Đã lưu cách xử lý.")
    expect(plain.locator(f"#{row_id} .tag")).to_contain_text("Chờ duyệt")
    plain.context.close()


def test_clerk_registers_and_leader_assigns_in_place(page, live_server, browser):
    round_id = _open_demo_round(live_server.app)
    log_in(page, live_server, "lan.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}")
    loads = _count_loads(page)
    page.click("#handling button:has-text('Vào sổ')")
    expect(page.locator("#registration")).to_contain_text("Số đến: 1")
    expect(page.locator("#messages .flash-success")).to_have_text("Đã vào sổ văn bản đến.")
    assert loads == []

    leader = browser.new_context().new_page()
    log_in(leader, live_server, "minh.stc")
    leader.goto(f"{live_server.url}/inbox/{round_id}")
    leader_loads = _count_loads(leader)
    leader.select_option("#handler_id", label="Lê Thị Hoa")
    leader.fill("#instruction", "Chủ trì nghiên cứu, tham mưu góp ý.")
    leader.click("#handling button:has-text('Giao xử lý')")
    expect(leader.locator("#assignment")).to_contain_text("Chủ trì: Lê Thị Hoa")
    expect(leader.locator("#messages .flash-success")).to_have_text("Đã giao xử lý.")
    assert leader_loads == []
    leader.context.close()
