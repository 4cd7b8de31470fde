"""Run one robot for one night: plan, lease units, work them with up to N sessions per portal, record the run.

    summary = asyncio.run(run_robot(config, "eobs", night=date, contexts=2))

Each portal takes at most its own number of sessions (`Config.limits_per_portal`). A worker owns one session of
each portal its robot keeps for a whole unit; the portals a robot uses a step at a time (`Robot.pooled`) are
lent from a pool of their own. So a night of claim checks runs as many workers as the billing system takes
sessions, sharing the fewer sessions a payer's portal allows.

Queue items are filed through the queue server's API with idempotency keys,
units are checkpointed in the database, and billing-system writes read back
first, so a runner killed at any instant and started again ends the night in
the same state.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import socket
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable

from playwright.async_api import Browser

from hme_rpa.config import Config
from queue_client import QueueClient

from .errors import BotError, BusinessException, LeaseLost, LoginRefused, PasswordExpired, PortalDown, UnitIncomplete
from .portals.base import PortalSession
from .portals.bluriver import BlueRiverSession
from .portals.faxvault import FaxVaultSession
from .portals.medibill import MediBillSession
from .portals.medicare import MedicareSession
from .robots import ROBOTS
from .robots.extraction import init_worker
from .robots.base import Filing, NightContext, Outcome, Robot, Worker, add_totals
from .runtime.browser import launch
from .runtime.checkpoints import Checkpoints, RunStatus, Unit, UnitStatus
from .runtime.guard import Policy, PortalGuard, RetriesExhausted
from .runtime.kept import discard, kept_count, sweep
from .runtime.pool import SessionPool
from .runtime.vault import Vault
from .runtime.watchdog import RunClock, watched

log = logging.getLogger(__name__)
# How often a runner waiting for another to finish planning the night looks again.
PLAN_POLL_SECONDS = 0.5
# How often a run's record shows it alive (a record not shown alive for ten minutes is abandoned).
HEARTBEAT_SECONDS = 30.0
# How many times in one run a unit goes back to pending because its portal's log-in failed.
LOGIN_GIVE_BACKS = 3
SESSIONS: dict[str, type[PortalSession]] = {"medicare": MedicareSession, "bluriver": BlueRiverSession,
                                            "documents": FaxVaultSession, "billing": MediBillSession}


@dataclass
class RunSummary:
    robot: str
    night: dt.date
    run_id: int
    status: RunStatus
    units: dict[str, int]
    exceptions_filed: int
    totals: dict[str, Any]
    error: str = ""
    kinds: dict[str, int] = field(default_factory=dict)


Progress = Callable[[int, int], None]


class Night:
    """One robot's run: the shared state its workers use."""

    def __init__(self, config: Config, robot: Robot, night: dt.date, runner: str, vault: Vault,
                 sessions: dict[str, int], progress: Progress | None, policies: dict[str, Policy], trace: bool) -> None:
        self.config = config
        self.robot = robot
        self.night = night
        self.sessions = sessions
        self.progress = progress
        self.trace = trace
        self.credentials = {p: vault.get(p) for p in robot.portals}
        queue = vault.get("queue")
        self.queue = QueueClient(queue.url, queue.password)
        self.checkpoints = Checkpoints(self.queue, robot.name, night, runner)
        self.guards = {p: PortalGuard(p, policies[p]) for p in robot.portals}
        self.down: dict[str, str] = {}
        self.totals: dict[str, Any] = {}
        self.kinds: dict[str, int] = {}
        self.filed = 0
        self.work_dir = config.data_dir / "robots" / night.isoformat() / robot.name
        self.units_dir = self.work_dir / "units"  # each unit's work kept across the runner's lives (runtime/kept.py)
        self.done = 0
        self.total = 0
        self.limit: int | None = None
        self.finished: Counter[UnitStatus] = Counter()
        self.cache: dict[str, Any] = {}
        self.started = 0
        self.login_give_backs: Counter[int] = Counter()
        # A unit with no progress for this long is stopped (UnitStalled); a run with none for twice as long
        # (its planning, leasing or filing stuck) is stopped whole with one item for the RPA admin team.
        self.stall = float(config.unit_stall_seconds)
        self.run_stall = 2 * self.stall + 60
        self.clock = RunClock()
        self.stalled = False

    @property
    def workers(self) -> int:
        return workers_for(self.robot, self.sessions)

    def session(self, browser: Browser, portal: str) -> PortalSession:
        return SESSIONS[portal](browser, self.guards[portal], self.credentials[portal],
                                evidence_dir=self.work_dir / "evidence", trace=self.trace)

    def worker(self, browser: Browser) -> Worker:
        return Worker(sessions={p: self.session(browser, p) for p in self.robot.portals if p not in self.robot.pooled},
                      cache=self.cache)

    # --- filing ------------------------------------------------------------------------
    def _file(self, filings: list[Filing]) -> int:
        created = 0
        for filing in filings:
            ref = self.queue.create(filing.item)
            if ref["created"]:
                created += 1
                self.kinds[filing.item["kind"]] = self.kinds.get(filing.item["kind"], 0) + 1
            if filing.attachments and (ref["created"] or not self.queue.get(ref["id"])["attachments"]):
                for a in filing.attachments:
                    self.queue.attach(ref["id"], a.filename, a.data, a.label)
        return created

    async def file(self, filings: list[Filing]) -> None:
        if filings:
            # Not `self.filed += await ...`: that reads the count before the await, and a worker filing
            # meanwhile would be lost.
            created = await asyncio.to_thread(self._file, filings)
            self.filed += created

    async def portal_down(self, portal: str, error: BotError, worker: Worker) -> None:
        if portal in self.down:
            return
        self.down[portal] = str(error)
        what = "password expired" if isinstance(error, PasswordExpired) else (
            "log-in refused" if isinstance(error, LoginRefused) else "portal down")
        evidence = _evidence(worker)
        await self.file([Filing({
            "idempotency_key": f"portal_failure:{portal}:{self.night}:{what.replace(' ', '_')}",
            "kind": "portal_failure", "source": self.robot.name,
            "summary": f"{portal}: {what}; the {self.robot.name} robot stopped using it tonight"[:500],
            "payload": {"findings": [str(error)[:1000]], "portal": portal, "night": self.night.isoformat()}},
            evidence)])

    # --- the work ----------------------------------------------------------------------
    async def plan(self, worker: Worker) -> None:
        while (turn := await asyncio.to_thread(self.checkpoints.claim_planning)) == "wait":
            await asyncio.sleep(PLAN_POLL_SECONDS)  # another runner is planning this night: its units come soon
        if turn == "done":
            return
        ctx = self.context(None)  # type: ignore[arg-type]
        try:
            async with watched(self.stall, self.clock):
                units = await self.robot.plan(ctx, worker)
            await asyncio.to_thread(self.checkpoints.plan, units)
        except BaseException:
            await asyncio.to_thread(self.checkpoints.abandon_planning)
            raise
        await asyncio.to_thread(self.checkpoints.mark_planned, len(units))

    def context(self, executor: ProcessPoolExecutor) -> NightContext:
        return NightContext(self.night, self.checkpoints, executor, self.work_dir / "tmp", self.units_dir)

    async def work(self, worker: Worker, ctx: NightContext) -> None:
        while True:
            if self.limit is not None:
                if self.started >= self.limit:
                    return
                self.started += 1
            unit = await asyncio.to_thread(self.checkpoints.lease_next, set(self.down))
            if unit is None:
                return
            await self._credit_kept_work(unit)
            if unit.attempts > self.checkpoints.max_attempts:
                await self._failed(unit, worker, BotError(f"gave up after {unit.attempts - 1} attempts (runner "
                                                          f"restarted or crashed on this unit each time)"))
                continue
            try:
                async with watched(self.stall, self.clock):
                    outcome = await self._holding(unit, self.robot.work(ctx, worker, unit))
            except LeaseLost as exc:
                # Another runner has the unit now (this one was cut off from the server longer than a lease):
                # it finishes it, from the progress saved; nothing here is filed or finished.
                log.warning("%s unit %s: %s", self.robot.name, unit.id, exc)
                continue
            except BusinessException as exc:
                outcome = Outcome(filings=[Filing(exc.item)])
            except UnitIncomplete as exc:
                # What the finished part implies is filed with the failure, never dropped with it.
                log.warning("%s unit %s failed part-way: %s", self.robot.name, unit.id, type(exc.cause).__name__)
                await self.file(exc.filings)
                if not await self._given_back_at_login(unit, exc.cause):
                    await self._failed(unit, worker, exc.cause, done=f"{exc.done} of {exc.total} done; ")
                continue
            except (PortalDown, PasswordExpired, LoginRefused) as exc:
                await self.portal_down(exc.portal, exc, worker)
                await asyncio.to_thread(self.checkpoints.give_back, unit)
                continue
            except Exception as exc:  # an application failure that retries did not cure, or a bug
                if await self._given_back_at_login(unit, exc):
                    continue
                log.warning("%s unit %s failed: %s", self.robot.name, unit.id, type(exc).__name__)
                await self._failed(unit, worker, exc)
                continue
            try:
                for report in outcome.reports:
                    # The server checks a report whole and refuses a bad one with the reason: that fails the
                    # unit with an item for the RPA admin team, like any other error retries did not cure.
                    await asyncio.to_thread(self.queue.send_report, report.name, report.as_of, report.data)
            except Exception as exc:
                log.warning("%s unit %s: report refused: %s", self.robot.name, unit.id, type(exc).__name__)
                await self._failed(unit, worker, exc)
                continue
            await self.file(outcome.filings)
            add_totals(self.totals, outcome.totals)
            status = UnitStatus.EXCEPTION if outcome.filings else UnitStatus.DONE
            unit.result["outcome"] = {"filed": [f.item["idempotency_key"] for f in outcome.filings]}
            await asyncio.to_thread(self.checkpoints.finish, unit, status)
            discard(self.units_dir / str(unit.id))
            await self._tick(status)

    async def _given_back_at_login(self, unit: Unit, error: BaseException) -> bool:
        """A unit whose step never began, its portal's log-in failing after every retry, goes back to pending
        without spending an attempt, with what it saved and kept: the portal's trouble is not the unit's (a
        night of 5xx at a log-in page had failed a check part-way, to a person). A portal whose log-in keeps
        failing opens its circuit breaker (`PortalDown`); a unit given back LOGIN_GIVE_BACKS times in one run
        is failed as any other, so that a log-in failing for one unit alone cannot keep a run going round."""
        if not (isinstance(error, RetriesExhausted) and error.at_login):
            return False
        self.login_give_backs[unit.id] += 1
        if self.login_give_backs[unit.id] > LOGIN_GIVE_BACKS:
            return False
        log.warning("%s unit %s: its portal's log-in failed (%s); back to pending", self.robot.name, unit.id,
                    type(error.last).__name__)
        await asyncio.to_thread(self.checkpoints.give_back, unit)
        return True

    async def _credit_kept_work(self, unit: Unit) -> None:
        """A runner's death counts against the unit it was working only when the unit kept nothing new in that
        life: a long read cut off again and again still moves forward (its page reads are kept), while a unit
        that brings the runner down at the same point each time reaches the attempts bound."""
        if unit.attempts <= 1:
            return
        kept = kept_count(self.units_dir / str(unit.id))
        if kept > int(unit.result.get("kept", 0)):
            unit.result["kept"] = kept
            await asyncio.to_thread(self.checkpoints.save, unit)  # progress: the server counts attempts anew
            unit.attempts = 1

    async def _holding(self, unit: Unit, work: Awaitable[Outcome]) -> Outcome:
        """The unit's work, its lease kept while it runs: a read longer than the lease (a large scan queued
        behind others' OCR) must not let another worker lease the unit and work it at the same time. A lease
        found lost stops the work (LeaseLost); its steps are safe to stop."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.checkpoints.lease_seconds / 3)
                if done:
                    return task.result()
                try:
                    held = await asyncio.to_thread(self.checkpoints.extend, unit)
                except Exception as exc:  # the server out of reach a moment: the lease still has time
                    log.warning("%s unit %s: lease not extended: %s", self.robot.name, unit.id, type(exc).__name__)
                    continue
                if not held:
                    raise LeaseLost(f"the lease of unit {unit.key} ran out and another runner has it")
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    async def _failed(self, unit: Unit, worker: Worker, exc: BaseException, done: str = "") -> None:
        await self.file([Filing({
            "idempotency_key": f"portal_failure:{self.robot.name}:{self.night}:{unit.key}",
            "kind": "portal_failure", "source": self.robot.name,
            "summary": f"{self.robot.name} could not finish {unit.key}: {done}{type(exc).__name__}"[:500],
            "payload": {"findings": [str(exc)[:1000]], "unit": unit.key, "night": self.night.isoformat()}},
            _evidence(worker, exc))])
        unit.result["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        await asyncio.to_thread(self.checkpoints.finish, unit, UnitStatus.FAILED)
        discard(self.units_dir / str(unit.id))
        await self._tick(UnitStatus.FAILED)

    def run_counts(self) -> dict[str, int]:
        """This run's own units (the night's may be shared with other runners, whose runs count theirs)."""
        return {"units_done": self.finished[UnitStatus.DONE], "units_exception": self.finished[UnitStatus.EXCEPTION],
                "units_failed": self.finished[UnitStatus.FAILED]}

    async def watch(self, work: asyncio.Future[Any]) -> None:
        """The run's heartbeat and watchdog: the run record shows it alive every little while, and a run in which
        nothing moved forward for `run_stall` seconds is stopped."""
        while not work.done():
            await asyncio.sleep(min(HEARTBEAT_SECONDS, self.run_stall / 4))
            await asyncio.to_thread(self.checkpoints.update_run)
            if self.clock.idle_for() > self.run_stall:
                self.stalled = True
                log.error("%s: no progress for %.0f s; stopping the run", self.robot.name, self.clock.idle_for())
                work.cancel()
                return

    async def file_stalled_run(self) -> None:
        await self.file([Filing({
            "idempotency_key": f"portal_failure:{self.robot.name}:{self.night}:run_stalled",
            "kind": "portal_failure", "source": self.robot.name,
            "summary": f"The {self.robot.name} robot stopped: nothing moved for {self.run_stall:.0f} s",
            "payload": {"findings": [f"{self.done} of {self.total} units finished before it stopped; the rest stay "
                                     f"pending for the next run"], "night": self.night.isoformat()}})])

    async def _tick(self, status: UnitStatus) -> None:
        self.clock.tick()
        self.done += 1
        self.finished[status] += 1
        if self.progress:
            self.progress(self.done, self.total)
        await asyncio.to_thread(self.checkpoints.update_run, exceptions_filed=self.filed, totals=self.totals,
                                **self.run_counts())


def _evidence(worker: Worker, error: BaseException | None = None) -> list[Any]:
    """The worker's sessions' last failures; a borrowed session's, when it is the one that gave up."""
    from .robots.base import Attachment

    sessions = dict(worker.sessions)
    if isinstance(error, RetriesExhausted) and isinstance(error.session, PortalSession):
        sessions[error.session.name] = error.session
    out = []
    for name, session in sessions.items():
        if session.evidence.screenshot:
            out.append(Attachment(f"{name}-screen.png", session.evidence.screenshot, "screenshot"))
        if session.evidence.trace and session.evidence.trace.exists():
            out.append(Attachment(f"{name}-trace.zip", session.evidence.trace.read_bytes(), "trace"))
    return out


