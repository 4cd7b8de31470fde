"""Billing reports: bring the billing system's A/R aging, net revenue and claim outcomes back for the KPI pages.

One unit per report. The export is built by the billing system (slowly, as
old systems do), downloaded as CSV and sent to the queue server, which checks
it whole and keeps it as that date's snapshot. Sending a report again replaces
the same report of the same date, so a restarted night changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..portals.medibill import REPORT_BUTTONS, MediBillSession
from ..runtime.checkpoints import Unit
from .base import NightContext, Outcome, Report, Robot, Worker

DATED = re.compile(r"_(\d{8})\.csv$", re.IGNORECASE)


def report_date(filename: str, night: dt.date) -> dt.date:
    """The date the billing system printed in the file name (its own business date); the night's otherwise."""
    match = DATED.search(filename)
    if match:
        try:
            return dt.datetime.strptime(match.group(1), "%Y%m%d").date()
        except ValueError:
            pass
    return night


class BillingReportsRobot(Robot):
    name = "reports"
    portals = ("billing",)

    async def plan(self, ctx: NightContext, worker: Worker) -> list[tuple[str, dict[str, Any]]]:
        return [(report, {"report": report}) for report in REPORT_BUTTONS]

    async def work(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        billing: MediBillSession = worker["billing"]  # type: ignore[assignment]
        report = unit.data["report"]
        data, filename = await billing.export_report(report)
        rows = max(data.count(b"\n") - 1, 0)
        return Outcome(reports=[Report(report, report_date(filename, ctx.night), data)],
                       totals={"reports": 1, f"{report}_rows": rows})
