"""Claim status asks Medicare once for a patient's claims due tonight, in ranges the portal accepts."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bots.errors import ApplicationException, BillingRefused
from bots.portals.medibill import ArRow, ClaimDetail
from bots.portals.medicare import StatusRow
from bots.robots.base import NightContext, Worker
from bots.robots.claim_status import ClaimStatusRobot, choose, noted_icn, route, windows
from bots.runtime.checkpoints import Unit

D = dt.date


def ar(claim: str, account: str, dos: dt.date, payer: str = "medicare") -> ArRow:
    return ArRow(claim_number=claim, account=account, patient="DOE, JANE", payer=payer, dos_from=dos,
                 billed=Decimal("100.00"), balance=Decimal("100.00"), age=60)


def test_a_patients_claims_share_inquiries_of_at_most_a_year() -> None:
    rows = [ar("C1", "A1", D(2025, 3, 1)), ar("C2", "A1", D(2025, 9, 1)), ar("C3", "A1", D(2026, 2, 28)),
            ar("C4", "A1", D(2026, 3, 2)), ar("C5", "A2", D(2026, 1, 5)), ar("C6", "A3", D(2026, 1, 5), "bluriver")]
    assert windows(rows) == {
        "C1": ("2025-03-01", "2026-02-28"), "C2": ("2025-03-01", "2026-02-28"), "C3": ("2025-03-01", "2026-02-28"),
        "C4": ("2026-03-02", "2026-03-02"),  # a year and a day after C1: the portal refuses a longer range
        "C5": ("2026-01-05", "2026-01-05"),
    }


class FakeMedicare:
    base = "https://medicare.example"

    def __init__(self, rows: list[StatusRow]) -> None:
        self.rows = rows
        self.asked: list[tuple[str, dt.date, dt.date]] = []

    async def claim_status(self, mbi: str, start: dt.date, end: dt.date) -> list[StatusRow]:
        self.asked.append((mbi, start, end))
        return [r for r in self.rows if start <= r.dos_from <= end]


def status(account: str, dos: dt.date, code: str = "F1") -> StatusRow:
    return StatusRow(icn=f"ICN{dos:%m%d}", patient_control=account, dos_from=dos, dos_to=dos,
                     billed=Decimal("100.00"), code=code, status="PAID" if code == "F1" else "", status_date=dos,
                     paid=None, reasons=[], remit_date=None)


def lookup(worker: Worker, account: str, dos: dt.date, inquiry: list[str] | None) -> dict[str, Any]:
    answers = asyncio.run(ClaimStatusRobot()._lookup(worker, "medicare", "1EG4TE5MK73", account, dos,
                                                     Decimal("100.00"), inquiry))
    return choose(answers, [], None)


def test_claims_of_one_inquiry_are_answered_from_one_question() -> None:
    portal = FakeMedicare([status("A1", D(2026, 6, 1)), status("A1", D(2026, 7, 1), "F2"), status("A9", D(2026, 6, 1))])
    worker = Worker(sessions={"medicare": portal})  # type: ignore[dict-item]
    window = ["2026-06-01", "2026-07-01"]
    first, second = lookup(worker, "A1", D(2026, 6, 1), window), lookup(worker, "A1", D(2026, 7, 1), window)
    missing = lookup(worker, "A1", D(2026, 6, 15), window)
    assert (first["icn"], first["code"]) == ("ICN0601", "F1")
    assert (second["icn"], second["code"]) == ("ICN0701", "F2")
    assert missing["code"] == "A4"  # inside the range but not among the payer's claims: not on file
    assert portal.asked == [("1EG4TE5MK73", D(2026, 6, 1), D(2026, 7, 1))]
    # A date of service outside the planned range (corrected since planning) is asked on its own.
    assert lookup(worker, "A1", D(2026, 8, 3), window)["code"] == "A4"
    assert portal.asked[-1] == ("1EG4TE5MK73", D(2026, 8, 3), D(2026, 8, 3))


def test_an_inquiry_error_is_asked_again_on_the_retry() -> None:
    portal = FakeMedicare([status("A1", D(2026, 6, 1), "E0"), status("A1", D(2026, 7, 1))])
    worker = Worker(sessions={"medicare": portal})  # type: ignore[dict-item]
    window = ["2026-06-01", "2026-07-01"]
    with pytest.raises(ApplicationException):
        lookup(worker, "A1", D(2026, 6, 1), window)
    with pytest.raises(ApplicationException):
        lookup(worker, "A1", D(2026, 6, 1), window)
    assert len(portal.asked) == 2


def _answer(code: str, icn: str) -> dict[str, Any]:
    return {"code": code, "status": "", "icn": icn, "paid": "", "reasons": [], "remit_date": None}


def test_a_status_is_never_chosen_between_claims_alike() -> None:
    # C0001518 (not on file at the payer) and C0002805 (denied) share account, date of service and billed: the
    # payer's one answer is the twin's. Matched by the three, the robot wrote "F2 Denied" on C0001518.
    twin_denied = _answer("F2", "BR84598738262")
    assert choose([twin_denied], ["C0002805"], None)["ambiguous"]
    # Two answers alike, one claim in the billing system (the payer has a duplicate): not chosen either.
    assert choose([_answer("F1", "1"), _answer("P3", "2")], [], None)["ambiguous"]
    # The ICN noted on the claim tells them apart; no answer at all is "not on file", true of every claim alike.
    assert choose([_answer("F1", "1"), _answer("P3", "2")], ["C2"], "2")["code"] == "P3"
    assert choose([], ["C2"], None)["code"] == "A4"
    assert choose([twin_denied], [], None)["code"] == "F2"


def test_the_icn_is_read_from_the_newest_status_note() -> None:
    notes = ["RPA STATUS 2026-11-19: F1 PAID; ICN 21260000001; paid 80.00", "RPA STATUS 2026-10-01: A2 ACCEPTED; ICN 9"]
    assert noted_icn(notes) == "21260000001"
    assert noted_icn(["called the payer"]) is None


class RefusingBilling:
    """A billing system that shows the claim and refuses the robot's note, as MediBill does for a locked claim."""

    def __init__(self, claim: ClaimDetail) -> None:
        self.detail = claim
        self.notes: list[str] = []

    async def claim(self, claim_number: str) -> ClaimDetail:
        return self.detail

    async def find_claims(self, account: str, include_closed: bool = False) -> list[ArRow]:
        return []

    async def add_note_once(self, claim_number: str, text: str, marker: str) -> None:
        raise BillingRefused("CLAIM LOCKED BY ANOTHER USER")


