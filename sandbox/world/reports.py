"""The billing system's report exports: A/R aging, net revenue by day, claim outcomes.

Each is a CSV the way a legacy system writes one: a header row, one row per
claim or day, and (aging only) a TOTAL block at the end. Amounts are plain
decimals with two places. They are what the nightly reports robot brings back
for the KPI pages, so they carry what leadership needs and no more: claim and
account numbers, payer, category, dates and money, but the patient's name only
where the old system always printed it (the aging's patient column).

What the billing system knows about a claim's outcome: a remittance it has
posted (before tonight, or by the robots tonight), and the clearinghouse's
front-end rejections (A7), which arrive electronically the next day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal

from .billing import BUCKETS, ar_rows
from .generate import NEW_REMIT_DAYS
from .store import Store, dec

ZERO = Decimal("0.00")


def _writer() -> tuple[io.StringIO, "csv._writer"]:
    buffer = io.StringIO()
    return buffer, csv.writer(buffer, lineterminator="\r\n")


def _expected_allowed(store: Store) -> dict[int, Decimal]:
    """The fee-schedule amount each claim is expected to bring (its lines' allowed amounts)."""
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in store.all("SELECT claim_id, allowed FROM claim_lines"):
        out[row["claim_id"]] += dec(row["allowed"])
    return out


def aging_csv(store: Store) -> str:
    """Open claims with their bucket; `net_balance` is the balance less the contractual allowance not yet written off."""
    rows, _ = ar_rows(store, limit=10**9)
    allowed = _expected_allowed(store)
    written_off: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in store.all("SELECT claim_id, amount FROM ledger WHERE kind = 'adjustment' AND group_code = 'CO'"):
        written_off[row["claim_id"]] += dec(row["amount"])
    buffer, writer = _writer()
    writer.writerow(["claim_number", "account_number", "patient", "payer", "category", "dos_from", "submitted_on",
                     "billed", "balance", "net_balance", "age_days", "bucket"])
    totals: dict[str, Decimal] = {name: ZERO for name, _lo, _hi in BUCKETS}
    for r in rows:
        billed, balance = dec(r["billed"]), dec(r["balance"])
        pending_allowance = max(billed - allowed[r["id"]] - written_off[r["id"]], ZERO)
        net = max(balance - pending_allowance, ZERO)
        writer.writerow([r["claim_number"], r["account_number"], r["patient"], r["payer_key"], r["category"],
                         r["dos_from"], r["submitted_on"], f"{billed:.2f}", f"{balance:.2f}", f"{net:.2f}", r["age"],
                         r["bucket"]])
        totals[r["bucket"]] += balance
    writer.writerow([])
    for name, amount in totals.items():
        writer.writerow(["TOTAL", name, "", "", "", "", "", "", f"{amount:.2f}", "", "", ""])
    return buffer.getvalue()


def revenue_csv(store: Store) -> str:
    """Charges billed per day, the contractual allowance on them, and the net revenue they represent."""
    allowed = _expected_allowed(store)
    days: dict[str, list[Decimal | int]] = {}
    for row in store.all("SELECT id, submitted_on, billed FROM claims ORDER BY submitted_on"):
        day = days.setdefault(row["submitted_on"], [0, ZERO, ZERO])
        billed = dec(row["billed"])
        day[0] += 1  # type: ignore[operator]
        day[1] += billed  # type: ignore[operator]
        day[2] += billed - allowed[row["id"]]  # type: ignore[operator]
    buffer, writer = _writer()
    writer.writerow(["date", "claims", "gross_charges", "contractual_allowance", "net_revenue"])
    for day, (claims, gross, allowance) in sorted(days.items()):
        writer.writerow([day, claims, f"{gross:.2f}", f"{allowance:.2f}", f"{gross - allowance:.2f}"])  # type: ignore[operator]
    return buffer.getvalue()


def outcomes_csv(store: Store) -> str:
    """Each claim whose first answer from the payer the billing system has: paid, denied or rejected."""
    today = store.today
    robot_posted = {r["claim_id"]: r["check_number"]
                    for r in store.all("SELECT DISTINCT claim_id, check_number FROM ledger WHERE kind = 'payment'")}
    buffer, writer = _writer()
    writer.writerow(["claim_number", "account_number", "payer", "payer_type", "category", "submitted_on", "billed",
                     "outcome", "outcome_on", "paid", "denied_lines", "denial"])
    rows = store.all("""
        SELECT c.id, c.claim_number, c.account_number, c.payer_key, c.payer_type, c.category, c.submitted_on,
               c.billed, pc.status_code, pc.status_date, pc.denial, r.remit_date, r.check_number, rc.id AS rc_id,
               rc.paid
        FROM claims c JOIN payer_claims pc ON pc.claim_id = c.id
        LEFT JOIN remit_claims rc ON rc.claim_id = c.id
        LEFT JOIN remittances r ON r.id = rc.remit_id
        ORDER BY c.id""")
    denied_lines = defaultdict(int)
    for row in store.all("SELECT remit_claim_id FROM remit_lines WHERE paid = '0.00' AND billed <> '0.00'"):
        denied_lines[row["remit_claim_id"]] += 1
    for r in rows:
        base = [r["claim_number"], r["account_number"], r["payer_key"], r["payer_type"], r["category"],
                r["submitted_on"], r["billed"]]
        if r["rc_id"] is not None:
            remit_date = dt.date.fromisoformat(r["remit_date"])
            posted = (today - remit_date).days >= NEW_REMIT_DAYS or robot_posted.get(r["id"]) == r["check_number"]
            if not posted:
                continue
            paid = dec(r["paid"])
            denial = json.loads(r["denial"]) if r["denial"] else None
            lines = denied_lines[r["rc_id"]]
            code = f"{denial[0]}-{denial[1]}" if denial else ("CO-97" if lines else "")
            writer.writerow([*base, "paid" if paid > 0 else "denied", r["remit_date"], f"{paid:.2f}", lines, code])
        elif r["status_code"] == "A7":
            writer.writerow([*base, "rejected", r["status_date"], "0.00", 0, ""])
    return buffer.getvalue()


REPORTS = {
    # name: (builder, file name prefix, screen title)
    "aging": (aging_csv, "AR_AGING", "A/R Aging Export"),
    "revenue": (revenue_csv, "NET_REVENUE", "Net Revenue by Day"),
    "outcomes": (outcomes_csv, "CLAIM_OUTCOMES", "Claim Outcomes"),
}
