"""How the EOB robot finds the claim a remittance pays: the run's open-claim list first, a live search after.

The billing system here is a stand-in that counts what the robot asks of it; the
end-to-end night (test_night.py) drives the real one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from typing import Any

from bots.portals.medibill import ArRow, ClaimDetail, ClaimLine, LineEntry, Posting
from bots.robots.base import Attachment, Worker
from bots.robots.evidence import RemittancePages
from bots.robots.eob_posting import EobPostingRobot
from hme_rpa import samples

DOS = dt.date(2026, 10, 1)


def _row(claim_number: str, account: str = "100001-1", billed: str = "100.00") -> ArRow:
    return ArRow(claim_number=claim_number, account=account, patient="DOE, JANE", payer="medicare", dos_from=DOS,
                 billed=Decimal(billed), balance=Decimal(billed), age=40)


class Billing:
    """MediBill as the robot sees it, with one claim on file."""

    def __init__(self, open_rows: list[ArRow], searched: list[ArRow], balance: str = "100.00") -> None:
        self.open_rows, self.searched = open_rows, searched
        self.balance = Decimal(balance)
        self.calls: list[str] = []
        self.postings: list[Posting] = []

    async def open_claims(self, payer: str) -> list[ArRow]:
        self.calls.append(f"open_claims:{payer}")
        return self.open_rows

    async def find_claims(self, text: str) -> list[ArRow]:
        self.calls.append(f"find_claims:{text}")
        return self.searched

    def _detail(self, claim_number: str) -> ClaimDetail:
        return ClaimDetail(claim_number=claim_number, patient="DOE, JANE", account="100001-1", member_id="1EG4TE5MK73",
                           payer="MEDICARE", submitted_on=DOS, dos_from=DOS, dos_to=DOS, billed=Decimal("100.00"),
                           balance=self.balance, lines=[ClaimLine(1, "E1390", DOS, Decimal("100.00"))],
                           postings=list(self.postings))

    async def read_claim(self, claim_number: str) -> ClaimDetail:
        self.calls.append(f"claim:{claim_number}")
        return self._detail(claim_number)

    async def post_once(self, claim_number: str, check: str, entries: list[LineEntry], *,
                        before: ClaimDetail | None = None) -> tuple[bool, ClaimDetail]:
        self.calls.append(f"post:{claim_number}")
        for e in entries:
            self.postings.append(Posting("payment", e.line_no, check, "", "", e.paid))
            self.balance -= e.paid + sum((a[2] for a in e.adjustments), Decimal(0))
        return True, self._detail(claim_number)


CLAIM: dict[str, Any] = {
    "account_number": "100001-1", "patient_name": "DOE, JANE", "payer_claim_number": "2126000000101",
    "billed": "100.00", "paid": "80.00",
    "lines": [{"service_date": DOS.isoformat(), "procedure": "E1390", "billed": "100.00", "paid": "80.00",
               "adjustments": [{"group": "CO", "reason": "45", "amount": "20.00"}], "remarks": []}],
}


PAGES: list[RemittancePages] = []  # the last _post's remittance pages


def _post(billing: Billing, worker: Worker) -> tuple[str, list[Any]]:
    robot = EobPostingRobot()
    attachment = Attachment("SPR-555.pdf", samples.text_pdf(["CHECK 555", "ACNT 100001-1"]), "document")
    PAGES[:] = [RemittancePages(attachment.data)]

    async def go() -> tuple[str, list[Any]]:
        index = await robot._open_claims(worker, billing, "medicare")  # type: ignore[arg-type]
        state, filings, _totals = await robot._post_claim(billing, index, "555", {}, CLAIM, 0,  # type: ignore[arg-type]
                                                          [], attachment, PAGES[0], None)
        return state, filings

    return asyncio.run(go())


def test_a_claim_in_the_open_list_is_posted_without_a_search() -> None:
    billing = Billing([_row("C1"), _row("C2", billed="55.00")], searched=[])
    state, filings = _post(billing, Worker(sessions={}))
    assert state == "posted" and filings == []
    assert billing.calls == ["open_claims:medicare", "claim:C1", "post:C1"]
    assert PAGES[0]._texts is None  # nothing filed: the remittance was not searched for the claim's page


def test_the_open_list_is_read_once_for_all_workers() -> None:
    shared: dict[str, Any] = {}
    billing = Billing([_row("C1")], searched=[])
    _post(billing, Worker(sessions={}, cache=shared))
    billing.postings.clear()
    billing.balance = Decimal("100.00")
    _post(billing, Worker(sessions={}, cache=shared))
    assert billing.calls.count("open_claims:medicare") == 1


def test_a_claim_entered_since_the_list_was_read_is_searched_for() -> None:
    billing = Billing([], searched=[_row("C9")])
    state, _filings = _post(billing, Worker(sessions={}))
    assert state == "posted"
    assert billing.calls == ["open_claims:medicare", "find_claims:100001-1", "claim:C9", "post:C9"]


def test_two_open_claims_alike_are_searched_for_and_stay_unmatched() -> None:
    billing = Billing([_row("C1"), _row("C2")], searched=[_row("C1"), _row("C2")])
    state, filings = _post(billing, Worker(sessions={}))
    assert state == "unmatched" and [f.item["kind"] for f in filings] == ["unmatched_payment"]
    assert not any(c.startswith("post:") for c in billing.calls)
    [page] = filings[0].attachments
    assert (page.filename, page.label) == ("SPR-555-100001-1.pdf", "pdf_page")


def test_a_claim_closed_since_the_list_was_read_is_not_paid_again() -> None:
    billing = Billing([_row("C1")], searched=[], balance="0.00")
    state, filings = _post(billing, Worker(sessions={}))
    assert state == "unmatched" and [f.item["kind"] for f in filings] == ["unmatched_payment"]
    assert "closed tonight" in filings[0].item["payload"]["findings"][-1]
    assert not any(c.startswith("post:") for c in billing.calls)
