"""Browser flows of the foundation: log in, administer the directory, import a file."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_admin_logs_in_and_opens_every_admin_page(page, live_server):
    log_in(page, live_server, "admin")
    expect(page.locator("h1")).to_contain_text("Xin chào, Quản trị hệ thống")
    page.click("nav >> text=Cơ quan, đơn vị")
    expect(page.locator("#agencies")).to_contain_text("Sở Tài chính")
    expect(page.locator("#agencies")).to_contain_text("Ủy ban nhân dân đặc khu Phú Quốc")
    page.fill("input[name=q]", "phu quoc")
    page.click("text=Lọc")
    # Today's đặc khu, and the city it succeeded (kept as history, no longer a recipient).
    expect(page.locator("#agencies tbody tr")).to_have_count(2)
    expect(page.locator("#agencies tbody tr:has-text('thành phố Phú Quốc')")).to_contain_text(
        "Đã sáp nhập vào Ủy ban nhân dân đặc khu Phú Quốc từ 01/07/2025")
    page.click("nav >> text=Nhóm nhận")
    expect(page.locator("#groups")).to_contain_text("Các sở, ban, ngành cấp tỉnh")
    page.click("nav >> text=Người dùng")
    expect(page.locator("#users")).to_contain_text("Hồ Văn Dũng")
    page.click("nav >> text=Nhật ký")
    expect(page.locator("#audit")).to_contain_text("Tạo nhóm nhận")


def test_admin_imports_an_agency_file(page, live_server, tmp_path):
    good = tmp_path / "danh-ba.csv"
    good.write_text("Mã,Tên đơn vị,Loại,Đơn vị cấp trên,Thứ tự,Nhóm\n"
                    "SKHCN,Sở Khoa học và Công nghệ,\"Sở, ban, ngành\",UBND,85,"
                    "\"Các sở, ban, ngành cấp tỉnh\"\n"
                    "UBND-HT,Ủy ban nhân dân thành phố Hà Tiên,UBND cấp huyện,UBND,125,"
                    "\"Ủy ban nhân dân các huyện, thành phố\"\n", encoding="utf-8")
    bad = tmp_path / "loi.csv"
    bad.write_text("Mã,Tên đơn vị\n,Thiếu mã\nSXD,Sở Xây dựng\n", encoding="utf-8")
    log_in(page, live_server, "admin")
    page.goto(live_server.url + "/admin/import")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('Nhập')")
    expect(page.locator(".flash-error")).to_contain_text("Tệp có 1 lỗi; chưa nhập đơn vị nào.")
    expect(page.locator("#import-errors")).to_contain_text("thiếu mã đơn vị")
    page.set_input_files("input[type=file]", str(good))
    page.click("button:has-text('Nhập')")
    expect(page.locator(".flash-success")).to_contain_text("Đã nhập: 2 đơn vị mới")
    expect(page.locator("#agencies")).to_contain_text("Sở Khoa học và Công nghệ")
    expect(page.locator("#agencies")).not_to_contain_text("Sở Xây dựng")
    page.goto(live_server.url + "/admin/groups")
    expect(page.locator("#groups")).to_contain_text("Ủy ban nhân dân thành phố Hà Tiên")


def test_staff_sees_no_admin_pages_and_switches_language(page, live_server):
    log_in(page, live_server, "hoa.stc")
    expect(page.locator("nav.mainnav")).not_to_contain_text("Người dùng")
    page.goto(live_server.url + "/admin/agencies")
    expect(page.locator("h1")).to_have_text("Không có quyền truy cập")
    page.click("button[lang=en]")
    expect(page.locator("h1")).to_have_text("Access denied")
    page.goto(live_server.url + "/")
    expect(page.locator("body")).to_contain_text("Staff")


def test_logout_ends_the_session(page, live_server):
    log_in(page, live_server, "minh.stc")
    page.click("button:has-text('Đăng xuất')")
    expect(page.locator(".flash-info")).to_contain_text("Bạn đã đăng xuất.")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))
