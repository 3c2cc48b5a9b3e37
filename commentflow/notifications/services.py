"""Writing notifications for the users of an agency, reading and marking them read."""
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from commentflow.accounts.models import User
from commentflow.core.errors import NotFound
from commentflow.core.text import normalize
from commentflow.extensions import db
from commentflow.notifications.models import Notification
from commentflow.notifications.outbox import enqueue_email


def notify_users(users, kind: str, message: str, url: str, *, now,
                 subject: str | None = None, round_id: int | None = None,
                 sender_agency_id: int | None = None) -> int:
    """In the app and by e-mail (through the outbox, in this same transaction).

    `sender_agency_id` is the agency on whose behalf the message goes: only the lead office's
    own messages appear in a round's log, never a recipient agency's internal mail."""

    line = normalize(message)  # a return note's line breaks never reach a mail header
    subject = subject or "[commentflow] " + (line if len(line) <= 120 else line[:117] + "…")
    for user in users:
        db.session.add(Notification(user_id=user.id, kind=kind, message=message, url=url,
                                    created_at=now))
        enqueue_email(user, kind, subject, message, url, now=now, round_id=round_id,
                      sender_agency_id=sender_agency_id)
    return len(users)


def notify_agency(agency_id: int, kind: str, message: str, url: str, *, now,
                  subject: str | None = None, round_id: int | None = None,
                  sender_agency_id: int | None = None) -> int:
    """Every active user of the agency; returns how many were notified."""
    users = db.session.scalars(select(User).where(User.agency_id == agency_id,
                                                  User.is_active_account.is_(True),
                                                  User.is_api_client.is_(False))).all()
    return notify_users(users, kind, message, url, now=now, subject=subject,
                        round_id=round_id, sender_agency_id=sender_agency_id)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent_page(user: User, page: int, per_page: int):
    """One page of the user's notifications, newest first (a Flask-SQLAlchemy Pagination)."""
    return db.paginate(select(Notification).where(Notification.user_id == user.id)
                       .order_by(Notification.created_at.desc(), Notification.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def mark_read(user: User, notification_id: int | None, *, now) -> None:
    """Mark one (or, with None, every) notification of this user as read."""
    stmt = update(Notification).where(Notification.user_id == user.id,
                                      Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=now))


def get_own(user: User, notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("Không tìm thấy thông báo."))
    return notification
