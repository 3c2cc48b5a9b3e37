"""Writing notifications for the users of an agency, reading and marking them read."""
from sqlalchemy import func, select, update

from commentflow.accounts.models import User
from commentflow.extensions import db
from commentflow.notifications.models import Notification


def notify_agency(agency_id: int, kind: str, message: str, url: str, *, now) -> int:
    """One notification per active user of the agency; returns how many were written."""
    users = db.session.scalars(select(User.id).where(User.agency_id == agency_id,
                                                     User.is_active_account.is_(True))).all()
    db.session.add_all(Notification(user_id=user_id, kind=kind, message=message, url=url,
                                    created_at=now) for user_id in users)
    return len(users)


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(),
                                             Notification.id.desc()).limit(limit)))


def mark_read(user: User, notification_id: int | None, *, now) -> None:
    """Mark one (or, with None, every) notification of this user as read."""
    stmt = update(Notification).where(Notification.user_id == user.id,
                                      Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    db.session.execute(stmt.values(read_at=now))
