"""Factories for test data: make_agency, make_group, make_user — defaults plus overrides."""
import itertools

from commentflow.accounts.models import Role, User, UserRole
from commentflow.accounts.passwords import hash_password
from commentflow.core.clock import now_utc
from commentflow.directory.models import Agency, AgencyGroup, AgencyGroupMembership, AgencyKind
from commentflow.extensions import db

DEFAULT_PASSWORD = "mat-khau-thu-nghiem-1"
#: The zone tests pass to services, as the boundaries pass the configured one.
ZONE = "Asia/Ho_Chi_Minh"
_counter = itertools.count(1)


def make_agency(**overrides) -> Agency:
    n = next(_counter)
    now = now_utc()
    values = {"name": f"Sở Thử nghiệm {n}", "code": f"ST{n}", "kind": AgencyKind.DEPARTMENT,
              "display_order": n * 10, "created_at": now, "updated_at": now}
    values.update(overrides)
    agency = Agency(**values)
    db.session.add(agency)
    db.session.flush()
    return agency


def make_group(agencies=(), **overrides) -> AgencyGroup:
    n = next(_counter)
    now = now_utc()
    values = {"name": f"Nhóm {n}", "display_order": n, "created_at": now, "updated_at": now}
    values.update(overrides)
    group = AgencyGroup(**values)
    group.memberships = [AgencyGroupMembership(agency=a, position=i)
                         for i, a in enumerate(agencies, start=1)]
    db.session.add(group)
    db.session.flush()
    return group


def make_user(roles=(Role.STAFF,), agency=None, password=DEFAULT_PASSWORD, **overrides) -> User:
    n = next(_counter)
    now = now_utc()
    values = {"username": f"user{n}", "full_name": f"Người Dùng {n}",
              "agency": agency or make_agency(), "created_at": now, "updated_at": now,
              "password_hash": hash_password(password), "password_changed_at": now}
    values.update(overrides)
    user = User(**values)
    user.role_rows = [UserRole(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    return user


SAMPLE_TXT = __import__("pathlib").Path(__file__).resolve().parent / "fixtures" / "samples" / \
    "du-thao-ke-hoach-218-kien-giang.txt"


def make_draft(author):
    from commentflow.drafts.services import create_draft

    return create_draft("Kế hoạch thực hiện Nghị quyết 218/NQ-CP", SAMPLE_TXT.read_bytes(),
                        SAMPLE_TXT.name, actor=author, now=now_utc(), max_bytes=10**7)


def make_round(author=None, recipients=(), *, deadline_at=None, open_=False, **overrides):
    """A round of the author's lead office over a fresh sample draft, to the recipients."""
    from datetime import date, timedelta

    from commentflow.rounds.services import RoundData, create_round, open_round

    author = author or make_user(roles=(Role.LEAD_STAFF,))
    draft = make_draft(author)
    now = now_utc()
    values = dict(subject="V/v góp ý dự thảo Kế hoạch thực hiện Nghị quyết số 218/NQ-CP",
                  place="Kiên Giang", letter_date=date(2024, 7, 2),
                  deadline_at=deadline_at or now + timedelta(days=10),
                  signer_position="Giám đốc", signer_name="Hồ Văn Dũng",
                  letter_number="2159", letter_notation="SYT-TCCB",
                  collecting_unit="Phòng Tổ chức cán bộ",
                  body="Sở Y tế đề nghị các cơ quan, đơn vị có ý kiến đóng góp.",
                  version_ids=[draft.latest_version.id],
                  agency_ids=[a.id for a in recipients])
    values.update(overrides)
    round_ = create_round(RoundData(**values), actor=author, now=now, confirmed=True, zone=ZONE)
    if open_:
        open_round(round_, actor=author, now=now, confirmed=True, zone=ZONE)
    db.session.flush()
    return round_


def make_sent_round(lead_agency=None, recipient_agency=None, **overrides):
    """An open round from a lead office to one agency; returns (round, recipient, lead user)."""
    lead = make_user(roles=(Role.LEAD_STAFF,), agency=lead_agency or make_agency())
    round_ = make_round(lead, [recipient_agency or make_agency()], open_=True, **overrides)
    return round_, round_.recipients[0], lead
