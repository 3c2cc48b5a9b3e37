"""Reply files through the pages: agency staff read their Word file into comments and check
them; the lead office records a paper reply from the agency's letter in three steps; nothing
is stored before confirmation; the comments consolidate like typed ones."""
import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.models import Comment, Response
from commentflow.storage.models import StoredFile
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_sent_round, make_user

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
KIEN_GIANG = SAMPLES / "du-thao-ke-hoach-218-kien-giang.docx"
LETTER = """SỞ TÀI CHÍNH
Số: 1875/STC-QLNS
Kiên Giang, ngày 18 tháng 7 năm 2024
Phúc đáp Công văn số 2159/SYT-TCCB, Sở Tài chính có ý kiến như sau:
1. Tại điểm b khoản 2 Mục III: đề nghị sửa thành “Việc mua sắm thuốc theo nhu cầu thực tế”.
2. Tại Mục IX: đề nghị bổ sung nội dung đánh giá.
3. Sở Tài chính thống nhất với các nội dung khác.
Trên đây là ý kiến của Sở Tài chính./.
"""


@pytest.fixture
def world(app):
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_, recipient, lead = make_sent_round(
        lead_agency=make_agency(name="Sở Y tế", code="SYT"), recipient_agency=agency)
    staff = make_user(agency=agency, roles=(Role.STAFF,), full_name="Lê Thị Hoa")
    db.session.commit()
    return {"round": round_, "recipient": recipient, "lead": lead, "staff": staff,
            "sections": {s.key: s.id for s in round_.versions[0].sections}}


def _word_reply() -> bytes:
    document = Document(str(KIEN_GIANG))
    point = next(p for p in document.paragraphs if p.text.startswith("b) Xác định cụ thể"))
    heading = next(p for p in document.paragraphs if p.text.startswith("IV."))
    document.add_comment(point.runs, text="Đề nghị bổ sung thời hạn cụ thể.", author="Hoa")
    document.add_comment(heading.runs, text="Đề nghị sửa thành “TỔ CHỨC THỰC HIỆN VÀ BÁO CÁO”.",
                         author="Hoa")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_agency_staff_read_their_word_file_check_and_add_the_comments(app, login_as, world):
    rid = world["round"].id
    staff = login_as(world["staff"], test_client=app.test_client())
    token = csrf_token_from(staff.get(f"/inbox/{rid}/draft"))
    files_before, comments_before = _count(StoredFile), _count(Comment)
    review = staff.post(f"/inbox/{rid}/import-comments", data={
        "csrf_token": token, "file": (io.BytesIO(_word_reply()), "gop-y-STC.docx")},
        content_type="multipart/form-data")
    assert review.status_code == 200
    page = review.get_data(as_text=True)
    assert "Đề nghị bổ sung thời hạn cụ thể." in page and "Nhận xét bên lề của Hoa" in page
    assert _count(StoredFile) == files_before and _count(Comment) == comments_before
    # the reviewer moves the first comment to "general", keeps the second, adds nothing else
    confirm_token = csrf_token_from(review)
    saved = staff.post(f"/inbox/{rid}/import-comments/confirm", data={
        "csrf_token": confirm_token,
        "comments-0-section_id": "", "comments-0-text": "Đề nghị bổ sung thời hạn cụ thể.",
        "comments-1-section_id": str(world["sections"]["IV"]),
        "comments-1-text": "Đề nghị sửa tên mục.",
        "comments-1-proposed_wording": "TỔ CHỨC THỰC HIỆN VÀ BÁO CÁO"})
    assert saved.status_code == 302
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()[-2:]
    assert [(c.section_id, c.text) for c in comments] == [
        (None, "Đề nghị bổ sung thời hạn cụ thể."), (world["sections"]["IV"],
                                                    "Đề nghị sửa tên mục.")]
    assert comments[1].proposed_wording == "TỔ CHỨC THỰC HIỆN VÀ BÁO CÁO"
    assert comments[0].author_id == world["staff"].id


