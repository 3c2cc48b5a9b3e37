"""A reminder to one agency about one round: one row per (round, agency, kind), ever."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db


class Reminder(db.Model):
    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("round_id", "agency_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    #: before_3, before_1, last_day, overdue.
    kind: Mapped[str] = mapped_column(String(20))
    #: The moment it was planned for (UTC).
    scheduled_at: Mapped[datetime]
    created_at: Mapped[datetime]
    #: When its messages were queued; None if it was skipped (its moment had passed).
    sent_at: Mapped[datetime | None]
    skipped_at: Mapped[datetime | None]
    #: How many people it went to.
    recipients_count: Mapped[int] = mapped_column(default=0)

    agency = relationship("Agency")
