"""Per-portal politeness, the circuit breaker, and retry with backoff.

All sessions of one portal in one runner share a `PortalGuard`: at most
`max_sessions` open at once, at least `min_interval` seconds between two
requests, and after `breaker_threshold` consecutive failures the portal is
declared down for the rest of the run instead of failing every unit.

A portal that answers 429 is asking us to slow down, not failing: every
session of it waits out its `Retry-After`, the least time between requests
doubles (up to `max_interval`), and each step that goes through brings it
back down by a little (a portal's limits are not known better than by its
answers). Such a step is tried again without spending one of its retries, up
to `rate_limited_retries` times: a busy night finishes late rather than failing
its work.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar

from playwright.async_api import Error as PlaywrightError

from ..errors import ApplicationException, PortalDown, RateLimited

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Policy:
    max_sessions: int = 4
    min_interval: float = 0.06
    breaker_threshold: int = 8
    retries: int = 4
    backoff: float = 0.5
    max_interval: float = 2.0
    rate_limited_retries: int = 40


@dataclass
class PortalGuard:
    name: str
    policy: Policy = field(default_factory=Policy)
    failures: int = 0
    last_error: str = ""
    open: bool = False
    _last_call: float = 0.0
    _resume_at: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    rate_limited: int = 0  # 429 answers this run (reported with the run)

    def __post_init__(self) -> None:
        self.sessions = asyncio.Semaphore(self.policy.max_sessions)
        self.interval = self.policy.min_interval  # the pace now: min_interval, or slower after a 429

    def check(self) -> None:
        if self.open:
            raise PortalDown(self.name, self.failures, self.last_error)

    async def pace(self) -> None:
        """Wait until this portal may be called again."""
        self.check()
        async with self._lock:
            wait = max(self._last_call + self.interval, self._resume_at) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_call = time.monotonic()

    def throttle(self, retry_after: float | None) -> None:
        """The portal answered 429: nobody calls it before `retry_after` seconds, and the pace halves."""
        self.rate_limited += 1
        pause = retry_after if retry_after is not None and retry_after > 0 else max(self.policy.backoff, 1.0)
        self._resume_at = max(self._resume_at, time.monotonic() + min(pause, 300.0))
        slower = max(self.interval, 0.01) * 2
        if slower > self.interval:
            log.info("%s asked us to slow down; %.3f s between requests now", self.name, min(slower, self.policy.max_interval))
        self.interval = min(slower, max(self.policy.max_interval, self.policy.min_interval))

    async def resumed(self) -> None:
        """Wait until a 429's pause is over."""
        wait = self._resume_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def succeeded(self) -> None:
        self.failures = 0
        # Back towards the configured pace, a little per step that went through.
        self.interval = max(self.policy.min_interval, self.interval * 0.98)

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
    number = 0
    slowed = 0
    while number <= guard.policy.retries:
        guard.check()
        try:
            result = await attempt()
        except RateLimited as exc:
            guard.throttle(exc.retry_after)
            slowed += 1
            if slowed <= guard.policy.rate_limited_retries:
                # Asked to slow down, not failed: the session stays (it is still logged in) and no retry is spent.
                log.info("%s answered 429; waiting", guard.name)
                await guard.resumed()
                continue
            last = exc
            guard.failed(exc)
            number += 1
            await guard.resumed()
            continue
        except (ApplicationException, PlaywrightError, asyncio.TimeoutError) as exc:
            last = exc
            guard.failed(exc)
            log.info("%s attempt %d failed: %s", guard.name, number + 1, type(exc).__name__)
            await on_failure(exc)
            guard.check()
            await asyncio.sleep(guard.policy.backoff * 2 ** number)
            number += 1
            continue
        guard.succeeded()
        return result
    assert last is not None
    raise RetriesExhausted(guard.name, guard.policy.retries + 1, last)
