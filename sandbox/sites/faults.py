"""Faults a real portal shows at night, switchable per site at /_sandbox/faults.

All off by default (the demo); the robots' tests switch them on. Random
faults draw from a seeded generator so a failing run can be replayed.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class Faults:
    latency_ms: int = 0            # added to every page and download ("on" means 200)
    error_rate: float = 0.0        # share of requests answered 500 or 503
    maintenance: bool = False      # every page is the maintenance notice
    session_ttl_s: int = 0         # sessions end this many seconds after login (0: never)
    rate_limit_rps: int = 0        # above this many requests per second: 429 (0: no limit)
    password_expired: bool = False  # the next login lands on "your password has expired"
    layout_variant: bool = False   # element ids and labels of the new portal release
    slow_pdf_kbps: int = 0         # PDF downloads trickle at this rate (0: full speed)
    truncated_pdf_rate: float = 0.0  # share of PDF downloads cut off half-way
    corrupt_pdf_rate: float = 0.0  # share of PDF downloads with damaged bytes
    seed: int = 0

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        unknown = set(changes) - set(known)
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        for name, value in changes.items():
            current = getattr(self, name)
            try:
                cast = type(current)(value) if not isinstance(current, bool) else _bool(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a {type(current).__name__}, not {value!r}") from None
            if isinstance(cast, (int, float)) and not isinstance(cast, bool) and cast < 0:
                raise ValueError(f"{name} cannot be negative")
            if name.endswith("_rate") and not 0 <= cast <= 1:
                raise ValueError(f"{name} is a share between 0 and 1")
            setattr(self, name, cast)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def all_on(cls, seed: int = 0) -> "Faults":
        """The robots' test setting: everything a night can throw, at modest rates."""
        return cls(latency_ms=200, error_rate=0.03, session_ttl_s=120, rate_limit_rps=20, truncated_pdf_rate=0.05,
                   corrupt_pdf_rate=0.02, seed=seed)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


class FaultState:
    """The live faults of one site, with its random generator and request counter."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._recent: deque[float] = deque()
        self.sessions = {"logins": 0, "logouts": 0}  # what a real portal counts against an account

    def count(self, what: str) -> None:
        with self._lock:
            self.sessions[what] += 1

    def update(self, changes: dict[str, Any]) -> None:
        with self._lock:
            self.faults.update(changes)
            if "seed" in changes:
                self._rng = random.Random(self.faults.seed)

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def choice(self, options: tuple[int, ...]) -> int:
        with self._lock:
            return self._rng.choice(options)

    def randrange(self, stop: int) -> int:
        with self._lock:
            return self._rng.randrange(max(stop, 1))

    def over_rate_limit(self) -> bool:
        limit = self.faults.rate_limit_rps
        if limit <= 0:
            return False
        now = time.monotonic()
        with self._lock:
            while self._recent and now - self._recent[0] > 1.0:
                self._recent.popleft()
            if len(self._recent) >= limit:
                return True
            self._recent.append(now)
            return False