def test_the_review_shows_where_each_comment_was_placed(app, login_as, world):
    rid = world["round"].id
    staff = login_as(world["staff"], test_client=app.test_client())
    token = csrf_token_from(staff.get(f"/inbox/{rid}/draft"))
    review = staff.post(f"/inbox/{rid}/import-comments", data={
        "csrf_token": token, "file": (io.BytesIO(_word_reply()), "gop-y.docx")},
        content_type="multipart/form-data")
    page = review.get_data(as_text=True)
    point, heading = world["sections"]["I.1.b"], world["sections"]["IV"]
    assert f'<option selected value="{point}">' in page
    assert f'<option selected value="{heading}">' in page


def test_a_file_with_no_comments_is_refused_in_words(app, login_as, world):
    rid = world["round"].id
    staff = login_as(world["staff"], test_client=app.test_client())
    token = csrf_token_from(staff.get(f"/inbox/{rid}/draft"))
    response = staff.post(f"/inbox/{rid}/import-comments", data={
        "csrf_token": token, "file": (io.BytesIO(KIEN_GIANG.read_bytes()), "du-thao.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "không có nhận xét bên lề hay thay đổi được theo dõi" in response.get_data(as_text=True)


def test_lead_office_records_a_reply_letter_in_three_steps(app, login_as, world):
    rid, recipient = world["round"].id, world["recipient"]
    lead = login_as(world["lead"], test_client=app.test_client())
    step_one = lead.get(f"/rounds/{rid}/paper-reply/from-file")
    assert step_one.status_code == 200
    step_two = lead.post(f"/rounds/{rid}/paper-reply/from-file", data={
        "csrf_token": csrf_token_from(step_one), "recipient_id": str(recipient.id),
        "file": (io.BytesIO(LETTER.encode()), "1875-STC-QLNS.txt")},
        content_type="multipart/form-data")
    page = step_two.get_data(as_text=True)
    assert step_two.status_code == 200 and 'value="1875"' in page and 'value="STC-QLNS"' in page
    assert 'value="18/07/2024"' in page and "Cần xem lại vị trí" in page
    assert f'action="/rounds/{rid}/paper-reply"' in page  # step three saves as typed replies
    assert f'<option selected value="{world["sections"]["III.2.b"]}">' in page
    assert _count(Response) == 0
    data = {"csrf_token": csrf_token_from(step_two), "recipient_id": str(recipient.id),
            "reply_number": "1875", "reply_notation": "STC-QLNS", "reply_date": "2024-07-18",
            "comments-0-section_id": str(world["sections"]["III.2.b"]),
            "comments-0-text": "Đề nghị sửa thành “Việc mua sắm thuốc theo nhu cầu thực tế”.",
            "comments-0-proposed_wording": "Việc mua sắm thuốc theo nhu cầu thực tế",
            "comments-1-section_id": str(world["sections"]["IV"]),  # moved by the officer
            "comments-1-text": "Tại Mục IX: đề nghị bổ sung nội dung đánh giá."}
    step_three = lead.post(f"/rounds/{rid}/paper-reply", data=data)
    assert step_three.status_code == 302
    answer = db.session.scalar(select(Response))
    assert answer.reply_number == "1875" and answer.reply_notation == "STC-QLNS"
    assert [(c.section.key, c.proposed_wording) for c in answer.comments] == [
        ("III.2.b", "Việc mua sắm thuốc theo nhu cầu thực tế"), ("IV", "")]

    report = Document(io.BytesIO(lead.get(f"/rounds/{rid}/consolidation/report.docx").data))
    cells = " ".join(cell.text for table in report.tables for row in table.rows
                     for cell in row.cells)
    assert "Việc mua sắm thuốc theo nhu cầu thực tế" in cells  # consolidated like typed ones
    assert "điểm b khoản 2 Mục III" in cells


def test_another_agency_cannot_read_a_file_into_this_round(app, login_as, world):
    rid = world["round"].id
    outsider = make_user(agency=make_agency(name="Sở Nội vụ"), roles=(Role.STAFF,))
    db.session.commit()
    other = login_as(outsider, test_client=app.test_client())
    token = csrf_token_from(other.get("/inbox/"))
    response = other.post(f"/inbox/{rid}/import-comments", data={
        "csrf_token": token, "file": (io.BytesIO(_word_reply()), "gop-y.docx")},
        content_type="multipart/form-data")
    assert response.status_code == 404
