"""The night's units of work and the run's record, kept by the queue server: planned once, leased by one runner
at a time, finished once. A runner reaches them through the bots' API with its token, and nothing else
(the rules are the server's: queue_server/services/robot_work.py)."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Iterable

from queue_client import QueueClient
from queue_client.contract import RunStatus, UnitStatus

# Units planned per request: a night of several thousand claims goes in a few.
PLAN_BATCH = 2000


@dataclass
class Unit:
    id: int
    key: str
    data: dict[str, Any]
    result: dict[str, Any]
    attempts: int


class Checkpoints:
    def __init__(self, queue: QueueClient, robot: str, night: dt.date, runner: str, *, lease_seconds: int = 300,
                 max_attempts: int = 12) -> None:
        self.queue = queue
        self.robot = robot
        self.night = night
        self.runner = runner
        self.lease_seconds = lease_seconds
        # Attempts count runner deaths too (a kill cannot be told from a crash the unit caused), so the bound
        # is loose: it only stops a unit that brings the runner down every time.
        self.max_attempts = max_attempts
        self.run_id: int | None = None
        self.base = f"/robots/{urllib.parse.quote(robot)}/nights/{night.isoformat()}"

    def _post(self, path: str, **body: Any) -> Any:
        return self.queue.post_json(path, body)

    # --- planning ------------------------------------------------------------------------
    def plan(self, units: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Plan the units not planned yet; returns how many were new."""
        rows = [{"key": key, "data": data} for key, data in units]
        return sum(self._post(f"{self.base}/units", units=rows[i:i + PLAN_BATCH])["new"]
                   for i in range(0, len(rows), PLAN_BATCH))

    def finished_before(self, keys: list[str]) -> set[str]:
        """Keys this robot finished on an earlier night (a remittance posted last week is not new)."""
        if not keys:
            return set()
        return set(self._post(f"{self.base}/units/finished-before", keys=keys)["keys"])

    def claim_planning(self) -> str:
        """"plan" if this runner is to plan the night now, "done" if it is planned, "wait" if another plans it."""
        return str(self._post(f"{self.base}/planning", runner=self.runner, lease_seconds=self.lease_seconds)["turn"])

    def mark_planned(self, count: int) -> None:
        self._post(f"{self.base}/planning/done", count=count)

    def abandon_planning(self) -> None:
        """Planning failed here (its portal is down): the next runner, or the next run, plans at once."""
        self._post(f"{self.base}/planning/abandon", runner=self.runner)

    # --- leasing -------------------------------------------------------------------------
    def lease_next(self, skip_portals: set[str] = frozenset()) -> Unit | None:  # type: ignore[assignment]
        found = self._post(f"{self.base}/leases", runner=self.runner, run_id=self.run_id,
                           skip_portals=sorted(skip_portals), lease_seconds=self.lease_seconds)["unit"]
        return Unit(**found) if found else None

    def reclaim_own_leases(self) -> int:
        """At start-up: what this runner held when it died is pending again at once (the attempt still counts)."""
        return int(self._post(f"{self.base}/leases/reclaim", runner=self.runner)["count"])

    def release_own_leases(self) -> None:
        """A runner that stops cleanly hands back what it had not started."""
        self._post(f"{self.base}/leases/release", runner=self.runner)

    def give_back(self, unit: Unit) -> None:
        """Not this unit's fault (its portal is down): back to pending without spending an attempt."""
        self._post(f"/units/{unit.id}/give-back", runner=self.runner)

    def extend(self, unit: Unit) -> bool:
        """Keep the lease of a unit still being worked; False when this runner no longer holds it."""
        return bool(self._post(f"/units/{unit.id}/lease", runner=self.runner,
                               lease_seconds=self.lease_seconds)["held"])

    def save(self, unit: Unit) -> None:
        """Keep part-way progress (claims of a remittance already posted) and extend the lease."""
        self._post(f"/units/{unit.id}/progress", runner=self.runner, result=unit.result,
                   lease_seconds=self.lease_seconds)

    def finish(self, unit: Unit, status: UnitStatus) -> None:
        self._post(f"/units/{unit.id}/finish", runner=self.runner, status=str(status), result=unit.result)

    def counts(self) -> dict[str, int]:
        return dict(self.queue.get_json(f"{self.base}/units/counts")["counts"])

    def remaining(self) -> int:
        counts = self.counts()
        return counts.get("pending", 0) + counts.get("leased", 0)

    # --- run records -----------------------------------------------------------------------
    def start_run(self) -> int:
        self.run_id = int(self._post(f"{self.base}/runs", runner=self.runner)["run_id"])
        return self.run_id

    def update_run(self, **values: Any) -> None:
        assert self.run_id is not None
        self._post(f"/runs/{self.run_id}", **{k: (str(v) if isinstance(v, StrEnum) else v) for k, v in values.items()})

    def finish_run(self, status: RunStatus, error: str = "", **values: Any) -> None:
        self.update_run(status=status, finished=True, error=error[:500], **values)
