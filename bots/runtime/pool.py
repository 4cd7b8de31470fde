"""One portal's sessions shared by a run's workers, lent out one step at a time.

A remittance is one unit of work, but its claims are posted one by one into
the billing system. Lent from a pool of billing sessions, a unit's claims go
out on as many sessions as are idle: at the end of a night the last long
remittance is posted by all of them, not by one while the others sit idle. And
a claim check needs its payer's portal for one question: the run's workers
share the fewer sessions a payer allows. A pool holds at most its portal's
session limit.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Generic, Iterable, TypeVar

S = TypeVar("S")


class SessionPool(Generic[S]):
    def __init__(self, sessions: Iterable[S]) -> None:
        # Last in, first out: the session used last is the one most likely still logged in, so a quiet
        # stretch does not make every session log in again.
        self._idle: asyncio.LifoQueue[S] = asyncio.LifoQueue()
        self.sessions = list(sessions)
        for session in self.sessions:
            self._idle.put_nowait(session)
        if not self.sessions:
            raise ValueError("a session pool needs at least one session")

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[S]:
        """An idle session for one step; waiters are served in the order they asked."""
        session = await self._idle.get()
        try:
            yield session
        finally:
            self._idle.put_nowait(session)
