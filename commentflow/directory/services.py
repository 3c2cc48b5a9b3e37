"""Use cases of the agency directory: create, edit, (de)activate, list and search."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from commentflow.audit.services import diff, record_event
from commentflow.core.errors import ValidationFailed
from commentflow.core.text import fold, normalize
from commentflow.directory.importing import ImportRejected, RowError, parse_records, read_table
from commentflow.directory.models import Agency, AgencyGroup, AgencyGroupMembership, AgencyKind
from commentflow.directory.permissions import require_admin
from commentflow.extensions import db

AGENCY_FIELDS = ("name", "code", "edoc_code", "kind", "parent_id", "display_order",
                 "succeeded_by_id", "succeeded_on")


@dataclass
class AgencyData:
    name: str
    code: str
    kind: AgencyKind
    edoc_code: str | None = None
    parent_id: int | None = None
    display_order: int = 0
    group_ids: list[int] = field(default_factory=list)
    #: Merged into / succeeded by this agency, from this day (both or neither).
    succeeded_by_id: int | None = None
    succeeded_on: date | None = None


def _snapshot(agency: Agency) -> dict:
    values = {name: getattr(agency, name) for name in AGENCY_FIELDS}
    values["groups"] = [m.group_id for m in agency.memberships]
    return values


def _check_unique(model, column, value, own_id, message):
    query = select(model.id).where(column == value)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if value and db.session.scalar(query) is not None:
        raise ValidationFailed(message)


def _clean(data: AgencyData, own_id: int | None) -> AgencyData:
    data.name = normalize(data.name)
    data.code = normalize(data.code).upper()
    data.edoc_code = normalize(data.edoc_code).upper() or None
    _check_unique(Agency, Agency.code, data.code, own_id,
                  _("Mã viết tắt %(code)s đã được dùng cho đơn vị khác.", code=data.code))
    _check_unique(Agency, Agency.edoc_code, data.edoc_code, own_id,
                  _("Mã định danh %(code)s đã được dùng cho đơn vị khác.", code=data.edoc_code))
    if own_id is not None and data.parent_id == own_id:
        raise ValidationFailed(_("Một đơn vị không thể là cấp trên của chính nó."))
    if bool(data.succeeded_by_id) != bool(data.succeeded_on):
        raise ValidationFailed(_("Hãy chọn cả đơn vị kế thừa và ngày sáp nhập (hoặc bỏ cả "
                                 "hai)."))
    if data.succeeded_by_id is not None and data.succeeded_by_id == own_id:
        raise ValidationFailed(_("Một đơn vị không thể sáp nhập vào chính nó."))
    return data


def _set_groups(agency: Agency, group_ids: list[int]) -> None:
    wanted = set(group_ids)
    agency.memberships = [m for m in agency.memberships if m.group_id in wanted]
    present = {m.group_id for m in agency.memberships}
    for group_id in wanted - present:
        last = db.session.scalar(
            select(func.max(AgencyGroupMembership.position)).where(
                AgencyGroupMembership.group_id == group_id)
        )
        agency.memberships.append(
            AgencyGroupMembership(group_id=group_id, position=(last or 0) + 1))


def create_agency(data: AgencyData, *, actor, now) -> Agency:
    require_admin(actor)
    data = _clean(data, None)
    agency = Agency(created_at=now, updated_at=now)
    for name in AGENCY_FIELDS:
        setattr(agency, name, getattr(data, name))
    db.session.add(agency)
    _set_groups(agency, data.group_ids)
    db.session.flush()
    record_event("agency.created", agency, actor=actor, now=now, changes=_snapshot(agency))
    return agency


def update_agency(agency: Agency, data: AgencyData, *, actor, now) -> Agency:
    require_admin(actor)
    data = _clean(data, agency.id)
    before = _snapshot(agency)
    for name in AGENCY_FIELDS:
        setattr(agency, name, getattr(data, name))
    if data.succeeded_by_id is not None:  # merged: kept with its history, no longer asked
        agency.is_active = False
    _set_groups(agency, data.group_ids)
    agency.updated_at = now
    db.session.flush()
    changes = diff(before, _snapshot(agency))
    if changes:
        record_event("agency.updated", agency, actor=actor, now=now, changes=changes)
    return agency


def set_agency_active(agency: Agency, active: bool, *, actor, now) -> Agency:
    """Agencies are never deleted (rounds and letters refer to them): they are deactivated."""
    require_admin(actor)
    if agency.is_active != active:
        agency.is_active = active
        agency.updated_at = now
        action = "agency.reactivated" if active else "agency.deactivated"
        record_event(action, agency, actor=actor, now=now)
    return agency


def search_agencies(*, query: str = "", kind: AgencyKind | None = None,
                    include_inactive: bool = True, order: str = "protocol"):
    """A select() over agencies: accent-insensitive search, protocol or alphabetical order."""
    stmt = select(Agency)
    folded = fold(query)
    if folded:
        pattern = f"%{folded}%"
        stmt = stmt.where(or_(Agency.name_folded.like(pattern),
                              func.lower(Agency.code).like(pattern),
                              func.lower(Agency.edoc_code).like(pattern)))
    if kind is not None:
        stmt = stmt.where(Agency.kind == kind)
    if not include_inactive:
        stmt = stmt.where(Agency.is_active.is_(True))
    if order == "alpha":
        return stmt.order_by(Agency.name_sort_key, Agency.id)
    return stmt.order_by(Agency.display_order, Agency.name_sort_key, Agency.id)


def active_agencies():
    return db.session.scalars(search_agencies(include_inactive=False)).all()


def all_groups(include_inactive: bool = True) -> list[AgencyGroup]:
    stmt = select(AgencyGroup).order_by(AgencyGroup.display_order, AgencyGroup.id)
    if not include_inactive:
        stmt = stmt.where(AgencyGroup.is_active.is_(True))
    return list(db.session.scalars(stmt))


@dataclass
class GroupData:
    name: str
    short_name: str | None = None
    display_order: int = 0
    agency_ids: list[int] = field(default_factory=list)


def _group_snapshot(group: AgencyGroup) -> dict:
    return {"name": group.name, "short_name": group.short_name,
            "display_order": group.display_order,
            "agencies": [m.agency_id for m in group.memberships]}


def _apply_group(group: AgencyGroup, data: GroupData) -> None:
    name = normalize(data.name)
    _check_unique(AgencyGroup, AgencyGroup.name, name, group.id,
                  _("Đã có nhóm tên \"%(name)s\".", name=name))
    group.name = name
    group.short_name = normalize(data.short_name) or None
    group.display_order = data.display_order
    # Members keep the directory's protocol order unless an import set another one.
    order = {a.id: (a.display_order, a.name_sort_key) for a in db.session.scalars(
        select(Agency).where(Agency.id.in_(data.agency_ids)))}
    kept = {m.agency_id: m for m in group.memberships if m.agency_id in order}
    members = [kept.get(agency_id) or AgencyGroupMembership(agency_id=agency_id)
               for agency_id in sorted(order, key=order.get)]
    for position, membership in enumerate(members, start=1):
        membership.position = position
    group.memberships = members


def create_group(data: GroupData, *, actor, now) -> AgencyGroup:
    require_admin(actor)
    group = AgencyGroup(created_at=now, updated_at=now)
    _apply_group(group, data)
    db.session.add(group)
    db.session.flush()
    record_event("group.created", group, actor=actor, now=now, changes=_group_snapshot(group))
    return group


def update_group(group: AgencyGroup, data: GroupData, *, actor, now) -> AgencyGroup:
    require_admin(actor)
    before = _group_snapshot(group)
    _apply_group(group, data)
    group.updated_at = now
    db.session.flush()
    changes = diff(before, _group_snapshot(group))
    if changes:
        record_event("group.updated", group, actor=actor, now=now, changes=changes)
    return group


def set_group_active(group: AgencyGroup, active: bool, *, actor, now) -> AgencyGroup:
    require_admin(actor)
    if group.is_active != active:
        group.is_active = active
        group.updated_at = now
        action = "group.reactivated" if active else "group.deactivated"
        record_event(action, group, actor=actor, now=now)
    return group


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    groups_created: int = 0


def import_agencies(data: bytes, filename: str, *, actor, now, max_rows: int) -> ImportSummary:
    """Create or update agencies (matched by code) and their groups; all rows or none."""

    require_admin(actor)
    try:
        records, errors = parse_records(read_table(data, filename), max_rows), []
    except ImportRejected as rejection:
        records, errors = rejection.records, rejection.errors
    existing = {a.code: a for a in db.session.scalars(select(Agency))}
    errors += [RowError(row, message) for row, message in _cross_check(records, existing)]
    if errors:
        raise ImportRejected(errors)
    summary = ImportSummary()
    agencies = {}
    for record in records:
        agency = existing.get(record.code)
        data_ = AgencyData(name=record.name, code=record.code, kind=record.kind,
                           edoc_code=record.edoc_code, display_order=record.order)
        if agency is None:
            agency = create_agency(data_, actor=actor, now=now)
            summary.created += 1
        else:
            data_.group_ids = [m.group_id for m in agency.memberships]
            data_.parent_id = agency.parent_id
            update_agency(agency, data_, actor=actor, now=now)
            summary.updated += 1
        agencies[record.code] = agency
    existing.update(agencies)
    for record in records:
        if record.parent_code:
            agencies[record.code].parent_id = existing[record.parent_code].id
    summary.groups_created = _import_groups(records, agencies, now=now, actor=actor)
    db.session.flush()
    record_event("directory.imported", None, object_type="DirectoryImport", actor=actor,
                 now=now, label=filename, changes={"created": summary.created,
                                                   "updated": summary.updated,
                                                   "groups_created": summary.groups_created})
    return summary


def _cross_check(records, existing) -> list[tuple[int, str]]:
    errors = []
    codes_in_file = {r.code for r in records}
    edoc_owner = {a.edoc_code: a.code for a in existing.values() if a.edoc_code}
    seen_edoc = {}
    for record in records:
        if record.parent_code and record.parent_code not in codes_in_file | set(existing):
            errors.append((record.row, _("đơn vị cấp trên \"%(code)s\" không có trong danh bạ "
                                         "hay trong tệp", code=record.parent_code)))
        if record.parent_code == record.code:
            errors.append((record.row, _("đơn vị không thể là cấp trên của chính nó")))
        if record.edoc_code:
            owner = edoc_owner.get(record.edoc_code)
            if (owner and owner != record.code) or record.edoc_code in seen_edoc:
                errors.append((record.row, _("mã định danh %(code)s đã dùng cho đơn vị khác",
                                             code=record.edoc_code)))
            seen_edoc[record.edoc_code] = record.row
    return sorted(errors)


def _import_groups(records, agencies, *, now, actor) -> int:
    groups = {fold(g.name): g for g in all_groups()}
    created = 0
    next_order = max([g.display_order for g in groups.values()] or [0]) + 1
    positions: dict[str, int] = {}
    for record in records:
        agency = agencies[record.code]
        wanted = []
        for name in record.groups:
            group = groups.get(fold(name))
            if group is None:
                group = create_group(GroupData(name=name, display_order=next_order),
                                     actor=actor, now=now)
                groups[fold(name)] = group
                next_order += 1
                created += 1
            wanted.append(group)
        if not record.groups:
            continue
        agency.memberships = [m for m in agency.memberships
                              if m.group_id in {g.id for g in wanted}]
        for group in wanted:
            positions[group.name] = positions.get(group.name, 0) + 1
            membership = next((m for m in agency.memberships if m.group_id == group.id), None)
            if membership is None:
                membership = AgencyGroupMembership(group=group)
                agency.memberships.append(membership)
            membership.position = positions[group.name]
    return created
