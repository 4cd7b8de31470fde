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
import functools
import os
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any, Coroutine

from ..errors import BotError, DownloadDamaged
from ..portals.medibill import BillingRefused, ClaimDetail, LineEntry, MediBillSession
from ..runtime.checkpoints import Unit
from .base import Attachment, Filing, NightContext, Outcome, Robot, Worker, add_totals
from .evidence import RemittancePages
from .extraction import extract_bytes

PAYERS = {"medicare": ("medicare", "Medicare"), "bluriver": ("bluriver", "Blue River Health Plan")}
# Remittances newer than this many days are candidates on a first night; later nights skip what earlier ones did.
LOOKBACK_DAYS = 7
MAX_ADJUSTMENTS = 4
CLAIM_PATH = re.compile(r"^claims\.(\d+)(\.|$)")
# (account, first date of service, billed) -> open claim numbers
OpenClaims = dict[tuple[str, dt.date, Decimal], list[str]]


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

    def __init__(self) -> None:
        # HME_EOB_PAYERS narrows the payers posted (e.g. while one payer's EOBs are posted by hand).
        chosen = [p.strip() for p in os.environ.get("HME_EOB_PAYERS", "").split(",") if p.strip()]
        unknown = set(chosen) - set(PAYERS)
        if unknown:
            raise BotError(f"HME_EOB_PAYERS: unknown payer(s) {', '.join(sorted(unknown))}; known: {', '.join(PAYERS)}")
        self.payers = chosen or list(PAYERS)

    async def plan(self, ctx: NightContext, worker: Worker) -> list[tuple[str, dict[str, Any]]]:
        start = ctx.night - dt.timedelta(days=LOOKBACK_DAYS - 1)
        units: list[tuple[str, dict[str, Any]]] = []
        for payer in self.payers:
            portal = PAYERS[payer][0]
            session = worker[portal]
            rows = await session.remittances(start, ctx.night)  # type: ignore[attr-defined]
            units.extend((f"{payer}:{r.check_number}", {"payer": payer, "portal": portal, "check": r.check_number,
                                                        "date": r.date.isoformat(), "amount": f"{r.amount:.2f}",
                                                        "href": r.href}) for r in rows)
        done = ctx.checkpoints.finished_before([k for k, _ in units])
        # Largest checks first (units are leased in plan order): a remittance is posted by one worker, so a long
        # one started last would keep the night running on one context while the others sit idle.
        units.sort(key=lambda u: Decimal(u[1]["amount"]), reverse=True)
        return [(k, d) for k, d in units if k not in done]

    async def work(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        data = unit.data
        pdf, remit = await self._download(ctx, worker, data)
        attachment = Attachment(f"{'SPR' if data['payer'] == 'medicare' else 'EOB'}-{data['check']}.pdf", pdf, "document")
        check = data["check"]
        outcome = Outcome(totals={"remittances": 1, "remittance_pages": remit["pages"]})
        base_item = {"source": self.name, "payer": PAYERS[data["payer"]][1],
                     "payer_type": "medicare" if data["payer"] == "medicare" else "commercial",
                     "remittance_date": data["date"]}
        printed = Decimal(str(remit["payment"]["amount"] or "0"))
        global_review = [p for p in remit["review"] if not CLAIM_PATH.match(p) and not p.startswith("provider_adjustments")]
        if not remit["balanced"] or global_review or printed != Decimal(data["amount"]):
            why = remit["problems"] or global_review or [f"check amount {printed} differs from the portal's {data['amount']}"]
            if remit["ocr"]:
                why = [*why, "Read from a scan by OCR: the difference may be a misread; compare with the attached EOB"]
            outcome.filings.append(Filing({**base_item, "idempotency_key": f"unbalanced_remittance:{check}",
                                           "kind": "unbalanced_remittance",
                                           "summary": f"Remittance {check} does not balance; nothing was posted",
                                           "payload": {"findings": [str(w) for w in why][:20], "extracted": remit}},
                                          [attachment]))
            outcome.totals["remittances_unbalanced"] = 1
            return outcome
        pages = RemittancePages(pdf)
        finished: dict[str, str] = unit.result.setdefault("claims", {})
        posted: dict[int, tuple[list[Filing], dict[str, Any]]] = {}
        saving = asyncio.Lock()

        async def post(index: int) -> None:
            # A claim finished on an earlier attempt is read back, not posted again; its items are
            # re-filed under the same keys, which the queue answers with the existing item.
            review = [p for p in remit["review"] if p.startswith(f"claims.{index}.") or p == f"claims.{index}"]
            async with worker.borrow("billing") as session:
                billing: MediBillSession = session  # type: ignore[assignment]
                open_claims = await self._open_claims(worker, billing, data["payer"])
                state, filings, totals = await self._post_claim(billing, open_claims, check, base_item,
                                                                remit["claims"][index], index, review, attachment,
                                                                pages, finished.get(str(index)))
            posted[index] = filings, totals
            async with saving:  # one save at a time, so a later one never lands before an earlier one
                finished[str(index)] = state
                await ctx.save(unit)

        async def post_in_turn(indexes: list[int]) -> None:
            for index in indexes:
                await post(index)

        # Claims go out on every idle billing session at once; one account's claims in the order printed (a
        # reversal before its correction), as they may touch the same claim in the billing system.
        accounts: dict[str, list[int]] = defaultdict(list)
        for index, claim in enumerate(remit["claims"]):
            accounts[claim["account_number"] or f"#{index}"].append(index)
        await _together([post_in_turn(indexes) for indexes in accounts.values()])
        for index in sorted(posted):
            outcome.filings.extend(posted[index][0])
            add_totals(outcome.totals, posted[index][1])
        for plb in remit["provider_adjustments"]:
            if Decimal(plb["amount"]) > 0:
                outcome.filings.append(Filing({**base_item, "idempotency_key": f"recoupment:{check}:{plb['reference']}",
                                               "kind": "recoupment", "balance": plb["amount"],
                                               "summary": f"Provider-level recoupment {plb['reason']} of {plb['amount']} on check {check}",
                                               "reason_codes": [plb["reason"]],
                                               "payload": {"findings": [f"Reference {plb['reference']}"],
                                                           "provider_adjustment": plb}}, [attachment]))
        return outcome

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

    async def _download(self, ctx: NightContext, worker: Worker, data: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        last: BotError | None = None
        for _ in range(3):
            pdf, _kind = await worker[data["portal"]].download(data["href"])
            try:
                return pdf, await extract_bytes(ctx, pdf, ".pdf")
            except DownloadDamaged as exc:  # corrupt bytes that still looked like a PDF: fetch again
                last = exc
        assert last is not None
        raise last

    async def _post_claim(self, billing: MediBillSession, open_claims: OpenClaims, check: str,
                          base_item: dict[str, Any], claim: dict[str, Any], index: int, review: list[str],
                          attachment: Attachment, pages: RemittancePages,
                          previous: str | None) -> tuple[str, list[Filing], dict[str, Any]]:
        account = claim["account_number"] or ""
        lines = claim["lines"]

        @functools.cache
        def own_page() -> Attachment:
            """The claim's own page(s), cut out when an item first needs them; a scan keeps the whole document."""
            page = pages.with_text(account)
            return attachment if page is None else Attachment(
                f"{attachment.filename.removesuffix('.pdf')}-{account}.pdf", page, "pdf_page")

        def evidence() -> list[Attachment]:
            return [own_page()]

        dos = min((dt.date.fromisoformat(l["service_date"]) for l in lines if l["service_date"]), default=None)
        ref = {**base_item, "account_number": account or None, "patient_name": claim["patient_name"],
               "payer_claim_number": claim["payer_claim_number"], "balance": claim["paid"]}
        if review:
            return "review", [Filing({**ref, "idempotency_key": f"posting_review:{check}:{index}", "kind": "posting_review",
                                      "summary": f"Claim {index + 1} of check {check} was not read with certainty; not posted",
                                      "payload": {"findings": ["Fields under review: " + ", ".join(review)],
                                                  "extracted": claim}}, evidence())], {}
        candidates: list[str] = []
        if account and dos is not None:
            key = (account, dos, Decimal(claim["billed"]))
            candidates = list(open_claims.get(key, []))
            if len(candidates) != 1:
                # Not in the list read at the start of the run (entered since), or ambiguous: ask again now.
                candidates = [r.claim_number for r in await billing.find_claims(account)
                              if (r.account, r.dos_from, r.billed) == key]

        def unmatched(count: int, *why: str) -> tuple[str, list[Filing], dict[str, Any]]:
            return "unmatched", [Filing({**ref, "idempotency_key": f"unmatched_payment:{check}:{account}",
                                         "kind": "unmatched_payment",
                                         "summary": f"Payment {claim['paid']} for account {account} matches "
                                                    f"{count} open claims",
                                         "payload": {"findings": [f"Service from {dos}, billed {claim['billed']}", *why],
                                                     "extracted": claim}}, evidence())], {}

        if len(candidates) != 1:
            if previous in ("posted", "already"):
                # Posted on an earlier attempt: the claim may be closed now and so out of the A/R list.
                return previous, [], {}
            return unmatched(len(candidates))
        claim_number = candidates[0]
        before = await billing.read_claim(claim_number)
        if before.balance <= 0 and check not in before.posted_checks():
            # Open when the run's list was read, closed since by another payment: no longer an open claim to pay.
            return unmatched(0, f"Claim {claim_number} was closed tonight")
        entries, problem = self._entries(before, lines)
        filings: list[Filing] = []
        ref = {**ref, "claim_number": claim_number, "service_date_from": before.dos_from.isoformat(),
               "service_date_to": before.dos_to.isoformat()}
        if problem:
            return "review", [Filing({**ref, "idempotency_key": f"posting_review:{check}:{claim_number}",
                                      "kind": "posting_review", "summary": problem,
                                      "payload": {"findings": [problem], "extracted": claim}}, evidence())], {}
        try:
            posted, after = await billing.post_once(claim_number, check, entries, before=before)
        except BillingRefused as exc:
            return "review", [Filing({**ref, "idempotency_key": f"posting_review:{check}:{claim_number}",
                                      "kind": "posting_review", "summary": f"MediBill refused the posting: {exc}"[:500],
                                      "payload": {"findings": [str(exc)], "extracted": claim}}, evidence())], {}
        totals: dict[str, Any] = {}
        if posted:
            change = sum((e.paid + sum((a[2] for a in e.adjustments), Decimal(0)) if not e.denied else e.paid
                          for e in entries), Decimal(0))
            if after.balance != before.balance - change:
                filings.append(Filing({**ref, "idempotency_key": f"posting_review:{check}:{claim_number}",
                                       "kind": "posting_review",
                                       "summary": f"After posting, the balance is {after.balance}, expected "
                                                  f"{before.balance - change}",
                                       "payload": {"extracted": claim}}, evidence()))
            totals = {"claims_posted": 1, "dollars_posted": str(sum((e.paid for e in entries), Decimal(0)))}
        denied = [e for e in entries if e.denied]
        if denied:
            reasons = sorted({f"{g}-{r}" for e in denied for g, r, _a in e.adjustments})
            remarks = sorted({r for l in lines for r in l["remarks"]})
            filings.append(Filing({**ref, "idempotency_key": f"denial:{claim_number}", "kind": "denial",
                                   "balance": f"{after.balance:.2f}",
                                   "summary": f"Denied on check {check}: {' '.join(reasons)}",
                                   "reason_codes": reasons + remarks,
                                   "payload": {"findings": [f"{len(denied)} of {len(entries)} lines denied"],
                                               "extracted": claim}}, evidence()))
        return ("posted" if posted else "already"), filings, totals

    @staticmethod
    def _entries(claim: ClaimDetail, lines: list[dict[str, Any]]) -> tuple[list[LineEntry], str]:
        entries: list[LineEntry] = []
        free = list(claim.lines)
        for line in lines:
            dos = dt.date.fromisoformat(line["service_date"]) if line["service_date"] else None
            match = next((c for c in free if c.hcpcs == line["procedure"] and c.dos_from == dos
                          and c.billed == Decimal(line["billed"])), None)
            if match is None:
                return [], f"No line of claim {claim.claim_number} matches {line['procedure']} on {dos} billed {line['billed']}"
            free.remove(match)
            if len(line["adjustments"]) > MAX_ADJUSTMENTS:
                return [], f"Line {match.line_no} has {len(line['adjustments'])} adjustments; MediBill takes {MAX_ADJUSTMENTS}"
            paid = Decimal(line["paid"])
            entries.append(LineEntry(match.line_no, paid, tuple((a["group"], a["reason"], Decimal(a["amount"]))
                                                              for a in line["adjustments"]), denied=paid == 0))
        return entries, ""
