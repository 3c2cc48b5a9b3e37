"""The result of checking a stored PDF's digital signatures, kept beside the file."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commentflow.extensions import db


class SignatureCheck(db.Model):
    __tablename__ = "signature_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    #: valid, invalid, untrusted, expired, none, unreadable (signatures/verification.py).
    state: Mapped[str] = mapped_column(String(16))
    signer_name: Mapped[str] = mapped_column(String(255), default="")
    organisation: Mapped[str] = mapped_column(String(255), default="")
    #: As the signature states it (no timestamp authority vouches for it).
    signed_at: Mapped[datetime | None]
    signature_count: Mapped[int] = mapped_column(default=0)
    detail: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime]
