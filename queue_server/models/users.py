from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, utcnow
from ..domain.kinds import Team


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings: adding a value needs no ALTER TYPE.
    return Enum(cls, native_enum=False, create_constraint=False, length=32,
                values_callable=lambda e: [m.value for m in e])


class Role(enum.StrEnum):
    BILLER = "biller"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team_rows: Mapped[list["UserTeam"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    @property
    def teams(self) -> list[Team]:
        return sorted((row.team for row in self.team_rows), key=lambda t: t.value)

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    def set_teams(self, teams: list[Team]) -> None:
        wanted = set(teams)
        self.team_rows = [row for row in self.team_rows if row.team in wanted]
        have = {row.team for row in self.team_rows}
        self.team_rows.extend(UserTeam(team=t) for t in sorted(wanted - have, key=str))


class UserTeam(Base):
    __tablename__ = "user_teams"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team: Mapped[Team] = mapped_column(_enum(Team), primary_key=True)
    user: Mapped[User] = relationship(back_populates="team_rows")


class LoginAttempt(Base):
    """Failed and successful logins, for throttling and for the audit trail."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bot's bearer token. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(32), default="bot")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    # A token ends on its own; one made for some teams reads and files only their items ("" = every team).
    expires_at: Mapped[dt.datetime | None]
    teams: Mapped[str] = mapped_column(String(255), default="", server_default="")

    @property
    def team_scope(self) -> frozenset[Team]:
        return frozenset(Team(t) for t in self.teams.split(",") if t)


class WebSession(Base):
    """A person's logged-in session, held on the server: the cookie carries only a random id, whose SHA-256 is
    kept here. Log-out, a password change or deactivation ends it here, whatever the browser still holds."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
