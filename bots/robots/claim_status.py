"""Claim status: every claim due for follow-up, checked at its payer, noted in the billing system, routed.

Routing is claim-status.md's table. The claims checked are the billing
system's own "unstatused" A/R list (open, no denial or rejection noted, older
than the payer's follow-up days), so the robot never second-guesses the
follow-up rules the billing office configured.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from ..errors import ApplicationException, BillingRefused
from ..payers import PAYERS, Payer, portal_link
from ..portals.bluriver import BlueRiverSession
from ..portals.medibill import ArRow, ClaimDetail, MediBillSession
from ..portals.medicare import MedicareSession
from ..runtime.checkpoints import Unit
from .base import Filing, NightContext, Outcome, Robot, Worker

# 277 category code -> queue kind (None: nothing to do). claim-status.md.
ROUTES: dict[str, str | None] = {
    "A1": None, "A2": None,
    "A3": "front_end_rejection", "A6": "front_end_rejection", "A7": "front_end_rejection", "A8": "front_end_rejection",
    "A4": "claim_not_on_file",
    "P0": "pending_too_long", "P1": "pending_too_long", "P2": "pending_too_long", "P5": "pending_too_long",
    "P3": "info_requested", "P4": "info_requested",
    "F1": None, "F2": "denial", "F3": "claim_review", "F4": "claim_review",
}
# The Medicare portal answers one inquiry with every claim of a beneficiary in a range of up to a year: a patient's
# claims due tonight (HME rentals are billed month by month, so there are often several) share one inquiry.
WINDOW_DAYS = 365


def _payer_of(data: dict[str, Any]) -> dict[str, str]:
    """The payer as every robot names it on an item (one identity for the queue's filters)."""
    payer = PAYERS[data["payer"]]
    return {"payer": payer.name, "payer_type": payer.type.value}


def _portal_links(worker: Worker, data: dict[str, Any]) -> dict[str, Any]:
    """Where a person looks the claim up at the payer: the portal the robot asked, at the vault's address."""
    payer: Payer = PAYERS[data["payer"]]
    base = worker.address(data["portal"])
    return {"links": {"payer_portal": portal_link(payer, base)}} if base else {}


def windows(rows: list[ArRow]) -> dict[str, tuple[str, str]]:
    """Claim number -> the dates of service (first, last) of the Medicare inquiry that answers it together with
    the same account's other claims in the list, each range at most WINDOW_DAYS long."""
    by_account: dict[str, list[ArRow]] = {}
    for row in rows:
        if row.payer == "medicare":
            by_account.setdefault(row.account, []).append(row)
    found: dict[str, tuple[str, str]] = {}
    for claims in by_account.values():
        claims.sort(key=lambda r: r.dos_from)
        first = 0
        while first < len(claims):
            last = first
            while last + 1 < len(claims) and (claims[last + 1].dos_from - claims[first].dos_from).days <= WINDOW_DAYS:
                last += 1
            for row in claims[first:last + 1]:
                found[row.claim_number] = (claims[first].dos_from.isoformat(), claims[last].dos_from.isoformat())
            first = last + 1
    return found


def route(code: str) -> str | None:
    code = code.strip().upper()
    if code in ROUTES:
        return ROUTES[code]
    if code.startswith("R"):
        return "info_requested"
    if code.startswith(("E", "D")):
        # Inquiry error / system status: the payer could not answer now. Retry, never a per-claim item.
        raise ApplicationException(f"payer answered {code} (inquiry error); try again later")
    return "claim_review"  # a code we do not know yet: a person looks


class ClaimStatusRobot(Robot):
    name = "claim-status"
    portals = ("billing", "medicare", "bluriver")
    # A claim asks its payer one question (often answered from the run's cache): the workers, one per billing
    # session, share the payers' sessions.
    pooled = ("medicare", "bluriver")

    async def plan(self, ctx: NightContext, worker: Worker) -> list[tuple[str, dict[str, Any]]]:
        billing: MediBillSession = worker["billing"]  # type: ignore[assignment]
        rows = [r for r in await billing.unstatused_claims() if r.payer in PAYERS]
        shared = windows(rows)
        return [(r.claim_number, {"claim_number": r.claim_number, "account": r.account, "payer": r.payer,
                                  "portal": PAYERS[r.payer].key, "dos_from": r.dos_from.isoformat(),
                                  "billed": f"{r.billed:.2f}", "balance": f"{r.balance:.2f}",
                                  **({"inquiry": list(shared[r.claim_number])} if r.claim_number in shared else {})})
                for r in rows]

    async def work(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        billing: MediBillSession = worker["billing"]  # type: ignore[assignment]
        data = unit.data
        claim = await billing.claim(data["claim_number"])
        # Checked already on an earlier attempt of this unit: do not ask the payer twice.
        found = unit.result.get("status")
        if found is None:
            answers = await self._lookup(worker, data["portal"], claim.member_id, claim.account, claim.dos_from,
                                         claim.billed, data.get("inquiry"))
            twins = await self._twins(worker, billing, claim)
            found = choose(answers, twins, noted_icn(claim.notes))
            unit.result["status"] = found
            await ctx.save(unit)
        if found.get("ambiguous"):
            return Outcome(filings=[self._ambiguous(claim, data, found, ctx.night)], totals={"claims_ambiguous": 1})
        kind = route(found["code"])
        marker = f"RPA STATUS {ctx.night.isoformat()}"
        parts = [f"{marker}: {found['code']} {found['status']}".strip()]
        if found.get("icn"):
            parts.append(f"ICN {found['icn']}")
        if found.get("paid"):
            parts.append(f"paid {found['paid']}")
        if found.get("reasons"):
            parts.append("codes " + " ".join(found["reasons"]))
        outcome = Outcome(totals={"claims_statused": 1, f"status_{found['code']}": 1})
        try:
            await billing.add_note_once(claim.claim_number, "; ".join(parts)[:500], marker)
        except BillingRefused as exc:  # the status is known but not written: a person writes it
            outcome.filings.append(self._note_refused(claim, data, "; ".join(parts), str(exc), ctx.night))
            outcome.totals["notes_refused"] = 1
        if kind is None:
            return outcome
        summary = {
            "denial": f"Denied {' '.join(found.get('reasons') or [])}".strip(),
            "claim_not_on_file": "Payer has no record of this claim",
            "front_end_rejection": f"Rejected by the payer: {found['status']}",
            "pending_too_long": f"Still pending past follow-up: {found['status']}",
            "info_requested": f"Payer requests information: {found['status']}",
            "claim_review": f"Adjudicated without payment: {found['status']}",
        }[kind]
        remit = found.get("remit_date")
        outcome.filings.append(Filing(item={
            "idempotency_key": f"{kind}:{claim.claim_number}", "kind": kind, "source": self.name,
            "summary": summary, **_payer_of(data),
            "claim_number": claim.claim_number, "payer_claim_number": found.get("icn") or None,
            "account_number": claim.account, "patient_name": claim.patient, "balance": f"{claim.balance:.2f}",
            "service_date_from": claim.dos_from.isoformat(), "service_date_to": claim.dos_to.isoformat(),
            "remittance_date": remit, "reason_codes": found.get("reasons") or [],
            "payload": {"findings": [f"{data['portal']} portal on {ctx.night}: {found['code']} {found['status']}",
                                     f"Billed {claim.billed:.2f}, submitted {claim.submitted_on}"],
                        "status_code": found["code"], **_portal_links(worker, data)}}))
        return outcome

    def _note_refused(self, claim: ClaimDetail, data: dict[str, Any], note: str, refusal: str,
                      night: dt.date) -> Filing:
        return Filing(item={
            "idempotency_key": f"status_note_refused:{claim.claim_number}:{night.isoformat()}", "kind": "claim_review",
            "source": self.name, **_payer_of(data),
            "summary": f"MediBill refused the status note: {refusal}"[:500],
            "claim_number": claim.claim_number, "account_number": claim.account, "patient_name": claim.patient,
            "balance": f"{claim.balance:.2f}", "service_date_from": claim.dos_from.isoformat(),
            "service_date_to": claim.dos_to.isoformat(),
            "payload": {"findings": [f"The note the robot wrote: {note}", f"MediBill answered: {refusal}",
                                     "Write the status on the claim by hand"]}})

    def _ambiguous(self, claim: ClaimDetail, data: dict[str, Any], found: dict[str, Any], night: dt.date) -> Filing:
        twins = found.get("twins") or []
        codes = ", ".join(f"{a['code']} ICN {a['icn'] or '-'}" for a in found.get("answers", []))
        return Filing(item={
            "idempotency_key": f"status_ambiguous:{claim.claim_number}", "kind": "status_ambiguous",
            "source": self.name, **_payer_of(data),
            "summary": (f"Claims alike: {', '.join([claim.claim_number, *twins])} share account, date of service and "
                        f"billed; the payer's answer fits either, so no status was written")[:500],
            "claim_number": claim.claim_number, "account_number": claim.account, "patient_name": claim.patient,
            "balance": f"{claim.balance:.2f}", "service_date_from": claim.dos_from.isoformat(),
            "service_date_to": claim.dos_to.isoformat(),
            "payload": {"findings": [f"{data['portal']} portal on {night}: {len(found.get('answers', []))} answer(s) "
                                     f"for {claim.account}, {claim.dos_from}, billed {claim.billed:.2f}: {codes or 'none'}",
                                     f"Billing system: {claim.claim_number} and {', '.join(twins) or 'no other claim'} "
                                     f"alike; no ICN noted on {claim.claim_number} to tell them apart",
                                     "Check the status at the payer by ICN and note it on the right claim"],
                        "twins": twins}})

    @staticmethod
    async def _twins(worker: Worker, billing: MediBillSession, claim: ClaimDetail) -> list[str]:
        """The billing system's other claims alike (account, first date of service, billed), closed ones too:
        the payer's answer for either fits both. One search per account per run, shared by the workers."""
        accounts = worker.cache.setdefault("account_claims", {})
        if claim.account not in accounts:
            accounts[claim.account] = await billing.find_claims(claim.account, include_closed=True)
        return sorted(r.claim_number for r in accounts[claim.account]
                      if r.account == claim.account and r.dos_from == claim.dos_from and r.billed == claim.billed
                      and r.claim_number != claim.claim_number)

    async def _lookup(self, worker: Worker, portal: str, member_id: str, account: str, dos_from: dt.date,
                      billed: Decimal, inquiry: list[str] | None = None) -> list[dict[str, Any]]:
        """Every answer of the payer for a claim of this account, date of service and billed amount."""
        if portal == "medicare":
            # The dates planned for this claim's patient when the claim's own are inside them (the claim page is the
            # truth: a date of service corrected since planning is asked on its own).
            start, end = (dt.date.fromisoformat(d) for d in inquiry) if inquiry else (dos_from, dos_from)
            if not start <= dos_from <= end:
                start = end = dos_from
            answers = worker.cache.setdefault("medicare_inquiries", {})
            key = (member_id, start, end)
            if key not in answers:
                async with worker.borrow("medicare") as session:
                    medicare: MedicareSession = session  # type: ignore[assignment]
                    answers[key] = await medicare.claim_status(member_id, start, end)
            found = [{"code": r.code, "status": r.status, "icn": r.icn,
                      "paid": f"{r.paid:.2f}" if r.paid is not None else "", "reasons": r.reasons,
                      "remit_date": r.remit_date.isoformat() if r.remit_date else None}
                     for r in answers[key] if r.patient_control == account and r.dos_from == dos_from and r.billed == billed]
            if any(f["code"].strip().upper().startswith(("E", "D")) for f in found):
                answers.pop(key, None)  # the payer could not answer now: the retry asks again
            return found
        cache = worker.cache.setdefault("bluriver_members", {})
        if member_id not in cache:
            async with worker.borrow("bluriver") as session:
                bluriver: BlueRiverSession = session  # type: ignore[assignment]
                cache[member_id] = await bluriver.claims_of_member(member_id, account)
        return [{"code": c.category, "status": c.status, "icn": c.claim_number,
                 "paid": f"{c.paid:.2f}" if c.paid is not None else "", "reasons": c.codes,
                 "remit_date": c.paid_on.isoformat() if c.paid_on else None}
                for c in cache[member_id] if c.account == account and c.dos_from == dos_from and c.billed == billed]


NOT_ON_FILE = {"code": "A4", "status": "NOT FOUND", "icn": "", "paid": "", "reasons": [], "remit_date": None}
_NOTED_ICN = re.compile(r"\bICN ([A-Z0-9]+)")


def noted_icn(notes: list[str]) -> str | None:
    """The payer's claim number a status note on this claim recorded (the newest), which tells twins apart."""
    for note in notes:  # newest first, as the claim screen lists them
        found = _NOTED_ICN.search(note)
        if found:
            return found.group(1)
    return None


def choose(answers: list[dict[str, Any]], twins: list[str], icn: str | None) -> dict[str, Any]:
    """This claim's status among the payer's answers for claims like it; never a guess between claims alike.

    No answer is "not on file", true of every claim alike. One answer and no claim alike is this claim's. Else
    only the ICN noted on the claim can tell which answer is its own; without it the claim goes to a person.
    An answer that is an inquiry error raises (the payer could not answer now: try again)."""
    for answer in answers:
        route(answer["code"])
    if not answers:
        return dict(NOT_ON_FILE)
    if len(answers) == 1 and not twins:
        return answers[0]
    mine = [a for a in answers if icn and a["icn"] == icn]
    if len(mine) == 1:
        return mine[0]
    return {"ambiguous": True, "answers": answers, "twins": twins}
