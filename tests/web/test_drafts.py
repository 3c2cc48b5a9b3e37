"""Draft pages through HTTP: upload, read, correct the split, download, privacy, bad files."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commentflow.core.roles import Role
from commentflow.drafts.models import Draft, DraftSection, DraftVersion
from commentflow.extensions import db
from commentflow.storage.models import StoredFile
from tests.conftest import csrf_token_from
from tests.factories import make_agency, make_user
from tests.fixtures import hostile

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
KIEN_GIANG = SAMPLES / "du-thao-ke-hoach-218-kien-giang.docx"


@pytest.fixture
def lead_office(app):
    return make_agency(name="Sở Y tế", code="SYT")


@pytest.fixture
def lead_client(app, client, login_as, lead_office):
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=lead_office, full_name="Nguyễn Thị Trang")
    db.session.commit()
    return login_as(staff)


def _upload(client, path: Path, title: str = "", name: str | None = None):
    page = client.get("/drafts/new")
    return client.post("/drafts/new", data={
        "csrf_token": csrf_token_from(page), "title": title,
        "file": (io.BytesIO(path.read_bytes() if isinstance(path, Path) else path),
                 name or path.name)}, content_type="multipart/form-data")


def _draft() -> Draft:
    db.session.rollback()
    return db.session.scalar(select(Draft))


def test_upload_splits_the_kien_giang_draft(lead_client):
    response = _upload(lead_client, KIEN_GIANG)
    assert response.status_code == 302
    draft = _draft()
    assert draft.title.startswith("KẾ HOẠCH Triển khai thực hiện Nghị quyết số 218/NQ-CP")
    version = draft.latest_version
    keys = [s.key for s in version.sections]
    assert keys[:5] == ["header", "title", "preamble", "I", "I.1"]
    assert "III.2.a" in keys and "PL.2.b" in keys
    row = next(s for s in version.sections if s.key == "PL.2.b")
    assert row.fields["lead"] == "Sở Y tế" and row.fields["due"] == "Quý III và IV/2024"
    assert row.citation == "Phụ lục, STT 2, điểm b"
    assert next(s for s in version.sections if s.key == "III.2.a").parent.key == "III.2"
    html = lead_client.get(response.location).get_data(as_text=True)
    assert 'id="s-III.2.a"' in html and 'href="#s-III.2.a"' in html
    assert "Việc thanh toán, quyết toán chi phí dịch vụ xét nghiệm COVID-19" in html


def test_original_file_is_downloaded_as_uploaded(lead_client):
    _upload(lead_client, KIEN_GIANG)
    draft = _draft()
    response = lead_client.get(f"/drafts/{draft.id}/versions/1/file")
    assert response.data == KIEN_GIANG.read_bytes()
    assert "du-thao-ke-hoach-218-kien-giang.docx" in response.headers["Content-Disposition"]


def test_a_new_version_gets_the_next_number(lead_client):
    _upload(lead_client, KIEN_GIANG, title="Kế hoạch 218")
    draft = _draft()
    page = lead_client.get(f"/drafts/{draft.id}")
    response = lead_client.post(f"/drafts/{draft.id}/versions", data={
        "csrf_token": csrf_token_from(page),
        "file": (io.BytesIO((SAMPLES / "du-thao-ke-hoach-218-kien-giang.txt").read_bytes()),
                 "du-thao-lan-2.txt")}, content_type="multipart/form-data")
    assert response.location.endswith(f"/drafts/{draft.id}/versions/2")
    draft = _draft()
    assert [v.number for v in draft.versions] == [1, 2]
    assert draft.title == "Kế hoạch 218"


@pytest.mark.parametrize("data, name, message", [
    (b"", "du-thao.docx", "Tệp tải lên rỗng."),
    (b"not a zip", "du-thao.docx", "không đúng với phần mở rộng"),
    (b"PK\x03\x04broken", "du-thao.docx", "bị hỏng"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64,
     "du-thao.docx", "mật khẩu"),  # a password-protected .docx is an OLE file
    (b"%PDF-1.4", "du-thao.pdf", "PDF bị hỏng"),  # checked at once, not queued
])
def test_bad_files_get_a_message_and_nothing_is_stored(lead_client, data, name, message):
    response = _upload(lead_client, data, name=name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    for model in (Draft, DraftVersion, DraftSection, StoredFile):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_file_over_the_configured_limit_is_refused(app_factory, login_as):
    small = app_factory(DRAFT_MAX_BYTES=10_000)
    with small.app_context():
        staff = make_user(roles=(Role.LEAD_STAFF,))
        db.session.commit()
        client = login_as(staff, test_client=small.test_client())
        response = _upload(client, KIEN_GIANG)
        db.session.remove()
    assert response.status_code == 422
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def _correct(client, draft, section_key, action, **data):
    db.session.rollback()
    section = db.session.scalar(select(DraftSection).join(DraftVersion).where(
        DraftVersion.draft_id == draft.id, DraftSection.key == section_key))
    page = client.get(f"/drafts/{draft.id}/versions/1/sections")
    return client.post(f"/drafts/{draft.id}/versions/1/sections/{section.id}/{action}",
                       data={"csrf_token": csrf_token_from(page), **data})


def _keys(draft) -> list[str]:
    db.session.rollback()
    return [s.key for s in db.session.get(Draft, draft.id).latest_version.sections]


def test_merge_split_and_level_changes_recompute_keys(lead_client):
    _upload(lead_client, KIEN_GIANG)
    draft = _draft()
    _correct(lead_client, draft, "I.1.b", "merge")
    keys = _keys(draft)
    assert "I.1.b" not in keys and "I.1.a" in keys
    merged = db.session.scalar(select(DraftSection).where(DraftSection.key == "I.1.a"))
    assert merged.text.endswith("Nghị quyết số 218/NQ-CP.") and "b)" in merged.text

    _correct(lead_client, draft, "III.2", "split", paragraph="2")
    keys = _keys(draft)
    index = keys.index("III.2")
    assert keys[index + 1] == "III.p"  # the new, unnumbered section after III.2
    assert keys[index + 2] == "III.p.a"  # points a) … đ) now sit under it

    _correct(lead_client, draft, "III.3", "level", direction="in")
    assert "III.2.3" not in _keys(draft) and "III.p.3" in _keys(draft)
    _correct(lead_client, draft, "III.p.3", "level", direction="out")
    assert "III.3" in _keys(draft)


def test_impossible_level_change_is_explained(lead_client):
    _upload(lead_client, KIEN_GIANG)
    draft = _draft()
    response = _correct(lead_client, draft, "preamble", "level", direction="out")
    page = lead_client.get(response.location).get_data(as_text=True)
    assert "Không thể chuyển mục này sang cấp đó." in page


def test_sections_are_frozen_once_circulated(lead_client, app):
    _upload(lead_client, KIEN_GIANG)
    draft = _draft()
    version = draft.latest_version
    version.circulated_at = version.created_at
    db.session.commit()
    assert lead_client.get(f"/drafts/{draft.id}/versions/1/sections").status_code == 403
    assert "Sửa cách chia mục" not in lead_client.get(f"/drafts/{draft.id}").get_data(
        as_text=True)


def test_other_agencies_never_see_a_draft(lead_client, app, login_as):
    _upload(lead_client, KIEN_GIANG)
    draft = _draft()
    outsider = make_user(roles=(Role.LEAD_STAFF, Role.LEADER))
    db.session.commit()
    other = login_as(outsider, test_client=app.test_client())
    for url in (f"/drafts/{draft.id}", f"/drafts/{draft.id}/versions/1",
                f"/drafts/{draft.id}/versions/1/file", f"/drafts/{draft.id}/versions/1/sections"):
        response = other.get(url)
        assert response.status_code == 404, url
        assert "Kiên Giang" not in response.get_data(as_text=True)
    assert "Triển khai thực hiện" not in other.get("/drafts/").get_data(as_text=True)


HOSTILE = [(hostile.encrypted_flag_docx, "mật khẩu"), (hostile.wrong_crc_docx, "bị hỏng"),
           (hostile.deflate64_docx, "bị hỏng"), (hostile.utf16_entity_docx, "khai báo XML"),
           (hostile.renamed_main_part_docx, "khai báo XML"),
           (lambda: hostile.with_settings_relationship("http://x.example/t.dotm"), "trên mạng")]


@pytest.mark.parametrize("make, message", HOSTILE)
def test_broken_or_hostile_zips_are_refused_as_new_drafts(lead_client, make, message):
    response = _upload(lead_client, make(), name="du-thao.docx")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.rollback()
    for model in (Draft, DraftVersion, DraftSection, StoredFile):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize("make, message", HOSTILE)
def test_broken_or_hostile_zips_are_refused_as_new_versions(lead_client, make, message):
    _upload(lead_client, KIEN_GIANG, title="Kế hoạch 218")
    draft = _draft()
    page = lead_client.get(f"/drafts/{draft.id}")
    response = lead_client.post(f"/drafts/{draft.id}/versions", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(make()), "du-thao-2.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert [v.number for v in _draft().versions] == [1]
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1
