"""Dates typed the Vietnamese way in a browser set to English: dd/mm/yyyy and 24-hour time,
never the browser's mm/dd/yyyy and AM/PM."""
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_an_english_browser_still_takes_day_first_dates_and_24_hour_times(browser,
                                                                           live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/new")
    for name in ("#letter_date", "#deadline_date"):
        expect(page.locator(name)).to_have_attribute("placeholder", "dd/mm/yyyy")
        expect(page.locator(name)).to_have_attribute("type", "text")
    expect(page.locator("#deadline_time")).to_have_attribute("placeholder", "HH:MM")
    page.fill("#subject", "V/v góp ý dự thảo Kế hoạch năm 2030")
    page.fill("#letter_notation", "SYT-TCCB")
    page.fill("#place", "An Giang")
    page.fill("#letter_date", "2/7/2029")
    page.fill("#signer_position", "Giám đốc")
    page.fill("#signer_name", "Hồ Văn Dũng")
    page.fill("#deadline_date", "31/12/2029")
    page.fill("#deadline_time", "17h00")
    page.get_by_label("Các sở, ban, ngành cấp tỉnh", exact=False).check()
    page.click("button:has-text('Lưu')")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu đợt lấy ý kiến")
    expect(page.locator("#round-deadline")).to_contain_text("17:00")
    expect(page.locator("#round-deadline")).to_contain_text("31/12/2029")
    page.click("text=Sửa")
    expect(page.locator("#letter_date")).to_have_value("02/07/2029")
    page.fill("#letter_date", "31/02/2029")
    page.click("button:has-text('Lưu')")
    expect(page.locator("#letter_date + .hint, .field.has-error")).to_contain_text(
        "Ngày không hợp lệ (dd/mm/yyyy).")
    context.close()
