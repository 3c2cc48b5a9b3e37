"""Round use cases: every state transition, deadlines at the boundary, extensions, recipients."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from commentflow.audit.models import AuditEvent
from commentflow.core.dates import local_to_utc
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import Notification
from commentflow.responses.tracker import TrackerState, state_of, tracker_rows
from commentflow.rounds import letters, services
from commentflow.rounds.models import RoundState
from tests.factories import ZONE, make_agency, make_group, make_round, make_user
from tests.statements import recorded_statements


@pytest.fixture
def lead(app):
    return make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế", code="SYT"))


@pytest.fixture
def agencies(app):
    return [make_agency(name=f"Sở {i}", code=f"S{i}") for i in range(3)]


def _now():
    return datetime.now(UTC)


def test_deadline_written_as_before_a_day_means_local_midnight():
    # "chậm nhất đến trước ngày 10/7/2024" = 00:00 of 10 July in Hồ Chí Minh City = 17:00 UTC.
    assert local_to_utc(datetime(2024, 7, 10).date(), time(0, 0), ZONE) == \
        datetime(2024, 7, 9, 17, 0, tzinfo=UTC)


def test_round_is_open_until_one_minute_before_and_closed_one_minute_after(app, lead,
                                                                          agencies):
    deadline = local_to_utc((_now() + timedelta(days=10)).date(), time(0, 0), ZONE)
    round_ = make_round(lead, agencies, deadline_at=deadline, open_=True)
    db.session.commit()
    db.session.expire_all()  # read the deadline back from the database
    stored = round_.deadline_at
    assert stored == deadline and stored.tzinfo is not None
    recipient = round_.recipients[0]
    assert recipient.accepts_answers(deadline - timedelta(minutes=1))
    assert not recipient.accepts_answers(deadline)
    assert not recipient.accepts_answers(deadline + timedelta(minutes=1))
    assert state_of(recipient, round_, deadline - timedelta(minutes=1),
                    zone=ZONE) is TrackerState.SENT
    assert state_of(recipient, round_, deadline + timedelta(minutes=1), zone=ZONE) is \
        TrackerState.NO_ANSWER


def test_draft_can_change_everything_then_opening_freezes_it(app, lead, agencies):
    round_ = make_round(lead, agencies[:1])
    data = services.RoundData(subject="V/v góp ý lần 2", place="Kiên Giang",
                              letter_date=round_.letter_date,
                              deadline_at=_now() + timedelta(days=20),
                              signer_position="Phó Giám đốc", signer_name="Lê Văn A",
                              signer_authority="KT.", signer_head_title="Giám đốc",
                              letter_number="2160", letter_notation="syt-tccb",
                              version_ids=[v.id for v in round_.versions],
                              agency_ids=[a.id for a in agencies])
    services.update_round(round_, data, actor=lead, now=_now(), zone=ZONE)
    assert (round_.subject, round_.signer_head_title, round_.letter_notation) == \
        ("V/v góp ý lần 2", "GIÁM ĐỐC", "SYT-TCCB")
    assert len(round_.recipients) == 3
    services.open_round(round_, actor=lead, now=_now(), zone=ZONE)
    assert round_.state is RoundState.OPEN
    assert all(v.circulated_at for v in round_.versions)
    with pytest.raises(ValidationFailed, match="chỉ còn gia hạn"):
        services.update_round(round_, data, actor=lead, now=_now(), zone=ZONE)
    with pytest.raises(ValidationFailed, match="đã được gửi"):
        services.open_round(round_, actor=lead, now=_now(), zone=ZONE)


def test_opening_notifies_every_user_of_every_recipient(app, lead, agencies):
    for agency in agencies:
        make_user(agency=agency)
        make_user(agency=agency, roles=(Role.LEADER,))
    make_user(agency=agencies[0], is_active_account=False)
    make_round(lead, agencies, open_=True)
    assert db.session.scalar(select(func.count(Notification.id))) == 6


def test_opening_needs_a_draft_and_recipients(app, lead):
    round_ = make_round(lead, [])
    with pytest.raises(ValidationFailed, match="nơi nhận"):
        services.open_round(round_, actor=lead, now=_now(), zone=ZONE)


def test_past_deadline_is_refused_and_a_short_one_asks_to_confirm(app, lead, agencies):
    with pytest.raises(ValidationFailed, match="sau thời điểm hiện tại"):
        make_round(lead, agencies, deadline_at=_now() - timedelta(minutes=1))
    with pytest.raises(services.NeedsConfirmation, match="ngắn hơn 5 ngày"):
        services.check_deadline(_now() + timedelta(days=2), now=_now(), confirmed=False, zone=ZONE)
    services.check_deadline(_now() + timedelta(days=2), now=_now(), confirmed=True, zone=ZONE)
    services.check_deadline(_now() + timedelta(days=6), now=_now(), confirmed=False, zone=ZONE)


def test_extension_for_all_and_for_one_agency(app, lead, agencies):
    round_ = make_round(lead, agencies, open_=True)
    first, second = round_.recipients[0], round_.recipients[1]
    old = round_.deadline_at
    services.extend_for_agency(first, old + timedelta(days=3), "Đơn vị xin lùi hạn",
                               actor=lead, now=_now(), zone=ZONE)
    assert first.deadline_at == old + timedelta(days=3) and second.deadline_at == old
    at_old_deadline = old + timedelta(minutes=1)
    assert first.is_overdue(at_old_deadline) is False and second.is_overdue(at_old_deadline)
    services.extend_deadline(round_, old + timedelta(days=5), actor=lead, now=_now(), zone=ZONE)
    assert first.deadline_at == old + timedelta(days=5)  # its shorter extension is superseded
    assert second.deadline_at == old + timedelta(days=5)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "round.agency_deadline_extended" in actions and "round.deadline_extended" in actions


def test_extensions_need_a_later_deadline_and_a_reason(app, lead, agencies):
    round_ = make_round(lead, agencies, open_=True)
    with pytest.raises(ValidationFailed, match="sau hạn hiện tại"):
        services.extend_deadline(round_, round_.deadline_at, actor=lead, now=_now(), zone=ZONE)
    with pytest.raises(ValidationFailed, match="lý do"):
        services.extend_for_agency(round_.recipients[0], round_.deadline_at + timedelta(days=1),
                                   " ", actor=lead, now=_now(), zone=ZONE)


def test_recipients_can_be_added_to_an_open_round(app, lead, agencies):
    round_ = make_round(lead, agencies[:1], open_=True)
    newcomer = make_user(agency=agencies[2])
    added = services.add_recipients(round_, [], [agencies[1].id, agencies[2].id], actor=lead,
                                    now=_now(), zone=ZONE)
    assert [r.agency_id for r in added] == [agencies[1].id, agencies[2].id]
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == newcomer.id)) == 1
    with pytest.raises(ValidationFailed, match="đã có"):
        services.add_recipients(round_, [], [agencies[1].id], actor=lead, now=_now(), zone=ZONE)


def test_close_early_is_explicit_and_only_from_open(app, lead, agencies):
    round_ = make_round(lead, agencies)
    with pytest.raises(ValidationFailed):
        services.close_round(round_, actor=lead, now=_now())
    services.open_round(round_, actor=lead, now=_now(), confirmed=True, zone=ZONE)
    services.close_round(round_, actor=lead, now=_now())
    assert round_.state is RoundState.CLOSED and not round_.recipients[0].accepts_answers(_now())
    with pytest.raises(ValidationFailed):
        services.extend_deadline(round_, round_.deadline_at + timedelta(days=1), actor=lead,
                                 now=_now(), zone=ZONE)


def test_only_the_lead_offices_staff_manage_its_round(app, lead, agencies):
    round_ = make_round(lead, agencies)
    colleague_leader = make_user(roles=(Role.LEADER,), agency=lead.agency)
    other_lead = make_user(roles=(Role.LEAD_STAFF,))
    for actor in (colleague_leader, other_lead):
        with pytest.raises(PermissionDenied):
            services.open_round(round_, actor=actor, now=_now(), zone=ZONE)


def test_groups_expand_in_protocol_order_without_the_lead_office(app, lead):
    first, second = make_agency(display_order=2), make_agency(display_order=1)
    group = make_group([first, second, lead.agency])
    single = make_agency()
    round_ = make_round(lead, [single], group_ids=[group.id])
    assert [r.agency_id for r in round_.recipients] == [first.id, second.id, single.id]
    assert letters.letter_recipient_lines(round_) == [group.name, single.name]


@pytest.mark.parametrize("count", [10, 500])
def test_tracker_queries_do_not_grow_with_recipients(app, lead, count):
    agencies = [make_agency(name=f"Đơn vị {i}", code=f"DV{count}-{i}") for i in range(count)]
    group = make_group(agencies)
    round_ = make_round(lead, [], group_ids=[group.id], open_=True)
    db.session.commit()
    db.session.expire_all()
    with recorded_statements() as statements:
        rows = tracker_rows(round_, now=_now(), zone=ZONE)
        assert len(rows) == count and all(r.groups == [group] for r in rows)
        assert all(r.recipient.agency.name for r in rows)
    assert len(statements) <= 7, statements  # the same for 10 and for 500 recipients


def test_closing_early_makes_the_silent_agencies_silent_everywhere(app, lead, agencies):
    """Closing before the deadline used to leave non-responders "sent": the tracker showed
    no silent agency and the report's opening part never named them."""
    from commentflow.consolidation.gathering import report_data

    round_ = make_round(lead, agencies, open_=True, silence_is_agreement=True)
    services.close_round(round_, actor=lead, now=_now())
    rows = tracker_rows(round_, now=_now(), zone=ZONE)
    assert {r.state for r in rows} == {TrackerState.NO_ANSWER}
    assert all(r.deemed_agreement for r in rows)
    report = report_data(round_, now=_now(), zone=ZONE)
    assert sorted(report.silent) == sorted(a.name for a in agencies)
    assert report.silence_is_agreement


