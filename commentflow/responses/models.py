"""Registration of the request, the leader's assignment, responses and their comments."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    Enum,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.core.text import fold
from commentflow.extensions import db

#: The longest text of a comment, a proposed wording or a reason, in characters.
MAX_COMMENT_CHARS = 20_000

class Registration(db.Model):
    """The clerk's entry in the register of incoming documents ("Số: 970, Ngày: 21/7")."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("agency_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("round_recipients.id"), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    #: Incoming numbers restart every 1 January (local time): (agency, year, number) is unique.
    year: Mapped[int]
    number: Mapped[int]
    received_on: Mapped[date] = mapped_column(Date)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime]

    registered_by = relationship("User")


assignment_coordinators = Table(
    "assignment_coordinators", db.metadata,
    Column("assignment_id", ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class Assignment(db.Model):
    """The leader's Phiếu giải quyết: who handles it, who coordinates, by when, how."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("round_recipients.id"), unique=True)
    handler_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    internal_due_on: Mapped[date | None] = mapped_column(Date)
    instruction: Mapped[str] = mapped_column(Text, default="")
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime]

    handler = relationship("User", foreign_keys=[handler_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])
    coordinators = relationship("User", secondary=assignment_coordinators)


class ResponseState(enum.Enum):
    DRAFTING = "drafting"  #: staff are writing comments
    RETURNED = "returned"  #: the leader sent it back with a note
    SUBMITTED = "submitted"  #: approved, signed and sent: immutable
    SUPERSEDED = "superseded"  #: replaced by an amended response (both stay on record)


class ResponseKind(enum.Enum):
    COMMENTS = "comments"  #: comments on sections
    AGREED = "agreed"  #: "thống nhất với nội dung dự thảo, không có ý kiến khác"


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("recipient_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("round_recipients.id"), index=True)
    #: 1 for the first answer, 2 … for amended answers that supersede the previous one.
    sequence: Mapped[int] = mapped_column(default=1)
    state: Mapped[ResponseState] = mapped_column(
        Enum(ResponseState, name="response_state", native_enum=False, length=16),
        default=ResponseState.DRAFTING)
    kind: Mapped[ResponseKind] = mapped_column(
        Enum(ResponseKind, name="response_kind", native_enum=False, length=16),
        default=ResponseKind.COMMENTS)
    #: The reply letter: number and notation apart, and its date.
    reply_number: Mapped[str] = mapped_column(String(20), default="")
    reply_notation: Mapped[str] = mapped_column(String(60), default="")
    reply_date: Mapped[date | None] = mapped_column(Date)
    scan_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    return_note: Mapped[str] = mapped_column(Text, default="")
    returned_at: Mapped[datetime | None]
    #: "Trình lãnh đạo": the drafters handed it to the leaders for approval (cleared when a
    #: leader returns it).
    presented_at: Mapped[datetime | None]
    presented_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: A paper or e-office reply typed in by the lead office on the agency's behalf.
    entered_by_lead: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    recipient = relationship("RoundRecipient")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    presented_by = relationship("User", foreign_keys=[presented_by_id])
    scan = relationship("StoredFile")
    comments: Mapped[list[Comment]] = relationship(
        back_populates="response", order_by="Comment.id",
        primaryjoin="and_(Comment.response_id == Response.id, Comment.deleted_at.is_(None))",
        viewonly=True)

    @property
    def reference(self) -> str:
        return Response.reference_of(self.reply_number, self.reply_notation)

    @staticmethod
    def reference_of(number: str, notation: str) -> str:
        """A reply's number and notation as a letter cites them: "13/UBND"."""
        return "/".join(p for p in (number, notation) if p)

    @property
    def is_editable(self) -> bool:
        return self.state in (ResponseState.DRAFTING, ResponseState.RETURNED)

    @property
    def is_drafting(self) -> bool:
        return self.state is ResponseState.DRAFTING

    @property
    def is_returned(self) -> bool:
        return self.state is ResponseState.RETURNED

    @property
    def is_submitted(self) -> bool:
        return self.state is ResponseState.SUBMITTED

    @property
    def is_superseded(self) -> bool:
        return self.state is ResponseState.SUPERSEDED

    @property
    def is_agreement(self) -> bool:
        """ "Thống nhất, không có ý kiến": an answer without comments."""
        return self.kind is ResponseKind.AGREED


class Comment(db.Model):
    """One comment on one section (or, without a section, a general comment)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: None for a general comment ("Ý kiến chung").
    section_id: Mapped[int | None] = mapped_column(ForeignKey("draft_sections.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: "Đề nghị sửa lại thành …"
    proposed_wording: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: Bumped on every save; a save that names an older revision is refused (no overwrite).
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    #: The lead office's disposition; comments saying the same thing share one.
    disposition_id: Mapped[int | None] = mapped_column(
        ForeignKey("dispositions.id", ondelete="SET NULL"), index=True)
    #: Text, proposed wording and reason folded ("co che phoi hop") for search without
    #: diacritics in SQL; kept up to date on every insert and update.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    response: Mapped[Response] = relationship(foreign_keys=[response_id])
    disposition = relationship("Disposition", back_populates="comments")
    section = relationship("DraftSection")
    author = relationship("User")

    @property
    def answered_together(self) -> list[Comment]:
        """The comments one disposition answers with this one (itself alone when none)."""
        return list(self.disposition.comments) if self.disposition is not None else [self]

    @staticmethod
    def searchable(text: str, proposed_wording: str | None, reason: str | None) -> str:
        return fold("\n".join((text or "", proposed_wording or "", reason or "")))


@event.listens_for(Comment, "before_insert")
@event.listens_for(Comment, "before_update")
def _fold_for_search(_mapper, _connection, comment: Comment) -> None:
    comment.search_text = Comment.searchable(comment.text, comment.proposed_wording,
                                             comment.reason)


class PreviousCommentAnswer(db.Model):
    """In a follow-up round, an agency's answer to one of its comments of the earlier round:
    it agrees with the disposition given ("đồng ý với giải trình"), or maintains its comment
    ("bảo lưu ý kiến") with a new text — then kept as a comment of this round, on the section
    the earlier one became, to be consolidated like any other."""

    __tablename__ = "previous_comment_answers"
    __table_args__ = (UniqueConstraint("response_id", "previous_comment_id"),)

    AGREE, MAINTAIN = "agree", "maintain"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"),
                                             index=True)
    previous_comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    answer: Mapped[str] = mapped_column(String(10))
    #: For "bảo lưu": the comment of this round that carries the new text.
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime]

    response = relationship("Response")
    previous_comment = relationship("Comment", foreign_keys=[previous_comment_id])
    comment = relationship("Comment", foreign_keys=[comment_id])
