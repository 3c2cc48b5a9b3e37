"""Browser flow of a signed reply: the leader sends "thống nhất" with the PDF signed by the
agency's signing tool; the agency and the lead office see the signature checked."""
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round
from tests.fixtures.signing import Authority, blank_pdf


def test_a_signed_reply_shows_its_signature_to_both_offices(page, live_server, browser,
                                                            tmp_path: Path):
    authority = Authority()
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "ca.pem").write_bytes(authority.pem())
    live_server.app.config["TRUST_ROOTS_DIR"] = str(tmp_path / "roots")
    signed = tmp_path / "cong-van-2712.pdf"
    signed.write_bytes(authority.signer("Trần Văn Minh", "Sở Tài chính").sign(blank_pdf()))
    round_id = _open_demo_round(live_server.app)

    log_in(page, live_server, "minh.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}")
    page.click("text=Thống nhất với nội dung dự thảo, không có ý kiến khác")
    form = page.locator("details.agree form")
    form.locator("[name=reply_number]").fill("2712")
    form.locator("[name=reply_notation]").fill("STC-NS")
    form.locator("[name=scan]").set_input_files(str(signed))
    page.once("dialog", lambda dialog: dialog.accept())
    form.locator("button[name=agree]").click()
    expect(page.locator("#responses")).to_contain_text(
        "Đã ký số: Trần Văn Minh, Sở Tài chính")
    expect(page.locator("#responses")).to_contain_text("hợp lệ")

    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(lead, live_server, "trang.syt")
    lead.goto(f"{live_server.url}/rounds/{round_id}/tracker")
    row = lead.locator("#tracker tr[data-agency='STC']")
    expect(row.locator(".signature-valid")).to_contain_text("Đã ký số: Trần Văn Minh")
    row.locator("text=2712/STC-NS").click()
    expect(lead.locator("#signature")).to_contain_text("hợp lệ")
