"""Round pages: the form and its deadline, the letter .docx, tracker and export, inbox, privacy."""
import io
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from commentflow.core.roles import Role
from commentflow.directory.models import Agency
from commentflow.extensions import db
from commentflow.rounds.models import Round, RoundState
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_draft, make_group, make_round, make_user
from tests.statements import recorded_statements


@pytest.fixture
def office(app):
    province = make_agency(name="Ủy ban nhân dân tỉnh Kiên Giang", code="UBND")
    return make_agency(name="Sở Y tế", code="SYT", parent=province)


@pytest.fixture
def lead(app, office):
    user = make_user(roles=(Role.LEAD_STAFF,), agency=office, full_name="Nguyễn Thị Trang")
    db.session.commit()
    return user


@pytest.fixture
def lead_client(client, login_as, lead):
    return login_as(lead)


def _form(draft, group, single, deadline: datetime, **overrides):
    local = deadline + timedelta(hours=7)
    data = {"subject": "V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP",
            "letter_number": "2159", "letter_notation": "SYT-TCCB", "place": "Kiên Giang",
            "letter_date": "2024-07-02", "urgency": "normal", "signer_authority": "KT.",
            "signer_head_title": "Giám đốc", "signer_position": "Phó Giám đốc",
            "signer_name": "Hồ Văn Dũng", "collecting_unit": "Phòng Tổ chức cán bộ",
            "contact": "Nguyễn Thị Trang, ĐT 0297 3862 000",
            "body": "Nhằm tham mưu UBND tỉnh ban hành Kế hoạch, Sở Y tế đề nghị các cơ quan, "
                    "đơn vị có ý kiến đóng góp đối với dự thảo.",
            "deadline_date": local.strftime("%Y-%m-%d"), "deadline_time": "00:00",
            "silence_is_agreement": "y", "version_ids": [str(draft.latest_version.id)],
            "group_ids": [str(group.id)], "agency_ids": [str(single.id)]}
    data.update(overrides)
    return data


@pytest.fixture
def world(app, lead):
    members = [make_agency(name=n, code=c) for n, c in (("Sở Tài chính", "STC"),
                                                         ("Sở Nội vụ", "SNV"))]
    group = make_group(members, name="Các sở, ban, ngành cấp tỉnh")
    single = make_agency(name="Bảo hiểm xã hội tỉnh", code="BHXH")
    draft = make_draft(lead)
    db.session.commit()
    return {"group": group, "single": single, "draft": draft, "members": members}


def _create(client, world, deadline, **overrides):
    page = client.get("/rounds/new")
    data = _form(world["draft"], world["group"], world["single"], deadline, **overrides)
    return client.post("/rounds/new", data={"csrf_token": csrf_token_from(page), **data})


def _round() -> Round:
    db.session.rollback()
    return db.session.scalar(select(Round).order_by(Round.id.desc()))


def test_lead_creates_a_round_whose_deadline_is_local_midnight(lead_client, world):
    day = (datetime.now(UTC) + timedelta(days=12)).date()
    response = _create(lead_client, world, datetime(day.year, day.month, day.day, tzinfo=UTC))
    assert response.status_code == 302, response.get_data(as_text=True)
    round_ = _round()
    assert round_.deadline_at == datetime(day.year, day.month, day.day, tzinfo=UTC) - \
        timedelta(hours=7)
    assert [r.agency.code for r in round_.recipients] == ["STC", "SNV", "BHXH"]
    page = lead_client.get(response.location).get_data(as_text=True)
    assert f"trước 00:00 ngày {day.strftime('%d/%m/%Y')}" in page
    assert '<dd id="recipient-count">3</dd>' in page


def test_short_deadline_asks_for_confirmation_and_keeps_the_form(lead_client, world):
    soon = datetime.now(UTC) + timedelta(days=3)
    response = _create(lead_client, world, soon)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "ngắn hơn 5 ngày tối thiểu" in html
    assert "Phòng Tổ chức cán bộ" in html  # what was typed is still there
    assert _round() is None
    assert _create(lead_client, world, soon, confirmed="y").status_code == 302


def test_past_deadline_is_refused(lead_client, world):
    response = _create(lead_client, world, datetime.now(UTC) - timedelta(days=2))
    assert "Hạn góp ý phải ở sau thời điểm hiện tại." in response.get_data(as_text=True)
    assert _round() is None


