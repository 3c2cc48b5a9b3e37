"""Command-line entry points (`flask --app app …`); each calls a service and commits."""
import json
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from commentflow.accounts.models import Role, User, UserRole
from commentflow.accounts.passwords import check_new_password, hash_password
from commentflow.core.clock import configured_zone, now_utc
from commentflow.core.errors import DomainError
from commentflow.demo.services import build_demo, erase_everything, has_data
from commentflow.directory.models import Agency, AgencyKind
from commentflow.drafts.alignment import align
from commentflow.drafts.imports import run_imports
from commentflow.drafts.parsing import parse_blocks, walk
from commentflow.drafts.reading import Limits, read_document
from commentflow.drafts.redline import redline
from commentflow.exchange import services as exchange
from commentflow.exchange.folders import exchange_sweep, import_and_commit
from commentflow.extensions import db
from commentflow.notifications.outbox import deliver_due, mail_setup_problem
from commentflow.reminders.services import sweep
from commentflow.responses.models import Response
from commentflow.responses.reply_reading import read_reply
from commentflow.rounds.models import Round
from commentflow.scheduler import build_scheduler


def register_commands(app: Flask) -> None:
    app.cli.add_command(draft_group)
    app.cli.add_command(reply_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(exchange_group)

    @app.cli.command("demo")
    @click.option("--password", help="Use this password for every demo user "
                                     "(default: a new random one each).")
    @click.option("--reset", is_flag=True, help="Erase ALL data and build the demo anew "
                                                "(asks first).")
    @click.option("--yes", is_flag=True, help="Do not ask before --reset erases the data.")
    def demo(password, reset, yes):
        """Load the demo province into an empty database and print its logins.

        The province as it is today (An Giang), with the 2024 Kiên Giang agencies of công
        văn 2159/SYT-TCCB kept as history, merged into their successors.
        A database that has users is never changed (passwords someone changed stay); with
        --reset everything is erased first, after confirmation."""
        if has_data() and not reset:
            click.echo("Cơ sở dữ liệu đã có dữ liệu: không thay đổi gì (mật khẩu giữ nguyên). "
                       "Muốn dựng lại dữ liệu mẫu từ đầu: flask --app app demo --reset")
            return
        if reset and has_data():
            if not yes and not click.confirm(
                    "Xóa TOÀN BỘ dữ liệu (người dùng, dự thảo, đợt lấy ý kiến, ý kiến) rồi dựng "
                    "lại dữ liệu mẫu?", default=False):
                click.echo("Đã hủy; không thay đổi gì.")
                return
            erase_everything()
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


@click.group("draft")
def draft_group():
    """Drafts: inspect how a file splits into sections."""


@draft_group.command("outline")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the tree as JSON.")
def draft_outline(path, as_json):
    """Print the section tree of a draft in any accepted format (.docx, .doc, .rtf, .odt,
    PDF, a scan as PDF or image, .md, .txt)."""
    data = Path(path).read_bytes()
    try:
        reading = read_document(data, path, max_bytes=current_app.config["DRAFT_MAX_BYTES"],
                                limits=Limits.from_config(current_app.config))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    top = parse_blocks(reading.blocks)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in top], ensure_ascii=False, indent=2))
        return
    for note in reading.notes:
        click.echo(f"! {note}", err=True)
    for section in walk(top):
        snippet = section.text.split("\n", 1)[0]
        snippet = snippet[:70] + "…" if len(snippet) > 70 else snippet
        label = " ".join(part for part in (section.number, section.title or snippet) if part)
        flag = "" if section.commentable else "  (không góp ý)"
        click.echo(f"{'  ' * (section.level - 1)}{section.key:<14} {label}{flag}")


@draft_group.command("compare")
@click.argument("old_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("new_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the alignment as JSON.")
@click.option("--redline", "redline_path", type=click.Path(dir_okay=False),
              help="Also write the new version with Word tracked changes against the old.")
def draft_compare(old_path, new_path, as_json, redline_path):
    """Pair the sections of two versions of a draft (any accepted format)."""
    limits, max_bytes = Limits.from_config(current_app.config), current_app.config[
        "DRAFT_MAX_BYTES"]
    try:
        old, new = (parse_blocks(read_document(Path(path).read_bytes(), path,
                                               max_bytes=max_bytes, limits=limits).blocks)
                    for path in (old_path, new_path))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    pairs = align(old, new)
    if redline_path:
        Path(redline_path).write_bytes(redline(pairs, title=Path(new_path).stem,
                                               author="commentflow", when=now_utc()))
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in pairs], ensure_ascii=False, indent=2))
        return
    for pair in pairs:
        old_key = pair.old.key if pair.old else "—"
        new_key = pair.new.key if pair.new else "—"
        click.echo(f"{old_key:<14} {new_key:<14} {pair.change}")


