"""A draft (owned by a lead office), its uploaded versions and each version's sections."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db

#: The parts of a draft that carry no number, by their keys.
UNNUMBERED_PARTS = {"header": _l("Phần đầu văn bản"), "title": _l("Tên văn bản"),
                    "preamble": _l("Phần mở đầu"), "closing": _l("Phần cuối văn bản")}
#: The fields of an annex task row (Phụ lục), as shown beside the section.
FIELD_LABELS = [("lead", _l("Cơ quan chủ trì")), ("coordinating", _l("Cơ quan phối hợp")),
                ("due", _l("Thời gian hoàn thành")), ("product", _l("Sản phẩm")),
                ("note", _l("Ghi chú"))]


class Draft(db.Model):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The lead office (cơ quan chủ trì soạn thảo) that owns the draft.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    #: Soft delete: an archived draft is hidden from lists but kept with its history.
    archived_at: Mapped[datetime | None]

    agency = relationship("Agency")
    created_by = relationship("User")
    versions: Mapped[list[DraftVersion]] = relationship(
        back_populates="draft", order_by="DraftVersion.number")

    @property
    def latest_version(self) -> DraftVersion | None:
        return self.versions[-1] if self.versions else None


class DraftVersion(db.Model):
    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    #: 1, 2, … in upload order ("dự thảo lần 2").
    number: Mapped[int]
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    #: Set when a comment round first circulates this version; its sections are then frozen.
    circulated_at: Mapped[datetime | None]
    #: The format the file was read from: docx, doc, rtf, odt, pdf, scan, text.
    source_format: Mapped[str] = mapped_column(String(10), default="")
    #: What reading the file found that the user must know (tracked changes accepted, margin
    #: comments left out, text recognised from a scan), one note per line.
    reading_notes: Mapped[str] = mapped_column(Text, default="")
    #: The text was recognised by OCR: a person checks it before it can be circulated.
    needs_review: Mapped[bool] = mapped_column(default=False)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    #: Read with the version (a join on its key): a version is hardly shown without its
    #: draft's title, and reading it apart cost a statement on every page of a round.
    draft: Mapped[Draft] = relationship(back_populates="versions", lazy="joined",
                                        innerjoin=True)
    file = relationship("StoredFile")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    sections: Mapped[list[DraftSection]] = relationship(
        back_populates="version", order_by="DraftSection.position",
        cascade="all, delete-orphan")
    pages: Mapped[list[DraftPage]] = relationship(
        back_populates="version", order_by="DraftPage.number", cascade="all, delete-orphan")

    @property
    def is_frozen(self) -> bool:
        return self.circulated_at is not None

    @property
    def awaits_review(self) -> bool:
        """Recognised from a scan and not yet checked by a person: not to be circulated."""
        return self.needs_review and self.reviewed_at is None

    @property
    def notes(self) -> list[str]:
        return [line for line in (self.reading_notes or "").split("\n") if line]


class DraftPage(db.Model):
    """A page of a scanned draft as it was read, shown beside the recognised text."""

    __tablename__ = "draft_pages"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[int]
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    version: Mapped[DraftVersion] = relationship(back_populates="pages")
    file = relationship("StoredFile")


class DraftImport(db.Model):
    """An uploaded draft being read in the background (conversion, PDF, OCR), and its outcome.

    queued → running → done (draft_id and version_id set) or failed (error set). A running
    import whose heartbeat stopped (the worker died) is taken up again by the next worker.
    """

    __tablename__ = "draft_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: Set from the start for a new version of an existing draft, at the end for a new draft.
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("draft_versions.id"))
    title: Mapped[str] = mapped_column(String(500), default="")
    #: The file as uploaded; it becomes the version's file (dropped if it cannot be read).
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    file = relationship("StoredFile")
    draft = relationship("Draft")
    version = relationship("DraftVersion")
    created_by = relationship("User")


class DraftSection(db.Model):
    """One commentable (or kept-but-not-commentable) part of a version, in document order."""

    __tablename__ = "draft_sections"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id", ondelete="CASCADE"),
                                            index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("draft_sections.id"))
    #: Stable key from the numbering, e.g. "III.2.a", "PL.2.b", "D5.2.a", "preamble".
    key: Mapped[str] = mapped_column(String(120))
    #: The number as written in the draft: "III.", "2.1.", "a)", "Điều 5.", "PHỤ LỤC".
    number: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    #: header, title, preamble, part, chapter, legal_section, article, clause, roman, item,
    #: subitem, point, heading (a Word heading style, no number), annex, annex_row, closing.
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[int]
    #: Place in document order (0, 1, 2 …), the order of the draft itself.
    position: Mapped[int]
    is_commentable: Mapped[bool] = mapped_column(default=True)
    #: Annex rows: {"lead", "coordinating", "due", "note", …} cells by meaning.
    fields: Mapped[dict | None] = mapped_column(JSON)
    #: Citation in the Vietnamese way, small unit first: "điểm a khoản 2 Mục III".
    citation: Mapped[str] = mapped_column(String(255), default="")
    #: For a draft read from a scan: the page the section starts on.
    page: Mapped[int | None]

    version: Mapped[DraftVersion] = relationship(back_populates="sections")
    parent: Mapped[DraftSection | None] = relationship(remote_side=[id])

    @property
    def shown_key(self) -> str:
        """The key as a reader sees it: "III.2.a", or the part's name for the unnumbered
        parts ("Phần mở đầu" rather than `preamble`)."""
        label = UNNUMBERED_PARTS.get(self.key)
        return str(label) if label else self.key
