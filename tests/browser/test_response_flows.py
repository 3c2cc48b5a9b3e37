"""Browser flow of an answer: staff comment on three sections (autosaved), the leader
approves and submits, and the lead office's tracker shows three comments."""
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.core.clock import now_utc
from commentflow.directory.services import all_groups
from commentflow.drafts.models import DraftVersion
from commentflow.extensions import db
from commentflow.rounds.services import RoundData, create_round, open_round
from tests.browser.conftest import log_in
from tests.factories import ZONE


def _open_demo_round(app) -> int:
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
        version = db.session.scalar(select(DraftVersion))
        round_ = create_round(RoundData(
            subject="V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP",
            place="Kiên Giang", letter_date=date(2024, 7, 2),
            deadline_at=now_utc() + timedelta(days=8), signer_position="Giám đốc",
            signer_name="Hồ Văn Dũng", letter_number="2159", letter_notation="SYT-TCCB",
            version_ids=[version.id], group_ids=[g.id for g in all_groups()]),
            actor=lead, now=now_utc(), zone=ZONE)
        open_round(round_, actor=lead, now=now_utc(), zone=ZONE)
        db.session.commit()
        return round_.id


def _comment(page, key: str, text: str) -> None:
    block = page.locator(f".comments[data-section='{key}']")
    block.locator("a.new-comment").click()
    block.locator("textarea[name=text]").fill(text)
    expect(block.locator(".save-status")).to_have_text("Đã lưu", timeout=20_000)


def test_staff_comment_leader_submits_lead_office_sees_it(page, live_server, browser):
    round_id = _open_demo_round(live_server.app)
    log_in(page, live_server, "hoa.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}")
    page.click("text=Soạn ý kiến theo từng mục")
    _comment(page, "I.1.a", "Đề nghị bổ sung mục tiêu cụ thể về tài chính.")
    _comment(page, "III.2.a", "Đề nghị làm rõ cơ quan chủ trì thanh toán chi phí xét nghiệm.")
    _comment(page, "PL.2.b", "Đề nghị ghi rõ thời hạn hoàn thành từng quý.")
    page.reload()  # saved on the server, not only in this page
    expect(page.locator(".comments[data-section='PL.2.b'] textarea[name=text]").first) \
        .to_have_value("Đề nghị ghi rõ thời hạn hoàn thành từng quý.")

    leader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(leader, live_server, "minh.stc")
    leader.goto(f"{live_server.url}/inbox/{round_id}/review")
    expect(leader.locator("#review li")).to_have_count(3)
    expect(leader.locator("#review")).to_contain_text("Tại Phụ lục, STT 2, điểm b")
    leader.fill("#reply_number", "2711")
    leader.fill("#reply_notation", "STC-NS")
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("#submit-form button[type=submit]")
    expect(leader.locator(".flash-success")).to_contain_text("Đã duyệt và gửi ý kiến")
    expect(leader.locator("#responses")).to_contain_text("2711/STC-NS")

    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(lead, live_server, "trang.syt")
    lead.goto(f"{live_server.url}/rounds/{round_id}/tracker")
    row = lead.locator("#tracker tr[data-agency='STC']")
    expect(row).to_contain_text("Đã gửi ý kiến đúng hạn")
    expect(row).to_contain_text("2711/STC-NS")
    expect(row.locator("td").last).to_have_text("3")


def test_typed_text_survives_an_expired_session_and_an_expired_token(page, live_server,
                                                                     allowed_errors):
    allowed_errors += ["/comments", "/csrf-token"]  # the refusals this test provokes
    round_id = _open_demo_round(live_server.app)
    log_in(page, live_server, "hoa.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}/draft")
    block = page.locator(".comments[data-section='I.2.a']")
    block.locator("a.new-comment").click()
    # An expired CSRF token: the script fetches a fresh one and the save goes through.
    block.locator("input[name=csrf_token]").evaluate("input => input.value = 'expired'")
    block.locator("textarea[name=text]").fill("Ý kiến gõ khi mã bảo mật đã hết hạn.")
    expect(block.locator(".save-status")).to_have_text("Đã lưu", timeout=20_000)

    # An expired session: nothing reaches the server, but the text stays on this computer.
    general = page.locator("#general-comments form[data-autosave]").last
    page.context.clear_cookies()
    general.locator("textarea[name=text]").fill("Ý kiến chung gõ sau khi phiên đã hết.")
    expect(general.locator(".save-status")).to_contain_text("giữ trên máy này",
                                                            timeout=20_000)
    appendix = page.locator(".comments[data-section='PL.2.b']")
    appendix.locator("a.new-comment").click()
    appendix.locator("textarea[name=text]").fill("Ý kiến mục phụ lục gõ sau khi phiên đã hết.")
    expect(appendix.locator(".save-status")).to_contain_text("giữ trên máy này",
                                                             timeout=20_000)
    log_in(page, live_server, "hoa.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}/draft")
    restored = page.locator("#general-comments textarea[name=text]").first
    expect(restored).to_have_value("Ý kiến chung gõ sau khi phiên đã hết.")
    # Restored from this computer, then saved to the server: each restored form says so.
    expect(page.locator(".save-status", has_text="Đã khôi phục")).to_have_count(0)
    expect(page.locator(".save-status", has_text="Không lưu được")).to_have_count(0)
    expect(page.locator(".save-status", has_text="Đã lưu")).not_to_have_count(0)
    page.reload()
    expect(page.locator("#general-comments textarea[name=text]").first) \
        .to_have_value("Ý kiến chung gõ sau khi phiên đã hết.")
    expect(page.locator(".comments[data-section='I.2.a'] textarea[name=text]").first) \
        .to_have_value("Ý kiến gõ khi mã bảo mật đã hết hạn.")
    expect(page.locator(".comments[data-section='PL.2.b'] textarea[name=text]").first) \
        .to_have_value("Ý kiến mục phụ lục gõ sau khi phiên đã hết.")
