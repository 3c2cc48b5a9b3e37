"""The consolidation report reopened: .docx cell by cell (merged groups, ratios) and .xlsx."""
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from commentflow.consolidation import services
from commentflow.consolidation.models import DispositionKind
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response
from commentflow.responses.services import (
    CommentData,
    ReplyLetter,
    agree,
    record_paper_reply,
)
from tests.conftest import csrf_token_from
from tests.factories import ZONE, make_agency, make_group, make_round, make_user

SAME = "Đề nghị bổ sung cơ chế phối hợp."


@pytest.fixture
def report_round(app):
    """Five departments and districts in two groups: a "thống nhất" letter, two identical
    comments grouped and answered once, a late paper reply with a formula-like comment, a
    general comment left undecided, and one agency that never answered."""
    now = datetime.now(UTC)
    office = make_agency(name="Sở Y tế", parent=make_agency(name="Ủy ban nhân dân tỉnh Kiên Giang"))
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office, full_name="Nguyễn Văn Chuyên")
    departments = [make_agency(name=n) for n in ("Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp")]
    districts = [make_agency(name=n) for n in ("UBND huyện An Biên", "UBND huyện Châu Thành",
                                                "UBND huyện Giồng Riềng")]
    group_a = make_group(departments, name="Các sở, ban, ngành cấp tỉnh",
                         short_name="Sở, ban, ngành")
    group_b = make_group(districts, name="UBND các huyện", short_name="UBND cấp huyện")
    round_ = make_round(staff, [], group_ids=[group_a.id, group_b.id], open_=True)
    by_name = {r.agency.name: r for r in round_.recipients}
    sections = {s.key: s for s in round_.versions[0].sections}
    leader_tc = make_user(roles=(Role.LEADER,), agency=departments[0])
    agree(by_name["Sở Tài chính"], ReplyLetter("2711", "STC-VP", date(2024, 7, 8)),
          actor=leader_tc, now=now)
    for name in ("UBND huyện An Biên", "UBND huyện Châu Thành"):
        record_paper_reply(by_name[name], ReplyLetter("15", "UBND-VP", date(2024, 7, 9)),
                           [CommentData(SAME, sections["III.2.a"].id)], actor=staff, now=now)
    late_day = (round_.deadline_at + timedelta(days=2)).date()
    record_paper_reply(by_name["Sở Nội vụ"], ReplyLetter("88", "SNV-TCBC", late_day),
                       [CommentData("=HYPERLINK(\"http://x\")", sections["I.1.a"].id),
                        CommentData("Ý kiến chung về bố cục")], actor=staff, now=now)
    record_paper_reply(by_name["Sở Tư pháp"], ReplyLetter("9", "STP-VP", date(2024, 7, 9)),
                       [CommentData("Đề nghị rà soát chính tả.")], actor=staff, now=now)
    db.session.flush()
    ids = [c.id for c in db.session.scalars(select(Comment).where(Comment.text == SAME))]
    services.group(round_, ids, actor=staff, now=now)
    services.decide(round_, ids, DispositionKind.ACCEPTED, "Bổ sung vào điểm a.", actor=staff,
                    now=now)
    round_.deadline_at = now - timedelta(minutes=1)  # the deadline has passed since
    db.session.commit()
    return round_, staff


def test_report_docx_and_xlsx(report_round, login_as):
    round_, staff = report_round
    client = login_as(staff)

    document = Document(io.BytesIO(client.get(
        f"/rounds/{round_.id}/consolidation/report.docx").data))
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("BẢN TỔNG HỢP Ý KIẾN, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý ĐỐI VỚI "
                            "DỰ THẢO KẾ HOẠCH") for t in texts)
    assert any("Tổng số 06 cơ quan, đơn vị đã gửi xin ý kiến; tổng số 05 văn bản" in t
               for t in texts)
    assert any("Sở, ban, ngành: 01/03; UBND cấp huyện: 00/03" in t for t in texts)
    assert "+ Sở Tài chính (Công văn số 2711/STC-VP ngày 08/07/2024);" in texts
    assert any("Số cơ quan, đơn vị có ý kiến góp ý: 04" in t for t in texts)
    assert ("- Đơn vị không gửi văn bản góp ý xem như thống nhất nội dung dự thảo: "
            "UBND huyện Giồng Riềng.") in texts
    table = document.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN", "CHỦ THỂ GÓP Ý", "NỘI DUNG GÓP Ý",
                      "NỘI DUNG TIẾP THU, GIẢI TRÌNH"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert body[0][:3] == ["điểm a khoản 1 Mục I", "Sở Nội vụ", "=HYPERLINK(\"http://x\")"]
    assert body[1] == ["điểm a khoản 2 Mục III", "UBND huyện An Biên; UBND huyện Châu Thành",
                       SAME, "Tiếp thu. Bổ sung vào điểm a."]
    assert [row[0] for row in body[2:]] == ["Ý kiến chung / Vấn đề khác"] * 2
    assert table.cell(3, 0)._tc is table.cell(4, 0)._tc  # the group cell is merged
    assert table.cell(1, 0)._tc is not table.cell(2, 0)._tc

    book = load_workbook(io.BytesIO(client.get(
        f"/rounds/{round_.id}/consolidation/report.xlsx").data))
    sheet = book["Tổng hợp"]
    cell = sheet.cell(row=2, column=3)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    assert [c.value for c in book["Theo dõi"][1]][:2] == ["STT", "Cơ quan, đơn vị"]


