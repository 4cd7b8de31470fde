"""Per-portal politeness, the circuit breaker, and retry with backoff.

All sessions of one portal in one runner share a `PortalGuard`: at most
`max_sessions` open at once, at least `min_interval` seconds between two
requests, and after `breaker_threshold` consecutive failures the portal is
declared down for the rest of the run instead of failing every unit.

What counts is what the portal counts: every request its pages receive. A
step is paced before its first request; the sessions report each request
their pages send (`sent`), and those a step sends unasked (a form's redirect,
a page reloading itself, a single-page app's own calls) are paid for after,
with room kept in each second for them.

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
from collections import deque
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar

from playwright.async_api import Error as PlaywrightError

from ..errors import ApplicationException, PortalDown, RateLimited, SessionExpired

T = TypeVar("T")
log = logging.getLogger(__name__)
# How long a pace's payment waits for its request: longer than any step takes to send its first request.
PAID_FOR_SECONDS = 5.0
# Requests a step may send beyond the one paced (a form's post, the page it redirects to, one redirect more).
BURST = 2


@dataclass
class Policy:
    max_sessions: int = 4
    min_interval: float = 0.06
    breaker_threshold: int = 8
    retries: int = 4
    backoff: float = 0.5
    max_interval: float = 2.0
    rate_limited_retries: int = 40
    # A session the portal ended after it had lived this long ended as sessions do (a portal's time-out):
    # logged in again without spending a retry, up to `relogins` times a step.
    lived_seconds: float = 30.0
    relogins: int = 3


@dataclass
class PortalGuard:
    name: str
    policy: Policy = field(default_factory=Policy)
    failures: int = 0
    last_error: str = ""
    open: bool = False
    _next_free: float = 0.0
    _resume_at: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _paid: deque[float] = field(default_factory=deque)
    _last_second: deque[float] = field(default_factory=deque)  # when each request of the last second went
    rate_limited: int = 0  # 429 answers this run (reported with the run)
    unpaced: int = 0  # requests sent beyond those paced (redirects, a page's own calls), charged after

    def __post_init__(self) -> None:
        self.sessions = asyncio.Semaphore(self.policy.max_sessions)
        self.interval = self.policy.min_interval  # the pace now: min_interval, or slower after a 429

    def check(self) -> None:
        if self.open:
            raise PortalDown(self.name, self.failures, self.last_error)

    async def pace(self, *, requests: int = 1, reported: bool = True) -> None:
        """Wait until this portal may be called again, and pay for the `requests` that follow (a form's post
        and the page it redirects to: 2). `reported` False for a request no page sends (the context's own
        HTTP client), of which `sent` hears nothing."""
        self.check()
        async with self._lock:
            # Again after each wait: requests reported meanwhile (a redirect) pushed the next free time back.
            while (wait := self._wait(time.monotonic(), requests)) > 0:
                await asyncio.sleep(wait)
            now = time.monotonic()
            self._next_free = max(self._next_free, now) + self.interval * requests
            for _ in range(requests):
                self._last_second.append(now)
                if reported:
                    self._paid.append(now)

    def _wait(self, now: float, requests: int = 1) -> float:
        """Seconds until the next request may go: one interval after the last, after a 429's pause, and while
        the last second holds as many requests as the pace allows in one, less BURST for the requests a step
        sends unasked (paid for after they went: a portal counting any one second must not see them over)."""
        while self._last_second and now - self._last_second[0] >= 1.0:
            self._last_second.popleft()
        per_second = max(int(1.0 / self.interval + 1e-9) - BURST, 1) if self.interval > 0 else 0
        full = per_second and len(self._last_second) + requests - 1 >= per_second and self._last_second
        return max(self._next_free - now, self._resume_at - now,
                   self._last_second[0] + 1.0 - now if full else 0.0)

    def sent(self) -> None:
        """A request went to the portal (sessions report every one their pages send). One a `pace` paid for
        costs nothing more; any other (the redirect after a form, a page's own calls) pushes the next request
        back by one interval, so that what a portal counts, not what the robot meant to do, keeps its rate."""
        now = time.monotonic()
        while self._paid and now - self._paid[0] > PAID_FOR_SECONDS:
            self._paid.popleft()  # a pace whose request never came (the step failed before it)
        if self._paid:
            # Paid for at its pace; it counts from now, when the portal sees it (a step may send it a while
            # after its pace: counted from then, the last second here would run ahead of the portal's).
            paid_at = self._paid.popleft()
            try:
                self._last_second.remove(paid_at)
            except ValueError:  # already out of the last second
                pass
            self._last_second.append(now)
            return
        self.unpaced += 1
        self._next_free = max(self._next_free, now) + self.interval
        self._last_second.append(now)

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


def _named(error: BaseException, width: int = 200) -> str:
    first = str(error).splitlines()[0][:width] if str(error) else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


class RetriesExhausted(ApplicationException):
    def __init__(self, portal: str, attempts: int, last: BaseException,
                 earlier: list[BaseException] | None = None) -> None:
        # Every attempt's failure, not the last alone: five failures of one kind and five of four kinds are
        # different troubles, and a failure seen once a night is only understood from what its run kept.
        before = f" (before it: {'; '.join(_named(e, 80) for e in earlier)})" if earlier else ""
        super().__init__(f"{portal}: {attempts} attempts failed; last: {_named(last)}{before}")
        self.last = last
        self.earlier = list(earlier or [])
        self.session: object = None  # the portal session that gave up, whose evidence tells why
        # The last try failed before the step began, opening the portal (its log-in): the portal's trouble,
        # not the unit's, which goes back to wait for it (the runner's `Night._given_back_at_login`).
        self.at_login = False


async def with_retries(guard: PortalGuard, attempt: Callable[[], Awaitable[T]],
                       on_failure: Callable[[BaseException], Awaitable[None]]) -> T:
    """Run `attempt` until it succeeds; between tries `on_failure` drops the session for a fresh one.

    Only application failures are retried: a business exception, a password
    expiry or an open circuit goes straight up.
    """
    last: BaseException | None = None
    failures: list[BaseException] = []
    number = 0
    slowed = 0
    relogged = 0
    while number <= guard.policy.retries:
        guard.check()
        try:
            result = await attempt()
        except RateLimited as exc:
            guard.throttle(exc.retry_after)
            slowed += 1
            if slowed <= guard.policy.rate_limited_retries:
                # Asked to slow down, not failed: the session stays (it is still logged in) and no retry is spent.
                log.info("%s answered 429 (%s); waiting", guard.name, exc)
                await guard.resumed()
                continue
            last = exc
            failures.append(exc)
            guard.failed(exc)
            number += 1
            await guard.resumed()
            continue
        except (ApplicationException, PlaywrightError, asyncio.TimeoutError) as exc:
            if _ended_as_sessions_do(guard, exc) and relogged < guard.policy.relogins:
                # The portal's time-out, not a failure: a person signs in again and goes on. Nothing is spent,
                # and the portal is not counted failing (its breaker would open on a night of long steps).
                relogged += 1
                log.info("%s session ended after %.0f s; logging in again", guard.name,
                         exc.logged_in_for)  # type: ignore[attr-defined]
                await on_failure(exc)
                continue
            last = exc
            failures.append(exc)
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
    raise RetriesExhausted(guard.name, guard.policy.retries + 1, last, failures[:-1])


def _ended_as_sessions_do(guard: PortalGuard, error: BaseException) -> bool:
    lived = error.logged_in_for if isinstance(error, SessionExpired) else None
    return lived is not None and lived >= guard.policy.lived_seconds
