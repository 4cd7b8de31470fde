"""A night's units, planned once, leased by one runner at a time, taken over when a runner dies: the queue
server's rules (NightLedger), and a runner reaching them through the bots' API with its token alone."""

from __future__ import annotations

import datetime as dt
import threading

from flask import Flask

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from queue_server.services.robot_work import NightLedger as Checkpoints
from queue_server.models import RobotRun, RobotUnit, RunStatus, UnitStatus

from browser import live_server

NIGHT = dt.date(2026, 11, 20)


def test_planning_twice_plans_once(database_url: str) -> None:
    engine = create_engine(database_url)
    cp = Checkpoints(engine, "eobs", NIGHT, "runner-a")
    assert cp.claim_planning() == "plan"
    assert cp.plan([("a", {"n": 1}), ("b", {"n": 2})]) == 2
    assert cp.plan([("a", {"n": 1}), ("b", {"n": 2}), ("c", {"n": 3})]) == 1
    assert cp.claim_planning() == "plan"  # still this runner's to finish (it restarted mid-plan)
    cp.mark_planned(3)
    assert cp.claim_planning() == "done"
    assert cp.counts() == {"pending": 3}
    engine.dispose()


def test_one_runner_plans_while_the_others_wait(database_url: str) -> None:
    engine = create_engine(database_url)
    planner = Checkpoints(engine, "claim-status", NIGHT, "runner-a", lease_seconds=600)
    other = Checkpoints(engine, "claim-status", NIGHT, "runner-b", lease_seconds=600)
    assert planner.claim_planning() == "plan"
    assert other.claim_planning() == "wait"
    planner.abandon_planning()  # its portal was down: the other runner may plan at once
    assert other.claim_planning() == "plan"
    assert planner.claim_planning() == "wait"
    other.mark_planned(0)
    assert planner.claim_planning() == "done" and other.claim_planning() == "done"
    engine.dispose()


def test_a_dead_planners_night_is_planned_by_another_once_its_lease_expires(database_url: str) -> None:
    engine = create_engine(database_url)
    dead = Checkpoints(engine, "eobs", NIGHT, "runner-a", lease_seconds=600)
    assert dead.claim_planning() == "plan"
    with Session(engine) as s, s.begin():
        row = s.scalars(select(RobotUnit).where(RobotUnit.key == "__plan__")).one()
        row.lease_until = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    assert Checkpoints(engine, "eobs", NIGHT, "runner-b").claim_planning() == "plan"
    engine.dispose()


