"""Command-line entry points: the demo province and the first administrator."""
from sqlalchemy import func, select

from commentflow.accounts.models import Role, User
from commentflow.directory.models import Agency, AgencyGroup
from commentflow.extensions import db
from tests.conftest import csrf_token_from


def test_demo_builds_the_kien_giang_province_and_prints_logins(app, runner):
    result = runner.invoke(args=["demo", "--password", "mat-khau-demo-1"])
    assert result.exit_code == 0, result.output
    for username in ("admin", "trang.syt", "dung.syt", "minh.stc", "hoa.stc", "lan.stc"):
        assert username in result.output
    db.session.rollback()
    groups = db.session.scalars(select(AgencyGroup).order_by(AgencyGroup.display_order)).all()
    assert [g.name for g in groups] == [
        "Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân các huyện, thành phố",
        "Các phòng chuyên môn và tương đương thuộc Sở Y tế",
        "Các cơ quan, đơn vị trực thuộc Sở Y tế"]
    assert sum(len(g.memberships) for g in groups) == 20
    lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
    assert lead.agency.name == "Sở Y tế" and lead.roles == {Role.LEAD_STAFF}


def test_demo_can_run_again_and_gives_new_passwords(app, runner):
    runner.invoke(args=["demo", "--password", "mat-khau-demo-1"])
    result = runner.invoke(args=["demo", "--password", "mat-khau-demo-2"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count(Agency.id))) == 23
    client = app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token_from(client.get("/login")),
                                           "username": "dung.syt",
                                           "password": "mat-khau-demo-2"})
    assert response.status_code == 302


def test_create_admin_for_a_fresh_install(app, runner):
    result = runner.invoke(args=["create-admin", "quantri", "Nguyễn Văn Quản",
                                 "--agency-code", "vpubnd",
                                 "--agency-name", "Văn phòng UBND tỉnh"],
                           input="mot-mat-khau-dai\nmot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    admin = db.session.scalar(select(User).where(User.username == "quantri"))
    assert admin.is_admin and admin.agency.code == "VPUBND"