def test_a_round_is_sent_only_with_its_number_and_date(app, lead, agencies):
    """A round sent without a number could never get one, and every reply then said
    "Phúc đáp Công văn số SYT-TCCB"."""
    round_ = make_round(lead, agencies, letter_number="")
    with pytest.raises(ValidationFailed, match="số, ký hiệu và ngày"):
        services.open_round(round_, actor=lead, now=_now(), zone=ZONE, confirmed=True)
    assert round_.state is RoundState.DRAFT


def test_a_reply_never_cites_half_a_reference(app, lead, agencies):
    """Rounds sent before the number was required: the reply names the date, not "số X"."""
    from commentflow.responses.letters import reply_letter
    from commentflow.responses.services import ReplyLetter, agree

    round_ = make_round(lead, agencies, open_=True)
    round_.letter_number = ""  # as stored by a round sent before the rule
    leader = make_user(agency=agencies[0], roles=(Role.LEADER,))
    response = agree(round_.recipients[0], ReplyLetter("5", "STC-VP", date(2024, 7, 8)),
                     actor=leader, now=_now())
    body = " ".join(reply_letter(response, signer=leader).body)
    assert "Công văn ngày 02/07/2024 của" in body and "số SYT-TCCB" not in body


def test_reading_the_tracker_leaves_nothing_to_flush(app, lead, agencies):
    """tracker_rows set each recipient's round, so a GET flushed 500 dirty rows."""
    round_ = make_round(lead, agencies, open_=True)
    db.session.commit()
    rows = tracker_rows(round_, now=_now(), zone=ZONE)
    assert len(rows) == len(agencies) and not db.session.dirty


def test_an_agencys_own_place_is_found_without_loading_every_recipient(app, lead, agencies):
    """Every /inbox/<id> request (each autosave) loaded the round's whole recipient list."""

    from commentflow.rounds.permissions import sent_recipient

    round_ = make_round(lead, agencies, open_=True)
    reader = make_user(agency=agencies[1])
    db.session.commit()
    assert reader.is_active and round_.state is RoundState.OPEN  # loaded before counting
    with recorded_statements() as statements:
        found = sent_recipient(reader, round_.id)
    assert found.agency_id == agencies[1].id and "recipients" not in round_.__dict__
    assert found.round is round_ and len(statements) == 1
    draft = make_round(lead, agencies)
    assert sent_recipient(reader, draft.id) is None  # not sent yet: not theirs to see
