"""Consolidation: dispositions, groups of identical comments, approval, closing, publishing."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from commentflow.consolidation import services
from commentflow.consolidation.grouping import suggest
from commentflow.consolidation.models import Disposition, DispositionKind
from commentflow.consolidation.queries import comment_lines
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import Notification
from commentflow.responses.models import Comment
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from commentflow.rounds.models import RoundState
from commentflow.rounds.services import close_round
from tests.factories import make_agency, make_round, make_user

SAME = "Đề nghị bổ sung cơ chế phối hợp giữa các địa phương trong triển khai."


def _now():
    return datetime.now(UTC)


@pytest.fixture
def world(app):
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    districts = [make_agency(name=f"UBND huyện {n}") for n in range(3)]
    round_ = make_round(staff, districts, open_=True)
    section = next(s for s in round_.versions[0].sections if s.key == "III.2.a")
    other = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    for index, recipient in enumerate(round_.recipients):
        comments = [CommentData(SAME + (" ." if index == 2 else ""), section.id)]
        if index == 0:
            comments.append(CommentData("Đề nghị làm rõ mục tiêu.", other.id))
        record_paper_reply(recipient, ReplyLetter(str(index + 1), "UBND-VP", date(2024, 7, 8)),
                           comments, actor=staff, now=_now())
    db.session.commit()
    return round_, staff, leader


def test_identical_comments_are_suggested_as_a_group():
    groups = suggest([(1, 10, SAME), (2, 10, SAME.upper()), (3, 10, "Ý kiến khác hẳn"),
                      (4, 11, SAME)])
    assert groups == [[1, 2]]  # same section only; case and accents do not matter


def test_whole_consolidation(world):
    round_, staff, leader = world
    comments = comment_lines(round_.id)
    sections = {s.id: s.key for s in round_.versions[0].sections}
    assert [sections.get(c.section_id) for c in comments] == ["I.1.a"] + ["III.2.a"] * 3
    [group] = services.suggested_groups(round_)
    assert len(group) == 3
    grouped = services.group(round_, group, actor=staff, now=_now())
    services.decide(round_, group, DispositionKind.ACCEPTED,
                    "Tiếp thu, bổ sung vào điểm a khoản 2 Mục III.", actor=staff, now=_now())
    assert services.suggested_groups(round_) == []
    with pytest.raises(ValidationFailed, match="giải trình"):
        services.decide(round_, [comments[0].id], DispositionKind.NOT_ACCEPTED, " ",
                        actor=staff, now=_now())
    single = services.decide(round_, [comments[0].id], DispositionKind.NOT_ACCEPTED,
                             "Đề xuất giữ nguyên theo dự thảo. Lý do: đã rõ.", actor=staff,
                             now=_now())
    with pytest.raises(PermissionDenied):
        services.approve(round_, [grouped.id], actor=staff, now=_now())
    assert services.approve(round_, [grouped.id, single.id], actor=leader, now=_now()) == 2
    assert services.open_count(round_.id) == 0
    with pytest.raises(ValidationFailed, match="kết thúc nhận ý kiến"):
        services.close_consolidation(round_, actor=leader, now=_now())
    close_round(round_, actor=staff, now=_now())
    services.close_consolidation(round_, actor=leader, now=_now())
    assert round_.state is RoundState.CONSOLIDATED and round_.open_comments_at_close == 0
    services.publish(round_, actor=leader, now=_now())
    assert round_.state is RoundState.PUBLISHED
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == "round.published")) == 0  # the districts have no users here


def test_a_change_after_approval_needs_approval_again(world):
    round_, staff, leader = world
    comment = comment_lines(round_.id)[0]
    disposition = services.decide(round_, [comment.id], DispositionKind.NOTED, "Ghi nhận.",
                                  actor=staff, now=_now())
    services.approve(round_, [disposition.id], actor=leader, now=_now())
    services.decide(round_, [comment.id], DispositionKind.PARTLY, "Tiếp thu một phần.",
                    actor=staff, now=_now())
    assert disposition.approved_at is None


def test_closing_with_open_comments_is_explicit_and_recorded(world):
    round_, staff, leader = world
    close_round(round_, actor=staff, now=_now())
    with pytest.raises(ValidationFailed, match="Còn 4 ý kiến"):
        services.close_consolidation(round_, actor=leader, now=_now())
    services.close_consolidation(round_, actor=leader, now=_now(), accept_open=True)
    assert round_.open_comments_at_close == 4


def test_comments_of_other_rounds_cannot_be_decided(world, app):
    round_, staff, _leader = world
    other_round = make_round(staff, [make_agency()], open_=True)
    comment = comment_lines(round_.id)[0]
    with pytest.raises(ValidationFailed, match="không thuộc"):
        services.decide(other_round, [comment.id], DispositionKind.ACCEPTED, "x", actor=staff,
                        now=_now())


def test_near_identical_comments_are_suggested_even_among_many():
    import random
    import time

    sentence = ("Đề nghị bổ sung cơ chế phối hợp giữa Sở Y tế và UBND huyện {} trong triển "
                "khai thực hiện kế hoạch")
    near = [(n, 1, sentence.format(name)) for n, name in enumerate(
        ("An Biên", "Châu Thành", "Giồng Riềng", "Gò Quao"), start=1)]
    random.seed(3)
    words = [f"từ{k}" for k in range(400)]  # 2,000 other comments, each its own words
    others = [(100 + n, 1, " ".join(random.sample(words, 15))) for n in range(2000)]
    started = time.perf_counter()
    groups = suggest(others[:1000] + near[:2] + others[1000:] + near[2:]
                     + [(9, 2, sentence.format("An Biên"))])
    assert [1, 2, 3, 4] in groups  # one district's name differs: the same comment
    assert not any(9 in g for g in groups)  # another section is never mixed in
    assert all(g == [1, 2, 3, 4] or min(g) >= 100 for g in groups)
    assert time.perf_counter() - started < 5  # bounded, however many comments


def test_grouping_nothing_or_approving_nothing_says_so(world):
    round_, staff, leader = world
    with pytest.raises(ValidationFailed, match="Hãy chọn ít nhất hai ý kiến để gộp."):
        services.group(round_, [], actor=staff, now=_now())
    first = comment_lines(round_.id)[0].id
    with pytest.raises(ValidationFailed, match="Hãy chọn ít nhất hai ý kiến để gộp."):
        services.group(round_, [first, first], actor=staff, now=_now())
    with pytest.raises(ValidationFailed, match="Không có cách xử lý nào đang chờ duyệt."):
        services.approve(round_, [], actor=leader, now=_now())


def test_nothing_changes_a_disposition_after_publication(app):
    """The published report is what the agencies were told; approve used to accept a
    disposition left unapproved even after publication."""
    now = datetime.now(UTC)
    office, other = make_agency(), make_agency()
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    round_ = make_round(staff, [other], open_=True)
    section = next(s for s in round_.versions[0].sections if s.key == "I.1.a")
    record_paper_reply(round_.recipients[0], ReplyLetter("3", "VP", date(2024, 7, 8)),
                       [CommentData("Ý kiến một", section.id),
                        CommentData("Ý kiến hai", section.id)], actor=staff, now=now)
    ids = list(db.session.scalars(select(Comment.id).order_by(Comment.id)))
    first = services.decide(round_, ids[:1], DispositionKind.ACCEPTED, "Tiếp thu.",
                            actor=staff, now=now)
    close_round(round_, actor=staff, now=now)
    services.close_consolidation(round_, actor=leader, now=now, accept_open=True)
    services.publish(round_, actor=leader, now=now)
    db.session.commit()
    attempts = [
        lambda: services.approve(round_, [first.id], actor=leader, now=now),
        lambda: services.decide(round_, ids[:1], DispositionKind.NOT_ACCEPTED, "Đổi ý.",
                                actor=staff, now=now),
        lambda: services.group(round_, ids, actor=staff, now=now),
        lambda: services.ungroup(round_, ids[0], actor=staff, now=now)]
    for attempt in attempts:
        with pytest.raises(ValidationFailed, match="không thay đổi được nữa"):
            attempt()
        db.session.rollback()
    stored = db.session.get(Disposition, first.id)
    assert (stored.kind, stored.text, stored.approved_at) == \
        (DispositionKind.ACCEPTED, "Tiếp thu.", None)


def test_each_page_of_the_workspace_is_the_slice_of_the_whole_list(app, monkeypatch):
    """The page's comments are sorted among its own sections only (the outline says which):
    every page, filtered or not, is exactly the slice of the whole list in draft order."""
    from commentflow.consolidation import workspace
    from commentflow.consolidation.queries import draft_order

    monkeypatch.setattr(workspace, "PAGE_SIZE", 4)
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    round_ = make_round(staff, [make_agency(name=f"UBND xã {n}") for n in range(4)],
                        open_=True)
    sections = [s for s in round_.versions[0].sections if s.is_commentable]
    # Sections of 1, 2, 3, … comments per agency, unevenly spread, and general comments.
    targets = [sections[0].id, sections[3].id, sections[3].id, sections[7].id, None,
               sections[1].id, sections[7].id, sections[7].id]
    for index, recipient in enumerate(round_.recipients):
        record_paper_reply(recipient, ReplyLetter(str(index + 1), "UBND-VP", date(2024, 7, 8)), [
            CommentData(f"Ý kiến {index}-{n}" + (" co che" if n % 3 == 0 else ""), section_id)
            for n, section_id in enumerate(targets[index:] + targets[:index])],
            actor=staff, now=_now())
    db.session.commit()

    cases = [workspace.Filters(), workspace.Filters(q="co che"),
             workspace.Filters(agency_id=round_.recipients[1].agency_id),
             workspace.Filters(section=str(sections[7].id)),
             workspace.Filters(section=workspace.GENERAL_KEY),
             workspace.Filters(state="open", q="y kien")]
    for filters in cases:
        everything = list(db.session.scalars(draft_order(workspace._filtered(
            select(Comment.id), round_.id, filters))))
        if filters.section:
            section_id = None if filters.section == workspace.GENERAL_KEY else int(filters.section)
            everything = [i for i in everything
                          if db.session.get(Comment, i).section_id == section_id]
        pages = -(-len(everything) // 4)
        assert pages >= 1, filters
        for page in range(1, pages + 1):
            filters.page = page
            view = workspace.load_workspace(round_, filters, general_label="Ý kiến chung")
            shown = [c.id for _entry, comments in view.sections for c in comments]
            assert shown == everything[(page - 1) * 4:page * 4], (filters, page)
        assert view.shown == len(everything)
    nothing = workspace.load_workspace(round_, workspace.Filters(section="999999"),
                                       general_label="Ý kiến chung")
    assert nothing.shown == 0 and nothing.sections == []


def test_the_workspace_shows_each_comment_as_its_objects_say(world):
    """The page's comments are read as plain values (consolidation.shown): each says what
    the comment, its answer, its agency and its disposition say — the group a disposition
    answers, who drafted and who approved it — in the page's order."""
    from commentflow.consolidation import workspace

    round_, staff, leader = world
    [group] = services.suggested_groups(round_)
    services.group(round_, group, actor=staff, now=_now())
    grouped = services.decide(round_, group, DispositionKind.ACCEPTED, "Tiếp thu.",
                              actor=staff, now=_now())
    services.approve(round_, [grouped.id], actor=leader, now=_now())
    db.session.commit()

    view = workspace.load_workspace(round_, workspace.Filters(), general_label="Ý kiến chung")
    shown = [c for _entry, comments in view.sections for c in comments]
    assert [c.id for c in shown] == [c.id for c in comment_lines(round_.id)]
    db.session.expire_all()
    for comment in shown:
        stored = db.session.get(Comment, comment.id)
        assert (comment.response_id, comment.section_id, comment.text,
                comment.proposed_wording, comment.reason) == (
            stored.response_id, stored.section_id, stored.text, stored.proposed_wording,
            stored.reason)
        assert comment.agency_id == stored.response.recipient.agency_id
        assert comment.agency_name == stored.response.recipient.agency.name
        assert comment.reference == stored.response.reference != ""
        assert comment.answered_ids == tuple(c.id for c in stored.answered_together)
        if stored.disposition is None:
            assert comment.disposition is None and comment.disposition_id is None
            continue
        disposition, kept_one = stored.disposition, comment.disposition
        assert (kept_one.id, kept_one.kind, kept_one.text, kept_one.drafted_at,
                kept_one.approved_at) == (disposition.id, disposition.kind, disposition.text,
                                          disposition.drafted_at, disposition.approved_at)
        assert (kept_one.is_group, kept_one.is_decided, kept_one.is_approved,
                kept_one.awaits_approval) == (disposition.is_group, disposition.is_decided,
                                              disposition.is_approved,
                                              disposition.awaits_approval)
        assert (kept_one.drafted_by, kept_one.approved_by) == (staff.full_name,
                                                               leader.full_name)
    assert sum(1 for c in shown if c.disposition and c.disposition.is_group) == 3
    assert sum(1 for c in shown if c.disposition is None) == 1
    assert view.awaiting_approval == []
