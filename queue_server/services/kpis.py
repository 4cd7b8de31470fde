"""Back-office KPIs against the seeds' benchmarks, each with the rows behind it.

Sources: the billing system's reports the robots bring back each night (A/R
aging snapshots, net revenue by day, claim outcomes), the queue's items and
their events (denials, cash posting, documentation), and the robots' runs.
The large tables (item events, aging lines) are only ever aggregated or paged
in SQL; what comes back to Python is a few hundred rows at most.

Definitions (one line each on the page, from `FIGURES`):
- DSO = net A/R / (net revenue of the period / days in the period) (seed 002).
- Aging: share of net A/R dollars per 30-day column against seed 002's targets.
- Denial rate: denied / adjudicated (paid + denied) claims whose answer came in the period.
- Clean-claim rate: claims paid with no line denied and not rejected / all answered claims.
- Posting backlog: business days since the oldest remittance still waiting in the cash-posting queue.
- Denials worked in 2 business days: denial items whose first human action came before their SLA.
- Documentation follow-up: open documentation items a person touched within the cadence.
- Revenue per biller: annualised net revenue / active billers (seed 002: $500,000-750,000).
- Straight-through: robot units finished with no person / all units; hours saved at the configured minutes.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ..domain.deadlines import DEFAULT_CALENDAR, BusinessCalendar
from ..domain.kinds import UNRESOLVED, Kind, Team
from ..models import AgingSnapshot, AgingTotal, ClaimOutcome, RevenueDay, Role, User, UserTeam, WorkItem
from .billing_reports import AGING_BUCKETS, latest_snapshot
from . import robot_figures
from .robot_figures import RobotFigures

ZERO = Decimal("0.00")
# Seed 002's industry denial rates; categories without one show no benchmark.
INDUSTRY_DENIAL_RATE = {"all": 0.26, "rehab": 0.40, "oxygen": 0.08, "dme": 0.28}
CATEGORY_LABELS = {"oxygen": "Oxygen", "dme": "DME", "rehab": "Rehab", "supplies": "Supplies"}
DSO_TARGET = (45.0, 55.0)       # seed 002: "mid-40 to mid-50"
DSO_INDUSTRY = 86.0             # seed 002: "mid-to-high 80s"
POSTING_BACKLOG_TARGET = 3      # seed 000: never more than 2-3 business days
REVENUE_PER_BILLER = (Decimal("500000"), Decimal("750000"))  # seed 002

FIGURES: dict[str, tuple[str, str]] = {
    # key: (title, one line: what it is and where the benchmark comes from)
    "dso": ("Days sales outstanding",
            "Net A/R ÷ average daily net revenue over the period; Brothis & Evans' HME benchmarks: industry mid-to-high 80s, target mid-40s to mid-50s."),
    "aging": ("A/R aging",
              "Share of net A/R dollars in each 30-day column of the billing system's aging; targets from Brothis & Evans' HME benchmarks."),
    "denials": ("Denial rate",
                "Denied ÷ adjudicated claims answered in the period, by category; industry averages from Brothis & Evans' HME benchmarks (26% all)."),
    "clean": ("Clean-claim rate",
              "Claims paid first time with no line denied and no front-end rejection ÷ all answered claims (the clean-claim KPI of Ayre, Strategies of Back Office Billing)."),
    "posting": ("Cash-posting backlog",
                "Business days since the oldest remittance still waiting in the cash-posting queue; Prochant's HME billing guide: at most 2-3."),
    "denials-worked": ("Denials worked within 2 business days",
                       "Denial items whose first human action came within 2 business days of arriving; Prochant's HME billing guide's goal."),
    "documentation": ("Documentation follow-up",
                      "Open documentation items a person followed up within the cadence; Brothis & Evans: every 2-3 days (small), daily (large)."),
    "billers": ("Revenue per biller",
                "Annualised net revenue ÷ active billers; Brothis & Evans: one biller per $500,000-750,000 of revenue."),
    "robots": ("Robots: straight-through",
               "Robot units finished with no person ÷ all units, and the hours of manual work those units would have taken."),
}


@dataclass(frozen=True)
class Scope:
    """Who a figure is about: the whole company, one team, or one person."""

    team: Team | None = None
    user_id: int | None = None
    label: str = "Company"


def dso_days(net_ar: Decimal, net_revenue: Decimal, days: int) -> Decimal | None:
    """Seed 002's formula. None when there is no revenue to divide by."""
    if net_revenue <= 0 or days <= 0:
        return None
    daily = net_revenue / Decimal(days)
    return (net_ar / daily).quantize(Decimal("0.01"))