class Saved:
    def save(self, unit: Unit) -> None:
        pass


def test_a_refused_status_note_goes_to_a_person_as_business_work_with_the_status_item() -> None:
    """Issue 30: a refused note was an application failure (retried, then one RPA-admin item); the status was
    known, so the claim's own item is filed and a person writes the note."""
    dos = D(2026, 6, 1)
    detail = ClaimDetail(claim_number="C1", patient="DOE, JANE", account="A1", member_id="1EG4TE5MK73",
                         payer="MEDICARE", submitted_on=dos, dos_from=dos, dos_to=dos, billed=Decimal("100.00"),
                         balance=Decimal("100.00"))
    worker = Worker(sessions={"billing": RefusingBilling(detail), "medicare": FakeMedicare([status("A1", dos, "F2")])})  # type: ignore[dict-item]
    ctx = NightContext(night=D(2026, 12, 4), checkpoints=Saved(), executor=None, work_dir=Path("."))  # type: ignore[arg-type]
    unit = Unit(id=1, key="C1", data={"claim_number": "C1", "portal": "medicare", "payer": "medicare"}, result={},
                attempts=1)
    outcome = asyncio.run(ClaimStatusRobot().work(ctx, worker, unit))
    kinds = [f.item["kind"] for f in outcome.filings]
    assert sorted(kinds) == ["claim_review", "denial"], kinds
    refused = next(f.item for f in outcome.filings if f.item["kind"] == "claim_review")
    assert "CLAIM LOCKED BY ANOTHER USER" in refused["summary"] and outcome.totals["notes_refused"] == 1
    # One payer identity whichever robot files (bots/payers.py), and the portal's page where a person looks it up.
    denial = next(f.item for f in outcome.filings if f.item["kind"] == "denial")
    assert {f.item["payer"] for f in outcome.filings} == {"Medicare"}
    assert denial["payload"]["links"] == {"payer_portal": "https://medicare.example/claim-status"}
