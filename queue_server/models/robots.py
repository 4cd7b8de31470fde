"""What the robots record: each run, and each unit of a night's work with its lease.

The units are the robots' checkpoints. A unit is planned once per night
(unique on robot, night and key), leased by one runner at a time, and marked
done only after its effect in the billing system has been read back, so a
runner killed at any instant leaves nothing that another runner, or the same
one restarted, cannot finish exactly once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow
from .items import JSONType
from .users import _enum


# One vocabulary with the runners' (queue_client/contract.py).
from queue_client.contract import RunStatus, UnitStatus  # noqa: E402


class RobotRun(Base):
    __tablename__ = "robot_runs"
    __table_args__ = (Index("ix_robot_runs_robot_started", "robot", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    robot: Mapped[str] = mapped_column(String(32))
    night: Mapped[dt.date]
    runner: Mapped[str] = mapped_column(String(120))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus), default=RunStatus.RUNNING)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    units_done: Mapped[int] = mapped_column(default=0)
    units_exception: Mapped[int] = mapped_column(default=0)
    units_failed: Mapped[int] = mapped_column(default=0)
    exceptions_filed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    # Robot-specific totals (dollars posted, holds released...), shown to supervisors.
    totals: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class RobotUnit(Base):
    __tablename__ = "robot_units"
    __table_args__ = (
        UniqueConstraint("robot", "night", "key", name="uq_robot_units_key"),
        Index("ix_robot_units_claimable", "robot", "night", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    robot: Mapped[str] = mapped_column(String(32))
    night: Mapped[dt.date]
    key: Mapped[str] = mapped_column(String(120))
    status: Mapped[UnitStatus] = mapped_column(_enum(UnitStatus), default=UnitStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[dt.datetime | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("robot_runs.id", ondelete="SET NULL"))
    # What the planner saw (the claim, the check, the order): enough to do the work.
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # What was done, for the run summary and for resuming part-way (e.g. claims of a remittance posted).
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