def pct(part: int | Decimal, whole: int | Decimal) -> float | None:
    return float(part) / float(whole) if whole else None


# --- DSO and aging ------------------------------------------------------------------------

@dataclass
class Dso:
    as_of: dt.date | None = None
    net_ar: Decimal = ZERO
    net_revenue: Decimal = ZERO
    period_days: int = 91
    value: Decimal | None = None
    revenue_since: dt.date | None = None  # the first day of revenue on record, when it starts inside the period
    trend: list[tuple[dt.date, Decimal | None]] = field(default_factory=list)

    @property
    def daily_revenue(self) -> Decimal | None:
        return (self.net_revenue / self.period_days).quantize(Decimal("0.01")) if self.net_revenue else None

    @property
    def status(self) -> str:
        if self.value is None:
            return "none"
        return "good" if self.value <= Decimal(str(DSO_TARGET[1])) else (
            "watch" if self.value < Decimal(str(DSO_INDUSTRY)) else "bad")


def dso(session: Session, period_days: int, *, until: dt.date | None = None, trend_days: int = 365) -> Dso:
    """DSO on the latest snapshot (on or before `until`), with one point per snapshot over `trend_days`."""
    out = Dso(period_days=period_days)
    snapshot = latest_snapshot(session, until)
    if snapshot is None:
        return out
    latest = snapshot.as_of
    since = latest - dt.timedelta(days=trend_days - 1)
    snapshots = session.execute(select(AgingSnapshot.as_of, AgingSnapshot.net_ar)
                                .where(AgingSnapshot.as_of >= since, AgingSnapshot.as_of <= latest)
                                .order_by(AgingSnapshot.as_of)).all()
    revenue = dict(session.execute(select(RevenueDay.day, RevenueDay.net_revenue).where(
        RevenueDay.day > since - dt.timedelta(days=period_days), RevenueDay.day <= latest)).all())
    first_day = session.scalar(select(func.min(RevenueDay.day)))
    # A sliding sum over the days: one pass, whatever the number of snapshots.
    days = sorted(revenue)
    window_sum, left, right = ZERO, 0, 0
    for as_of, net_ar in snapshots:
        while right < len(days) and days[right] <= as_of:
            window_sum += revenue[days[right]]
            right += 1
        while left < right and days[left] <= as_of - dt.timedelta(days=period_days):
            window_sum -= revenue[days[left]]
            left += 1
        value = dso_days(net_ar, window_sum, period_days)
        out.trend.append((as_of, value))
        if as_of == latest:
            out.as_of, out.net_ar, out.net_revenue, out.value = as_of, net_ar, window_sum, value
    if first_day is not None and first_day > latest - dt.timedelta(days=period_days - 1):
        out.revenue_since = first_day
    return out


@dataclass
class AgingRow:
    index: int
    label: str
    claims: int
    balance: Decimal
    net_balance: Decimal
    share: float | None        # of net A/R dollars
    claim_share: float | None  # of open claims
    target: tuple[float, float]

    @property
    def status(self) -> str:
        """good: at or better than the target range; within; or bad (too little current, too much old)."""
        if self.share is None:
            return "none"
        low, high = self.target
        if low <= self.share <= high:
            return "within"
        if self.index == 0:
            return "good" if self.share > high else "bad"
        return "good" if self.share < low else "bad"


@dataclass
class Aging:
    as_of: dt.date | None
    rows: list[AgingRow]
    trend_labels: list[str] = field(default_factory=list)
    trend_shares: list[list[float]] = field(default_factory=list)  # per bucket, per snapshot


