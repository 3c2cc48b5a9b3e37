"""Drafts in every format through the pages: read at once (.docx) or in the background
(.doc, PDF, scans) with a progress page, scans checked beside their pages before circulation,
failures said in words with nothing kept, and other agencies seeing none of it."""
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commentflow.core.clock import now_utc
from commentflow.core.errors import ValidationFailed
from commentflow.core.roles import Role
from commentflow.drafts import imports
from commentflow.drafts.models import Draft, DraftImport, DraftVersion
from commentflow.drafts.reading import Limits
from commentflow.extensions import db
from commentflow.rounds.services import open_round
from commentflow.storage.models import StoredFile
from tests.conftest import csrf_token_from
from tests.factories import ZONE, make_agency, make_round, make_user
from tests.fixtures import hostile_pdf
from tests.fixtures.office import auto_numbered, converted, page_image

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PLAN = FIXTURES / "samples" / "ke-hoach-cao-minh-2026.docx"
LIMITS = Limits(convert_seconds=60, pdf_seconds=30)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    work = tmp_path_factory.mktemp("office")
    auto = auto_numbered(PLAN)
    pdf = converted(PLAN.read_bytes(), "pdf", work)
    return {"auto": auto, "doc": converted(auto, "doc", work), "page": page_image(pdf, dpi=200)}


@pytest.fixture
def lead_office(app):
    return make_agency(name="Sở Y tế", code="SYT")


@pytest.fixture
def staff(app, lead_office):
    user = make_user(roles=(Role.LEAD_STAFF,), agency=lead_office, full_name="Nguyễn Thị Trang")
    db.session.commit()
    return user


@pytest.fixture
def lead_client(client, login_as, staff):
    return login_as(staff)


