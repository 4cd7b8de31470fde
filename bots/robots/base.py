"""What a robot is to the runner, and the context a unit of work runs in."""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import Executor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, AsyncIterator, ClassVar

from queue_client.contract import check_item

from ..portals.base import PortalSession
from ..runtime.checkpoints import Checkpoints, Unit
from ..runtime.pool import SessionPool
from ..runtime.watchdog import progressed

if TYPE_CHECKING:
    from hme_rpa.config import Config


@dataclass
class Attachment:
    filename: str
    data: bytes
    label: str


@dataclass
class Filing:
    """One queue item a unit files, with its evidence."""

    item: dict[str, Any]  # a `queue_client.contract.Item`
    attachments: list[Attachment] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_item(self.item)  # a field the API does not take fails here, in the robot that built it


def add_totals(into: dict[str, Any], more: dict[str, Any]) -> None:
    """Counts add as numbers; money travels as text and adds as Decimal."""
    for name, value in more.items():
        if isinstance(value, str):
            into[name] = f"{Decimal(into.get(name, '0')) + Decimal(value):.2f}"
        else:
            into[name] = into.get(name, 0) + value


@dataclass
class Report:
    """A billing-system export the runner sends to the queue server for the KPI pages."""

    name: str  # aging | revenue | outcomes
    as_of: dt.date
    data: bytes


@dataclass
class Outcome:
    filings: list[Filing] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)  # added into the run's totals
    reports: list[Report] = field(default_factory=list)


@dataclass
class Worker:
    """The sessions one worker coroutine keeps for whole units: one of each portal its robot does not pool.

    `cache` is shared by the run's workers (what one looked up, the others need not ask the portal again), and
    so are `pools`: the sessions of the portals a robot borrows step by step (`Robot.pooled`)."""

    sessions: dict[str, PortalSession]
    cache: dict[str, Any] = field(default_factory=dict)
    pools: dict[str, SessionPool[PortalSession]] = field(default_factory=dict)

    def __getitem__(self, portal: str) -> PortalSession:
        return self.sessions[portal]

    def address(self, portal: str) -> str:
        """The portal's address as the vault holds it ("" when this worker has no session of it)."""
        pool = self.pools.get(portal)
        session = self.sessions.get(portal) or (pool.sessions[0] if pool and pool.sessions else None)
        return getattr(session, "base", "") if session is not None else ""

    @asynccontextmanager
    async def borrow(self, portal: str) -> AsyncIterator[PortalSession]:
        """A session of `portal` for one step: an idle one of the run's pool, or this worker's own."""
        pool = self.pools.get(portal)
        if pool is None:
            yield self.sessions[portal]
            return
        async with pool.borrow() as session:
            yield session


@dataclass
class NightContext:
    night: dt.date
    checkpoints: Checkpoints
    executor: Executor
    work_dir: Path
    # Where each unit's kept work lies (runtime/kept.py); None: nothing is kept (a test, a one-off read).
    units_dir: Path | None = None

    def kept(self, unit: Unit) -> Path | None:
        """The unit's own folder of work kept across the runner's lives, or None."""
        return None if self.units_dir is None else self.units_dir / str(unit.id)

    async def save(self, unit: Unit) -> None:
        await asyncio.to_thread(self.checkpoints.save, unit)
        progressed()

    @property
    def queue(self) -> Any:
        """The work queue's client (the one the checkpoints go through), for what a robot asks of it."""
        return self.checkpoints.queue


class Robot:
    name: ClassVar[str]
    # Portals (vault names) every unit needs; a unit may add its own in data["portal"].
    portals: ClassVar[tuple[str, ...]]
    # Portals whose sessions the run's workers share step by step (Worker.borrow); a worker keeps a session of
    # each of the others for whole units, so the fewest sessions among those is how many units go at once.
    pooled: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: "Config | None" = None) -> None:
        self.config = config

    async def plan(self, ctx: NightContext, worker: Worker) -> list[tuple[str, dict[str, Any]]]:
        raise NotImplementedError

    async def work(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        raise NotImplementedError
