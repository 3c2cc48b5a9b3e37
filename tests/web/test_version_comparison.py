"""Two versions compared through the pages: each change beside the comments and dispositions
of its section, flags for the officer, a pairing corrected then confirmed, the comparison
table and the redline downloaded, and nothing of it for another agency (issue 15)."""
import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from commentflow.consolidation.models import DispositionKind
from commentflow.consolidation.services import decide
from commentflow.core.roles import Role
from commentflow.drafts.comparisons import VersionComparison
from commentflow.drafts.services import add_version, create_draft
from commentflow.extensions import db
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.services import RoundData, create_round, open_round
from tests.conftest import csrf_token_from
from tests.factories import ZONE, make_agency, make_user
from tests.unit.test_version_alignment import NEW, OLD, _apply


def _now():
    return datetime.now(UTC)


@pytest.fixture
def world(app):
    office = make_agency(name="Sở Y tế", code="SYT")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    draft = create_draft("Kế hoạch", OLD.encode(), "lan-1.txt", actor=staff, now=_now(),
                         max_bytes=10**7)
    v1 = draft.latest_version
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_ = create_round(RoundData(
        subject="V/v góp ý dự thảo Kế hoạch", place="An Giang", letter_date=date(2026, 11, 2),
        deadline_at=_now().replace(year=_now().year + 1), signer_position="Giám đốc",
        signer_name="Hồ Văn Dũng", letter_number="315", letter_notation="SYT-NVY",
        version_ids=[v1.id], agency_ids=[agency.id]), actor=staff, now=_now(),
        confirmed=True, zone=ZONE)
    open_round(round_, actor=staff, now=_now(), confirmed=True, zone=ZONE)
    sections = {s.key: s for s in v1.sections}
    answer = record_paper_reply(round_.recipients[0], ReplyLetter("1", "STC", date(2026, 11, 9)), [
        CommentData("Đề nghị bổ sung y tế dự phòng.", sections["I.1.a"].id),
        CommentData("Đề nghị làm rõ trách nhiệm.", sections["I.2.b"].id)], actor=staff,
        now=_now())
    first, second = answer.comments
    decide(round_, [first.id], DispositionKind.ACCEPTED, "Tiếp thu, đã bổ sung.", actor=staff,
           now=_now())
    decide(round_, [second.id], DispositionKind.ACCEPTED, "Tiếp thu.", actor=staff, now=_now())
    add_version(draft, NEW.encode(), "lan-2.txt", actor=staff, now=_now(), max_bytes=10**7)
    db.session.commit()
    return {"draft": draft, "staff": staff, "office": office}


def _url(world, tail=""):
    return f"/drafts/{world['draft'].id}/compare/1/2/{tail}"


def test_each_change_shows_the_comments_behind_it_and_the_flags(app, login_as, world):
    client = login_as(world["staff"])
    page = client.get(_url(world)).get_data(as_text=True)
    assert 'data-old="I.1.a" data-new="I.1.a"' in page
    assert "sở<ins> và y tế dự phòng</ins>;" in page
    assert "Đề nghị bổ sung y tế dự phòng." in page and "Tiếp thu, đã bổ sung." in page
    assert "Đã tiếp thu nhưng nội dung chưa đổi" in page  # I.2.b: taken in, words unchanged
    assert "Thay đổi không do ý kiến góp ý" in page  # II.1 added without a comment asking
    only = client.get(_url(world) + "?changes=1").get_data(as_text=True)
    assert 'data-change="unchanged"' not in only and 'data-change="added"' in only
    draft_page = client.get(f"/drafts/{world['draft'].id}/versions/2").get_data(as_text=True)
    assert 'id="compare-previous"' in draft_page


def test_a_pairing_is_corrected_then_confirmed(app, login_as, world):
    client = login_as(world["staff"])
    page = client.get(_url(world))
    comparison = db.session.query(VersionComparison).one()
    new_id = next(p for p in comparison.pairs if p.change == "added").new_section_id
    old_id = next(p for p in comparison.pairs if p.change == "removed").old_section_id
    response = client.post(_url(world, f"pairs/{new_id}"), data={
        "csrf_token": csrf_token_from(page), "old_section_id": str(old_id)})
    assert response.status_code == 302
    db.session.expire_all()
    pair = next(p for p in comparison.pairs if p.new_section_id == new_id)
    assert pair.old_section_id == old_id and pair.change == "edited"
    assert pair.corrected and not any(p.change == "removed" for p in comparison.pairs)
    token = csrf_token_from(client.get(_url(world)))
    client.post(_url(world, "confirm"), data={"csrf_token": token})
    again = client.post(_url(world, f"pairs/{new_id}"),
                        data={"csrf_token": token, "old_section_id": ""},
                        follow_redirects=True)
    assert "đã được xác nhận" in again.get_data(as_text=True)


def test_the_downloads_are_the_comparison_table_and_a_true_redline(app, login_as, world):
    client = login_as(world["staff"])
    redline = client.get(_url(world, "redline.docx"))
    assert redline.status_code == 200
    accepted = _apply(redline.data, accept=True)
    assert "2. Tổ chức quán triệt, tuyên truyền sâu rộng đến các cấp, các ngành." in accepted
    rejected = _apply(redline.data, accept=False)
    assert "5. Đào tạo nhân lực y tế cho tuyến xã." in rejected
    table = Document(io.BytesIO(client.get(_url(world, "comparison.docx")).data))
    text = " ".join(cell.text for t in table.tables for row in t.rows for cell in row.cells)
    assert "BẢN SO SÁNH DỰ THẢO" in " ".join(p.text for p in table.paragraphs)
    assert "Sở Tài chính: Đề nghị bổ sung y tế dự phòng. — Tiếp thu: Tiếp thu, đã bổ sung." \
        in text
    assert "Dự thảo lần 1" in text and "Dự thảo lần 2" in text


def test_correcting_the_split_afterwards_pairs_again(app, login_as, world):
    client = login_as(world["staff"])
    client.get(_url(world))
    version = world["draft"].versions[1]
    section = next(s for s in version.sections if s.key == "II.5")
    section.text += "\nMột đoạn bổ sung."  # as a merge into it would leave it
    db.session.commit()
    client.get(_url(world))
    comparison = db.session.query(VersionComparison).one()
    db.session.refresh(comparison)
    assert any(p.new_section and "Một đoạn bổ sung." in p.new_section.text
               for p in comparison.pairs)


def test_another_agency_sees_no_comparison(app, login_as, world):
    other = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Nội vụ"))
    db.session.commit()
    client = login_as(other)
    assert client.get(_url(world)).status_code == 404
    assert client.get(_url(world, "redline.docx")).status_code == 404
