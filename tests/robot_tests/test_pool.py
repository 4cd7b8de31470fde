"""Sessions lent step by step: a remittance's claims go out on every idle billing session, never one twice."""

from __future__ import annotations

import asyncio

import pytest

from bots.robots.base import Worker
from bots.robots.eob_posting import _together
from bots.runtime.pool import SessionPool


def test_a_session_is_lent_to_one_step_at_a_time_and_steps_use_every_idle_one() -> None:
    async def scenario() -> tuple[int, set[str], list[str]]:
        pool: SessionPool[str] = SessionPool(["a", "b", "c"])
        holding: set[str] = set()
        used: set[str] = set()
        most = 0

        async def step() -> None:
            nonlocal most
            async with pool.borrow() as session:
                assert session not in holding, f"{session} lent twice at once"
                holding.add(session)
                used.add(session)
                most = max(most, len(holding))
                await asyncio.sleep(0.01)
                holding.remove(session)

        await asyncio.gather(*(step() for _ in range(12)))
        # All returned: three borrowers at once get all three.
        async with pool.borrow() as one, pool.borrow() as two, pool.borrow() as three:
            after = [one, two, three]
        return most, used, after

    most, used, after = asyncio.run(scenario())
    assert most == 3
    assert used == {"a", "b", "c"}
    assert sorted(after) == ["a", "b", "c"]


def test_the_session_used_last_is_lent_first() -> None:
    async def scenario() -> list[str]:
        pool: SessionPool[str] = SessionPool(["a", "b"])
        async with pool.borrow() as first:
            pass
        async with pool.borrow() as again:
            pass
        return [first, again]

    first, again = asyncio.run(scenario())
    assert first == again  # still logged in: a quiet pool does not cycle through every session


def test_a_worker_borrows_from_its_pool_or_uses_its_own_session() -> None:
    own_billing, own_medicare, shared = object(), object(), object()

    async def scenario() -> tuple[object, object]:
        worker = Worker(sessions={"billing": own_billing, "medicare": own_medicare})  # type: ignore[dict-item]
        worker.pools = {"billing": SessionPool([shared])}  # type: ignore[list-item]
        async with worker.borrow("billing") as pooled, worker.borrow("medicare") as unpooled:
            return pooled, unpooled

    pooled, unpooled = asyncio.run(scenario())
    assert pooled is shared and unpooled is own_medicare


def test_an_empty_pool_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one session"):
        SessionPool([])


def test_steps_together_stop_at_the_first_failure_and_raise_it_as_itself() -> None:
    finished: list[str] = []

    async def slow() -> None:
        await asyncio.sleep(5)
        finished.append("slow")

    async def failing() -> None:
        await asyncio.sleep(0.01)
        raise LookupError("claim not found")

    async def scenario() -> None:
        await _together([slow(), failing(), slow()])

    with pytest.raises(LookupError, match="claim not found"):
        asyncio.run(scenario())
    assert finished == []  # the slow steps were cancelled, not left running
