"""An agency's answer: register, assign, comment, return, submit, agree, amend, paper replies."""
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import func, select

from commentflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from commentflow.core.roles import Role
from commentflow.drafts.models import DraftSection
from commentflow.extensions import db
from commentflow.responses import services
from commentflow.responses.models import Comment, Response, ResponseKind, ResponseState
from commentflow.responses.services import CommentData, ReplyLetter
from tests.factories import ZONE, make_agency, make_sent_round, make_user

PDF = b"%PDF-1.4\n% scan\n"


def _now():
    return datetime.now(UTC)


@pytest.fixture
def agency_world(app):
    agency = make_agency(name="Sở Tài chính", code="STC")
    round_, recipient, lead = make_sent_round(recipient_agency=agency)
    people = {"leader": make_user(agency=agency, roles=(Role.LEADER,)),
              "staff": make_user(agency=agency, roles=(Role.STAFF,)),
              "colleague": make_user(agency=agency, roles=(Role.STAFF,)),
              "clerk": make_user(agency=agency, roles=(Role.CLERK,))}
    sections = {s.key: s for s in round_.versions[0].sections}
    return round_, recipient, lead, people, sections


def _letter(number="2711"):
    return ReplyLetter(number=number, notation="STC-NS", day=date(2024, 7, 8))


def test_whole_flow_register_assign_draft_return_approve_submit(agency_world):
    round_, recipient, lead, people, sections = agency_world
    services.register_request(recipient, 970, date(2024, 7, 21), actor=people["clerk"],
                              now=_now())
    services.assign(recipient, people["staff"].id, [people["colleague"].id], None,
                    "Chủ trì nghiên cứu, tham mưu", actor=people["leader"], now=_now(),
                    zone=ZONE)
    response = services.working_response(recipient, actor=people["staff"], now=_now())
    for key in ("III.2.a", "PL.2.b"):
        services.save_comment(response, CommentData(f"Đề nghị làm rõ {key}",
                                                    sections[key].id), actor=people["staff"],
                              now=_now())
    services.save_comment(response, CommentData("Ý kiến chung về bố cục"),
                          actor=people["colleague"], now=_now())
    services.return_response(response, "Bổ sung lý do", actor=people["leader"], now=_now())
    assert response.state is ResponseState.RETURNED
    services.submit_response(response, _letter(), actor=people["leader"], now=_now())
    assert response.state is ResponseState.SUBMITTED and response.reference == "2711/STC-NS"
    assert len(response.comments) == 3
    with pytest.raises(ValidationFailed, match="không sửa được"):
        services.save_comment(response, CommentData("thêm"), actor=people["staff"], now=_now())


def test_incoming_numbers_are_unique_per_agency_and_restart_each_year(agency_world, app):
    round_, recipient, lead, people, _ = agency_world
    services.register_request(recipient, 970, date(2024, 7, 21), actor=people["clerk"],
                              now=_now())
    with pytest.raises(ValidationFailed, match="đã được vào sổ"):
        services.register_request(recipient, 971, date(2024, 7, 21), actor=people["clerk"],
                                  now=_now())
    second_round, second, _lead = make_sent_round(recipient_agency=recipient.agency)
    with pytest.raises(ValidationFailed, match="số tiếp theo là 971"):
        services.register_request(second, 970, date(2024, 8, 1), actor=people["clerk"],
                                  now=_now())
    services.register_request(second, 1, date(2025, 1, 2), actor=people["clerk"], now=_now())
    assert services.next_incoming_number(recipient.agency_id, 2025) == 2


def test_only_the_assigned_people_draft_once_assigned(agency_world):
    round_, recipient, lead, people, _ = agency_world
    services.working_response(recipient, actor=people["colleague"], now=_now())  # no assignment
    services.assign(recipient, people["staff"].id, [], None, "", actor=people["leader"],
                    now=_now(), zone=ZONE)
    with pytest.raises(PermissionDenied):
        services.working_response(recipient, actor=people["colleague"], now=_now())
    with pytest.raises(PermissionDenied):
        services.working_response(recipient, actor=people["clerk"], now=_now())
    with pytest.raises(PermissionDenied):
        services.assign(recipient, people["staff"].id, [], None, "", actor=people["staff"],
                        now=_now(), zone=ZONE)


