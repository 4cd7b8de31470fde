"""The priority formula: SQL ORDER BY and the Python sort key agree, and it follows the seeds."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any, Callable

import pytest

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from hme_rpa.config import Config
from queue_server.domain import priority
from queue_server.domain.kinds import Kind, Status, Team
from queue_server.models import WorkItem
from queue_server.services import queue


def test_sql_order_equals_python_order(session: Session, make_item: Callable[..., int], config: Config) -> None:
    rng = random.Random(7)
    now = config.now()
    today = now.date()
    for n in range(60):
        deadline = None if rng.random() < 0.25 else today + dt.timedelta(days=rng.randrange(-10, 60))
        created = now - dt.timedelta(days=rng.randrange(0, 10), minutes=rng.randrange(0, 600))
        item_id = make_item(balance=Decimal(rng.choice([50, 100, 100, 2500, 99999])) / 10, deadline=deadline,
                            now=created)
        if rng.random() < 0.3:  # some past their SLA
            row = session.get(WorkItem, item_id)
            assert row is not None
            row.sla_due = now - dt.timedelta(hours=rng.randrange(1, 50))
            session.commit()
    in_sql = session.scalars(select(WorkItem).order_by(*priority.order_by(WorkItem, now))).all()
    in_python = sorted(in_sql, key=lambda i: priority.sort_key(i, now))
    assert [i.id for i in in_sql] == [i.id for i in in_python]
    tiers = [priority.tier(i, now) for i in in_sql]
    assert tiers == sorted(tiers) and set(tiers) == {0, 1, 2}


def test_deadline_first_then_higher_balance(session: Session, make_item: Callable[..., int], config: Config) -> None:
    now = config.now()
    today = now.date()
    small_soon = make_item(balance=Decimal("10.00"), deadline=today + dt.timedelta(days=3))
    big_soon = make_item(balance=Decimal("900.00"), deadline=today + dt.timedelta(days=3))
    sooner = make_item(balance=Decimal("5.00"), deadline=today + dt.timedelta(days=1))
    far_big = make_item(balance=Decimal("99999.00"), deadline=today + dt.timedelta(days=200))
    order = session.scalars(select(WorkItem.id).order_by(*priority.order_by(WorkItem, now))).all()
    assert order == [sooner, big_soon, small_soon, far_big]


def test_past_sla_rises_above_on_time_work(session: Session, make_item: Callable[..., int], config: Config) -> None:
    now = config.now()
    on_time = make_item(balance=Decimal("5000.00"), deadline=now.date() + dt.timedelta(days=90))
    late = make_item(balance=Decimal("20.00"), deadline=now.date() + dt.timedelta(days=100))
    row = session.get(WorkItem, late)
    assert row is not None
    row.sla_due = now - dt.timedelta(hours=1)
    session.commit()
    order = session.scalars(select(WorkItem.id).order_by(*priority.order_by(WorkItem, now))).all()
    assert order == [late, on_time]
    lines = priority.explain(row, now)
    assert any("Past its SLA" in line for line in lines)


def _random_queue(session: Session, make_item: Callable[..., int], make_user: Callable[..., Any], now: dt.datetime,
                  seed: int) -> list[Any]:
    """Items in every tier, team and state a claim must see through; returns three billers."""
    rng = random.Random(seed)
    today = now.date()
    billers = [make_user(teams=[Team.DENIALS, Team.AR]), make_user(teams=[Team.DOCUMENTATION]),
               make_user(teams=[Team.AR])]
    kinds = [Kind.DENIAL, Kind.CLAIM_NOT_ON_FILE, Kind.CMN_INVALID, Kind.UNMATCHED_PAYMENT]
    for _ in range(120):
        deadline = None if rng.random() < 0.25 else today + dt.timedelta(days=rng.randrange(-10, 40))
        item_id = make_item(kind=rng.choice(kinds), balance=Decimal(rng.choice([50, 100, 100, 2500])) / 10,
                            deadline=deadline, now=now - dt.timedelta(days=rng.randrange(0, 10)))
        row = session.get(WorkItem, item_id)
        assert row is not None
        row.deadline = deadline  # none means none here, not "compute one"
        if rng.random() < 0.4:
            row.sla_due = now + dt.timedelta(hours=rng.choice([-30, -1, 1, 30]))
        state = rng.random()
        if state < 0.1:
            row.status, row.snoozed_until = Status.SNOOZED, today + dt.timedelta(days=rng.choice([-1, 0, 3]))
        elif state < 0.2:
            row.status, row.assignee_id = Status.IN_PROGRESS, billers[2].id
            row.lease_expires_at = now + dt.timedelta(minutes=rng.choice([-5, 5]))
        elif state < 0.27:
            row.assignee_id = rng.choice(billers).id  # reserved by a supervisor
        elif state < 0.32:
            row.status = rng.choice([Status.RESOLVED, Status.ESCALATED])
        session.commit()
    return billers


def test_segments_read_in_index_order_give_the_priority_order(
        session: Session, make_item: Callable[..., int], make_user: Callable[..., Any], config: Config) -> None:
    now = config.now()
    _random_queue(session, make_item, make_user, now, seed=11)
    full = session.scalars(select(WorkItem.id).order_by(*priority.order_by(WorkItem, now))).all()
    pieces = [session.scalars(select(WorkItem.id).where(segment).order_by(*priority.within_segment(WorkItem))).all()
              for segment in priority.segments(WorkItem, now)]
    assert [i for piece in pieces for i in piece] == list(full)
    assert all(pieces), "the random queue should fill every segment"


@pytest.mark.parametrize("seed", [3, 5])
def test_next_item_shortlist_equals_the_full_sort(
        session: Session, make_item: Callable[..., int], make_user: Callable[..., Any], config: Config,
        seed: int) -> None:
    """`most_urgent` reads per segment and team; it must name exactly what sorting every item would."""
    now = config.now()
    for user in _random_queue(session, make_item, make_user, now, seed=seed):
        reserved_first = case((and_(WorkItem.assignee_id == user.id, WorkItem.status == Status.OPEN), 0), else_=1)
        every = session.scalars(select(WorkItem.id).where(queue.claimable(now), queue.eligible_for(user))
                                .order_by(reserved_first, *priority.order_by(WorkItem, now))).all()
        for limit in (1, 5, len(every) + 5):
            assert queue.most_urgent(session, user, now, limit) == list(every[:limit]), (user.teams, limit)
