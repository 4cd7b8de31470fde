"""A portal whose log-in fails is the portal's trouble, not the unit's: the session says where its retries ran
out, and the runner gives such a unit back to pending with no attempt spent (a bounded number of times a run),
while a unit whose own step fails is failed to a person as before."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select

from bots.robots.base import Outcome, Worker
from bots.runner import LOGIN_GIVE_BACKS, Night
from bots.runtime import checkpoints as runner_side
from bots.runtime.browser import launch
from bots.runtime.guard import Policy, PortalGuard, RetriesExhausted
from bots.runtime.vault import Credentials
from bots.runtime.watchdog import RunClock
from browser import live_server, require_chromium
from practice_site import Practice, site
from queue_client import QueueClient
from queue_server.models import RobotUnit, WorkItem

NIGHT = dt.date(2026, 11, 20)


def _failure(tmp_path: Path, login_fails: int, expect: str) -> RetriesExhausted:
    async def night(base: str) -> RetriesExhausted:
        async with launch() as (_pw, browser):
            session = Practice(browser, PortalGuard("practice", Policy(retries=1, backoff=0.01)),
                               Credentials(url=base), evidence_dir=tmp_path)
            with pytest.raises(RetriesExhausted) as failure:
                await session.visit("claims", expect)
            await session.close()
            return failure.value

    with live_server(site(login_fails)) as base:
        return asyncio.run(night(base))


@pytest.mark.browser
def test_the_session_says_whether_its_retries_ran_out_at_the_log_in(tmp_path: Path) -> None:
    require_chromium()
    at_login = _failure(tmp_path, login_fails=99, expect="claims")
    assert at_login.at_login and "HTTP 500" in str(at_login)
    # Logged in at the second try, then the step's own screen never shows: the unit's trouble.
    in_step = _failure(tmp_path, login_fails=1, expect="missing")
    assert not in_step.at_login


class _Robot:
    """Fails each unit's first `login_failures` tries at the log-in (or in its own step), then finishes it."""

    name = "eobs"

    def __init__(self, login_failures: int, *, at_login: bool = True) -> None:
        self.left = login_failures
        self.at_login = at_login
        self.tries = 0

    async def work(self, _ctx: Any, _worker: Worker, _unit: runner_side.Unit) -> Outcome:
        self.tries += 1
        if self.left > 0:
            self.left -= 1
            failure = RetriesExhausted("billing", 5, RuntimeError("HTTP 500 at /login"))
            failure.at_login = self.at_login
            raise failure
        return Outcome(totals={"posted": 1})


def _run(url: str, bot_token: str, database_url: str, tmp_path: Path, robot: _Robot) -> tuple[RobotUnit, int]:
    """The runner's work loop over one unit; the unit as it ended and the portal failures filed."""
    queue = QueueClient(url, bot_token, retries=0)
    cp = runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-a")
    cp.start_run()
    cp.plan([("R1", {})])
    night = Night.__new__(Night)
    night.robot, night.checkpoints, night.queue = robot, cp, queue  # type: ignore[assignment]
    night.night, night.units_dir, night.limit, night.down = NIGHT, tmp_path / "units", None, {}
    night.stall, night.clock, night.progress = 30.0, RunClock(), None
    night.totals, night.kinds, night.filed, night.done, night.total = {}, {}, 0, 0, 1
    night.finished, night.login_give_backs = Counter(), Counter()
    asyncio.run(night.work(Worker(sessions={}), None))  # type: ignore[arg-type]
    engine = create_engine(database_url)
    with engine.connect() as conn:
        unit = conn.execute(select(RobotUnit)).one()
        failures = conn.execute(select(func.count()).select_from(WorkItem)
                                .where(WorkItem.kind == "portal_failure")).scalar_one()
    engine.dispose()
    return unit, failures


def test_a_unit_whose_portal_log_in_failed_goes_back_without_spending_an_attempt(
        app: Flask, bot_token: str, database_url: str, tmp_path: Path) -> None:
    with live_server(app) as url:
        robot = _Robot(login_failures=LOGIN_GIVE_BACKS)
        unit, failures = _run(url, bot_token, database_url, tmp_path, robot)
    assert robot.tries == LOGIN_GIVE_BACKS + 1
    assert unit.status == "done" and unit.attempts == 1 and failures == 0


def test_a_log_in_failing_past_the_bound_goes_to_a_person(app: Flask, bot_token: str, database_url: str,
                                                          tmp_path: Path) -> None:
    with live_server(app) as url:
        robot = _Robot(login_failures=LOGIN_GIVE_BACKS + 1)
        unit, failures = _run(url, bot_token, database_url, tmp_path, robot)
    assert robot.tries == LOGIN_GIVE_BACKS + 1
    assert unit.status == "failed" and failures == 1


def test_a_units_own_step_failing_is_failed_at_once(app: Flask, bot_token: str, database_url: str,
                                                    tmp_path: Path) -> None:
    with live_server(app) as url:
        robot = _Robot(login_failures=1, at_login=False)
        unit, failures = _run(url, bot_token, database_url, tmp_path, robot)
    assert robot.tries == 1 and unit.status == "failed" and failures == 1


def _visits(tmp_path: Path, app: Flask, policy: Policy, pause: float) -> tuple[list[str], BaseException | None]:
    """Visit a screen, wait `pause` seconds, visit another: the screens seen, and the failure if any."""
    async def night(base: str) -> tuple[list[str], BaseException | None]:
        seen: list[str] = []
        async with launch() as (_pw, browser):
            session = Practice(browser, PortalGuard("practice", policy), Credentials(url=base), evidence_dir=tmp_path)
            try:
                await session.visit("claims", "claims")
                seen.append("claims")
                await asyncio.sleep(pause)
                await session.visit("payments", "payments")
                seen.append("payments")
            except RetriesExhausted as exc:
                return seen, exc
            finally:
                await session.close()
        return seen, None

    with live_server(app) as base:
        return asyncio.run(night(base))


@pytest.mark.browser
def test_a_session_the_portal_timed_out_logs_in_again_without_spending_a_retry(tmp_path: Path) -> None:
    """Seen in a chaos round: a check's posting failed after five attempts that each found the log-in page.
    A session that lived a while and then ended is the portal's time-out: logged in again, no retry spent
    (here none is left to spend)."""
    require_chromium()
    app = site(session_ttl=1.0)
    seen, failure = _visits(tmp_path, app, Policy(retries=0, backoff=0.01, lived_seconds=0.5), pause=1.3)
    assert failure is None and seen == ["claims", "payments"]
    assert app.config["calls"]["login"] == 2


@pytest.mark.browser
def test_a_session_ended_at_once_spends_retries_and_relogins_are_bounded(tmp_path: Path) -> None:
    require_chromium()
    # Ended as soon as it began: the portal refuses the session; each try is spent, and the failure names
    # every attempt's trouble, not the last alone.
    app = site(session_ttl=0.001)
    seen, failure = _visits(tmp_path, app, Policy(retries=2, backoff=0.01, lived_seconds=30.0), pause=0)
    assert seen == [] and isinstance(failure, RetriesExhausted)
    assert "3 attempts failed" in str(failure) and str(failure).count("SessionExpired") == 3
    assert app.config["calls"]["login"] == 3
    # Timed out every time however long it lived: logged in again `relogins` times, then spent as a failure.
    app = site(session_ttl=0.001)
    seen, failure = _visits(tmp_path, app, Policy(retries=0, backoff=0.01, lived_seconds=0.0, relogins=2), pause=0)
    assert isinstance(failure, RetriesExhausted) and app.config["calls"]["login"] == 3