def test_request_letter_follows_decree_30(lead_client, world, lead):
    _create(lead_client, world, datetime.now(UTC) + timedelta(days=12))
    round_ = _round()
    response = lead_client.get(f"/rounds/{round_.id}/letter.docx")
    document = Document(io.BytesIO(response.data))
    header = document.tables[0].rows[0].cells
    left = [p.text for p in header[0].paragraphs if p.text]
    right = [p.text for p in header[1].paragraphs if p.text]
    assert left[:2] == ["ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG", "SỞ Y TẾ"]
    assert "Số: 2159/SYT-TCCB" in left
    assert "V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP" in left
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "Kiên Giang, ngày 02 tháng 7 năm 2024" in right
    texts = [p.text for p in document.paragraphs]
    assert "Kính gửi:" in texts
    assert "- Các sở, ban, ngành cấp tỉnh;" in texts and "- Bảo hiểm xã hội tỉnh." in texts
    assert any("gửi về Sở Y tế (qua Phòng Tổ chức cán bộ) chậm nhất đến trước ngày" in t
               for t in texts)
    assert texts[[i for i, t in enumerate(texts) if t][-1]].endswith("./.")
    signature = document.tables[1].rows[0].cells
    signer = [p.text for p in signature[1].paragraphs if p.text]
    assert signer == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hồ Văn Dũng"]
    assert [p.text for p in signature[0].paragraphs][:3] == ["Nơi nhận:", "- Như trên;",
                                                             "- Lưu: VT, TCCB."]
    section = document.sections[0]
    measured = [round(length.mm) for length in (
        section.page_width, section.page_height, section.top_margin, section.bottom_margin,
        section.left_margin, section.right_margin)]
    assert measured == [210, 297, 20, 20, 30, 15]  # A4, Nghị định 30 margins
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text}
    assert fonts == {"Times New Roman"}
    assert section.different_first_page_header_footer


def _open(client, round_):
    page = client.get(f"/rounds/{round_.id}")
    return client.post(f"/rounds/{round_.id}/open", data={"csrf_token": csrf_token_from(page),
                                                          "confirmed": "y"})


def test_open_round_reaches_the_inbox_and_the_tracker(lead_client, world, app, login_as):
    _create(lead_client, world, datetime.now(UTC) + timedelta(days=12))
    round_ = _round()
    staff = make_user(agency=world["members"][0], full_name="Lê Thị Hoa")
    db.session.commit()
    _open(lead_client, round_)
    assert _round().state is RoundState.OPEN
    agency_client = login_as(staff, test_client=app.test_client())
    home = agency_client.get("/").get_data(as_text=True)
    assert 'id="unread-count">1<' in home
    inbox = agency_client.get("/inbox/").get_data(as_text=True)
    assert "V/v góp ý dự thảo Kế hoạch" in inbox and "Sở Y tế" in inbox
    received = agency_client.get(f"/inbox/{round_.id}").get_data(as_text=True)
    assert "Việc thanh toán, quyết toán chi phí dịch vụ xét nghiệm" in received
    tracker = lead_client.get(f"/rounds/{round_.id}/tracker").get_data(as_text=True)
    assert "Đã xem: 1" in tracker and "Đã chuyển văn bản, chưa xem: 2" in tracker
    assert "Lê Thị Hoa" in tracker
    export = lead_client.get(f"/rounds/{round_.id}/tracker.xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Cơ quan, đơn vị", "Nhóm", "Trạng thái")
    assert [r[1] for r in rows[1:]] == ["Sở Tài chính", "Sở Nội vụ", "Bảo hiểm xã hội tỉnh"]
    assert rows[1][3] == "Đã xem" and rows[1][6] == "Lê Thị Hoa"


def test_tracker_filters_by_state_and_group(lead_client, world, lead):
    round_ = make_round(lead, [world["single"]], group_ids=[world["group"].id], open_=True)
    round_.recipients[0].opened_at = datetime.now(UTC)
    db.session.commit()
    only_opened = lead_client.get(f"/rounds/{round_.id}/tracker?state=opened")
    assert only_opened.get_data(as_text=True).count('<tr data-agency=') == 1
    group = lead_client.get(f"/rounds/{round_.id}/tracker?group={world['group'].id}")
    assert group.get_data(as_text=True).count('<tr data-agency=') == 2


