"""What the reports robot brings back from the billing system each night, kept for the KPI pages.

An A/R aging snapshot per date (its claims and its per-bucket totals, so a
year of trend reads one small table), net revenue per day of billing, and
each claim's first answer from its payer. Patients' names are not kept: the
figures need claim and account numbers, payers, categories, dates and money.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

Money = Numeric(14, 2)


class AgingSnapshot(Base):
    """The A/R aging report as the billing system printed it on `as_of`."""

    __tablename__ = "aging_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(unique=True)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(64))
    open_claims: Mapped[int]
    gross_ar: Mapped[Decimal] = mapped_column(Money)
    net_ar: Mapped[Decimal] = mapped_column(Money)


class AgingTotal(Base):
    """One bucket of one snapshot (seed 002's 30-day columns)."""

    __tablename__ = "aging_totals"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("aging_snapshots.id", ondelete="CASCADE"), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)  # index into kpis.AGING_BUCKETS
    claims: Mapped[int]
    balance: Mapped[Decimal] = mapped_column(Money)
    net_balance: Mapped[Decimal] = mapped_column(Money)


class AgingLine(Base):
    """One open claim in a snapshot: what the A/R figures drill down to."""

    __tablename__ = "aging_lines"
    __table_args__ = (Index("ix_aging_lines_snapshot_bucket", "snapshot_id", "bucket", "net_balance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("aging_snapshots.id", ondelete="CASCADE"))
    claim_number: Mapped[str] = mapped_column(String(64))
    account_number: Mapped[str] = mapped_column(String(64))
    payer: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(32))
    submitted_on: Mapped[dt.date]
    age_days: Mapped[int]
    bucket: Mapped[int]
    billed: Mapped[Decimal] = mapped_column(Money)
    balance: Mapped[Decimal] = mapped_column(Money)
    net_balance: Mapped[Decimal] = mapped_column(Money)


class RevenueDay(Base):
    """Charges billed on one day and the net revenue they represent; the latest export wins."""

    __tablename__ = "revenue_days"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    claims: Mapped[int]
    gross_charges: Mapped[Decimal] = mapped_column(Money)
    contractual_allowance: Mapped[Decimal] = mapped_column(Money)
    net_revenue: Mapped[Decimal] = mapped_column(Money)
    reported_on: Mapped[dt.date]


class ClaimOutcome(Base):
    """A claim's first answer from its payer: paid (clean if no line denied), denied, or rejected up front."""

    __tablename__ = "claim_outcomes"
    __table_args__ = (Index("ix_claim_outcomes_outcome_on", "outcome_on", "category"),)

    claim_number: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_number: Mapped[str] = mapped_column(String(64))
    payer: Mapped[str] = mapped_column(String(120))
    payer_type: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    submitted_on: Mapped[dt.date]
    billed: Mapped[Decimal] = mapped_column(Money)
    outcome: Mapped[str] = mapped_column(String(16))  # paid | denied | rejected
    outcome_on: Mapped[dt.date]
    paid: Mapped[Decimal] = mapped_column(Money)
    denied_lines: Mapped[int]
    denial: Mapped[str] = mapped_column(String(40), default="")
    reported_on: Mapped[dt.date]

    @property
    def clean(self) -> bool:
        return self.outcome == "paid" and self.denied_lines == 0
