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
    #: Why it was not sent: "passed" (its moment passed while nothing ran), "opening" (its
    #: moment came before the agency received the request, whose notice said it),
    #: "nobody" (the agency has no active user to receive it); "" when sent.
    skip_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")

    @property
    def was_sent(self) -> bool:
        return self.sent_at is not None

    agency = relationship("Agency")
