"""The supplier's business days: a leaf every package may import (configuration, queue, robots).

SLAs count them: Monday to Friday in the supplier's time zone, less the US federal holidays as observed
(5 U.S.C. 6103) unless told otherwise, its state's public holidays when it names its state, and the
supplier's own closed days.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays


@functools.lru_cache(maxsize=256)
def public_holidays(year: int, state: str | None = None) -> frozenset[dt.date]:
    """The weekdays of `year` that are US federal holidays as observed (5 U.S.C. 6103: July 4 on a Saturday is
    kept the Friday; New Year's Day of the next year may be kept on this December 31), and with `state` (a
    two-letter code) also that state's public holidays. From the `holidays` package, which follows changes
    to the law (Juneteenth since 2021) and knows each state's days; it matched our own federal rules on every
    weekday of 2015-2039 before we dropped them."""
    found = holidays.US(subdiv=state, years=(year, year + 1), observed=True)
    return frozenset(d for d in found if d.year == year and d.weekday() < 5)


def us_states() -> frozenset[str]:
    """The two-letter codes `public_holidays` takes."""
    return frozenset(holidays.US.subdivisions)


@dataclass(frozen=True)
class BusinessCalendar:
    """The supplier's working days: Monday to Friday in its time zone, less the days it is closed."""

    tz: ZoneInfo = ZoneInfo("America/New_York")
    federal_holidays: bool = True
    state: str | None = None  # its state's public holidays too (e.g. "MA": Patriots' Day)
    closed: frozenset[dt.date] = field(default_factory=frozenset)  # the supplier's own (the day after Thanksgiving)

    def is_open(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or day in self.closed:
            return False
        return not self.federal_holidays or day not in public_holidays(day.year, self.state)

    def add_days(self, day: dt.date, days: int) -> dt.date:
        """The `days`th working day after `day`."""
        added = 0
        while added < days:
            day += dt.timedelta(days=1)
            added += self.is_open(day)
        return day

    def add(self, start: dt.datetime, days: int) -> dt.datetime:
        """`days` working days after `start` (aware), at the same time of day on the supplier's clock: an
        item that arrives at 9 pm on a Friday in New York (Saturday in UTC) is due on Tuesday at 9 pm."""
        local = start.astimezone(self.tz)
        day = self.add_days(local.date(), days)
        return dt.datetime.combine(day, local.time().replace(tzinfo=None), self.tz)

    def between(self, first: dt.date, last: dt.date) -> int:
        """Working days after `first` up to and including `last` (0 when `last` is not later)."""
        if last <= first:
            return 0
        weeks, extra = divmod((last - first).days, 7)
        count = weeks * 5
        day = first + dt.timedelta(days=weeks * 7)
        for _ in range(extra):
            day += dt.timedelta(days=1)
            count += day.weekday() < 5
        shut = set(self.closed)
        if self.federal_holidays:
            for year in range(first.year, last.year + 2):
                shut |= public_holidays(year, self.state)
        return count - sum(1 for d in shut if first < d <= last and d.weekday() < 5)


