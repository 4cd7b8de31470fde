"""EOB download and cash posting.

For each new remittance at each payer: download, extract, and post every
claim's lines into the billing system, then read the claim back. A claim is
posted at most once per check: the claim's postings are read before writing,
and the unit records each claim it finished, so a retry or a restart skips
what is done. A remittance's claims are posted on every idle billing session
of the run at once (`Worker.borrow`). What cannot be posted cleanly becomes a
queue item with the document attached.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from collections import defaultdict
from decimal import Decimal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Coroutine

from pydantic import ValidationError

from extractors.models import ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from extractors.remittance.balance import explain, explain_claim, vouched_by_check

from ..errors import BillingRefused, BotError, DownloadDamaged, UnitIncomplete
from ..payers import PAYERS, payer_named
from ..portals.medibill import ClaimDetail, LineEntry, MediBillSession
from ..runtime.checkpoints import Unit
from ..runtime.kept import discard, write_atomically
from .base import Attachment, Filing, NightContext, Outcome, Robot, Worker, add_totals
from .evidence import RemittancePages
from .extraction import extract_bytes
from .settle import may_settle, settle, settle_header

if TYPE_CHECKING:
    from hme_rpa.config import Config

# Remittances newer than this many days are candidates on a first night; later nights skip what earlier ones did.
LOOKBACK_DAYS = 7
MAX_ADJUSTMENTS = 4
CLAIM_PATH = re.compile(r"^claims\.(\d+)(\.|$)")
# (account, first date of service, billed) -> open claim numbers
OpenClaims = dict[tuple[str, dt.date, Decimal], list[str]]


def _not_a_remittance(base_item: dict[str, Any], data: dict[str, Any], document: dict[str, Any],
                      attachment: Attachment) -> Filing:
    """A layout the readers do not know may not even be told for a remittance (taken for an order, or for
    nothing known): the check goes to a person whole, as business work, never a robot's failure."""
    check, told = data["check"], document.get("document_type") or "unknown"
    return Filing({**base_item, "idempotency_key": f"unbalanced_remittance:{check}", "kind": "unbalanced_remittance",
                   "summary": f"Remittance {check} was not read as a remittance; nothing was posted",
                   "payload": {"findings": [f"The EOB downloaded for check {check} ({data['amount']}) was read as "
                                            f"{'a document of no known type' if told == 'unknown' else told.upper()}",
                                            *[str(p) for p in document.get("problems") or []][:5],
                                            "Post it by hand from the attached EOB"]}},
                  [attachment])


def _unbalanced(base_item: dict[str, Any], data: dict[str, Any], remit: Remittance, header: list[str],
                attachment: Attachment) -> Filing | None:
    """The whole check to a person when its sum does not hold, its own fields are in doubt (`header`, what
    nothing settled), or its amount is not the portal's; None when it may be posted. A check whose sum holds
    while some of its claims fail their own rules is posted: those claims go to a person one by one (their
    review names them whole), the rest are vouched for by their own rules and the check's sum."""
    check = data["check"]
    printed = remit.payment.amount or Decimal(0)
    vouched = remit.balanced or vouched_by_check(remit)
    global_review = [p for p in header if not p.startswith("provider_adjustments") and p != "balanced"]
    if vouched and not global_review and printed == Decimal(data["amount"]):
        return None
    why = [*explain(remit), *remit.problems] or global_review or [
        f"check amount {printed:.2f} differs from the portal's {data['amount']}"]
    if remit.ocr:
        why = [*why, "Read from a scan by OCR: the difference may be a misread; compare with the attached EOB"]
    return Filing({**base_item, "idempotency_key": f"unbalanced_remittance:{check}", "kind": "unbalanced_remittance",
                   "summary": f"Remittance {check} does not balance; nothing was posted",
                   "payload": {"findings": [str(w) for w in why][:20], "extracted": remit.model_dump(mode="json")}},
                  [attachment])


class _NotPosted(Exception):
    """A claim of the check left unposted, with its outbox record (what a person gets and why)."""

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__(record.get("state"))
        self.record = record