def _upload(client, data: bytes, name: str, url: str = "/drafts/new"):
    page = client.get("/drafts/new")
    return client.post(url, data={"csrf_token": csrf_token_from(page), "title": "",
                                  "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _work(app) -> int:
    return imports.run_imports(clock=now_utc, max_bytes=app.config["DRAFT_MAX_BYTES"],
                               limits=LIMITS)


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_auto_numbered_docx_is_split_at_once_with_its_numbers(lead_client, files):
    response = _upload(lead_client, files["auto"], "ke-hoach.docx")
    assert response.status_code == 302 and "/imports/" not in response.location
    html = lead_client.get(response.location).get_data(as_text=True)
    assert 'id="s-III.4.1"' in html and "III. NHIỆM VỤ VÀ GIẢI PHÁP CỤ THỂ NĂM 2026" in html
    version = db.session.scalar(select(DraftVersion))
    assert version.source_format == "docx" and not version.needs_review


def test_tracked_changes_are_told_on_the_draft_page(lead_client, files):
    from docx import Document
    from docx.oxml import parse_xml
    document = Document(io.BytesIO(files["auto"]))
    paragraph = document.paragraphs[-3]._p
    paragraph.append(parse_xml(
        '<w:ins xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'w:id="9" w:author="A"><w:r><w:t> (bổ sung)</w:t></w:r></w:ins>'))
    buffer = io.BytesIO()
    document.save(buffer)
    response = _upload(lead_client, buffer.getvalue(), "ke-hoach.docx")
    html = lead_client.get(response.location).get_data(as_text=True)
    assert "Dự thảo còn 1 thay đổi chưa chấp nhận" in html
    assert "(bổ sung)" in html


def test_a_doc_is_read_in_the_background_with_progress(app, lead_client, files):
    response = _upload(lead_client, files["doc"], "ke-hoach.doc")
    assert response.status_code == 302 and "/drafts/imports/" in response.location
    assert _count(Draft) == 0  # nothing shown as a draft before it is read
    page = lead_client.get(response.location).get_data(as_text=True)
    assert "<progress" in page and "ke-hoach.doc" in page
    status_url = response.location + "/status"
    assert json.loads(lead_client.get(status_url).data)["status"] == "queued"
    assert _work(app) == 1
    state = json.loads(lead_client.get(status_url).data)
    assert state["status"] == "done" and state["progress"] == 100
    draft = db.session.scalar(select(Draft))
    version = draft.latest_version
    assert version.source_format == "doc"
    assert [s.key for s in version.sections][:5] == ["header", "title", "preamble", "I", "I.1"]
    assert lead_client.get(response.location).location.endswith(f"/drafts/{draft.id}/versions/1")
    download = lead_client.get(f"/drafts/{draft.id}/versions/1/file")
    assert download.data == files["doc"]  # the original, as uploaded


def test_a_scan_is_checked_beside_its_page_before_it_can_be_circulated(app, lead_client, staff,
                                                                      files):
    response = _upload(lead_client, files["page"], "trang-1.jpg")
    _work(app)
    finished = lead_client.get(response.location)
    assert "/review" in finished.location
    draft = db.session.scalar(select(Draft))
    version = draft.latest_version
    assert version.source_format == "scan" and version.awaits_review
    review = lead_client.get(finished.location).get_data(as_text=True)
    assert f"/drafts/{draft.id}/versions/1/pages/1.png" in review
    image = lead_client.get(f"/drafts/{draft.id}/versions/1/pages/1.png")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"

    round_ = make_round(staff, [make_agency(name="Sở Tư pháp")])
    round_.versions = [version]
    with pytest.raises(ValidationFailed, match="chưa được soát lại"):
        open_round(round_, actor=staff, now=now_utc(), confirmed=True, zone=ZONE)
    db.session.rollback()

    section = next(s for s in version.sections if s.key == "I.1")
    token = csrf_token_from(lead_client.get(finished.location))
    saved = lead_client.post(f"/drafts/{draft.id}/versions/1/review/{section.id}", data={
        "csrf_token": token, f"s{section.id}-number": "1.",
        f"s{section.id}-title": "Mục đích (đã soát)", f"s{section.id}-text": section.text})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(section), section.id).title == "Mục đích (đã soát)"
    shown = lead_client.get(f"/drafts/{draft.id}").get_data(as_text=True)
    assert 'id="review-needed"' in shown
    confirmed = lead_client.post(f"/drafts/{draft.id}/versions/1/review/confirm",
                                 data={"csrf_token": token})
    assert confirmed.status_code == 302
    db.session.expire_all()
    version = db.session.get(DraftVersion, version.id)
    assert version.reviewed_at is not None and not version.awaits_review
    assert 'id="review-needed"' not in lead_client.get(f"/drafts/{draft.id}").get_data(
        as_text=True)


def test_a_hostile_pdf_is_refused_at_upload_with_nothing_stored(lead_client):
    before = _count(StoredFile)
    response = _upload(lead_client, hostile_pdf.with_javascript(), "du-thao.pdf")
    assert response.status_code == 422
    assert "JavaScript" in response.get_data(as_text=True)
    assert _count(StoredFile) == before and _count(DraftImport) == 0


def test_an_unreadable_file_fails_in_words_and_is_not_kept(app, lead_client):
    junk = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x07" * 30_000
    response = _upload(lead_client, junk, "du-thao.doc")
    files_before = _count(StoredFile)
    _work(app)
    page = lead_client.get(response.location).get_data(as_text=True)
    assert "Không đọc được tệp" in page and 'id="import-error"' in page
    assert _count(Draft) == 0 and _count(StoredFile) == files_before - 1
    assert "không đọc được" in lead_client.get("/drafts/").get_data(as_text=True)


def test_an_import_whose_worker_died_is_taken_up_again_but_not_forever(app, staff, files):
    job = imports.start_import("", files["doc"], "ke-hoach.doc", actor=staff, now=now_utc(),
                               max_bytes=app.config["DRAFT_MAX_BYTES"], limits=LIMITS)
    job.status, job.heartbeat_at, job.attempts = imports.RUNNING, now_utc(), 1
    db.session.commit()
    assert _work(app) == 0  # a live worker holds it
    job.heartbeat_at = now_utc() - imports.HEARTBEAT_TIMEOUT - timedelta(seconds=1)
    db.session.commit()
    assert _work(app) == 1
    db.session.expire_all()
    assert db.session.get(DraftImport, job.id).status == imports.DONE

    again = imports.start_import("", files["doc"], "ke-hoach.doc", actor=staff, now=now_utc(),
                                 max_bytes=app.config["DRAFT_MAX_BYTES"], limits=LIMITS)
    again.status, again.attempts = imports.RUNNING, imports.MAX_ATTEMPTS
    again.heartbeat_at = now_utc() - timedelta(hours=1)
    db.session.commit()
    _work(app)
    db.session.expire_all()
    failed = db.session.get(DraftImport, again.id)
    assert failed.status == imports.FAILED and "dừng đột ngột" in failed.error


def test_another_agency_sees_nothing_of_an_import(app, client, login_as, lead_client, files):
    response = _upload(lead_client, files["doc"], "ke-hoach.doc")
    other = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Tài chính"))
    db.session.commit()
    other_client = app.test_client()
    login_as(other, test_client=other_client)
    assert other_client.get(response.location).status_code == 404
    assert other_client.get(response.location + "/status").status_code == 404
    assert "ke-hoach.doc" not in other_client.get("/drafts/").get_data(as_text=True)
