"""E-mail delivery through a real SMTP server on loopback (aiosmtpd): content, outages, hangs."""
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from commentflow.extensions import db
from commentflow.notifications.models import OutboxAttempt, OutboxMessage
from commentflow.notifications.outbox import MAX_ATTEMPTS, deliver_due
from commentflow.notifications.services import notify_users
from tests.factories import make_user


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                    policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app, smtp_allowlist):
    port = _free_port()
    smtp_allowlist.add(("127.0.0.1", port))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT_SECONDS=2,
                      MAIL_SENDER="commentflow@syt.example.vn")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    return inbox, controller, port


def _queue(app, now):
    user = make_user(full_name="Lê Thị Hoa", email="hoa@stc.example.vn")
    notify_users([user], "round.opened", "Sở Y tế đề nghị góp ý: Kế hoạch 218.", "/inbox/7",
                 now=now)
    db.session.commit()
    return user


def test_messages_arrive_with_recipient_subject_and_both_parts(app, smtp):
    inbox, controller, _ = smtp
    controller.start()
    try:
        now = datetime.now(UTC)
        _queue(app, now)
        assert deliver_due(now=now) == {"sent": 1, "retry": 0, "failed": 0}
    finally:
        controller.stop()
    recipients, message = inbox.messages[0]
    assert recipients == ["hoa@stc.example.vn"]
    assert message["Subject"] == "[commentflow] Sở Y tế đề nghị góp ý: Kế hoạch 218."
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kính gửi Lê Thị Hoa" in text and "http://127.0.0.1:5000/inbox/7" in text
    assert '<a href="http://127.0.0.1:5000/inbox/7">' in html
    assert deliver_due(now=now + timedelta(minutes=5)) == {"sent": 0, "retry": 0, "failed": 0}


def test_server_down_then_back_loses_nothing(app, smtp):
    inbox, controller, _ = smtp
    now = datetime.now(UTC)
    _queue(app, now)
    assert deliver_due(now=now) == {"sent": 0, "retry": 1, "failed": 0}  # nobody listening
    row = db.session.scalar(select(OutboxMessage))
    assert row.sent_at is None and row.next_attempt_at > now and "Connection" in row.last_error
    assert deliver_due(now=now + timedelta(seconds=10)) == {"sent": 0, "retry": 0, "failed": 0}
    controller.start()
    try:
        assert deliver_due(now=now + timedelta(minutes=2)) == {"sent": 1, "retry": 0,
                                                                "failed": 0}
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert db.session.scalar(select(OutboxAttempt.succeeded).order_by(
        OutboxAttempt.id.desc())) is True


def test_a_server_that_never_answers_times_out(app, smtp):
    _inbox, _controller, port = smtp
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(5)
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        now = datetime.now(UTC)
        _queue(app, now)
        started = time.monotonic()
        assert deliver_due(now=now) == {"sent": 0, "retry": 1, "failed": 0}
        assert time.monotonic() - started < 10
    finally:
        listener.close()
    assert "timed out" in db.session.scalar(select(OutboxMessage.last_error)).lower()


def test_gives_up_after_the_last_attempt(app, smtp):
    now = datetime.now(UTC)
    _queue(app, now)
    for attempt in range(MAX_ATTEMPTS):
        deliver_due(now=now + timedelta(days=attempt))
    row = db.session.scalar(select(OutboxMessage))
    assert row.failed_at is not None and row.attempts == MAX_ATTEMPTS
    assert db.session.scalar(select(OutboxAttempt.id).where(
        OutboxAttempt.succeeded.is_(True))) is None


def test_a_sender_killed_after_the_server_accepted_does_not_send_again(app, smtp,
                                                                      monkeypatch):
    """The message is recorded as soon as the server has accepted it, before QUIT: a sender
    that dies while saying goodbye leaves nothing to send a second time."""
    import smtplib

    inbox, controller, _ = smtp
    original = smtplib.SMTP.docmd

    def dies_at_goodbye(self, cmd, args=""):
        if cmd.lower() == "quit":
            raise SystemExit("killed")  # stands for SIGKILL: nothing after this line runs
        return original(self, cmd, args)

    controller.start()
    try:
        now = datetime.now(UTC)
        _queue(app, now)
        monkeypatch.setattr(smtplib.SMTP, "docmd", dies_at_goodbye)
        with pytest.raises(SystemExit):
            deliver_due(now=now)
        db.session.rollback()  # whatever the dead process had not committed is gone
        monkeypatch.setattr(smtplib.SMTP, "docmd", original)
        later = now + timedelta(hours=1)  # its claim has long expired
        assert deliver_due(now=later) == {"sent": 0, "retry": 0, "failed": 0}
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert db.session.scalar(select(OutboxMessage)).sent_at is not None


HOSTILE = "Dòng một\r\nBcc: ke-xau@evil.example\r\n\r\nThân thư giả\x01\x1b"


