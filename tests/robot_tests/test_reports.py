"""The reports robot brings the billing system's exports back, and the KPI figures agree with the sandbox."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bots.robots.billing_reports import report_date
from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from night import TODAY, night
from queue_server.db import make_engine
from queue_server.models import AgingSnapshot, ClaimOutcome, RevenueDay, WorkItem
from queue_server.services import kpis
from sandbox.world import reports as sandbox_reports

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_report_date_comes_from_the_file_name() -> None:
    assert report_date("AR_AGING_20261120.csv", dt.date(2026, 11, 21)) == dt.date(2026, 11, 20)
    assert report_date("export.csv", dt.date(2026, 11, 21)) == dt.date(2026, 11, 21)
    assert report_date("AR_AGING_20261340.csv", dt.date(2026, 11, 21)) == dt.date(2026, 11, 21)


def test_reports_robot_brings_back_what_the_kpis_need(tmp_path: Path, database_url: str) -> None:
    require_chromium()
    with night(tmp_path, database_url, seed=21, claims=400, faults=False) as n:
        eobs = asyncio.run(run_robot(n.config, "eobs", night=TODAY, vault=n.vault, trace=False))
        assert eobs.status.value == "finished"
        summary = asyncio.run(run_robot(n.config, "reports", night=TODAY, vault=n.vault, contexts=2, trace=False))
        assert summary.status.value == "finished", summary.error
        assert summary.units == {"done": 3} and summary.totals["reports"] == 3

        # What the billing system would print now, read straight from the sandbox.
        aging = [r for r in csv.DictReader(io.StringIO(sandbox_reports.aging_csv(n.store)))
                 if r["claim_number"] not in ("", "TOTAL")]
        revenue = list(csv.DictReader(io.StringIO(sandbox_reports.revenue_csv(n.store))))
        outcomes = list(csv.DictReader(io.StringIO(sandbox_reports.outcomes_csv(n.store))))
        engine = make_engine(database_url)
        with Session(engine) as s:
            snapshot = s.scalars(select(AgingSnapshot)).one()
            assert snapshot.as_of == TODAY  # the billing system's own date, not the machine's
            assert snapshot.open_claims == len(aging)
            assert snapshot.net_ar == sum(Decimal(r["net_balance"]) for r in aging)
            assert s.scalar(select(func.count()).select_from(RevenueDay)) == len(revenue)
            assert s.scalar(select(func.count()).select_from(ClaimOutcome)) == len(outcomes)
            # Tonight's postings are among the outcomes: the EOB robot ran first.
            posted = {key[1] for key in n.ledger() if key[0] == "payment"}
            known = set(s.scalars(select(ClaimOutcome.claim_number)))
            assert posted and posted <= known
            # DSO by seed 002's formula over the sandbox's own numbers.
            first = TODAY - dt.timedelta(days=90)
            net_revenue = sum(Decimal(r["net_revenue"]) for r in revenue if dt.date.fromisoformat(r["date"]) >= first)
            figure = kpis.dso(s, 91, until=TODAY)
            assert figure.value == (snapshot.net_ar / (net_revenue / 91)).quantize(Decimal("0.01"))
            denied = sum(r["outcome"] == "denied" for r in outcomes)
            paid = sum(r["outcome"] == "paid" for r in outcomes)
            rates = kpis.claim_rates(s, TODAY - dt.timedelta(days=365), TODAY)
            assert rates[0].denial_rate == pytest.approx(denied / (denied + paid))

        # Run again the same night: the units are done; run on another night: the same reports replace the old.
        again = asyncio.run(run_robot(n.config, "reports", night=TODAY + dt.timedelta(days=1), vault=n.vault,
                                      trace=False))
        assert again.status.value == "finished"
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(AgingSnapshot)) == 1
            assert s.scalar(select(func.count()).select_from(ClaimOutcome)) == len(outcomes)
        engine.dispose()


def test_a_report_the_server_refuses_becomes_one_rpa_item(tmp_path: Path, database_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    # The billing system prints a revenue line that does not add up (the sites run in this process).
    good = sandbox_reports.REPORTS["revenue"]

    def broken(store: object) -> str:
        text = good[0](store)  # type: ignore[arg-type]
        header, first, *rest = text.splitlines()
        cells = first.split(",")
        cells[-1] = "0.01"
        return "\r\n".join([header, ",".join(cells), *rest]) + "\r\n"

    monkeypatch.setitem(sandbox_reports.REPORTS, "revenue", (broken, good[1], good[2]))
    with night(tmp_path, database_url, seed=22, claims=120, faults=False) as n:
        summary = asyncio.run(run_robot(n.config, "reports", night=TODAY, vault=n.vault, trace=False,
                                        policy=Policy(retries=1, backoff=0.05)))
        assert summary.units == {"done": 2, "failed": 1}
        failures = [i for i in n.items() if i["kind"] == "portal_failure"]
        assert [i["idempotency_key"] for i in failures] == [f"portal_failure:reports:{TODAY}:revenue"]
        assert "is not net" in str(failures[0]["payload"])
        engine = make_engine(database_url)
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(RevenueDay)) == 0  # nothing half-saved
            assert s.scalar(select(func.count()).select_from(AgingSnapshot)) == 1
            assert s.scalar(select(func.count()).select_from(WorkItem)) == 1
        engine.dispose()
