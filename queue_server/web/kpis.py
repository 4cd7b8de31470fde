"""KPI pages: the company's figures for leadership, the same figures for a team or one person,
and a drill-down (paged, searchable, CSV) behind every figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from flask import Blueprint, Response, abort, g, render_template, request, url_for

from .. import db
from ..domain.kinds import Team
from ..exceptions import NotFound
from ..models import AgingSnapshot, User, WorkItem
from ..services import audit, kpi_drills, kpis
from ..services.robot_figures import RobotFigures, hours_saved
from ..services.billing_reports import AGING_BUCKETS, latest_snapshot
from ..templating import local, money
from .exports import csv_response
from .params import MAX_ID, db_id, page_number
from .session import client_address, config, login_required, require_user

bp = Blueprint("kpis", __name__)
PERIODS = (30, 90, 365)
CSV_LIMIT = 200_000


# Which figures each level shows: a team sees the figures its work moves (the company's own numbers where
# the figure only exists company-wide, such as DSO for the A/R team); a person sees their share of the queue's.
PERSONAL = ("posting", "denials-worked", "documentation")
TEAM_FIGURES: dict[Team, tuple[str, ...]] = {
    Team.DENIALS: ("denials-worked", "denials"),
    Team.CASH_POSTING: ("posting",),
    Team.DOCUMENTATION: ("documentation",),
    Team.AR: ("dso", "aging"),
    Team.BILLING: ("clean", "denials"),
    Team.RPA_ADMIN: ("robots",),
    Team.AUTHORIZATION: (),
}


@dataclass
class Board:
    scope: kpis.Scope
    period_days: int
    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime
    dso: kpis.Dso | None = None
    aging: kpis.Aging | None = None
    rates: list[kpis.RateRow] = field(default_factory=list)
    backlog: kpis.Backlog | None = None
    worked: kpis.Worked | None = None
    docs: kpis.FollowUp | None = None
    billers: kpis.Billers | None = None
    robots: list[RobotFigures] = field(default_factory=list)
    robots_total: RobotFigures | None = None

    @property
    def company(self) -> bool:
        return self.scope.team is None and self.scope.user_id is None

    @property
    def figures(self) -> tuple[str, ...]:
        if self.scope.user_id is not None:
            return PERSONAL
        if self.scope.team is not None:
            return TEAM_FIGURES[self.scope.team]
        return tuple(kpis.FIGURES)

    def shows(self, *keys: str) -> bool:
        return any(k in self.figures for k in keys)

    def args(self, **more: Any) -> dict[str, Any]:
        """Query arguments that keep this board's scope and period on a link."""
        out: dict[str, Any] = {"period": self.period_days}
        if self.scope.team is not None:
            out["team"] = self.scope.team.value
        if self.scope.user_id is not None:
            out["user"] = self.scope.user_id
        out.update({k: v for k, v in more.items() if v is not None})
        return out


