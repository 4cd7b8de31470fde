"""Pieces both remittance layouts use: amounts, dates, and the claim builder."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..lines import CERTAIN
from ..models import Payee, Payer, Payment, Remittance, RemittanceClaim, ServiceLine

AMT = r"-?[\d,]*\d\.\d\d"
PAGE_FOOTER = re.compile(r"^Page \d+ of \d+$", re.I)  # "Page 2 of 4": no part of what a page tells
# A person's name as remittances print it: letters, spaces and the punctuation of names.
_NAME_SHAPE = re.compile(r"[^\W\d_]+(?:[ ,.'-]+[^\W\d_]+)*\.?")


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("$", ""))


def us_date(text: str) -> dt.date | None:
    """MM/DD/YYYY or MM/DD/YY; None for a date that cannot exist (a misread: the caller flags it)."""
    month, day, year = text.split("/")
    y = int(year)
    if y < 100:
        y += 2000
    try:
        return dt.date(y, int(month), int(day))
    except ValueError:
        return None


def spr_service_date(from_mmdd: str, to_mmddyy: str) -> dt.date | None:
    """The SPR prints the first date as MMDD and the last as MMDDYY; the year comes from the last."""
    to_year = 2000 + int(to_mmddyy[4:6])
    month, day = int(from_mmdd[:2]), int(from_mmdd[2:4])
    year = to_year - 1 if month > int(to_mmddyy[:2]) else to_year
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def status_for(paid: Decimal) -> str:
    if paid < 0:
        return "reversed"
    return "paid" if paid > 0 else "denied"


MIN_CONF = 80.0  # an OCR'd identifier or date below this goes to a person


class Trust:
    """Review paths for fields read with too little confidence or in an impossible shape."""

    def __init__(self) -> None:
        self.review: list[str] = []

    def check(self, path: str, conf: float, ok: bool = True) -> None:
        if conf < MIN_CONF or not ok:
            self.review.append(path)

    def check_name(self, path: str, name: str | None, conf: float) -> None:
        """A patient's name: one with a digit or a colon ran into the next label ("MARTIN, BARBARA Subscriber 1D:
        BRX2003", the label's I read as a 1) and is in doubt, whatever the layout; an OCR'd one (below certain)
        one glyph confusion from a word the OCR model knows, and not one itself, is in doubt however sure the OCR
        was (`extractors.names`)."""
        from ..names import likely_misread  # the word list is loaded only for OCR'd names

        shaped = not name or bool(_NAME_SHAPE.fullmatch(name))
        self.check(path, conf, shaped and (conf >= CERTAIN or not name or not likely_misread(name)))


def shape_of(value: str) -> str:
    return re.sub(r"\d", "9", re.sub(r"[A-Z]", "A", value))


def out_of_shape(claims: list[RemittanceClaim], attr: str, most: float = 0.75) -> list[int]:
    """The claims whose identifier is not shaped as this payer prints it: one payer's member ids (or claim
    numbers) share a shape ("BRX" and nine digits), so a letter read in a run of digits ("BRS7162551592") or
    a lost digit stands out; only where three in four (`most`) of at least four claims agree on the shape."""
    shapes = [shape_of(getattr(c, attr) or "") for c in claims]
    common = max(set(shapes), key=shapes.count) if shapes else ""
    if len(shapes) < 4 or shapes.count(common) < most * len(shapes):
        return []
    return [i for i, shape in enumerate(shapes) if shape != common and getattr(claims[i], attr)]


def unread_identifiers(claims: list[RemittanceClaim], attrs: tuple[str, ...]) -> list[str]:
    """The review paths of what the print gives other claims and not this one ("claims.3.member_id"): not read,
    never taken for not printed."""
    printed = [attr for attr in attrs if any(getattr(c, attr) for c in claims)]
    return [f"claims.{i}.{attr}" for i, claim in enumerate(claims) for attr in printed if not getattr(claim, attr)]


@dataclass
class Walk:
    """What a reader that walks a print record by record holds (the 835's segments, a flat file's records): the
    remittance so far, its doubts, the claim and the line being read, the check's amount printed again."""
    remit: Remittance = field(default_factory=lambda: Remittance(payer=Payer(), payee=Payee(), payment=Payment()))
    trust: Trust = field(default_factory=Trust)
    claim: RemittanceClaim | None = None
    line: ServiceLine | None = None
    printed_total: Decimal | None = None  # the check's amount again, at the foot or in the header block

    @property
    def claim_path(self) -> str:
        return f"claims.{len(self.remit.claims) - 1}"

    @property
    def line_path(self) -> str:
        assert self.claim is not None
        return f"{self.claim_path}.lines.{len(self.claim.lines) - 1}"

    def finish_claims(self) -> None:
        """The claims' identifiers out of the payer's shape or not read; the check's amount where only its
        total was printed, in doubt where the two disagree."""
        remit, trust = self.remit, self.trust
        for attr in ("member_id", "payer_claim_number", "account_number"):
            trust.review.extend(f"claims.{i}.{attr}" for i in out_of_shape(remit.claims, attr))
        trust.review.extend(unread_identifiers(remit.claims, ("patient_name", "member_id", "payer_claim_number",
                                                              "account_number")))
        total = self.printed_total
        if total is not None and remit.payment.amount is None:
            remit.payment.amount = total
        elif total is not None and total != remit.payment.amount:
            trust.review.append("payment.amount")  # the payment and the printed total disagree
