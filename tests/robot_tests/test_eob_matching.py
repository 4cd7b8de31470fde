"""How the EOB robot finds the claim a remittance pays: the run's open-claim list first, a live search after.

The billing system here is a stand-in that counts what the robot asks of it; the
end-to-end night (test_night.py) drives the real one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bots.portals.medibill import ArRow, ClaimDetail, ClaimLine, LineEntry, Posting
from bots.robots.base import Attachment, Filing, Worker
from bots.robots.evidence import RemittancePages
from bots.robots.eob_posting import ClaimToPost, EobPostingRobot, _Evidence
import samples

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
        if check in self._detail(claim_number).posted_checks():  # read back first, as MediBillSession.post_once
            return False, self._detail(claim_number)
        self.calls.append(f"post:{claim_number}")
        for e in entries:
            self.postings.append(Posting("payment", e.line_no, check, "", "", e.paid))
            # A denied line leaves its balance for the appeal (as MediBill does).
            self.balance -= e.paid if e.denied else e.paid + sum((a[2] for a in e.adjustments), Decimal(0))
        return True, self._detail(claim_number)


CLAIM: dict[str, Any] = {
    "account_number": "100001-1", "patient_name": "DOE, JANE", "payer_claim_number": "2126000000101",
    "billed": "100.00", "paid": "80.00",
    "lines": [{"service_date": DOS.isoformat(), "procedure": "E1390", "billed": "100.00", "paid": "80.00",
               "adjustments": [{"group": "CO", "reason": "45", "amount": "20.00"}], "remarks": []}],
}


PAGES: list[RemittancePages] = []  # the last _post's remittance pages
INTENTS: list[dict[str, Any]] = []  # the outbox records saved before posting


def _post(billing: Billing, worker: Worker) -> tuple[str, list[Any]]:
    robot = EobPostingRobot()
    attachment = Attachment("SPR-555.pdf", samples.text_pdf(["CHECK 555", "ACNT 100001-1"]), "document")
    PAGES[:] = [RemittancePages(attachment.data)]

    async def go() -> tuple[str, list[Any]]:
        index = await robot._open_claims(worker, billing, "medicare")  # type: ignore[arg-type]
        entry = await robot._post_claim(billing, index, ClaimToPost.from_extracted("555", {}, CLAIM),  # type: ignore[arg-type]
                                        None, intend)
        evidence = _Evidence(PAGES[0], attachment)
        return entry["state"], [Filing(item, [evidence.page(CLAIM["account_number"])]) for item in entry["items"]]

    async def intend(record: dict[str, Any]) -> None:
        INTENTS.append(record)

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


DENIED: dict[str, Any] = {**CLAIM, "paid": "0.00", "lines": [{**CLAIM["lines"][0], "paid": "0.00", "adjustments": [
    {"group": "CO", "reason": "197", "amount": "100.00"}], "remarks": ["N386"]}]}


def test_a_denial_is_in_the_outbox_before_the_billing_system_is_written() -> None:
    billing = Billing([_row("C1")], searched=[])
    seen_at_post: list[int] = []
    real_post = billing.post_once

    async def post_once(*args: Any, **kwargs: Any) -> Any:
        seen_at_post.append(len(INTENTS))
        return await real_post(*args, **kwargs)

    billing.post_once = post_once  # type: ignore[method-assign]
    INTENTS.clear()

    async def go() -> dict[str, Any]:
        async def intend(record: dict[str, Any]) -> None:
            INTENTS.append(record)
        index = await EobPostingRobot._open_claims(Worker(sessions={}), billing, "medicare")  # type: ignore[arg-type]
        return await EobPostingRobot()._post_claim(billing, index, ClaimToPost.from_extracted("555", {}, DENIED),  # type: ignore[arg-type]
                                                   None, intend)

    entry = asyncio.run(go())
    assert seen_at_post == [1]
    [intent] = INTENTS
    assert intent["state"] == "posting" and intent["claim"] == "C1"
    assert [i["idempotency_key"] for i in intent["items"]] == ["denial:C1"]
    assert entry["state"] == "posted" and [i["kind"] for i in entry["items"]] == ["denial"]


def test_a_restart_after_posting_reads_the_chosen_claim_back_and_invents_nothing() -> None:
    # Killed between posting and saving: the claim is closed (out of the open list) and the check is on it. The
    # old robot matched again, found no open claim and filed "unmatched payment" for its own posting.
    billing = Billing([], searched=[], balance="0.00")
    billing.postings.append(Posting("denial", 1, "555", "", "", Decimal("0.00")))
    previous = {"state": "posting", "claim": "C1", "items": [], "totals": {}}

    async def go() -> dict[str, Any]:
        async def intend(record: dict[str, Any]) -> None:
            raise AssertionError("nothing is posted again")
        index = await EobPostingRobot._open_claims(Worker(sessions={}), billing, "medicare")  # type: ignore[arg-type]
        return await EobPostingRobot()._post_claim(billing, index, ClaimToPost.from_extracted("555", {}, DENIED),  # type: ignore[arg-type]
                                                   previous, intend)

    entry = asyncio.run(go())
    assert entry["state"] == "posted" and entry["claim"] == "C1"
    assert [i["kind"] for i in entry["items"]] == ["denial"]
    assert not any(c.startswith(("post:", "find_claims")) for c in billing.calls)


def test_twins_are_told_apart_by_the_payer_claim_number_in_a_claims_notes() -> None:
    billing = Billing([_row("C1"), _row("C2")], searched=[_row("C1"), _row("C2")])
    real_detail = billing._detail

    def detail(claim_number: str) -> ClaimDetail:
        found = real_detail(claim_number)
        if claim_number == "C2":
            found.notes.append(f"RPA STATUS 2026-11-19: F1 Paid; ICN {CLAIM['payer_claim_number']}")
        return found

    billing._detail = detail  # type: ignore[method-assign]
    state, _filings = _post(billing, Worker(sessions={}))
    assert state == "posted" and "post:C2" in billing.calls and "post:C1" not in billing.calls


def test_a_check_that_fails_part_way_files_what_its_done_claims_imply() -> None:
    from bots.errors import UnitIncomplete
    from bots.robots.base import NightContext
    from bots.runtime.checkpoints import Unit
    from bots.runtime.guard import RetriesExhausted

    other = {**CLAIM, "account_number": "200002-2", "payer_claim_number": "2126000000202"}

    class Failing(Billing):
        async def find_claims(self, text: str) -> list[ArRow]:
            if text == "200002-2":
                raise RetriesExhausted("billing", 5, RuntimeError("HTTP 503"))
            return await super().find_claims(text)

    billing = Failing([_row("C1")], searched=[])
    robot = EobPostingRobot()
    remit = {"pages": 1, "payment": {"amount": "0.00"}, "balanced": True, "review": [], "problems": [], "ocr": False,
             "claims": [DENIED, other], "provider_adjustments": [
                 {"reason": "WO", "reference": "OVERPAY1", "amount": "12.00"}]}

    async def download(ctx: Any, worker: Any, unit: Any) -> tuple[bytes, dict[str, Any]]:
        return samples.text_pdf(["ACNT 100001-1"]), remit

    robot._read = download  # type: ignore[method-assign]

    class Saves:
        def save(self, unit: Unit) -> None:
            pass

    unit = Unit(1, "medicare:555", {"payer": "medicare", "portal": "medicare", "check": "555", "date": "2026-11-19",
                                    "amount": "0.00", "href": "/x"}, {}, 1)
    ctx = NightContext(DOS, Saves(), None, Path("/nonexistent"))  # type: ignore[arg-type]
    with pytest.raises(UnitIncomplete) as failed:
        asyncio.run(robot.work(ctx, Worker(sessions={"billing": billing}), unit))  # type: ignore[dict-item]
    keys = [f.item["idempotency_key"] for f in failed.value.filings]
    assert keys == ["denial:C1", "recoupment:555:OVERPAY1"]
    assert (failed.value.done, failed.value.total) == (1, 2)
    assert isinstance(failed.value.cause, RetriesExhausted)


def _correction(claim: dict[str, Any], **more: Any) -> Any:
    from bots.runtime.checkpoints import Unit

    data = {"type": "correction", "id": 7, "item_id": 70, "kind": "posting_review", "payer": "Medicare",
            "remittance_date": "2026-11-19", "check": "555", "extracted": claim, "values": {}, "amount": "0", **more}
    return Unit(2, "correction:7", data, {}, 1)


class Queue:
    """The work queue as the robot reports to it."""

    def __init__(self) -> None:
        self.reports: list[tuple[int, bool, str]] = []

    def report_correction(self, correction_id: int, held: bool, detail: str = "") -> dict[str, Any]:
        self.reports.append((correction_id, held, detail))
        return {}


def _finish(billing: Billing, unit: Any) -> tuple[Queue, Any]:
    from bots.robots.base import NightContext

    queue = Queue()

    class Saves:
        def __init__(self) -> None:
            self.queue = queue

        def save(self, unit: Any) -> None:
            pass

    ctx = NightContext(DOS, Saves(), None, Path("/nonexistent"))  # type: ignore[arg-type]
    outcome = asyncio.run(EobPostingRobot().work(ctx, Worker(sessions={"billing": billing}), unit))  # type: ignore[dict-item]
    return queue, outcome


def test_a_claim_a_person_corrected_is_posted_with_the_corrected_values_and_reported_held() -> None:
    # The paid amount was read 30.00 on the scan; the biller corrected it to the printed 80.00 and handed it back.
    billing = Billing([_row("C1")], searched=[])
    unit = _correction(CLAIM, values={"lines.0.paid": {"read": "30.00", "corrected": "80.00"}})
    queue, outcome = _finish(billing, unit)
    assert billing.calls[-1] == "post:C1" and [p.amount for p in billing.postings] == [Decimal("80.00")]
    assert queue.reports == [(7, True, "posted to claim C1 with the corrected values and read back as expected")]
    assert outcome.totals["corrections_held"] == 1
    # Run again (a retry after the report was lost): read back, posted once, reported held again.
    queue, _ = _finish(billing, unit)
    assert billing.calls.count("post:C1") == 1 and queue.reports[0][1] is True


def test_a_correction_that_matches_no_open_claim_is_reported_as_not_held_and_nothing_is_posted() -> None:
    wrong = {**CLAIM, "billed": "10.00"}  # corrected to an amount no claim of the account was billed
    billing = Billing([_row("C1")], searched=[])
    queue, outcome = _finish(billing, _correction(wrong))
    assert billing.postings == []
    [(_, held, detail)] = queue.reports
    assert held is False and "no open claim matches" in detail
    assert outcome.totals["corrections_failed"] == 1



def test_a_correction_no_claim_could_hold_is_reported_as_not_held_and_nothing_is_posted() -> None:
    # Parsed back into the extractor's model at the robot's edge: a paid amount that is no amount fails there,
    # named, before the billing system is touched.
    wrong = {**CLAIM, "lines": [{**CLAIM["lines"][0], "paid": "eighty"}]}
    billing = Billing([_row("C1")], searched=[])
    queue, outcome = _finish(billing, _correction(wrong))
    assert billing.postings == [] and billing.calls == []
    [(_, held, detail)] = queue.reports
    assert held is False and "not a claim's (lines.0.paid:" in detail
    assert outcome.totals["corrections_failed"] == 1

def test_an_eob_not_read_as_a_remittance_goes_to_a_person_whole_and_nothing_is_posted() -> None:
    # A layout the readers do not know, taken for an order (the supplier's "MEDICAL SUPPLY" reads as ordering).
    from bots.robots.base import NightContext
    from bots.runtime.checkpoints import Unit

    billing = Billing([_row("C1")], searched=[])
    robot = EobPostingRobot()

    async def download(ctx: Any, worker: Any, unit: Any) -> tuple[bytes, dict[str, Any]]:
        return samples.text_pdf(["PAYMENT SUMMARY"]), {"document_type": "swo", "problems": [], "review": []}

    robot._read = download  # type: ignore[method-assign]
    unit = Unit(1, "bluriver:777", {"payer": "bluriver", "portal": "bluriver", "check": "777", "date": "2026-11-19",
                                    "amount": "25.62", "href": "/x"}, {}, 1)
    ctx = NightContext(DOS, None, None, Path("/nonexistent"))  # type: ignore[arg-type]
    outcome = asyncio.run(robot.work(ctx, Worker(sessions={"billing": billing}), unit))  # type: ignore[dict-item]
    [filing] = outcome.filings
    assert filing.item["kind"] == "unbalanced_remittance" and filing.item["payer"] == "Blue River Health Plan"
    assert "read as SWO" in filing.item["payload"]["findings"][0] and filing.attachments
    assert not billing.postings and outcome.totals["remittances_unreadable"] == 1


def _misread_check(amount: str) -> dict[str, Any]:
    """A check of two claims, the second's line misread by a dollar ("41.00" printed 40.00), checked by the
    extractor's own balancing rules as any remittance is."""
    from extractors.models import Remittance
    from extractors.remittance import balance

    misread = {**CLAIM, "account_number": "200002-2", "payer_claim_number": "2126000000202", "billed": "50.00",
               "paid": "40.00", "lines": [{"service_date": DOS.isoformat(), "procedure": "E0601", "billed": "50.00",
                                           "paid": "41.00", "adjustments": [{"group": "CO", "reason": "45",
                                                                             "amount": "10.00"}], "remarks": []}]}
    remit = Remittance.model_validate({
        "pages": 1, "ocr": True, "payer": {"name": "MEDICARE"}, "payee": {"name": "SUMMIT", "npi": "1234567893"},
        "payment": {"amount": amount, "number": "555", "date": "2026-11-19"},
        "claims": [{**CLAIM, "allowed": "80.00"}, {**misread, "allowed": "40.00"}]})
    for claim in remit.claims:
        for line in claim.lines:
            line.allowed = line.billed - sum((a.amount for a in line.adjustments), Decimal(0))
    remit.claims[1].lines[0].allowed = Decimal("40.00")
    balance.check(remit)
    return remit.model_dump(mode="json")


