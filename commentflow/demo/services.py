"""Builds (or refreshes) the demo province and returns the demo users' credentials."""
import secrets
from datetime import time, timedelta
from pathlib import Path

from sqlalchemy import select, text

from commentflow.accounts.models import User, UserRole
from commentflow.accounts.passwords import hash_password
from commentflow.accounts.services import UserData, create_user, reset_password
from commentflow.core.clock import configured_zone
from commentflow.core.dates import local_to_utc, local_today
from commentflow.demo.data import AGENCIES, EDOC_CODES, GROUPS, SUCCESSIONS, USERS
from commentflow.directory import services as directory
from commentflow.directory.models import Agency
from commentflow.drafts.models import Draft
from commentflow.drafts.services import create_draft
from commentflow.extensions import db
from commentflow.rounds.models import Round
from commentflow.rounds.services import RoundData, create_round, open_round

SAMPLE_DRAFT = "du-thao-ke-hoach-218-kien-giang.docx"
SAMPLE_TITLE = "Kế hoạch triển khai thực hiện Nghị quyết số 218/NQ-CP ngày 18/12/2023 của Chính phủ"


def _bootstrap_admin(agency: Agency, password: str, now) -> User:
    username, full_name, position, _code, roles = USERS[0]
    admin = db.session.scalar(select(User).where(User.username == username))
    if admin is None:
        admin = User(username=username, full_name=full_name, position=position,
                     agency=agency, password_hash=hash_password(password), created_at=now,
                     updated_at=now, password_changed_at=now,
                     role_rows=[UserRole(role=role) for role in roles])
        db.session.add(admin)
        db.session.flush()
    return admin


def _ensure_directory(now) -> dict[str, Agency]:
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    for order, (code, name, kind, _parent, _group) in enumerate(AGENCIES, start=1):
        if code not in agencies:
            agency = Agency(name=name, code=code, kind=kind, display_order=order * 10,
                            edoc_code=EDOC_CODES.get(code), created_at=now, updated_at=now)
            db.session.add(agency)
            agencies[code] = agency
    db.session.flush()
    for code, _name, _kind, parent, _group in AGENCIES:
        if parent:
            agencies[code].parent_id = agencies[parent].id
    for code, successor, since in SUCCESSIONS:  # history: kept, no longer offered
        agency = agencies[code]
        agency.succeeded_by_id, agency.succeeded_on = agencies[successor].id, since
        agency.is_active = False
    return agencies


def _ensure_groups(agencies, *, actor, now) -> None:
    existing = {g.name: g for g in directory.all_groups()}
    for index, (name, short_name) in enumerate(GROUPS):
        if name in existing:
            continue
        members = [agencies[code].id for code, *_rest, group in AGENCIES if group == index]
        directory.create_group(directory.GroupData(name=name, short_name=short_name,
                                                   display_order=(index + 1) * 10,
                                                   agency_ids=members), actor=actor, now=now)


def has_data() -> bool:
    """Whether anyone uses this database already (then the demo never touches it)."""
    return db.session.scalar(select(User.id).limit(1)) is not None


def erase_everything() -> None:
    """Empty every table (for `demo --reset`, after the user confirmed): the schema and its
    migration version stay."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables)
                                + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.expunge_all()  # nothing loaded before stands for a row that is gone


def build_demo(*, now, password: str | None = None,
               with_round: bool = True) -> list[tuple[str, str, str]]:
    """The demo province in an empty database (or completed where a part is missing);
    returns each demo user's (login, password, who). Call it only where has_data() is
    false or after erase_everything(): it sets the demo users' passwords. With `with_round`,
    the lead office has already sent the sample draft for comments (so every demo user finds
    work waiting); without it, the draft waits for its first round."""
    agencies = _ensure_directory(now)
    credentials = []
    admin_password = password or secrets.token_urlsafe(9)
    admin = _bootstrap_admin(agencies["SYT"], admin_password, now)
    _ensure_groups(agencies, actor=admin, now=now)
    for username, full_name, position, code, roles in USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is admin:
            user_password = admin_password
            admin.password_hash = hash_password(admin_password)
        else:
            user_password = password or secrets.token_urlsafe(9)
            if user is None:
                create_user(UserData(username=username, full_name=full_name, position=position,
                                     agency_id=agencies[code].id, roles=set(roles)),
                            user_password, actor=admin, now=now)
            else:
                reset_password(user, user_password, actor=admin, now=now)
        credentials.append((username, user_password,
                            f"{full_name} — {position}, {agencies[code].name}"))
    _ensure_sample_draft(now)
    if with_round:
        _ensure_sample_round(now)
    return credentials


def _ensure_sample_draft(now) -> None:
    """The draft plan of công văn 2159/SYT-TCCB (Kiên Giang, 2024), uploaded by the lead
    office."""


    lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
    if db.session.scalar(select(Draft.id).where(Draft.agency_id == lead.agency_id)):
        return
    path = Path(__file__).with_name(SAMPLE_DRAFT)
    create_draft(SAMPLE_TITLE, path.read_bytes(), SAMPLE_DRAFT, actor=lead, now=now,
                 max_bytes=50 * 1024 * 1024)


def _ensure_sample_round(now) -> None:
    """The request for comments on the sample draft, sent today to the four groups and due
    before 00:00 ten days on, as the round form sets a deadline; so that the agency's clerk
    finds a letter to register, its leader one to assign, and the lead office a tracker."""
    lead = db.session.scalar(select(User).where(User.username == "trang.syt"))
    if db.session.scalar(select(Round.id).where(Round.agency_id == lead.agency_id)):
        return
    zone = configured_zone()
    today = local_today(now, zone)
    draft = db.session.scalar(select(Draft).where(Draft.agency_id == lead.agency_id))
    round_ = create_round(RoundData(
        subject="V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP ngày "
                "18/12/2023 của Chính phủ",
        place="An Giang", letter_date=today,
        deadline_at=local_to_utc(today + timedelta(days=10), time(0, 0), zone),
        signer_position="Giám đốc", signer_name="Hồ Văn Dũng", letter_number="2159",
        letter_notation="SYT-TCCB", collecting_unit="Phòng Tổ chức cán bộ",
        body="Nhằm tham mưu Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện Nghị quyết số "
             "218/NQ-CP ngày 18/12/2023 của Chính phủ, Sở Y tế đề nghị các cơ quan, đơn vị "
             "có ý kiến đóng góp đối với dự thảo Kế hoạch (đính kèm).",
        version_ids=[draft.latest_version.id],
        group_ids=[group.id for group in directory.all_groups()]),
        actor=lead, now=now, zone=zone)
    open_round(round_, actor=lead, now=now, zone=zone)
