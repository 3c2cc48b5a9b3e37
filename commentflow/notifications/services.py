"""Writing notifications for the users of an agency, reading and marking them read."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update

from commentflow.accounts.models import User
from commentflow.core.errors import NotFound
from commentflow.core.text import normalize
from commentflow.extensions import db
from commentflow.notifications.models import Notification
from commentflow.notifications.outbox import enqueue_email


def language_of(user) -> str:
    """The language the user reads the interface in (their setting, else the default)."""
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def notify_users(users, kind: str, message: str | LazyString, url: str, *, now,
                 subject: str | LazyString | None = None, round_id: int | None = None,
                 sender_agency_id: int | None = None) -> int:
    """In the app and by e-mail (through the outbox, in this same transaction).

    A message given lazily (`lazy_gettext`, its values lazy too where they are words, such as
    a deadline) is written in each user's own language: the lead office working in English
    does not send English to an agency that reads Vietnamese, and a reminder from the
    scheduler reaches an English reader in English.
    `sender_agency_id` is the agency on whose behalf the message goes: only the lead office's
    own messages appear in a round's log, never a recipient agency's internal mail."""
    for user in users:
        with force_locale(language_of(user)):
            text = str(message)
            line = normalize(text)  # a return note's line breaks never reach a mail header
            heading = str(subject) if subject else "[commentflow] " + (
                line if len(line) <= 120 else line[:117] + "…")
            db.session.add(Notification(user_id=user.id, kind=kind, message=text, url=url,
                                        created_at=now))
            enqueue_email(user, kind, heading, text, url, now=now, round_id=round_id,
                          sender_agency_id=sender_agency_id)
    return len(users)


def notify_agency(agency_id: int, kind: str, message: str | LazyString, url: str, *,
                  now, subject: str | LazyString | None = None, round_id: int | None = None,
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
