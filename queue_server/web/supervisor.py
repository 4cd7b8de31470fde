"""Supervisors: productivity, backlog, deadlines at risk, people and their teams."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from .. import db
from ..domain.kinds import Team
from ..exceptions import InvalidInput, NotFound
from ..models import Role, User
from ..services import audit, auth, metrics
from .exports import csv_response
from .session import client_address, config, require_user, supervisor_required

bp = Blueprint("supervisor", __name__)


def _window() -> metrics.Window:
    period = request.args.get("period", "day")
    if period not in ("day", "week"):
        period = "day"
    try:
        day = dt.date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        day = g.now.date()
    return metrics.window(period, day, config().tz)  # type: ignore[arg-type]


def _team_arg() -> Team | None:
    value = request.args.get("team", "")
    return Team(value) if value in {t.value for t in Team} else None


@bp.get("/")
@supervisor_required
def dashboard() -> Any:
    win = _window()
    team = _team_arg()
    people, teams = metrics.productivity(db.session, win, team=team)
    labels, series = metrics.daily_resolved(db.session, win.last_day, 14, config().tz, team=team)
    backlog = metrics.backlog(db.session, g.now)
    risk_items, risk_count, risk_dollars = metrics.at_risk(db.session, g.now.date(), limit=25)
    missed, missed_count, missed_dollars = metrics.past_deadline(db.session, g.now.date(), limit=25)
    escalated = metrics.escalated(db.session, limit=25)
    robot_rows = metrics.robots(db.session, win)
    chart = {
        "trend": {"labels": labels, "series": series},
        "people": {"labels": [p.label for p in people], "resolved": [p.resolved for p in people],
                   "median": [round((p.median_touch or 0) / 60, 1) for p in people]},
        "backlog": {"labels": [b.team.label for b in backlog],
                    "buckets": [label for label, _lo, _hi in metrics.AGE_BUCKETS],
                    "counts": [list(b.counts) for b in backlog]},
    }
    audit.record(db.session, action="dashboard", user_id=require_user().id, address=client_address())
    audit.record_shown(db.session, action="shown_on_dashboard", item_ids=[i.id for i in [*risk_items, *missed, *(e.item for e in escalated)]],
                       user_id=require_user().id, address=client_address())
    db.session.commit()
    return render_template("supervisor/dashboard.html", win=win, team=team, people=people, teams=teams,
                           backlog=backlog, buckets=metrics.AGE_BUCKETS, risk_items=risk_items,
                           risk_count=risk_count, risk_dollars=risk_dollars, missed=missed,
                           missed_count=missed_count, missed_dollars=missed_dollars, today=g.now.date(),
                           escalated=escalated, chart=chart,
                           robots=robot_rows)




def _secs(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


@bp.get("/productivity.csv")
@supervisor_required
def productivity_csv() -> Response:
    win = _window()
    people, teams = metrics.productivity(db.session, win, team=_team_arg())
    header = ["level", "who", "resolved", "median_touch_seconds", "p90_touch_seconds", "dollars_resolved",
              "sla_met", "sla_met_rate", "reopened", "period", "first_day", "last_day"]
    rows = [[level, r.key, r.resolved, _secs(r.median_touch), _secs(r.p90_touch), f"{r.dollars:.2f}", r.sla_met,
             "" if r.sla_rate is None else f"{r.sla_rate:.3f}", r.reopened, win.period, win.first_day.isoformat(),
             win.last_day.isoformat()]
            for level, group in (("person", people), ("team", teams)) for r in group]
    audit.record(db.session, action="export", user_id=require_user().id, detail="productivity.csv",
                 address=client_address())
    db.session.commit()
    return csv_response(f"productivity-{win.period}-{win.first_day}.csv", header, rows)


@bp.get("/backlog.csv")
@supervisor_required
def backlog_csv() -> Response:
    rows = metrics.backlog(db.session, g.now)
    header = ["team", *[label for label, _lo, _hi in metrics.AGE_BUCKETS], "total", "dollars"]
    return csv_response(f"backlog-{g.now.date()}.csv", header,
                [[r.team.value, *r.counts, r.total, f"{r.dollars:.2f}"] for r in rows])


@bp.get("/at-risk.csv")
@supervisor_required
def at_risk_csv() -> Response:
    items, _count, _dollars = metrics.at_risk(db.session, g.now.date(), limit=100_000)
    audit.record(db.session, action="export", user_id=require_user().id, detail=f"at-risk.csv rows={len(items)}",
                 address=client_address())
    audit.record_shown(db.session, action="exported", item_ids=[i.id for i in items], user_id=require_user().id,
                       detail="at-risk.csv", address=client_address())
    db.session.commit()
    header = ["item_id", "kind", "team", "status", "payer", "claim_number", "account_number", "balance",
              "deadline", "deadline_rule"]
    return csv_response(f"deadlines-at-risk-{g.now.date()}.csv", header,
                [[i.id, i.kind.value, i.team.value, i.status.value, i.payer or "", i.claim_number or "",
                  i.account_number or "", f"{i.balance:.2f}", i.deadline.isoformat() if i.deadline else "",
                  i.deadline_rule] for i in items])


@bp.get("/people")
@supervisor_required
def people() -> Any:
    users = auth.everyone(db.session)
    return render_template("supervisor/people.html", users=users, teams=list(Team))


@bp.get("/people/<id:user_id>")
@supervisor_required
def person(user_id: int) -> Any:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    win = _window()
    people_rows, _teams = metrics.productivity(db.session, win, user_id=user.id)
    row = people_rows[0] if people_rows else metrics.Productivity(user.username, user.display_name)
    return render_template("supervisor/person.html", person=user, row=row, win=win)


@bp.post("/people/<id:user_id>/teams")
@supervisor_required
def set_teams(user_id: int) -> Any:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    wanted = request.form.getlist("teams")
    unknown = [t for t in wanted if t not in {team.value for team in Team}]
    if unknown:
        raise InvalidInput(f"Unknown team(s): {', '.join(unknown)}.")
    actor = require_user()
    if user.role is Role.ADMIN and actor.role is not Role.ADMIN:
        raise InvalidInput("Only an administrator changes an administrator's teams.")
    user.set_teams([Team(t) for t in wanted])
    audit.record(db.session, action="set_teams", user_id=actor.id, detail=f"user={user.id} teams={','.join(sorted(wanted))}",
                 address=client_address())
    db.session.commit()
    flash(f"{user.display_name} now works: {', '.join(t.label for t in user.teams) or 'no team'}.", "success")
    return redirect(url_for("supervisor.people"))


def _manageable(user_id: int) -> tuple[User, User]:
    """The person to change and who changes them: an administrator's account only by an administrator, and
    nobody deactivates or resets themselves here (their own password: the command line)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    actor = require_user()
    if user.role is Role.ADMIN and actor.role is not Role.ADMIN:
        raise InvalidInput("Only an administrator changes an administrator's account.")
    if user.id == actor.id:
        raise InvalidInput("You cannot change your own account here.")
    return user, actor


