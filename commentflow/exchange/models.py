"""Every edXML package sent or received: what it was about, and what became of it."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db


class Direction(enum.Enum):
    INCOMING = "in"
    OUTGOING = "out"


class PackageKind(enum.Enum):
    REQUEST = "request"  #: a lead office's letter asking for comments, with the draft
    REPLY = "reply"  #: an agency's reply letter, with its comments
    STATUS = "status"  #: received, registered, assigned, done


class Outcome(enum.Enum):
    IMPORTED = "imported"
    REFUSED = "refused"  #: kept, with the reason, for the operator
    WRITTEN = "written"  #: placed in the outgoing folder (or handed over through the API)


class ExchangeMessage(db.Model):
    __tablename__ = "exchange_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[Direction] = mapped_column(
        Enum(Direction, name="exchange_direction", native_enum=False, length=8))
    kind: Mapped[PackageKind | None] = mapped_column(
        Enum(PackageKind, name="exchange_kind", native_enum=False, length=16))
    outcome: Mapped[Outcome] = mapped_column(
        Enum(Outcome, name="exchange_outcome", native_enum=False, length=16))
    #: What makes the message itself: one package per (kind, letter, status, recipient), so a
    #: package read twice or a status swept twice is recorded once.
    dedupe_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    document_id: Mapped[str] = mapped_column(String(200), default="")
    status_code: Mapped[str | None] = mapped_column(String(2))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("round_recipients.id"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    #: The package as received or written (a refused one too: the operator reads it).
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    #: Why a package was refused, in words for the operator.
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    file = relationship("StoredFile")
