"""One portal's sessions shared by a run's workers, lent out one step at a time.

A remittance is one unit of work, but its claims are posted one by one into
the billing system. Lent from a pool holding every worker's billing session, a
unit's claims go out on as many sessions as are idle: at the end of a night the
last long remittance is posted by all the contexts, not by one while the others
sit idle. The pool never holds more sessions than the run has workers, so the
portal's session limit holds as before.
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
        self.size = 0
        for session in sessions:
            self._idle.put_nowait(session)
            self.size += 1
        if not self.size:
            raise ValueError("a session pool needs at least one session")

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[S]:
        """An idle session for one step; waiters are served in the order they asked."""
        session = await self._idle.get()
        try:
            yield session
        finally:
            self._idle.put_nowait(session)
