"""Amounts named by the words beside them, wherever the words stand: before ("Charged 145.00 Allowed 64.85"),
after ("39.85 paid of 145.00 charged") or both on one row ("Claim paid 39.85 of 145.00 charged (64.85
allowed)").

A letter-style remittance prints no column headers: each amount carries its own word. Which word is an
amount's is told by adjacency alone (the words that name nothing in between pass over): an amount with one
naming word beside it takes that one, a naming word with one amount beside it gives it that one, and so on
until every amount is named. An amount left between two words, either of which could be its, is not guessed:
the row is not read so (None), and its caller puts it in doubt; so is a row where a naming word is left
with no amount (its amount was lost, or misread as no amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .common import AMT

_AMOUNT = re.compile(rf"\$?(?P<v>{AMT})")
_WRAPPING = "()[]$,;:"


@dataclass(frozen=True)
class Named:
    """An amount, where it stands on the row, and the role its word gives it."""
    role: str
    value: Decimal
    start: int
    end: int
    mended: bool = False  # read from glyphs that were no digits ("©.00"): the value is in doubt


def amounts_named(text: str, labels: list[tuple[int, int, str]],
                  garbled: Callable[[str], Decimal | None] = lambda _: None) -> list[Named] | None:
    """Each amount on the row with the role its word gives (`labels`: each naming word's span and role, in any
    order; `garbled`: the value of an amount a scan misread, or None); None when an amount has no word, when a
    word is left between two amounts it could name, or when a role is named twice."""
    items: list[tuple[int, int, str, Decimal | None]] = [(s, e, role, None) for s, e, role in labels]
    mended: set[int] = set()
    for token in re.finditer(r"\S+", text):
        if any(s < token.end() and token.start() < e for s, e, _ in labels):
            continue
        core = token.group().strip(_WRAPPING)
        if core.endswith(".") and _AMOUNT.fullmatch(core[:-1].strip(_WRAPPING)):
            core = core[:-1].strip(_WRAPPING)  # a sentence's full stop after its amount ("and paid $143.57.")
        if (amount := _AMOUNT.fullmatch(core)) is not None:
            value = Decimal(amount["v"].replace(",", ""))
        elif (value := garbled(core)) is None:  # type: ignore[assignment]
            continue  # a word naming nothing ("of", "We"): passed over
        at = token.start() + token.group().index(core)
        if amount is None:
            mended.add(at)
        items.append((at, at + len(core), "", value))
    items.sort()
    amounts = [i for i, item in enumerate(items) if item[3] is not None]
    if not amounts:
        return None
    bound: dict[int, int] = {}  # amount's index -> its word's index
    taken: set[int] = set()

    def free_words(index: int) -> list[int]:
        return [j for j in (index - 1, index + 1) if 0 <= j < len(items) and items[j][3] is None and j not in taken]

    def free_amounts(index: int) -> list[int]:
        return [j for j in (index - 1, index + 1) if 0 <= j < len(items) and items[j][3] is not None
                and j not in bound]

    changed = True
    while changed:
        changed = False
        for index in amounts:
            if index not in bound and len(words := free_words(index)) == 1:
                bound[index] = words[0]
                taken.add(words[0])
                changed = True
        for index, item in enumerate(items):
            if item[3] is None and index not in taken and len(near := free_amounts(index)) == 1:
                bound[near[0]] = index
                taken.add(index)
                changed = True
    if len(bound) != len(amounts) or len(taken) != len(labels):
        return None  # an amount no word names, or a word whose amount was lost
    out = [Named(items[word][2], items[index][3], items[index][0], items[index][1],  # type: ignore[arg-type]
                 items[index][0] in mended)
           for index, word in sorted(bound.items())]
    roles = [n.role for n in out]
    return out if len(set(roles)) == len(roles) else None
