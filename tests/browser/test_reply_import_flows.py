"""Browser flows of reply files: agency staff upload their commented Word copy, correct one
comment and add them; the leader approves and submits. The lead office records another
agency's reply letter in three steps: file, check, save."""
import io

from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_response_flows import _open_demo_round
from tests.web.test_reply_import import KIEN_GIANG, LETTER


def test_staff_read_their_word_copy_and_the_leader_submits(page, live_server, browser,
                                                           tmp_path):
    document = Document(str(KIEN_GIANG))
    point = next(p for p in document.paragraphs if p.text.startswith("b) Xác định cụ thể"))
    document.add_comment(point.runs, text="Đề nghị bổ sung thời hạn cụ thể.", author="Hoa")
    heading = next(p for p in document.paragraphs if p.text.startswith("IV."))
    document.add_comment(heading.runs, text="Đề nghị sửa thành “TỔ CHỨC THỰC HIỆN”.",
                         author="Hoa")
    reply = tmp_path / "gop-y-STC.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    reply.write_bytes(buffer.getvalue())

    round_id = _open_demo_round(live_server.app)
    log_in(page, live_server, "hoa.stc")
    page.goto(f"{live_server.url}/inbox/{round_id}/draft")
    page.click("#import-comments summary")
    page.set_input_files("#import-comments input[type=file]", str(reply))
    page.click("#import-comments button:has-text('Đọc tệp')")
    expect(page.locator("h1")).to_have_text("Kiểm tra ý kiến đọc từ tệp")
    rows = page.locator("#imported-comments fieldset")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Nhận xét bên lề của Hoa")
    expect(rows.first.locator("select")).to_have_value(
        page.locator("#imported-comments select").first.input_value())
    rows.first.locator("textarea[name$='-text']").fill("Đề nghị bổ sung thời hạn: quý IV/2024.")
    page.click("button:has-text('Thêm vào bản soạn')")
    expect(page.locator(".flash-success")).to_contain_text("Đã thêm 2 ý kiến từ tệp")
    expect(page.locator(".comments[data-section='I.1.b'] textarea[name=text]").first) \
        .to_have_value("Đề nghị bổ sung thời hạn: quý IV/2024.")
    expect(page.locator(".comments[data-section='IV'] textarea[name=proposed_wording]").first) \
        .to_have_value("TỔ CHỨC THỰC HIỆN")

    leader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(leader, live_server, "minh.stc")
    leader.goto(f"{live_server.url}/inbox/{round_id}/review")
    expect(leader.locator("#review li")).to_have_count(2)
    leader.fill("#reply_number", "2712")
    leader.fill("#reply_notation", "STC-NS")
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("#submit-form button[type=submit]")
    expect(leader.locator(".flash-success")).to_contain_text("Đã duyệt và gửi ý kiến")


def test_lead_office_records_a_reply_letter_from_its_file(page, live_server, tmp_path):
    letter = tmp_path / "1875-STC-QLNS.txt"
    letter.write_text(LETTER)
    round_id = _open_demo_round(live_server.app)
    log_in(page, live_server, "trang.syt")
    page.goto(f"{live_server.url}/rounds/{round_id}/paper-reply")
    page.click("text=Đọc từ tệp trả lời…")
    page.select_option("#recipient_id", label="Sở Tài chính")
    page.set_input_files("#reply-file input[type=file]", str(letter))
    page.click("#reply-file button:has-text('Đọc tệp')")
    expect(page.locator(".flash-info")).to_contain_text("Đã đọc 2 ý kiến từ tệp")
    expect(page.locator("#reply_number")).to_have_value("1875")
    expect(page.locator("#reply_notation")).to_have_value("STC-QLNS")
    flagged = page.locator("fieldset.paper-comment.flagged")
    expect(flagged).to_have_count(1)
    expect(flagged.locator("textarea[name$='-text']")).to_have_value(
        "Tại Mục IX: đề nghị bổ sung nội dung đánh giá.")
    flagged.locator("select").select_option(label="IV — Mục IV")
    page.click("button:has-text('Lưu văn bản trả lời')")
    expect(page.locator(".flash-success")).to_contain_text(
        "Đã nhập văn bản trả lời của Sở Tài chính")
    row = page.locator("#tracker tr[data-agency='STC']")
    expect(row).to_contain_text("1875/STC-QLNS")
    expect(row.locator("td").last).to_have_text("2")