@bp.app_template_filter("cell")
def cell(value: Any) -> str:
    """A drill-down value as the page shows it: money with cents, times in the business timezone."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dt.datetime):
        return local(value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def _period() -> int:
    try:
        value = int(request.args.get("period", "90"))
    except ValueError:
        value = 90
    return value if value in PERIODS else 90


def _scope() -> kpis.Scope:
    """The team or person the figures are about; a biller may only ask about themself."""
    user = require_user()
    team_arg, user_arg = request.args.get("team", ""), request.args.get("user", "")
    if user_arg:
        user_id = db_id(user_arg)
        if user_id is None:
            raise NotFound("No such person.")
        if user_id != user.id and not user.is_supervisor:
            abort(403)
        person = db.session.get(User, user_id)
        if person is None:
            raise NotFound("No such person.")
        return kpis.Scope(user_id=person.id, label=person.display_name)
    if not user.is_supervisor:
        abort(403)
    if team_arg:
        if team_arg not in {t.value for t in Team}:
            raise NotFound(f"No team {team_arg!r}.")
        return kpis.Scope(team=Team(team_arg), label=Team(team_arg).label)
    return kpis.Scope()


def board(scope: kpis.Scope, period_days: int) -> Board:
    cfg = config()
    now: dt.datetime = g.now
    first, today, start, end = _bounds(period_days)
    out = Board(scope, period_days, first, today, start, end)
    session = db.session
    if out.shows("posting"):
        out.backlog = kpis.posting_backlog(session, today, scope, business_calendar=cfg.business_calendar)
    if out.shows("denials-worked"):
        out.worked = kpis.denials_worked(session, start, end, now, scope)
    if out.shows("documentation"):
        out.docs = kpis.documentation(session, today, cfg.doc_follow_up_days, scope,
                                      business_calendar=cfg.business_calendar)
    if out.shows("dso", "billers"):
        out.dso = kpis.dso(session, cfg.dso_period_days, until=today)
    if out.shows("billers"):
        out.billers = kpis.revenue_per_biller(session, out.dso.as_of if out.dso else None, scope)
    if out.shows("aging"):
        out.aging = kpis.aging(session, until=today)
    if out.shows("denials", "clean"):
        out.rates = kpis.claim_rates(session, first, today)
    if out.shows("robots"):
        out.robots = kpis.robots(session, start, end, cfg.minutes_saved_per_unit)
        out.robots_total = kpis.robots_total(out.robots)
    return out


def _chart(b: Board) -> dict[str, Any]:
    chart: dict[str, Any] = {}
    if b.dso is not None and b.dso.trend:
        chart["dso"] = {"labels": [d.isoformat() for d, _v in b.dso.trend],
                        "values": [float(v) if v is not None else None for _d, v in b.dso.trend],
                        "target": list(kpis.DSO_TARGET), "industry": kpis.DSO_INDUSTRY}
    if b.aging is not None and b.aging.rows:
        chart["aging"] = {"labels": [r.label for r in b.aging.rows],
                          "share": [round(100 * (r.share or 0), 1) for r in b.aging.rows],
                          "low": [100 * r.target[0] for r in b.aging.rows],
                          "high": [100 * r.target[1] for r in b.aging.rows],
                          "trend": {"labels": b.aging.trend_labels, "series": b.aging.trend_shares}}
    if b.rates:
        chart["denials"] = {"labels": [r.label for r in b.rates],
                            "ours": [round(100 * r.denial_rate, 1) if r.denial_rate is not None else None for r in b.rates],
                            "industry": [100 * r.benchmark if r.benchmark is not None else None for r in b.rates]}
    return chart


def _render_board(scope: kpis.Scope, person: User | None = None) -> Any:
    period = _period()
    b = board(scope, period)
    audit.record(db.session, action="kpis", user_id=require_user().id, address=client_address(),
                 detail=f"scope={scope.team.value if scope.team else scope.user_id or 'company'} period={period}")
    db.session.commit()
    return render_template("kpis/board.html", b=b, chart=_chart(b), figures=kpis.FIGURES, periods=PERIODS,
                           person=person, buckets=AGING_BUCKETS, follow_up_days=config().doc_follow_up_days,
                           dso_period=config().dso_period_days)


def _requested_scope() -> kpis.Scope:
    """The scope asked for; a biller who asks for nothing gets their own figures."""
    user = require_user()
    if not user.is_supervisor and not request.args.get("user") and not request.args.get("team"):
        return kpis.Scope(user_id=user.id, label=user.display_name)
    return _scope()


@bp.get("/")
@login_required
def index() -> Any:
    scope = _requested_scope()
    person = db.session.get(User, scope.user_id) if scope.user_id else None
    return _render_board(scope, person)


# --- summary CSV ---------------------------------------------------------------------------

def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def summary_rows(b: Board) -> list[list[Any]]:
    rows: list[list[Any]] = []

    def add(figure: str, measure: str, value: Any, benchmark: str = "") -> None:
        rows.append([figure, measure, _fmt(value), benchmark, b.scope.label, b.first.isoformat(), b.last.isoformat()])

    if b.dso is not None and b.dso.as_of is not None:
        add("dso", "days", b.dso.value, "target 45-55; industry mid-to-high 80s")
        add("dso", "net_ar", b.dso.net_ar)
        add("dso", f"net_revenue_{b.dso.period_days}_days", b.dso.net_revenue)
    if b.aging is not None:
        for r in b.aging.rows:
            add("aging", f"{r.label} share of net A/R", r.share, f"{r.target[0]:.0%}-{r.target[1]:.0%}")
            add("aging", f"{r.label} net balance", r.net_balance)
    for r in b.rates:
        add("denial_rate", r.key, r.denial_rate, "" if r.benchmark is None else f"industry {r.benchmark:.0%}")
        add("clean_claim_rate", r.key, r.clean_rate)
    if b.backlog is not None:
        add("posting_backlog", "business_days", b.backlog.business_days, f"at most {kpis.POSTING_BACKLOG_TARGET}")
        add("posting_backlog", "items", b.backlog.items)
        add("posting_backlog", "dollars", b.backlog.dollars)
    if b.worked is not None:
        add("denials_worked_2bd", "rate", b.worked.rate, "goal: all")
        add("denials_worked_2bd", "on_time", b.worked.on_time)
        add("denials_worked_2bd", "late", b.worked.late)
    if b.docs is not None:
        add("documentation_follow_up", "rate", b.docs.rate, f"every {b.docs.cadence_days} business days")
        add("documentation_follow_up", "overdue", b.docs.overdue)
    if b.billers is not None and b.billers.revenue_days:
        add("revenue_per_biller", "annual_net_revenue", b.billers.annual_revenue)
        add("revenue_per_biller", "billers", b.billers.billers)
        add("revenue_per_biller", "per_biller", b.billers.per_biller, "$500,000-750,000")
    if b.robots_total is not None:
        for r in [*b.robots, b.robots_total]:
            add("robots", f"{r.robot} straight_through", r.straight_through)
            add("robots", f"{r.robot} hours_saved", round(r.hours_saved, 1))
    return rows


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    return csv_response(name, header, ([_fmt(v) for v in row] for row in rows))


@bp.get("/summary.csv")
@login_required
def summary_csv() -> Response:
    user = require_user()
    b = board(_requested_scope(), _period())
    audit.record(db.session, action="export", user_id=user.id, address=client_address(), detail="kpis summary.csv")
    db.session.commit()
    return _csv(f"kpis-{b.last}.csv", ["figure", "measure", "value", "benchmark", "scope", "first_day", "last_day"],
                summary_rows(b))


# --- drill-downs ---------------------------------------------------------------------------

@dataclass
class Drill:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    total: int
    links: list[str | None] = field(default_factory=list)  # per row: the item or person page
    note: str = ""
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    # What the rows name, for the audit log: the items shown, or the billing system's claims shown.
    item_ids: list[int] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)


def _search_text() -> str:
    return request.args.get("q", "")


def _latest_snapshot(b: Board) -> AgingSnapshot | None:
    as_of = request.args.get("as_of", "")
    try:
        return latest_snapshot(db.session, dt.date.fromisoformat(as_of) if as_of else b.last)
    except ValueError:
        raise NotFound("as_of must be a date, YYYY-MM-DD.") from None


def _int_arg(name: str) -> int | None:
    try:
        value = int(request.args[name]) if request.args.get(name, "") != "" else None
    except ValueError:
        return None
    return value if value is None or abs(value) <= MAX_ID else None


def drill_aging(b: Board, offset: int, limit: int) -> Drill:
    snapshot = _latest_snapshot(b)
    columns = ["Claim", "Account", "Payer", "Category", "Submitted", "Age (days)", "Bucket", "Balance", "Net balance"]
    if snapshot is None:
        return Drill("A/R aging", columns, [], 0, note="No aging snapshot yet: the reports robot brings one each night.")
    bucket = _int_arg("bucket")
    bucket = bucket if bucket is not None and 0 <= bucket < len(AGING_BUCKETS) else None
    lines, total = kpi_drills.aging_lines(db.session, snapshot.id, bucket, _search_text(), offset, limit)
    title = f"A/R aging as of {snapshot.as_of}" + (f": {AGING_BUCKETS[bucket][0]}" if bucket is not None else "")
    return Drill(title, columns, [[a.claim_number, a.account_number, a.payer, a.category, a.submitted_on, a.age_days,
                                   AGING_BUCKETS[a.bucket][0], a.balance, a.net_balance] for a in lines], total,
                 note=f"Open claims in the billing system's aging of {snapshot.as_of}, largest net balance first.",
                 numeric={5, 7, 8}, claims=[a.claim_number for a in lines])


def drill_dso(b: Board, offset: int, limit: int) -> Drill:
    period = config().dso_period_days
    dso = kpis.dso(db.session, period, until=b.last, trend_days=1)
    columns = ["Date", "Claims billed", "Gross charges", "Contractual allowance", "Net revenue"]
    if dso.as_of is None:
        return Drill("DSO: net revenue by day", columns, [], 0, note="No aging snapshot yet.")
    days, total = kpi_drills.revenue_days(db.session, dso.as_of - dt.timedelta(days=period - 1), dso.as_of, offset,
                                          limit)
    note = (f"DSO {dso.value} = net A/R {dso.net_ar:,.2f} ÷ (net revenue {dso.net_revenue:,.2f} ÷ {period} days), "
            f"as of {dso.as_of}. The A/R side is the aging's claims (drill into A/R aging).")
    return Drill(f"DSO: net revenue of the {period} days to {dso.as_of}", columns,
                 [[d.day, d.claims, d.gross_charges, d.contractual_allowance, d.net_revenue] for d in days], total,
                 note=note, numeric={1, 2, 3, 4})


def _outcomes(b: Board, offset: int, limit: int, *, clean: bool) -> Drill:
    category = request.args.get("category", "")
    rows, total = kpi_drills.claim_outcomes(db.session, b.first, b.last, clean=clean, category=category,
                                            search=_search_text(), offset=offset, limit=limit)
    columns = ["Claim", "Account", "Payer", "Category", "Submitted", "Answered", "Outcome", "Billed", "Paid",
               "Lines denied", "Denial"]
    what = "not clean (denied, rejected or a line denied)" if clean else "denied"
    label = kpis.CATEGORY_LABELS.get(category, "all categories") if category else "all categories"
    return Drill(f"Claims {what}, {label}, answered {b.first} to {b.last}", columns,
                 [[o.claim_number, o.account_number, o.payer, o.category, o.submitted_on, o.outcome_on, o.outcome,
                   o.billed, o.paid, o.denied_lines, o.denial] for o in rows], total, numeric={7, 8, 9},
                 claims=[o.claim_number for o in rows])


def _item_rows(items: list[tuple[WorkItem, list[Any]]], header: list[str], title: str, total: int,
               note: str = "") -> Drill:
    columns = ["Item", "Kind", "Team", "Status", "Claim", "Payer", "Balance", *header]
    rows = [[f"#{i.id}", i.spec.label, i.team.label, i.status.label, i.claim_number or "", i.payer or "", i.balance,
             *extra] for i, extra in items]
    return Drill(title, columns, rows, total, links=[url_for("queue.item", item_id=i.id) for i, _ in items], note=note,
                 numeric={6}, item_ids=[i.id for i, _ in items])


def drill_posting(b: Board, offset: int, limit: int) -> Drill:
    items, total = kpi_drills.posting_backlog(db.session, b.scope.user_id, offset, limit)
    today = b.last
    business_calendar = config().business_calendar
    rows = []
    for i in items:
        since = i.remittance_date or i.created_at.astimezone(business_calendar.tz).date()
        rows.append((i, [i.remittance_date or "", business_calendar.between(since, today)]))
    return _item_rows(rows, ["Remittance date", "Business days waiting"], "Cash-posting backlog: open items, oldest first",
                      total)


def drill_denials_worked(b: Board, offset: int, limit: int) -> Drill:
    items, total = kpis.late_denials(db.session, b.start, b.end, g.now, b.scope, offset, limit)
    return _item_rows([(i, [i.created_at, i.sla_due, at or "not yet"]) for i, at in items],
                      ["Arrived", "Due (2 business days)", "First worked"],
                      f"Denials not worked within 2 business days, arrived {b.first} to {b.last}", total)


def drill_documentation(b: Board, offset: int, limit: int) -> Drill:
    cadence = config().doc_follow_up_days
    rows = kpis.overdue_documentation(db.session, b.last, cadence, b.scope,
                                      business_calendar=config().business_calendar)
    page = rows[offset:offset + limit]
    return _item_rows([(i, [touched, age]) for i, touched, age in page], ["Last followed up", "Business days since"],
                      f"Documentation items not followed up within {cadence} business days", len(rows))


def drill_billers(b: Board, offset: int, limit: int) -> Drill:
    people = db.session.scalars(kpis.active_billers(b.scope)).all()
    resolved = kpi_drills.resolved_by_person(db.session, b.start, b.end)
    rows = [[p.display_name, ", ".join(t.label for t in p.teams), resolved.get(p.id, (0, 0))[0],
             Decimal(resolved.get(p.id, (0, 0))[1])] for p in people]
    snapshot = latest_snapshot(db.session, b.last)
    billers = kpis.revenue_per_biller(db.session, snapshot.as_of if snapshot else None, b.scope)
    note = (f"Annualised net revenue {billers.annual_revenue:,.2f} over {billers.billers} active billers; at Brothis & Evans' "
            f"benchmark that revenue staffs {billers.needed[1]:.1f} to {billers.needed[0]:.1f} billers.")
    return Drill("Active billers: items resolved and dollars in the period", ["Biller", "Teams", "Resolved", "Dollars"],
                 rows[offset:offset + limit], len(rows), links=[url_for("kpis.index", user=p.id, period=b.period_days)
                                                              for p in people[offset:offset + limit]],
                 note=note, numeric={2, 3})


def drill_robots(b: Board, offset: int, limit: int) -> Drill:
    runs, total = kpi_drills.robot_runs(db.session, b.start, b.end, request.args.get("robot", ""), offset, limit)
    minutes = config().minutes_saved_per_unit
    return Drill("Robot runs", ["Robot", "Night", "Runner", "Status", "Started", "Ended", "Duration", "Finished alone",
                                "To a person", "Failed", "Items filed", "Hours saved"],
                 [[r.robot, r.night, r.runner, r.status.value, r.started_at, r.finished_at or "running",
                   _duration(r.started_at, r.finished_at or g.now), r.units_done,
                   r.units_exception, r.units_failed, r.exceptions_filed,
                   round(hours_saved(r.units_done, minutes.get(r.robot, 0)), 1)]
                  for r in runs], total,
                 # Each run opens the items it filed: its robot's, filed between its start and its end.
                 links=[url_for("queue.index", source=r.robot, since=r.started_at.isoformat(),
                                until=(r.finished_at or g.now).isoformat(), status="all")
                        for r in runs],
                 note="Hours saved: units finished alone × HME_MINUTES_SAVED for the robot. A robot's name opens "
                      "the items that run filed.", numeric={6, 7, 8, 9, 10, 11})


def _duration(start: dt.datetime, end: dt.datetime) -> str:
    """"1 h 04 min", "3 min 20 s": how long a run took (or has taken so far)."""
    seconds = max(int((end - start).total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {seconds:02d} s"


DRILLS: dict[str, Callable[[Board, int, int], Drill]] = {
    "dso": drill_dso, "aging": drill_aging,
    "denials": lambda b, o, n: _outcomes(b, o, n, clean=False), "clean": lambda b, o, n: _outcomes(b, o, n, clean=True),
    "posting": drill_posting, "denials-worked": drill_denials_worked, "documentation": drill_documentation,
    "billers": drill_billers, "robots": drill_robots,
}


@bp.get("/<figure>")
@login_required
def drill(figure: str) -> Any:
    if figure not in DRILLS:
        raise NotFound(f"No figure {figure!r}.")
    user = require_user()
    if not user.is_supervisor and (figure not in PERSONAL or not request.args.get("user")):
        abort(403)
    scope = _scope()
    period = _period()
    cfg = config()
    b = Board(scope, period, *_bounds(period))
    as_csv = request.args.get("format") == "csv"
    page = page_number(request.args.get("page", "1"))
    size = CSV_LIMIT if as_csv else cfg.page_size
    result = DRILLS[figure](b, 0 if as_csv else (page - 1) * size, size)
    pages = max((result.total + cfg.page_size - 1) // cfg.page_size, 1)
    audit.record(db.session, action="export" if as_csv else "kpi_drill", user_id=user.id, address=client_address(),
                 detail=f"{figure} scope={scope.team.value if scope.team else scope.user_id or 'company'} "
                        f"rows={len(result.rows)}")
    shown = dict(action="exported" if as_csv else "shown_in_drill", user_id=user.id, address=client_address(),
                 detail=f"kpis {figure}")
    audit.record_shown(db.session, item_ids=result.item_ids, **shown)  # type: ignore[arg-type]
    audit.record_claims_shown(db.session, claims=result.claims, **shown)  # type: ignore[arg-type]
    db.session.commit()
    if as_csv:
        return _csv(f"{figure}-{b.last}.csv", result.columns, result.rows)
    return render_template("kpis/drill.html", b=b, figure=figure, title=kpis.FIGURES[figure][0],
                           explain=kpis.FIGURES[figure][1], d=result, page=min(page, pages), pages=pages)


def _bounds(period: int) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    tz = config().tz
    today = g.now.date()
    first = today - dt.timedelta(days=period - 1)
    return (first, today, dt.datetime.combine(first, dt.time.min, tz),
            dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tz))
