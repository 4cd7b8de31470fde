"""A unit's work survives its runner: the lease is kept while a long read runs, a lost lease stops the work, and
a runner killed part-way through a read resumes from what it kept (its deaths counted only when nothing new was
kept), with nothing of it left on disk once the unit ends."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, update

from bots.errors import LeaseLost
from bots.robots.base import NightContext, Outcome
from bots.robots.eob_posting import EobPostingRobot
from bots.runner import Night
from bots.runtime import checkpoints as runner_side
from bots.runtime.kept import kept_count, sweep, write_atomically
from browser import live_server
from queue_client import QueueClient
from queue_server.models import RobotUnit
from queue_server.services.robot_work import NightLedger

NIGHT = dt.date(2026, 11, 20)


def _night(cp: runner_side.Checkpoints, units_dir: Path) -> Night:
    night = Night.__new__(Night)
    night.checkpoints, night.units_dir = cp, units_dir
    night.robot = type("R", (), {"name": "eobs"})()  # type: ignore[assignment]
    return night


def test_only_the_holder_keeps_a_lease(database_url: str) -> None:
    engine = create_engine(database_url)
    a = NightLedger(engine, "eobs", NIGHT, "runner-a", lease_seconds=600)
    a.plan([("R1", {})])
    unit = a.lease_next()
    assert unit is not None and a.extend(unit)
    assert not NightLedger(engine, "eobs", NIGHT, "runner-b").extend(unit)
    a.finish(unit, runner_side.UnitStatus.DONE)  # type: ignore[arg-type]
    assert not a.extend(unit)  # finished: nothing to keep
    engine.dispose()


def test_a_unit_worked_longer_than_its_lease_is_not_leased_by_another(app: Flask, bot_token: str,
                                                                     database_url: str) -> None:
    with live_server(app) as url:
        queue = QueueClient(url, bot_token, retries=0)
        a = runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-a", lease_seconds=2)
        b = runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-b", lease_seconds=2)
        a.plan([("R1", {})])
        unit = a.lease_next()
        assert unit is not None
        taken: list[Any] = []

        async def long_read() -> Outcome:
            for _ in range(16):  # 4 s: twice the lease
                await asyncio.sleep(0.25)
                taken.append(await asyncio.to_thread(b.lease_next))
            return Outcome(totals={"read": 1})

        outcome = asyncio.run(_night(a, Path("/nonexistent"))._holding(unit, long_read()))
        assert outcome.totals == {"read": 1} and taken == [None] * 16
        # Once no one keeps it, the lease runs out and another runner may take the unit (the test can fail).
        time.sleep(2.2)
        assert b.lease_next() is not None


def test_a_lost_lease_stops_the_work(app: Flask, bot_token: str, database_url: str) -> None:
    engine = create_engine(database_url)
    with live_server(app) as url:
        queue = QueueClient(url, bot_token, retries=0)
        a = runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-a", lease_seconds=1)
        a.plan([("R1", {})])
        unit = a.lease_next()
        assert unit is not None
        stopped: list[bool] = []

        async def cut_off() -> Outcome:
            # The runner out of reach longer than its lease: the unit expired and another runner took it.
            with engine.begin() as conn:
                conn.execute(update(RobotUnit).values(lease_owner="runner-b"))
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                stopped.append(True)
                raise
            return Outcome()

        with pytest.raises(LeaseLost):
            asyncio.run(_night(a, Path("/nonexistent"))._holding(unit, cut_off()))
        assert stopped == [True]
    engine.dispose()


def test_a_death_counts_against_a_unit_only_when_it_kept_nothing_new(app: Flask, bot_token: str,
                                                                      tmp_path: Path) -> None:
    with live_server(app) as url:
        queue = QueueClient(url, bot_token, retries=0)
        cp = runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-a")
        cp.plan([("R1", {})])
        night = _night(cp, tmp_path / "units")

        def life() -> runner_side.Unit:
            """The runner killed with the unit leased, and started again."""
            cp.reclaim_own_leases()
            unit = cp.lease_next()
            assert unit is not None
            return unit

        cp.lease_next()
        for _ in range(3):
            unit = life()
        assert unit.attempts == 4
        # That life read two pages before it was killed: they are kept, so the next life is progress.
        write_atomically(tmp_path / "units" / str(unit.id) / "ocr" / "p1.tsv", b"page one")
        write_atomically(tmp_path / "units" / str(unit.id) / "ocr" / "p2.tsv", b"page two")
        unit = life()
        asyncio.run(night._credit_kept_work(unit))
        assert unit.attempts == 1 and unit.result == {"kept": 2}
        again = life()
        assert again.attempts == 2  # the server counted anew from the credited life
        # A life that kept nothing new is a death against the unit, as before.
        asyncio.run(night._credit_kept_work(again))
        assert again.attempts == 2


def test_a_remittance_read_part_way_is_taken_up_where_it_stopped(tmp_path: Path) -> None:
    """The EOB robot keeps the download and the reading in the unit's folder: a new life of the runner reads
    neither the portal nor the document again."""
    from concurrent.futures import ThreadPoolExecutor

    from sandbox import serve
    from sandbox.documents import eob
    from sandbox.world.store import Store

    serve.reset(tmp_path / "world", seed=21, claims=120, today=NIGHT)
    store = Store(serve.store_path(tmp_path / "world"))
    # A plan's EOB printed in a layout the readers know (the held-out one may be refused whole).
    remittance_id = next(r["id"] for r in store.all("SELECT id, check_number FROM remittances WHERE payer_key = "
                                                    "'bluriver' ORDER BY id")
                         if eob.family_of(r["check_number"]) != eob.HELD_OUT and not eob.is_scanned(r["check_number"]))
    pdf = eob.render(store, remittance_id)
    downloads: list[str] = []

    class Portal:
        async def download(self, href: str) -> tuple[bytes, str]:
            downloads.append(href)
            return pdf, "pdf"

    unit = runner_side.Unit(7, "medicare:1", {"portal": "medicare", "href": "/eob/1"}, {}, 1)
    with ThreadPoolExecutor(1) as executor:
        ctx = NightContext(NIGHT, None, executor, tmp_path / "tmp", tmp_path / "units")  # type: ignore[arg-type]
        robot = EobPostingRobot()
        first = asyncio.run(robot._read(ctx, {"medicare": Portal()}, unit))  # type: ignore[arg-type]
        kept = ctx.kept(unit)
        assert kept is not None and {p.name for p in kept.iterdir()} >= {"remittance.pdf", "reading.json"}
        assert kept.stat().st_mode & 0o077 == 0
        again = asyncio.run(EobPostingRobot()._read(ctx, {"medicare": Portal()}, unit))  # type: ignore[arg-type]
    assert downloads == ["/eob/1"] and again == first and first[1]["document_type"] == "remittance"
    assert kept_count(kept) >= 2


def test_old_nights_kept_work_is_swept(tmp_path: Path) -> None:
    for night in ("2026-11-10", "2026-11-19"):
        write_atomically(tmp_path / night / "eobs" / "units" / "1" / "reading.json", b"{}")
    assert sweep(tmp_path, "eobs", NIGHT) == 1
    assert not (tmp_path / "2026-11-10" / "eobs" / "units").exists()
    assert (tmp_path / "2026-11-19" / "eobs" / "units" / "1" / "reading.json").exists()
