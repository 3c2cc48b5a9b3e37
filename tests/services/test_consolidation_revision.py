"""The consolidation revision moves with what consolidation counts, and the workspace's kept
figures are always those a fresh count gives."""
from datetime import date

import pytest
from sqlalchemy import text, update

from commentflow.consolidation import revision, services, workspace
from commentflow.consolidation.models import DispositionKind
from commentflow.consolidation.queries import comment_lines
from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses import services as responses
from commentflow.responses.models import Comment
from commentflow.responses.services import CommentData, ReplyLetter, record_paper_reply
from tests.factories import make_agency, make_round, make_user

#: Said by three communes, one with a stray full stop: suggested as one group.
SAME = "Đề nghị quy định rõ thời hạn báo cáo của UBND cấp xã về Sở Y tế."


@pytest.fixture
def world(app):
    """Three communes answered on paper (two near-identical comments); a fourth is drafting."""
    office = make_agency(name="Sở Y tế")
    staff = make_user(roles=(Role.LEAD_STAFF,), agency=office)
    leader = make_user(roles=(Role.LEADER,), agency=office)
    communes = [make_agency(name=f"UBND xã {n}") for n in range(4)]
    round_ = make_round(staff, communes, open_=True)
    sections = {s.key: s for s in round_.versions[0].sections}
    for index, recipient in enumerate(round_.recipients[:3]):
        comments = [CommentData(SAME + (" ." if index == 2 else ""), sections["III.2.a"].id),
                    CommentData(f"Ý kiến riêng số {index}.", sections["I.1.a"].id)]
        record_paper_reply(recipient, ReplyLetter(str(index + 1), "UBND-VP", date(2026, 7, 8)),
                           comments, actor=staff, now=now_utc())
    drafter = make_user(roles=(Role.STAFF,), agency=communes[3])
    db.session.commit()
    return round_, staff, leader, drafter, sections


def _view(round_):
    """What the workspace shows of the round as a whole (kept or not)."""
    shown = workspace.load_workspace(round_, workspace.Filters(), general_label="Chung")
    return (shown.total, shown.open,
            [(e.key, e.shown, e.open) for e in shown.outline],
            sorted(shown.tally.by_section.items(), key=repr),
            sorted(shown.tally.by_kind.items(), key=repr),
            [sorted(s.comment_ids) for s in shown.suggestions])


def _fresh(round_):
    revision.forget_all()
    return _view(round_)


def _moved(round_, change) -> bool:
    before = revision.current_revision(round_.id)
    change()
    db.session.commit()
    return revision.current_revision(round_.id) != before


def test_the_revision_moves_with_what_consolidation_counts(world):
    round_, staff, leader, drafter, sections = world
    first, *_ = comment_lines(round_.id)
    drafting = round_.recipients[3]

    # An agency drafting: autosaves do not touch the round.
    assert not _moved(round_, lambda: responses.add_comment(
        drafting, CommentData("Bản nháp.", sections["I.1.a"].id), actor=drafter, now=now_utc()))
    # Its answer submitted (on paper here), then amended: the first superseded.
    assert _moved(round_, lambda: record_paper_reply(
        drafting, ReplyLetter("9", "UBND", date(2026, 7, 9)), [], actor=staff, now=now_utc()))
    assert _moved(round_, lambda: record_paper_reply(
        drafting, ReplyLetter("10", "UBND", date(2026, 7, 10)),
        [CommentData("Bổ sung.", None)], actor=staff, now=now_utc()))
    # A comment of a submitted answer changed directly in the database (any SQL session).
    assert _moved(round_, lambda: db.session.execute(
        update(Comment).where(Comment.id == first.id).values(text="Sửa trong CSDL.")))
    # Dispositions: inserted, changed, removed.
    decided = []
    assert _moved(round_, lambda: decided.append(services.decide(
        round_, [first.id], DispositionKind.ACCEPTED, "Tiếp thu.", actor=staff, now=now_utc())))
    assert _moved(round_, lambda: services.approve(round_, [decided[0].id], actor=leader,
                                                   now=now_utc()))
    assert _moved(round_, lambda: db.session.execute(
        text("DELETE FROM dispositions WHERE id = :id").bindparams(id=decided[0].id)))


