"""Command-line entry points (`flask --app app …`); each calls a service and commits."""
import click
from flask import Flask

from commentflow.core.clock import now_utc
from commentflow.extensions import db


def register_commands(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option("--password", help="Use this password for every demo user "
                                     "(default: a new random one each).")
    def demo(password):
        """Create the Kiên Giang demo province and print the demo users' credentials."""
        from commentflow.demo.services import build_demo

        credentials = build_demo(now=now_utc(), password=password)
        db.session.commit()
        click.echo("Dữ liệu mẫu đã sẵn sàng. Tài khoản đăng nhập:")
        for username, secret, who in credentials:
            click.echo(f"  {username:<12} {secret:<16} {who}")

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.argument("full_name")
    @click.option("--agency-code", required=True, help="Code of the administrator's agency.")
    @click.option("--agency-name", help="Name of that agency, if it must be created.")
    @click.password_option()
    def create_admin(username, full_name, agency_code, agency_name, password):
        """Create an administrator (for a fresh production install)."""
        from sqlalchemy import select

        from commentflow.accounts.models import Role, User, UserRole
        from commentflow.accounts.passwords import check_new_password, hash_password
        from commentflow.directory.models import Agency, AgencyKind

        now = now_utc()
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code.upper()))
        if agency is None and not agency_name:
            raise click.ClickException(f"Không có đơn vị mã {agency_code}; "
                                       "hãy thêm --agency-name để tạo đơn vị này.")
        if agency is None:
            agency = Agency(name=agency_name, code=agency_code.upper(), kind=AgencyKind.OTHER,
                            created_at=now, updated_at=now)
        check_new_password(password, username=username)
        db.session.add(User(username=username, full_name=full_name, agency=agency,
                            password_hash=hash_password(password), created_at=now,
                            updated_at=now, password_changed_at=now,
                            role_rows=[UserRole(role=Role.ADMIN)]))
        db.session.commit()
        click.echo(f"Đã tạo quản trị viên {username}.")
