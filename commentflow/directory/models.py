"""Agencies and recipient groups, each kept in the protocol order letters list them in."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from commentflow.core.text import fold, normalize, sort_key
from commentflow.extensions import db


class AgencyKind(enum.Enum):
    PROVINCIAL_BODY = "provincial_body"  #: UBND tỉnh, HĐND tỉnh: parents in letter headers
    DEPARTMENT = "department"  #: Sở, ban, ngành cấp tỉnh
    COMMUNE = "commune"  #: UBND cấp xã: xã, phường, đặc khu (two-level government, 1/7/2025)
    DISTRICT = "district"  #: UBND huyện, thị xã, thành phố — before 1/7/2025, kept for history
    INTERNAL_UNIT = "internal_unit"  #: phòng chuyên môn thuộc một sở
    AFFILIATED_UNIT = "affiliated_unit"  #: đơn vị trực thuộc (bệnh viện, trung tâm)
    OTHER = "other"


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    #: Short code used in document notations ("SYT" in 2159/SYT-TCCB); unique.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    #: 13-character electronic agency code of e-office systems (e.g. 000.00.00.G22), if known.
    edoc_code: Mapped[str | None] = mapped_column(String(13), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(
        Enum(AgencyKind, name="agency_kind", native_enum=False, length=32)
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    #: Protocol order: the place this agency takes when letters and reports list agencies.
    display_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Merged into, or succeeded by, another agency (a district abolished, a province merged):
    #: the agency keeps its history and is no longer offered as a recipient.
    succeeded_by_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    succeeded_on: Mapped[date | None]
    #: fold(name), for searching without diacritics.
    name_folded: Mapped[str] = mapped_column(String(255), index=True)
    #: ICU "vi" collation key of name, for alphabetical ordering in SQL.
    name_sort_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    parent: Mapped[Agency | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    succeeded_by: Mapped[Agency | None] = relationship(remote_side=[id],
                                                       foreign_keys=[succeeded_by_id])
    memberships: Mapped[list[AgencyGroupMembership]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )

    @validates("name")
    def _index_name(self, _key, value):
        value = normalize(value)
        self.name_folded = fold(value)
        self.name_sort_key = sort_key(value)
        return value

    @property
    def groups(self) -> list[AgencyGroup]:
        return sorted((m.group for m in self.memberships), key=lambda g: g.display_order)

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class AgencyGroup(db.Model):
    """A named recipient group ("Các sở, ban, ngành cấp tỉnh"); an agency may be in several."""

    __tablename__ = "agency_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    #: Short label for ratios in reports ("Sở, ban, ngành"); falls back to the name.
    short_name: Mapped[str | None] = mapped_column(String(120))
    display_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    name_folded: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    memberships: Mapped[list[AgencyGroupMembership]] = relationship(
        back_populates="group",
        cascade="all, delete-orphan",
        order_by="AgencyGroupMembership.position",
    )

    @validates("name")
    def _index_name(self, _key, value):
        value = normalize(value)
        self.name_folded = fold(value)
        return value

    @property
    def agencies(self) -> list[Agency]:
        return [m.agency for m in self.memberships]

    def __repr__(self) -> str:
        return f"<AgencyGroup {self.name}>"


class AgencyGroupMembership(db.Model):
    """An agency's place in a group; `position` is its protocol order within that group."""

    __tablename__ = "agency_group_memberships"
    __table_args__ = (UniqueConstraint("group_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("agency_groups.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    group: Mapped[AgencyGroup] = relationship(back_populates="memberships")
    agency: Mapped[Agency] = relationship(back_populates="memberships")
