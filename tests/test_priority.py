"""The priority formula: SQL ORDER BY and the Python sort key agree, and it follows the seeds."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from hme_rpa.config import Config
from queue_server.domain import priority
from queue_server.models import WorkItem


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
