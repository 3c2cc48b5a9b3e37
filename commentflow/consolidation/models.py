"""A disposition (tiếp thu, một phần, không tiếp thu, ghi nhận) for one or more comments."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db


class DispositionKind(enum.Enum):
    ACCEPTED = "accepted"  #: tiếp thu
    PARTLY = "partly"  #: tiếp thu một phần
    NOT_ACCEPTED = "not_accepted"  #: không tiếp thu — giải trình (a reason is required)
    NOTED = "noted"  #: ghi nhận (to be done when conditions allow)


KIND_LABELS = {DispositionKind.ACCEPTED: _l("Tiếp thu"),
               DispositionKind.PARTLY: _l("Tiếp thu một phần"),
               DispositionKind.NOT_ACCEPTED: _l("Không tiếp thu (giải trình)"),
               DispositionKind.NOTED: _l("Ghi nhận")}


class DecisionState:
    """Where a disposition stands, from its kind and its approval: shared by the model and
    the plain values a page shows (consolidation.shown)."""

    __slots__ = ()
    kind: DispositionKind | None
    approved_at: datetime | None

    @property
    def kind_label(self) -> str:
        """Tiếp thu, Tiếp thu một phần, … (empty while undecided)."""
        return str(KIND_LABELS[self.kind]) if self.kind else ""

    @property
    def is_decided(self) -> bool:
        return self.kind is not None

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def awaits_approval(self) -> bool:
        """Decided by staff, not yet approved by the leader."""
        return self.kind is not None and self.approved_at is None


class Disposition(DecisionState, db.Model):
    """The lead office's answer to a comment, or to a group of comments saying the same thing."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[DispositionKind | None] = mapped_column(
        Enum(DispositionKind, name="disposition_kind", native_enum=False, length=16))
    #: "Nội dung tiếp thu, giải trình": what was taken in, or why not.
    text: Mapped[str] = mapped_column(Text, default="")
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime | None]
    #: Set by the lead office's leader; cleared whenever the disposition changes.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    comments = relationship("Comment", back_populates="disposition", order_by="Comment.id")

    @property
    def is_group(self) -> bool:
        """Several comments answered once."""
        return len(self.comments) > 1
