"""Watchdogs: no wait without an end.

A unit of work runs under `watched(stall)`: when it makes no progress for
`stall` seconds (no portal step finished, no checkpoint saved) it is cancelled
and fails as `UnitStalled`, an application failure with its evidence, instead
of waiting for ever on a session, a slot or a portal that never answers. The
run keeps its own clock (`RunClock`) of the last progress of any unit, which
the runner's run watchdog reads.

Progress is reported with `progressed()` from wherever work is done (a portal
step, a checkpoint); it finds the unit it belongs to through a context
variable, which tasks started inside the unit inherit.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import AsyncIterator

from ..errors import UnitStalled


@dataclass
class RunClock:
    """When anything in the run last moved forward (monotonic seconds)."""

    last: float = field(default_factory=time.monotonic)

    def tick(self) -> None:
        self.last = time.monotonic()

    def idle_for(self) -> float:
        return time.monotonic() - self.last


@dataclass
class _Watch:
    timeout: asyncio.Timeout
    stall: float
    clock: RunClock | None


_current: ContextVar[_Watch | None] = ContextVar("hme_rpa_unit_watch", default=None)


@asynccontextmanager
async def watched(stall: float, clock: RunClock | None = None) -> AsyncIterator[None]:
    """Run the block; cancel it with UnitStalled after `stall` seconds without `progressed()`."""
    async with _timeout(stall) as timeout:
        token = _current.set(_Watch(timeout, stall, clock))
        try:
            yield
        finally:
            _current.reset(token)


@asynccontextmanager
async def _timeout(stall: float) -> AsyncIterator[asyncio.Timeout]:
    timeout = asyncio.timeout(stall)
    try:
        async with timeout:
            yield timeout
    except TimeoutError as exc:
        if timeout.expired():  # ours fired; a TimeoutError from inside the work is the work's own failure
            raise UnitStalled(f"no progress for {stall:.0f} s: stopped by the unit's watchdog") from exc
        raise


def progressed() -> None:
    """The current unit moved forward: its watchdog starts counting again."""
    watch = _current.get()
    if watch is None:
        return
    watch.timeout.reschedule(asyncio.get_running_loop().time() + watch.stall)
    if watch.clock is not None:
        watch.clock.tick()
