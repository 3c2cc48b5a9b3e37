"""Directory use cases on SQLite and PostgreSQL: audit, uniqueness, search, Vietnamese order."""
import pytest
from sqlalchemy import select

from commentflow.audit.models import AuditEvent
from commentflow.core.clock import now_utc
from commentflow.core.errors import PermissionDenied, ValidationFailed
from commentflow.core.roles import Role
from commentflow.directory import services
from commentflow.directory.models import Agency, AgencyKind
from commentflow.extensions import db
from tests.factories import make_agency, make_user


@pytest.fixture
def admin(app):
    return make_user(roles=(Role.ADMIN,))


def _data(**overrides):
    values = {"name": "Sở Tài chính", "code": "stc", "kind": AgencyKind.DEPARTMENT}
    values.update(overrides)
    return services.AgencyData(**values)


def test_creating_an_agency_normalises_it_and_writes_an_audit_event(admin):
    agency = services.create_agency(_data(name="  Sở  Tài chính "), actor=admin, now=now_utc())
    db.session.commit()
    assert (agency.name, agency.code, agency.name_folded) == ("Sở Tài chính", "STC",
                                                              "so tai chinh")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agency.created"))
    assert event.actor_id == admin.id and event.object_id == agency.id
    assert event.changes["name"] == "Sở Tài chính"


def test_updating_records_before_and_after(admin):
    agency = services.create_agency(_data(), actor=admin, now=now_utc())
    services.update_agency(agency, _data(name="Sở Tài chính tỉnh", display_order=5),
                           actor=admin, now=now_utc())
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agency.updated"))
    assert event.changes == {"name": ["Sở Tài chính", "Sở Tài chính tỉnh"],
                             "display_order": [0, 5]}


def test_duplicate_code_is_refused(admin):
    services.create_agency(_data(), actor=admin, now=now_utc())
    with pytest.raises(ValidationFailed, match="STC"):
        services.create_agency(_data(name="Khác"), actor=admin, now=now_utc())


def test_only_administrators_change_the_directory(app):
    staff = make_user(roles=(Role.LEAD_STAFF, Role.LEADER, Role.STAFF, Role.CLERK))
    with pytest.raises(PermissionDenied):
        services.create_agency(_data(), actor=staff, now=now_utc())


def test_deactivation_keeps_the_agency_and_logs_it(admin):
    agency = make_agency()
    services.set_agency_active(agency, False, actor=admin, now=now_utc())
    db.session.commit()
    assert db.session.get(Agency, agency.id).is_active is False
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_id == agency.id)) == "agency.deactivated"


def test_search_ignores_diacritics_and_case(app):
    make_agency(name="Sở Y tế", code="SYT")
    make_agency(name="Sở Tài chính", code="STC")
    make_agency(name="Ủy ban nhân dân huyện Châu Thành", code="UBND-CT")
    def found(q):
        return [a.code for a in db.session.scalars(services.search_agencies(query=q))]
    assert found("so y te") == ["SYT"]
    assert found("SỞ Y TẾ") == ["SYT"]
    assert found("chau thanh") == ["UBND-CT"]
    assert found("uỷ ban") == ["UBND-CT"]  # old tone placement finds the new one
    assert found("stc") == ["STC"]


def test_alphabetical_order_is_vietnamese_in_sql(app):
    for index, name in enumerate(["Ủy ban", "Sở Y tế", "Đài", "Công an", "Bảo hiểm", "Ban",
                                  "Dân tộc"]):
        make_agency(name=name, code=f"A{index}")
    ordered = db.session.scalars(services.search_agencies(order="alpha")).all()
    assert [a.name for a in ordered] == ["Ban", "Bảo hiểm", "Công an", "Dân tộc", "Đài",
                                         "Sở Y tế", "Ủy ban"]


def test_protocol_order_follows_display_order(app):
    make_agency(name="Ba", code="B", display_order=3)
    make_agency(name="Một", code="M", display_order=1)
    make_agency(name="Hai", code="H", display_order=2)
    ordered = db.session.scalars(services.search_agencies()).all()
    assert [a.code for a in ordered] == ["M", "H", "B"]


def test_group_members_keep_protocol_order(admin):
    late = make_agency(name="A sau", display_order=20)
    early = make_agency(name="Z trước", display_order=10)
    group = services.create_group(services.GroupData(name="Các sở", agency_ids=[late.id,
                                                                              early.id]),
                                  actor=admin, now=now_utc())
    db.session.commit()
    assert [a.name for a in group.agencies] == ["Z trước", "A sau"]
    assert [g.name for g in late.groups] == ["Các sở"]
