"""The Playwright trace attached to a failure shows the failing step, not the whole session before it."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import pytest

from bots.robots.base import Worker
from bots.runner import _evidence
from bots.runtime.browser import launch
from bots.runtime.guard import Policy, PortalGuard, RetriesExhausted
from bots.runtime.vault import Credentials
from browser import live_server, require_chromium
from practice_site import Practice, site

pytestmark = [pytest.mark.browser]


def _visited(trace: Path) -> list[str]:
    with zipfile.ZipFile(trace) as z:
        events = [json.loads(line) for name in z.namelist() if name.endswith(".trace")
                  for line in z.read(name).decode().splitlines() if line.strip()]
    return [e["params"]["url"].rsplit("/", 1)[-1] for e in events
            if e.get("type") == "before" and e.get("method") == "goto"]


def test_a_failure_trace_holds_only_the_failing_step(tmp_path: Path) -> None:
    require_chromium()

    async def night(base: str) -> tuple[Practice, RetriesExhausted]:
        async with launch() as (_pw, browser):
            session = Practice(browser, PortalGuard("practice", Policy(retries=0, backoff=0.01)),
                               Credentials(url=base), evidence_dir=tmp_path, trace=True)
            for name in ("first", "second", "third"):
                await session.visit(name, expect=name)  # clean steps: their traces are dropped
            with pytest.raises(RetriesExhausted) as failure:
                await session.visit("fourth", expect="missing")  # the screen never shows: a failure
            return session, failure.value

    with live_server(site()) as base:
        session, failure = asyncio.run(night(base))
    assert session.evidence.trace is not None and session.evidence.trace.exists()
    assert session.evidence.screenshot
    assert _visited(session.evidence.trace) == ["fourth"]
    # The unit's item carries the evidence of the session that gave up, even one borrowed from another worker's
    # pool: this worker's own session of that portal never failed.
    own = Practice(None, PortalGuard("practice"), Credentials(url="http://x"), evidence_dir=tmp_path)  # type: ignore[arg-type]
    attached = {a.filename: a.data for a in _evidence(Worker(sessions={"practice": own}), failure)}
    assert attached["practice-screen.png"] == session.evidence.screenshot
    assert attached["practice-trace.zip"] == session.evidence.trace.read_bytes()
    assert _evidence(Worker(sessions={"practice": own})) == []
