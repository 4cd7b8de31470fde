"""Passwords (argon2id), login throttling and bot tokens (hashed at rest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from hme_rpa.config import Config

from ..db import utcnow
from ..domain.kinds import Team
from ..exceptions import Conflict, InvalidInput
from ..models import ApiToken, LoginAttempt, Role, User, WebSession

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
    end_sessions(session, user.id)  # a new password ends every session the old one opened
    session.commit()


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivate (every open session ends with it) or reactivate a person; their history stays."""
    user.active = active
    if not active:
        end_sessions(session, user.id)
    session.commit()


# --- web sessions, held on the server ------------------------------------------------------------------

def everyone(session: Session) -> list[User]:
    """Every user, the active ones first, by name (the supervisors' people page)."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.display_name)))


def start_session(session: Session, config: Config, user: User, now: dt.datetime | None = None) -> str:
    """A new session for `user`: the random id for the cookie (only its SHA-256 is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_digest(token), user_id=user.id, created_at=now,
                           expires_at=now + dt.timedelta(hours=config.session_hours)))
    return token


def session_user(session: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The active user of a live session, or None (ended, expired, unknown, user deactivated)."""
    now = now or utcnow()
    # One statement on every page and click: the session, its user and the user's teams together.
    return session.scalars(
        select(User).join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.token_hash == _digest(token), WebSession.ended_at.is_(None), WebSession.expires_at > now,
               User.active.is_(True))
        .options(joinedload(User.team_rows))).unique().first()


def end_session(session: Session, token: str, now: dt.datetime | None = None) -> None:
    session.execute(update(WebSession).where(WebSession.token_hash == _digest(token), WebSession.ended_at.is_(None))
                    .values(ended_at=now or utcnow()))


def end_sessions(session: Session, user_id: int, now: dt.datetime | None = None) -> None:
    session.execute(update(WebSession).where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
                    .values(ended_at=now or utcnow()))


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
    # The attempt is written (as a failure) and committed before it is counted, and every committed failure is
    # counted (not only those numbered before it: ids are handed out before commits, which may land in another
    # order), so attempts at once cannot all see the count below the limit: of any k attempts, the last to count
    # sees all k committed, and at most `login_max_failures` check a password. A good password turns its row
    # into a success.
    attempt = LoginAttempt(username=username, address=address[:64], success=False, at=now)
    session.add(attempt)
    session.commit()
    by_user = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at >= since))
    by_address = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.address == address[:64], LoginAttempt.success.is_(False), LoginAttempt.at >= since))
    if (by_user or 0) > config.login_max_failures or (by_address or 0) > 5 * config.login_max_failures:
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
    attempt.success = ok
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


TOKEN_DAYS = 365  # a bot token's life unless its maker says otherwise


def create_token(session: Session, name: str, scope: str = "bot", *, days: int = TOKEN_DAYS,
                 teams: list[Team] | None = None, now: dt.datetime | None = None) -> str:
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput("Token names are 1-64 characters.")
    if not 1 <= days <= 3660:
        raise InvalidInput("A token lives 1 to 3660 days.")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(f"A token named {name!r} exists; revoke it first or pick another name.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, token_hash=_digest(token), scope=scope,
                         expires_at=(now or utcnow()) + dt.timedelta(days=days),
                         teams=",".join(sorted(t.value for t in teams or []))))
    session.commit()
    return token


def find_token(session: Session, token: str, now: dt.datetime | None = None) -> ApiToken | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= (now or utcnow()):
        return None
    return row


def revoke_token(session: Session, name: str) -> bool:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    session.commit()
    return True
