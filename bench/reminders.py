"""Benchmark: reminders sent exactly once, and the cost of a sweep.

Part 1 — a round to 500 agencies; at each of its three reminder moments (3 days before, the
last day's morning, overdue) two sweeper processes run at once and one of them is killed
mid-sweep; then two outbox senders run at once, one killed mid-delivery, and a last sender
finishes. A real SMTP server on loopback (aiosmtpd) counts what arrives: it must be exactly
one message per due (agency, kind).

Part 2 — a sweep over 2,000 open rounds × 50 agencies (100,000 recipients): its time and its
number of SQL statements, with nothing due and with a reminder due for every recipient.
Target (issue 6): under 5 s, queries not growing with the number of agencies.

Run: .venv/bin/python bench/reminders.py
"""
import multiprocessing
import os
import random
import signal
import socket
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.postgres import ThrowawayCluster, find_pg_bin  # noqa: E402


def make_app(url: str, **extra):
    from commentflow import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PASSWORD_METHOD":
                       "pbkdf2:sha256:1000", "BASE_URL": "http://127.0.0.1:5000", **extra})


def seed_round(url: str, agencies: int, deadline: datetime) -> None:
    from commentflow.accounts.models import Role, User, UserRole
    from commentflow.directory.models import Agency, AgencyKind
    from commentflow.extensions import db
    from commentflow.rounds.models import Round, RoundRecipient, RoundState

    app = make_app(url)
    with app.app_context():
        db.create_all()
        now = deadline - timedelta(days=10)
        lead = Agency(name="Sở Y tế", code="SYT", kind=AgencyKind.DEPARTMENT, created_at=now,
                      updated_at=now)
        author = User(username="lead", full_name="Lead", agency=lead, password_hash="x",
                      created_at=now, updated_at=now, role_rows=[UserRole(role=Role.LEAD_STAFF)])
        db.session.add_all([lead, author])
        db.session.flush()
        round_ = Round(agency_id=lead.id, subject="V/v góp ý", place="Kiên Giang",
                       letter_date=now.date(), signer_position="GIÁM ĐỐC", signer_name="A",
                       deadline_at=deadline, created_by_id=author.id, created_at=now,
                       updated_at=now, opened_at=now, state=RoundState.OPEN)
        db.session.add(round_)
        for n in range(agencies):
            agency = Agency(name=f"Đơn vị {n}", code=f"DV{n}", kind=AgencyKind.DEPARTMENT,
                            created_at=now, updated_at=now)
            user = User(username=f"u{n}", full_name=f"Người {n}", agency=agency,
                        email=f"u{n}@example.vn", password_hash="x", created_at=now,
                        updated_at=now, role_rows=[UserRole(role=Role.STAFF)])
            db.session.add_all([agency, user])
            db.session.flush()
            db.session.add(RoundRecipient(round=round_, agency_id=agency.id, added_at=now,
                                          position=n))
        db.session.commit()


def sweeper(url: str, now_iso: str) -> None:
    from commentflow.extensions import db
    from commentflow.reminders.services import sweep

    app = make_app(url)
    with app.app_context():
        sweep(now=datetime.fromisoformat(now_iso), zone="Asia/Ho_Chi_Minh")
        db.session.commit()


def sender(url: str, now_iso: str, port: int) -> None:
    from commentflow.notifications.outbox import deliver_due

    app = make_app(url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=5)
    with app.app_context():
        deliver_due(now=datetime.fromisoformat(now_iso), limit=10_000)


def race(target, args, kill_after: float) -> None:
    """Two processes doing the same job at once; one is killed after `kill_after` seconds."""
    processes = [multiprocessing.Process(target=target, args=args) for _ in range(2)]
    for process in processes:
        process.start()
    time.sleep(kill_after)
    victim = random.choice(processes)
    if victim.is_alive():
        os.kill(victim.pid, signal.SIGKILL)
    for process in processes:
        process.join()


