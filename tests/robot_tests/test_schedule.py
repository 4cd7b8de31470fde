"""The nightly timetable: parsed strictly, kept in the database, one run of a robot at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots import schedule
from bots.errors import BotError
from helpers import make_config


def test_timetable_is_parsed_strictly() -> None:
    assert schedule.parse(schedule.DEFAULT_SCHEDULE) == {"claim-status": (22, 0), "eobs": (1, 0), "cmns": (3, 0),
                                                            "reports": (4, 30)}
    with pytest.raises(BotError, match="unknown robot 'eob'"):
        schedule.parse("eob=01:00")
    with pytest.raises(BotError, match="HH:MM"):
        schedule.parse("eobs=25:00")


def test_scheduled_runs_take_each_portals_limit_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HME_CONTEXTS", raising=False)
    assert schedule._contexts() is None
    monkeypatch.setenv("HME_CONTEXTS", "6")
    assert schedule._contexts() == 6
    for wrong in ("0", "lots", "-2"):
        monkeypatch.setenv("HME_CONTEXTS", wrong)
        with pytest.raises(BotError, match="HME_CONTEXTS must be a whole number from 1 to 64"):
            schedule._contexts()


def test_jobs_persist_in_the_database_without_overlap(tmp_path: Path) -> None:
    config = make_config(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", tmp_path)
    scheduler = schedule.build(config, schedule.parse("eobs=01:00,cmns=03:30"), blocking=False)
    scheduler.start(paused=True)  # type: ignore[attr-defined]
    jobs = {j.id: j for j in scheduler.get_jobs()}  # type: ignore[attr-defined]
    scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
    assert set(jobs) == {"robot:eobs", "robot:cmns"}
    assert jobs["robot:cmns"].next_run_time.hour == 3 and jobs["robot:cmns"].next_run_time.minute == 30
    assert jobs["robot:eobs"].max_instances == 1 and jobs["robot:eobs"].coalesce
    assert jobs["robot:eobs"].misfire_grace_time == 120 * 60
    # A second scheduler on the same database finds the jobs stored there.
    again = schedule.build(config, {}, blocking=False)
    again.start(paused=True)  # type: ignore[attr-defined]
    assert {j.id for j in again.get_jobs()} == {"robot:eobs", "robot:cmns"}  # type: ignore[attr-defined]
    again.shutdown(wait=False)  # type: ignore[attr-defined]
