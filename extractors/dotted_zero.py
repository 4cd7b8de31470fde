"""A typewriter face's dotted zero, which OCR reads as 6, 8 or 9.

Printed amounts and dates say most things twice (a line's paid is its billed
less its adjustments; a date must be one the calendar holds), so a reading
that breaks that redundancy can be mended by turning the fewest 6s, 8s and 9s
back into zeros, when exactly one mending restores it. Which glyph was the zero
is always a guess: what is mended goes to review.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from typing import Iterator

LOOKALIKES = "689"
MAX_CHANGES = 3


def mendings(text: str, most: int = MAX_CHANGES, *, doubled: bool = False) -> Iterator[tuple[int, list[str]]]:
    """For 1..most glyphs changed, every reading of `text` with that many of its 6s, 8s and 9s made zeros.
    `doubled`: a 6, 8 or 9 beside a zero may also be the zero read twice ("2109.00" for 210.00), and go."""
    edits = [(i, "0") for i, c in enumerate(text) if c in LOOKALIKES]
    if doubled:
        edits += [(i, "") for i, c in enumerate(text) if c in LOOKALIKES
                  and "0" in (text[i - 1:i] + text[i + 1:i + 2])]
    for count in range(1, min(len(edits), most) + 1):
        readings = []
        for chosen in combinations(edits, count):
            if len({i for i, _ in chosen}) < count:
                continue  # one glyph changed two ways
            to = dict(chosen)
            readings.append("".join(to.get(i, c) for i, c in enumerate(text)))
        yield count, readings


def mended_date(text: str) -> dt.date | None:
    """The one real date ("MM/DD/YYYY", "MM/DD/YY", or their digits alone: "693026") with the fewest zeros
    put back; None when there is none, or two as likely."""
    for _, readings in mendings(text):
        found = {d for d in map(_date, readings) if d is not None}
        if len(found) == 1:
            return found.pop()
        if found:
            return None
    return None


def _date(text: str) -> dt.date | None:
    if text.isdigit() and len(text) in (6, 8):
        text = f"{text[:2]}/{text[2:4]}/{text[4:]}"
    try:
        month, day, year = (int(x) for x in text.replace("-", "/").split("/"))
        year += 2000 if year < 100 else 0
        return dt.date(year, month, day) if 1900 < year < 2100 else None
    except ValueError:
        return None
