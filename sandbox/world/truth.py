"""Ground truth, for tests, benchmarks and the demo's self-check only: never read by the robots.

- each claim's true status at its payer and what the claim-status robot should do with it;
- each downloadable remittance: whether it balances and the postings it implies, line by line;
- each hold's document, its validity and problems, and the expected outcome;
- the exceptions all of that implies, each once.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from .generate import FOLLOW_UP_DAYS
from .store import Store, dec

# claim-status.md: the 277 category code -> the queue item kind it becomes (None: nothing to do).
ROUTE = {
    "A1": None, "A2": None, "A3": "front_end_rejection", "A6": "front_end_rejection",
    "A7": "front_end_rejection", "A8": "front_end_rejection", "A4": "claim_not_on_file",
    "P0": "pending_too_long", "P1": "pending_too_long", "P2": "pending_too_long", "P5": "pending_too_long",
    "P3": "info_requested", "P4": "info_requested", "F1": None, "F2": "denial", "F3": "claim_review",
    "F4": "claim_review", "R4": "info_requested",
}


def due_for_follow_up(claim: Any, today: dt.date) -> bool:
    """Unstatused A/R: open, no denial or rejection on file, older than the payer's follow-up days."""
    if claim["closed"] or claim["last_status_note"]:
        return False
    age = (today - dt.date.fromisoformat(claim["submitted_on"])).days
    return age >= FOLLOW_UP_DAYS[claim["payer_type"]]


def alike(store: Store) -> dict[str, list[tuple[str, bool]]]:
    """Claim number -> the other claims alike (account, first date of service, billed), each with whether it was
    closed at the start of the night: "twins" whose payer answers and payments fit either claim."""
    groups: dict[tuple[str, str, str], list[tuple[str, bool]]] = {}
    for row in store.all("""SELECT c.claim_number, c.account_number, c.dos_from, c.billed, ci.closed
                            FROM claims c JOIN claims_initial ci ON ci.claim_id = c.id"""):
        groups.setdefault((row["account_number"], row["dos_from"], row["billed"]), []).append(
            (row["claim_number"], bool(row["closed"])))
    return {number: [t for t in group if t[0] != number] for group in groups.values() if len(group) > 1
            for number, _closed in group}


def claims(store: Store) -> list[dict[str, Any]]:
    today = store.today
    out = []
    twins = alike(store)
    on_file = {r["claim_number"] for r in store.all(
        "SELECT c.claim_number FROM claims c JOIN payer_claims p ON p.claim_id = c.id WHERE p.status_code <> 'A4'")}
    # Billing-side facts as generated (claims_initial), not as tonight's robots have changed them.
    for row in store.all("""SELECT c.claim_number, c.account_number, c.payer_key, c.payer_type, c.submitted_on,
                                   ci.balance, ci.closed, ci.last_status_note, p.status_code, p.icn,
                                   p.paid AS payer_paid, p.denial, p.remit_date, p.status_date
                            FROM claims c JOIN claims_initial ci ON ci.claim_id = c.id
                            JOIN payer_claims p ON p.claim_id = c.id ORDER BY c.id"""):
        denial = json.loads(row["denial"]) if row["denial"] else None
        due = due_for_follow_up(row, today)
        others = [number for number, _closed in twins.get(row["claim_number"], [])]
        route = ROUTE.get(row["status_code"]) if due else None
        # Claims alike and the payer on file with any of them: its answer fits each, and a robot without the
        # ICN noted on the claim cannot tell whose it is, so a person checks (none on file: "not on file" is
        # true of each).
        ambiguous = due and bool(others) and any(n in on_file for n in [row["claim_number"], *others])
        out.append({
            "claim_number": row["claim_number"], "account_number": row["account_number"],
            "payer": row["payer_key"], "status_code": row["status_code"], "icn": row["icn"],
            "status_date": row["status_date"], "paid": row["payer_paid"], "remit_date": row["remit_date"],
            "denial": {"group": denial[0], "reason": denial[1], "remark": denial[2] or None} if denial else None,
            "balance": row["balance"], "closed": bool(row["closed"]), "due_for_follow_up": due, "twins": others,
            "expected_route": "status_ambiguous" if ambiguous else route,
            "expected_note": due and not ambiguous,
        })
    return out


