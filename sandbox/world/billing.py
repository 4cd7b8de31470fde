"""What the legacy billing system does to its data: posting, notes, hold releases, A/R aging.

Like the systems it imitates it does not deduplicate: posting the same check
twice posts it twice. Robots must read a claim back before they write.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .generate import FOLLOW_UP_DAYS
from .store import Store, dec

BUCKETS = (("current", 0, 30), ("30-60", 30, 60), ("60-90", 60, 90), ("90-120", 90, 120), ("over 120", 120, 10**6))


class BillingError(ValueError):
    """Input the billing system refuses, with the message its screen shows."""


@dataclass(frozen=True)
class Adjustment:
    group: str
    reason: str
    amount: Decimal


@dataclass(frozen=True)
class LinePosting:
    line_no: int
    paid: Decimal
    adjustments: tuple[Adjustment, ...]
    denied: bool = False


def bucket(age: int) -> str:
    return next(name for name, low, high in BUCKETS if low <= age < high)


def parse_amount(raw: str, what: str) -> Decimal:
    text = (raw or "").strip().replace(",", "").replace("$", "")
    if not text:
        return Decimal("0.00")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BillingError(f"{what}: '{raw}' is not an amount") from None
    if value != value.quantize(Decimal("0.01")):
        raise BillingError(f"{what}: at most two decimals")
    return value.quantize(Decimal("0.01"))


def now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def claim_by_number(store: Store, claim_number: str) -> sqlite3.Row:
    row = store.one("SELECT * FROM claims WHERE claim_number = ?", claim_number.strip().upper())
    if row is None:
        raise BillingError(f"Claim {claim_number} not found")
    return row


def post(store: Store, claim_number: str, check_number: str, lines: list[LinePosting], user: str) -> int:
    """Post one check's lines on one claim. Returns the number of ledger rows written."""
    claim = claim_by_number(store, claim_number)
    if not check_number.strip().isdigit():
        raise BillingError("Check number must be digits")
    billed = {r["line_no"]: dec(r["billed"]) for r in store.all("SELECT line_no, billed FROM claim_lines WHERE claim_id = ?",
                                                               claim["id"])}
    rows: list[tuple[Any, ...]] = []
    balance_change = Decimal("0.00")
    at = now_text()
    for line in lines:
        if line.line_no not in billed:
            raise BillingError(f"Claim {claim_number} has no line {line.line_no}")
        for adj in line.adjustments:
            if adj.group not in ("CO", "PR", "OA", "PI", "CR") or not adj.reason.isalnum():
                raise BillingError(f"Line {line.line_no}: adjustment {adj.group}-{adj.reason} is not a valid group/reason")
        total_adj = sum((a.amount for a in line.adjustments), Decimal("0"))
        if billed[line.line_no] - total_adj != line.paid:
            raise BillingError(f"Line {line.line_no} does not balance: billed {billed[line.line_no]} - adjustments "
                               f"{total_adj} <> paid {line.paid}")
        rows.append((at, "payment", claim["id"], line.line_no, check_number, None, None, f"{line.paid:.2f}", None, user))
        balance_change -= line.paid
        for adj in line.adjustments:
            if line.denied:
                kind = "denial"
            elif adj.group == "PR":
                kind = "transfer"
            else:
                kind = "adjustment"
            rows.append((at, kind, claim["id"], line.line_no, check_number, adj.group, adj.reason, f"{adj.amount:.2f}",
                         None, user))
            if kind != "denial":
                balance_change -= adj.amount
    with store.write() as conn:
        conn.executemany("""INSERT INTO ledger (at, kind, claim_id, line_no, check_number, group_code, reason, amount,
                            hold_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
        current = dec(conn.execute("SELECT balance FROM claims WHERE id = ?", (claim["id"],)).fetchone()[0])
        new_balance = current + balance_change
        conn.execute("UPDATE claims SET balance = ?, closed = ? WHERE id = ?",
                     (f"{new_balance:.2f}", int(new_balance <= 0), claim["id"]))
    return len(rows)


def postings(store: Store, claim_id: int) -> list[sqlite3.Row]:
    return store.all("""SELECT * FROM ledger WHERE claim_id = ? AND kind IN ('payment', 'adjustment', 'transfer', 'denial')
                        ORDER BY id""", claim_id)


def add_note(store: Store, claim_number: str, text: str, user: str) -> None:
    claim = claim_by_number(store, claim_number)
    text = text.strip()
    if not text:
        raise BillingError("Note text is required")
    if len(text) > 500:
        raise BillingError("Notes are limited to 500 characters")
    at = now_text()
    with store.write() as conn:
        conn.execute("INSERT INTO notes (claim_id, at, author, text) VALUES (?, ?, ?, ?)", (claim["id"], at, user, text))
        conn.execute("INSERT INTO ledger (at, kind, claim_id, note) VALUES (?, 'note', ?, ?)", (at, claim["id"], text))


def release_hold(store: Store, order_number: str, note: str, user: str) -> None:
    hold = store.one("SELECT * FROM holds WHERE order_number = ?", order_number)
    if hold is None:
        raise BillingError(f"Order {order_number} not found")
    if hold["released_at"]:
        raise BillingError(f"Order {order_number} is not on hold (released {hold['released_at'][:10]})")
    if not note.strip():
        raise BillingError("A release note is required")
    at = now_text()
    with store.write() as conn:
        updated = conn.execute("UPDATE holds SET released_at = ?, release_note = ? WHERE id = ? AND released_at IS NULL",
                               (at, note.strip(), hold["id"])).rowcount
        if updated != 1:
            raise BillingError(f"Order {order_number} was released a moment ago")
        conn.execute("INSERT INTO ledger (at, kind, hold_id, note) VALUES (?, 'release', ?, ?)",
                     (at, hold["id"], note.strip()))


def ar_rows(store: Store, *, payer: str = "", bucket_name: str = "", unstatused: bool = False, search: str = "",
            include_closed: bool = False, offset: int = 0, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """The A/R inquiry: open claims, or every claim with `include_closed` (a claim search, as billers use it)."""
    today = store.today
    where = ["1 = 1" if include_closed else "c.closed = 0"]
    params: list[Any] = []
    if payer:
        where.append("c.payer_key = ?")
        params.append(payer)
    if search:
        where.append("(c.claim_number = ? OR c.account_number = ? OR pt.last_name LIKE ?)")
        params.extend([search.upper(), search, search.upper() + "%"])
    if bucket_name:
        bounds = next(((lo, hi) for name, lo, hi in BUCKETS if name == bucket_name), None)
        if bounds is None:
            raise BillingError(f"Unknown aging bucket {bucket_name}")
        where.append("c.submitted_on > ? AND c.submitted_on <= ?")
        params.extend([(today - dt.timedelta(days=bounds[1])).isoformat(), (today - dt.timedelta(days=bounds[0])).isoformat()])
    if unstatused:
        where.append("c.last_status_note IS NULL AND ((c.payer_type = 'medicare' AND c.submitted_on <= ?) OR "
                     "(c.payer_type = 'commercial' AND c.submitted_on <= ?))")
        params.extend([(today - dt.timedelta(days=FOLLOW_UP_DAYS["medicare"])).isoformat(),
                       (today - dt.timedelta(days=FOLLOW_UP_DAYS["commercial"])).isoformat()])
    clause = " AND ".join(where)
    total = store.scalar(f"SELECT count(*) FROM claims c JOIN patients pt ON pt.id = c.patient_id WHERE {clause}", *params)
    rows = store.all(f"""SELECT c.*, pt.last_name, pt.first_name, pt.mbi, pt.member_id, pt.dob
                         FROM claims c JOIN patients pt ON pt.id = c.patient_id WHERE {clause}
                         ORDER BY c.submitted_on, c.id LIMIT ? OFFSET ?""", *params, limit, offset)
    out = []
    for r in rows:
        age = (today - dt.date.fromisoformat(r["submitted_on"])).days
        out.append({**dict(r), "age": age, "bucket": bucket(age), "patient": f"{r['last_name']}, {r['first_name']}"})
    return out, int(total)