def part_one(cluster) -> None:
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            text = envelope.content.decode(errors="replace")
            outbox_id = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                             if line.lower().startswith("x-commentflow-outbox-id"))
            kind = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                        if line.lower().startswith("x-commentflow-kind"))
            received.append((tuple(envelope.rcpt_tos), outbox_id, kind))
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    url = cluster.create_database("reminders_once")
    deadline = datetime(2030, 7, 9, 17, 0, tzinfo=UTC)  # before 00:00, 10 July, local
    agencies = 500
    seed_round(url, agencies, deadline)
    moments = [datetime(2030, 7, 7, 1, 1, tzinfo=UTC),   # 7 July 08:01 local
               datetime(2030, 7, 9, 1, 1, tzinfo=UTC),   # 9 July 08:01 local (last day)
               deadline + timedelta(minutes=1)]          # overdue
    started = time.perf_counter()
    for moment in moments:
        race(sweeper, (url, moment.isoformat()), kill_after=random.uniform(0.3, 1.0))
        sweeper(url, moment.isoformat())  # the next minute's sweep, after the crash
        race(sender, (url, moment.isoformat(), port), kill_after=random.uniform(0.5, 2.0))
        sender(url, (moment + timedelta(minutes=10)).isoformat(), port)  # leases expired
    elapsed = time.perf_counter() - started
    controller.stop()
    per_key = Counter((rcpt, kind) for rcpt, _id, kind in received)
    by_id = Counter(outbox_id for _r, outbox_id, _k in received)
    print(f"Part 1: {agencies} agencies × 3 reminder kinds, two sweepers and two senders at "
          f"each moment, one of each killed: {len(received)} messages received in "
          f"{elapsed:.1f} s; expected {agencies * 3}; distinct outbox rows "
          f"{len(by_id)}; received twice (same Message-ID): "
          f"{sum(1 for c in by_id.values() if c > 1)}; (agency, kind) pairs received "
          f"{len(per_key)}, more than once: {sum(1 for c in per_key.values() if c > 1)}")


def part_two(cluster) -> None:
    from sqlalchemy import event, insert

    from commentflow.core.dates import local_to_utc
    from commentflow.directory.models import Agency, AgencyKind
    from commentflow.extensions import db
    from commentflow.reminders.services import sweep
    from commentflow.rounds.models import Round, RoundRecipient, RoundState

    url = cluster.create_database("reminders_sweep")
    app = make_app(url)
    rounds_count, per_round = 2000, 50
    with app.app_context():
        db.create_all()
        now = datetime.now(UTC)
        lead = Agency(name="Sở Y tế", code="SYT", kind=AgencyKind.DEPARTMENT, created_at=now,
                      updated_at=now)
        db.session.add(lead)
        db.session.flush()
        from commentflow.accounts.models import User

        author = User(username="lead", full_name="Lead", agency_id=lead.id, password_hash="x",
                      created_at=now, updated_at=now)
        db.session.add(author)
        db.session.flush()
        db.session.execute(insert(Agency), [
            {"name": f"Đơn vị {n}", "code": f"DV{n}", "kind": AgencyKind.DEPARTMENT,
             "display_order": n, "name_folded": f"don vi {n}", "name_sort_key": b"",
             "created_at": now, "updated_at": now, "is_active": True} for n in range(per_round)])
        agency_ids = [a.id for a in db.session.query(Agency).filter(Agency.code != "SYT")]
        deadline = local_to_utc((now + timedelta(days=20)).date(), datetime.min.time(),
                                "Asia/Ho_Chi_Minh")
        db.session.execute(insert(Round), [
            {"agency_id": lead.id, "subject": f"Đợt {n}", "place": "Kiên Giang",
             "letter_date": now.date(), "signer_position": "GIÁM ĐỐC", "signer_name": "A",
             "deadline_at": deadline, "created_by_id": author.id, "created_at": now,
             "updated_at": now, "state": RoundState.OPEN, "reminder_days_before": [3, 1],
             "reminder_hour": 8, "remind_on_last_day": True, "send_overdue_notice": True,
             "letter_number": "", "letter_notation": "X", "urgency": "NORMAL",
             "signer_authority": "", "signer_head_title": "", "collecting_unit": "",
             "contact": "", "body": "", "silence_is_agreement": True}
            for n in range(rounds_count)])
        round_ids = [r.id for r in db.session.query(Round.id)]
        db.session.execute(insert(RoundRecipient), [
            {"round_id": r, "agency_id": a, "position": i, "added_at": now,
             "extension_reason": ""}
            for r in round_ids for i, a in enumerate(agency_ids)])
        db.session.commit()
        statements = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        for label, moment in (("nothing due", now),
                              ("a reminder due for every recipient",
                               deadline - timedelta(days=3) + timedelta(hours=10))):
            statements.clear()
            started = time.perf_counter()
            counts = sweep(now=moment, zone="Asia/Ho_Chi_Minh")
            db.session.commit()
            elapsed = time.perf_counter() - started
            print(f"Part 2: sweep over {rounds_count} open rounds × {per_round} agencies "
                  f"({rounds_count * per_round} recipients), {label}: {elapsed:.2f} s, "
                  f"{len(statements)} SQL statements, {counts}")


def main() -> None:
    cluster = ThrowawayCluster(find_pg_bin()).start()
    try:
        part_one(cluster)
        part_two(cluster)
    finally:
        cluster.stop()


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
