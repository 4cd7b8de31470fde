"""Identifiers that pass the same checks real ones do (the extractors validate them)."""

from __future__ import annotations

import random
import string

# CMS MBI: positions 2, 5, 8, 9 letters; 3, 6 letter or digit; never S L O I B Z.
_MBI_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "SLOIBZ")
_MBI_ALNUM = _MBI_LETTERS + string.digits


def mbi(rng: random.Random) -> str:
    pattern = "NAXNAXNAANN"  # N digit (first is 1-9), A letter, X letter or digit
    out = []
    for index, kind in enumerate(pattern):
        if kind == "N":
            out.append(rng.choice("123456789" if index == 0 else string.digits))
        elif kind == "A":
            out.append(rng.choice(_MBI_LETTERS))
        else:
            out.append(rng.choice(_MBI_ALNUM))
    return "".join(out)


def luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # doubled: the rightmost digit of the payload
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi(rng: random.Random) -> str:
    """Ten digits, the last a Luhn check digit over '80840' + the first nine."""
    first9 = rng.choice("12") + "".join(rng.choice(string.digits) for _ in range(8))
    return first9 + str(luhn_check_digit("80840" + first9))


def npi_is_valid(value: str) -> bool:
    return len(value) == 10 and value.isdigit() and luhn_check_digit("80840" + value[:9]) == int(value[9])


def digits(rng: random.Random, n: int) -> str:
    return rng.choice("123456789") + "".join(rng.choice(string.digits) for _ in range(n - 1))
