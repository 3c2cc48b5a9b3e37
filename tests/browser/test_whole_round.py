"""A whole round in a real browser, as a new user would run it: three agencies asked, one
answers with comments through its leader, one agrees by paper letter, one stays silent; the
lead office closes early, answers the comment, its leader approves and downloads the
official report, whose opening part is read line by line (the silent agency included)."""
import io
from datetime import date, timedelta

from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.core.clock import now_utc
from commentflow.directory.models import Agency
from commentflow.drafts.models import DraftVersion
from commentflow.extensions import db
from commentflow.responses.services import ReplyLetter, record_paper_reply
from commentflow.rounds.models import Round
from commentflow.rounds.services import RoundData, create_round, open_round
from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _comment
from tests.factories import ZONE


def _round_to_three(app) -> int:
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
        codes = {a.code: a.id for a in db.session.scalars(select(Agency))}
        round_ = create_round(RoundData(
            subject="V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP",
            place="Kiên Giang", letter_date=date(2024, 7, 2),
            deadline_at=now_utc() + timedelta(days=8), signer_position="Giám đốc",
            signer_name="Hồ Văn Dũng", letter_number="2159", letter_notation="SYT-TCCB",
            version_ids=[db.session.scalar(select(DraftVersion.id))],
            agency_ids=[codes["STC"], codes["STP"], codes["SNV"]]),
            actor=lead, now=now_utc(), zone=ZONE)
        open_round(round_, actor=lead, now=now_utc(), zone=ZONE)
        # Sở Tư pháp agrees by a paper letter the lead office types in.
        justice = next(r for r in round_.recipients if r.agency_id == codes["STP"])
        record_paper_reply(justice, ReplyLetter("45", "STP-VP", date(2024, 7, 5)), [],
                           actor=lead, now=now_utc())
        db.session.commit()
        return round_.id


def test_a_whole_round_ends_in_a_report_that_names_every_agency(page, live_server, browser):
    round_id = _round_to_three(live_server.app)
    log_in(page, live_server, "hoa.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}/draft")
    _comment(page, "I.1.a", "Đề nghị bổ sung mục tiêu cụ thể về tài chính.")
    leader = browser.new_context().new_page()
    log_in(leader, live_server, "minh.stc")
    leader.goto(f"{live_server.url}/inbox/{round_id}/review")
    leader.fill("#reply_number", "2711")
    leader.fill("#reply_notation", "STC-NS")
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("#submit-form button[type=submit]")
    expect(leader.locator(".flash-success")).to_contain_text("Đã duyệt và gửi ý kiến")

    lead = browser.new_context().new_page()
    log_in(lead, live_server, "trang.syt")
    lead.goto(f"{live_server.url}/rounds/{round_id}")
    lead.once("dialog", lambda dialog: dialog.accept())
    lead.click("button:has-text('Kết thúc nhận ý kiến')")
    lead.goto(f"{live_server.url}/rounds/{round_id}/tracker")
    expect(lead.locator("#tracker tr[data-agency='SNV']")).to_contain_text("Không trả lời")
    lead.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    block = lead.locator(".consolidation-section[data-section='I.1.a']")
    block.locator("select[name=kind]").first.select_option("accepted")
    block.locator("textarea[name=text]").first.fill("Tiếp thu, bổ sung vào Mục I.")
    block.locator("form.decide button[type=submit]").first.click()
    expect(lead.locator(".flash-success")).to_contain_text("Đã lưu cách xử lý")

    boss = browser.new_context().new_page()
    log_in(boss, live_server, "dung.syt")
    boss.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    boss.click("button:has-text('Duyệt cả 1 cách xử lý trên trang này')")
    # Approving now updates the page in place: wait for it, as the leader would, before
    # closing (otherwise both answers race on the one session cookie).
    expect(boss.locator(".flash-success")).to_contain_text("Đã duyệt")
    boss.click("button:has-text('Chốt tổng hợp')")
    expect(boss.locator(".flash-success")).to_contain_text("Đã chốt")
    with boss.expect_download() as download:
        boss.get_by_text("Báo cáo tổng hợp (.docx)", exact=True).click()
    report = Document(io.BytesIO(download.value.path().read_bytes()))
    lines = [p.text for p in report.paragraphs if p.text.strip()]
    opening = lines[lines.index("2. Kết quả cụ thể như sau:") - 1:][:6]
    assert opening[0] == ("1. Tổng số 03 cơ quan, đơn vị đã gửi xin ý kiến; tổng số 02 văn "
                          "bản góp ý nhận được.")
    assert opening[1] == "2. Kết quả cụ thể như sau:"
    assert opening[2].startswith("- Số cơ quan, đơn vị thống nhất, không có ý kiến: 01 (")
    assert opening[3] == "+ Sở Tư pháp (Công văn số 45/STP-VP ngày 05/07/2024);"
    assert opening[4] == ("- Số cơ quan, đơn vị có ý kiến góp ý: 01 (chi tiết tại bảng dưới "
                          "đây).")
    assert opening[5] == ("- Đơn vị không gửi văn bản góp ý xem như thống nhất nội dung dự "
                          "thảo: Sở Nội vụ.")
    table = report.tables[1]
    assert [c.text for c in table.rows[1].cells][1:] == [
        "Sở Tài chính", "Đề nghị bổ sung mục tiêu cụ thể về tài chính.",
        "Tiếp thu, bổ sung vào Mục I."]
    with live_server.app.app_context():
        assert db.session.get(Round, round_id).state.value == "consolidated"