def test_hostile_text_in_every_field_never_stops_the_mail(app, smtp):
    """A line break in a return note used to reach the Subject header: the message raised
    ValueError, stayed claimed with 0 attempts, and the sender crashed on it every run.
    Now headers are single lines; a message that cannot be built fails with its reason and
    the next one still goes."""
    from commentflow.accounts.models import Role
    from commentflow.responses.services import return_response, working_response
    from tests.factories import make_agency, make_round

    inbox, controller, _ = smtp
    now = datetime.now(UTC)
    agency = make_agency(name=f"Sở{HOSTILE}")
    leader = make_user(agency=agency, roles=(Role.LEADER,), full_name=f"Lãnh đạo{HOSTILE}",
                       email="ld@stc.example.vn")
    make_user(agency=agency, roles=(Role.STAFF,), full_name=HOSTILE, email="cv@stc.example.vn")
    lead = make_user(roles=(Role.LEAD_STAFF,), email="lead@syt.example.vn")
    round_ = make_round(lead, [agency], open_=True, subject=f"V/v góp ý{HOSTILE}")
    response = working_response(round_.recipients[0], actor=leader, now=now)
    return_response(response, HOSTILE, actor=leader, now=now)
    # Rows written before the rule: a raw line break in a subject, a forged address.
    db.session.add_all([
        OutboxMessage(kind="x", to_address="a@stc.example.vn", subject=HOSTILE,
                      text_body="x", html_body="x", created_at=now, next_attempt_at=now),
        OutboxMessage(kind="x", to_address="a@x.vn\r\nBcc: b@evil.example", subject="s",
                      text_body="x", html_body="x", created_at=now, next_attempt_at=now)])
    db.session.commit()
    queued = db.session.scalar(select(func.count(OutboxMessage.id)))
    controller.start()
    try:
        counts = deliver_due(now=now + timedelta(minutes=1))
    finally:
        controller.stop()
    assert counts == {"sent": queued - 1, "retry": 0, "failed": 1}
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None)))
    assert "Bcc" in failed.to_address and "không hợp lệ" in failed.last_error
    assert failed.attempts == 1 and failed.claimed_until is None
    assert all("evil.example" not in rcpt for rcpts, _m in inbox.messages for rcpt in rcpts)
    for _rcpts, message in inbox.messages:
        assert message["Bcc"] is None and "\n" not in message["Subject"]
        assert not set("\x01\x1b") & set(message.get_body(("plain",)).get_content())
    assert deliver_due(now=now + timedelta(hours=1)) == {"sent": 0, "retry": 0, "failed": 0}


def test_the_sender_refuses_to_write_files_on_postgresql_unless_told(app, backend, tmp_path):
    """Several machines share PostgreSQL: mail written to instance/outbox would sit on
    whichever machine runs the scheduler. There the sender wants an SMTP server, or an
    explicit COMMENTFLOW_MAIL_TO_FILES; on SQLite (one machine) files are the default."""
    app.config.update(MAIL_SERVER="", MAIL_TO_FILES=False)
    refused = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    if backend == "postgresql":
        assert refused.exit_code != 0
        assert "MAIL_SERVER" in refused.output and "COMMENTFLOW_MAIL_TO_FILES" in refused.output
        refused_scheduler = app.test_cli_runner().invoke(args=["scheduler"])
        assert refused_scheduler.exit_code != 0 and "MAIL_SERVER" in refused_scheduler.output
    else:
        assert refused.exit_code == 0, refused.output
    app.config.update(MAIL_TO_FILES=True)
    allowed = app.test_cli_runner().invoke(args=["outbox", "deliver"])
    assert allowed.exit_code == 0, allowed.output
    assert "Đã gửi 0 thư" in allowed.output


def test_each_reader_gets_the_message_in_their_own_language(app):
    """The lead office sends in whatever language it works in; each user of the agency reads
    the notification and the e-mail in theirs — the deadline inside included."""
    from flask_babel import force_locale

    from commentflow.core.roles import Role
    from commentflow.notifications.models import Notification
    from tests.factories import make_agency, make_round

    agency = make_agency(name="Sở Tài chính")
    vietnamese = make_user(agency=agency, full_name="Lê Thị Hoa", email="hoa@stc.example.vn")
    english = make_user(agency=agency, full_name="Anna Berg", email="anna@stc.example.vn",
                        locale="en")
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=make_agency(name="Sở Y tế"), locale="en")
    with app.test_request_context("/", method="POST"), force_locale("en"):  # in English
        make_round(lead, [agency], open_=True, subject="Kế hoạch 218")
    db.session.commit()
    notes = {n.user_id: n.message for n in db.session.scalars(select(Notification))}
    assert notes[vietnamese.id].startswith("Sở Y tế đề nghị góp ý: Kế hoạch 218 — hạn trước ")
    assert " ngày " in notes[vietnamese.id]
    assert notes[english.id].startswith("Sở Y tế asks for comments: Kế hoạch 218 — due before ")
    assert " on " in notes[english.id] and "ngày" not in notes[english.id]
    mails = {m.to_user_id: m for m in db.session.scalars(select(OutboxMessage))}
    assert mails[vietnamese.id].text_body.startswith("Kính gửi Lê Thị Hoa,")
    assert "Xem chi tiết:" in mails[vietnamese.id].text_body
    assert mails[english.id].text_body.startswith("Dear Anna Berg,")
    assert "Details:" in mails[english.id].text_body
    assert mails[english.id].subject == "[commentflow] " + notes[english.id]
    assert '<html lang="en">' in mails[english.id].html_body
