"""KPIs against hand-computed values on a small fixed data set, on SQLite and PostgreSQL.

The billing reports go in the way the robot sends them (CSV through the
service or the API); queue events are written with explicit times so the
business-day arithmetic is checked on known calendar days.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from decimal import Decimal
from typing import Any, Callable
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.domain.deadlines import DEFAULT_CALENDAR
from queue_server.domain.kinds import Kind, Status, Team
from queue_server.exceptions import InvalidInput
from queue_server.models import (AgingLine, AgingSnapshot, AuditEntry, EventType, RevenueDay, Role,
                                 RobotRun, RunStatus, User, WorkItem)
from queue_server.services import billing_reports, kpis, queue

from helpers import login

TZ = ZoneInfo("America/New_York")
ids = itertools.count(1)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), TZ)


def aging_csv(rows: list[tuple[str, int, str, str]], total: str | None = None) -> bytes:
    """rows: (claim, age_days, balance, net_balance)."""
    lines = ["claim_number,account_number,patient,payer,category,dos_from,submitted_on,billed,balance,net_balance,"
             "age_days,bucket"]
    for claim, age, balance, net in rows:
        lines.append(f"{claim},A-{claim},\"DOE, JANE\",medicare,oxygen,2026-01-01,2026-01-02,{balance},{balance},{net},"
                     f"{age},x")
    if total is not None:
        lines += ["", f"TOTAL,current,,,,,,,{total},,,"]
    return ("\r\n".join(lines) + "\r\n").encode()


def revenue_csv(days: dict[dt.date, str]) -> bytes:
    lines = ["date,claims,gross_charges,contractual_allowance,net_revenue"]
    for day, net in sorted(days.items()):
        gross = Decimal(net) * 2
        lines.append(f"{day},3,{gross:.2f},{gross - Decimal(net):.2f},{net}")
    return "\n".join(lines).encode()


# --- DSO -------------------------------------------------------------------------------

def test_seed_worked_dso_example() -> None:
    # Seed 002: net revenue 7,525,000 over 182 days, net A/R 2,135,000 -> 51.64.
    assert kpis.dso_days(Decimal("2135000"), Decimal("7525000"), 182) == Decimal("51.64")
    assert kpis.dso_days(Decimal("100"), Decimal("0"), 91) is None


def test_dso_per_snapshot_with_a_sliding_revenue_period(session: Session) -> None:
    first = dt.date(2026, 4, 1)
    revenue = {first + dt.timedelta(days=i): "1000.00" for i in range(92)}  # Apr 1 .. Jul 1
    revenue[first] = "10000.00"
    billing_reports.receive(session, "revenue", dt.date(2026, 7, 1), revenue_csv(revenue), source="test")
    billing_reports.receive(session, "aging", dt.date(2026, 6, 30),
                            aging_csv([("C1", 10, "80000.00", "50000.00")]), source="test")
    billing_reports.receive(session, "aging", dt.date(2026, 7, 1),
                            aging_csv([("C1", 11, "80000.00", "54600.00")]), source="test")
    session.commit()
    result = kpis.dso(session, 91, until=dt.date(2026, 7, 1))
    # Jun 30: 91 days Apr 1..Jun 30 = 10,000 + 90 x 1,000 = 100,000; 50,000 / (100,000 / 91) = 45.50.
    # Jul 1: Apr 2..Jul 1 = 91,000; 54,600 / 1,000 = 54.60.
    assert result.trend == [(dt.date(2026, 6, 30), Decimal("45.50")), (dt.date(2026, 7, 1), Decimal("54.60"))]
    assert (result.as_of, result.value, result.net_ar, result.net_revenue) == (
        dt.date(2026, 7, 1), Decimal("54.60"), Decimal("54600.00"), Decimal("91000.00"))
    assert result.revenue_since is None
    # A 182-day period reaches before the first day of revenue on record: the page says so.
    assert kpis.dso(session, 182).revenue_since == first


# --- the reports going in --------------------------------------------------------------

def test_aging_buckets_shares_and_targets(session: Session) -> None:
    rows = [("C1", 0, "100.00", "40.00"), ("C2", 29, "100.00", "30.00"), ("C3", 30, "50.00", "25.00"),
            ("C4", 89, "50.00", "15.00"), ("C5", 119, "20.00", "10.00"), ("C6", 400, "40.00", "30.00")]
    got = billing_reports.receive(session, "aging", dt.date(2026, 7, 1), aging_csv(rows, total="360.00"), source="t")
    session.commit()
    assert got.rows == 6
    snapshot = session.scalars(select(AgingSnapshot)).one()
    assert (snapshot.open_claims, snapshot.gross_ar, snapshot.net_ar) == (6, Decimal("360.00"), Decimal("150.00"))
    result = kpis.aging(session)
    assert [(r.claims, r.net_balance) for r in result.rows] == [
        (2, Decimal("70.00")), (1, Decimal("25.00")), (1, Decimal("15.00")), (1, Decimal("10.00")), (1, Decimal("30.00"))]
    # Shares of net A/R 150: 46.7%, 16.7%, 10%, 6.7%, 20%: more current and less in the middle than the targets
    # (better), too much over 120 days (off target). Shares of claims: 2 of 6 current.
    assert [round(r.share * 1000) for r in result.rows] == [467, 167, 100, 67, 200]
    assert [r.status for r in result.rows] == ["good", "good", "good", "good", "bad"]
    assert result.rows[0].claim_share == pytest.approx(2 / 6)
    # No patient names are kept.
    assert "DOE" not in repr(session.execute(select(AgingLine.__table__)).all())
    # The same report again replaces the snapshot: nothing doubles.
    billing_reports.receive(session, "aging", dt.date(2026, 7, 1), aging_csv(rows, total="360.00"), source="t")
    session.commit()
    assert session.scalar(select(AgingSnapshot.open_claims)) == 6
    assert len(session.scalars(select(AgingLine)).all()) == 6


@pytest.mark.parametrize("content, message", [
    (aging_csv([("C1", 5, "100.00", "40.00")], total="90.00"), "does not add up"),
    (aging_csv([("C1", 5, "1OO.00", "40.00"), ("C2", -3, "5.00", "1.00")]), "3 bad value(s)"),  # billed, balance, age
    (aging_csv([("C1", 5, "10.00", "40.00")]), "1 bad value(s)"),
    (aging_csv([("C1", 5, "10.00", "4.00"), ("C1", 6, "10.00", "4.00")]), "1 bad value(s)"),
    (b"claim_number,balance\nC1,10.00\n", "lacks column(s)"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"  \n", "empty"),
])
def test_a_bad_aging_report_is_refused_whole(session: Session, content: bytes, message: str) -> None:
    billing_reports.receive(session, "aging", dt.date(2026, 7, 1), aging_csv([("C9", 1, "1.00", "1.00")]), source="t")
    session.commit()
    with pytest.raises(InvalidInput) as caught:
        billing_reports.receive(session, "aging", dt.date(2026, 7, 1), content, source="t")
    session.rollback()
    assert message in caught.value.message
    # What was there before is untouched.
    assert session.scalars(select(AgingLine.claim_number)).all() == ["C9"]


def test_revenue_rows_must_add_up_and_not_be_in_the_future(session: Session) -> None:
    bad = b"date,claims,gross_charges,contractual_allowance,net_revenue\n2026-07-01,1,10.00,3.00,8.00\n2026-07-09,1,1.00,0.00,1.00\n"
    with pytest.raises(InvalidInput) as caught:
        billing_reports.receive(session, "revenue", dt.date(2026, 7, 2), bad, source="t")
    assert [d["loc"] for d in caught.value.details] == [["line", 2], ["line", 3]]
    session.rollback()
    assert session.scalars(select(RevenueDay)).all() == []


# --- denial and clean-claim rates ----------------------------------------------------

OUTCOMES_HEADER = "claim_number,account_number,payer,payer_type,category,submitted_on,billed,outcome,outcome_on,paid,denied_lines,denial"


def outcomes_csv(rows: list[tuple[str, str, str, int]]) -> bytes:
    """rows: (category, outcome, outcome_on, denied_lines)."""
    lines = [OUTCOMES_HEADER]
    for category, outcome, on, denied in rows:
        lines.append(f"C{next(ids):06d},A1,medicare,medicare,{category},2026-05-01,100.00,{outcome},{on},"
                     f"{'80.00' if outcome == 'paid' else '0.00'},{denied},{'CO-50' if outcome == 'denied' else ''}")
    return "\n".join(lines).encode()


def test_denial_and_clean_claim_rates_by_category(session: Session) -> None:
    rows = ([("oxygen", "paid", "2026-06-10", 0)] * 9 + [("oxygen", "paid", "2026-06-10", 1)]
            + [("oxygen", "denied", "2026-06-11", 0)] * 2 + [("oxygen", "rejected", "2026-06-12", 0)]
            + [("dme", "paid", "2026-06-15", 0)] * 3 + [("dme", "denied", "2026-06-15", 0)]
            + [("rehab", "denied", "2026-06-20", 0)] * 2
            + [("dme", "denied", "2026-03-01", 0)] * 5)  # answered before the period: not counted
    billing_reports.receive(session, "outcomes", dt.date(2026, 6, 30), outcomes_csv(rows), source="t")
    session.commit()
    rates = {r.key: r for r in kpis.claim_rates(session, dt.date(2026, 6, 1), dt.date(2026, 6, 30))}
    assert list(rates) == ["all", "oxygen", "dme", "rehab"]
    oxygen, dme, rehab, overall = rates["oxygen"], rates["dme"], rates["rehab"], rates["all"]
    assert (oxygen.paid, oxygen.clean, oxygen.denied, oxygen.rejected) == (10, 9, 2, 1)
    assert oxygen.denial_rate == pytest.approx(2 / 12) and oxygen.clean_rate == pytest.approx(9 / 13)
    assert dme.denial_rate == pytest.approx(1 / 4) and rehab.denial_rate == 1.0
    # All claims: 13 paid, 5 denied, 1 rejected; clean 12 of 19.
    assert overall.denial_rate == pytest.approx(5 / 18) and overall.clean_rate == pytest.approx(12 / 19)
    assert (overall.benchmark, oxygen.benchmark, dme.benchmark, rehab.benchmark) == (0.26, 0.08, 0.28, 0.40)


# --- queue figures ------------------------------------------------------------------

def event(session: Session, item_id: int, kind: EventType, when: dt.datetime, actor: User | None) -> None:
    """An event as the queue service records it (a person's also marks the item first worked, last touched)."""
    queue.record_event(session, item_id, kind, when, actor=actor, actor_label=None if actor else "bot:test")
    session.commit()


def test_business_days() -> None:
    # Fri Jun 5 2026 -> Mon Jun 8 is one business day; a week later six.
    assert DEFAULT_CALENDAR.between(dt.date(2026, 6, 5), dt.date(2026, 6, 8)) == 1
    assert DEFAULT_CALENDAR.between(dt.date(2026, 6, 5), dt.date(2026, 6, 15)) == 6
    assert DEFAULT_CALENDAR.between(dt.date(2026, 6, 6), dt.date(2026, 6, 7)) == 0
    # Juneteenth (Friday June 19, 2026) is a federal holiday: the week of June 15 has four business days.
    assert DEFAULT_CALENDAR.between(dt.date(2026, 6, 12), dt.date(2026, 6, 19)) == 4


def test_denials_worked_within_two_business_days(session: Session, make_item: Callable[..., int],
                                                 make_user: Callable[..., User]) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    # All arrive Friday Jun 5 10:00: due Tuesday Jun 9 10:00.
    on_time = make_item(kind=Kind.DENIAL, now=at("2026-06-05"))
    snoozed_on_time = make_item(kind=Kind.DENIAL, now=at("2026-06-05"))
    late = make_item(kind=Kind.DENIAL, now=at("2026-06-05"))
    never = make_item(kind=Kind.DENIAL, now=at("2026-06-05"))
    fresh = make_item(kind=Kind.DENIAL, now=at("2026-06-10"))  # still inside its 2 days on Jun 11
    not_denial = make_item(kind=Kind.FRONT_END_REJECTION, now=at("2026-06-05"))
    event(session, on_time, EventType.CLAIMED, at("2026-06-05", 11), bob)  # opening it is not working it
    event(session, on_time, EventType.RESOLVED, at("2026-06-08", 15), ann)
    event(session, snoozed_on_time, EventType.NOTED, at("2026-06-05", 11), None)  # a robot's note does not count
    event(session, snoozed_on_time, EventType.SNOOZED, at("2026-06-09", 9), bob)
    event(session, late, EventType.NOTED, at("2026-06-09", 11), ann)
    event(session, not_denial, EventType.RESOLVED, at("2026-06-20"), ann)
    now = at("2026-06-11", 12)
    start, end = at("2026-06-01", 0), at("2026-06-12", 0)
    company = kpis.denials_worked(session, start, end, now)
    assert (company.on_time, company.late, company.waiting) == (2, 2, 1)
    assert company.rate == 0.5
    by_ann = kpis.denials_worked(session, start, end, now, kpis.Scope(user_id=ann.id))
    assert (by_ann.on_time, by_ann.late) == (1, 1)
    items, total = kpis.late_denials(session, start, end, now, kpis.Scope(), 0, 50)
    assert total == 2 and {i.id for i, _ in items} == {late, never}
    assert dict((i.id, w) for i, w in items)[never] is None
    assert fresh not in {i.id for i, _ in items}


def test_posting_backlog_counts_business_days_from_the_oldest_remittance(
        session: Session, make_item: Callable[..., int]) -> None:
    assert kpis.posting_backlog(session, dt.date(2026, 6, 11)).items == 0
    make_item(kind=Kind.UNBALANCED_REMITTANCE, remittance_date=dt.date(2026, 6, 4), balance=Decimal("10.00"),
              now=at("2026-06-08"))
    make_item(kind=Kind.UNMATCHED_PAYMENT, balance=Decimal("5.50"), now=at("2026-06-09"))
    done = make_item(kind=Kind.RECOUPMENT, remittance_date=dt.date(2026, 5, 1), now=at("2026-06-01"))
    session.get(WorkItem, done).status = Status.RESOLVED
    session.commit()
    backlog = kpis.posting_backlog(session, dt.date(2026, 6, 11))
    # Thu Jun 4 -> Thu Jun 11: 5 business days, over seed 000's 2-3.
    assert (backlog.items, backlog.dollars, backlog.oldest, backlog.business_days, backlog.status) == (
        2, Decimal("15.50"), dt.date(2026, 6, 4), 5, "bad")


def test_documentation_follow_up_cadence(session: Session, make_item: Callable[..., int],
                                         make_user: Callable[..., User]) -> None:
    cara = make_user("cara", teams=[Team.DOCUMENTATION])
    touched = make_item(kind=Kind.CMN_INVALID, now=at("2026-06-01"))
    untouched = make_item(kind=Kind.CMN_NEEDS_REVIEW, now=at("2026-06-03"))
    recent = make_item(kind=Kind.CMN_INVALID, now=at("2026-06-10"))
    event(session, touched, EventType.NOTED, at("2026-06-08"), cara)  # Mon; Thu Jun 11 is 3 business days on
    result = kpis.documentation(session, dt.date(2026, 6, 11), 3)
    # touched: 3 days (on cadence); untouched: Wed Jun 3 -> 6 days (overdue); recent: 1 day.
    assert (result.open_items, result.on_cadence, result.overdue, result.median_days) == (3, 2, 1, 3.0)
    overdue = kpis.overdue_documentation(session, dt.date(2026, 6, 11), 3, kpis.Scope())
    assert [(i.id, age) for i, _t, age in overdue] == [(untouched, 6)]
    mine = kpis.documentation(session, dt.date(2026, 6, 11), 3, kpis.Scope(user_id=cara.id))
    assert (mine.open_items, mine.on_cadence) == (1, 1)
    assert recent


def test_revenue_per_biller_and_robot_hours(session: Session, make_user: Callable[..., User]) -> None:
    days = {dt.date(2026, 1, 1) + dt.timedelta(days=i): "2000.00" for i in range(365)}
    billing_reports.receive(session, "revenue", dt.date(2026, 12, 31), revenue_csv(days), source="t")
    for name in ("b1", "b2"):
        make_user(name)
    make_user("sup", role=Role.SUPERVISOR)
    retired = make_user("b3")
    retired.active = False
    session.commit()
    result = kpis.revenue_per_biller(session, dt.date(2026, 12, 31))
    assert (result.annual_revenue, result.billers, result.per_biller) == (Decimal("730000.00"), 2, Decimal("365000"))
    assert result.status == "watch"
    assert result.needed == pytest.approx((1.46, 730000 / 750000))
    # 73 days on record are annualised: 73 x 2,000 x 365 / 73.
    short = {dt.date(2026, 10, 20) + dt.timedelta(days=i): "2000.00" for i in range(73)}
    session.query(RevenueDay).delete()
    billing_reports.receive(session, "revenue", dt.date(2026, 12, 31), revenue_csv(short), source="t")
    assert kpis.revenue_per_biller(session, dt.date(2026, 12, 31)).annual_revenue == Decimal("730000.00")

    for robot, done, exc, failed in (("claim-status", 90, 8, 2), ("claim-status", 10, 0, 0), ("cmns", 6, 4, 0)):
        session.add(RobotRun(robot=robot, night=dt.date(2026, 6, 10), runner="r", status=RunStatus.FINISHED,
                             started_at=at("2026-06-10", 22), units_done=done, units_exception=exc,
                             units_failed=failed, exceptions_filed=exc, error="", totals={}))
    session.commit()
    rows = kpis.robots(session, at("2026-06-01", 0), at("2026-06-30", 0), {"claim-status": 6, "cmns": 10})
    assert [(r.robot, r.runs, r.done, r.units) for r in rows] == [("claim-status", 2, 100, 110), ("cmns", 1, 6, 10)]
    total = kpis.robots_total(rows)
    # 100 x 6 min + 6 x 10 min = 660 min = 11 hours; straight-through 106 / 120.
    assert total.hours_saved == pytest.approx(11.0) and total.straight_through == pytest.approx(106 / 120)


# --- the pages ------------------------------------------------------------------------

@pytest.fixture
def reports_in(client: FlaskClient, bot_token: str) -> dt.date:
    """Today's reports sent through the API, as the robot sends them."""
    today = dt.datetime.now(TZ).date()
    rows = [("C100", 3, "300.00", "200.00"), ("C101", 45, "150.00", "100.00"), ("C102", 200, "90.00", "60.00")]
    days = {today - dt.timedelta(days=i): "100.00" for i in range(120)}
    outcomes = outcomes_csv([("oxygen", "paid", today.isoformat(), 0), ("rehab", "denied", today.isoformat(), 0)])
    for report, body in (("aging", aging_csv(rows, total="540.00")), ("revenue", revenue_csv(days)),
                         ("outcomes", outcomes)):
        answer = client.post(f"/api/v1/billing-reports/{report}?as_of={today}", data=body,
                             headers={"Authorization": f"Bearer {bot_token}", "Content-Type": "text/csv"})
        assert answer.status_code == 201, answer.get_json()
    return today


def test_the_api_refuses_bad_reports_clearly(client: FlaskClient, bot_token: str) -> None:
    auth = {"Authorization": f"Bearer {bot_token}"}
    cases = [
        ("/api/v1/billing-reports/aging?as_of=2026-07-01", "application/json", b"{}", 415),
        ("/api/v1/billing-reports/aging?as_of=July", "text/csv", aging_csv([]), 422),
        ("/api/v1/billing-reports/ledger?as_of=2026-07-01", "text/csv", aging_csv([]), 422),
        ("/api/v1/billing-reports/aging?as_of=2026-07-01", "text/csv", aging_csv([("C1", 1, "x", "1.00")]), 422),
    ]
    for url, kind, body, status in cases:
        answer = client.post(url, data=body, headers={**auth, "Content-Type": kind})
        assert answer.status_code == status, (url, answer.get_json())
        assert answer.get_json()["error"]["message"]
    assert client.post("/api/v1/billing-reports/aging?as_of=2026-07-01", data=aging_csv([]),
                       headers={"Content-Type": "text/csv"}).status_code == 401


def test_leadership_page_figures_drill_down_and_csv(client: FlaskClient, make_user: Callable[..., User],
                                                    reports_in: dt.date, session: Session) -> None:
    make_user("lead", role=Role.SUPERVISOR)
    login(client, "lead")
    page = client.get("/kpis/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # Net A/R 360 / (120 days x 100 in the 91-day period = 9,100 / 91 = 100 a day) = 3.60 days.
    assert "3.60" in html and 'id="tile-dso"' in html and 'id="chart-dso"' in html
    assert "50.0%" in html  # one of two adjudicated claims denied
    for key, (title, line) in kpis.FIGURES.items():
        assert title.split(":")[0] in html, key
    over_120 = client.get("/kpis/aging?bucket=4").get_data(as_text=True)
    assert "C102" in over_120 and "C100" not in over_120
    csv_text = client.get("/kpis/aging?format=csv").get_data(as_text=True)
    assert csv_text.splitlines()[0].startswith("Claim,Account") and len(csv_text.splitlines()) == 4
    assert "C101" in client.get("/kpis/aging?q=c101").get_data(as_text=True)
    summary = client.get("/kpis/summary.csv").get_data(as_text=True)
    assert "dso,days,3.60," in summary
    denied = client.get("/kpis/denials?category=rehab").get_data(as_text=True)
    assert "CO-50" in denied
    actions = session.scalars(select(AuditEntry.action)).all()
    assert {"kpis", "kpi_drill", "export"} <= set(actions)
    # The audit names what each drill-down and export showed, not only that it was opened.
    details = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "shown_in_drill")).all()
    assert "kpis aging claim=C102" in details and "kpis aging claim=C101" in details  # over 120 days, then q=c101
    exported = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "exported")).all()
    assert {"kpis aging claim=C100", "kpis aging claim=C101", "kpis aging claim=C102"} <= set(exported)


