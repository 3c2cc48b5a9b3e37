"""Command-line entry points: the demo province and the first administrator."""
from sqlalchemy import func, select

from commentflow.accounts.models import Role, User
from commentflow.accounts.passwords import hash_password
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


def _logs_in(app, username, password) -> bool:
    client = app.test_client()
    return client.post("/login", data={"csrf_token": csrf_token_from(client.get("/login")),
                                       "username": username,
                                       "password": password}).status_code == 302


def test_starting_again_never_changes_existing_accounts(app, runner):
    """`make run` loads the demo each time it starts: it used to reset every demo user's
    password (and print them all), so a user who had changed one was silently reset."""
    runner.invoke(args=["demo", "--password", "mat-khau-demo-1"])
    db.session.rollback()
    user = db.session.scalar(select(User).where(User.username == "dung.syt"))
    user.password_hash = hash_password("mat-khau-rieng-cua-dung")
    db.session.commit()
    result = runner.invoke(args=["demo", "--password", "mat-khau-demo-2"])
    assert result.exit_code == 0 and "không thay đổi gì" in result.output
    assert "mat-khau-demo-2" not in result.output
    assert _logs_in(app, "dung.syt", "mat-khau-rieng-cua-dung")
    assert not _logs_in(app, "trang.syt", "mat-khau-demo-2")


def test_reset_asks_first_then_rebuilds_the_demo(app, runner):
    runner.invoke(args=["demo", "--password", "mat-khau-demo-1"])
    refused = runner.invoke(args=["demo", "--reset", "--password", "mat-khau-demo-2"],
                            input="n\n")
    assert "Đã hủy" in refused.output
    assert _logs_in(app, "trang.syt", "mat-khau-demo-1")
    result = runner.invoke(args=["demo", "--reset", "--password", "mat-khau-demo-2"],
                           input="y\n")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count(Agency.id))) == 23
    assert _logs_in(app, "trang.syt", "mat-khau-demo-2")


def test_create_admin_for_a_fresh_install(app, runner):
    result = runner.invoke(args=["create-admin", "quantri", "Nguyễn Văn Quản",
                                 "--agency-code", "vpubnd",
                                 "--agency-name", "Văn phòng UBND tỉnh"],
                           input="mot-mat-khau-dai\nmot-mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    admin = db.session.scalar(select(User).where(User.username == "quantri"))
    assert admin.is_admin and admin.agency.code == "VPUBND"
