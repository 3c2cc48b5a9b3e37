"""Administrator pages through HTTP: agencies, groups, users, import, audit log."""
import io

import pytest
from openpyxl import Workbook, load_workbook  # noqa: F401  (used to build the xlsx upload)
from sqlalchemy import func, select

from commentflow.accounts.models import Role, User
from commentflow.directory.models import Agency, AgencyGroup
from commentflow.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_user


@pytest.fixture
def admin_client(app, client, login_as):
    admin = make_user(roles=(Role.ADMIN,), full_name="Quản Trị Viên")
    db.session.commit()
    return login_as(admin)


def _post(client, page_url, url, data, **kwargs):
    data = dict(data, csrf_token=csrf_token_from(client.get(page_url)))
    return client.post(url, data=data, **kwargs)


def test_admin_creates_and_edits_an_agency(admin_client):
    response = _post(admin_client, "/admin/agencies/new", "/admin/agencies/new", {
        "name": "Sở Khoa học và Công nghệ", "code": "skhcn", "edoc_code": "000.00.12.h33",
        "kind": "department", "display_order": "15"})
    assert response.status_code == 302
    db.session.rollback()
    agency = db.session.scalar(select(Agency).where(Agency.code == "SKHCN"))
    assert agency.edoc_code == "000.00.12.H33"
    response = _post(admin_client, f"/admin/agencies/{agency.id}/edit",
                     f"/admin/agencies/{agency.id}/edit",
                     {"name": "Sở Khoa học và Công nghệ tỉnh", "code": "SKHCN",
                      "kind": "department", "display_order": "16"})
    assert response.status_code == 302
    listing = admin_client.get("/admin/agencies?q=khoa+hoc").get_data(as_text=True)
    assert "Sở Khoa học và Công nghệ tỉnh" in listing


def test_bad_agency_form_explains_each_field_in_vietnamese(admin_client):
    response = _post(admin_client, "/admin/agencies/new", "/admin/agencies/new", {
        "name": "", "code": "có dấu", "edoc_code": "123", "kind": "department"})
    html = response.get_data(as_text=True)
    assert "Trường này bắt buộc." in html
    assert "Mã chỉ gồm chữ không dấu" in html
    assert "Mã định danh phải có dạng 000.00.00.G22." in html


def test_duplicate_code_is_reported_not_crashed(admin_client):
    make_agency(code="STC")
    db.session.commit()
    response = _post(admin_client, "/admin/agencies/new", "/admin/agencies/new", {
        "name": "Sở Tài chính", "code": "STC", "kind": "department"})
    assert "Mã viết tắt STC đã được dùng" in response.get_data(as_text=True)


def test_group_keeps_members_in_protocol_order(admin_client):
    second = make_agency(name="Sở B", display_order=20)
    first = make_agency(name="Sở A", display_order=10)
    db.session.commit()
    response = _post(admin_client, "/admin/groups/new", "/admin/groups/new", {
        "name": "Các sở, ban, ngành cấp tỉnh", "short_name": "Sở, ban, ngành",
        "display_order": "1", "agency_ids": [str(second.id), str(first.id)]})
    assert response.status_code == 302
    html = admin_client.get("/admin/groups").get_data(as_text=True)
    assert html.index("Sở A") < html.index("Sở B")


def test_admin_creates_a_user_who_can_log_in(admin_client, app):
    agency = make_agency(name="Sở Tài chính")
    db.session.commit()
    response = _post(admin_client, "/admin/users/new", "/admin/users/new", {
        "username": "hoa.stc", "full_name": "Lê Thị Hoa", "position": "Chuyên viên",
        "email": "hoa@stc.example.vn", "agency_id": str(agency.id),
        "roles": ["staff", "clerk"], "locale": "", "password": "mot-mat-khau-du-dai"})
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.username == "hoa.stc"))
    assert user.roles == {Role.STAFF, Role.CLERK}
    other = app.test_client()
    login = other.post("/login", data={"csrf_token": csrf_token_from(other.get("/login")),
                                       "username": "hoa.stc",
                                       "password": "mot-mat-khau-du-dai"})
    assert login.status_code == 302


def test_user_without_roles_is_refused(admin_client):
    agency = make_agency()
    db.session.commit()
    response = _post(admin_client, "/admin/users/new", "/admin/users/new", {
        "username": "x.y", "full_name": "X Y", "agency_id": str(agency.id), "locale": "",
        "password": "mot-mat-khau-du-dai"})
    assert "Hãy chọn ít nhất một vai trò." in response.get_data(as_text=True)


def test_users_are_listed_in_vietnamese_order(admin_client):
    agency = make_agency()
    for name in ("Đặng Văn Em", "Dương Thị Bé", "Bùi Văn An"):
        make_user(agency=agency, full_name=name)
    db.session.commit()
    html = admin_client.get("/admin/users/").get_data(as_text=True)
    positions = [html.index(n) for n in ("Bùi Văn An", "Dương Thị Bé", "Đặng Văn Em")]
    assert positions == sorted(positions)