def test_an_item_drill_down_names_its_items_in_the_audit_log(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    make_user("lead", role=Role.SUPERVISOR)
    backlog = [make_item(kind=Kind.UNMATCHED_PAYMENT) for _ in range(3)]
    login(client, "lead")
    assert client.get("/kpis/posting").status_code == 200
    assert client.get("/kpis/posting?format=csv").status_code == 200
    session.expire_all()
    for action in ("shown_in_drill", "exported"):
        named = set(session.scalars(select(AuditEntry.item_id).where(AuditEntry.action == action)))
        assert named == set(backlog), action


def test_a_biller_sees_their_own_figures_only(client: FlaskClient, make_user: Callable[..., User],
                                              make_item: Callable[..., int]) -> None:
    me = make_user("dana")
    other = make_user("eve")
    login(client, "dana")
    page = client.get("/kpis/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "dana" in html.lower() and 'id="tile-dso"' not in html
    assert client.get("/kpis/?team=denials").status_code == 403
    assert client.get(f"/kpis/?user={other.id}").status_code == 403
    assert client.get(f"/kpis/denials-worked?user={me.id}").status_code == 200
    assert client.get(f"/kpis/denials-worked?user={other.id}").status_code == 403
    assert client.get("/kpis/aging").status_code == 403
    assert client.get("/kpis/nonsense").status_code == 404


def test_team_level_from_the_supervisor_dashboard(client: FlaskClient, make_user: Callable[..., User],
                                                  make_item: Callable[..., int]) -> None:
    make_user("sam", role=Role.SUPERVISOR)
    login(client, "sam")
    dashboard = client.get("/supervisor/?team=denials").get_data(as_text=True)
    assert 'href="/kpis/?team=denials"' in dashboard
    make_item(kind=Kind.DENIAL)
    page = client.get("/kpis/?team=denials").get_data(as_text=True)
    assert "Denials" in page and "0 on time, 0 late, 1 still inside 2 days" in page
    # A team sees the figures its work moves, not the other teams'.
    assert 'id="tile-posting"' not in page and 'id="tile-documentation"' not in page
    assert 'id="tile-posting"' in client.get("/kpis/?team=cash_posting").get_data(as_text=True)
    assert "No KPI follows this team's work yet" in client.get("/kpis/?team=authorization").get_data(as_text=True)
    # The team-level CSV carries the same figures.
    assert "denials_worked_2bd,waiting" not in client.get("/kpis/summary.csv?team=denials").get_data(as_text=True)
    assert "posting_backlog" not in client.get("/kpis/summary.csv?team=denials").get_data(as_text=True)


@pytest.mark.browser
def test_leadership_page_in_chromium(app: Any, session: Session, make_user: Callable[..., User],
                                     make_item: Callable[..., int], tmp_path: Path) -> None:
    """Six weekly snapshots of a sandbox billing system's reports, drawn and drilled into in a real browser."""
    from browser import chromium, keep_screenshot, live_server, log_in
    from sandbox import serve
    from sandbox.world import reports
    from sandbox.world.store import Store

    today = dt.datetime.now(TZ).date()
    for weeks in range(5, -1, -1):
        as_of = today - dt.timedelta(weeks=weeks)
        world = tmp_path / f"world-{weeks}"
        serve.reset(world, seed=3, claims=400 + 30 * weeks, today=as_of)
        store = Store(serve.store_path(world))
        for name in ("aging", "revenue", "outcomes"):
            billing_reports.receive(session, name, as_of, reports.REPORTS[name][0](store).encode(), source="test")
        session.commit()
    make_user("lee", role=Role.SUPERVISOR, teams=[], display_name="Lee Park")
    make_user("bea", display_name="Bea Lindqvist")
    for _ in range(3):
        make_item(kind=Kind.DENIAL)
    make_item(kind=Kind.UNBALANCED_REMITTANCE, remittance_date=today - dt.timedelta(days=6))
    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, base, "lee")
        page.goto(f"{base}/kpis/")
        for chart in ("chart-dso", "chart-aging", "chart-aging-trend", "chart-denials"):
            page.wait_for_function(f"window.Chart && Chart.getChart(document.getElementById('{chart}'))")
        assert page.evaluate("Chart.getChart(document.getElementById('chart-dso')).data.labels.length") == 6
        assert "business days" in page.inner_text("#tile-posting")
        page.screenshot(path=tmp_path / "kpis.png", full_page=True)
        keep_screenshot(tmp_path / "kpis.png")
        page.click("#aging a:has-text('Over 120 days')")
        page.wait_for_selector("#drill")
        assert "Over 120 days" in page.inner_text("h1")
        first_claim = page.inner_text("#drill tbody tr:first-child td:first-child")
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "search"
        page.keyboard.type(first_claim)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"q=C\d+"))
        assert page.locator("#drill tbody tr").count() == 1
        page.screenshot(path=tmp_path / "kpis-drill.png", full_page=True)
        keep_screenshot(tmp_path / "kpis-drill.png")


