"""The robots' nights: their units of work planned once, leased by one runner at a time, finished once, and
their run records. The runners reach it through the bots' API (api/robot_work.py), never the database.

Runners on any number of machines share a night through these rows. A lease
names its runner and expires; a runner restarted under the same name takes
its own leases back at once, anyone else's only after they expire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import Engine, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import RobotRun, RobotUnit, RunStatus, UnitStatus

@dataclass
class Unit:
    id: int
    key: str
    data: dict[str, Any]
    result: dict[str, Any]
    attempts: int


class NightLedger:
    def __init__(self, engine: Engine, robot: str, night: dt.date, runner: str, *, lease_seconds: int = 300) -> None:
        self.engine = engine
        self.robot = robot
        self.night = night
        self.runner = runner
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.run_id: int | None = None

    # --- planning ------------------------------------------------------------------------
    def plan(self, units: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Insert the units not planned yet; returns how many were new."""
        rows = [{"robot": self.robot, "night": self.night, "key": key, "data": data, "status": UnitStatus.PENDING.value,
                 "attempts": 0, "result": {}, "updated_at": utcnow()} for key, data in units]
        if not rows:
            return 0
        dialect = self.engine.dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RobotUnit.__table__)
        statement = insert.on_conflict_do_nothing(index_elements=["robot", "night", "key"]).returning(RobotUnit.id)
        with self.engine.begin() as conn:
            # executemany's rowcount is not reliable across drivers; the returned ids are.
            return len(conn.execute(statement, rows).all())

    def finished_before(self, keys: list[str]) -> set[str]:
        """Keys this robot finished on an earlier night (a remittance posted last week is not new)."""
        if not keys:
            return set()
        with Session(self.engine) as s:
            found = s.scalars(select(RobotUnit.key).where(
                RobotUnit.robot == self.robot, RobotUnit.night < self.night, RobotUnit.key.in_(keys),
                RobotUnit.status.in_([UnitStatus.DONE, UnitStatus.EXCEPTION])))
            return set(found)

    def claim_planning(self) -> str:
        """"plan" if this runner is to plan the night now, "done" if it is planned, "wait" if another plans it.

        One runner plans; the others wait for it instead of reading the same report at the same time. The
        planner holds the plan row under a lease, so a planner that died is replaced once its lease expires.
        """
        self.plan([("__plan__", {})])  # the first runner here creates the plan row, pending
        now = utcnow()
        with self.engine.begin() as conn:
            plan_row = and_(RobotUnit.robot == self.robot, RobotUnit.night == self.night, RobotUnit.key == "__plan__")
            taken = conn.execute(update(RobotUnit).where(plan_row, or_(
                RobotUnit.status == UnitStatus.PENDING, RobotUnit.lease_owner == self.runner,
                and_(RobotUnit.status == UnitStatus.LEASED, RobotUnit.lease_until < now))).where(
                RobotUnit.status != UnitStatus.DONE).values(
                status=UnitStatus.LEASED, lease_owner=self.runner, lease_until=now + self.lease,
                attempts=RobotUnit.attempts + 1, updated_at=now)).rowcount
            if taken:
                return "plan"
            status = conn.execute(select(RobotUnit.status).where(plan_row)).scalar_one()
        return "done" if UnitStatus(status) == UnitStatus.DONE else "wait"

    def mark_planned(self, count: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(RobotUnit).where(RobotUnit.robot == self.robot, RobotUnit.night == self.night,
                                                 RobotUnit.key == "__plan__")
                         .values(status=UnitStatus.DONE, data={"units": count}, lease_owner=None, lease_until=None,
                                 updated_at=utcnow()))

    def abandon_planning(self) -> None:
        """Planning failed here (its portal is down): the next runner, or the next run, plans at once."""
        with self.engine.begin() as conn:
            conn.execute(update(RobotUnit).where(RobotUnit.robot == self.robot, RobotUnit.night == self.night,
                                                 RobotUnit.key == "__plan__", RobotUnit.lease_owner == self.runner,
                                                 RobotUnit.status == UnitStatus.LEASED)
                         .values(status=UnitStatus.PENDING, lease_owner=None, lease_until=None, updated_at=utcnow()))

    # --- leasing -------------------------------------------------------------------------
    def lease_next(self, skip_portals: set[str] = frozenset()) -> Unit | None:  # type: ignore[assignment]
        now = utcnow()
        claimable = and_(RobotUnit.robot == self.robot, RobotUnit.night == self.night, RobotUnit.key != "__plan__",
                         or_(RobotUnit.status == UnitStatus.PENDING,
                             and_(RobotUnit.status == UnitStatus.LEASED, RobotUnit.lease_until < now)))
        with Session(self.engine) as s:
            query = select(RobotUnit.id, RobotUnit.data, RobotUnit.lease_owner).where(claimable).order_by(RobotUnit.id).limit(50)
            if self.engine.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            candidates = s.execute(query).all()
            s.rollback()
        for unit_id, data, _owner in candidates:
            if data.get("portal") in skip_portals:
                continue
            with self.engine.begin() as conn:
                taken = conn.execute(update(RobotUnit).where(RobotUnit.id == unit_id, claimable).values(
                    status=UnitStatus.LEASED, lease_owner=self.runner, lease_until=now + self.lease,
                    attempts=RobotUnit.attempts + 1, run_id=self.run_id, updated_at=now)).rowcount
            if taken:
                with Session(self.engine) as s:
                    row = s.get(RobotUnit, unit_id)
                    assert row is not None
                    return Unit(row.id, row.key, dict(row.data), dict(row.result or {}), row.attempts)
        return None

    def reclaim_own_leases(self) -> int:
        """At start-up: what this runner held when it died is pending again at once (the attempt still counts)."""
        with self.engine.begin() as conn:
            return conn.execute(update(RobotUnit).where(
                RobotUnit.robot == self.robot, RobotUnit.night == self.night, RobotUnit.status == UnitStatus.LEASED,
                RobotUnit.lease_owner == self.runner).values(status=UnitStatus.PENDING, lease_owner=None,
                                                             lease_until=None)).rowcount

    def release_own_leases(self) -> None:
        """A runner that stops cleanly hands back what it had not started."""
        with self.engine.begin() as conn:
            conn.execute(update(RobotUnit).where(RobotUnit.robot == self.robot, RobotUnit.night == self.night,
                                                 RobotUnit.status == UnitStatus.LEASED,
                                                 RobotUnit.lease_owner == self.runner)
                         .values(status=UnitStatus.PENDING, lease_owner=None, lease_until=None,
                                 attempts=RobotUnit.attempts - 1))

    def give_back(self, unit: Unit) -> None:
        """Not this unit's fault (its portal is down): back to pending without spending an attempt."""
        with self.engine.begin() as conn:
            conn.execute(update(RobotUnit).where(RobotUnit.id == unit.id, RobotUnit.lease_owner == self.runner)
                         .values(status=UnitStatus.PENDING, lease_owner=None, lease_until=None,
                                 attempts=RobotUnit.attempts - 1, updated_at=utcnow()))

    def extend(self, unit: Unit) -> bool:
        """A unit still being worked keeps its lease (a long read must not let another runner take it); False
        when this runner no longer holds it (it expired and was leased again, or was finished)."""
        now = utcnow()
        with self.engine.begin() as conn:
            return bool(conn.execute(update(RobotUnit).where(
                RobotUnit.id == unit.id, RobotUnit.status == UnitStatus.LEASED, RobotUnit.lease_owner == self.runner)
                .values(lease_until=now + self.lease, updated_at=now)).rowcount)

    def save(self, unit: Unit) -> None:
        """Keep part-way progress (claims of a remittance already posted) and extend the lease."""
        now = utcnow()
        with self.engine.begin() as conn:
            # A unit that makes progress is not crash-looping: its attempts start again from this one.
            conn.execute(update(RobotUnit).where(RobotUnit.id == unit.id)
                         .values(result=unit.result, lease_until=now + self.lease, attempts=1, updated_at=now))

    def finish(self, unit: Unit, status: UnitStatus) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(RobotUnit).where(RobotUnit.id == unit.id)
                         .values(status=status, result=unit.result, lease_owner=None, lease_until=None,
                                 updated_at=utcnow()))

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as s:
            rows = s.execute(select(RobotUnit.status, func.count()).where(
                RobotUnit.robot == self.robot, RobotUnit.night == self.night, RobotUnit.key != "__plan__")
                .group_by(RobotUnit.status)).all()
        return {str(status.value if hasattr(status, "value") else status): n for status, n in rows}

    def remaining(self) -> int:
        counts = self.counts()
        return counts.get("pending", 0) + counts.get("leased", 0)

    # --- run records -----------------------------------------------------------------------
    def start_run(self) -> int:
        """A new run record; a run of this runner and robot still "running" was killed, one nobody beats for is
        dead."""
        with Session(self.engine) as s, s.begin():
            # A run still "running" is dead when its runner starts this robot again (a runner runs a robot once at
            # a time: it was killed), or when nobody has shown it alive for ten minutes (runs beat every 30 s).
            stale = utcnow() - dt.timedelta(minutes=10)
            s.execute(update(RobotRun).where(RobotRun.status == RunStatus.RUNNING, or_(
                RobotRun.heartbeat_at < stale, and_(RobotRun.runner == self.runner, RobotRun.robot == self.robot)))
                      .values(status=RunStatus.ABANDONED, finished_at=RobotRun.heartbeat_at,
                              error="the runner stopped without finishing (killed or crashed)"))
            run = RobotRun(robot=self.robot, night=self.night, runner=self.runner, totals={})
            s.add(run)
            s.flush()
            self.run_id = run.id
        return self.run_id

    def update_run(self, **values: Any) -> None:
        assert self.run_id is not None
        with self.engine.begin() as conn:
            conn.execute(update(RobotRun).where(RobotRun.id == self.run_id).values(heartbeat_at=utcnow(), **values))

    def finish_run(self, status: RunStatus, error: str = "", **values: Any) -> None:
        self.update_run(status=status, finished_at=utcnow(), error=error[:500], **values)
