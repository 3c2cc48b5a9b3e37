"""The inbox's rows, read in one statement, say what the tracker says of each request."""
from datetime import date, timedelta

from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.responses.inbox_list import inbox_entries
from commentflow.responses.models import (
    Assignment,
    Registration,
    Response,
    ResponseKind,
    ResponseState,
)
from commentflow.responses.tracker import TrackerState, tracker_rows
from commentflow.rounds import services
from tests.factories import ZONE, make_agency, make_round, make_user
from tests.statements import recorded_statements


def _requests_in_every_situation(agency, clerk):
    """One round to `agency` per situation its request can be in; {subject: round}."""
    lead = make_user(roles=(Role.LEAD_STAFF,))
    now = now_utc()
    rounds = {}

    def sent(name, **overrides):
        round_ = make_round(lead, [agency], open_=True, subject=name, **overrides)
        rounds[name] = round_
        return round_.recipients[0]

    def answer(recipient, sequence=1, **values):
        db.session.add(Response(recipient_id=recipient.id, sequence=sequence,
                                created_at=now, updated_at=now, **values))

    sent("sent")
    sent("opened").opened_at = now
    registered = sent("registered")
    db.session.add(Registration(recipient_id=registered.id, agency_id=agency.id, year=2026,
                                number=1, received_on=date.today(), registered_by_id=clerk.id,
                                registered_at=now))
    assigned = sent("assigned")
    db.session.add(Assignment(recipient_id=assigned.id, handler_id=clerk.id,
                              assigned_by_id=clerk.id, assigned_at=now))
    answer(sent("drafting"), state=ResponseState.DRAFTING)
    answer(sent("returned"), state=ResponseState.RETURNED)
    answer(sent("on time"), state=ResponseState.SUBMITTED, submitted_at=now,
           reply_number="12", reply_notation="UBND")
    answer(sent("agreed"), state=ResponseState.SUBMITTED, kind=ResponseKind.AGREED,
           submitted_at=now)
    # An amended answer: the first superseded, the second the one that counts.
    amended = sent("amended")
    answer(amended, 1, state=ResponseState.SUPERSEDED, kind=ResponseKind.AGREED,
           submitted_at=now)
    answer(amended, 2, state=ResponseState.SUBMITTED, submitted_at=now)
    # A paper reply typed in by the lead office, dated after the deadline.
    late = sent("late paper reply", deadline_at=now + timedelta(days=1))
    answer(late, state=ResponseState.SUBMITTED, entered_by_lead=True, submitted_at=now,
           reply_date=(now + timedelta(days=3)).date())
    reported = sent("assigned in its e-office system")
    reported.exchange_status = "04"
    extended = sent("deadline passed, extended", deadline_at=now + timedelta(days=2))
    extended.extended_deadline_at = now + timedelta(days=20)
    closed = sent("closed early")
    services.close_round(closed.round, actor=lead, now=now)
    db.session.commit()
    # Deadlines in the past, set after sending (a round cannot be opened already overdue).
    for name in ("overdue", "overdue, drafting"):
        recipient = sent(name)
        recipient.round.deadline_at = now - timedelta(days=1)
        if name.endswith("drafting"):
            answer(recipient, state=ResponseState.DRAFTING)
    rounds["deadline passed, extended"].deadline_at = now - timedelta(days=1)
    db.session.commit()
    return rounds


def test_each_request_has_the_state_the_tracker_gives_it(app):
    agency = make_agency()
    clerk = make_user(agency=agency)
    rounds = _requests_in_every_situation(agency, clerk)
    now = now_utc()
    entries, page = inbox_entries(agency.id, 1, 50, now=now, zone=ZONE)
    assert len(entries) == len(rounds) and page.pages == 1
    by_subject = {entry.subject: entry for entry in entries}
    for subject, round_ in rounds.items():
        row = next(r for r in tracker_rows(round_, now=now, zone=ZONE)
                   if r.recipient.agency_id == agency.id)
        assert by_subject[subject].state is row.state, subject
        assert by_subject[subject].deadline_at == round_.recipients[0].deadline_at
        assert by_subject[subject].reference == round_.reference == "2159/SYT-TCCB"
    states = {entry.subject: entry.state for entry in entries}
    # Every state a request can be in is among them, so the comparison above means something.
    assert set(states.values()) == set(TrackerState)
    assert states["amended"] is TrackerState.SUBMITTED_ON_TIME
    assert states["late paper reply"] is TrackerState.SUBMITTED_LATE
    assert states["returned"] is TrackerState.DRAFTING
    assert states["assigned in its e-office system"] is TrackerState.ASSIGNED
    assert states["deadline passed, extended"] is TrackerState.SENT
    assert states["overdue, drafting"] is TrackerState.NO_ANSWER
    left = {entry.subject: entry.time_left for entry in entries}
    assert left["overdue"] == "quá hạn" and left["closed early"] == "đã kết thúc"
    assert left["deadline passed, extended"] in ("19 ngày", "20 ngày")


def test_a_page_is_one_statement_and_a_page_past_the_end_shows_the_last(app):
    agency = make_agency()
    lead = make_user(roles=(Role.LEAD_STAFF,))
    now = now_utc()
    for n in range(5):
        make_round(lead, [agency], open_=True, subject=f"số {n}",
                   deadline_at=now + timedelta(days=5 + n))
    make_round(lead, [agency], subject="not sent yet")  # a draft round is nobody's request
    make_round(lead, [make_agency()], open_=True, subject="another agency's")
    db.session.commit()
    agency_id = agency.id
    with recorded_statements() as statements:
        entries, page = inbox_entries(agency_id, 2, 2, now=now, zone=ZONE)
    assert [e.subject for e in entries] == ["số 2", "số 1"]
    assert (page.page, page.pages, page.first, page.last) == (2, 3, 3, 4)
    assert len(statements) == 1, statements
    entries, page = inbox_entries(agency.id, 7, 2, now=now, zone=ZONE)
    assert [e.subject for e in entries] == ["số 0"] and (page.page, page.first) == (3, 5)
    assert inbox_entries(make_agency().id, 3, 2, now=now, zone=ZONE)[0] == []
