"""The one place that reads the environment.

Every setting has a default that works on a developer's machine; production
overrides them with `HME_*` environment variables. Tests pass overrides to
`Config.from_env(**overrides)` or to `create_app`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .business_days import BusinessCalendar, us_states

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting has a value the program cannot use; the message names it."""


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class Config:
    """Settings for the queue server, the robots and the command line."""

    # Where state lives. SQLite is the embedded default; production uses
    # postgresql+psycopg://user@host/db.
    data_dir: Path = REPO_ROOT / "var"
    database_url: str = ""
    # Flask session signing key. A random one is made per process when unset,
    # which logs everybody out on restart: set HME_SECRET_KEY in production.
    secret_key: str = ""
    cookie_secure: bool = True
    session_hours: int = 10
    # A biller's claim on an item lapses after this long without a heartbeat
    # from the open item page.
    lease_minutes: int = 20
    # Login throttling: this many failed attempts per username (or five times
    # as many per address) inside the window lock further attempts out.
    login_max_failures: int = 5
    login_window_minutes: int = 15
    # argon2 cost; tests lower it, production keeps the library's default.
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    max_attachment_bytes: int = 25 * 1024 * 1024
    max_batch_items: int = 1000
    page_size: int = 50
    # Where a claim opens in the supplier's billing system, e.g. "https://medibill.example/claims/{claim_number}":
    # an item's claim number links there (no link when unset).
    billing_claim_url: str = ""
    # The supplier's business day: snoozes wake, SLAs and deadlines count in it.
    timezone: str = "America/New_York"
    # Days the supplier is closed, which SLAs do not count: "us-federal" (the federal holidays as observed) or
    # "none", and the supplier's own closed days as ISO dates ("2026-11-27,2026-12-24").
    holidays: str = "us-federal"
    closed_days: str = ""
    # KPIs: DSO's revenue period (seed 002: a quarter, six months or a year), how often documentation is
    # followed up (seed 002: every 2-3 days for a small supplier, daily for a large one), and the minutes a
    # person would spend on one unit each robot finishes alone (the supplier's own time study; these are estimates).
    dso_period_days: int = 91
    doc_follow_up_days: int = 3
    minutes_saved: str = "claim-status=6,eobs=20,cmns=10,reports=30"
    # Politeness per portal: "portal=sessions/seconds" (most sessions open at once / least time between two
    # requests). A portal not named takes 4 sessions and 0.06 s. The billing system is the supplier's own: its
    # limit is its capacity and its licences, not courtesy to a payer, and it takes most of a night's requests.
    portal_limits: str = "billing=8/0.05"
    # A robot's unit of work that makes no progress (no portal step, no checkpoint) for this long is stopped
    # as an application failure with its evidence; a run with none for twice as long is stopped whole. Above
    # the longest single step (the billing system builds a large report in up to 15 minutes).
    unit_stall_seconds: int = 1200
    server_host: str = "127.0.0.1"
    server_port: int = 8400
    # The robots. The vault's key, given outright or in a file (default ~/.config/hme-rpa/vault.key); the
    # runner's name in the night's leases (default the host name); sessions per portal at most (0: each
    # portal's own limit); when each robot runs and how late a missed start may still run; the payers whose
    # EOBs are posted (default all; one posted by hand is left out); the Chromium to drive (default Debian's).
    vault_key: str = ""
    vault_key_file: str = ""
    # Where derived files that may be rebuilt are kept (the OCR model's word list); default
    # $XDG_CACHE_HOME/hme-rpa, else ~/.cache/hme-rpa.
    cache_dir: str = ""
    runner_name: str = ""
    contexts: int = 0
    schedule: str = "claim-status=22:00,eobs=01:00,cmns=03:00,reports=04:30"
    misfire_minutes: int = 120
    eob_payers: str = ""
    chromium: str = ""
    testing: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    _ENV = {
        "data_dir": "HME_DATA_DIR",
        "database_url": "HME_DATABASE_URL",
        "secret_key": "HME_SECRET_KEY",
        "cookie_secure": "HME_COOKIE_SECURE",
        "session_hours": "HME_SESSION_HOURS",
        "lease_minutes": "HME_LEASE_MINUTES",
        "login_max_failures": "HME_LOGIN_MAX_FAILURES",
        "login_window_minutes": "HME_LOGIN_WINDOW_MINUTES",
        "password_time_cost": "HME_PASSWORD_TIME_COST",
        "password_memory_kib": "HME_PASSWORD_MEMORY_KIB",
        "max_attachment_bytes": "HME_MAX_ATTACHMENT_BYTES",
        "max_batch_items": "HME_MAX_BATCH_ITEMS",
        "page_size": "HME_PAGE_SIZE",
        "billing_claim_url": "HME_BILLING_CLAIM_URL",
        "timezone": "HME_TIMEZONE",
        "holidays": "HME_HOLIDAYS",
        "closed_days": "HME_CLOSED_DAYS",
        "dso_period_days": "HME_DSO_PERIOD_DAYS",
        "doc_follow_up_days": "HME_DOC_FOLLOW_UP_DAYS",
        "minutes_saved": "HME_MINUTES_SAVED",
        "portal_limits": "HME_PORTAL_LIMITS",
        "unit_stall_seconds": "HME_UNIT_STALL_SECONDS",
        "server_host": "HME_HOST",
        "server_port": "HME_PORT",
        "vault_key": "HME_VAULT_KEY",
        "vault_key_file": "HME_VAULT_KEY_FILE",
        "cache_dir": "HME_CACHE_DIR",
        "runner_name": "HME_RUNNER",
        "contexts": "HME_CONTEXTS",
        "schedule": "HME_SCHEDULE",
        "misfire_minutes": "HME_MISFIRE_MINUTES",
        "eob_payers": "HME_EOB_PAYERS",
        "chromium": "HME_CHROMIUM",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> "Config":
        """Defaults, then the environment, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, var in cls._ENV.items():
            if var not in env:
                continue
            raw = env[var]
            kind = types[name]
            if kind in ("int", int) and not raw.strip():
                continue  # set but empty: the default, as if unset
            if kind in ("bool", bool):
                values[name] = _bool(var, raw)
            elif kind in ("int", int):
                values[name] = _int(var, raw)
            elif kind in ("Path", Path):
                values[name] = Path(raw)
            else:
                values[name] = raw
        if "vault_key_file" not in values:
            # The key file's default home follows the XDG convention, read here like every other setting.
            values["vault_key_file"] = str(Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
                                           / "hme-rpa" / "vault.key")
        if "cache_dir" not in values:
            values["cache_dir"] = str(Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hme-rpa")
        values.update(overrides)
        unknown = set(values) - set(types)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        config = cls(**values)
        return config._completed()

    def _completed(self) -> "Config":
        data_dir = Path(self.data_dir)
        database_url = self.database_url or f"sqlite:///{data_dir / 'hme-rpa.sqlite3'}"
        secret_key = self.secret_key or secrets.token_hex(32)
        if not 0 <= self.contexts <= 64:
            raise ConfigError("HME_CONTEXTS must be a whole number from 1 to 64 (0 or unset: each portal's limit)")
        if not 1 <= self.misfire_minutes <= 24 * 60:
            raise ConfigError("HME_MISFIRE_MINUTES must be between 1 and 1440")
        if self.unit_stall_seconds < 5:
            raise ConfigError("HME_UNIT_STALL_SECONDS must be at least 5")
        if self.lease_minutes < 1:
            raise ConfigError("HME_LEASE_MINUTES must be at least 1")
        if self.billing_claim_url and (not re.match(r"^https?://", self.billing_claim_url)
                                       or re.sub(r"\{claim_number\}", "", self.billing_claim_url).count("{")
                                       or "{claim_number}" not in self.billing_claim_url):
            raise ConfigError("HME_BILLING_CLAIM_URL must be an http(s) address holding {claim_number} and no other "
                              "braces, e.g. https://medibill.example/claims/{claim_number}")
        if not 1 <= self.max_batch_items <= 10000:
            raise ConfigError("HME_MAX_BATCH_ITEMS must be between 1 and 10000")
        if not 7 <= self.dso_period_days <= 366:
            raise ConfigError("HME_DSO_PERIOD_DAYS must be between 7 and 366")
        if not 1 <= self.doc_follow_up_days <= 30:
            raise ConfigError("HME_DOC_FOLLOW_UP_DAYS must be between 1 and 30")
        self.minutes_saved_per_unit  # raises ConfigError when malformed
        self.limits_per_portal  # likewise
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"HME_TIMEZONE {self.timezone!r} is not a known time zone") from None
        self._closed_days()  # raises ConfigError when HME_HOLIDAYS or HME_CLOSED_DAYS is malformed
        return replace(self, data_dir=data_dir, database_url=database_url, secret_key=secret_key)

    @property
    def minutes_saved_per_unit(self) -> dict[str, float]:
        """HME_MINUTES_SAVED as {robot: minutes}, e.g. "claim-status=6,eobs=20"."""
        out: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in self.minutes_saved.split(","))):
            name, _, minutes = part.partition("=")
            try:
                value = float(minutes)
            except ValueError:
                value = -1.0
            if not name.strip() or not 0 <= value <= 24 * 60:
                raise ConfigError(f"HME_MINUTES_SAVED: {part!r} is not robot=minutes (e.g. claim-status=6)")
            out[name.strip()] = value
        return out

    @property
    def limits_per_portal(self) -> dict[str, tuple[int, float]]:
        """HME_PORTAL_LIMITS as {portal: (sessions, seconds)}, e.g. "billing=8/0.03,medicare=2/0.5"."""
        out: dict[str, tuple[int, float]] = {}
        for part in filter(None, (p.strip() for p in self.portal_limits.split(","))):
            name, _, limit = part.partition("=")
            sessions, _, seconds = limit.partition("/")
            try:
                value = (int(sessions), float(seconds))
            except ValueError:
                value = (0, -1.0)
            if not name.strip() or not 1 <= value[0] <= 64 or not 0 <= value[1] <= 60:
                raise ConfigError(f"HME_PORTAL_LIMITS: {part!r} is not portal=sessions/seconds with 1 to 64 "
                                  "sessions and 0 to 60 seconds (e.g. billing=8/0.03)")
            out[name.strip()] = value
        return out

    def _closed_days(self) -> tuple[bool, str | None, frozenset[dt.date]]:
        """HME_HOLIDAYS and HME_CLOSED_DAYS: (federal holidays kept, the state whose holidays are kept too, the
        supplier's own closed days)."""
        kind = self.holidays.strip().lower()
        state = kind.removeprefix("us-").upper() if kind.startswith("us-") and kind != "us-federal" else None
        if kind not in {"us-federal", "none"} and (state is None or state not in us_states()):
            raise ConfigError(f"HME_HOLIDAYS must be us-federal, us- and a state's two letters (us-ma: federal "
                              f"and Massachusetts holidays) or none, not {self.holidays!r}")
        closed = set()
        for part in filter(None, (p.strip() for p in self.closed_days.split(","))):
            try:
                closed.add(dt.date.fromisoformat(part))
            except ValueError:
                raise ConfigError(f"HME_CLOSED_DAYS: {part!r} is not a date as YYYY-MM-DD") from None
        return kind != "none", state, frozenset(closed)

    @property
    def business_calendar(self) -> BusinessCalendar:
        """The supplier's working days (HME_TIMEZONE, HME_HOLIDAYS, HME_CLOSED_DAYS), which SLAs count."""

        federal, state, closed = self._closed_days()
        return BusinessCalendar(self.tz, federal_holidays=federal, state=state, closed=closed)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> "dt.datetime":
        """The current time in the business timezone (aware)."""
        return dt.datetime.now(self.tz)

    @property
    def attachment_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def scheduler_store(self) -> str:
        """Where `hme-rpa schedule` keeps its jobs: a file of the runner's own, beside its vault (a runner holds
        an API token and nothing of the queue's database)."""
        return f"sqlite:///{self.data_dir / 'scheduler.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