def test_optional_columns_chosen_at_export(report_round, login_as):
    round_, staff = report_round
    client = login_as(staff)
    late = db.session.scalar(select(Response.reply_date).where(
        Response.reply_number == "88")).strftime("%d/%m/%Y")
    query = "?columns=stt&columns=reply&columns=officer&columns=note&columns=bogus"
    document = Document(io.BytesIO(client.get(
        f"/rounds/{round_.id}/consolidation/report.docx{query}").data))
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN", "CHỦ THỂ GÓP Ý", "SỐ, NGÀY VĂN BẢN GÓP Ý",
        "NỘI DUNG GÓP Ý", "NỘI DUNG TIẾP THU, GIẢI TRÌNH", "CHUYÊN VIÊN XỬ LÝ", "GHI CHÚ"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert body[0] == ["1", "điểm a khoản 1 Mục I", "Sở Nội vụ",
                       f"Công văn số 88/SNV-TCBC ngày {late}", "=HYPERLINK(\"http://x\")", "",
                       "", "Văn bản gửi sau thời hạn; Chưa có cách xử lý"]
    assert body[1] == ["2", "điểm a khoản 2 Mục III", "UBND huyện An Biên; UBND huyện Châu Thành",
                       "Công văn số 15/UBND-VP ngày 09/07/2024; "
                       "Công văn số 15/UBND-VP ngày 09/07/2024", SAME,
                       "Tiếp thu. Bổ sung vào điểm a.", "Nguyễn Văn Chuyên",
                       "Chưa được lãnh đạo duyệt"]
    assert [row[:3] for row in body[2:]] == [["3", "Ý kiến chung / Vấn đề khác", "Sở Nội vụ"],
                                             ["4", "Ý kiến chung / Vấn đề khác", "Sở Tư pháp"]]
    assert table.cell(3, 1)._tc is table.cell(4, 1)._tc  # the group cell is still merged
    # The table is landscape-wide and its header repeats on every page.
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    assert document.sections[0].page_width > document.sections[0].page_height

    book = load_workbook(io.BytesIO(client.get(
        f"/rounds/{round_.id}/consolidation/report.xlsx{query}").data))
    rows = list(book["Tổng hợp"].values)
    assert rows[0][0] == "STT" and rows[0][-1] == "GHI CHÚ"
    assert rows[2][0] == 2 and rows[2][3].startswith("Công văn số 15/UBND-VP")
    assert rows[1][2] == "Sở Nội vụ" and rows[1][1] == "điểm a khoản 1 Mục I"


def test_without_options_the_four_national_columns_in_vietnamese(report_round, login_as):
    round_, staff = report_round
    client = login_as(staff)
    client.post("/language/en", data={  # the reader's interface is in English; the report
        "csrf_token": csrf_token_from(client.get("/"))})  # is not
    data = client.get(f"/rounds/{round_.id}/consolidation/report.xlsx").data
    rows = list(load_workbook(io.BytesIO(data))["Tổng hợp"].values)
    assert rows[0] == ("NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN", "CHỦ THỂ GÓP Ý", "NỘI DUNG GÓP Ý",
                       "NỘI DUNG TIẾP THU, GIẢI TRÌNH")
    assert rows[2][3] == "Tiếp thu. Bổ sung vào điểm a."


def test_draft_with_comments_in_the_margin(app, login_as):
    from pathlib import Path

    from commentflow.drafts.services import create_draft
    from commentflow.rounds.services import RoundData, create_round, open_round

    now = datetime.now(UTC)
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế"))
    sample = Path(__file__).resolve().parents[1] / "fixtures/samples/" \
        "du-thao-ke-hoach-218-kien-giang.docx"
    draft = create_draft("Kế hoạch", sample.read_bytes(), sample.name, actor=staff, now=now,
                         max_bytes=10**7)
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_ = create_round(RoundData(
        subject="V/v góp ý", place="Kiên Giang", letter_date=now.date(),
        deadline_at=now + timedelta(days=10), signer_position="Giám đốc", signer_name="A",
        letter_number="2159", letter_notation="SYT-TCCB", version_ids=[draft.latest_version.id],
        agency_ids=[agency.id]), actor=staff, now=now, zone=ZONE)
    open_round(round_, actor=staff, now=now, zone=ZONE)
    sections = {s.key: s for s in draft.latest_version.sections}
    record_paper_reply(round_.recipients[0], ReplyLetter("1", "STC-VP", date(2024, 7, 8)), [
        CommentData("Làm rõ điểm này.", sections["III.2.a"].id),
        CommentData("Ghi rõ thời hạn.", sections["PL.2.b"].id),
        CommentData("Rà soát chính tả.")], actor=staff, now=now)
    db.session.commit()
    data = login_as(staff).get(f"/rounds/{round_.id}/consolidation/draft-with-comments.docx").data
    document = Document(io.BytesIO(data))
    comments = list(document.comments)
    assert sorted(c.text for c in comments) == sorted(["Làm rõ điểm này.", "Ghi rõ thời hạn.",
                                                       "Rà soát chính tả."])
    assert {c.author for c in comments} == {"Sở Tài chính"}
    # Each comment is anchored in the paragraph where its section starts.
    w_id = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}id"
    paragraphs = list(document.paragraphs) + [
        p for table in document.tables for row in table.rows for cell in row.cells
        for p in cell.paragraphs]
    anchored = {start.get(w_id): p.text for p in paragraphs
                for start in p._p.xpath(".//w:commentRangeStart")}
    placed = {c.text: anchored[str(c.comment_id)] for c in comments}
    assert placed["Làm rõ điểm này."].startswith("a) Việc thanh toán, quyết toán chi phí")
    assert placed["Ghi rõ thời hạn."].startswith("Vướng mắc trong thanh toán")
    assert placed["Rà soát chính tả."] == "KẾ HOẠCH"


