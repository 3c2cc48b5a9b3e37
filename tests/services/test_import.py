"""Importing the directory from CSV/XLSX: all rows or none, groups in file order."""
import pytest
from sqlalchemy import func, select

from commentflow.core.clock import now_utc
from commentflow.core.roles import Role
from commentflow.directory.importing import ImportRejected
from commentflow.directory.models import Agency, AgencyGroup
from commentflow.directory.services import import_agencies
from commentflow.extensions import db
from tests.factories import make_agency, make_user

HEADER = "Mã,Tên đơn vị,Mã định danh,Loại,Đơn vị cấp trên,Thứ tự,Nhóm\n"


@pytest.fixture
def admin(app):
    user = make_user(roles=(Role.ADMIN,))
    db.session.commit()
    return user


def _import(admin, body: str):
    return import_agencies((HEADER + body).encode(), "ds.csv", actor=admin, now=now_utc(),
                           max_rows=500)


def test_import_creates_agencies_parents_and_groups(admin):
    summary = _import(admin,
                      "UBND,UBND tỉnh Kiên Giang,,Cấp tỉnh,,1,\n"
                      'STC,Sở Tài chính,000.00.07.H33,Sở,UBND,10,"Các sở, ban, ngành"\n'
                      'STP,Sở Tư pháp,,Sở,UBND,20,"Các sở, ban, ngành"\n'
                      "UBND-RG,UBND TP Rạch Giá,,Cấp huyện,UBND,30,UBND cấp huyện\n")
    db.session.commit()
    assert (summary.created, summary.updated) == (4, 0)
    stc = db.session.scalar(select(Agency).where(Agency.code == "STC"))
    assert stc.parent.code == "UBND" and stc.edoc_code == "000.00.07.H33"
    groups = {g.name: g for g in db.session.scalars(select(AgencyGroup))}
    assert [a.code for a in groups["Các sở, ban, ngành"].agencies] == ["STC", "STP"]
    assert [a.code for a in groups["UBND cấp huyện"].agencies] == ["UBND-RG"]
    from commentflow.audit.models import AuditEvent

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.imported"))
    assert (event.object_type, event.object_id, event.object_label) == (
        "DirectoryImport", None, "ds.csv")  # the import itself, not one of its agencies
    assert event.changes["created"] == 4


def test_quoted_group_lists_are_split_on_semicolons(admin):
    _import(admin, 'STC,Sở Tài chính,,Sở,,1,"Nhóm A; Nhóm B"\n'
                   'STP,Sở Tư pháp,,Sở,,2,Nhóm A\n')
    db.session.commit()
    group_a = db.session.scalar(select(AgencyGroup).where(AgencyGroup.name == "Nhóm A"))
    assert [a.code for a in group_a.agencies] == ["STC", "STP"]
    stc = db.session.scalar(select(Agency).where(Agency.code == "STC"))
    assert sorted(g.name for g in stc.groups) == ["Nhóm A", "Nhóm B"]


def test_existing_agencies_are_updated_by_code(admin):
    make_agency(code="STC", name="Sở Tài chính cũ")
    summary = _import(admin, "STC,Sở Tài chính,,Sở,,1,\n")
    db.session.commit()
    assert (summary.created, summary.updated) == (0, 1)
    assert db.session.scalar(select(Agency.name).where(Agency.code == "STC")) == "Sở Tài chính"


def test_a_bad_file_imports_nothing_and_names_each_row(admin):
    before = db.session.scalar(select(func.count(Agency.id)))
    with pytest.raises(ImportRejected) as caught:
        _import(admin, "STC,Sở Tài chính,,Sở,,1,\n"
                       "STP,Sở Tư pháp,,Sở,KHONGCO,2,\n"
                       "SNV,,,,,3,\n")
    db.session.rollback()
    assert [e.row for e in caught.value.errors] == [3, 4]
    assert db.session.scalar(select(func.count(Agency.id))) == before


def test_unknown_parent_is_reported_with_its_row(admin):
    with pytest.raises(ImportRejected) as caught:
        _import(admin, "STC,Sở Tài chính,,Sở,,1,\nSTP,Sở Tư pháp,,Sở,KHONGCO,2,\n")
    assert [(e.row, "KHONGCO" in e.message) for e in caught.value.errors] == [(3, True)]


def test_edoc_code_already_used_by_another_agency_is_refused(admin):
    make_agency(code="OLD", edoc_code="000.00.07.H33")
    with pytest.raises(ImportRejected) as caught:
        _import(admin, "STC,Sở Tài chính,000.00.07.H33,Sở,,1,\n")
    assert caught.value.errors[0].row == 2
