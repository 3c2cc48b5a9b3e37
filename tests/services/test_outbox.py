"""E-mail delivery through a real SMTP server on loopback (aiosmtpd): content, outages, hangs."""
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

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
