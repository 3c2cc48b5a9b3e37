"""A follow-up round ("lần 2"): proposed from the closed round, the agencies see their own
earlier comments with the disposition (once published) and the changed text, agree or
maintain, and the round-2 report shows their answers (issue 15)."""
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from commentflow.consolidation import services as consolidation
from commentflow.consolidation.models import DispositionKind
from commentflow.core.roles import Role
from commentflow.drafts.comparisons import VersionComparison
from commentflow.drafts.services import add_version, create_draft
from commentflow.extensions import db
from commentflow.responses.models import PreviousCommentAnswer
from commentflow.responses.services import (
    CommentData,
    ReplyLetter,
    record_paper_reply,
    submitted_response,
)
from commentflow.revisions.services import comparison_for, confirm
from commentflow.rounds.models import Round
from commentflow.rounds.services import RoundData, close_round, create_round, open_round
from tests.conftest import csrf_token_from
from tests.factories import ZONE, make_agency, make_user
from tests.unit.test_version_alignment import NEW, OLD


def _now():
    return datetime.now(UTC)


def _round(staff, versions, agencies, **extra):
    round_ = create_round(RoundData(
        subject="V/v góp ý dự thảo Kế hoạch", place="An Giang", letter_date=date(2026, 11, 2),
        deadline_at=_now() + timedelta(days=20), signer_position="Giám đốc",
        signer_name="Hồ Văn Dũng", letter_number="315", letter_notation="SYT-NVY",
        version_ids=[v.id for v in versions], agency_ids=[a.id for a in agencies], **extra),
        actor=staff, now=_now(), confirmed=True, zone=ZONE)
    open_round(round_, actor=staff, now=_now(), confirmed=True, zone=ZONE)
    return round_


@pytest.fixture
def world(app):
    office = make_agency(name="Sở Y tế", code="SYT")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    stc, stp = make_agency(name="Sở Tài chính", code="STC"), make_agency(name="Sở Tư pháp")
    draft = create_draft("Kế hoạch", OLD.encode(), "lan-1.txt", actor=staff, now=_now(),
                         max_bytes=10**7)
    first = _round(staff, [draft.latest_version], [stc, stp])
    sections = {s.key: s for s in draft.latest_version.sections}
    own = record_paper_reply(first.recipients[0], ReplyLetter("1", "STC", date(2026, 11, 9)), [
        CommentData("Đề nghị bổ sung y tế dự phòng.", sections["I.1.a"].id),
        CommentData("Đề nghị bỏ mục đào tạo.", sections["II.5"].id)], actor=staff, now=_now())
    theirs = record_paper_reply(first.recipients[1], ReplyLetter("2", "STP", date(2026, 11, 9)),
                                [CommentData("Ý kiến riêng của Sở Tư pháp.",
                                             sections["II.1"].id)], actor=staff, now=_now())
    ids = [c.id for c in own.comments] + [c.id for c in theirs.comments]
    consolidation.decide(first, ids[:1], DispositionKind.ACCEPTED, "Đã bổ sung.", actor=staff,
                         now=_now())
    consolidation.decide(first, ids[1:], DispositionKind.NOT_ACCEPTED,
                         "Cần giữ để bảo đảm nhân lực.", actor=staff, now=_now())
    close_round(first, actor=staff, now=_now())
    consolidation.approve(first, [c.disposition_id for c in own.comments + theirs.comments],
                          actor=leader, now=_now())
    consolidation.close_consolidation(first, actor=leader, now=_now())
    consolidation.publish(first, actor=leader, now=_now())
    second_version = add_version(draft, NEW.encode(), "lan-2.txt", actor=staff, now=_now(),
                                 max_bytes=10**7)
    confirm(comparison_for(draft.versions[0], second_version, actor=staff, now=_now()),
            actor=staff, now=_now())
    hoa = make_user(agency=stc, roles=(Role.STAFF,), full_name="Lê Thị Hoa")
    db.session.commit()
    return {"first": first, "staff": staff, "leader": leader, "stc": stc, "stp": stp,
            "hoa": hoa, "version": second_version}


