"""The e-mail outbox: enqueue with the change, deliver later with retries and backoff."""
import logging
import smtplib
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import and_, func, or_, select, update

from commentflow.config import private_file, private_folder
from commentflow.core.text import normalize
from commentflow.extensions import db
from commentflow.notifications.models import OutboxAttempt, OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 … minutes between tries."""
    return timedelta(minutes=2 ** max(attempts - 1, 0))


def enqueue_email(user, kind: str, subject: str, message: str, path: str, *, now,
                  round_id: int | None = None,
                  sender_agency_id: int | None = None) -> OutboxMessage | None:
    """Queue an e-mail (plain text and HTML, with a link) for one user, in the language
    the caller has set (notify_users: the user's own)."""
    if not user.email:
        return None
    link = current_app.config["BASE_URL"].rstrip("/") + path
    subject = normalize(subject)[:255]  # one line: a header never carries a line break
    context = {"user": user, "message": message, "link": link, "subject": subject}
    row = OutboxMessage(kind=kind, to_user_id=user.id, to_address=normalize(user.email),
                        subject=subject,
                        text_body=render_template("emails/message.txt", **context),
                        html_body=render_template("emails/message.html", **context),
                        round_id=round_id, sender_agency_id=sender_agency_id,
                        created_at=now, next_attempt_at=now)
    db.session.add(row)
    return row


def _claim(message_id: int, now: datetime) -> bool:
    return db.session.execute(
        update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None), OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + LEASE)).rowcount == 1


def _email(row: OutboxMessage) -> EmailMessage:
    """The message as it goes out; headers only from single-line text (rows stored before
    that rule included). An address that is not one plain address raises ValueError."""
    config = current_app.config
    address = row.to_address.strip()
    if not address or any(ch in address for ch in "\r\n,;<>\"") or "@" not in address:
        raise ValueError(f"địa chỉ nhận không hợp lệ: {address[:80]!r}")
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = address
    email["Subject"] = normalize(row.subject)
    email["Date"] = format_datetime(row.created_at)
    # One Message-ID per outbox row: a retried message is recognisably the same message.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}",
                                     domain=config["MAIL_SENDER"].rsplit("@", 1)[-1])
    email["X-Commentflow-Outbox-Id"] = str(row.id)
    email["X-Commentflow-Kind"] = row.kind
    email.set_content(row.text_body)
    email.add_alternative(row.html_body, subtype="html")
    return email


def mail_setup_problem(config) -> str | None:
    """Why this installation must not send its outbox as configured, or None if it may."""
    on_postgresql = config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    if on_postgresql and not config["MAIL_SERVER"] and not config["MAIL_TO_FILES"]:
        return ("MAIL_SERVER is not set: on PostgreSQL e-mails must go to an SMTP server, not "
                "to instance/outbox on whichever machine runs the scheduler (set "
                "COMMENTFLOW_MAIL_TO_FILES=1 to keep files on purpose). / Chưa đặt MAIL_SERVER: "
                "khi dùng PostgreSQL, thư phải được gửi qua máy chủ SMTP.")
    return None


@contextmanager
def _smtp_connection():
    """An SMTP session (None in development, where messages become .eml files); its QUIT
    comes after the caller has recorded what the server accepted."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        yield None
        return
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                        timeout=config["MAIL_TIMEOUT_SECONDS"])
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()  # the message is recorded already; a failed goodbye changes nothing


def _send(smtp, email: EmailMessage) -> None:
    if smtp is None:  # development: write .eml files instead of sending
        folder = private_folder(Path(current_app.instance_path) / "outbox")
        path = private_file(folder / f"{uuid.uuid4().hex}.eml")
        path.write_bytes(bytes(email))
        return
    smtp.send_message(email)


def deliver_due(*, now: datetime, limit: int = 200) -> dict:
    """Send what is due; each message is claimed, sent and recorded in its own transaction."""
    due = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message_id in due:
        if not _claim(message_id, now):
            db.session.rollback()
            continue
        db.session.commit()  # the claim is visible to every other sender before we send
        counts[_deliver_one(db.session.get(OutboxMessage, message_id), now)] += 1
    return counts


def _deliver_one(row: OutboxMessage, now: datetime) -> str:
    row.attempts += 1
    try:
        email = _email(row)
    except Exception as error:  # noqa: BLE001 — a message that cannot be written never will be
        return _give_up(row, now, error)
    try:
        with _smtp_connection() as smtp:
            _send(smtp, email)
            # Recorded as soon as the server has accepted, before QUIT: a sender killed after
            # this commit cannot send the message again; only a kill between the server's
            # "250" and this commit can (the copy then carries the same Message-ID).
            row.sent_at, row.claimed_until = now, None
            db.session.add(OutboxAttempt(message_id=row.id, attempted_at=now, succeeded=True))
            db.session.commit()
        return "sent"
    except (OSError, smtplib.SMTPException) as error:
        return _retry_later(row, now, error)
    except Exception as error:  # noqa: BLE001 — whatever it is, the next message still goes
        return _give_up(row, now, error)


def _record_failure(row: OutboxMessage, now: datetime, error: Exception) -> None:
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    row.claimed_until = None
    db.session.add(OutboxAttempt(message_id=row.id, attempted_at=now, succeeded=False,
                                 error=row.last_error))


def _retry_later(row: OutboxMessage, now: datetime, error: Exception) -> str:
    """A server that is down or busy: try again later, give up after MAX_ATTEMPTS."""
    _record_failure(row, now, error)
    if row.attempts >= MAX_ATTEMPTS:
        row.failed_at = now
        log.warning("outbox message %s failed for good: %s", row.id, row.last_error)
        db.session.commit()
        return "failed"
    row.next_attempt_at = now + backoff(row.attempts)
    db.session.commit()
    return "retry"


def _give_up(row: OutboxMessage, now: datetime, error: Exception) -> str:
    """A message that cannot be built or is refused for what it is: failed at once, shown to
    administrators with its reason."""
    row_id = row.id
    db.session.rollback()  # whatever the failure left half done
    row = db.session.get(OutboxMessage, row_id)
    row.attempts += 1
    _record_failure(row, now, error)
    row.failed_at = now
    log.warning("outbox message %s cannot be sent: %s", row.id, row.last_error)
    db.session.commit()
    return "failed"


def _failed():
    """Messages given up on, or still waiting after a failed try."""
    return (OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.failed_at.is_not(None),
                and_(OutboxMessage.attempts > 0, OutboxMessage.last_error != "")))


def failures_page(page: int, per_page: int):
    """One page of the failed messages, newest first (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(select(OutboxMessage).where(*_failed())
                       .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def failure_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(*_failed()))
