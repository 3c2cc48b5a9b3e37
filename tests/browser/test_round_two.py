"""Round two in a real browser: round 1 consolidated and published; the lead office uploads
version 2, confirms how its sections pair with version 1, sees the change that answers an
accepted comment, and starts round 2; Sở Tài chính maintains its earlier comment ("bảo lưu")
and its leader sends the answer; the round-2 report shows it (issue 15)."""
import io
from datetime import date, timedelta
from pathlib import Path

from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.clock import now_utc
from commentflow.directory.models import Agency
from commentflow.drafts.models import DraftVersion
from commentflow.extensions import db
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.services import RoundData, close_round, create_round, open_round
from tests.browser.conftest import log_in
from tests.factories import ZONE

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / \
    "du-thao-ke-hoach-218-kien-giang.txt"
ASKED = "Đề nghị ghi rõ Sở Tài chính chủ trì thanh toán chi phí xét nghiệm."


def _round_one_published(app) -> int:
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        lead, leader = users["trang.syt"], users["dung.syt"]
        stc = db.session.scalar(select(Agency).where(Agency.code == "STC"))
        version = db.session.scalar(select(DraftVersion))
        round_ = create_round(RoundData(
            subject="V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP",
            place="Kiên Giang", letter_date=date(2024, 7, 2),
            deadline_at=now_utc() + timedelta(days=8), signer_position="Giám đốc",
            signer_name="Hồ Văn Dũng", letter_number="2159", letter_notation="SYT-TCCB",
            version_ids=[version.id], agency_ids=[stc.id]), actor=lead, now=now_utc(),
            zone=ZONE)
        open_round(round_, actor=lead, now=now_utc(), zone=ZONE)
        section = next(s for s in version.sections if s.key == "III.2.a")
        answer = record_paper_reply(round_.recipients[0], ReplyLetter(
            "970", "STC-NS", date(2024, 7, 9)), [CommentData(ASKED, section.id)], actor=lead,
            now=now_utc())
        disposition = consolidation.decide(round_, [answer.comments[0].id],
                                           DispositionKind.ACCEPTED, "Đã ghi rõ cơ quan chủ trì.",
                                           actor=lead, now=now_utc())
        close_round(round_, actor=lead, now=now_utc())
        consolidation.approve(round_, [disposition.id], actor=leader, now=now_utc())
        consolidation.close_consolidation(round_, actor=leader, now=now_utc())
        consolidation.publish(round_, actor=leader, now=now_utc())
        db.session.commit()
        return round_.id


def test_a_revised_draft_goes_out_again_and_an_agency_maintains_its_comment(
        page, live_server, browser, tmp_path):
    first = _round_one_published(live_server.app)
    revised = tmp_path / "du-thao-lan-2.txt"
    revised.write_text(SAMPLE.read_text().replace(
        "a) Việc thanh toán, quyết toán chi phí dịch vụ xét nghiệm COVID-19",
        "a) Sở Tài chính chủ trì việc thanh toán, quyết toán chi phí dịch vụ xét nghiệm "
        "COVID-19", 1))

    log_in(page, live_server, "trang.syt")
    page.click("nav >> text=Dự thảo")
    page.click("#drafts a")
    page.set_input_files("input[type=file]", str(revised))
    page.click("button:has-text('Tải lên')")
    expect(page.locator(".flash-success")).to_contain_text("Đã thêm dự thảo lần 2")
    page.click("#compare-previous")
    change = page.locator("li[data-new='III.2.a']")
    expect(change).to_have_attribute("data-change", "edited")
    expect(change.locator("ins")).to_contain_text("Sở Tài chính chủ trì")
    expect(change.locator(".comments-behind")).to_contain_text(ASKED)
    expect(change.locator(".comments-behind")).to_contain_text("Tiếp thu")
    page.click("#confirm-comparison")
    expect(page.locator("#comparison-confirmed")).to_be_visible()

    page.goto(f"{live_server.url}/rounds/{first}")
    page.click("#follow-up")
    expect(page.locator("#subject")).to_have_value(
        "V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP (lần 2)")
    page.fill("#letter_number", "2301")
    page.fill("#letter_date", date.today().isoformat())
    page.fill("#deadline_date", (date.today() + timedelta(days=10)).isoformat())
    page.click("button:has-text('Lưu')")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu đợt lấy ý kiến")
    expect(page.locator("#previous-round")).to_contain_text("218/NQ-CP")
    second = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Gửi lấy ý kiến')")
    expect(page.locator("#round-state")).to_have_text("Đang lấy ý kiến")

    agency = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(agency, live_server, "hoa.stc")
    agency.goto(f"{live_server.url}/inbox/{second}/draft")
    agency.click("#previous-link a")
    item = agency.locator("#previous-comments li").first
    expect(item).to_contain_text(ASKED)
    expect(item.locator(".earlier-disposition")).to_contain_text("Đã ghi rõ cơ quan chủ trì.")
    item.locator("input[value=maintain]").check()
    item.locator("textarea").fill("Bảo lưu: đề nghị ghi rõ cả thời hạn thanh toán.")
    item.locator("button:has-text('Lưu')").click()
    expect(agency.locator(".flash-success")).to_contain_text("Đã lưu ý kiến về nội dung đợt trước")

    leader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(leader, live_server, "minh.stc")
    leader.goto(f"{live_server.url}/inbox/{second}/review")
    expect(leader.locator("#review")).to_contain_text("đề nghị ghi rõ cả thời hạn thanh toán")
    leader.fill("#reply_number", "2790")
    leader.fill("#reply_notation", "STC-NS")
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("#submit-form button[type=submit]")
    expect(leader.locator(".flash-success")).to_contain_text("Đã duyệt và gửi ý kiến")

    report = page.request.get(f"{live_server.url}/rounds/{second}/consolidation/report.docx")
    cells = " ".join(cell.text for table in Document(io.BytesIO(report.body())).tables
                     for row in table.rows for cell in row.cells)
    assert "Bảo lưu ý kiến: Bảo lưu: đề nghị ghi rõ cả thời hạn thanh toán." in cells
    assert ASKED in cells