def test_bad_import_file_lists_rows_and_imports_nothing(admin_client):
    before = db.session.scalar(select(func.count(Agency.id)))
    body = ("Mã,Tên đơn vị,Mã định danh\nSTC,Sở Tài chính,\n,Thiếu mã,\n"
            "STP,Sở Tư pháp,sai\n").encode()
    response = _post(admin_client, "/admin/import", "/admin/import",
                     {"file": (io.BytesIO(body), "ds.csv")},
                     content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tệp có 2 lỗi; chưa nhập đơn vị nào." in html
    assert '<td class="num">3</td><td>thiếu mã đơn vị</td>' in html
    assert '<td class="num">4</td>' in html and "000.00.00.G22" in html
    db.session.rollback()
    assert db.session.scalar(select(func.count(Agency.id))) == before


def test_good_xlsx_import_creates_agencies_and_groups(admin_client):
    book = Workbook()
    book.active.append(["Mã", "Tên đơn vị", "Loại", "Thứ tự", "Nhóm"])
    book.active.append(["STC", "Sở Tài chính", "Sở, ban, ngành", 10, "Các sở"])
    book.active.append(["UBND-PQ", "UBND TP Phú Quốc", "UBND cấp huyện", 20, "Các huyện"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _post(admin_client, "/admin/import", "/admin/import",
                     {"file": (io.BytesIO(buffer.getvalue()), "ds.xlsx")},
                     content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count(AgencyGroup.id))) == 2
    page = admin_client.get("/admin/agencies").get_data(as_text=True)
    assert "Đã nhập: 2 đơn vị mới, 0 đơn vị cập nhật, 2 nhóm mới." in page


def test_upload_over_the_size_limit_is_refused_clearly(app_factory, login_as):
    small = app_factory(MAX_CONTENT_LENGTH=1024)
    with small.app_context():
        admin = make_user(roles=(Role.ADMIN,))
        db.session.commit()
        client = login_as(admin, test_client=small.test_client())
        response = _post(client, "/admin/import", "/admin/import",
                         {"file": (io.BytesIO(b"x" * 4096), "ds.csv")},
                         content_type="multipart/form-data")
        db.session.remove()
    assert response.status_code == 413
    assert "Tệp tải lên vượt quá giới hạn cho phép." in response.get_data(as_text=True)


def test_audit_log_shows_who_changed_what(admin_client):
    _post(admin_client, "/admin/agencies/new", "/admin/agencies/new", {
        "name": "Sở Xây dựng", "code": "SXD", "kind": "department"})
    html = admin_client.get("/admin/audit/").get_data(as_text=True)
    assert "Tạo cơ quan, đơn vị" in html and "agency.created" not in html
    assert "Sở Xây dựng" in html and "Quản Trị Viên" in html and "Sở, ban, ngành" in html


def test_interface_switches_to_english(admin_client):
    token = csrf_token_from(admin_client.get("/admin/agencies"))
    assert admin_client.get("/language/en").status_code == 405  # a link cannot switch it
    response = admin_client.post("/language/en", data={"csrf_token": token,
                                                       "next": "/admin/agencies"})
    assert response.location == "/admin/agencies"
    html = admin_client.get("/admin/agencies").get_data(as_text=True)
    assert "Agencies" in html and 'lang="en"' in html
    admin_client.post("/language/vi", data={"csrf_token": token})
    assert "Cơ quan, đơn vị" in admin_client.get("/admin/agencies").get_data(as_text=True)


def test_a_district_abolished_on_1_7_2025_is_marked_succeeded_and_kept(admin_client):
    district = make_agency(name="UBND huyện An Biên", code="UBND-AB")
    commune = make_agency(name="UBND xã An Biên", code="UBND-XAB")
    db.session.commit()
    form = admin_client.get(f"/admin/agencies/{district.id}/edit").get_data(as_text=True)
    assert "UBND cấp xã (xã, phường, đặc khu)" in form
    assert "UBND cấp huyện (trước 1/7/2025)" in form
    half = _post(admin_client, f"/admin/agencies/{district.id}/edit",
                 f"/admin/agencies/{district.id}/edit",
                 {"name": district.name, "code": district.code, "kind": "district",
                  "succeeded_by_id": str(commune.id)})
    assert "Hãy chọn cả đơn vị kế thừa và ngày sáp nhập" in half.get_data(as_text=True)
    done = _post(admin_client, f"/admin/agencies/{district.id}/edit",
                 f"/admin/agencies/{district.id}/edit",
                 {"name": district.name, "code": district.code, "kind": "district",
                  "succeeded_by_id": str(commune.id), "succeeded_on": "1/7/2025"})
    assert done.status_code == 302
    db.session.expire_all()
    district = db.session.get(Agency, district.id)
    assert district.succeeded_by_id == commune.id and str(district.succeeded_on) == "2025-07-01"
    assert not district.is_active  # kept with its history, no longer offered as a recipient
    listing = admin_client.get("/admin/agencies?q=an+bien").get_data(as_text=True)
    assert "Đã sáp nhập vào UBND xã An Biên từ 01/07/2025" in listing
