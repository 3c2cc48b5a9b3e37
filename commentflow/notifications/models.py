"""An in-app notification for one user, with the page it links to."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commentflow.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: What happened, e.g. "round.opened", "round.deadline_extended".
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    #: A path inside the site ("/inbox/3").
    url: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change that causes it.

    A sender claims due rows with a conditional UPDATE (claimed_until), so two senders never
    send the same row at once; each try is an OutboxAttempt."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "sent_at", "failed_at",
                            "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: Which round the message is about (the lead office's reminder log), if any.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    #: The agency on whose behalf the message went: the lead office for its requests,
    #: reminders and extensions; a recipient agency for its own internal mail (assignment,
    #: return note). A round's log shows only what its lead office sent; None shows nowhere.
    sender_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    #: Held by a sender until then; a sender that died lets it expire and another retries.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    #: Given up after the last attempt; shown to administrators.
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


class OutboxAttempt(db.Model):
    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"),
                                            index=True)
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool]
    error: Mapped[str] = mapped_column(Text, default="")