def test_stale_save_is_refused_and_both_texts_are_kept(agency_world):
    _round, recipient, _lead, people, sections = agency_world
    response = services.working_response(recipient, actor=people["staff"], now=_now())
    comment = services.save_comment(response, CommentData("Bản đầu", sections["I.1.a"].id),
                                    actor=people["staff"], now=_now())
    loaded_revision = comment.revision
    services.save_comment(response, CommentData("Bản của đồng nghiệp", sections["I.1.a"].id),
                          actor=people["colleague"], now=_now(), comment=comment,
                          revision=loaded_revision)
    with pytest.raises(services.StaleComment) as caught:
        services.save_comment(response, CommentData("Bản của tôi", sections["I.1.a"].id),
                              actor=people["staff"], now=_now(), comment=comment,
                              revision=loaded_revision)
    assert caught.value.theirs.text == "Bản của đồng nghiệp"
    assert caught.value.mine == "Bản của tôi"
    db.session.refresh(comment)
    assert comment.text == "Bản của đồng nghiệp" and comment.revision == loaded_revision + 1


@pytest.mark.parametrize("text, section, message", [
    ("   ", None, "không được để trống"),
    ("Ý kiến", "header", "không thuộc dự thảo"),
    ("Ý kiến", "other-draft", "không thuộc dự thảo"),
])
def test_bad_comments_are_refused(agency_world, text, section, message):
    _round, recipient, _lead, people, sections = agency_world
    response = services.working_response(recipient, actor=people["staff"], now=_now())
    if section == "other-draft":
        _other, other_recipient, _ = make_sent_round()
        section_id = other_recipient.round.versions[0].sections[5].id
    else:
        section_id = sections[section].id if section else None
    with pytest.raises(ValidationFailed, match=message):
        services.save_comment(response, CommentData(text, section_id), actor=people["staff"],
                              now=_now())
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_agree_without_comments_still_has_a_letter(agency_world):
    _round, recipient, _lead, people, _ = agency_world
    with pytest.raises(ValidationFailed, match="số, ký hiệu và ngày"):
        services.agree(recipient, ReplyLetter("", "STC-NS", date(2024, 7, 8)),
                       actor=people["leader"], now=_now())
    response = services.agree(recipient, _letter(), actor=people["leader"], now=_now())
    assert (response.kind, response.state) == (ResponseKind.AGREED, ResponseState.SUBMITTED)


def test_submitting_twice_records_one_submission(agency_world):
    _round, recipient, _lead, people, sections = agency_world
    response = services.working_response(recipient, actor=people["staff"], now=_now())
    services.save_comment(response, CommentData("Ý kiến", sections["I.1.a"].id),
                          actor=people["staff"], now=_now())
    services.submit_response(response, _letter(), actor=people["leader"], now=_now())
    stale_copy = db.session.get(Response, response.id)
    with pytest.raises(Conflict):
        services._finish(stale_copy, _letter(), ResponseKind.COMMENTS,
                         actor=people["leader"], now=_now())
    assert db.session.scalar(select(func.count(Response.id)).where(
        Response.state == ResponseState.SUBMITTED)) == 1


