"""A stored file: name, type, size, SHA-256 and the bytes themselves."""
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from commentflow.extensions import db


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int]
    #: Hex SHA-256 of the bytes (also kept for e-office attachments, see DOMAIN.md §7).
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The bytes; deferred so lists of files never load them.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
