"""Supervisor figures: productivity per person and team, backlog, deadlines at risk.

Touch time is from the resolver's last "claimed" event to "resolved" (stored
on the RESOLVED event). Dollars resolved are the items' balances. SLA met
means resolved before the item's SLA due time. A reopened item counts
against the person whose resolution did not hold, in the period it reopened.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..domain.kinds import UNRESOLVED, Status, Team
from ..models import EventType, ItemEvent, User, WorkItem
from . import robot_figures
from .robot_figures import RobotFigures

Period = Literal["day", "week"]

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1 days", 0, 2), ("2-3 days", 2, 4), ("4-7 days", 4, 8), ("8-14 days", 8, 15),
    ("15-30 days", 15, 31), ("over 30 days", 31, None),
)


@dataclass(frozen=True)
class Window:
    period: Period
    first_day: dt.date
    last_day: dt.date
    start: dt.datetime  # aware, business timezone
    end: dt.datetime

    @property
    def label(self) -> str:
        if self.period == "day":
            return f"{self.first_day:%a %b %d, %Y}"
        return f"week of {self.first_day:%b %d} – {self.last_day:%b %d, %Y}"

    def shifted(self, steps: int) -> dt.date:
        return self.first_day + dt.timedelta(days=steps * (1 if self.period == "day" else 7))


def window(period: Period, day: dt.date, tz: dt.tzinfo) -> Window:
    if period == "week":
        first = day - dt.timedelta(days=day.weekday())
        last = first + dt.timedelta(days=6)
    else:
        first = last = day
    start = dt.datetime.combine(first, dt.time.min, tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tz)
    return Window(period, first, last, start, end)


@dataclass
class Productivity:
    key: str  # username or team value
    label: str
    resolved: int = 0
    dollars: Decimal = Decimal("0.00")
    sla_met: int = 0
    reopened: int = 0
    touches: list[int] = field(default_factory=list)

    @property
    def median_touch(self) -> float | None:
        return statistics.median(self.touches) if self.touches else None

    @property
    def p90_touch(self) -> float | None:
        return percentile(self.touches, 90)

    @property
    def sla_rate(self) -> float | None:
        return self.sla_met / self.resolved if self.resolved else None


def percentile(values: Iterable[int], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest value with pct% of values at or below it."""
    data = sorted(values)
    if not data:
        return None
    rank = max(int(-(-pct * len(data) // 100)), 1)  # ceil(pct/100 * n)
    return float(data[rank - 1])


def productivity(session: Session, win: Window, *, team: Team | None = None,
                 user_id: int | None = None) -> tuple[list[Productivity], list[Productivity]]:
    """(per person, per team) for the window; `team`/`user_id` narrow it."""
    stmt = (select(ItemEvent.actor_id, ItemEvent.at, ItemEvent.data, WorkItem.team, WorkItem.balance,
                   WorkItem.sla_due)
            .join(WorkItem, WorkItem.id == ItemEvent.item_id)
            .where(ItemEvent.type == EventType.RESOLVED, ItemEvent.at >= win.start, ItemEvent.at < win.end))
    reopen_stmt = (select(ItemEvent.data, WorkItem.team)
                   .join(WorkItem, WorkItem.id == ItemEvent.item_id)
                   .where(ItemEvent.type == EventType.REOPENED, ItemEvent.at >= win.start,
                          ItemEvent.at < win.end))
    if team is not None:
        stmt = stmt.where(WorkItem.team == team)
        reopen_stmt = reopen_stmt.where(WorkItem.team == team)
    if user_id is not None:
        stmt = stmt.where(ItemEvent.actor_id == user_id)
    users = {u.id: u for u in session.scalars(select(User))}
    people: dict[int, Productivity] = {}
    teams: dict[Team, Productivity] = {}

    def person(uid: int) -> Productivity:
        if uid not in people:
            u = users.get(uid)
            people[uid] = Productivity(u.username if u else str(uid), u.display_name if u else f"user {uid}")
        return people[uid]

    def team_row(t: Team) -> Productivity:
        if t not in teams:
            teams[t] = Productivity(t.value, t.label)
        return teams[t]

    for actor_id, at, data, item_team, balance, sla_due in session.execute(stmt):
        rows = [team_row(item_team)]
        if actor_id is not None:
            rows.append(person(actor_id))
        touch = int((data or {}).get("touch_seconds", 0))
        for row in rows:
            row.resolved += 1
            row.dollars += balance
            row.touches.append(touch)
            if at <= sla_due:
                row.sla_met += 1
    for data, item_team in session.execute(reopen_stmt):
        previous = (data or {}).get("previously_resolved_by")
        if user_id is not None and previous != user_id:
            continue
        team_row(item_team).reopened += 1
        if isinstance(previous, int):
            person(previous).reopened += 1
    return (sorted(people.values(), key=lambda p: (-p.resolved, p.label)),
            sorted(teams.values(), key=lambda t: t.label))


def daily_resolved(session: Session, last_day: dt.date, days: int, tz: dt.tzinfo,
                   team: Team | None = None) -> tuple[list[str], dict[str, list[int]]]:
    """Items resolved per day per team over `days` days ending `last_day`, for the trend chart."""
    first = last_day - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time.min, tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tz)
    stmt = (select(ItemEvent.at, WorkItem.team).join(WorkItem, WorkItem.id == ItemEvent.item_id)
            .where(ItemEvent.type == EventType.RESOLVED, ItemEvent.at >= start, ItemEvent.at < end))
    if team is not None:
        stmt = stmt.where(WorkItem.team == team)
    labels = [(first + dt.timedelta(days=i)) for i in range(days)]
    series: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for at, item_team in session.execute(stmt):
        index = (at.astimezone(tz).date() - first).days
        if 0 <= index < days:
            series[item_team.label][index] += 1
    return [f"{d:%b %d}" for d in labels], dict(sorted(series.items()))


@dataclass(frozen=True)
class BacklogRow:
    team: Team
    counts: tuple[int, ...]
    dollars: Decimal

    @property
    def total(self) -> int:
        return sum(self.counts)


def backlog(session: Session, now: dt.datetime) -> list[BacklogRow]:
    """Unresolved items per team by age since creation (counted in SQL)."""
    whens = []
    for index, (_label, low, _high) in enumerate(AGE_BUCKETS):
        if index == 0:
            continue
        whens.append((WorkItem.created_at <= now - dt.timedelta(days=low), index))
    # CASE takes the first true branch, so test the oldest bucket first.
    bucket = case(*reversed(whens), else_=0)
    # Grouped over a subquery: PostgreSQL would not see two copies of a CASE
    # with bound parameters as the same expression.
    aged = (select(WorkItem.team.label("team"), bucket.label("bucket"), WorkItem.balance.label("balance"))
            .where(WorkItem.status.in_(UNRESOLVED)).subquery())
    rows = session.execute(
        select(aged.c.team, aged.c.bucket, func.count(), func.coalesce(func.sum(aged.c.balance), 0))
        .group_by(aged.c.team, aged.c.bucket))
    counts: dict[Team, list[int]] = {t: [0] * len(AGE_BUCKETS) for t in Team}
    dollars: dict[Team, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for item_team, index, count, total in rows:
        counts[item_team][int(index)] += count
        dollars[item_team] += Decimal(total)
    return [BacklogRow(t, tuple(counts[t]), dollars[t]) for t in Team]


def at_risk(session: Session, today: dt.date, days: int = 7, limit: int = 200) -> tuple[list[WorkItem], int, Decimal]:
    """Unresolved items whose payer deadline falls in the next `days` days."""
    horizon = today + dt.timedelta(days=days)
    where = (WorkItem.status.in_(UNRESOLVED), WorkItem.deadline >= today, WorkItem.deadline <= horizon)
    items = list(session.scalars(select(WorkItem).where(*where)
                                 .order_by(WorkItem.deadline, WorkItem.balance.desc()).limit(limit)))
    count, dollars = session.execute(select(func.count(), func.coalesce(func.sum(WorkItem.balance), 0))
                                     .where(*where)).one()
    return items, int(count), Decimal(dollars)


def past_deadline(session: Session, today: dt.date, limit: int = 200) -> tuple[list[WorkItem], int, Decimal]:
    """Unresolved items whose payer deadline has passed (the appeal or filing window closed), longest past
    first: they still need a person (a write-off, a proof of timely filing), and someone should know why."""
    where = (WorkItem.status.in_(UNRESOLVED), WorkItem.deadline < today)
    items = list(session.scalars(select(WorkItem).where(*where)
                                 .order_by(WorkItem.deadline, WorkItem.balance.desc()).limit(limit)))
    count, dollars = session.execute(select(func.count(), func.coalesce(func.sum(WorkItem.balance), 0))
                                     .where(*where)).one()
    return items, int(count), Decimal(dollars)


@dataclass
class Escalation:
    item: WorkItem
    by: str  # who escalated it
    at: dt.datetime | None
    reason: str


def escalated(session: Session, limit: int = 200) -> list[Escalation]:
    """Escalated items, oldest first, each with who escalated it, when and why (its latest escalation)."""
    items = list(session.scalars(select(WorkItem).where(WorkItem.status == Status.ESCALATED)
                                 .order_by(WorkItem.updated_at).limit(limit)))
    latest: dict[int, ItemEvent] = {}
    if items:
        for event in session.scalars(select(ItemEvent).where(ItemEvent.item_id.in_([i.id for i in items]),
                                                             ItemEvent.type == EventType.ESCALATED)
                                     .order_by(ItemEvent.id)):
            latest[event.item_id] = event
    out = []
    for item in items:
        event = latest.get(item.id)
        who = (event.actor.display_name if event.actor else event.actor_label) if event else ""
        out.append(Escalation(item, who, event.at if event else None, str((event.data or {}).get("note", "")) if event else ""))
    return out


# --- robots -------------------------------------------------------------------------------

def robots(session: Session, win: Window) -> list[RobotFigures]:
    """Per robot over the window, with its latest run (services.robot_figures)."""
    return robot_figures.per_robot(session, win.start, win.end, with_last_run=True)