async def _plan_and_work(state: Night, workers: list[Worker], executor: ProcessPoolExecutor) -> None:
    cp = state.checkpoints
    try:
        await state.plan(workers[0])
    except (PortalDown, PasswordExpired, LoginRefused) as exc:
        await state.portal_down(exc.portal, exc, workers[0])
        raise
    counts = await asyncio.to_thread(cp.counts)
    state.total = sum(counts.values())
    state.done = state.total - counts.get("pending", 0) - counts.get("leased", 0)
    ctx = state.context(executor)
    work = asyncio.gather(*(state.work(w, ctx) for w in workers))
    watchdog = asyncio.create_task(state.watch(work))
    try:
        await work
    except asyncio.CancelledError:
        if not state.stalled:
            raise
        await asyncio.to_thread(cp.release_own_leases)
        await state.file_stalled_run()
        raise BotError(f"no progress for {state.run_stall:.0f} s; stopped by the run's watchdog") from None
    finally:
        watchdog.cancel()


def portal_plan(robot: Robot, config: Config, contexts: int | None,
                base: Policy) -> tuple[dict[str, Policy], dict[str, int]]:
    """Each portal's politeness (`base` with the portal's own limits from the configuration) and how many sessions
    of it the run opens: `contexts` at most, and never past the portal's limit, where a session would wait for a
    slot until the run ended and the run would wait for it."""
    limits = config.limits_per_portal
    policies = {p: replace(base, max_sessions=limits[p][0], min_interval=limits[p][1]) if p in limits else base
                for p in robot.portals}
    sessions = {p: min(max(contexts or policies[p].max_sessions, 1), policies[p].max_sessions) for p in robot.portals}
    return policies, sessions


