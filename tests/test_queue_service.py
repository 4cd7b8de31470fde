"""Claiming, leases and every action, with the event each one writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hme_rpa.config import Config
from queue_server.domain.kinds import Kind, Status, Team
from queue_server.exceptions import Conflict, Forbidden, InvalidInput
from queue_server.models import EventType, ItemEvent, Role, User, WorkItem
from queue_server.services import queue

LEASE = dt.timedelta(minutes=20)


def events(session: Session, item_id: int) -> list[EventType]:
    return list(session.scalars(select(ItemEvent.type).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)))


def item(session: Session, item_id: int) -> WorkItem:
    found = session.get(WorkItem, item_id, populate_existing=True)
    assert found is not None
    return found


def test_next_gives_the_most_urgent_item_of_the_users_teams(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int], config: Config) -> None:
    today = config.now().date()
    biller = make_user(teams=[Team.DENIALS])
    make_item(kind=Kind.UNMATCHED_PAYMENT, balance=Decimal("99999.00"))  # cash posting: not this biller's
    low = make_item(balance=Decimal("10.00"), deadline=today + dt.timedelta(days=30))
    urgent = make_item(balance=Decimal("10.00"), deadline=today + dt.timedelta(days=2))
    got = queue.claim_next(session, biller, lease=LEASE)
    assert got is not None and got.id == urgent
    assert got.status is Status.IN_PROGRESS and got.assignee_id == biller.id
    # Asking again returns the item already held, not a second one.
    again = queue.claim_next(session, biller, lease=LEASE)
    assert again is not None and again.id == urgent
    assert events(session, urgent) == [EventType.CREATED, EventType.CLAIMED]
    assert item(session, low).status is Status.OPEN


def test_nothing_waiting_returns_none(session: Session, make_user: Callable[..., User]) -> None:
    assert queue.claim_next(session, make_user(teams=[Team.AR]), lease=LEASE) is None


def test_idle_lease_expires_and_the_item_returns_to_the_pool(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    first, second = make_user(), make_user()
    item_id = make_item()
    t0 = dt.datetime.now(dt.timezone.utc)
    assert queue.claim_next(session, first, lease=LEASE, now=t0).id == item_id  # type: ignore[union-attr]
    assert queue.claim_next(session, second, lease=LEASE, now=t0 + dt.timedelta(minutes=5)) is None
    later = t0 + LEASE + dt.timedelta(seconds=1)
    taken = queue.claim_next(session, second, lease=LEASE, now=later)
    assert taken is not None and taken.id == item_id and taken.assignee_id == second.id
    assert events(session, item_id)[-2:] == [EventType.RELEASED, EventType.CLAIMED]
    # The first biller's lease is gone: acting now is refused.
    with pytest.raises(Conflict):
        queue.resolve(session, item(session, item_id), first, "appealed", now=later)


def test_sweep_returns_lapsed_leases_and_wakes_due_snoozes(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int], config: Config) -> None:
    biller = make_user()
    leased, snoozed = make_item(), make_item()
    now = config.now()
    queue.take(session, item(session, snoozed), biller, lease=LEASE, now=now)
    queue.snooze(session, item(session, snoozed), biller, now.date() + dt.timedelta(days=3), now=now)
    queue.take(session, item(session, leased), biller, lease=LEASE, now=now)
    lapsed, woke = queue.sweep(session, now=now + dt.timedelta(days=3))
    assert (lapsed, woke) == (1, 1)
    assert item(session, leased).status is Status.OPEN and item(session, leased).assignee_id is None
    assert item(session, snoozed).status is Status.OPEN
    assert events(session, snoozed)[-1] is EventType.WOKE


def test_snooze_hides_the_item_until_its_follow_up_date(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int], config: Config) -> None:
    biller = make_user()
    item_id = make_item()
    now = config.now()
    queue.claim_next(session, biller, lease=LEASE, now=now)
    with pytest.raises(InvalidInput, match="after today"):
        queue.snooze(session, item(session, item_id), biller, now.date(), now=now)
    queue.snooze(session, item(session, item_id), biller, now.date() + dt.timedelta(days=2), "fax promised", now=now)
    assert item(session, item_id).status is Status.SNOOZED
    assert queue.claim_next(session, biller, lease=LEASE, now=now + dt.timedelta(days=1)) is None
    back = queue.claim_next(session, biller, lease=LEASE, now=now + dt.timedelta(days=2))
    assert back is not None and back.id == item_id
    assert events(session, item_id) == [EventType.CREATED, EventType.CLAIMED, EventType.SNOOZED,
                                        EventType.WOKE, EventType.CLAIMED]


def test_resolve_records_outcome_and_touch_time(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    biller = make_user()
    item_id = make_item()
    t0 = dt.datetime.now(dt.timezone.utc)
    queue.claim_next(session, biller, lease=LEASE, now=t0)
    with pytest.raises(InvalidInput, match="choose one of"):
        queue.resolve(session, item(session, item_id), biller, "posted_manually", now=t0)
    queue.resolve(session, item(session, item_id), biller, "appealed", "filed redetermination",
                  now=t0 + dt.timedelta(seconds=95))
    done = item(session, item_id)
    assert done.status is Status.RESOLVED and done.outcome == "appealed" and done.touch_seconds == 95
    assert done.resolved_by_id == biller.id and done.assignee_id is None
    last = session.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id.desc())).first()
    assert last is not None and last.type is EventType.RESOLVED and last.actor_id == biller.id
    assert last.data == {"outcome": "appealed", "touch_seconds": 95, "note": "filed redetermination"}
    with pytest.raises(Conflict):
        queue.resolve(session, done, biller, "appealed")


def test_note_escalate_release_reassign_reopen_each_write_their_event(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    biller, other = make_user(), make_user()
    boss = make_user(role=Role.SUPERVISOR, teams=[])
    item_id = make_item()
    queue.claim_next(session, biller, lease=LEASE)
    queue.add_note(session, item(session, item_id), biller, "called payer, ref 123")
    with pytest.raises(InvalidInput):
        queue.add_note(session, item(session, item_id), biller, "   ")
    queue.release(session, item(session, item_id), biller)
    assert item(session, item_id).status is Status.OPEN
    queue.claim_next(session, biller, lease=LEASE)
    with pytest.raises(InvalidInput):
        queue.escalate(session, item(session, item_id), biller, "")
    queue.escalate(session, item(session, item_id), biller, "payer says claim never received twice")
    assert item(session, item_id).status is Status.ESCALATED
    # Escalated items leave the billers' pool...
    assert queue.claim_next(session, other, lease=LEASE) is None
    # ...until a supervisor gives it to someone: then it is theirs first.
    with pytest.raises(Forbidden):
        queue.reassign(session, item(session, item_id), biller, other)
    queue.reassign(session, item(session, item_id), boss, other, "try the other portal")
    assert queue.claim_next(session, biller, lease=LEASE) is None
    got = queue.claim_next(session, other, lease=LEASE)
    assert got is not None and got.id == item_id
    queue.resolve(session, item(session, item_id), other, "overturned_paid")
    with pytest.raises(Forbidden):
        queue.reopen(session, item(session, item_id), "denied again", actor=biller)
    queue.reopen(session, item(session, item_id), "denied again", actor=boss)
    reopened = item(session, item_id)
    assert reopened.status is Status.OPEN and reopened.reopen_count == 1 and reopened.outcome is None
    assert events(session, item_id) == [
        EventType.CREATED, EventType.CLAIMED, EventType.NOTED, EventType.RELEASED, EventType.CLAIMED,
        EventType.ESCALATED, EventType.REASSIGNED, EventType.CLAIMED, EventType.RESOLVED, EventType.REOPENED]


def test_a_biller_cannot_touch_another_teams_item(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    biller = make_user(teams=[Team.DENIALS])
    cash = make_item(kind=Kind.UNMATCHED_PAYMENT)
    with pytest.raises(Forbidden):
        queue.take(session, item(session, cash), biller, lease=LEASE)
    with pytest.raises(Forbidden):
        queue.add_note(session, item(session, cash), biller, "hello")


def test_heartbeat_extends_only_the_holders_lease(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    holder, other = make_user(), make_user()
    item_id = make_item()
    t0 = dt.datetime.now(dt.timezone.utc)
    queue.claim_next(session, holder, lease=LEASE, now=t0)
    until = queue.heartbeat(session, item(session, item_id), holder, lease=LEASE, now=t0 + dt.timedelta(minutes=15))
    assert until == t0 + dt.timedelta(minutes=35)
    assert queue.claim_next(session, other, lease=LEASE, now=t0 + dt.timedelta(minutes=30)) is None
    with pytest.raises(Conflict):
        queue.heartbeat(session, item(session, item_id), other, lease=LEASE)


def test_next_item_leases_in_four_statements_on_postgresql(
        session: Session, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    """The biller's busiest click: their own items (one held, then reserved), the first priority segment, the
    lease (lock and update in one statement on PostgreSQL; read first on SQLite), the claim's event."""
    from sqlalchemy import event

    biller = make_user(teams=[Team.DENIALS])
    today = dt.date.today()
    for n in range(queue.CLAIM_SHORTLIST + 2):  # the at-risk segment alone fills the shortlist
        make_item(deadline=today + dt.timedelta(days=2), balance=Decimal(100 + n))
    statements: list[str] = []
    bind = session.get_bind()
    listener = lambda *args: statements.append(args[2].split()[0])  # noqa: E731
    event.listen(bind, "before_cursor_execute", listener)
    try:
        got = queue.claim_next(session, biller, lease=LEASE)
    finally:
        event.remove(bind, "before_cursor_execute", listener)
    assert got is not None and got.balance == Decimal(100 + queue.CLAIM_SHORTLIST + 1)
    postgres = bind.dialect.name == "postgresql"
    assert statements == (["SELECT", "SELECT", "WITH", "INSERT"] if postgres
                          else ["SELECT", "SELECT", "SELECT", "UPDATE", "INSERT"]), statements
    assert events(session, got.id)[-1] is EventType.CLAIMED
