"""A scanned service line the strict pattern refused, read again token by token.

The commercial EOB prints its lines in a typewriter face whose zero carries a
dot: Tesseract reads that zero as O, Q, @, ©, sometimes as two characters
("KOQ823" for K0823, "0.006" for 0.00) or splits an amount at its point
("143 02"). The strict pattern then refuses the whole line and a dozen fields
are lost. Here each token gets the readings its shape allows, and the amounts
are chosen by the line's own arithmetic (paid is billed less the adjustments,
and allowed less deductible and coinsurance). Whatever had to be changed goes
under review: probably right, never trusted.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from math import prod

from ..lines import DIGIT_LOOKALIKES
from ..validators import is_hcpcs
from .common import us_date

# Glyphs the dotted zero is read as; with them, the digit lookalikes every OCR'd line has and this face's own.
_ZERO = "OoQD@©®°e"
_LOOKALIKES = {**DIGIT_LOOKALIKES, **str.maketrans({**{c: "0" for c in _ZERO}, "L": "1", "G": "6", "a": "0"})}
_SPECKS = "°'`.,*"  # marks a fax leaves beside a word
_MAX_COMBINATIONS = 512  # amounts with several readings: enough for a line, bounded for a garbled one


@dataclass
class LooseLine:
    service_date: dt.date | None  # None: no reading of its glyphs gives one (in `changed`)
    procedure: str
    modifiers: list[str]
    units: int
    amounts: list[Decimal]  # billed, allowed, deductible, coinsurance, paid
    adjustments: list[tuple[str, str, Decimal]]
    changed: list[str] = field(default_factory=list)  # field names read other than as printed
    balanced: bool = False


def _date(token: str) -> tuple[dt.date | None, bool]:
    """The first date of the range: the last eight characters that make a date (a speck may lead)."""
    mapped = token.translate(_LOOKALIKES)
    match = re.search(r"(\d\d/\d\d/\d\d)$", mapped)
    if not match:
        return None, True
    return us_date(match.group(1)), match.group(1) != token


def code_readings(token: str) -> set[str]:
    """HCPCS readings of a code token: a letter and four digits, with a zero read as two glyphs undone."""
    if len(token) < 4 or len(token) > 6:
        return set()
    first = "E" if token[0] in "£€" else token[0].upper()
    if not first.isalpha():
        return set()
    rest = token[1:]
    if len(rest) == 5 and rest[0] in "£€—-":
        rest = rest[1:]  # the letter read twice ("E£Q431") or a speck after it
    if len(rest) == 5 and rest[-1] in _SPECKS and not rest[-2] in _ZERO:
        rest = rest[:-1]  # a speck after the code ("A4253°"), not a dotted zero's second glyph
    digits = rest.translate(_LOOKALIKES)
    if not digits.isdigit():
        return set()
    if len(digits) == 4:
        return {first + digits} if is_hcpcs(first + digits) else set()
    if len(digits) == 3:
        # The zero after the letter lost ("E470" for E0470): the likeliest reading, and flagged as changed.
        return {first + "0" + digits} if is_hcpcs(first + "0" + digits) else set()
    # Five digits: one zero was read as two glyphs; drop one of a pair of zeros where a lookalike stands.
    out = set()
    for index in range(len(digits) - 1):
        if digits[index] == digits[index + 1] == "0" and (rest[index] in _ZERO or rest[index + 1] in _ZERO):
            candidate = first + digits[:index] + digits[index + 1:]
            if is_hcpcs(candidate):
                out.add(candidate)
    return out


def amount_readings(token: str) -> list[Decimal]:
    """Readings of an amount token: lookalikes as digits, and a third decimal (a zero read twice) dropped."""
    text = token.lstrip("$").rstrip(";").replace(",", "").translate(_LOOKALIKES)
    match = re.fullmatch(r"(-?\d+)\.(\d{2,3})", text)
    if not match:
        return []
    whole, cents = match.groups()
    if len(cents) == 2:
        return [Decimal(f"{whole}.{cents}")]
    readings = {f"{whole}.{cents[:i] + cents[i + 1:]}" for i in range(3)}
    return [Decimal(r) for r in sorted(readings)]


def _merge_split_amounts(tokens: list[str]) -> tuple[list[str], set[int]]:
    """"143 02": an amount the OCR split at its point, joined again; and which tokens were joined."""
    out: list[str] = []
    merged: set[int] = set()
    for token in tokens:
        if (out and re.fullmatch(r"[\d" + _ZERO + r"a]{2}", token) and re.fullmatch(r"\$?[\d,]*\d", out[-1])):
            out[-1] = f"{out[-1]}.{token}"
            merged.add(len(out) - 1)
        else:
            out.append(token)
    return out, merged


def parse(text: str) -> LooseLine | None:
    """The line's fields, or None when it cannot be read even loosely (the caller flags the claim)."""
    head = re.match(r"^(?P<frm>\S{8,10})[-~](?P<to>\S{8,10}) (?P<code>\S+) (?P<rest>.+)$", text)
    if not head:
        return None
    # A date no reading gives ("10/098/26": a speck read as a glyph) keeps the line: its amounts are still read,
    # its date goes under review for the billing system's line of that code and billed amount to settle.
    service_date, date_changed = _date(head["frm"])
    date_changed = date_changed or service_date is None
    codes = code_readings(head["code"])
    # A code with no single reading ("A76030") keeps the line: its amounts are still read, and the code as
    # printed goes under review for the billing system's line of that date and billed amount to settle.
    procedure = next(iter(codes)) if len(codes) == 1 else head["code"].upper()
    tokens = head["rest"].split()
    modifiers: list[str] = []
    while tokens and re.fullmatch(r"[A-Z0-9]{2}", tokens[0]) and not tokens[0].isdigit():
        modifiers.append(tokens.pop(0))
    if not tokens or not re.fullmatch(r"[\dIil|L]{1,3}", tokens[0]):
        return None
    units_token = tokens.pop(0)
    units = int(units_token.translate(_LOOKALIKES))
    # The five amounts, then the adjustments ("CO-45 288.69; PR-3 25.00").
    joined = " ".join(tokens)
    adj_at = re.search(r"\b[A-Z0-9©®@]{2}-[A-Z0-9]{1,4} ", joined)
    amount_tokens, merged = _merge_split_amounts((joined[:adj_at.start()] if adj_at else joined).split())
    if len(amount_tokens) != 5:
        return None
    readings = [amount_readings(t) for t in amount_tokens]
    if not all(readings):
        return None
    adjustments: list[tuple[str, str, str, list[Decimal]]] = []
    if adj_at:
        for part in joined[adj_at.start():].split(";"):
            match = re.fullmatch(r"\s*(?P<g>[A-Z]{2})-(?P<r>[A-Z0-9]{1,4}) (?P<amt>\S+)\s*", part)
            if not match or not (values := amount_readings(match["amt"])):
                return None
            adjustments.append((match["g"], match["r"], match["amt"], values))
    # The readings that balance the line; failing that, with a 6 or 9 that may be the dotted zero read
    # as 0; when several balance, or none, the first readings stand and the line is flagged whole.
    choices = readings + [values for _, _, _, values in adjustments]
    balancing = _balancing(choices)
    if len(balancing) != 1:
        balancing = _balancing([_with_zeros(options) for options in choices])
    chosen = balancing[0] if len(balancing) == 1 else tuple(options[0] for options in choices)
    line = LooseLine(service_date, procedure, modifiers, units, list(chosen[:5]),
                     [(g, r, amount) for (g, r, _, _), amount in zip(adjustments, chosen[5:])],
                     balanced=len(balancing) == 1)
    if date_changed:
        line.changed.append("service_date")
    if procedure != head["code"] or len(codes) != 1:
        line.changed.append("procedure")
    if units_token != str(units):
        line.changed.append("units")
    names = ("billed", "allowed", "deductible", "coinsurance", "paid")
    for index, (name, token, value) in enumerate(zip(names, amount_tokens, chosen[:5])):
        if index in merged or not _as_printed(token, value):
            line.changed.append(name)
    for index, ((_, _, token, _), value) in enumerate(zip(adjustments, chosen[5:])):
        if not _as_printed(token, value):
            line.changed.append(f"adjustments.{index}.amount")
    return line


def _with_zeros(options: list[Decimal]) -> list[Decimal]:
    """The readings and, for each, every one with one 6 or 9 taken for a zero."""
    out = list(options)
    for value in options:
        text = str(value)
        for index, char in enumerate(text):
            if char in "69":
                candidate = Decimal(text[:index] + "0" + text[index + 1:])
                if candidate not in out:
                    out.append(candidate)
    return out


def _balancing(choices: list[list[Decimal]]) -> list[tuple[Decimal, ...]]:
    """Every choice of readings for which paid is billed less the adjustments and allowed less
    deductible and coinsurance (none when there are too many to try)."""
    if prod(len(options) for options in choices) > _MAX_COMBINATIONS:
        return []
    out = []
    for combo in itertools.product(*choices):
        billed, allowed, deductible, coinsurance, paid = combo[:5]
        if billed - sum(combo[5:], Decimal("0.00")) == paid and allowed - deductible - coinsurance == paid:
            out.append(combo)
    return out


def _as_printed(token: str, value: Decimal) -> bool:
    try:
        return Decimal(token.lstrip("$").rstrip(";").replace(",", "")) == value
    except InvalidOperation:
        return False
