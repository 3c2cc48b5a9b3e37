"""Browser flow of the exchange log: the administrator finds a refused edXML package, reads
why, and downloads it as it came."""
from playwright.sync_api import expect

from commentflow.core.clock import now_utc
from commentflow.exchange.services import record_refusal
from commentflow.extensions import db
from tests.browser.conftest import log_in


def test_admin_reads_a_refused_package(page, live_server):
    with live_server.app.app_context():
        record_refusal(b"<edXML/>", "cong-van-loi.edxml",
                       "Thiếu trường bắt buộc: To", now=now_utc())
        db.session.commit()
    log_in(page, live_server, "admin")
    page.click("nav >> text=Liên thông")
    page.check("input[name=refused]")
    page.click("form.filters button")
    row = page.locator("#exchange-messages tbody tr", has_text="cong-van-loi.edxml")
    expect(row).to_contain_text("Từ chối")
    expect(row).to_contain_text("Thiếu trường bắt buộc: To")
    with page.expect_download() as download:
        row.locator("a", has_text="cong-van-loi.edxml").click()
    assert download.value.suggested_filename == "cong-van-loi.edxml"