def workers_for(robot: Robot, sessions: dict[str, int]) -> int:
    """Units worked at once: as many as there are sessions of each portal a worker keeps for whole units."""
    owned = [n for p, n in sessions.items() if p not in robot.pooled]
    return min(owned or sessions.values())


def default_runner_name(config: Config) -> str:
    return config.runner_name or socket.gethostname()


async def run_robot(config: Config, robot_name: str, *, night: dt.date, contexts: int | None = 1,
                    runner: str | None = None, progress: Progress | None = None, policy: Policy | None = None,
                    trace: bool = True, vault: Vault | None = None, limit: int | None = None) -> RunSummary:
    """`contexts`: sessions per portal at most (None: each portal's own limit). `limit`: work at most this many
    units in this run (a trial run, or a benchmark); the rest stay pending."""
    if robot_name not in ROBOTS:
        raise BotError(f"unknown robot {robot_name!r}; one of {', '.join(ROBOTS)}")
    robot = ROBOTS[robot_name](config)
    vault = vault or Vault.from_config(config)
    policies, sessions = portal_plan(robot, config, contexts, policy or Policy())
    state = Night(config, robot, night, runner or default_runner_name(config), vault, sessions, progress, policies, trace)
    log.info("%s: %d workers; sessions %s", robot_name, state.workers,
             ", ".join(f"{p} {n} lent by step" if p in robot.pooled else f"{p} {state.workers}"
                       for p, n in sessions.items()))
    state.limit = limit
    cp = state.checkpoints
    sweep(config.data_dir / "robots", robot.name, night)
    run_id = await asyncio.to_thread(cp.start_run)
    await asyncio.to_thread(cp.reclaim_own_leases)
    status, error = RunStatus.FINISHED, ""
    # Spawned, not forked: a forked child would inherit the pipes to Playwright's driver and keep it from
    # ever seeing them close, so the runner would hang on exit.
    executor = ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1),
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_worker, initargs=(os.getpid(), config.cache_dir))
    workers: list[Worker] = []
    try:
        async with launch(chromium=config.chromium) as (_playwright, browser):
            workers = [state.worker(browser) for _ in range(state.workers)]
            pools = {p: SessionPool([state.session(browser, p) for _ in range(state.sessions[p])])
                     for p in robot.pooled}
            for w in workers:
                w.pools = pools
            try:
                await _plan_and_work(state, workers, executor)
            finally:
                # Every session logs out and closes, on every path: a portal keeps a session closed without it.
                owned = [session for w in workers for session in w.sessions.values()]
                for session in owned + [session for pool in pools.values() for session in pool.sessions]:
                    await session.close()
    except BotError as exc:
        status, error = RunStatus.FAILED, str(exc)
    except BaseException as exc:
        await asyncio.to_thread(cp.release_own_leases)
        await asyncio.to_thread(cp.finish_run, RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        executor.shutdown(cancel_futures=True)
    for portal, guard in state.guards.items():
        if guard.rate_limited:  # how often the portal asked us to slow down: its limit, seen from here
            state.totals[f"http_429_{portal}"] = guard.rate_limited
    counts = await asyncio.to_thread(cp.counts)
    if state.down and (counts.get("pending", 0) or counts.get("leased", 0)) and limit is None:
        status = RunStatus.FAILED
        error = error or "; ".join(f"{p}: {e}" for p, e in state.down.items())
    await asyncio.to_thread(cp.finish_run, status, error, exceptions_filed=state.filed, totals=state.totals,
                            **state.run_counts())
    return RunSummary(robot_name, night, run_id, status, counts, state.filed, state.totals, error, state.kinds)
