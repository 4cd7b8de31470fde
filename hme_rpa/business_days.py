"""The supplier's business days: a leaf every package may import (configuration, queue, robots).

SLAs count them: Monday to Friday in the supplier's time zone, less the US federal holidays as observed
(5 U.S.C. 6103) unless told otherwise, and the supplier's own closed days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The `n`th `weekday` (0 = Monday) of a month; n = -1 is the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    """A fixed-date holiday on a Saturday is kept the Friday before; on a Sunday, the Monday after."""
    return day + dt.timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


@functools.lru_cache(maxsize=64)
def us_federal_holidays(year: int) -> frozenset[dt.date]:
    """The federal holidays of `year` as observed (5 U.S.C. 6103). New Year's Day of the next year may be
    kept on this year's December 31, so that day is in `year + 1`'s set, and a caller looks in both."""
    days = {
        _observed(dt.date(year, 1, 1)),
        _nth_weekday(year, 1, 0, 3),   # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),   # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(dt.date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),   # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _observed(dt.date(year, 11, 11)),  # Veterans Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
        _observed(dt.date(year, 12, 25)),
    }
    if year >= 2021:
        days.add(_observed(dt.date(year, 6, 19)))  # Juneteenth National Independence Day, since 2021
    return frozenset(days)


@dataclass(frozen=True)
class BusinessCalendar:
    """The supplier's working days: Monday to Friday in its time zone, less the days it is closed."""

    tz: ZoneInfo = ZoneInfo("America/New_York")
    federal_holidays: bool = True
    closed: frozenset[dt.date] = field(default_factory=frozenset)  # the supplier's own (the day after Thanksgiving)

    def is_open(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or day in self.closed:
            return False
        return not self.federal_holidays or (day not in us_federal_holidays(day.year)
                                             and day not in us_federal_holidays(day.year + 1))

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
                shut |= us_federal_holidays(year)
        return count - sum(1 for d in shut if first < d <= last and d.weekday() < 5)


