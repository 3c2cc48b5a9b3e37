"""Browser flow of reminders: after a sweep the lead office sees who was reminded, and the
agency's user sees the reminder under the bell."""
from datetime import timedelta

from playwright.sync_api import expect

from commentflow.extensions import db
from commentflow.reminders.services import sweep
from commentflow.rounds.models import Round
from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round
from tests.factories import ZONE


def test_reminders_reach_agencies_and_the_lead_office_sees_them(page, live_server, browser):
    round_id = _open_demo_round(live_server.app)
    with live_server.app.app_context():
        deadline = db.session.get(Round, round_id).deadline_at
        # the overdue notice, to all 20 agencies
        sweep(now=deadline + timedelta(minutes=1), zone=ZONE)
        db.session.commit()
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/{round_id}")
    page.click("text=Nhắc hạn")
    # Down across every moment: the earlier reminders are skipped, the overdue notice goes.
    # 80 reminders, 50 to a page, in the order they fell due: the skipped ones come first.
    rows = page.locator("#reminders tbody tr")
    expect(rows).to_have_count(50)
    expect(page.locator("#reminders tbody tr:has-text('bỏ qua')")).to_have_count(50)
    expect(page.locator("#reminders")).to_contain_text("Sở Tài chính")
    page.click("nav[aria-label='Trang các lượt nhắc'] >> text=Sau")
    expect(rows).to_have_count(30)
    expect(page.locator("#reminders tbody tr:has-text('Thông báo quá hạn')")).to_have_count(20)
    expect(page.locator("#reminders tbody tr:has-text('bỏ qua')")).to_have_count(10)

    agency = browser.new_context().new_page()
    log_in(agency, live_server, "hoa.stc")
    agency.click("a.bell")
    expect(agency.locator("#notifications")).to_contain_text("Đã quá hạn góp ý")
    agency.click("#notifications a:has-text('Đã quá hạn góp ý')")
    expect(agency).to_have_url(f"{live_server.url}/inbox/{round_id}")