def test_the_follow_up_form_is_proposed_from_the_round_it_follows(app, login_as, world):
    client = login_as(world["staff"])
    page = client.get(f"/rounds/{world['first'].id}").get_data(as_text=True)
    assert 'id="follow-up"' in page
    form = client.get(f"/rounds/new?after={world['first'].id}").get_data(as_text=True)
    assert "V/v góp ý dự thảo Kế hoạch (lần 2)" in form
    assert f'value="{world["first"].id}"' in form  # the hidden previous_round_id
    checked = re.findall(r'<input checked id="(\w+)-\d+" name="\w+" type="checkbox" '
                         r'value="(\d+)">', form)
    assert ("version_ids", str(world["version"].id)) in checked  # the revised version
    assert {("agency_ids", str(a.id)) for a in (world["stc"], world["stp"])} <= set(checked)


def test_agencies_answer_their_own_earlier_comments_and_the_report_shows_it(app, login_as,
                                                                           world):
    second = _round(world["staff"], [world["version"]], [world["stc"], world["stp"]],
                    previous_round_id=world["first"].id)
    db.session.commit()
    client = login_as(world["hoa"])
    page = client.get(f"/inbox/{second.id}/previous").get_data(as_text=True)
    assert "Đề nghị bổ sung y tế dự phòng." in page and "Tiếp thu" in page
    assert "Ý kiến riêng của Sở Tư pháp." not in page  # never another agency's
    assert "sở<ins> và y tế dự phòng</ins>;" in page  # the exact changed text
    token = csrf_token_from(client.get(f"/inbox/{second.id}/draft"))
    earlier = submitted_response(world["first"].recipients[0])
    comments = {c.text: c.id for c in earlier.comments}
    client.post(f"/inbox/{second.id}/previous/{comments['Đề nghị bổ sung y tế dự phòng.']}",
                data={"csrf_token": token, "answer": "agree"})
    client.post(f"/inbox/{second.id}/previous/{comments['Đề nghị bỏ mục đào tạo.']}",
                data={"csrf_token": token, "answer": "maintain",
                      "text": "Vẫn đề nghị bỏ: trùng với kế hoạch đào tạo của tỉnh."})
    answers = db.session.scalars(select(PreviousCommentAnswer)).all()
    assert sorted(a.answer for a in answers) == ["agree", "maintain"]
    maintained = next(a for a in answers if a.answer == "maintain")
    assert maintained.comment.text.startswith("Vẫn đề nghị bỏ")
    assert maintained.comment.section_id is None  # II.5 was removed in version 2: general

    leader = make_user(agency=world["stc"], roles=(Role.LEADER,))
    db.session.commit()
    boss = login_as(leader, test_client=app.test_client())
    review = boss.get(f"/inbox/{second.id}/review")
    boss.post(f"/inbox/{second.id}/submit", data={
        "csrf_token": csrf_token_from(review), "reply_number": "88",
        "reply_notation": "STC-NS", "reply_date": "2026-12-01"})
    lead = login_as(world["staff"], test_client=app.test_client())
    report = Document(io.BytesIO(lead.get(
        f"/rounds/{second.id}/consolidation/report.docx").data))
    text = " ".join(cell.text for t in report.tables for row in t.rows for cell in row.cells)
    assert "Đồng ý với giải trình" in text
    assert "Bảo lưu ý kiến: Vẫn đề nghị bỏ: trùng với kế hoạch đào tạo của tỉnh." in text
    assert "Không tiếp thu" in text and "Cần giữ để bảo đảm nhân lực." in text


def test_before_publication_the_disposition_is_not_shown(app, login_as, world):
    first = world["first"]
    first.published_at = None  # as if the earlier report had not been sent back yet
    second = _round(world["staff"], [world["version"]], [world["stc"]],
                    previous_round_id=first.id)
    db.session.commit()
    page = login_as(world["hoa"]).get(f"/inbox/{second.id}/previous").get_data(as_text=True)
    assert "Đề nghị bổ sung y tế dự phòng." in page
    assert "Đã bổ sung." not in page and "chưa công bố kết quả" in page


def test_a_follow_up_of_an_open_round_is_refused(app, world):
    open_one = _round(world["staff"], [world["version"]], [world["stc"]])
    with pytest.raises(Exception, match="còn đang nhận ý kiến"):
        _round(world["staff"], [world["version"]], [world["stc"]],
               previous_round_id=open_one.id)
    assert db.session.get(Round, open_one.id).previous_round_id is None


def test_round_two_waits_for_the_pairing_to_be_confirmed(app, world):
    comparison = db.session.scalar(select(VersionComparison))
    comparison.confirmed_at = None
    db.session.commit()
    with pytest.raises(Exception, match="xác nhận cách ghép mục"):
        _round(world["staff"], [world["version"]], [world["stc"]],
               previous_round_id=world["first"].id)