@draft_group.command("imports")
def draft_imports():
    """Read the drafts waiting in the background (for cron; the scheduler does it every 2 s)."""
    count = run_imports(clock=now_utc, max_bytes=current_app.config["DRAFT_MAX_BYTES"],
                        limits=Limits.from_config(current_app.config),
                        locale=current_app.config.get("BABEL_DEFAULT_LOCALE", "vi"))
    click.echo(f"{count} draft import(s) read.")


@click.group("reply")
def reply_group():
    """Agencies' reply files read into comments."""


@reply_group.command("extract")
@click.argument("draft_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("reply_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the comments as JSON.")
def reply_extract(draft_path, reply_path, as_json):
    """Print the comments a reply file would give, placed on the sections of the draft."""
    limits = Limits.from_config(current_app.config)
    max_bytes = current_app.config["DRAFT_MAX_BYTES"]
    try:
        draft = read_document(Path(draft_path).read_bytes(), draft_path, max_bytes=max_bytes,
                              limits=limits)
        reading = read_reply(Path(reply_path).read_bytes(), reply_path,
                             parse_blocks(draft.blocks), max_bytes=max_bytes, limits=limits)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        click.echo(json.dumps([c.as_dict() for c in reading.candidates], ensure_ascii=False,
                              indent=2))
        return
    for candidate in reading.candidates:
        flag = "" if candidate.confident else "  (cần xem lại)"
        click.echo(f"{candidate.section_key or 'chung':<14} [{candidate.source}] "
                   f"{candidate.text[:80]}{flag}")


@click.group("reminders")
def reminders_group():
    """Reminders to agencies that have not answered."""


@reminders_group.command("sweep")
def reminders_sweep():
    """Queue every reminder that is due now (for cron; the scheduler does it every minute)."""

    counts = sweep(now=now_utc(), zone=configured_zone())
    db.session.commit()
    click.echo(f"Đã gửi {counts['sent']} lượt nhắc, bỏ qua {counts['skipped']} lượt quá thời điểm.")


@click.group("outbox")
def outbox_group():
    """The e-mail outbox."""


@outbox_group.command("deliver")
def outbox_deliver():
    """Send the e-mails that are due (for cron; the scheduler does it every 15 s)."""
    _require_mail_setup()
    counts = deliver_due(now=now_utc())
    click.echo(f"Đã gửi {counts['sent']} thư, {counts['retry']} thư sẽ thử lại, "
               f"{counts['failed']} thư thất bại.")


def _require_mail_setup() -> None:
    problem = mail_setup_problem(current_app.config)
    if problem:
        raise click.ClickException(problem)


@click.command("scheduler")
def scheduler_command():
    """Run the reminder sweep and the outbox sender until stopped (its own process)."""
    _require_mail_setup()

    click.echo("Bộ lập lịch đang chạy (nhắc hạn mỗi phút, gửi thư mỗi 15 giây). Ctrl+C để dừng.")
    try:
        build_scheduler(current_app._get_current_object()).start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.group("exchange")
def exchange_group():
    """edXML packages exchanged with e-office systems (QCVN 102:2016/BTTTT)."""


@exchange_group.command("sweep")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The exchange folder (default: COMMENTFLOW_EXCHANGE_DIR).")
def exchange_sweep_command(folder):
    """Apply the packages in incoming/ and write those due to outgoing/ (once; the
    scheduler does it every 30 s when COMMENTFLOW_EXCHANGE_DIR is set)."""
    folder = folder or current_app.config.get("EXCHANGE_DIR")
    if not folder:
        raise click.ClickException("Chưa đặt COMMENTFLOW_EXCHANGE_DIR (hoặc --folder).")
    counts = exchange_sweep(Path(folder), now=now_utc(), zone=configured_zone())
    click.echo(f"Đã nhận {counts['imported']} gói tin, từ chối {counts['refused']}; "
               f"đã ghi {counts['written']} gói tin đi, {counts['failed']} gói tin lỗi.")


@exchange_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def exchange_import(path: Path):
    """Apply one package (a request, a reply or a status)."""
    message, applied = import_and_commit(path.read_bytes(), path.name, now=now_utc(),
                                         zone=configured_zone())
    if not applied:
        raise click.ClickException(f"Từ chối gói tin: {message.reason}")
    click.echo(f"Đã nhận gói tin ({message.kind.value}), đợt lấy ý kiến số {message.round_id}.")


@exchange_group.command("export-request")
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def exchange_export_request(round_id: int, output: Path):
    """Write a sent round's request letter, with its drafts, for all its recipients."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException("Không có đợt lấy ý kiến này.")
    try:
        output.write_bytes(exchange.request_package(round_, list(round_.recipients),
                                                    zone=configured_zone()))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Đã ghi {output}.")


@exchange_group.command("export-reply")
@click.argument("response_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def exchange_export_reply(response_id: int, output: Path):
    """Write an agency's submitted reply, with its signed PDF and its comments."""
    response = db.session.get(Response, response_id)
    if response is None:
        raise click.ClickException("Không có văn bản trả lời này.")
    try:
        output.write_bytes(exchange.reply_package(response))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Đã ghi {output}.")
