"""No wait without an end: session slots come back on every path, stuck units and runs are stopped."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bots.errors import UnitStalled
from bots.portals import base
from bots.portals.base import PortalSession
from bots.robots.base import Filing
from bots.runner import Night
from bots.runtime.guard import Policy, PortalGuard
from bots.runtime.vault import Credentials
from bots.runtime.watchdog import RunClock, progressed, watched


class _Page:
    url = "http://portal/"

    async def goto(self, url: str, **kwargs: Any) -> None:
        self.url = url


class _Context:
    def __init__(self) -> None:
        self.closed = False

    async def new_page(self) -> _Page:
        return _Page()

    async def close(self) -> None:
        self.closed = True

    def on(self, event: str, handler: Any) -> None:
        return None


class _Session(PortalSession):
    name = "billing"

    async def login(self, page: Any) -> None:
        return None


def _session(guard: PortalGuard, tmp_path: Path) -> _Session:
    return _Session(None, guard, Credentials(url="http://portal"), evidence_dir=tmp_path, trace=False)  # type: ignore[arg-type]


def test_a_cancel_while_the_context_opens_gives_the_slot_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opening = asyncio.Event

    async def scenario() -> tuple[int, bool]:
        started, release = opening(), opening()
        contexts: list[_Context] = []

        async def new_context(browser: Any, **kwargs: Any) -> _Context:
            started.set()
            await release.wait()  # a browser busy opening the context when the cancel lands
            contexts.append(_Context())
            return contexts[-1]

        monkeypatch.setattr(base, "new_context", new_context)
        guard = PortalGuard("billing", Policy(max_sessions=1))
        cancelled = _session(guard, tmp_path)
        task = asyncio.ensure_future(cancelled.page())
        await started.wait()
        task.cancel()  # a sibling claim failed: the check's other claims are cancelled
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        # The one slot is free: another session opens at once, and so does the cancelled one afterwards (it
        # does not take a second slot for the one it no longer holds).
        other = _session(guard, tmp_path)
        await asyncio.wait_for(other.page(), 2)
        await other.close()
        await asyncio.wait_for(cancelled.page(), 2)
        await cancelled.close()
        return guard.sessions._value, cancelled._holding_slot  # type: ignore[attr-defined]

    free, holding = asyncio.run(scenario())
    assert (free, holding) == (1, False)


def test_a_cancel_while_closing_still_gives_the_slot_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def scenario() -> int:
        class SlowClose(_Context):
            async def close(self) -> None:
                await asyncio.sleep(60)

        async def new_context(browser: Any, **kwargs: Any) -> _Context:
            return SlowClose()

        monkeypatch.setattr(base, "new_context", new_context)
        guard = PortalGuard("billing", Policy(max_sessions=1))
        session = _session(guard, tmp_path)
        await session.page()
        closing = asyncio.ensure_future(session.close())
        await asyncio.sleep(0.05)
        closing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await closing
        return guard.sessions._value  # type: ignore[attr-defined]

    assert asyncio.run(scenario()) == 1


def test_a_unit_with_no_progress_is_stopped_and_one_that_moves_is_not() -> None:
    async def stuck() -> None:
        async with watched(0.2):
            await asyncio.Event().wait()  # a slot that never comes

    async def moving(clock: RunClock) -> str:
        async with watched(0.2, clock):
            for _ in range(8):  # 0.4 s in all, never 0.2 s without a step done
                await asyncio.sleep(0.05)
                progressed()
        return "done"

    with pytest.raises(UnitStalled, match="no progress"):
        asyncio.run(asyncio.wait_for(stuck(), 5))
    clock = RunClock()
    clock.last -= 100
    assert asyncio.run(moving(clock)) == "done"
    assert clock.idle_for() < 1  # the run saw the unit move


def test_a_timeout_inside_the_work_is_the_works_own_failure() -> None:
    async def work() -> None:
        async with watched(5):
            raise TimeoutError("the page did not load")

    with pytest.raises(TimeoutError, match="did not load"):
        asyncio.run(work())


def test_the_items_filed_count_loses_nothing_when_workers_file_at_once() -> None:
    class Queue:
        def __init__(self) -> None:
            self.lock = threading.Lock()
            self.n = 0

        def create(self, item: dict[str, Any]) -> dict[str, Any]:
            time.sleep(0.01)  # the server answering, while other workers' filings go on
            with self.lock:
                self.n += 1
                return {"created": True, "id": self.n}

    night = Night.__new__(Night)
    night.filed, night.kinds, night.queue = 0, {}, Queue()  # type: ignore[assignment]

    async def scenario() -> None:
        await asyncio.gather(*(night.file([Filing({"kind": "denial", "idempotency_key": f"k{i}"})]) for i in range(40)))

    asyncio.run(scenario())
    assert night.filed == 40 and night.kinds == {"denial": 40}


def test_a_run_in_which_nothing_moves_is_stopped_and_beats_while_it_waits() -> None:
    class Records:
        beats = 0

        def update_run(self, **values: Any) -> None:
            Records.beats += 1

    night = Night.__new__(Night)
    night.checkpoints, night.robot = Records(), type("R", (), {"name": "eobs"})()  # type: ignore[assignment]
    night.run_stall, night.stalled, night.clock = 0.4, False, RunClock()

    async def scenario() -> bool:
        work: asyncio.Future[None] = asyncio.get_running_loop().create_future()  # a run waiting for ever
        await asyncio.wait_for(night.watch(work), 5)
        return work.cancelled()

    assert asyncio.run(scenario()) and night.stalled and Records.beats >= 2


def test_a_cell_a_page_object_cannot_read_is_a_screen_not_as_expected(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from decimal import Decimal

    from bots.errors import ElementMissing
    from bots.runtime.guard import RetriesExhausted

    async def new_context(browser: Any, **kwargs: Any) -> _Context:
        return _Context()

    monkeypatch.setattr(base, "new_context", new_context)
    session = _session(PortalGuard("billing", Policy(retries=1, backoff=0.0)), tmp_path)

    async def read(page: Any) -> Decimal:
        return Decimal("12.3O")  # an O where a 0 stands: decimal.InvalidOperation

    with pytest.raises(RetriesExhausted) as failed:
        asyncio.run(session.run(read, label="claim"))
    assert isinstance(failed.value.last, ElementMissing) and "cannot read" in str(failed.value.last)


def test_a_portal_error_keeps_the_session_on_a_new_page_and_a_session_error_drops_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen in a full-size night: a claim's step failed five times running on a portal failing 3% of requests,
    each retry opening a context and logging in again (more requests to fail, and a session for the portal to
    count). A 5xx keeps the context and its log-in, on a new page (the old one shows the error); a session that
    expired gets a new context, its screen kept as evidence."""
    from bots.errors import PortalUnavailable, SessionExpired

    contexts: list[_Context] = []
    logins: list[int] = []

    class ShotPage(_Page):
        closed = False

        async def screenshot(self, **kwargs: Any) -> bytes:
            return b"png"

        async def close(self) -> None:
            self.closed = True

    class Ctx(_Context):
        def __init__(self) -> None:
            super().__init__()
            self.pages: list[ShotPage] = []

        async def new_page(self) -> ShotPage:  # type: ignore[override]
            self.pages.append(ShotPage())
            return self.pages[-1]

    class Counted(_Session):
        async def login(self, page: Any) -> None:
            logins.append(len(contexts))

    async def new_context(browser: Any, **kwargs: Any) -> _Context:
        contexts.append(Ctx())
        return contexts[-1]

    monkeypatch.setattr(base, "new_context", new_context)
    session = Counted(None, PortalGuard("billing", Policy(retries=3, backoff=0.0)),  # type: ignore[arg-type]
                      Credentials(url="http://portal"), evidence_dir=tmp_path, trace=False)
    failures = [PortalUnavailable("HTTP 503 at /main"), SessionExpired("back to the log-in page")]
    seen: list[Any] = []

    async def step(page: Any) -> str:
        seen.append(page)
        if failures:
            raise failures.pop(0)
        return "done"

    assert asyncio.run(session.run(step)) == "done"
    first, second = contexts
    # The 503: same context, no new log-in, a new page (the erring one closed), back on the portal first.
    assert seen[0] is not seen[1] and seen[0].closed and seen[1] in first.pages and seen[1].url == "http://portal/"
    # The expired session: a new context and log-in; the old context closed, its screen kept as evidence.
    assert first.closed and not second.closed and seen[2] in second.pages
    assert logins == [1, 2]
    assert session.evidence.screenshot == b"png"


def test_the_last_portal_error_closes_the_session_with_its_evidence(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from bots.errors import PortalUnavailable
    from bots.runtime.guard import RetriesExhausted

    contexts: list[_Context] = []

    class ShotPage(_Page):
        async def screenshot(self, **kwargs: Any) -> bytes:
            return b"png"

        async def close(self) -> None:
            return None

    class Ctx(_Context):
        async def new_page(self) -> ShotPage:  # type: ignore[override]
            return ShotPage()

    async def new_context(browser: Any, **kwargs: Any) -> _Context:
        contexts.append(Ctx())
        return contexts[-1]

    monkeypatch.setattr(base, "new_context", new_context)
    session = _session(PortalGuard("billing", Policy(retries=2, backoff=0.0)), tmp_path)

    async def step(page: Any) -> str:
        raise PortalUnavailable("HTTP 503 at /main")

    with pytest.raises(RetriesExhausted):
        asyncio.run(session.run(step))
    assert len(contexts) == 1 and contexts[0].closed and session.evidence.screenshot == b"png"
    assert session.guard.sessions._value == session.guard.policy.max_sessions  # type: ignore[attr-defined]