def test_agency_never_sees_a_round_not_addressed_to_it(lead, world, app, login_as):
    round_ = make_round(lead, [world["single"]], open_=True)
    draft_round = make_round(lead, [world["members"][0]])
    outsider = make_user(agency=world["members"][1], roles=(Role.LEADER, Role.STAFF))
    not_yet = make_user(agency=world["members"][0])
    db.session.commit()
    for user, target in ((outsider, round_), (not_yet, draft_round)):
        client = login_as(user, test_client=app.test_client())
        for url in (f"/inbox/{target.id}", f"/inbox/{target.id}/letter.docx",
                    f"/inbox/{target.id}/versions/{target.versions[0].id}/file"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "218/NQ-CP" not in response.get_data(as_text=True)
        assert "218/NQ-CP" not in client.get("/inbox/").get_data(as_text=True)
        response = client.get(f"/rounds/{target.id}")
        assert response.status_code in (403, 404)
        assert "218/NQ-CP" not in response.get_data(as_text=True)


def test_other_lead_offices_do_not_see_the_round(lead, world, app, login_as):
    round_ = make_round(lead, [world["single"]], open_=True)
    other = make_user(roles=(Role.LEAD_STAFF, Role.LEADER), agency=make_agency())
    db.session.commit()
    client = login_as(other, test_client=app.test_client())
    for url in (f"/rounds/{round_.id}", f"/rounds/{round_.id}/tracker",
                f"/rounds/{round_.id}/tracker.xlsx", f"/rounds/{round_.id}/letter.docx"):
        assert client.get(url).status_code == 404, url
    assert "218/NQ-CP" not in client.get("/rounds/").get_data(as_text=True)


def test_extension_for_one_agency_through_the_page(lead_client, lead, world):
    round_ = make_round(lead, [world["single"]], open_=True)
    db.session.commit()
    recipient = round_.recipients[0]
    later = round_.deadline_at + timedelta(days=4, hours=7)
    page = lead_client.get(f"/rounds/{round_.id}")
    assert 'id="extend-one"' in page.get_data(as_text=True)
    response = lead_client.post(
        f"/rounds/{round_.id}/recipients/extend",
        data={"csrf_token": csrf_token_from(page), "deadline_date": later.strftime("%Y-%m-%d"),
              "deadline_time": "00:00", "reason": "", "recipient_id": str(recipient.id)})
    assert "Hãy ghi lý do" in lead_client.get(response.location).get_data(as_text=True)
    lead_client.post(f"/rounds/{round_.id}/recipients/extend",
                     data={"csrf_token": csrf_token_from(page),
                           "deadline_date": later.strftime("%Y-%m-%d"),
                           "deadline_time": "00:00", "reason": "Lãnh đạo đi công tác",
                           "recipient_id": str(recipient.id)})
    db.session.rollback()
    assert db.session.get(type(recipient), recipient.id).extension_reason == \
        "Lãnh đạo đi công tác"
    assert db.session.get(Agency, world["single"].id).name == "Bảo hiểm xã hội tỉnh"


def test_the_tracker_never_confuses_our_letter_with_their_answer(app, login_as):
    """ "Đã gửi" (we sent it) stood beside "Đã gửi ý kiến" (they answered); and the deadline
    column keeps its "trước"."""
    from tests.factories import make_sent_round

    round_, _recipient, lead = make_sent_round()
    db.session.commit()
    page = login_as(lead).get(f"/rounds/{round_.id}/tracker").get_data(as_text=True)
    assert "Đã chuyển văn bản, chưa xem" in page and ">Đã gửi<" not in page
    assert '<td class="nowrap">trước ' in page


def test_the_inbox_costs_the_same_statements_for_two_rounds_or_six(app, login_as):
    """The inbox loaded each round, and its lead office, one by one."""

    agency = make_agency()
    reader = make_user(agency=agency)

    def statements_for_inbox() -> int:
        db.session.commit()
        client = login_as(reader, test_client=app.test_client())
        with recorded_statements() as seen:
            page = client.get("/inbox/")
        assert page.status_code == 200
        return len(seen)

    for _ in range(2):
        make_round(make_user(roles=(Role.LEAD_STAFF,)), [agency], open_=True)
    two = statements_for_inbox()
    for _ in range(4):
        make_round(make_user(roles=(Role.LEAD_STAFF,)), [agency], open_=True)
    assert statements_for_inbox() == two


def test_the_inbox_is_paged_latest_deadline_first(app, login_as):
    """An agency of a province receives hundreds of requests a year: the inbox shows a page
    at a time, and each page costs what it shows."""
    from datetime import timedelta

    from commentflow.core.clock import now_utc

    app.config["PAGE_SIZE"] = 2
    agency = make_agency()
    reader = make_user(agency=agency)
    subjects = []
    for n in range(5):
        round_ = make_round(make_user(roles=(Role.LEAD_STAFF,)), [agency], open_=True,
                            subject=f"V/v góp ý dự thảo số {n}",
                            deadline_at=now_utc() + timedelta(days=5 + n))
        subjects.append(round_.subject)
    db.session.commit()
    client = login_as(reader)
    first = client.get("/inbox/").get_data(as_text=True)
    assert subjects[4] in first and subjects[3] in first and subjects[2] not in first
    assert "Trang 1 / 3" in first and "?page=2" in first
    last = client.get("/inbox/?page=3").get_data(as_text=True)
    assert subjects[0] in last and subjects[1] not in last and "Trang 3 / 3" in last
    # A page past the end (a bookmark kept while requests were withdrawn) shows the last
    # one, as every other list does.
    beyond = client.get("/inbox/?page=9").get_data(as_text=True)
    assert subjects[0] in beyond and subjects[1] not in beyond and "Trang 3 / 3" in beyond


def test_reading_a_request_again_writes_nothing(app, login_as):
    """Every view committed, which expired what the page had loaded: the round, its drafts
    and sections were read twice. Only the first opening is a reading receipt to save."""

    agency = make_agency()
    reader = make_user(agency=agency)
    round_ = make_round(make_user(roles=(Role.LEAD_STAFF,)), [agency], open_=True)
    db.session.commit()
    client = login_as(reader)

    def statements_of_a_view() -> list[str]:
        with recorded_statements() as seen:
            assert client.get(f"/inbox/{round_.id}").status_code == 200
        return seen

    first = statements_of_a_view()
    again = statements_of_a_view()
    assert any(s.lstrip().upper().startswith("UPDATE ROUND_RECIPIENTS") for s in first)
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT")) for s in again), again
    assert len(again) < len(first)
    db.session.expire_all()
    assert db.session.get(type(round_.recipients[0]), round_.recipients[0].id).opened_by_id \
        == reader.id
