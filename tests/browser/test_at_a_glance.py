"""What people look at rather than read: the menu's counts, the tracker's and the workspace's
charts (with their figures one click away), on a desk screen and on a phone."""
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round
from tests.browser.test_work_in_place import _twelve_replies


def test_menu_counts_and_charts_of_a_round(page, live_server, browser):
    round_id = _open_demo_round(live_server.app)
    _twelve_replies(live_server.app, round_id)
    log_in(page, live_server, "trang.syt")
    # The round ended with comments waiting: the start page and the menu say so.
    expect(page.locator("#todo")).to_contain_text("còn 12 ý kiến chưa được duyệt")
    expect(page.locator("#mainnav a[href='/rounds/'] .badge")).to_have_text("1")

    page.goto(f"{live_server.url}/rounds/{round_id}/tracker")
    chart = page.locator("#answers-over-time svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("path.line")).to_have_count(1)
    expect(page.locator("#answers-over-time figcaption")).to_contain_text("Đã nhận 12/")
    page.locator("#answers-by-group summary").click()
    expect(page.locator("#answers-by-group table tbody tr").first).to_be_visible()

    page.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    expect(page.locator("#comments-per-section svg rect.heat-4").first).to_be_visible()
    expect(page.locator("#disposition-mix")).to_contain_text("Chưa xử lý")
    expect(page.locator("#disposition-mix tr:has-text('Chưa xử lý') td.num")).to_have_text("12")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="vi-VN").new_page()
    log_in(phone, live_server, "trang.syt")
    for path, chart_id in ((f"/rounds/{round_id}/tracker", "answers-over-time"),
                           (f"/rounds/{round_id}/consolidation/", "comments-per-section")):
        phone.goto(live_server.url + path)
        box = phone.locator(f"#{chart_id} svg").bounding_box()
        assert box["width"] > 200 and box["x"] + box["width"] <= 390
        wide = phone.evaluate("""[...document.querySelectorAll('body *')].filter(
            e => e.getBoundingClientRect().right > 391).map(e => e.tagName + '#' + e.id + '.'
            + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, wide
    phone.context.close()