def remittance(store: Store, remit: Any, twins: dict[str, list[tuple[str, bool]]] | None = None) -> dict[str, Any]:
    twins = alike(store) if twins is None else twins
    claims_rows = store.all("SELECT * FROM remit_claims WHERE remit_id = ? ORDER BY seq", remit["id"])
    numbers = {r["id"]: r["claim_number"] for r in store.all(
        "SELECT id, claim_number FROM claims WHERE id IN (SELECT claim_id FROM remit_claims WHERE remit_id = ?)",
        remit["id"])}
    plbs = [{"reason": p["reason"], "reference": p["reference"], "member_id": p["member_id"], "amount": p["amount"]}
            for p in store.all("SELECT * FROM plb WHERE remit_id = ? ORDER BY id", remit["id"])]
    balanced = dec(remit["misprint"]) == 0
    postings, claims_out = [], []
    total_paid = Decimal("0.00")
    for rc in claims_rows:
        lines = store.all("SELECT * FROM remit_lines WHERE remit_claim_id = ? ORDER BY line_no", rc["id"])
        claim_number = numbers.get(rc["claim_id"])
        total_paid += dec(rc["paid"])
        # An open claim alike (a twin) makes the payment fit two open claims: it goes to a person, unposted.
        open_twin = any(not closed for _n, closed in twins.get(claim_number or "", []))
        claims_out.append({"claim_number": claim_number, "account_number": rc["account_number"], "icn": rc["icn"],
                           "status": rc["status"], "billed": rc["billed"], "paid": rc["paid"],
                           "patient_responsibility": rc["patient_responsibility"],
                           "matched": claim_number is not None and not open_twin, "open_twin": open_twin})
        if claim_number is None or open_twin or not balanced:
            continue
        for line in lines:
            adjustments = json.loads(line["adjustments"])
            postings.append({
                "check_number": remit["check_number"], "claim_number": claim_number, "line_no": line["claim_line_no"],
                "paid": line["paid"], "adjustments": adjustments,
                "patient_responsibility": f"{sum((dec(a['amount']) for a in adjustments if a['group'] == 'PR'), Decimal(0)):.2f}",
                "denied": dec(line["paid"]) == 0,
            })
    return {
        "check_number": remit["check_number"], "payer": remit["payer_key"], "remit_date": remit["remit_date"],
        "amount": remit["amount"], "printed_amount": f"{dec(remit['amount']) + dec(remit['misprint']):.2f}",
        "balanced": balanced, "new": bool(remit["new"]), "claims": claims_out, "provider_adjustments": plbs,
        "claims_paid": f"{total_paid:.2f}", "postings": postings,
    }


def remittances(store: Store, *, new_only: bool = True) -> list[dict[str, Any]]:
    sql = "SELECT * FROM remittances" + (" WHERE new = 1" if new_only else "") + " ORDER BY id"
    twins = alike(store)
    return [remittance(store, r, twins) for r in store.all(sql)]


def holds(store: Store) -> list[dict[str, Any]]:
    out = []
    for h in store.all("""SELECT h.*, d.doc_type, d.valid, d.problems, d.format, d.fields FROM holds h
                          LEFT JOIN documents d ON d.id = h.document_id ORDER BY h.id"""):
        if h["hold_type"] != "cmn":
            expected = "none"
        else:
            expected = "release" if h["valid"] else "exception"
        out.append({"order_number": h["order_number"], "account_number": h["account_number"],
                    "hold_type": h["hold_type"], "document_id": h["document_id"], "doc_type": h["doc_type"],
                    "format": h["format"], "valid": bool(h["valid"]) if h["document_id"] else None,
                    "problems": json.loads(h["problems"]) if h["problems"] else [], "expected": expected,
                    "fields": json.loads(h["fields"]) if h["fields"] else None})
    return out


def expected_exceptions(claim_rows: list[dict[str, Any]], remits: list[dict[str, Any]],
                        hold_rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each exception a perfect night would file, with the reference it is about, once."""
    found: dict[tuple[str, str], dict[str, str]] = {}

    def add(kind: str, ref: str) -> None:
        found.setdefault((kind, ref), {"kind": kind, "ref": ref})

    for c in claim_rows:
        if c["expected_route"]:
            add(c["expected_route"], c["claim_number"])
    for r in remits:
        if not r["balanced"]:
            add("unbalanced_remittance", r["check_number"])
            continue
        for c in r["claims"]:
            if not c["matched"]:
                add("unmatched_payment", f"{r['check_number']}:{c['account_number']}")
        for p in r["postings"]:
            if p["denied"]:
                add("denial", p["claim_number"])
        for plb in r["provider_adjustments"]:
            if dec(plb["amount"]) > 0:
                add("recoupment", f"{r['check_number']}:{plb['reference']}")
    for h in hold_rows:
        if h["expected"] == "exception":
            add("cmn_invalid", h["order_number"])
    return sorted(found.values(), key=lambda e: (e["kind"], e["ref"]))


def everything(store: Store) -> dict[str, Any]:
    claim_rows = claims(store)
    remits = remittances(store)
    hold_rows = holds(store)
    return {"seed": int(store.meta("seed")), "today": store.meta("today"), "claims": claim_rows,
            "remittances": remits, "holds": hold_rows,
            "expected_exceptions": expected_exceptions(claim_rows, remits, hold_rows)}


def ledger(store: Store) -> list[dict[str, Any]]:
    return [dict(row) for row in store.all("""SELECT l.id, l.at, l.kind, c.claim_number, l.line_no, l.check_number,
               l.group_code, l.reason, l.amount, h.order_number, l.note
               FROM ledger l LEFT JOIN claims c ON c.id = l.claim_id LEFT JOIN holds h ON h.id = l.hold_id
               ORDER BY l.id""")]


def expected_ledger(remits: list[dict[str, Any]]) -> list[tuple[str, str, int, str, str | None, str | None, str]]:
    """The ledger rows a perfect posting night writes, as the billing system records them (order aside):
    (kind, claim_number, line_no, check_number, group, reason, amount)."""
    rows = []
    for remit in remits:
        for p in remit["postings"]:
            key = (p["claim_number"], p["line_no"], p["check_number"])
            rows.append(("payment", *key, None, None, p["paid"]))
            for adj in p["adjustments"]:
                kind = "denial" if p["denied"] else ("transfer" if adj["group"] == "PR" else "adjustment")
                rows.append((kind, *key, adj["group"], adj["reason"], adj["amount"]))
    return sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0], r[4] or "", r[5] or ""))
