"""The billers' and supervisors' pages through the Flask test client."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import csrf_from, login, make_config, post_form
import samples
from hme_rpa.config import Config
from queue_server import create_app, db
from queue_server.domain.kinds import Kind, Status, Team
from queue_server.logging_setup import RedactQueryStrings
from queue_server.models import AuditEntry, EventType, ItemEvent, Role, User, WorkItem
from queue_server.services import attachments, queue


def audits(session: Session, action: str, item_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    if item_id is not None:
        stmt = stmt.where(AuditEntry.item_id == item_id)
    return session.scalar(stmt) or 0


def fresh(session: Session, item_id: int) -> WorkItem:
    found = session.get(WorkItem, item_id, populate_existing=True)
    assert found is not None
    return found


# --- log in ---------------------------------------------------------------------

def test_pages_need_a_login(client: FlaskClient) -> None:
    resp = client.get("/items/1")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/supervisor/").status_code == 302


def test_login_wrong_password_then_lockout(client: FlaskClient, make_user: Callable[..., User],
                                           config: Config) -> None:
    make_user("bea")
    assert login(client, "bea", "wrong password!").status_code == 401
    for _ in range(config.login_max_failures - 1):
        login(client, "bea", "wrong password!")
    locked = login(client, "bea")  # the right password no longer helps inside the window
    assert locked.status_code == 429 and "Too many failed attempts" in locked.get_data(as_text=True)


def test_login_redirects_only_inside_the_site(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("bea")
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    resp = client.post("/login", data={"username": "bea", "password": "correct-horse-battery",
                                       "csrf_token": token, "next": "//evil.example/x"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_session_cookie_is_secure_httponly_samesite(database_url: str, tmp_path: Path,
                                                     make_user: Callable[..., User]) -> None:
    app = create_app(make_config(database_url, tmp_path / "secure", cookie_secure=True))
    try:
        make_user("bea")
        resp = login(app.test_client(), "bea")
        cookie = resp.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        db.dispose()


def test_forms_without_csrf_token_are_refused(client: FlaskClient, make_user: Callable[..., User],
                                              make_item: Callable[..., int], session: Session) -> None:
    make_user("bea")
    item_id = make_item()
    login(client, "bea")
    assert client.post("/next").status_code == 400
    assert client.post(f"/items/{item_id}/note", data={"note": "x", "csrf_token": "forged"}).status_code == 400
    assert fresh(session, item_id).status is Status.OPEN
    assert client.post("/login", data={"username": "bea", "password": "x"}).status_code == 400


# --- billers --------------------------------------------------------------------

def test_next_item_leases_and_shows_everything_needed(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config) -> None:
    biller = make_user("bea", teams=[Team.DOCUMENTATION])
    item_id = make_item(kind=Kind.CMN_INVALID, summary="CMS-484 on hold", reason_codes=["CO-16", "MA130"], payload={
        "findings": ["Signature missing on page 1"],
        "extracted": {"document_type": "cmn", "patient": {"mbi": "6MT4HA8AE51"}, "physician": {"npi": "1005830457"},
                      "problems": ["MISSING_SIGNATURE"], "review": ["physician.npi"]},
        "confidence": {"patient.mbi": 0.97, "physician.npi": 0.64}})
    attachments.store(session, config.attachment_dir, fresh(session, item_id), io.BytesIO(samples.text_pdf(["fax"])),
                      filename="cmn.pdf", label="fax", max_bytes=10**6, actor_label="bot:test")
    login(client, "bea")
    resp = post_form(client, "/next")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/items/{item_id}")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    for expected in ("Signature missing on page 1", "MISSING_SIGNATURE", "physician.npi", "64%", "97%",
                     "6MT4HA8AE51", "Why this is", "KOWALSKI, BARBARA", "1 page", "created", "claimed",
                     "Corrected document received, hold released",
                     "CO-16 (lacks information or billing error; unprocessable)"):
        assert expected in page, expected
    assert fresh(session, item_id).assignee_id == biller.id
    assert audits(session, "view", item_id) == 1
    att = fresh(session, item_id).attachments[0]
    shown = client.get(f"/items/{item_id}/attachments/{att.id}")
    assert shown.status_code == 200 and shown.mimetype == "application/pdf" and shown.data.startswith(b"%PDF")
    assert audits(session, "view_attachment", item_id) == 1
    drawn = client.get(f"/items/{item_id}/attachments/{att.id}/pages/1.png")
    assert drawn.status_code == 200 and drawn.data.startswith(b"\x89PNG")
    assert client.get(f"/items/{item_id}/attachments/{att.id}/pages/2.png").status_code == 404
    assert audits(session, "view_attachment", item_id) == 2


def test_biller_snoozes_one_and_resolves_one(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config) -> None:
    biller = make_user("bea")
    first, second = make_item(balance=Decimal("500.00")), make_item(balance=Decimal("50.00"))
    login(client, "bea")
    post_form(client, "/next")
    until = (config.now().date() + dt.timedelta(days=3)).isoformat()
    bad = post_form(client, f"/items/{first}/snooze", {"until": "tomorrow-ish"}, follow_redirects=True)
    assert "Pick a follow-up date" in bad.get_data(as_text=True)
    post_form(client, f"/items/{first}/snooze", {"until": until, "note": "waiting on fax"})
    assert fresh(session, first).status is Status.SNOOZED
    assert fresh(session, first).snoozed_until.isoformat() == until  # type: ignore[union-attr]
    assert post_form(client, "/next").headers["Location"].endswith(f"/items/{second}")
    wrong = post_form(client, f"/items/{second}/resolve", {"outcome": "posted_manually"}, follow_redirects=True)
    assert "does not apply" in wrong.get_data(as_text=True)
    post_form(client, f"/items/{second}/resolve", {"outcome": "appealed", "note": "redetermination filed"})
    done = fresh(session, second)
    assert done.status is Status.RESOLVED and done.resolved_by_id == biller.id
    empty = post_form(client, "/next", follow_redirects=True)
    assert "Nothing is waiting" in empty.get_data(as_text=True)


def test_the_follow_up_date_offered_skips_the_days_the_supplier_is_closed(
        database_url: str, tmp_path: Path, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    today = dt.datetime.now(make_config(database_url, tmp_path).tz).date()
    shut = ",".join((today + dt.timedelta(days=n)).isoformat() for n in range(1, 15))
    app = create_app(make_config(database_url, tmp_path / "closed", closed_days=shut, doc_follow_up_days=2))
    try:
        client = app.test_client()
        make_user("bea")
        item_id = make_item()
        login(client, "bea")
        assert post_form(client, "/next").headers["Location"].endswith(f"/items/{item_id}")
        page = client.get(f"/items/{item_id}").get_data(as_text=True)
        offered = dt.date.fromisoformat(page.split('id="until"')[1].split('value="')[1].split('"')[0])
        # Two working days (HME_DOC_FOLLOW_UP_DAYS) after the two closed weeks.
        assert offered > today + dt.timedelta(days=14) and offered.weekday() < 5
        assert offered == app.config["HME"].business_calendar.add_days(today + dt.timedelta(days=14), 2)
    finally:
        db.dispose()


def test_note_escalate_take_release_and_heartbeat_from_the_page(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    make_user("bea")
    item_id = make_item()
    login(client, "bea")
    post_form(client, f"/items/{item_id}/take")
    assert fresh(session, item_id).status is Status.IN_PROGRESS
    token = csrf_from(client.get("/").get_data(as_text=True))
    beat = client.post(f"/items/{item_id}/heartbeat", headers={"X-CSRFToken": token})
    assert beat.status_code == 200 and "lease_expires_at" in beat.json
    post_form(client, f"/items/{item_id}/note", {"note": "called the payer"})
    post_form(client, f"/items/{item_id}/release")
    assert fresh(session, item_id).status is Status.OPEN
    post_form(client, f"/items/{item_id}/take")
    post_form(client, f"/items/{item_id}/escalate", {"note": "needs a supervisor"})
    assert fresh(session, item_id).status is Status.ESCALATED
    kinds = session.scalars(select(ItemEvent.type).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)).all()
    assert kinds == [EventType.CREATED, EventType.CLAIMED, EventType.NOTED, EventType.RELEASED, EventType.CLAIMED,
                     EventType.ESCALATED]


def test_a_biller_cannot_open_another_teams_item_or_supervisor_pages(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    make_user("bea", teams=[Team.DENIALS])
    cash = make_item(kind=Kind.UNMATCHED_PAYMENT)
    login(client, "bea")
    assert client.get(f"/items/{cash}").status_code == 403
    assert audits(session, "denied", cash) == 1 and audits(session, "view", cash) == 0
    assert post_form(client, f"/items/{cash}/take").status_code == 403
    assert fresh(session, cash).status is Status.OPEN
    for url in ("/supervisor/", "/supervisor/people", "/supervisor/productivity.csv", "/supervisor/at-risk.csv"):
        assert client.get(url).status_code == 403, url
    assert post_form(client, f"/items/{cash}/reassign", {"user_id": "1"}).status_code == 403
    listing = client.get("/?status=all").get_data(as_text=True)
    assert f"#{cash}<" not in listing


def test_search_filters_and_pagination(database_url: str, tmp_path: Path, make_user: Callable[..., User],
                                       make_item: Callable[..., int]) -> None:
    app = create_app(make_config(database_url, tmp_path / "paged", page_size=5))
    try:
        client = app.test_client()
        make_user("sam", role=Role.SUPERVISOR, teams=[])
        ids = [make_item(claim_number=f"CLM{n:03d}", account_number=f"ACC{n:03d}",
                         patient_name="NGUYEN, JAMES" if n == 7 else "ROSSI, MARCO",
                         payer="BLUE RIVER HEALTH PLAN" if n % 2 else "NORTHERN PLAINS DME MAC") for n in range(12)]
        make_item(kind=Kind.UNMATCHED_PAYMENT, claim_number="CASH1", payer="Blue River Health Plan")
        login(client, "sam")
        first = client.get("/").get_data(as_text=True)
        assert "13 items" in first and "Page 1 of 3" in first
        third = client.get("/?page=3").get_data(as_text=True)
        assert "Page 3 of 3" in third and third.count("<tr>") == 1 + 3
        # An exact claim number or account opens its item; a name lists (first name first, too).
        opened = client.get("/?q=CLM007")
        assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/items/{ids[7]}")
        assert client.get("/?q=ACC003").headers["Location"].endswith(f"/items/{ids[3]}")
        assert "CLM007" in client.get("/?q=CLM007&list=1").get_data(as_text=True)
        by_name = client.get("/?q=nguyen").get_data(as_text=True)
        assert "1 item," in by_name and "CLM007" in by_name
        first_name_first = client.get("/?q=JAMES NGUYEN").get_data(as_text=True)
        assert "1 item," in first_name_first and "CLM007" in first_name_first
        assert "0 items" in client.get("/?q=100%25").get_data(as_text=True)  # % is literal, not a wildcard
        # One payer however a robot cased it: one entry in the filter, all its items under it.
        assert "7 items" in client.get("/?payer=BLUE RIVER HEALTH PLAN").get_data(as_text=True)
        assert "Blue River Health Plan" not in client.get("/").get_data(as_text=True)
        assert "1 item," in client.get("/?kind=unmatched_payment").get_data(as_text=True)
        assert "1 item," in client.get("/?team=cash_posting").get_data(as_text=True)
        assert "0 items" in client.get("/?status=resolved").get_data(as_text=True)
    finally:
        db.dispose()


# --- supervisors ------------------------------------------------------------------

def test_supervisor_sees_a_persons_numbers_and_exports_csv(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config) -> None:
    bea = make_user("bea", display_name="Bea Lindqvist")
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    # A fixed hour of a past day: worked "now", the last resolution could fall after midnight and out of the day.
    day = config.now().date() - dt.timedelta(days=1)
    now = dt.datetime.combine(day, dt.time(10), config.tz)
    for seconds, balance in ((60, "100.00"), (120, "250.50"), (600, "49.50")):
        item_id = make_item(balance=Decimal(balance), now=now)
        queue.take(session, fresh(session, item_id), bea, lease=dt.timedelta(minutes=20), now=now)
        queue.resolve(session, fresh(session, item_id), bea, "appealed", now=now + dt.timedelta(seconds=seconds))
    login(client, "sam")
    page = client.get(f"/supervisor/?date={day}").get_data(as_text=True)
    assert "Bea Lindqvist" in page and "$400.00" in page and "2m 00s" in page  # median of 60, 120, 600
    assert "chart.umd.min.js" in page and 'id="chart-data"' in page
    export = client.get(f"/supervisor/productivity.csv?date={day}")
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    person = next(r for r in rows if r["level"] == "person" and r["who"] == "bea")
    assert person["resolved"] == "3" and person["dollars_resolved"] == "400.00"
    assert person["median_touch_seconds"] == "120" and person["p90_touch_seconds"] == "600"
    assert person["sla_met"] == "3" and person["reopened"] == "0"
    weekly = client.get(f"/supervisor/?period=week&date={day}").get_data(as_text=True)
    assert "week of" in weekly and "Bea Lindqvist" in weekly
    mine = client.get(f"/supervisor/people/{bea.id}?date={day}").get_data(as_text=True)
    assert '<dd id="kpi-resolved">3</dd>' in mine


def test_supervisor_reassigns_reopens_and_sets_teams(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    bea = make_user("bea", teams=[Team.DENIALS])
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    item_id = make_item()
    login(client, "sam")
    post_form(client, f"/items/{item_id}/reassign", {"user_id": str(bea.id), "note": "yours"})
    assert fresh(session, item_id).assignee_id == bea.id
    # The item says whose it is now, not only "open".
    assert f"reserved for {bea.display_name}" in client.get(f"/items/{item_id}").get_data(as_text=True)
    assert f"reserved for {bea.display_name}" in client.get("/").get_data(as_text=True)
    post_form(client, f"/items/{item_id}/take")
    post_form(client, f"/items/{item_id}/resolve", {"outcome": "written_off"})
    assert fresh(session, item_id).status is Status.RESOLVED
    post_form(client, f"/items/{item_id}/reopen", {"note": "should have been appealed"})
    assert fresh(session, item_id).status is Status.OPEN and fresh(session, item_id).reopen_count == 1
    trail = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "Who looked (audit log)" in trail and "reassign" in trail
    post_form(client, f"/supervisor/people/{bea.id}/teams", {"teams": ["ar", "cash_posting"]})
    session.expire_all()
    assert session.get(User, bea.id).teams == [Team.AR, Team.CASH_POSTING]  # type: ignore[union-attr]
    bad = post_form(client, f"/supervisor/people/{bea.id}/teams", {"teams": ["marketing"]}, follow_redirects=True)
    assert "Unknown team" in bad.get_data(as_text=True)
    assert audits(session, "set_teams") == 1


def test_a_supervisor_adds_deactivates_and_resets_people_on_the_page(
        app: Any, make_user: Callable[..., User], session: Session) -> None:
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    sam, newcomer = app.test_client(), app.test_client()
    login(sam, "sam")
    assert "Add a person" in sam.get("/supervisor/people").get_data(as_text=True)
    post_form(sam, "/supervisor/people", {"username": "nia", "display_name": "Nia Brooks", "role": "biller",
                                          "password": "first-password-1", "teams": ["denials", "ar"]})
    nia = session.scalar(select(User).where(User.username == "nia"))
    assert nia is not None and nia.teams == [Team.AR, Team.DENIALS] and nia.display_name == "Nia Brooks"
    assert login(newcomer, "nia", "first-password-1").status_code == 302 and newcomer.get("/").status_code == 200
    # Deactivated: the open session ends at once, and the password no longer logs in.
    post_form(sam, f"/supervisor/people/{nia.id}/active", {"active": "0"})
    assert newcomer.get("/").status_code == 302
    assert "/login" in login(newcomer, "nia", "first-password-1").headers.get("Location", "/login")
    post_form(sam, f"/supervisor/people/{nia.id}/active", {"active": "1"})
    post_form(sam, f"/supervisor/people/{nia.id}/password", {"password": "second-password-2"})
    assert login(newcomer, "nia", "second-password-2").status_code == 302 and newcomer.get("/").status_code == 200
    # What a supervisor may not do here: add an administrator, use a short password, change themselves.
    refused = post_form(sam, "/supervisor/people", {"username": "root2", "role": "admin", "password": "x" * 14},
                        follow_redirects=True)
    assert "Only an administrator" in refused.get_data(as_text=True)
    assert session.scalar(select(User).where(User.username == "root2")) is None
    short = post_form(sam, "/supervisor/people", {"username": "kim", "password": "short"}, follow_redirects=True)
    assert "at least 12 characters" in short.get_data(as_text=True)
    me = session.scalar(select(User).where(User.username == "sam"))
    assert "your own account" in post_form(sam, f"/supervisor/people/{me.id}/active", {"active": "0"},  # type: ignore[union-attr]
                                           follow_redirects=True).get_data(as_text=True)
    assert {"user_added", "user_deactivated", "user_activated", "password_reset"} <= set(
        session.scalars(select(AuditEntry.action)).all())
    # A biller has no such page.
    biller = app.test_client()
    login(biller, "nia", "second-password-2")
    assert post_form(biller, "/supervisor/people", {"username": "eve", "password": "x" * 14}).status_code == 403


# --- patient data stays out of the logs --------------------------------------------------

def test_no_patient_data_in_application_logs(client: FlaskClient, make_user: Callable[..., User],
                                             make_item: Callable[..., int], caplog: pytest.LogCaptureFixture) -> None:
    make_user("bea")
    make_item(patient_name="ZBIGNIEW, QUIXOTE", account_number="ACCT-SECRET-1")
    caplog.set_level(logging.DEBUG)
    login(client, "bea")
    client.get("/?q=zbigniew")
    post_form(client, "/next")
    client.get("/?q=ACCT-SECRET-1")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "ZBIGNIEW" not in text.upper() and "ACCT-SECRET" not in text


def test_access_log_filter_cuts_query_strings() -> None:
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", "GET /?q=NGUYEN%2C+JAMES&team=ar HTTP/1.1", "200"), None)
    RedactQueryStrings().filter(record)
    assert "NGUYEN" not in record.getMessage() and "/?[redacted]" in record.getMessage()


def test_supervisor_sees_what_the_robots_finished_without_a_person(
        client: FlaskClient, make_user: Callable[..., User], session: Session, config: Config) -> None:
    from queue_server.models import RobotRun, RunStatus

    make_user("sam", role=Role.SUPERVISOR, teams=[])
    day = config.now().date() - dt.timedelta(days=1)  # a fixed hour: one minute past "now" may be tomorrow
    now = dt.datetime.combine(day, dt.time(10), config.tz)
    session.add_all([
        RobotRun(robot="eobs", night=now.date(), runner="r1", status=RunStatus.FINISHED, started_at=now,
                 heartbeat_at=now, units_done=30, units_exception=9, units_failed=1, exceptions_filed=12,
                 totals={"dollars_posted": "3754.26"}),
        RobotRun(robot="eobs", night=now.date(), runner="r2", status=RunStatus.FAILED, error="medicare: portal down",
                 started_at=now + dt.timedelta(minutes=1), heartbeat_at=now, units_done=10, units_exception=0,
                 units_failed=0, exceptions_filed=1, totals={}),
    ])
    session.commit()
    login(client, "sam")
    page = client.get(f"/supervisor/?date={day}").get_data(as_text=True)
    robots = page[page.index('id="robots"'):]
    robots = robots[:robots.index("</section>")]
    # 40 done of 50 units over the day's two runs: 80% straight through; the last run failed and says why.
    assert "<td>eobs</td>" in robots and ">50<" in robots and ">40<" in robots and "80%" in robots
    assert "failed" in robots and "medicare: portal down" in robots


def test_supervisor_sees_the_items_past_their_payer_deadline(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config) -> None:
    """Issue 31: open items whose window had closed (one by 134 days) appeared nowhere as such."""
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    today = config.now().date()
    late = make_item(deadline=today - dt.timedelta(days=134), balance=Decimal("3094.80"))
    make_item(deadline=today + dt.timedelta(days=30))
    login(client, "sam")
    page = client.get("/supervisor/").get_data(as_text=True)
    section = page[page.index('id="past-deadline"'):]
    section = section[:section.index("</section>")]
    assert "1 item, $3,094.80" in section and f"#{late}" in section and ">134<" in section


def test_an_escalation_says_who_escalated_it_and_why(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    bea = make_user("bea", display_name="Bea Lindqvist")
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    item_id = make_item()
    queue.take(session, fresh(session, item_id), bea, lease=dt.timedelta(minutes=20))
    queue.escalate(session, fresh(session, item_id), bea, "Payer says the appeal needs a supervisor's signature")
    login(client, "sam")
    page = client.get("/supervisor/").get_data(as_text=True)
    listed = page[page.index('id="escalated"'):]
    assert f"#{item_id}" in listed and "by Bea Lindqvist" in listed
    assert "appeal needs a supervisor&#39;s signature" in listed or "appeal needs a supervisor's signature" in listed


def test_an_item_links_to_the_payers_portal_page_the_robot_asked_and_to_nothing_else(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    make_user("bea", teams=[Team.DENIALS])
    linked = make_item(kind=Kind.DENIAL, payload={"links": {"payer_portal": "https://portal.example/claim-status"}})
    forged = make_item(kind=Kind.DENIAL, payload={"links": {"payer_portal": "javascript:alert(1)"}})
    login(client, "bea")
    page = client.get(f"/items/{linked}").get_data(as_text=True)
    assert 'href="https://portal.example/claim-status"' in page and "look the claim up at the payer" in page
    assert "payer_portal" not in page  # laid out as a link, not listed among the other facts
    page = client.get(f"/items/{forged}").get_data(as_text=True)
    assert "javascript:" not in page and "look the claim up at the payer" not in page


def test_messages_waiting_for_a_page_are_the_newest_few(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    # Resolving from redirect to redirect without opening a page (keyboard work, a script) must not grow the
    # session cookie with every action.
    make_user("bea", teams=[Team.DENIALS])
    ids = [make_item(kind=Kind.DENIAL) for _ in range(6)]
    login(client, "bea")
    token = csrf_from(client.get("/").get_data(as_text=True))
    for _ in ids:
        location = client.post("/next", data={"csrf_token": token}).headers["Location"]
        resolved = client.post(f"{location}/resolve", data={"csrf_token": token, "outcome": "appeal_filed"})
        assert resolved.status_code == 302
    with client.session_transaction() as kept:
        assert len(kept.get("_flashes", [])) == 3
    page = client.get("/").get_data(as_text=True)
    assert page.count('class="flash') == 3


def test_the_days_list_sets_follow_ups_due_back_and_missed_deadlines_apart(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config) -> None:
    make_user("bea", teams=[Team.DOCUMENTATION])
    today = config.now().date()
    due = make_item(kind=Kind.CMN_INVALID, claim_number="DUE1")
    later = make_item(kind=Kind.CMN_INVALID, claim_number="LATER1")
    missed = make_item(kind=Kind.CMN_INVALID, claim_number="MISSED1")
    for item_id, status, until in ((due, Status.SNOOZED, today), (later, Status.SNOOZED, today + dt.timedelta(days=3))):
        item = fresh(session, item_id)
        item.status, item.snoozed_until = status, until
    fresh(session, missed).deadline = today - dt.timedelta(days=2)
    session.commit()
    login(client, "bea")
    page = client.get("/").get_data(as_text=True)
    assert "1 follow-up due back today" in page and "1 past the payer's deadline" in page
    listed = client.get("/?status=due_back").get_data(as_text=True)
    assert "DUE1" in listed and "LATER1" not in listed and "MISSED1" not in listed
    listed = client.get("/?status=past_deadline").get_data(as_text=True)
    assert "MISSED1" in listed and "DUE1" not in listed


def test_a_supervisor_reserves_several_items_for_one_person_at_once(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    make_user("sam", role=Role.SUPERVISOR, teams=list(Team))
    cal = make_user("cal", teams=[Team.DENIALS], display_name="Cal Brooks")
    first, second, done = (make_item(kind=Kind.DENIAL) for _ in range(3))
    fresh(session, done).status = Status.RESOLVED
    session.commit()
    login(client, "sam")
    page = client.get("/?status=all").get_data(as_text=True)
    assert 'id="bulk-form"' in page and 'value="%d" form="bulk-form"' % first in page
    resp = post_form(client, "/reassign", {"user_id": str(cal.id), "item": [str(first), str(second), str(done)],
                                           "note": "Cal knows this payer", "back": "/?status=all"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/?status=all")
    session.expire_all()
    assert [fresh(session, i).assignee_id for i in (first, second)] == [cal.id, cal.id]
    assert fresh(session, done).assignee_id is None  # resolved: not given, and said so
    message = client.get("/").get_data(as_text=True)
    assert "2 items reserved for Cal Brooks" in message and f"#{done}" in message
    assert session.scalar(select(func.count()).select_from(ItemEvent).where(
        ItemEvent.type == EventType.REASSIGNED)) == 2
    # Billers have no such form, and the route refuses them.
    biller = client.application.test_client()
    login(biller, "cal")
    assert 'id="bulk-form"' not in biller.get("/").get_data(as_text=True)
    assert post_form(biller, "/reassign", {"user_id": str(cal.id), "item": [str(first)]}).status_code == 403