def test_a_robot_run_shows_its_end_and_duration_and_opens_the_items_it_filed(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    started, ended = now - dt.timedelta(hours=2), now - dt.timedelta(hours=1, minutes=55, seconds=40)
    session.add(RobotRun(robot="eobs", night=now.date(), runner="r1", status=RunStatus.FINISHED, started_at=started,
                         finished_at=ended, units_done=3, units_exception=1, units_failed=0, exceptions_filed=1,
                         error="", totals={}))
    session.commit()
    during = make_item(source="eobs")
    session.get(WorkItem, during).created_at = started + dt.timedelta(minutes=2)  # type: ignore[union-attr]
    later = make_item(source="eobs")  # filed by another run, now
    other = make_item(source="cmns")
    session.get(WorkItem, other).created_at = started + dt.timedelta(minutes=3)  # type: ignore[union-attr]
    session.commit()
    make_user("lead", role=Role.SUPERVISOR)
    login(client, "lead")
    html = client.get("/kpis/robots").get_data(as_text=True)
    assert "Ended" in html and "4 min 20 s" in html
    link = re.search(r'<a href="(/\?[^"]*source=eobs[^"]*)">eobs</a>', html)
    assert link is not None, html
    listed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f"/items/{during}" in listed and f"/items/{later}" not in listed and f"/items/{other}" not in listed
    assert 'id="run-filter"' in listed
    assert client.get("/?source=eobs&since=not-a-time").status_code == 200  # an edited link is no bound, no 500