def aging(session: Session, *, until: dt.date | None = None, trend_days: int = 365) -> Aging:
    snapshot = latest_snapshot(session, until)
    if snapshot is None:
        return Aging(None, [])
    totals = {t.bucket: t for t in session.scalars(select(AgingTotal).where(AgingTotal.snapshot_id == snapshot.id))}
    rows = []
    for index, (label, _low, _high, t_low, t_high) in enumerate(AGING_BUCKETS):
        t = totals.get(index)
        rows.append(AgingRow(index, label, t.claims if t else 0, t.balance if t else ZERO,
                             t.net_balance if t else ZERO, pct(t.net_balance if t else ZERO, snapshot.net_ar),
                             pct(t.claims if t else 0, snapshot.open_claims), (t_low, t_high)))
    since = snapshot.as_of - dt.timedelta(days=trend_days - 1)
    history = session.execute(
        select(AgingSnapshot.as_of, AgingSnapshot.net_ar, AgingTotal.bucket, AgingTotal.net_balance)
        .join(AgingTotal, AgingTotal.snapshot_id == AgingSnapshot.id)
        .where(AgingSnapshot.as_of >= since, AgingSnapshot.as_of <= snapshot.as_of)
        .order_by(AgingSnapshot.as_of, AgingTotal.bucket)).all()
    labels: list[dt.date] = []
    shares: list[list[float]] = [[] for _ in AGING_BUCKETS]
    for as_of, net_ar, bucket, net_balance in history:
        if not labels or labels[-1] != as_of:
            labels.append(as_of)
            for series in shares:
                series.append(0.0)
        shares[bucket][-1] = round(100 * float(net_balance) / float(net_ar), 1) if net_ar else 0.0
    return Aging(snapshot.as_of, rows, [d.isoformat() for d in labels], shares)


# --- claims: denial and clean-claim rates -------------------------------------------------

@dataclass
class RateRow:
    key: str
    label: str
    paid: int = 0
    clean: int = 0
    denied: int = 0
    rejected: int = 0
    benchmark: float | None = None

    @property
    def adjudicated(self) -> int:
        return self.paid + self.denied

    @property
    def answered(self) -> int:
        return self.paid + self.denied + self.rejected

    @property
    def denial_rate(self) -> float | None:
        return pct(self.denied, self.adjudicated)

    @property
    def clean_rate(self) -> float | None:
        return pct(self.clean, self.answered)


def claim_rates(session: Session, first: dt.date, last: dt.date) -> list[RateRow]:
    """Per category and overall ("all", first), for claims whose answer came between `first` and `last`."""
    clean = case((and_(ClaimOutcome.outcome == "paid", ClaimOutcome.denied_lines == 0), 1), else_=0)
    rows = session.execute(
        select(ClaimOutcome.category, ClaimOutcome.outcome, func.count(), func.sum(clean))
        .where(ClaimOutcome.outcome_on >= first, ClaimOutcome.outcome_on <= last)
        .group_by(ClaimOutcome.category, ClaimOutcome.outcome)).all()
    overall = RateRow("all", "All claims", benchmark=INDUSTRY_DENIAL_RATE["all"])
    by_category: dict[str, RateRow] = {}
    for category, outcome, count, clean_count in rows:
        row = by_category.setdefault(category, RateRow(category, CATEGORY_LABELS.get(category, category.title()),
                                                       benchmark=INDUSTRY_DENIAL_RATE.get(category)))
        for target in (row, overall):
            if outcome == "paid":
                target.paid += count
                target.clean += int(clean_count or 0)
            elif outcome == "denied":
                target.denied += count
            elif outcome == "rejected":
                target.rejected += count
    order = list(CATEGORY_LABELS)
    return [overall, *sorted(by_category.values(), key=lambda r: (order.index(r.key) if r.key in order else 99, r.key))]


# --- the queue: posting backlog, denials worked, documentation cadence ---------------------

def _scoped(stmt: Any, scope: Scope) -> Any:
    if scope.team is not None:
        stmt = stmt.where(WorkItem.team == scope.team)
    return stmt


