"""Take in the billing system's report exports: A/R aging, net revenue by day, claim outcomes.

A report is checked whole before anything is written: every row is parsed
(dates, whole numbers, money to the cent), the aging's TOTAL block must equal
its claims' balances (a download cut short does not add up), and the first
problems are listed by line. Then it replaces what the same report said
before: the aging snapshot of that date, the revenue of the days it covers,
the outcomes of the claims it lists. Sending a report twice changes nothing.

Buckets are recomputed from each claim's age with seed 002's 30-day columns,
whatever the billing system calls its columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..exceptions import InvalidInput
from ..models import AgingLine, AgingSnapshot, AgingTotal, ClaimOutcome, RevenueDay

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Seed 002: "current", 30-60, 60-90, 90-120, over 120 days; each with the target share of A/R.
AGING_BUCKETS: tuple[tuple[str, int, int | None, float, float], ...] = (
    ("Current", 0, 30, 0.35, 0.40), ("30-60 days", 30, 60, 0.25, 0.30), ("60-90 days", 60, 90, 0.15, 0.20),
    ("90-120 days", 90, 120, 0.10, 0.15), ("Over 120 days", 120, None, 0.05, 0.10),
)
REPORTS = ("aging", "revenue", "outcomes")
OUTCOMES = ("paid", "denied", "rejected")
MAX_PROBLEMS = 20
CHUNK = 2000


def bucket_of(age_days: int) -> int:
    for index, (_label, low, high, _lo, _hi) in enumerate(AGING_BUCKETS):
        if age_days >= low and (high is None or age_days < high):
            return index
    raise ValueError(age_days)


@dataclass(frozen=True)
class Received:
    report: str
    as_of: dt.date
    rows: int
    snapshot_id: int | None = None


class _Rows:
    """Parses one CSV, collecting problems by line instead of stopping at the first."""

    def __init__(self, content: bytes, required: tuple[str, ...], what: str) -> None:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(f"The {what} report is not UTF-8 text; nothing was saved.") from None
        self.reader = csv.DictReader(io.StringIO(text))
        header = self.reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise InvalidInput(f"The {what} report lacks column(s) {', '.join(missing)}; nothing was saved.",
                               details=[{"loc": ["header"], "msg": f"found: {', '.join(header) or 'nothing'}"}])
        self.what = what
        self.problems: list[dict[str, Any]] = []
        self.line = 1

    def __iter__(self) -> Iterable[dict[str, str]]:
        for row in self.reader:
            self.line = self.reader.line_num
            yield row

    def problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"loc": ["line", self.line], "msg": message})
        else:
            self.problems.append({})  # counted, not listed

    def field(self, row: dict[str, str], name: str, parse: Callable[[str], Any]) -> Any:
        raw = (row.get(name) or "").strip()
        try:
            return parse(raw)
        except (ValueError, InvalidOperation, ArithmeticError):
            self.problem(f"{name} {raw!r} is not a valid {parse.__name__.strip('_')}")
            return None

    def check(self) -> None:
        if self.problems:
            listed = [p for p in self.problems if p]
            raise InvalidInput(f"The {self.what} report has {len(self.problems)} bad value(s); nothing was saved.",
                               details=listed)


def _money(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", "").replace("$", ""))
    if not value.is_finite() or value != value.quantize(CENT):
        raise ValueError(raw)
    return value.quantize(CENT)


def _date(raw: str) -> dt.date:
    return dt.date.fromisoformat(raw)


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def _text(raw: str) -> str:
    if not raw:
        raise ValueError(raw)
    return raw[:64]


def receive(session: Session, report: str, as_of: dt.date, content: bytes, *, source: str) -> Received:
    """Check and store one report; the caller commits."""
    if report not in REPORTS:
        raise InvalidInput(f"Unknown report {report!r}; one of {', '.join(REPORTS)}.")
    if not content.strip():
        raise InvalidInput(f"The {report} report is empty; nothing was saved.")
    return {"aging": _aging, "revenue": _revenue, "outcomes": _outcomes}[report](session, as_of, content, source)


def _aging(session: Session, as_of: dt.date, content: bytes, source: str) -> Received:
    rows = _Rows(content, ("claim_number", "account_number", "payer", "submitted_on", "billed", "balance",
                           "net_balance", "age_days"), "A/R aging")
    lines: list[dict[str, Any]] = []
    printed_totals: Decimal | None = None
    seen: set[str] = set()
    for row in rows:
        claim = (row.get("claim_number") or "").strip()
        if not claim:
            continue  # the blank line before the TOTAL block
        if claim.upper() == "TOTAL":
            amount = rows.field(row, "balance", _money)
            printed_totals = (printed_totals or ZERO) + (amount or ZERO)
            continue
        if claim in seen:
            rows.problem(f"claim {claim} is listed twice")
        seen.add(claim)
        line = {"claim_number": claim[:64],
                "account_number": rows.field(row, "account_number", _text),
                "payer": (row.get("payer") or "").strip()[:120] or "unknown",
                "category": (row.get("category") or "").strip().lower()[:32] or "unknown",
                "submitted_on": rows.field(row, "submitted_on", _date),
                "age_days": rows.field(row, "age_days", _count),
                "billed": rows.field(row, "billed", _money),
                "balance": rows.field(row, "balance", _money),
                "net_balance": rows.field(row, "net_balance", _money)}
        if line["age_days"] is not None:
            line["bucket"] = bucket_of(line["age_days"])
        if line["balance"] is not None and line["net_balance"] is not None and line["net_balance"] > line["balance"]:
            rows.problem(f"claim {claim}: net balance {line['net_balance']} is more than its balance {line['balance']}")
        lines.append(line)
    rows.check()
    gross = sum((line["balance"] for line in lines), ZERO)
    if printed_totals is not None and printed_totals != gross:
        raise InvalidInput(f"The A/R aging report does not add up: its TOTAL lines say {printed_totals}, its claims "
                           f"{gross} (cut short?); nothing was saved.")
    session.execute(delete(AgingSnapshot).where(AgingSnapshot.as_of == as_of))
    snapshot = AgingSnapshot(as_of=as_of, source=source[:64], open_claims=len(lines), gross_ar=gross,
                             net_ar=sum((line["net_balance"] for line in lines), ZERO))
    session.add(snapshot)
    session.flush()
    totals = [{"snapshot_id": snapshot.id, "bucket": index, "claims": 0, "balance": ZERO, "net_balance": ZERO}
              for index in range(len(AGING_BUCKETS))]
    for line in lines:
        line["snapshot_id"] = snapshot.id
        total = totals[line["bucket"]]
        total["claims"] += 1
        total["balance"] += line["balance"]
        total["net_balance"] += line["net_balance"]
    _insert(session, AgingTotal, totals)
    _insert(session, AgingLine, lines)
    return Received("aging", as_of, len(lines), snapshot.id)


def _revenue(session: Session, as_of: dt.date, content: bytes, source: str) -> Received:
    rows = _Rows(content, ("date", "claims", "gross_charges", "contractual_allowance", "net_revenue"), "net revenue")
    days: dict[dt.date, dict[str, Any]] = {}
    for row in rows:
        if not any((v or "").strip() for v in row.values()):
            continue
        day = rows.field(row, "date", _date)
        entry = {"day": day, "claims": rows.field(row, "claims", _count),
                 "gross_charges": rows.field(row, "gross_charges", _money),
                 "contractual_allowance": rows.field(row, "contractual_allowance", _money),
                 "net_revenue": rows.field(row, "net_revenue", _money), "reported_on": as_of}
        if None in entry.values():
            continue
        if entry["gross_charges"] - entry["contractual_allowance"] != entry["net_revenue"]:
            rows.problem(f"{day}: gross {entry['gross_charges']} less allowance {entry['contractual_allowance']} "
                         f"is not net {entry['net_revenue']}")
        if day > as_of:
            rows.problem(f"{day} is after the report's date {as_of}")
        if day in days:
            rows.problem(f"{day} is listed twice")
        days[day] = entry
    rows.check()
    _replace(session, RevenueDay.day, days)
    return Received("revenue", as_of, len(days))


def _outcomes(session: Session, as_of: dt.date, content: bytes, source: str) -> Received:
    rows = _Rows(content, ("claim_number", "account_number", "payer", "category", "submitted_on", "billed", "outcome",
                           "outcome_on"), "claim outcomes")
    claims: dict[str, dict[str, Any]] = {}
    for row in rows:
        claim = (row.get("claim_number") or "").strip()
        if not claim:
            continue
        outcome = (row.get("outcome") or "").strip().lower()
        if outcome not in OUTCOMES:
            rows.problem(f"claim {claim}: outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
        entry = {"claim_number": claim[:64], "account_number": rows.field(row, "account_number", _text),
                 "payer": (row.get("payer") or "").strip()[:120] or "unknown",
                 "payer_type": (row.get("payer_type") or "").strip()[:32] or "unknown",
                 "category": (row.get("category") or "").strip().lower()[:32] or "unknown",
                 "submitted_on": rows.field(row, "submitted_on", _date), "billed": rows.field(row, "billed", _money),
                 "outcome": outcome, "outcome_on": rows.field(row, "outcome_on", _date),
                 "paid": rows.field(row, "paid", _money) if (row.get("paid") or "").strip() else ZERO,
                 "denied_lines": rows.field(row, "denied_lines", _count) if (row.get("denied_lines") or "").strip() else 0,
                 "denial": (row.get("denial") or "").strip()[:40], "reported_on": as_of}
        if claim in claims:
            rows.problem(f"claim {claim} is listed twice")
        claims[claim] = entry
    rows.check()
    _replace(session, ClaimOutcome.claim_number, claims)
    return Received("outcomes", as_of, len(claims))


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def _replace(session: Session, key: Any, rows: dict[Any, dict[str, Any]]) -> None:
    """Rows keyed by their primary key replace what was stored under the same keys."""
    keys = sorted(rows)
    for start in range(0, len(keys), CHUNK):
        session.execute(delete(key.class_).where(key.in_(keys[start:start + CHUNK])))
    _insert(session, key.class_, [rows[k] for k in keys])


def latest_snapshot(session: Session, on_or_before: dt.date | None = None) -> AgingSnapshot | None:
    stmt = select(AgingSnapshot).order_by(AgingSnapshot.as_of.desc()).limit(1)
    if on_or_before is not None:
        stmt = stmt.where(AgingSnapshot.as_of <= on_or_before)
    return session.scalars(stmt).first()
