"""Audit events, written by services for every change that matters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commentflow.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    #: None for the system (scheduler, CLI without a user).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Dotted verb, e.g. "agency.created", "user.deactivated".
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    #: A human label of the object at the time (its name), so the log reads well later.
    object_label: Mapped[str] = mapped_column(String(255), default="")
    #: {"field": [before, after], …} for updates; the created values for creations.
    changes: Mapped[dict | None] = mapped_column(JSON)
    #: The agency whose internal, unsent work the event records (an assignment note, a return
    #: note, a disposition before publication): its details are shown to that agency only.
    private_to_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))

    actor = relationship("User")