@dataclass
class Backlog:
    items: int = 0
    dollars: Decimal = ZERO
    oldest: dt.date | None = None
    business_days: int = 0
    target: int = POSTING_BACKLOG_TARGET

    @property
    def status(self) -> str:
        return "good" if self.business_days <= self.target else "bad"


def posting_backlog(session: Session, today: dt.date, scope: Scope = Scope(), *,
                    business_calendar: BusinessCalendar = DEFAULT_CALENDAR) -> Backlog:
    """Open cash-posting items: how many, how much, and how far behind the oldest remittance is."""
    where = [WorkItem.team == Team.CASH_POSTING, WorkItem.status.in_(UNRESOLVED)]
    if scope.user_id is not None:
        where.append(WorkItem.assignee_id == scope.user_id)
    count, dollars, oldest_remit, oldest_created = session.execute(
        select(func.count(), func.coalesce(func.sum(WorkItem.balance), 0), func.min(WorkItem.remittance_date),
               func.min(WorkItem.created_at)).where(*where)).one()
    out = Backlog(int(count), Decimal(dollars))
    if count:
        created = oldest_created.astimezone(business_calendar.tz).date() if oldest_created else today
        out.oldest = min(d for d in (oldest_remit, created) if d is not None)
        out.business_days = business_calendar.between(out.oldest, today)
    return out


