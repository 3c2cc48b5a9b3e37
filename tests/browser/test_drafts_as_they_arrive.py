"""Browser flow: an auto-numbered .docx read at once; a scanned PDF read in the background
while the page shows progress, one recognised title corrected beside its page, the text
confirmed, and the draft circulated."""
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from commentflow.scheduler import run_draft_imports
from tests.browser.conftest import log_in
from tests.fixtures.office import auto_numbered, scanned_pdf

PLAN = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
    "ke-hoach-cao-minh-2026.docx"


@pytest.fixture
def worker(live_server):
    """The scheduler's import job, beside the live server, as `flask scheduler` runs it."""
    stop = threading.Event()

    def work():
        while not stop.is_set():
            run_draft_imports(live_server.app)
            stop.wait(0.5)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=120)


@pytest.fixture
def files(tmp_path):
    auto = tmp_path / "ke-hoach-tu-dong-danh-so.docx"
    auto.write_bytes(auto_numbered(PLAN))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(PLAN)],
                   check=True, capture_output=True, timeout=180)
    scan = tmp_path / "ban-quet-ke-hoach.pdf"
    scan.write_bytes(scanned_pdf((tmp_path / f"{PLAN.stem}.pdf").read_bytes(), pages=2))
    return {"auto": auto, "scan": scan}


def _upload(page, path: Path, title: str) -> None:
    page.click("nav >> text=Dự thảo")
    page.click("text=Tải lên dự thảo")
    page.fill("input[name=title]", title)
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('Tải lên')")


def test_drafts_arrive_as_word_numbering_and_as_a_scan(page, live_server, worker, files):
    log_in(page, live_server, "trang.syt")
    _upload(page, files["auto"], "Kế hoạch Đề án 14 (Word tự đánh số)")
    tree = page.locator("nav.outline")
    expect(tree).to_contain_text("III. NHIỆM VỤ VÀ GIẢI PHÁP CỤ THỂ NĂM 2026")
    expect(tree).to_contain_text("4.1. Bảo hiểm y tế")

    _upload(page, files["scan"], "Kế hoạch Đề án 14 (bản quét)")
    expect(page.locator("#import-progress")).to_be_visible()
    expect(page.locator("#import-stage")).to_contain_text("Đang", timeout=20_000)
    page.wait_for_url("**/review", timeout=90_000)  # the page follows the import to its end
    expect(page.locator("h1")).to_have_text("Soát lại nội dung nhận dạng")
    expect(page.locator("img[alt='Trang 1 của bản quét']").first).to_be_visible()

    item = page.locator("li.review-item[data-key='I.1']")
    title = item.locator("input[name$='-title']")
    expect(title).to_have_value("Mục đích")
    title.fill("Mục đích của Kế hoạch")
    item.locator("button:has-text('Lưu mục này')").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu mục đã soát")
    expect(page.locator("li.review-item[data-key='I.1'] input[name$='-title']")).to_have_value(
        "Mục đích của Kế hoạch")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#confirm-review")
    expect(page.locator(".flash-success")).to_contain_text("Đã xác nhận nội dung nhận dạng")
    expect(page.locator("#review-needed")).to_have_count(0)
    expect(page.locator("section#s-I\\.1")).to_contain_text("1. Mục đích của Kế hoạch")

    page.click("nav >> text=Lấy ý kiến")
    page.click("text=Tạo đợt lấy ý kiến")
    page.fill("#subject", "V/v góp ý dự thảo Kế hoạch thực hiện Đề án 14-ĐA/TU năm 2026")
    page.fill("#letter_number", "315")
    page.fill("#letter_notation", "SYT-NVY")
    page.fill("#place", "An Giang")
    page.fill("#letter_date", date.today().isoformat())
    page.fill("#signer_position", "Giám đốc")
    page.fill("#signer_name", "Hồ Văn Dũng")
    page.fill("#collecting_unit", "Phòng Nghiệp vụ Y")
    page.fill("#body", "Sở Y tế đề nghị các cơ quan, đơn vị có ý kiến đóng góp.")
    page.fill("#deadline_date", (date.today() + timedelta(days=10)).isoformat())
    for box in page.locator("input[name=version_ids]").all():
        box.set_checked(False)
    page.get_by_label("Kế hoạch Đề án 14 (bản quét) — Dự thảo lần 1").check()
    page.get_by_label("Các sở, ban, ngành cấp tỉnh", exact=False).check()
    page.click("button:has-text('Lưu')")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu đợt lấy ý kiến")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Gửi lấy ý kiến')")
    expect(page.locator("#round-state")).to_have_text("Đang lấy ý kiến")
