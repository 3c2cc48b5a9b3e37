"""Two versions of a draft paired section by section, as computed and as corrected by staff."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db


class VersionComparison(db.Model):
    """Version N and version N+1 of one draft, paired section by section.

    The pairs are computed once (drafts.alignment) and can be corrected by the lead office's
    staff until the comparison is confirmed; nothing is re-anchored silently."""

    __tablename__ = "version_comparisons"
    __table_args__ = (UniqueConstraint("old_version_id", "new_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    old_version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    new_version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The two versions' sections as they were paired (SHA-256 of ids, numbers and words):
    #: when the split of either is corrected afterwards, the pairing is made again.
    fingerprint: Mapped[str] = mapped_column(String(64))

    old_version = relationship("DraftVersion", foreign_keys=[old_version_id])
    new_version = relationship("DraftVersion", foreign_keys=[new_version_id])
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
    pairs: Mapped[list[SectionPair]] = relationship(
        back_populates="comparison", order_by="SectionPair.position",
        cascade="all, delete-orphan")


class SectionPair(db.Model):
    """One section of the old version and its counterpart in the new (either may be None)."""

    __tablename__ = "section_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    comparison_id: Mapped[int] = mapped_column(
        ForeignKey("version_comparisons.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    old_section_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_sections.id", ondelete="CASCADE"))
    new_section_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_sections.id", ondelete="CASCADE"))
    #: unchanged, edited, renumbered, moved, split, merged, added, removed
    change: Mapped[str] = mapped_column(String(12))
    #: Set by a person, not computed.
    corrected: Mapped[bool] = mapped_column(default=False)

    comparison: Mapped[VersionComparison] = relationship(back_populates="pairs")
    old_section = relationship("DraftSection", foreign_keys=[old_section_id])
    new_section = relationship("DraftSection", foreign_keys=[new_section_id])
