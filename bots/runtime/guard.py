"""Per-portal politeness, the circuit breaker, and retry with backoff.

All sessions of one portal in one runner share a `PortalGuard`: at most
`max_sessions` open at once, at least `min_interval` seconds between two
requests, and after `breaker_threshold` consecutive failures the portal is
declared down for the rest of the run instead of failing every unit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar

from playwright.async_api import Error as PlaywrightError

from ..errors import ApplicationException, PortalDown

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Policy:
    max_sessions: int = 4
    min_interval: float = 0.06
    breaker_threshold: int = 8
    retries: int = 4
    backoff: float = 0.5


@dataclass
class PortalGuard:
    name: str
    policy: Policy = field(default_factory=Policy)
    failures: int = 0
    last_error: str = ""
    open: bool = False
    _last_call: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.sessions = asyncio.Semaphore(self.policy.max_sessions)

    def check(self) -> None:
        if self.open:
            raise PortalDown(self.name, self.failures, self.last_error)

    async def pace(self) -> None:
        """Wait until this portal may be called again."""
        self.check()
        async with self._lock:
            wait = self._last_call + self.policy.min_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_call = time.monotonic()

    def succeeded(self) -> None:
        self.failures = 0

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.last_error = f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
        if self.failures >= self.policy.breaker_threshold and not self.open:
            self.open = True
            log.warning("circuit open for %s after %d consecutive failures", self.name, self.failures)


class RetriesExhausted(ApplicationException):
    def __init__(self, portal: str, attempts: int, last: BaseException) -> None:
        super().__init__(f"{portal}: {attempts} attempts failed; last: {type(last).__name__}: "
                         f"{str(last).splitlines()[0][:200] if str(last) else ''}")
        self.last = last
        self.session: object = None  # the portal session that gave up, whose evidence tells why


async def with_retries(guard: PortalGuard, attempt: Callable[[], Awaitable[T]],
                       on_failure: Callable[[BaseException], Awaitable[None]]) -> T:
    """Run `attempt` until it succeeds; between tries `on_failure` drops the session for a fresh one.

    Only application failures are retried: a business exception, a password
    expiry or an open circuit goes straight up.
    """
    last: BaseException | None = None
    for number in range(guard.policy.retries + 1):
        guard.check()
        try:
            result = await attempt()
        except (ApplicationException, PlaywrightError, asyncio.TimeoutError) as exc:
            last = exc
            guard.failed(exc)
            log.info("%s attempt %d failed: %s", guard.name, number + 1, type(exc).__name__)
            await on_failure(exc)
            guard.check()
            await asyncio.sleep(guard.policy.backoff * 2 ** number)
            continue
        guard.succeeded()
        return result
    assert last is not None
    raise RetriesExhausted(guard.name, guard.policy.retries + 1, last)