def test_two_runners_never_lease_the_same_unit(database_url: str) -> None:
    engine = create_engine(database_url)
    Checkpoints(engine, "claim-status", NIGHT, "x").plan([(f"C{n}", {}) for n in range(60)])
    taken: dict[str, list[str]] = {"a": [], "b": []}

    def runner(name: str) -> None:
        cp = Checkpoints(engine, "claim-status", NIGHT, name)
        while (unit := cp.lease_next()) is not None:
            taken[name].append(unit.key)
            cp.finish(unit, UnitStatus.DONE)

    threads = [threading.Thread(target=runner, args=(n,)) for n in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = taken["a"] + taken["b"]
    assert sorted(everything) == sorted(f"C{n}" for n in range(60))
    assert len(set(everything)) == 60
    engine.dispose()


def test_a_dead_runners_units_wait_for_the_lease_unless_it_comes_back(database_url: str) -> None:
    engine = create_engine(database_url)
    dead = Checkpoints(engine, "cmns", NIGHT, "runner-a", lease_seconds=600)
    dead.plan([("O1", {}), ("O2", {})])
    first = dead.lease_next()
    assert first is not None and first.key == "O1"
    other = Checkpoints(engine, "cmns", NIGHT, "runner-b", lease_seconds=600)
    second = other.lease_next()
    assert second is not None and second.key == "O2"
    assert other.lease_next() is None  # O1 is runner-a's until its lease expires
    # runner-a restarted under its own name takes its unit back at once, with the progress it saved
    first.result["claims"] = {"0": "posted"}
    dead.save(first)
    restarted = Checkpoints(engine, "cmns", NIGHT, "runner-a")
    assert restarted.reclaim_own_leases() == 1
    again = restarted.lease_next()
    assert again is not None and again.key == "O1" and again.result == {"claims": {"0": "posted"}}
    assert again.attempts == 2
    # an expired lease goes to anyone
    expired = Checkpoints(engine, "cmns", NIGHT, "runner-c", lease_seconds=-1)
    expired.lease_next()
    with Session(engine) as s:
        s.execute(RobotUnit.__table__.update().values(lease_until=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
        s.commit()
    assert Checkpoints(engine, "cmns", NIGHT, "runner-d").lease_next() is not None
    engine.dispose()


def test_give_back_does_not_spend_an_attempt_and_finished_units_stay_finished(database_url: str) -> None:
    engine = create_engine(database_url)
    cp = Checkpoints(engine, "eobs", NIGHT, "r")
    cp.plan([("medicare:1", {"portal": "medicare"}), ("bluriver:2", {"portal": "bluriver"})])
    assert cp.lease_next(skip_portals={"medicare"}).key == "bluriver:2"  # type: ignore[union-attr]
    unit = cp.lease_next()
    assert unit is not None and unit.key == "medicare:1"
    cp.give_back(unit)
    unit = cp.lease_next()
    assert unit is not None and unit.attempts == 1
    cp.finish(unit, UnitStatus.EXCEPTION)
    # next night: the remittance finished last night is not new
    tomorrow = Checkpoints(engine, "eobs", NIGHT + dt.timedelta(days=1), "r")
    assert tomorrow.finished_before(["medicare:1", "bluriver:2"]) == {"medicare:1"}
    engine.dispose()


def test_runs_are_recorded_and_silent_ones_marked_abandoned(database_url: str) -> None:
    engine = create_engine(database_url)
    cp = Checkpoints(engine, "eobs", NIGHT, "r")
    run_id = cp.start_run()
    with Session(engine) as s:
        s.execute(RobotRun.__table__.update().where(RobotRun.id == run_id)
                  .values(heartbeat_at=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))
        s.commit()
    second = Checkpoints(engine, "eobs", NIGHT, "r")
    second.start_run()
    second.finish_run(RunStatus.FINISHED, units_done=3, totals={"dollars_posted": "10.00"})
    with Session(engine) as s:
        runs = {r.id: r for r in s.scalars(select(RobotRun))}
    assert runs[run_id].status is RunStatus.ABANDONED
    assert runs[second.run_id].status is RunStatus.FINISHED  # type: ignore[index]
    assert runs[second.run_id].totals == {"dollars_posted": "10.00"}  # type: ignore[index]
    engine.dispose()


def test_a_killed_run_is_marked_abandoned_when_its_runner_starts_again(database_url: str) -> None:
    engine = create_engine(database_url)
    killed = Checkpoints(engine, "eobs", NIGHT, "runner-a")
    first = killed.start_run()  # killed at once: never finished, its heartbeat fresh
    other = Checkpoints(engine, "claim-status", NIGHT, "runner-a").start_run()
    elsewhere = Checkpoints(engine, "eobs", NIGHT, "runner-b").start_run()
    again = Checkpoints(engine, "eobs", NIGHT, "runner-a").start_run()
    with Session(engine) as s:
        status = {r.id: r.status for r in s.scalars(select(RobotRun))}
        error = s.get(RobotRun, first).error  # type: ignore[union-attr]
    assert status[first] == RunStatus.ABANDONED and "killed" in error
    # Another robot's run on the same runner, and another runner's run, may still be alive.
    assert status[other] == status[elsewhere] == status[again] == RunStatus.RUNNING
    engine.dispose()


def test_a_runner_keeps_its_night_through_the_api_with_its_token_alone(app: Flask, bot_token: str,
                                                                      database_url: str) -> None:
    """The runner's side (bots.runtime.checkpoints) holds no database login: every call is the bots' API."""
    from bots.runtime import checkpoints as runner_side
    from queue_client import QueueClient

    with live_server(app) as url:
        queue = QueueClient(url, bot_token, retries=0)
        cp = runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-a", lease_seconds=600)
        run_id = cp.start_run()
        assert cp.reclaim_own_leases() == 0
        assert cp.claim_planning() == "plan"
        assert cp.plan([(f"R{n}", {"portal": "medicare" if n % 2 else "bluriver"}) for n in range(5)]) == 5
        cp.mark_planned(5)
        assert runner_side.Checkpoints(queue, "eobs", NIGHT, "runner-b").claim_planning() == "done"
        unit = cp.lease_next({"bluriver"})
        assert unit is not None and unit.data["portal"] == "medicare" and unit.attempts == 1
        unit.result = {"claims": {"C1": {"state": "posted"}}}
        cp.save(unit)
        cp.finish(unit, runner_side.UnitStatus.EXCEPTION)
        other = cp.lease_next()
        assert other is not None and other.id != unit.id
        cp.give_back(other)
        cp.update_run(units_done=0, units_exception=1, totals={"posted": "12.50"})
        assert cp.counts() == {"pending": 4, "exception": 1}
        cp.release_own_leases()
        cp.finish_run(runner_side.RunStatus.FINISHED, "", exceptions_filed=1)
        assert cp.finished_before(["R1", "R9"]) == set()  # finished tonight, not on an earlier night
        tomorrow = runner_side.Checkpoints(queue, "eobs", NIGHT + dt.timedelta(days=1), "runner-a")
        assert tomorrow.finished_before([unit.key, "R9"]) == {unit.key}
    engine = create_engine(database_url)
    with Session(engine) as s:
        run = s.get(RobotRun, run_id)
        assert run is not None and run.status == RunStatus.FINISHED and run.exceptions_filed == 1
        assert run.totals == {"posted": "12.50"} and run.finished_at is not None
        saved = s.get(RobotUnit, unit.id)
        assert saved is not None and saved.result == {"claims": {"C1": {"state": "posted"}}}
    engine.dispose()


def test_the_runners_statuses_are_the_servers() -> None:
    from bots.runtime import checkpoints as runner_side

    assert {s.value for s in runner_side.RunStatus} == {s.value for s in RunStatus}
    assert {s.value for s in runner_side.UnitStatus} == {s.value for s in UnitStatus}
