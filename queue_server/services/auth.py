"""Passwords (argon2id), login throttling and bot tokens (hashed at rest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hme_rpa.config import Config

from ..db import utcnow
from ..domain.kinds import Team
from ..exceptions import Conflict, InvalidInput
from ..models import ApiToken, LoginAttempt, Role, User

TOKEN_PREFIX = "hme_"
MIN_PASSWORD_CHARS = 12
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def hasher(config: Config) -> PasswordHasher:
    return PasswordHasher(time_cost=config.password_time_cost, memory_cost=config.password_memory_kib)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_CHARS} characters.")


def create_user(session: Session, config: Config, *, username: str, password: str, role: Role,
                teams: list[Team], display_name: str | None = None) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput("Usernames are 2-64 lower-case letters, digits, dots, dashes or underscores.")
    check_password_strength(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"User {username!r} already exists.")
    user = User(username=username, display_name=display_name or username,
                password_hash=hasher(config).hash(password), role=role)
    user.set_teams(teams)
    session.add(user)
    session.commit()
    return user


def set_password(session: Session, config: Config, user: User, password: str) -> None:
    check_password_strength(password)
    user.password_hash = hasher(config).hash(password)
    session.commit()


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_minutes: int = 0


def authenticate(session: Session, config: Config, username: str, password: str, address: str,
                 now: dt.datetime | None = None) -> LoginResult:
    """Check a login; record the attempt. Refuses early while throttled."""
    now = now or utcnow()
    username = username.strip().lower()[:64]
    since = now - dt.timedelta(minutes=config.login_window_minutes)
    by_user = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at >= since))
    by_address = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.address == address, LoginAttempt.success.is_(False), LoginAttempt.at >= since))
    if (by_user or 0) >= config.login_max_failures or (by_address or 0) >= 5 * config.login_max_failures:
        return LoginResult(None, locked_minutes=config.login_window_minutes)
    user = session.scalar(select(User).where(User.username == username))
    ok = False
    ph = hasher(config)
    if user is not None and user.active:
        try:
            ok = ph.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and ph.check_needs_rehash(user.password_hash):
            user.password_hash = ph.hash(password)
    else:
        # Spend the same time on unknown names so timing does not reveal them.
        try:
            ph.verify(_DUMMY_HASH.get(ph), password)
        except (VerificationError, InvalidHashError):
            pass
    session.add(LoginAttempt(username=username, address=address[:64], success=ok, at=now))
    session.commit()
    return LoginResult(user if ok else None)


class _DummyHash:
    def __init__(self) -> None:
        self._cache: dict[tuple[int, int], str] = {}

    def get(self, ph: PasswordHasher) -> str:
        key = (ph.time_cost, ph.memory_cost)
        if key not in self._cache:
            self._cache[key] = ph.hash(secrets.token_hex(16))
        return self._cache[key]


_DUMMY_HASH = _DummyHash()


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough to make a stolen
    # table useless; argon2 would only slow every API call.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, name: str, scope: str = "bot") -> str:
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput("Token names are 1-64 characters.")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(f"A token named {name!r} exists; revoke it first or pick another name.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=_digest(token), scope=scope))
    session.commit()
    return token


def find_token(session: Session, token: str) -> ApiToken | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def revoke_token(session: Session, name: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    session.commit()
    return True