def _work(document: dict[str, Any], billing: Billing) -> Any:
    from bots.robots.base import NightContext
    from bots.runtime.checkpoints import Unit

    robot = EobPostingRobot()

    async def download(ctx: Any, worker: Any, unit: Any) -> tuple[bytes, dict[str, Any]]:
        return samples.text_pdf(["ACNT 100001-1", "ACNT 200002-2"]), document

    robot._read = download  # type: ignore[method-assign]

    class Saves:
        def save(self, unit: Unit) -> None:
            pass

    unit = Unit(1, "medicare:555", {"payer": "medicare", "portal": "medicare", "check": "555", "date": "2026-11-19",
                                    "amount": document["payment"]["amount"], "href": "/x"}, {}, 1)
    ctx = NightContext(DOS, Saves(), None, Path("/nonexistent"))  # type: ignore[arg-type]
    return asyncio.run(robot.work(ctx, Worker(sessions={"billing": billing}), unit))  # type: ignore[dict-item]


def test_a_check_whose_sum_holds_posts_the_claims_it_vouches_for_and_hands_over_the_one_misread() -> None:
    document = _misread_check("120.00")
    assert document["balanced"] is False and "payer" not in document["review"]
    billing = Billing([_row("C1")], searched=[])
    outcome = _work(document, billing)
    assert len(billing.postings) == 1 and billing.calls.count("post:C1") == 1
    [filing] = outcome.filings
    assert filing.item["kind"] == "posting_review" and filing.item["account_number"] == "200002-2"
    findings = filing.item["payload"]["findings"]
    assert findings[0].startswith("Claim 2 (account 200002-2), line 1 (E0601, 2026-10-01): billed 50.00 - "
                                  "adjustments 10.00 = 40.00, printed paid 41.00"), findings
    assert outcome.totals["claims_posted"] == 1