@bp.post("/people")
@supervisor_required
def add_person() -> Any:
    """A new person with the teams they work and a first password the supervisor gives them."""
    actor = require_user()
    form = request.form
    try:
        role = Role(form.get("role", "biller"))
    except ValueError:
        raise InvalidInput("Role must be biller or supervisor.") from None
    if role is Role.ADMIN and actor.role is not Role.ADMIN:
        raise InvalidInput("Only an administrator adds an administrator.")
    wanted = form.getlist("teams")
    if any(t not in {team.value for team in Team} for t in wanted):
        raise InvalidInput("Unknown team.")
    user = auth.create_user(db.session, config(), username=form.get("username", ""), password=form.get("password", ""),
                            role=role, teams=[Team(t) for t in wanted],
                            display_name=form.get("display_name", "").strip()[:120] or None)
    audit.record(db.session, action="user_added", user_id=actor.id, detail=f"user={user.id} role={role.value}",
                 address=client_address())
    db.session.commit()
    flash(f"{user.display_name} added as {role.value}; give them their first password in person.", "success")
    return redirect(url_for("supervisor.people"))


@bp.post("/people/<id:user_id>/active")
@supervisor_required
def set_active(user_id: int) -> Any:
    user, actor = _manageable(user_id)
    active = request.form.get("active") == "1"
    auth.set_active(db.session, user, active)
    audit.record(db.session, action="user_activated" if active else "user_deactivated", user_id=actor.id,
                 detail=f"user={user.id}", address=client_address())
    db.session.commit()
    flash(f"{user.display_name} {'can log in again' if active else 'is deactivated; their sessions ended'}.",
          "success")
    return redirect(url_for("supervisor.people"))


@bp.post("/people/<id:user_id>/password")
@supervisor_required
def reset_password(user_id: int) -> Any:
    user, actor = _manageable(user_id)
    auth.set_password(db.session, config(), user, request.form.get("password", ""))
    audit.record(db.session, action="password_reset", user_id=actor.id, detail=f"user={user.id}",
                 address=client_address())
    db.session.commit()
    flash(f"{user.display_name}'s password is reset; their open sessions ended.", "success")
    return redirect(url_for("supervisor.people"))
