"""Many billers pressing "Next item" at once on PostgreSQL: each item to exactly one person."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from typing import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.db import make_engine
from queue_server.models import EventType, ItemEvent, User

pytestmark = pytest.mark.postgres

THREADS = 16
ITEMS = 120


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_next_item_never_gives_one_item_to_two_people(
        database_url: str, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    from queue_server.services import queue

    users = [make_user() for _ in range(THREADS)]
    for _ in range(ITEMS):
        make_item()
    engine = make_engine(database_url)
    barrier = threading.Barrier(THREADS)
    claimed: dict[int, list[int]] = {u.id: [] for u in users}
    errors: list[BaseException] = []

    def work(user: User) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                me = session.get(User, user.id)
                assert me is not None
                barrier.wait()
                while True:
                    got = queue.claim_next(session, me, lease=dt.timedelta(minutes=20))
                    if got is None:
                        return
                    claimed[me.id].append(got.id)
                    # Resolve at once so the next press takes a new item.
                    queue.resolve(session, got, me, "no_action_needed")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engine.dispose()
    assert not errors, errors
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == ITEMS, "every item handed out"
    assert len(set(every)) == ITEMS, [i for i, n in Counter(every).items() if n > 1]
    assert sum(1 for ids in claimed.values() if ids) > 1, "the work was actually shared"
    engine2 = make_engine(database_url)
    with Session(engine2) as session:
        claims = session.execute(select(ItemEvent.item_id, func.count()).where(ItemEvent.type == EventType.CLAIMED)
                                 .group_by(ItemEvent.item_id)).all()
    engine2.dispose()
    assert all(n == 1 for _i, n in claims) and len(claims) == ITEMS