def test_a_check_whose_sum_fails_posts_nothing() -> None:
    document = _misread_check("121.00")
    assert "claims" in document["review"]
    billing = Billing([_row("C1")], searched=[])
    outcome = _work(document, billing)
    assert not billing.postings
    [filing] = outcome.filings
    assert filing.item["kind"] == "unbalanced_remittance" and outcome.totals["remittances_unbalanced"] == 1


def test_the_payers_record_is_found_for_a_claim_number_read_with_a_speck_before_it() -> None:
    """A scan's speck read as a digit before the payer's number ("6BR1920...") still finds the member's one claim
    so near it at the payer, which confirms the codes; two claims as near, or none, confirm nothing."""
    from bots.portals.bluriver import ClaimRow
    from extractors.models import RemittanceClaim

    def row(number: str) -> ClaimRow:
        return ClaimRow(number, "100001-1", DOS, Decimal("100.00"), "rental", "Paid", Decimal("80.00"), ["CO-45"],
                        DOS)

    class Portal:
        def __init__(self, rows: list[ClaimRow]) -> None:
            self.rows = rows

        async def claims_of_member(self, member: str, account: str) -> list[ClaimRow]:
            return self.rows

    read = RemittanceClaim.model_validate({**CLAIM, "payer_claim_number": "6BR19207842712", "member_id": "BRX1"})

    def ask(rows: list[ClaimRow]) -> tuple[set[str], str]:
        worker = Worker(sessions={"bluriver": Portal(rows)})  # type: ignore[dict-item]
        return asyncio.run(EobPostingRobot._payer_record(worker, "bluriver", read))

    codes, source = ask([row("BR19207842712"), row("BR55500011122")])
    assert codes == {"CO-45"} and "claim BR19207842712 (read '6BR19207842712')" in source
    assert ask([row("BR19207842712"), row("6BR1920784271")]) == (set(), "")  # (as near, each: no one claim)
    assert ask([row("BR55500011122")]) == (set(), "")
