"""Browser flow of a round: the lead office circulates the Kiên Giang draft; an agency sees it."""
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_lead_office_circulates_the_draft_and_an_agency_receives_it(page, live_server,
                                                                     browser):
    log_in(page, live_server, "trang.syt")
    page.click("nav >> text=Lấy ý kiến")
    page.click("text=Tạo đợt lấy ý kiến")
    page.fill("#subject", "V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP "
                          "ngày 18/12/2023 của Chính phủ")
    page.fill("#letter_number", "2159")
    page.fill("#letter_notation", "SYT-TCCB")
    page.fill("#place", "An Giang")
    page.fill("#letter_date", date.today().isoformat())
    page.fill("#signer_position", "Giám đốc")
    page.fill("#signer_name", "Hồ Văn Dũng")
    page.fill("#collecting_unit", "Phòng Tổ chức cán bộ")
    page.fill("#body", "Nhằm tham mưu UBND tỉnh ban hành Kế hoạch thực hiện Nghị quyết số "
                       "218/NQ-CP, Sở Y tế đề nghị các cơ quan, đơn vị có ý kiến đóng góp.")
    page.fill("#deadline_date", (date.today() + timedelta(days=10)).isoformat())
    for name in ("Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu",
                 "Các phòng chuyên môn và tương đương thuộc Sở Y tế",
                 "Các cơ quan, đơn vị trực thuộc Sở Y tế"):
        page.get_by_label(name, exact=False).check()
    page.click("button:has-text('Lưu')")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu đợt lấy ý kiến")
    expect(page.locator("#recipient-count")).to_have_text("20")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Gửi lấy ý kiến')")
    expect(page.locator("#round-state")).to_have_text("Đang lấy ý kiến")
    page.click("text=Theo dõi trả lời")
    expect(page.locator("#tracker tbody tr")).to_have_count(20)
    expect(page.locator("#tracker")).to_contain_text("Sở Tài chính")
    expect(page.locator("#state-counts")).to_contain_text("Đã chuyển văn bản, chưa xem: 20")

    agency = browser.new_context(viewport={"width": 1280, "height": 900})
    other = agency.new_page()
    log_in(other, live_server, "hoa.stc")
    expect(other.locator("#unread-count")).to_have_text("1")
    other.click("nav >> text=Văn bản đến")
    expect(other.locator("#inbox")).to_contain_text("Sở Y tế")
    other.click("#inbox a:has-text('V/v góp ý dự thảo Kế hoạch')")
    expect(other.locator("#recipient-deadline")).to_contain_text("trước 00:00 ngày")
    expect(other.locator("article.document")).to_contain_text("MỤC ĐÍCH, YÊU CẦU")
    agency.close()

    page.reload()
    expect(page.locator("#state-counts")).to_contain_text("Đã xem: 1")
