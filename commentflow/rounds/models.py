"""A comment round (đợt lấy ý kiến): its request letter, drafts, recipients and deadline."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    Date,
    Enum,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db


class RoundState(enum.Enum):
    DRAFT = "draft"  #: being prepared; everything can change
    OPEN = "open"  #: circulated; only the deadline and the recipients (added) change
    CLOSED = "closed"  #: no more answers (closed explicitly)
    CONSOLIDATED = "consolidated"  #: every comment has a disposition
    PUBLISHED = "published"  #: the consolidation report went back to the agencies


ROUND_STATE_LABELS = {RoundState.DRAFT: _l("Đang soạn"), RoundState.OPEN: _l("Đang lấy ý kiến"),
                      RoundState.CLOSED: _l("Đã kết thúc nhận ý kiến"),
                      RoundState.CONSOLIDATED: _l("Đã tổng hợp"),
                      RoundState.PUBLISHED: _l("Đã công bố kết quả")}


class Urgency(enum.Enum):
    NORMAL = "normal"  #: thường
    URGENT = "urgent"  #: khẩn
    VERY_URGENT = "very_urgent"  #: thượng khẩn
    IMMEDIATE = "immediate"  #: hỏa tốc


round_versions = Table(
    "round_versions", db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("version_id", ForeignKey("draft_versions.id"), primary_key=True),
)

round_groups = Table(
    "round_groups", db.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("agency_groups.id"), primary_key=True),
)


class Round(db.Model):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The lead office asking for comments.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    state: Mapped[RoundState] = mapped_column(
        Enum(RoundState, name="round_state", native_enum=False, length=16),
        default=RoundState.DRAFT)
    #: Number and notation kept apart, as e-office systems keep them: "2159", "SYT-TCCB".
    letter_number: Mapped[str] = mapped_column(String(20), default="")
    letter_notation: Mapped[str] = mapped_column(String(60), default="")
    #: "V/v góp ý dự thảo Kế hoạch …"
    subject: Mapped[str] = mapped_column(String(500))
    place: Mapped[str] = mapped_column(String(100))
    letter_date: Mapped[date] = mapped_column(Date)
    urgency: Mapped[Urgency] = mapped_column(
        Enum(Urgency, name="urgency", native_enum=False, length=16), default=Urgency.NORMAL)
    #: "KT.", "TM.", "TL.", "TUQ.", "Q." or "" when the head signs in person.
    signer_authority: Mapped[str] = mapped_column(String(10), default="")
    #: The head's title after the authority prefix: "GIÁM ĐỐC" in "KT. GIÁM ĐỐC".
    signer_head_title: Mapped[str] = mapped_column(String(120), default="")
    #: The signer's own position: "PHÓ GIÁM ĐỐC".
    signer_position: Mapped[str] = mapped_column(String(120))
    signer_name: Mapped[str] = mapped_column(String(160))
    #: The unit answers go to: "Phòng Tổ chức cán bộ".
    collecting_unit: Mapped[str] = mapped_column(String(255), default="")
    contact: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: Answers are due before this instant (UTC); "trước ngày 10/7/2024" = 9 Jul 17:00 UTC.
    deadline_at: Mapped[datetime]
    #: "Quá thời hạn … xem như thống nhất": no answer counts as agreement.
    silence_is_agreement: Mapped[bool] = mapped_column(default=True)
    #: Reminder policy: mornings N days before, the last day's morning, an overdue notice.
    reminder_days_before: Mapped[list] = mapped_column(JSON, default=lambda: [3, 1])
    reminder_hour: Mapped[int] = mapped_column(default=8)
    remind_on_last_day: Mapped[bool] = mapped_column(default=True)
    send_overdue_notice: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consolidated_at: Mapped[datetime | None]
    #: Comments still without an approved disposition when the leader closed consolidation.
    open_comments_at_close: Mapped[int | None]
    published_at: Mapped[datetime | None]
    #: Moved by database triggers whenever what consolidation counts changes (an answer
    #: submitted or superseded, a comment of a submitted answer, a disposition):
    #: commentflow/consolidation/revision.py keeps the workspace's figures per revision.
    consolidation_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    #: A follow-up round ("lần 2") carries the agencies' comments of this earlier round.
    previous_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    #: The letter's id on the national document exchange (edXML): set when the request is
    #: first exported, or kept from the package it was imported from; replies point at it.
    edxml_document_id: Mapped[str | None] = mapped_column(String(200), unique=True)

    agency = relationship("Agency")
    previous_round: Mapped[Round | None] = relationship(remote_side=[id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    versions = relationship("DraftVersion", secondary=round_versions,
                            order_by="DraftVersion.id")
    groups = relationship("AgencyGroup", secondary=round_groups,
                          order_by="AgencyGroup.display_order")
    recipients: Mapped[list[RoundRecipient]] = relationship(
        back_populates="round", cascade="all, delete-orphan",
        order_by="RoundRecipient.position")

    @property
    def reference(self) -> str:
        """ "2159/SYT-TCCB" (or the notation alone while no number is given)."""
        return "/".join(part for part in (self.letter_number, self.letter_notation) if part)

    @property
    def is_draft(self) -> bool:
        """Not sent yet: still editable, nothing to track or consolidate."""
        return self.state is RoundState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state is RoundState.OPEN

    def is_past_deadline(self, now: datetime) -> bool:
        return now >= self.deadline_at



class RoundRecipient(db.Model):
    """An agency a round is addressed to, with its own extension and reading receipt."""

    __tablename__ = "round_recipients"
    __table_args__ = (UniqueConstraint("round_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: Protocol order of the agency in this round's letter and tracker.
    position: Mapped[int] = mapped_column(default=0)
    added_at: Mapped[datetime]
    #: A later deadline for this agency alone, and why it was granted.
    extended_deadline_at: Mapped[datetime | None]
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    #: First time a user of the agency opened the round.
    opened_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The last edXML status this agency's e-office system sent ("03" registered, "04"
    #: assigned…), for agencies that answer outside this application.
    exchange_status: Mapped[str | None] = mapped_column(String(2))
    exchange_status_at: Mapped[datetime | None]

    round: Mapped[Round] = relationship(back_populates="recipients")
    agency = relationship("Agency")
    opened_by = relationship("User")

    @property
    def deadline_at(self) -> datetime:
        return self.extended_deadline_at or self.round.deadline_at

    def is_overdue(self, now: datetime) -> bool:
        return now >= self.deadline_at

    def accepts_answers(self, now: datetime) -> bool:
        """"Can this agency still answer?" — the one rule pages and services ask: the round
        is open and this agency's own deadline (with any extension) has not passed."""
        return self.round.state is RoundState.OPEN and not self.is_overdue(now)
