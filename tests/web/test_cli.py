"""Command-line entry points: the demo province, the first administrator, drafts."""
import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from commentflow.accounts.models import Role, User
from commentflow.accounts.passwords import hash_password
from commentflow.core.clock import now_utc
from commentflow.demo.data import AGENCIES
from commentflow.directory.models import Agency, AgencyGroup, AgencyKind
from commentflow.drafts.imports import start_import
from commentflow.drafts.models import DraftImport
from commentflow.drafts.reading import Limits
from commentflow.exchange import edxml
from commentflow.extensions import db
from commentflow.rounds.models import Round, RoundState
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.fixtures.office import auto_numbered, converted, typed_docx
from tests.unit.test_version_alignment import NEW, OLD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_demo_builds_todays_province_with_its_history_and_prints_logins(app, runner):
    result = runner.invoke(args=["demo", "--password", "mat-khau-demo-1"])
    assert result.exit_code == 0, result.output
    for username in ("admin", "trang.syt", "dung.syt", "minh.stc", "hoa.stc", "lan.stc"):
        assert username in result.output
    db.session.rollback()
    groups = db.session.scalars(select(AgencyGroup).order_by(AgencyGroup.display_order)).all()
    assert [g.name for g in groups] == [
        "Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân các xã, phường, đặc khu",
        "Các phòng chuyên môn và tương đương thuộc Sở Y tế",
        "Các cơ quan, đơn vị trực thuộc Sở Y tế"]
    members = [m.agency for g in groups for m in g.memberships]
    assert len(members) == 20
    # Today's structure: every recipient active, no district level (since 1/7/2025).
    assert all(a.is_active and a.kind != AgencyKind.DISTRICT for a in members)
    lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
    assert lead.agency.name == "Sở Y tế" and lead.roles == {Role.LEAD_STAFF}
    assert lead.agency.parent.name == "Ủy ban nhân dân tỉnh An Giang"
    # The 2024 letter's bodies are kept as history, each pointing to its successor.
    by_code = {a.code: a for a in db.session.scalars(select(Agency))}
    for old, new, since in (("UBND-KG", "Ủy ban nhân dân tỉnh An Giang", date(2025, 7, 1)),
                            ("UBND-RG", "Ủy ban nhân dân phường Rạch Giá", date(2025, 7, 1)),
                            ("SKHDT", "Sở Tài chính", date(2025, 3, 1))):
        assert not by_code[old].is_active
        assert (by_code[old].succeeded_by.name, by_code[old].succeeded_on) == (new, since)


def test_the_demo_has_a_round_waiting_for_every_agency(app, runner):
    """Every demo user finds work: the lead office has sent the sample draft to the four
    groups; the agency's clerk has the letter to register."""
    runner.invoke(args=["demo", "--password", "mat-khau-demo-1"])
    db.session.rollback()
    round_ = db.session.scalar(select(Round))
    assert round_.state == RoundState.OPEN and round_.reference == "2159/SYT-TCCB"
    assert len(round_.recipients) == 20
    clerk = app.test_client()
    clerk.post("/login", data={"csrf_token": csrf_token_from(clerk.get("/login")),
                               "username": "lan.stc", "password": "mat-khau-demo-1"})
    inbox = clerk.get("/inbox/").get_data(as_text=True)
    assert "2159/SYT-TCCB" in inbox and "Nghị quyết số 218/NQ-CP" in inbox
    page = clerk.get(f"/inbox/{round_.id}").get_data(as_text=True)
    assert '<button type="submit">Vào sổ</button>' in page  # the clerk's next step
    # Every agency has its electronic code: the round also goes out as one edXML package.
    lead = app.test_client()
    lead.post("/login", data={"csrf_token": csrf_token_from(lead.get("/login")),
                              "username": "trang.syt", "password": "mat-khau-demo-1"})
    package = edxml.read_package(lead.get(f"/rounds/{round_.id}/request.edxml").data,
                                 max_bytes=10**8)
    assert len(package.receivers) == 20 and package.sender.organ_id == "000.00.01.H01"


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
    assert db.session.scalar(select(func.count(Agency.id))) == len(AGENCIES)  # built once
    assert db.session.scalar(select(func.count(Round.id))) == 1
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


def test_draft_outline_reads_every_format(app, runner, tmp_path):
    odt = tmp_path / "ke-hoach.odt"
    odt.write_bytes(converted(auto_numbered(FIXTURES / "samples" / "ke-hoach-cao-minh-2026.docx"),
                              "odt", tmp_path))
    result = runner.invoke(args=["draft", "outline", str(odt), "--json"])
    assert result.exit_code == 0, result.output

    def keys(nodes):
        return [key for node in nodes for key in [node["key"], *keys(node["children"])]]

    expected = json.loads((FIXTURES / "outlines" / "ke-hoach-cao-minh-2026.json").read_text())
    assert keys(json.loads(result.output)) == \
        ["header"] + [row["key"] for row in expected]

    broken = tmp_path / "du-thao.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    refused = runner.invoke(args=["draft", "outline", str(broken)])
    assert refused.exit_code != 0 and "Tệp PDF bị hỏng" in refused.output


def test_draft_imports_reads_what_waits_for_cron(app, runner, tmp_path):
    staff = make_user(roles=(Role.LEAD_STAFF,))
    data = converted(typed_docx("KẾ HOẠCH\nThực hiện\nI. MỤC ĐÍCH\n1. Mục đích"), "rtf", tmp_path)
    job = start_import("", data, "ke-hoach.rtf", actor=staff, now=now_utc(),
                       max_bytes=10**7, limits=Limits())
    db.session.commit()
    result = runner.invoke(args=["draft", "imports"])
    assert result.exit_code == 0 and "1 draft import(s) read." in result.output
    db.session.expire_all()
    assert db.session.get(DraftImport, job.id).status == "done"


def test_reply_extract_prints_the_comments_a_reply_would_give(app, runner, tmp_path):
    reply = tmp_path / "cong-van.txt"
    reply.write_text("Sở Tài chính có ý kiến như sau:\n"
                     "1. Tại điểm b khoản 2 Mục III: đề nghị sửa thành “Nội dung mới”. "
                     "Lý do: rõ hơn.\n2. Đề nghị rà soát thể thức.\n")
    draft = FIXTURES / "samples" / "du-thao-ke-hoach-218-kien-giang.docx"
    result = runner.invoke(args=["reply", "extract", str(draft), str(reply), "--json"])
    assert result.exit_code == 0, result.output
    comments = json.loads(result.output)
    assert [(c["section_key"], c["source"], c["proposed_wording"], c["reason"])
            for c in comments] == [("III.2.b", "letter-paragraph", "Nội dung mới", "rõ hơn."),
                                   (None, "letter-paragraph", None, None)]


def test_draft_compare_prints_the_alignment_and_writes_a_redline(app, runner, tmp_path):
    (tmp_path / "lan-1.txt").write_text(OLD)
    (tmp_path / "lan-2.txt").write_text(NEW)
    result = runner.invoke(args=["draft", "compare", str(tmp_path / "lan-1.txt"),
                                 str(tmp_path / "lan-2.txt"), "--json",
                                 "--redline", str(tmp_path / "so-sanh.docx")])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"old_key": None, "new_key": "II.1", "change": "added"} in rows
    assert {"old_key": "II.2", "new_key": "II.4", "change": "split"} in rows
    assert (tmp_path / "so-sanh.docx").read_bytes()[:2] == b"PK"
