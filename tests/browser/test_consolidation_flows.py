"""Browser flow of consolidation: answer three comments, group two identical ones, approve,
publish, download the three files; the agency then sees how its comment was handled."""
import io
import re
from datetime import UTC, date, datetime

from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from commentflow.accounts.models import User
from commentflow.directory.models import Agency
from commentflow.extensions import db
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.models import Round
from commentflow.rounds.services import close_round
from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round

SAME = "Đề nghị bổ sung cơ chế phối hợp giữa các xã, phường."


def _replies(app, round_id: int) -> None:
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
        sections = {s.key: s for s in round_.versions[0].sections}
        answers = {"STC": [CommentData("Đề nghị làm rõ nguồn kinh phí.", sections["I.1.a"].id)],
                   "UBND-PRG": [CommentData(SAME, sections["III.2.a"].id)],
                   "UBND-PLX": [CommentData(SAME, sections["III.2.a"].id)]}
        codes = {a.id: a.code for a in db.session.scalars(select(Agency))}
        for recipient in round_.recipients:
            comments = answers.get(codes[recipient.agency_id])
            if comments:
                record_paper_reply(recipient, ReplyLetter("7", "X-VP", date(2024, 7, 8)),
                                   comments, actor=lead, now=datetime.now(UTC))
        close_round(round_, actor=lead, now=datetime.now(UTC))
        db.session.commit()


def test_lead_office_consolidates_and_publishes(page, live_server, browser):
    round_id = _open_demo_round(live_server.app)
    _replies(live_server.app, round_id)
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    expect(page.locator("#consolidation-counts")).to_contain_text("Tổng số ý kiến: 3")
    page.click("#suggestions button")
    expect(page.locator(".flash-success")).to_contain_text("Đã gộp")
    # Split one off again, then group the two by ticking them.
    grouped = page.locator(".consolidation-section[data-section='III.2.a'] .comment-row")
    grouped.first.locator("button:has-text('Tách khỏi nhóm')").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã tách")
    expect(page.locator("#suggestions")).to_be_visible()
    for index in (0, 1):
        grouped.nth(index).locator("input[type=checkbox]").check()
    page.click("button:has-text('Gộp các ý kiến đã chọn')")
    expect(page.locator(".flash-success")).to_contain_text("Đã gộp")
    expect(grouped.first).to_contain_text("Trong nhóm 2 ý kiến trả lời chung")
    # A quick-pick phrase goes into the explanation with the keyboard alone, then is finished.
    first = page.locator(".consolidation-section[data-section='I.1.a'] form.decide").first
    first.locator("select.quick-pick").focus()
    first.locator("select.quick-pick").select_option("Tiếp thu, bổ sung vào dự thảo.")
    expect(first.locator("textarea[name=text]")).to_have_value("Tiếp thu, bổ sung vào dự thảo.")
    expect(first.locator("select.quick-pick")).to_have_value("")
    for section, text in (("I.1.a", None),
                          ("III.2.a", "Tiếp thu, điều chỉnh tại điểm a khoản 2 Mục III.")):
        block = page.locator(f".consolidation-section[data-section='{section}']")
        block.locator("select[name=kind]").first.select_option("accepted")
        if text:
            block.locator("textarea[name=text]").first.fill(text)
        block.locator("form.decide button[type=submit]").first.click()
        expect(page.locator(".flash-success")).to_contain_text("Đã lưu cách xử lý")
    expect(page.locator(".comment-row")).to_have_count(3)

    leader = browser.new_context().new_page()
    log_in(leader, live_server, "dung.syt")
    leader.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    expect(leader.locator(".decided-by").first).to_contain_text("Soạn: Nguyễn Thị Trang")
    leader.click("button:has-text('Duyệt cả 2 cách xử lý trên trang này')")
    expect(leader.locator(".flash-success")).to_contain_text("Đã duyệt")
    expect(leader.locator(".decided-by").first).to_contain_text("Duyệt: ")
    expect(leader.locator("#consolidation-counts")).to_contain_text("Chưa duyệt: 0")
    leader.click("button:has-text('Chốt tổng hợp')")
    expect(leader.locator(".flash-success")).to_contain_text("Đã chốt")
    leader.locator("#report-export").get_by_label("STT").check()
    leader.locator("#report-export").get_by_label("Ghi chú").check()
    files = {}
    for label in ("Báo cáo tổng hợp (.docx)", "Báo cáo tổng hợp (.xlsx)",
                  "Dự thảo kèm ý kiến bên lề (.docx)"):
        with leader.expect_download() as download:
            leader.get_by_text(label, exact=True).click()
        files[label] = download.value.path().read_bytes()
        assert download.value.suggested_filename.endswith((".docx", ".xlsx"))
    table = Document(io.BytesIO(files["Báo cáo tổng hợp (.docx)"])).tables[1]
    assert [c.text for c in table.rows[0].cells][:2] == ["STT", "NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN"]
    assert [c.text for c in table.rows[0].cells][-1] == "GHI CHÚ"
    assert len(table.rows) == 3  # header, one comment, the two grouped ones answered once
    sheet = load_workbook(io.BytesIO(files["Báo cáo tổng hợp (.xlsx)"]))["Tổng hợp"]
    assert sheet.max_row == 3 and sheet.cell(1, 1).value == "STT"
    margin = Document(io.BytesIO(files["Dự thảo kèm ý kiến bên lề (.docx)"]))
    assert len(list(margin.comments)) == 3
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("button:has-text('Công bố kết quả')")
    expect(leader.locator(".flash-success")).to_contain_text("Đã công bố")

    agency = browser.new_context().new_page()
    log_in(agency, live_server, "hoa.stc")
    agency.goto(f"{live_server.url}/inbox/{round_id}")
    expect(agency.locator("#outcomes")).to_contain_text("Tiếp thu, bổ sung vào dự thảo.")
    expect(agency.locator("#outcomes")).not_to_contain_text(SAME)  # others' stay private


def test_filters_by_agency_and_section_from_lists_loaded_after_the_page(page, live_server):
    round_id = _open_demo_round(live_server.app)
    _replies(live_server.app, round_id)
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/{round_id}/consolidation/")
    agency = page.locator("form.filters select[name=agency]")
    # The list arrives after the page: every recipient of the round, in protocol order.
    expect(agency.locator("option")).to_have_count(1 + page.evaluate(
        "fetch(document.querySelector('select[name=agency]').dataset.options)"
        ".then(r => r.json()).then(lists => lists.agency.length)"))
    agency.select_option(label="Sở Tài chính")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#consolidation-counts")).to_contain_text("Đang hiện: 1")
    expect(page.locator(".comment-row")).to_have_count(1)
    # The filled list keeps the choice in force; a section is chosen the same way.
    expect(agency.locator("option:checked")).to_have_text("Sở Tài chính")
    expect(agency.locator("option")).not_to_have_count(2)
    agency.select_option("")
    page.locator("form.filters select[name=section]").select_option(
        label="điểm a khoản 2 Mục III")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#consolidation-counts")).to_contain_text("Đang hiện: 2")
    # Without the lists, an agency's name on its comment leads to the same filter.
    page.locator(".comment-row strong a").first.click()
    expect(page.locator("#consolidation-counts")).to_contain_text("Đang hiện: 1")
    expect(page).to_have_url(re.compile(r"agency=\d+"))