@dataclass
class Worked:
    on_time: int = 0
    late: int = 0
    waiting: int = 0  # not worked yet, still inside its 2 business days

    @property
    def counted(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        return pct(self.on_time, self.counted)


def _denials(start: dt.datetime, end: dt.datetime, scope: Scope) -> list[Any]:
    where = [WorkItem.kind == Kind.DENIAL, WorkItem.created_at >= start, WorkItem.created_at < end]
    if scope.team is not None:
        where.append(WorkItem.team == scope.team)
    if scope.user_id is not None:
        where.append(WorkItem.first_worker_id == scope.user_id)
    return where


def denials_worked(session: Session, start: dt.datetime, end: dt.datetime, now: dt.datetime,
                   scope: Scope = Scope()) -> Worked:
    """Denial items that arrived in [start, end): first worked by a person before their 2-business-day SLA,
    late (worked after it, or not yet and past it), or still waiting inside it. A person's figure counts the
    denials they were first to work."""
    worked = WorkItem.first_worked_at
    state = case((and_(worked.is_not(None), worked <= WorkItem.sla_due), literal("on_time")),
                 (or_(worked.is_not(None), WorkItem.sla_due < now), literal("late")), else_=literal("waiting"))
    graded = select(state.label("state")).where(*_denials(start, end, scope)).subquery()
    out = Worked()
    # Grouped outside: PostgreSQL would not see two copies of a CASE with bound parameters as one expression.
    for name, count in session.execute(select(graded.c.state, func.count()).group_by(graded.c.state)):
        setattr(out, name, int(count))
    return out


def late_denials(session: Session, start: dt.datetime, end: dt.datetime, now: dt.datetime, scope: Scope,
                 offset: int, limit: int) -> tuple[list[tuple[WorkItem, dt.datetime | None]], int]:
    worked = WorkItem.first_worked_at
    late = or_(and_(worked.is_not(None), worked > WorkItem.sla_due), and_(worked.is_(None), WorkItem.sla_due < now))
    where = [*_denials(start, end, scope), late]
    total = session.scalar(select(func.count()).select_from(WorkItem).where(*where)) or 0
    items = session.scalars(select(WorkItem).where(*where).order_by(WorkItem.created_at, WorkItem.id)
                            .offset(offset).limit(limit)).all()
    return [(item, item.first_worked_at) for item in items], int(total)


@dataclass
class FollowUp:
    open_items: int = 0
    on_cadence: int = 0
    median_days: float | None = None
    cadence_days: int = 3

    @property
    def rate(self) -> float | None:
        return pct(self.on_cadence, self.open_items)

    @property
    def overdue(self) -> int:
        return self.open_items - self.on_cadence


def _doc_rows(session: Session, scope: Scope) -> list[tuple[WorkItem, dt.datetime]]:
    """Open documentation items with when a person last touched them (or when they arrived). A person's
    are those they touched last: the follow-up is theirs until someone else picks it up."""
    touched = func.coalesce(WorkItem.last_touched_at, WorkItem.created_at)
    stmt = select(WorkItem, touched).where(WorkItem.team == Team.DOCUMENTATION, WorkItem.status.in_(UNRESOLVED))
    if scope.user_id is not None:
        stmt = stmt.where(WorkItem.last_toucher_id == scope.user_id)
    return [(item, at) for item, at in session.execute(stmt)]


def documentation(session: Session, today: dt.date, cadence_days: int, scope: Scope = Scope(), *,
                  business_calendar: BusinessCalendar = DEFAULT_CALENDAR) -> FollowUp:
    """Open documentation items by business days since a person last touched them (or since they arrived)."""
    out = FollowUp(cadence_days=cadence_days)
    ages = []
    for _item, touched in _doc_rows(session, scope):
        age = business_calendar.between(touched.astimezone(business_calendar.tz).date(), today)
        ages.append(age)
        out.open_items += 1
        out.on_cadence += age <= cadence_days
    out.median_days = float(statistics.median(ages)) if ages else None
    return out


def overdue_documentation(session: Session, today: dt.date, cadence_days: int, scope: Scope, *,
                          business_calendar: BusinessCalendar = DEFAULT_CALENDAR
                          ) -> list[tuple[WorkItem, dt.datetime, int]]:
    rows = []
    for item, touched in _doc_rows(session, scope):
        age = business_calendar.between(touched.astimezone(business_calendar.tz).date(), today)
        if age > cadence_days:
            rows.append((item, touched, age))
    return sorted(rows, key=lambda r: (-r[2], r[0].id))


# --- people and robots ------------------------------------------------------------------

def active_billers(scope: Scope = Scope()) -> Any:
    """Active people with the biller role (of the scope's team), by name."""
    stmt = select(User).where(User.active.is_(True), User.role == Role.BILLER).order_by(User.display_name)
    if scope.team is not None:
        stmt = stmt.where(User.id.in_(select(UserTeam.user_id).where(UserTeam.team == scope.team)))
    return stmt


@dataclass
class Billers:
    annual_revenue: Decimal = ZERO
    revenue_days: int = 0
    billers: int = 0

    @property
    def per_biller(self) -> Decimal | None:
        return (self.annual_revenue / self.billers).quantize(Decimal("1")) if self.billers else None

    @property
    def needed(self) -> tuple[float, float]:
        """Billers seed 002's benchmark would staff for this revenue (most, fewest)."""
        return (float(self.annual_revenue / REVENUE_PER_BILLER[0]), float(self.annual_revenue / REVENUE_PER_BILLER[1]))

    @property
    def status(self) -> str:
        value = self.per_biller
        if value is None:
            return "none"
        return "within" if REVENUE_PER_BILLER[0] <= value <= REVENUE_PER_BILLER[1] else (
            "good" if value > REVENUE_PER_BILLER[1] else "watch")


def revenue_per_biller(session: Session, as_of: dt.date | None, scope: Scope = Scope()) -> Billers:
    """Net revenue of the last 365 days (annualised when fewer are on record) over active billers."""
    out = Billers()
    if as_of is None:
        return out
    first = as_of - dt.timedelta(days=364)
    total, earliest = session.execute(select(func.coalesce(func.sum(RevenueDay.net_revenue), 0), func.min(RevenueDay.day))
                                      .where(RevenueDay.day >= first, RevenueDay.day <= as_of)).one()
    if earliest is None:
        return out
    out.revenue_days = (as_of - earliest).days + 1
    out.annual_revenue = (Decimal(total) * 365 / out.revenue_days).quantize(Decimal("0.01"))
    out.billers = int(session.scalar(select(func.count()).select_from(active_billers(scope).subquery())) or 0)
    return out


def robots(session: Session, start: dt.datetime, end: dt.datetime, minutes: dict[str, float]) -> list[RobotFigures]:
    return robot_figures.per_robot(session, start, end, minutes)


def robots_total(rows: list[RobotFigures]) -> RobotFigures:
    return robot_figures.total(rows)
