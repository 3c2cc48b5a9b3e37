"""Browser flow of drafts: upload the Kiên Giang .docx, read it, open III.2.a, merge two."""
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import log_in

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
    "du-thao-ke-hoach-218-kien-giang.docx"


def test_lead_staff_uploads_reads_and_corrects_a_draft(page, live_server):
    log_in(page, live_server, "trang.syt")
    page.click("nav >> text=Dự thảo")
    page.click("text=Tải lên dự thảo")
    page.fill("input[name=title]", "Kế hoạch thực hiện Nghị quyết 218 (bản tải lên)")
    # The file field speaks the page's language, not the browser's ("Choose File").
    expect(page.locator(".file-picker")).to_contain_text("Chọn tệp…")
    expect(page.locator(".file-name")).to_have_text("Chưa chọn tệp")
    page.set_input_files("input[type=file]", str(SAMPLE))
    expect(page.locator(".file-name")).to_have_text(SAMPLE.name)
    page.click("button:has-text('Tải lên')")
    expect(page.locator(".flash-success")).to_contain_text("Đã tải lên dự thảo")
    tree = page.locator("nav.outline")
    expect(tree).to_contain_text("I. MỤC ĐÍCH, YÊU CẦU")
    expect(tree).to_contain_text("III. NHIỆM VỤ, GIẢI PHÁP")
    expect(tree).to_contain_text("PHỤ LỤC")

    page.click("nav.outline a[data-key='III.2.a']")
    expect(page).to_have_url(re.compile(r"#s-III\.2\.a$"))
    target = page.locator("section#s-III\\.2\\.a")
    expect(target).to_contain_text("Việc thanh toán, quyết toán chi phí dịch vụ xét nghiệm")
    expect(target).to_have_css("background-color", "rgb(255, 248, 214)")  # :target highlight

    page.click("text=Sửa cách chia mục")
    row = page.locator("tr[data-key='I.1.b']")
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button[name=merge]").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã cập nhật cách chia mục")
    expect(page.locator("tr[data-key='I.1.b']")).to_have_count(0)
    expect(page.locator("tr[data-key='I.1.a']")).to_contain_text("b)")
