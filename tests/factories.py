"""Factories for test data: make_agency, make_group, make_user — defaults plus overrides."""
import itertools

from commentflow.accounts.models import Role, User, UserRole
from commentflow.accounts.passwords import hash_password
from commentflow.core.clock import now_utc
from commentflow.directory.models import Agency, AgencyGroup, AgencyGroupMembership, AgencyKind
from commentflow.extensions import db

DEFAULT_PASSWORD = "mat-khau-thu-nghiem-1"
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