def test_kept_figures_are_what_a_fresh_count_gives(world, monkeypatch):
    round_, staff, leader, _drafter, sections = world
    counted = []
    outline_rows = workspace._outline_rows
    monkeypatch.setattr(workspace, "_outline_rows",
                        lambda *a: counted.append(a) or outline_rows(*a))
    revision.forget_all()
    _view(round_)
    counts_before = len(counted)
    _view(round_)
    assert len(counted) == counts_before  # nothing changed: the counts were not read again

    lines = comment_lines(round_.id)
    same = [c.id for c in lines if c.section_id == sections["III.2.a"].id]
    grouped = []
    changes = [
        lambda: grouped.append(services.group(round_, same, actor=staff, now=now_utc())),
        lambda: services.decide(round_, same, DispositionKind.PARTLY,
                                "Tiếp thu một phần.", actor=staff, now=now_utc()),
        lambda: services.approve(round_, [grouped[0].id], actor=leader, now=now_utc()),
        lambda: services.ungroup(round_, same[0], actor=staff, now=now_utc()),
        lambda: record_paper_reply(round_.recipients[3], ReplyLetter("4", "UBND", date.today()),
                                   [CommentData(SAME, sections["III.2.a"].id)], actor=staff,
                                   now=now_utc()),
    ]
    for change in changes:
        kept_before = _view(round_)
        change()
        db.session.commit()
        assert _view(round_) == _fresh(round_) != kept_before


def test_nothing_is_kept_from_a_transaction_that_may_still_roll_back(world):
    round_, staff, _leader, _drafter, _sections = world
    first, second, *_ = comment_lines(round_.id)
    revision.forget_all()
    committed = _view(round_)
    before = revision.current_revision(round_.id)
    services.decide(round_, [first.id], DispositionKind.ACCEPTED, "Tiếp thu.", actor=staff,
                    now=now_utc())
    # The request sees its own change, and keeps nothing of it ...
    assert _view(round_) != committed
    db.session.rollback()
    assert revision.current_revision(round_.id) == before
    # ... so another change reaching the same revision number is counted anew.
    services.decide(round_, [second.id], DispositionKind.NOT_ACCEPTED, "Giữ nguyên dự thảo.",
                    actor=staff, now=now_utc())
    db.session.commit()
    assert _view(round_) == _fresh(round_) != committed


def test_answers_sent_at_once_to_one_round_do_not_wait_for_each_other(pg_cluster):
    """Moving the revision locks the round's row; on PostgreSQL that happens at the commit,
    so a second agency's answer is sent while the first's request is still running (before,
    it waited for the first to end: answers to one round went one at a time)."""
    from tests.conftest import make_app

    app = make_app(pg_cluster.create_database("commentflow_revision_locks"))
    with app.app_context():
        db.create_all()
        staff = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế"))
        communes = [make_agency(name=f"UBND phường {n}") for n in range(2)]
        round_ = make_round(staff, communes, open_=True)
        section = round_.versions[0].sections[1]
        answers = []
        for recipient in round_.recipients:
            drafter = make_user(roles=(Role.STAFF,), agency=recipient.agency)
            comment = responses.add_comment(recipient, CommentData("Ý kiến.", section.id),
                                            actor=drafter, now=now_utc())
            answers.append(comment.response_id)
        db.session.commit()
        before = revision.current_revision(round_.id)
        send = text("UPDATE responses SET state = 'SUBMITTED' WHERE id = :id")
        with db.engine.connect() as first, db.engine.connect() as second:
            first.execute(send, {"id": answers[0]})  # its request goes on: not committed
            second.execute(text("SET lock_timeout = '2s'"))
            second.execute(send, {"id": answers[1]})
            second.commit()  # would fail with "canceling statement due to lock timeout"
            assert revision.current_revision(round_.id) == before + 1
            first.commit()
        assert revision.current_revision(round_.id) == before + 2
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
