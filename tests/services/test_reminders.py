"""The reminder sweep with an injected clock: who gets what, when — once, even when racing."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commentflow.core.dates import local_to_utc
from commentflow.core.roles import Role
from commentflow.extensions import db
from commentflow.notifications.models import Notification, OutboxMessage
from commentflow.reminders.models import Reminder
from commentflow.reminders.services import sweep
from commentflow.responses.services import ReplyLetter, agree
from commentflow.rounds.services import extend_for_agency
from tests.factories import ZONE, make_agency, make_round, make_user
from tests.statements import recorded_statements


@pytest.fixture
def round_world(app):
    """A round due before 00:00 local, 20 days from now, to three agencies."""
    from datetime import UTC, datetime, time

    day = (datetime.now(UTC) + timedelta(days=20)).date()
    deadline = local_to_utc(day, time(0, 0), ZONE)
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế"))
    agencies = [make_agency(name=f"Sở {n}") for n in range(3)]
    staff = {a.id: make_user(agency=a, roles=(Role.STAFF,), email=f"staff{a.id}@example.vn")
             for a in agencies}
    leaders = {a.id: make_user(agency=a, roles=(Role.LEADER,), email=f"lead{a.id}@example.vn")
               for a in agencies}
    round_ = make_round(lead, agencies, deadline_at=deadline, open_=True)
    db.session.commit()
    return round_, deadline, agencies, staff, leaders


def _reminders():
    return sorted(db.session.execute(select(Reminder.agency_id, Reminder.kind,
                                            Reminder.sent_at.is_not(None))).all())


def _local(deadline, days, hour):
    return deadline - timedelta(days=days) + timedelta(hours=hour)


def test_walk_through_the_schedule(round_world):
    round_, deadline, agencies, staff, leaders = round_world
    before_3 = _local(deadline, 3, 8)
    assert sweep(now=before_3 - timedelta(minutes=1), zone=ZONE) == {"sent": 0, "skipped": 0}
    assert sweep(now=before_3 + timedelta(minutes=1), zone=ZONE) == {"sent": 3, "skipped": 0}
    assert sweep(now=before_3 + timedelta(minutes=2), zone=ZONE) == {"sent": 0, "skipped": 0}
    first = agencies[0]
    agree(round_.recipients[0], ReplyLetter("1", "S-VP", before_3.date()),
          actor=leaders[first.id], now=before_3 + timedelta(hours=1))
    last_day = _local(deadline, 1, 8)
    assert sweep(now=last_day + timedelta(minutes=5), zone=ZONE) == {"sent": 2, "skipped": 0}
    assert sweep(now=deadline + timedelta(minutes=5), zone=ZONE) == {"sent": 2, "skipped": 0}
    db.session.commit()
    assert [r for r in _reminders() if r[0] == first.id] == [(first.id, "before_3", True)]
    # Staff get every reminder; leaders the last day's copy and the overdue notice.
    second = agencies[1]
    to_staff = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == staff[second.id].id, Notification.kind.like("reminder.%")))
    to_leader = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == leaders[second.id].id,
        Notification.kind.like("reminder.%"))).all()
    assert to_staff == 3 and sorted(to_leader) == ["reminder.last_day", "reminder.overdue"]
    mails = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind.like("reminder.%")))
    assert mails == 3 + 2 * 2 + 2 * 2  # before_3 ×3 staff; last day and overdue ×2 people ×2


def test_the_log_tells_what_a_sweep_did_and_keeps_quiet_otherwise(round_world, caplog):
    """The scheduler sweeps every minute: an idle minute writes nothing an operator reads."""
    import logging

    _round, deadline, _agencies, _staff, _leaders = round_world
    before_3 = _local(deadline, 3, 8)
    with caplog.at_level(logging.INFO, logger="commentflow.reminders.services"):
        sweep(now=before_3 - timedelta(minutes=1), zone=ZONE)
        assert not [r for r in caplog.records if r.levelno >= logging.INFO]
        sweep(now=before_3 + timedelta(minutes=1), zone=ZONE)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO] == [
        f"reminder sweep at {(before_3 + timedelta(minutes=1)).isoformat()}: "
        "{'sent': 3, 'skipped': 0}"]


def test_a_reminder_reaches_each_reader_in_their_language(round_world):
    """The scheduler has no request and no user: it writes each reminder in the language of
    the user who reads it (their setting, else Vietnamese), the deadline inside included."""
    from commentflow.core.dates import format_short_date, to_local

    _round, deadline, agencies, staff, _leaders = round_world
    english = staff[agencies[0].id]
    english.locale = "en"
    db.session.commit()
    sweep(now=_local(deadline, 3, 8) + timedelta(minutes=1), zone=ZONE)
    db.session.commit()
    day = format_short_date(to_local(deadline, ZONE).date())
    notes = {n.user_id: n.message for n in db.session.scalars(select(Notification))}
    assert notes[english.id].startswith("Reminder: comments on ")
    assert f"due before 00:00 on {day};" in notes[english.id]
    other = staff[agencies[1].id]
    assert notes[other.id].startswith("Nhắc hạn góp ý ")
    assert f"hạn trước 00:00 ngày {day};" in notes[other.id]
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_user_id == english.id, OutboxMessage.kind.startswith("reminder.")))
    assert mail.text_body.startswith("Dear ") and notes[english.id] in mail.text_body


def test_the_scheduler_logs_failures_not_every_run(app, caplog):
    """Draft imports run every two seconds: APScheduler's two lines a run filled the terminal
    of `make run`; a job that raises is still logged."""
    import logging
    import threading

    from apscheduler.schedulers.background import BackgroundScheduler

    from commentflow.scheduler import build_scheduler

    build_scheduler(app)  # sets the levels the jobs below run under
    ran = threading.Event()

    def fine():
        ran.set()

    def broken():
        raise RuntimeError("hỏng")

    scheduler = BackgroundScheduler(timezone="UTC")
    with caplog.at_level(logging.INFO):  # as the app's logging.basicConfig sets it
        scheduler.add_job(fine, id="fine")
        scheduler.add_job(broken, id="broken")
        scheduler.start()
        try:
            assert ran.wait(10)
            for _ in range(100):
                if any(r.levelno >= logging.ERROR for r in caplog.records):
                    break
                threading.Event().wait(0.05)
        finally:
            scheduler.shutdown(wait=True)
    executor = [r for r in caplog.records if r.name == "apscheduler.executors.default"]
    assert [r.levelno for r in executor] == [logging.ERROR], [r.getMessage() for r in executor]
    assert "broken" in executor[0].getMessage()


def test_an_extension_moves_the_schedule(round_world):
    round_, deadline, agencies, staff, leaders = round_world
    lead = round_.created_by
    recipient = round_.recipients[1]
    extend_for_agency(recipient, deadline + timedelta(days=10), "Xin lùi hạn", actor=lead,
                      now=_local(deadline, 5, 0), zone=ZONE)
    sweep(now=_local(deadline, 3, 8) + timedelta(minutes=1), zone=ZONE)
    sweep(now=deadline + timedelta(minutes=1), zone=ZONE)
    db.session.commit()
    kinds = [r[1] for r in _reminders() if r[0] == recipient.agency_id]
    assert kinds == []  # its own deadline is ten days later: nothing due yet
    sweep(now=deadline + timedelta(days=10, minutes=1), zone=ZONE)
    db.session.commit()
    kinds = sorted(r[1] for r in _reminders() if r[0] == recipient.agency_id)
    assert kinds == ["before_3", "last_day", "overdue"]


def test_six_hour_outage_sends_what_is_still_useful(round_world):
    round_, deadline, *_ = round_world
    last_day = _local(deadline, 1, 8)
    # Down from two hours before the last day's reminder to four hours after it.
    sweep(now=_local(deadline, 3, 8) + timedelta(minutes=1), zone=ZONE)
    db.session.commit()
    counts = sweep(now=last_day + timedelta(hours=4), zone=ZONE)
    assert counts == {"sent": 3, "skipped": 0}
    db.session.commit()
    assert sweep(now=deadline + timedelta(hours=6), zone=ZONE) == {"sent": 3, "skipped": 0}


def test_down_across_every_moment_only_the_overdue_notice_goes(round_world):
    _round, deadline, *_ = round_world
    moment = deadline + timedelta(hours=6)
    counts = sweep(now=moment, zone=ZONE)
    assert counts == {"sent": 3, "skipped": 6}  # before_3 and last_day skipped for each
    db.session.commit()
    rows = db.session.execute(select(Reminder.kind, Reminder.scheduled_at, Reminder.created_at,
                                     Reminder.sent_at, Reminder.skipped_at,
                                     Reminder.recipients_count)).all()
    assert {(kind, sent, skipped) for kind, _s, _c, sent, skipped, _n in rows} == {
        ("before_3", None, moment), ("last_day", None, moment), ("overdue", moment, None)}
    assert all(created == moment and scheduled <= moment for _k, scheduled, created, *_ in rows)
    assert {n for kind, *_, n in rows if kind != "overdue"} == {0}


def test_killed_mid_sweep_loses_nothing(round_world):
    _round, deadline, *_ = round_world
    moment = _local(deadline, 3, 8) + timedelta(minutes=1)
    sweep(now=moment, zone=ZONE)
    db.session.rollback()  # the process died before committing
    assert sweep(now=moment + timedelta(minutes=1), zone=ZONE) == {"sent": 3, "skipped": 0}


def test_two_schedulers_at_once_send_each_reminder_once(round_world, app_factory, backend):
    _round, deadline, *_ = round_world
    moment = _local(deadline, 3, 8) + timedelta(minutes=1)
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    results = []

    def run(app):
        with app.app_context():
            barrier.wait()
            results.append(sweep(now=moment, zone=ZONE))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 3  # each key was inserted by one sweep only
    db.session.rollback()
    assert db.session.scalar(select(func.count(Reminder.id))) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "reminder.before_3")) == 3


def test_sweep_queries_do_not_grow_with_agencies(app, round_world):
    round_, deadline, *_ = round_world
    for n in range(40):
        round_.recipients.append(type(round_.recipients[0])(
            agency_id=make_agency(name=f"Thêm {n}").id, added_at=deadline, position=10 + n))
    db.session.commit()
    with recorded_statements() as statements:
        sweep(now=_local(deadline, 3, 8) + timedelta(minutes=1), zone=ZONE)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 8, reads


def test_a_moment_already_passed_at_opening_is_skipped(app):
    """A round opened two days before its deadline used to send the "3 days before"
    reminder the minute it opened, on top of the opening notice."""
    from datetime import time

    from commentflow.core.clock import now_utc

    now = now_utc()
    deadline = local_to_utc((now + timedelta(days=2)).date(), time(0, 0), ZONE)
    agency = make_agency()
    make_user(agency=agency, roles=(Role.STAFF,), email="cv@example.vn")
    make_round(make_user(roles=(Role.LEAD_STAFF,)), [agency], deadline_at=deadline,
               open_=True)
    db.session.commit()
    assert sweep(now=now_utc() + timedelta(minutes=1), zone=ZONE) == {"sent": 0, "skipped": 1}
    skipped = db.session.scalar(select(Reminder))
    assert (skipped.kind, skipped.skip_reason, skipped.was_sent) == ("before_3", "opening", False)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind.like("reminder.%"))) == 0


def test_an_agency_with_nobody_to_receive_is_never_shown_as_reminded(app, login_as):
    lead = make_user(roles=(Role.LEAD_STAFF,))
    empty = make_agency(name="Sở Không Người")
    round_ = make_round(lead, [empty], open_=True)
    db.session.commit()
    sweep(now=round_.deadline_at + timedelta(minutes=1), zone=ZONE)
    db.session.commit()
    overdue = db.session.scalar(select(Reminder).where(Reminder.kind == "overdue"))
    assert (overdue.was_sent, overdue.skip_reason, overdue.recipients_count) == \
        (False, "nobody", 0)
    page = login_as(lead).get(f"/rounds/{round_.id}/reminders").get_data(as_text=True)
    assert "không có người nhận" in page