def test_amendment_before_the_deadline_supersedes_and_nothing_after(agency_world):
    round_, recipient, _lead, people, sections = agency_world
    first = services.working_response(recipient, actor=people["staff"], now=_now())
    services.save_comment(first, CommentData("Lần 1", sections["I.1.a"].id),
                          actor=people["staff"], now=_now())
    services.submit_response(first, _letter("1"), actor=people["leader"], now=_now())
    second = services.working_response(recipient, actor=people["staff"], now=_now())
    assert second.sequence == 2 and [c.text for c in second.comments] == ["Lần 1"]
    services.save_comment(second, CommentData("Bổ sung", None), actor=people["staff"],
                          now=_now())
    services.submit_response(second, _letter("2"), actor=people["leader"], now=_now())
    db.session.refresh(first)
    assert first.state is ResponseState.SUPERSEDED and second.state is ResponseState.SUBMITTED
    after = recipient.deadline_at + timedelta(minutes=1)
    with pytest.raises(ValidationFailed, match="quá hạn"):
        services.working_response(recipient, actor=people["staff"], now=after)
    with pytest.raises(ValidationFailed, match="quá hạn"):
        services.agree(recipient, _letter("3"), actor=people["leader"], now=after)


def test_scan_must_be_a_pdf_within_the_limit(agency_world, app):
    _round, recipient, _lead, people, _ = agency_world
    letter = _letter()
    letter.scan = (b"GIF89a", "scan.pdf")
    with pytest.raises(ValidationFailed, match="PDF"):
        services.agree(recipient, letter, actor=people["leader"], now=_now())
    letter.scan = (PDF, "scan.pdf")
    response = services.agree(recipient, letter, actor=people["leader"], now=_now())
    assert response.scan.sha256 and response.scan.filename == "scan.pdf"


def test_lead_office_records_a_paper_reply_even_late(agency_world):
    round_, recipient, lead, _people, sections = agency_world
    later = recipient.deadline_at + timedelta(days=1)
    response = services.record_paper_reply(
        recipient, _letter("2711"), [CommentData("Tại điểm a khoản 2 Mục III: đề nghị bỏ",
                                                 sections["III.2.a"].id, "", "Trùng lặp")],
        actor=lead, now=later)
    assert response.entered_by_lead and response.kind is ResponseKind.COMMENTS
    assert response.comments[0].section_id == sections["III.2.a"].id
    outsider = make_user(roles=(Role.LEAD_STAFF,))
    with pytest.raises(PermissionDenied):
        services.record_paper_reply(recipient, _letter(), [], actor=outsider, now=_now())


def test_sections_of_the_round_are_the_only_targets(agency_world):
    _round, recipient, _lead, people, _ = agency_world
    response = services.working_response(recipient, actor=people["staff"], now=_now())
    closing = db.session.scalar(select(DraftSection).where(DraftSection.kind == "closing"))
    with pytest.raises(ValidationFailed):
        services.save_comment(response, CommentData("x", closing.id), actor=people["staff"],
                              now=_now())


def test_scan_over_the_limit_is_refused(agency_world, app):
    _round, recipient, _lead, people, _ = agency_world
    app.config["SCAN_MAX_BYTES"] = 100
    letter = _letter()
    letter.scan = (PDF + b"0" * 200, "scan.pdf")
    with pytest.raises(ValidationFailed, match="quá lớn"):
        services.agree(recipient, letter, actor=people["leader"], now=_now())
    assert db.session.scalar(select(func.count(Response.id)).where(
        Response.state == ResponseState.SUBMITTED)) == 0


@pytest.mark.parametrize("position, lines", [
    ("Phó Giám đốc", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("Giám đốc", ("GIÁM ĐỐC",)),
    ("Phó Chủ tịch", ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
])
def test_a_deputy_signs_on_behalf_of_the_head(agency_world, position, lines):
    """The reply letter signed by a deputy said "PHÓ GIÁM ĐỐC" alone."""
    from commentflow.exports.letters import build_letter
    from commentflow.responses.letters import reply_letter

    round_, recipient, lead, people, sections = agency_world
    people["leader"].position = position
    response = services.agree(recipient, _letter(), actor=people["leader"], now=_now())
    document = Document(io.BytesIO(build_letter(reply_letter(response,
                                                             signer=people["leader"]))))
    signature = [p.text for t in document.tables for c in t.columns[-1].cells
                 for p in c.paragraphs if p.text.strip()]
    assert [line for line in signature if line in lines] == list(lines)