def test_a_round_of_two_drafts_has_a_table_and_a_margin_document_per_draft(app, login_as):
    from pathlib import Path

    from commentflow.drafts.services import create_draft
    from commentflow.rounds.services import RoundData, create_round, open_round

    now = datetime.now(UTC)
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế"))
    sample = Path(__file__).resolve().parents[1] / "fixtures/samples/" \
        "du-thao-ke-hoach-218-kien-giang.txt"
    plan, annex = (create_draft(title, sample.read_bytes(), sample.name, actor=staff, now=now,
                                max_bytes=10**7) for title in ("Kế hoạch A", "Quy chế B"))
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_ = create_round(RoundData(
        subject="V/v góp ý", place="Kiên Giang", letter_date=now.date(),
        deadline_at=now + timedelta(days=10), signer_position="Giám đốc", signer_name="A",
        letter_number="2159", letter_notation="SYT-TCCB",
        version_ids=[plan.latest_version.id, annex.latest_version.id],
        agency_ids=[agency.id]), actor=staff, now=now, zone=ZONE)
    open_round(round_, actor=staff, now=now, zone=ZONE)
    on_plan = {s.key: s.id for s in plan.latest_version.sections}
    on_annex = {s.key: s.id for s in annex.latest_version.sections}
    record_paper_reply(round_.recipients[0], ReplyLetter("1", "STC-VP", date(2024, 7, 8)), [
        CommentData("Về quy chế.", on_annex["I.1.a"]), CommentData("Chung cho cả hai."),
        CommentData("Về kế hoạch.", on_plan["III.2.a"])], actor=staff, now=now)
    db.session.commit()
    client = login_as(staff)
    base = f"/rounds/{round_.id}/consolidation"

    document = Document(io.BytesIO(client.get(f"{base}/report.docx").data))
    texts = [p.text for p in document.paragraphs]
    assert "1. Dự thảo Kế hoạch A" in texts and "2. Dự thảo Quy chế B" in texts
    assert any(t.endswith("ĐỐI VỚI DỰ THẢO KẾ HOẠCH A; QUY CHẾ B") for t in texts)
    first, second = ([[c.text for c in row.cells] for row in table.rows[1:]]
                     for table in document.tables[1:3])
    assert first == [["điểm a khoản 2 Mục III", "Sở Tài chính", "Về kế hoạch.", ""]]
    assert [row[:3] for row in second] == [["điểm a khoản 1 Mục I", "Sở Tài chính",
                                            "Về quy chế."],
                                           ["Ý kiến chung / Vấn đề khác", "Sở Tài chính",
                                            "Chung cho cả hai."]]
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/report.xlsx").data))["Tổng hợp"]
    assert [row[:2] for row in sheet.iter_rows(min_row=1, values_only=True)] == [
        ("DỰ THẢO", "NHÓM VẤN ĐỀ, ĐIỀU, KHOẢN"), ("Kế hoạch A", "điểm a khoản 2 Mục III"),
        ("Quy chế B", "điểm a khoản 1 Mục I"), ("Quy chế B", "Ý kiến chung / Vấn đề khác")]

    def margin(version_id):
        response = client.get(f"{base}/draft-with-comments.docx?version={version_id}")
        return sorted(c.text for c in Document(io.BytesIO(response.data)).comments)

    assert margin(plan.latest_version.id) == ["Chung cho cả hai.", "Về kế hoạch."]
    assert margin(annex.latest_version.id) == ["Về quy chế."]
    assert client.get(f"{base}/draft-with-comments.docx?version=999999").status_code == 404
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "Quy chế B kèm ý kiến bên lề (.docx)" in page
    headings = page.index("Kế hoạch A — điểm a khoản 2 Mục III"), page.index(
        "Quy chế B — điểm a khoản 1 Mục I")
    assert headings[0] < headings[1]  # the drafts in the order they were circulated
