"""Users (each acting for one agency), roles, server-side sessions and login attempts."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from commentflow.core.roles import Role
from commentflow.core.text import fold, normalize, sort_key
from commentflow.directory.models import Agency
from commentflow.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    #: Chức vụ as written under a signature ("Phó Giám đốc", "Chuyên viên").
    position: Mapped[str | None] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(254))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column("is_active", default=True)
    #: Interface language chosen by the user ("vi" or "en"); None means the default.
    locale: Mapped[str | None] = mapped_column(String(8))
    full_name_folded: Mapped[str] = mapped_column(String(160), index=True)
    full_name_sort_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    password_changed_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]
    #: The account an API token acts through (an agency's e-office system), never a person:
    #: it cannot log in and is left out of people lists, assignments and notifications.
    is_api_client: Mapped[bool] = mapped_column(default=False, server_default=false())

    agency: Mapped[Agency] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    #: The server-side session this user object was loaded for (set by the user loader).
    current_session_token = None

    @validates("full_name")
    def _index_name(self, _key, value):
        value = normalize(value)
        self.full_name_folded = fold(value)
        self.full_name_sort_key = sort_key(value)
        return value

    @validates("username")
    def _lower_username(self, _key, value):
        return normalize(value).lower()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    def get_id(self) -> str | None:
        # Flask-Login stores this in the session and the remember cookie: it is the
        # server-side session token, so revoking the row ends that login everywhere.
        return self.current_session_token

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", native_enum=False, length=32))

    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(db.Model):
    """One login on one browser. Deleting or revoking the row logs that browser out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random token kept in the signed session cookie and the remember-me cookie.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    is_remembered: Mapped[bool] = mapped_column(default=False)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Every login attempt, kept in the database so throttling holds across all workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_attempted_at", "username", "attempted_at"),
        Index("ix_login_attempts_remote_addr_attempted_at", "remote_addr", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The login name as typed, lower-cased (attempts on unknown names are throttled too).
    username: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(default=False)
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class ApiToken(db.Model):
    """A credential an administrator issued to a system acting for one agency (its e-office
    system). Only a hash of the secret is kept; the secret is shown once, when issued."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the administrator called it: "Hệ thống QLVB Sở Tư pháp".
    name: Mapped[str] = mapped_column(String(160))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    #: The account the system acts as (roles from the scopes; audit events name it).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: Sorted subset of "lead", "read", "respond".
    scopes: Mapped[list] = mapped_column(JSON)
    #: SHA-256 of the secret (hex): the secret is 256 random bits, so a fast hash suffices.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The secret's first characters, to recognise a token in lists and logs.
    prefix: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Calls in the current rate-limit window, which began at window_started_at; counted in
    #: the database so that the limit holds across every worker and app server.
    window_started_at: Mapped[datetime | None]
    window_calls: Mapped[int] = mapped_column(default=0)
    #: Every authenticated call since the token was issued.
    call_count: Mapped[int] = mapped_column(default=0)

    agency: Mapped[Agency] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
