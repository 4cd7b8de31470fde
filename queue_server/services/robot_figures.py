"""What the robots did over a period, per robot: the one place the dashboard, the KPI board and its drill-down
read it from (units finished alone, handed to a person, failed; straight-through; hours of manual work saved)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import RobotRun


def hours_saved(units_done: int, minutes_per_unit: float) -> float:
    """Units a robot finished alone times the minutes a person spends on one (HME_MINUTES_SAVED)."""
    return units_done * minutes_per_unit / 60


@dataclass
class RobotFigures:
    robot: str
    runs: int = 0
    done: int = 0        # finished with no person involved
    exception: int = 0   # finished by filing an item for a person
    failed: int = 0
    filed: int = 0
    minutes_per_unit: float = 0.0
    # The latest run before the period's end (the supervisor's dashboard shows it).
    last_status: str = ""
    last_started: dt.datetime | None = None
    last_error: str = ""
    totals: dict[str, object] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return self.done + self.exception + self.failed

    @property
    def straight_through(self) -> float | None:
        return self.done / self.units if self.units else None

    @property
    def hours_saved(self) -> float:
        return hours_saved(self.done, self.minutes_per_unit)


def per_robot(session: Session, start: dt.datetime, end: dt.datetime, minutes: dict[str, float] | None = None, *,
              with_last_run: bool = False) -> list[RobotFigures]:
    """Per robot, the runs started in [start, end), summed in SQL; `minutes` per unit for the hours saved."""
    minutes = minutes or {}
    sums = session.execute(
        select(RobotRun.robot, func.count(), func.sum(RobotRun.units_done), func.sum(RobotRun.units_exception),
               func.sum(RobotRun.units_failed), func.sum(RobotRun.exceptions_filed))
        .where(RobotRun.started_at >= start, RobotRun.started_at < end).group_by(RobotRun.robot)).all()
    rows = [RobotFigures(robot, int(runs), int(done or 0), int(exception or 0), int(failed or 0), int(filed or 0),
                         minutes.get(robot, 0.0)) for robot, runs, done, exception, failed, filed in sums]
    if with_last_run:
        for row in rows:
            last = session.scalars(select(RobotRun).where(RobotRun.robot == row.robot, RobotRun.started_at < end)
                                   .order_by(RobotRun.started_at.desc()).limit(1)).first()
            if last is not None:
                row.last_status, row.last_started, row.last_error = last.status.value, last.started_at, last.error
                row.totals = dict(last.totals or {})
    return sorted(rows, key=lambda r: r.robot)


def total(rows: list[RobotFigures]) -> RobotFigures:
    """All robots together; its minutes per unit is what makes its hours saved the sum of theirs."""
    out = RobotFigures("all robots")
    for r in rows:
        out.runs += r.runs
        out.done += r.done
        out.exception += r.exception
        out.failed += r.failed
        out.filed += r.filed
    out.minutes_per_unit = (sum(r.hours_saved for r in rows) * 60 / out.done) if out.done else 0.0
    return out