async def _together(steps: list[Coroutine[Any, Any, None]]) -> None:
    """Run the steps at once; the first failure cancels the rest (each is safe to stop: writes read back first)
    and is raised as itself, as one step's would be."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


class EobPostingRobot(Robot):
    name = "eobs"
    portals = ("billing", "medicare", "bluriver")
    pooled = ("billing",)

    def __init__(self, config: "Config | None" = None) -> None:
        super().__init__(config)
        # HME_EOB_PAYERS narrows the payers posted (e.g. while one payer's EOBs are posted by hand).
        chosen = [p.strip() for p in (config.eob_payers if config else "").split(",") if p.strip()]
        unknown = set(chosen) - set(PAYERS)
        if unknown:
            raise BotError(f"HME_EOB_PAYERS: unknown payer(s) {', '.join(sorted(unknown))}; known: {', '.join(PAYERS)}")
        self.payers = chosen or list(PAYERS)

    async def plan(self, ctx: NightContext, worker: Worker) -> list[tuple[str, dict[str, Any]]]:
        start = ctx.night - dt.timedelta(days=LOOKBACK_DAYS - 1)
        units: list[tuple[str, dict[str, Any]]] = []
        for payer in self.payers:
            portal = PAYERS[payer].key
            session = worker[portal]
            rows = await session.remittances(start, ctx.night)  # type: ignore[attr-defined]
            units.extend((f"{payer}:{r.check_number}", {"payer": payer, "portal": portal, "check": r.check_number,
                                                        "date": r.date.isoformat(), "amount": f"{r.amount:.2f}",
                                                        "href": r.href}) for r in rows)
        # What people corrected and handed back since: finished through the same posting path, tonight.
        for correction in await asyncio.to_thread(ctx.queue.pending_corrections, "posting_review"):
            units.append((f"correction:{correction['id']}", {"type": "correction", "amount": "0", **correction}))
        done = ctx.checkpoints.finished_before([k for k, _ in units])
        # Largest checks first (units are leased in plan order): a remittance is posted by one worker, so a long
        # one started last would keep the night running on one context while the others sit idle.
        units.sort(key=lambda u: Decimal(u[1]["amount"]), reverse=True)
        return [(k, d) for k, d in units if k not in done]

    async def work(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        data = unit.data
        if data.get("type") == "correction":
            return await self._finish_correction(ctx, worker, unit)
        pdf, document = await self._read(ctx, worker, unit)
        attachment = Attachment(f"{'SPR' if data['payer'] == 'medicare' else 'EOB'}-{data['check']}.pdf", pdf, "document")
        check = data["check"]
        base_item = {"source": self.name, "payer": PAYERS[data["payer"]].name,
                     "payer_type": PAYERS[data["payer"]].type.value,
                     "remittance_date": data["date"]}
        if document.get("document_type", "remittance") != "remittance":
            return Outcome(totals={"remittances": 1, "remittances_unreadable": 1},
                           filings=[_not_a_remittance(base_item, data, document, attachment)])
        remit = Remittance.model_validate(document)  # the extractor's contract, typed from here on
        outcome = Outcome(totals={"remittances": 1, "remittance_pages": remit.pages})
        header, header_settled = settle_header(remit, [p for p in remit.review if not CLAIM_PATH.match(p)], data)
        unbalanced = _unbalanced(base_item, data, remit, header, attachment)
        if unbalanced is not None:
            outcome.filings.append(unbalanced)
            outcome.totals["remittances_unbalanced"] = 1
            return outcome
        if header_settled:
            unit.result["header_settled"] = header_settled  # what settled the check's own doubts, kept with the run
        # The outbox: per claim, what was done and the items it implies, saved before and after each posting
        # (`ClaimToPost.record`). A retry, a restart after a kill or a check that fails part-way files from here.
        records: dict[str, dict[str, Any]] = unit.result.setdefault("claims", {})
        recoupments = self._recoupments(remit, check, base_item, attachment)
        evidence = _Evidence(RemittancePages(pdf), attachment)
        try:
            await self._post_claims(ctx, worker, unit, remit, base_item)
        except Exception as exc:
            # Part-way: what the claims already done imply is filed with the failure (a posted denial must
            # reach a person), and the failure's item names the claims not posted.
            filed = [i for i in range(len(remit.claims)) if str(i) in records]
            raise UnitIncomplete(exc, self._filings(records, remit, evidence) + recoupments,
                                 done=len([i for i in filed if records[str(i)]["state"] != "posting"]),
                                 total=len(remit.claims)) from exc
        outcome.filings.extend(self._filings(records, remit, evidence))
        for index in range(len(remit.claims)):
            add_totals(outcome.totals, _record(records.get(str(index))).get("totals", {}))  # type: ignore[union-attr]
        outcome.filings.extend(recoupments)
        return outcome

    async def _post_claims(self, ctx: NightContext, worker: Worker, unit: Unit, remit: Remittance,
                           base_item: dict[str, Any]) -> None:
        """Every claim of the check posted, each once, its outbox record in `unit.result["claims"]`."""
        data, records = unit.data, unit.result["claims"]
        saving = asyncio.Lock()

        async def record(index: int, entry: dict[str, Any]) -> None:
            async with saving:  # one save at a time, so a later one never lands before an earlier one
                records[str(index)] = entry
                await ctx.save(unit)

        async def post(index: int) -> None:
            previous = _record(records.get(str(index)))
            if previous is not None and previous["state"] != "posting":
                return  # finished on an earlier attempt: its items are in the outbox, the claim is not read again
            review = [p for p in remit.review if p.startswith(f"claims.{index}.") or p == f"claims.{index}"]
            async with worker.borrow("billing") as session:
                billing: MediBillSession = session  # type: ignore[assignment]
                open_claims = await self._open_claims(worker, billing, data["payer"])
                claim = ClaimToPost.of(data["check"], base_item, remit, index, review)
                entry = await self._post_claim(billing, open_claims, claim, previous,
                                               lambda intent: record(index, intent),
                                               lambda found: self._payer_record(worker, data["portal"], found))
            await record(index, entry)

        async def post_in_turn(indexes: list[int]) -> None:
            for index in indexes:
                await post(index)

        # Claims go out on every idle billing session at once; one account's claims in the order printed (a
        # reversal before its correction), as they may touch the same claim in the billing system.
        accounts: dict[str, list[int]] = defaultdict(list)
        for index, read in enumerate(remit.claims):
            accounts[read.account_number or f"#{index}"].append(index)
        await _together([post_in_turn(indexes) for indexes in accounts.values()])

    async def _finish_correction(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        """A claim a person checked and corrected on its posting-review item: posted with those values through
        the same path as the night's (outbox, read-back), and reported back to the item: held when the posting
        read back as intended, else why not (the item reopens with that reason)."""
        data = unit.data
        outcome = Outcome(totals={"corrections": 1})
        entry = await self._post_correction(ctx, worker, unit)
        review = [i for i in entry.get("items", []) if i.get("kind") == "posting_review"]
        held = entry["state"] in ("posted", "already") and not review
        detail = (f"posted to claim {entry.get('claim')} with the corrected values and read back as expected" if held
                  else entry.get("detail") or "; ".join(i["summary"] for i in review)
                  or f"not posted ({entry['state']}): no open claim matches the corrected account, date and billed")
        await asyncio.to_thread(ctx.queue.report_correction, data["id"], held, detail[:1000])
        # What the posting implies besides (a denied line's item) is filed as the night's would be.
        outcome.filings.extend(Filing(item) for item in entry.get("items", []) if item.get("kind") != "posting_review")
        outcome.totals["corrections_held" if held else "corrections_failed"] = 1
        return outcome

    async def _post_correction(self, ctx: NightContext, worker: Worker, unit: Unit) -> dict[str, Any]:
        """The corrected claim posted once (an earlier attempt's finished record stands); its outbox record."""
        data = unit.data
        named = payer_named(data.get("payer"))
        records: dict[str, Any] = unit.result.setdefault("claims", {})
        if named is None or not data.get("check"):
            return {"state": "refused", "items": [], "detail": "the item does not say which payer's check paid it"}
        previous = _record(records.get("0"))
        if previous is not None and previous["state"] != "posting":
            return previous
        base_item = {"source": self.name, "payer": named.name, "payer_type": named.type.value,
                     "remittance_date": data["remittance_date"]}
        try:
            claim = ClaimToPost.from_extracted(data["check"], base_item, data["extracted"])
        except ValidationError as exc:
            wrong = "; ".join(".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in exc.errors()[:3])
            return {"state": "refused", "items": [], "detail": f"the corrected values are not a claim's ({wrong})"}

        async def intend(record: dict[str, Any]) -> None:
            records["0"] = record
            await ctx.save(unit)

        async with worker.borrow("billing") as session:
            billing: MediBillSession = session  # type: ignore[assignment]
            entry = await self._post_claim(billing, await self._open_claims(worker, billing, named.key), claim,
                                           previous, intend)
        records["0"] = entry
        await ctx.save(unit)
        return entry

    @staticmethod
    def _filings(records: dict[str, Any], remit: Remittance, evidence: "_Evidence") -> list[Filing]:
        """Every item the outbox holds, in the order the claims are printed, each with its claim's page."""
        filings = []
        for index, claim in enumerate(remit.claims):
            entry = _record(records.get(str(index)))
            if entry is None:
                continue
            account = claim.account_number or ""
            for item in entry.get("items", []):
                filings.append(Filing(_on_pages(item, evidence.page_numbers(account)), [evidence.page(account)]))
        return filings

    def _recoupments(self, remit: Remittance, check: str, base_item: dict[str, Any],
                     attachment: Attachment) -> list[Filing]:
        return [_recoupment(plb, check, base_item, attachment) for plb in remit.provider_adjustments if plb.amount > 0]

    @staticmethod
    async def _open_claims(worker: Worker, billing: MediBillSession, payer: str) -> OpenClaims:
        """The payer's open claims by (account, first date of service, billed), read once per run and shared by
        the run's workers: finding each paid claim by an A/R search cost two page loads per claim."""
        lock = worker.cache.setdefault("open_claims_lock", asyncio.Lock())
        async with lock:
            index: OpenClaims | None = worker.cache.get(f"open_claims:{payer}")
            if index is None:
                index = defaultdict(list)
                for row in await billing.open_claims(payer):
                    index[(row.account, row.dos_from, row.billed)].append(row.claim_number)
                worker.cache[f"open_claims:{payer}"] = index
        return index

    async def _read(self, ctx: NightContext, worker: Worker, unit: Unit) -> tuple[bytes, dict[str, Any]]:
        """The remittance and the extractor's reading of it. Both are kept in the unit's folder as they come
        (the download before it is read, each page's OCR as it is read, the reading at the end), so a runner
        killed part-way resumes where it was: a large scan is not downloaded and read from the start by every
        life of a runner restarted more often than the scan takes to read."""
        kept = ctx.kept(unit)
        if kept is not None and (kept / "remittance.pdf").is_file() and (kept / "reading.json").is_file():
            return (kept / "remittance.pdf").read_bytes(), json.loads((kept / "reading.json").read_bytes())
        last: BotError | None = None
        for _ in range(3):
            if kept is not None and (kept / "remittance.pdf").is_file():
                pdf = (kept / "remittance.pdf").read_bytes()
            else:
                pdf, _kind = await worker[unit.data["portal"]].download(unit.data["href"])
                if kept is not None:
                    write_atomically(kept / "remittance.pdf", pdf)
            try:
                document = await extract_bytes(ctx, pdf, ".pdf", keep=None if kept is None else kept / "ocr")
            except DownloadDamaged as exc:  # corrupt bytes that still looked like a PDF: fetch again
                if kept is not None:
                    discard(kept)
                last = exc
                continue
            if kept is not None:
                write_atomically(kept / "reading.json", json.dumps(document).encode())
            return pdf, document
        assert last is not None
        raise last

    async def _post_claim(self, billing: MediBillSession, open_claims: OpenClaims, claim: "ClaimToPost",
                          previous: dict[str, Any] | None, intend: Callable[[dict[str, Any]], Awaitable[None]],
                          confirm: "Confirm | None" = None) -> dict[str, Any]:
        """Post one claim of the check; returns its outbox record. `previous` is the record of an attempt that
        was posting this claim when it stopped: the claim it had chosen is read back, never matched again (a
        claim closed by that posting is no longer in the open list, and would look like a payment for nothing).
        `intend` saves the record before the billing system is written to, with the items the posting implies.
        `confirm` asks the payer's record of the claim for its adjustment codes (`settle`)."""
        try:
            claim_number = await self._claim_paid(billing, open_claims, claim, previous)
            before = await billing.read_claim(claim_number)
            settled = await self._settle_doubts(claim, claim_number, before, confirm or _no_payer_record)
            return await self._write(billing, claim, claim_number, before, previous, settled, intend)
        except _NotPosted as stop:
            return stop.record

    async def _claim_paid(self, billing: MediBillSession, open_claims: OpenClaims, claim: "ClaimToPost",
                          previous: dict[str, Any] | None) -> str:
        """The billing system's claim this payment is for: the one an interrupted attempt chose, or the one
        match among the open claims."""
        unsure = claim.posting_review(
            None, f"Claim {claim.index + 1} of check {claim.check} was not read with certainty; not posted",
            "Fields under review: " + ", ".join(claim.review))
        if claim.review and not may_settle(claim.review):
            # A claim failing its own rules in a check whose sum holds: the rule that failed, in numbers.
            unsure["payload"]["findings"][:0] = explain_claim(claim.data, claim.index)
            raise _NotPosted(claim.record("review", None, [unsure]))
        if previous is not None and previous.get("claim"):
            return str(previous["claim"])
        candidates = await self._candidates(billing, open_claims, claim)
        if len(candidates) != 1:
            raise _NotPosted(claim.record("review", None, [unsure]) if claim.review
                             else claim.record("unmatched", None, [claim.unmatched(len(candidates))]))
        return candidates[0]

    @staticmethod
    async def _settle_doubts(claim: "ClaimToPost", claim_number: str, before: ClaimDetail,
                             confirm: "Confirm") -> list[str]:
        """What settled each field read in doubt (the billing system's claim, the arithmetic, the payer's
        record); a doubt nothing settles leaves the claim to a person."""
        if not claim.review:
            return []
        settlement = settle(claim.data, claim.index, claim.review, before, balanced=True)
        if settlement.to_confirm:
            codes, source = await confirm(claim.data)
            settlement.confirmed(codes, source)
        if settlement.doubts:
            review_item = claim.posting_review(
                claim.on(before), f"Claim {claim.index + 1} of check {claim.check} was not read with certainty; "
                                  f"not posted", "Fields under review: " + ", ".join(settlement.doubts))
            review_item["payload"]["findings"] += [f"Settled: {s}" for s in settlement.settled][:30]
            raise _NotPosted(claim.record("review", claim_number, [review_item]))
        return settlement.settled

    async def _write(self, billing: MediBillSession, claim: "ClaimToPost", claim_number: str, before: ClaimDetail,
                     previous: dict[str, Any] | None, settled: list[str],
                     intend: Callable[[dict[str, Any]], Awaitable[None]]) -> dict[str, Any]:
        """The posting itself: its intent saved first, written once (a check already on the claim is not
        written again), the balance after it checked against the one expected."""
        posted_before = claim.check in before.posted_checks()
        if before.balance <= 0 and not posted_before:
            # Open when the run's list was read, closed since by another payment: no longer an open claim to pay.
            closed = claim.unmatched(0, f"Claim {claim_number} was closed tonight")
            raise _NotPosted(claim.record("unmatched", None, [closed]))
        ref = claim.on(before)
        entries, problem = self._entries(before, claim.lines)
        if problem:
            raise _NotPosted(claim.record("review", claim_number, [claim.posting_review(ref, problem, problem)]))
        change = sum((e.paid + sum((a[2] for a in e.adjustments), Decimal(0)) if not e.denied else e.paid
                      for e in entries), Decimal(0))
        expected_balance = before.balance - (Decimal(0) if posted_before else change)
        implied = claim.implied(ref, entries, expected_balance)
        totals = {"claims_posted": 1, "dollars_posted": str(sum((e.paid for e in entries), Decimal(0)))}
        if settled:
            totals = {**totals, "claims_settled": 1}
        if not posted_before:
            await intend(claim.record("posting", claim_number, implied, totals))
        try:
            posted, after = await billing.post_once(claim_number, claim.check, entries, before=before)
        except BillingRefused as exc:
            raise _NotPosted(claim.record("review", claim_number, [claim.posting_review(
                ref, f"MediBill refused the posting: {exc}"[:500], str(exc))])) from exc
        items = list(implied)
        if posted and after.balance != expected_balance:
            items.insert(0, claim.posting_review(ref, f"After posting, the balance is {after.balance}, expected "
                                                      f"{expected_balance}", None))
        if posted or previous is not None:
            # Posted now, or by the attempt that recorded its intent before it stopped.
            return {**claim.record("posted", claim_number, items, totals), "settled": settled}
        return {**claim.record("already", claim_number, items), "settled": settled}

    @staticmethod
    async def _payer_record(worker: Worker, portal: str, claim: RemittanceClaim) -> tuple[set[str], str]:
        """The adjustment codes the payer's portal shows for this claim (found by its ICN among the member's
        claims), and where they were read; none when the portal does not show the claim."""
        icn, member = claim.payer_claim_number or "", claim.member_id or ""
        if not icn or not member:
            return set(), ""
        # The worker's own session of the payer serves the check's claims one at a time (they post at once).
        lock = worker.cache.setdefault(f"payer_lock:{id(worker)}:{portal}", asyncio.Lock())
        async with lock:
            if portal == "bluriver":
                rows = await worker[portal].claims_of_member(member, claim.account_number or "")  # type: ignore[attr-defined]
                found = [(r.claim_number, set(r.codes)) for r in rows]
            else:
                dates = [line.service_date for line in claim.lines if line.service_date]
                if not dates:
                    return set(), ""
                rows = await worker[portal].claim_status(member, min(dates), max(dates))  # type: ignore[attr-defined]
                found = [(r.icn, set(r.reasons)) for r in rows]
        codes = [(number, reasons) for number, reasons in found if number == icn]
        if not codes:
            # The number read with a speck before or after it, or one glyph misread ("6BR1920..." for "BR1920..."):
            # the member's one claim at the payer so near it.
            codes = [(number, reasons) for number, reasons in found if _glyph_from(icn, number)]
        if len(codes) != 1:
            return set(), ""
        number, reasons = codes[0]
        told = f"claim {number}" if number == icn else f"claim {number} (read {icn!r})"
        return {c for c in reasons if "-" in c}, f"the {portal} portal's record of {told}"

    @staticmethod
    async def _candidates(billing: MediBillSession, open_claims: OpenClaims, claim: "ClaimToPost") -> list[str]:
        """The open claims this payment is for: by account, first date of service and billed, and between twins
        (claims alike in all three) by the payer's claim number when a claim's notes carry it; never a guess."""
        if not claim.account or claim.dos is None:
            return []
        key = (claim.account, claim.dos, claim.data.billed)
        candidates = list(open_claims.get(key, []))
        if len(candidates) != 1:
            # Not in the list read at the start of the run (entered since), or ambiguous: ask again now.
            candidates = [r.claim_number for r in await billing.find_claims(claim.account)
                          if (r.account, r.dos_from, r.billed) == key]
        icn = claim.data.payer_claim_number or ""
        if len(candidates) > 1 and icn:
            noted = [c for c in candidates if any(f"ICN {icn}" in n for n in (await billing.read_claim(c)).notes)]
            if len(noted) == 1:
                return noted
        return candidates

    @staticmethod
    def _entries(claim: ClaimDetail, lines: list[ServiceLine]) -> tuple[list[LineEntry], str]:
        entries: list[LineEntry] = []
        free = list(claim.lines)
        for line in lines:
            dos = line.service_date
            match = next((c for c in free if c.hcpcs == line.procedure and c.dos_from == dos
                          and c.billed == line.billed), None)
            if match is None:
                return [], f"No line of claim {claim.claim_number} matches {line.procedure} on {dos} billed {line.billed:.2f}"
            free.remove(match)
            if len(line.adjustments) > MAX_ADJUSTMENTS:
                return [], f"Line {match.line_no} has {len(line.adjustments)} adjustments; MediBill takes {MAX_ADJUSTMENTS}"
            entries.append(LineEntry(match.line_no, line.paid, tuple((a.group, a.reason, a.amount) for a in line.adjustments),
                                     denied=line.paid == 0))
        return entries, ""


Confirm = Callable[[RemittanceClaim], Awaitable[tuple[set[str], str]]]


async def _no_payer_record(claim: RemittanceClaim) -> tuple[set[str], str]:
    return set(), ""


def _glyph_from(read: str, number: str) -> bool:
    """Whether `read` is `number` but for one glyph: one more at either end (a speck), or one in place."""
    if len(read) == len(number) + 1:
        return read[1:] == number or read[:-1] == number
    return len(read) == len(number) and sum(a != b for a, b in zip(read, number)) == 1


def _recoupment(plb: ProviderAdjustment, check: str, base_item: dict[str, Any], attachment: Attachment) -> Filing:
    """A provider-level recoupment on the check: a person finds what it takes back."""
    return Filing({**base_item, "idempotency_key": f"recoupment:{check}:{plb.reference}", "kind": "recoupment",
                   "balance": f"{plb.amount:.2f}", "reason_codes": [plb.reason],
                   "summary": f"Provider-level recoupment {plb.reason} of {plb.amount:.2f} on check {check}",
                   "payload": {"findings": [f"Reference {plb.reference}"],
                               "provider_adjustment": plb.model_dump(mode="json")}},
                  [attachment])


def _record(entry: Any) -> dict[str, Any] | None:
    """A claim's outbox record; a bare state is what runs before the outbox saved (nothing to file)."""
    if entry is None or isinstance(entry, dict):
        return entry
    return {"state": entry, "claim": None, "items": [], "totals": {}}


class _Evidence:
    """Each claim's own page(s) of a text remittance, cut out when an item first needs them; a scan (or a claim
    whose page is not found) keeps the whole document."""

    def __init__(self, pages: RemittancePages, whole: Attachment) -> None:
        self.pages = pages
        self.whole = whole
        self._cut: dict[str, Attachment] = {}

    def page_numbers(self, account: str) -> dict[int, int] | None:
        """The document's page numbers (1-based) as the claim's cut-out numbers them; None for the whole."""
        if self.page(account) is self.whole:
            return None
        return {index + 1: n for n, index in enumerate(self.pages.pages_with(account), start=1)}

    def page(self, account: str) -> Attachment:
        if account not in self._cut:
            page = self.pages.with_text(account)
            self._cut[account] = self.whole if page is None else Attachment(
                f"{self.whole.filename.removesuffix('.pdf')}-{account}.pdf", page, "pdf_page")
        return self._cut[account]


def claim_view(remit: Remittance, index: int, review: list[str]) -> dict[str, Any]:
    """One claim of the remittance as its items carry it: its fields, and the doubts about them and where each
    was read on the page (the extractor's `review` and `fields`) by paths within the claim ("" for the whole)."""
    prefix = f"claims.{index}"
    return {**remit.claims[index].model_dump(mode="json"),
            "review": [path[len(prefix) + 1:] for path in review if path.startswith(prefix)],
            "fields": {path[len(prefix) + 1:]: box.model_dump(mode="json") for path, box in remit.fields.items()
                       if path.startswith(prefix + ".")}}


def _on_pages(item: dict[str, Any], numbers: dict[int, int] | None) -> dict[str, Any]:
    """The item with its field boxes on the pages of the cut-out it is filed with (boxes on pages not cut out
    dropped); as it is when filed with the whole document."""
    extracted = (item.get("payload") or {}).get("extracted")
    if numbers is None or not isinstance(extracted, dict) or not extracted.get("fields"):
        return item
    fields = {path: {**box, "page": numbers[box["page"]]} for path, box in extracted["fields"].items()
              if box["page"] in numbers}
    return {**item, "payload": {**item["payload"], "extracted": {**extracted, "fields": fields}}}


@dataclass
class ClaimToPost:
    """One claim of a check as the remittance reads it (`data`; the robot's own copy, which settling may correct),
    the same claim as its items carry it (`extracted`: as read, with its doubts and boxes), and the items its
    posting may file."""

    check: str
    base_item: dict[str, Any]
    data: RemittanceClaim
    index: int
    review: list[str]
    extracted: dict[str, Any]

    @classmethod
    def of(cls, check: str, base_item: dict[str, Any], remit: Remittance, index: int,
           review: list[str]) -> "ClaimToPost":
        return cls(check, base_item, remit.claims[index].model_copy(deep=True), index, review,
                   claim_view(remit, index, review))

    @classmethod
    def from_extracted(cls, check: str, base_item: dict[str, Any], extracted: dict[str, Any], index: int = 0,
                       review: list[str] | None = None) -> "ClaimToPost":
        """A claim as an item carried it (a person's corrected values, handed back): parsed back into the
        extractor's model here, so a value no claim may hold fails now, before anything is posted."""
        fields = RemittanceClaim.model_fields
        data = RemittanceClaim.model_validate({k: v for k, v in extracted.items() if k in fields})
        return cls(check, base_item, data, index, review or [], extracted)

    @property
    def account(self) -> str:
        return self.data.account_number or ""

    @property
    def lines(self) -> list[ServiceLine]:
        return self.data.lines

    @property
    def dos(self) -> dt.date | None:
        return min((line.service_date for line in self.lines if line.service_date), default=None)

    def ref(self) -> dict[str, Any]:
        return {**self.base_item, "account_number": self.account or None, "patient_name": self.data.patient_name,
                "payer_claim_number": self.data.payer_claim_number, "balance": f"{self.data.paid:.2f}"}

    def on(self, claim: ClaimDetail) -> dict[str, Any]:
        return {**self.ref(), "claim_number": claim.claim_number, "service_date_from": claim.dos_from.isoformat(),
                "service_date_to": claim.dos_to.isoformat()}

    @staticmethod
    def record(state: str, claim_number: str | None, items: list[dict[str, Any]],
               totals: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"state": state, "claim": claim_number, "items": items, "totals": totals or {}}

    def posting_review(self, ref: dict[str, Any] | None, summary: str, finding: str | None) -> dict[str, Any]:
        key = f"posting_review:{self.check}:{ref['claim_number']}" if ref else f"posting_review:{self.check}:{self.index}"
        payload: dict[str, Any] = {"extracted": self.extracted, "check": self.check}
        if finding:
            payload["findings"] = [finding]
        return {**(ref or self.ref()), "idempotency_key": key, "kind": "posting_review", "summary": summary,
                "payload": payload}

    def unmatched(self, count: int, *why: str) -> dict[str, Any]:
        return {**self.ref(), "idempotency_key": f"unmatched_payment:{self.check}:{self.account}",
                "kind": "unmatched_payment",
                "summary": f"Payment {self.data.paid:.2f} for account {self.account} matches {count} open claims",
                "payload": {"findings": [f"Service from {self.dos}, billed {self.data.billed:.2f}", *why],
                            "extracted": self.extracted}}

    def implied(self, ref: dict[str, Any], entries: list[LineEntry], balance: Decimal) -> list[dict[str, Any]]:
        """The items posting these entries implies: a denial when a line is denied."""
        denied = [e for e in entries if e.denied]
        if not denied:
            return []
        reasons = sorted({f"{g}-{r}" for e in denied for g, r, _a in e.adjustments})
        remarks = sorted({r for line in self.lines for r in line.remarks})
        return [{**ref, "idempotency_key": f"denial:{ref['claim_number']}", "kind": "denial",
                 "balance": f"{balance:.2f}", "summary": f"Denied on check {self.check}: {' '.join(reasons)}",
                 "reason_codes": reasons + remarks,
                 "payload": {"findings": [f"{len(denied)} of {len(entries)} lines denied"], "extracted": self.extracted}}]
