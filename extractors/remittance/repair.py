"""Put right the amounts an OCR misread, where the document's own arithmetic leaves one answer.

A remittance says most amounts twice: a line's paid is its billed less its
adjustments; a claim's totals are its lines' sums; the coinsurance column is
the PR-2/PR-3 adjustment. When one reading disagrees with two that agree, the
one is taken to be the misread and replaced. Every amount replaced goes under
`review`: it is probably right, but a person confirms it.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from .. import dotted_zero
from ..models import Remittance, RemittanceClaim, ServiceLine
from .balance import COINSURANCE_REASONS, DEDUCTIBLE_REASONS, glyphs_apart, pr_amount, zeros_apart
from .common import status_for

ZERO = Decimal("0.00")
_AMOUNT = re.compile(r"-?\d+\.\d\d")
MOST_MENDED = 4  # dotted zeros put back in one line: a denial's four zero columns may all be misread


def _adj(line: ServiceLine) -> Decimal:
    return sum((a.amount for a in line.adjustments), ZERO)


def _repair_single_line(claim: RemittanceClaim, line: ServiceLine, path: str, review: list[str]) -> None:
    adjustments = _adj(line)
    if line.billed - adjustments == line.paid:
        return
    # Billed and paid are each printed twice (line and claim totals) and tied by the adjustments.
    if claim.billed == line.paid + adjustments and line.paid == claim.paid:
        line.billed = claim.billed
        review.append(f"{path}.billed")
    elif claim.paid == line.billed - adjustments and line.billed == claim.billed:
        line.paid = claim.paid
        review.append(f"{path}.paid")
    elif line.billed == claim.billed and line.paid == claim.paid and len(line.adjustments) >= 1:
        # One adjustment misread: the one whose corrected amount matches its own column.
        gap = line.billed - line.paid - adjustments
        for index, adj in enumerate(line.adjustments):
            candidate = adj.amount + gap
            column = (line.deductible if (adj.group, adj.reason) == ("PR", "1")
                      else line.coinsurance if adj.group == "PR" and adj.reason in ("2", "3") else None)
            # A lone adjustment may absorb the gap only when no PR column says something is missing; any one
            # whose reading differs from it only by dotted zeros ("725.60" for 725.00) is that misread.
            alone = column is None and len(line.adjustments) == 1 and not line.deductible and not line.coinsurance
            if candidate >= 0 and (alone or column == candidate or zeros_apart(adj.amount, candidate)):
                adj.amount = candidate
                review.append(f"{path}.adjustments.{index}.amount")
                break


def _paid_from_both_sides(line: ServiceLine, path: str) -> list[str]:
    """A paid amount misread ("28.62"), where billed less the adjustments and allowed less the patient's share
    (no amount in common with each other or with paid) agree on another: that one. A layout that pays allowed
    less the share only."""
    by_adjustments = line.billed - _adj(line)
    by_share = line.allowed - line.deductible - line.coinsurance
    if not line.adjustments or by_adjustments != by_share or line.paid == by_adjustments:
        return []
    line.paid = by_adjustments
    return [f"{path}.paid"]


def _denial_zeros(line: ServiceLine, path: str) -> list[str]:
    """A line its adjustments take whole (billed less them is nothing, the member owes none of it) whose allowed,
    deductible, coinsurance and paid amounts read as no glyph but a zero's lookalikes ("6.66", "8.08": a small
    face's zeros): each is nothing, in doubt, and so is a charge whose zeros alone part it from the adjustments'
    sum. Too many glyphs for the fewest-mended rule to reach."""
    if not line.adjustments or pr_amount(line) != 0 or line.billed - _adj(line) == line.paid != 0:
        return []  # (a line that holds as read with something paid is no denial: "245.66 ... CO-45 245.00 0.66")
    zeros = set("0" + dotted_zero.LOOKALIKES)
    names = [name for name in ("allowed", "deductible", "coinsurance", "paid") if getattr(line, name) != 0]
    if any(not set(f"{getattr(line, name):.2f}".replace(".", "")) <= zeros for name in names):
        return []
    changed = []
    if line.billed != _adj(line):
        # The charge's own zeros read as lookalikes too ("245.66" for the 245.00 the adjustment takes whole).
        mended = {Decimal(r) for _, readings in dotted_zero.mendings(f"{line.billed:.2f}", 2) for r in readings
                  if _AMOUNT.fullmatch(r)}
        if _adj(line) not in mended:
            return []
        line.billed = _adj(line)
        changed.append(f"{path}.billed")
    for name in names:
        setattr(line, name, ZERO)
        changed.append(f"{path}.{name}")
    return changed


def _holds(values: dict[str, Decimal], line: ServiceLine, allowed_less_share: bool) -> bool:
    """The line's own arithmetic: paid is billed less the adjustments; the deductible and coinsurance columns
    are the PR-1 and PR-2/PR-3 adjustments; in a layout that says so, paid is allowed less those."""
    adjustments = [values[f"adjustments.{i}.amount"] for i in range(len(line.adjustments))]
    pr1 = sum((v for v, a in zip(adjustments, line.adjustments) if (a.group, a.reason) == ("PR", "1")), ZERO)
    pr23 = sum((v for v, a in zip(adjustments, line.adjustments) if a.group == "PR" and a.reason in ("2", "3")),
               ZERO)
    return (values["billed"] - sum(adjustments, ZERO) == values["paid"] and values["deductible"] == pr1
            and values["coinsurance"] == pr23
            and (not allowed_less_share or values["allowed"] - pr1 - pr23 == values["paid"]))


def _mend_dotted_zeros(line: ServiceLine, path: str, allowed_less_share: bool) -> list[str]:
    """A line whose amounts break its arithmetic, put right by turning the fewest 6s, 8s and 9s back into
    the zeros they were printed as (`dotted_zero`), when exactly one such mending makes every rule hold.
    Returns the review paths of the amounts changed."""
    values = _values(line)
    if not line.adjustments or _holds(values, line, allowed_less_share):
        return []
    options = {name: {count: [r for r in readings if _AMOUNT.fullmatch(r)]
                      for count, readings in dotted_zero.mendings(f"{value:.2f}", MOST_MENDED, doubled=True)}
               for name, value in values.items()}
    for total in range(1, MOST_MENDED + 1):
        found = list({tuple(mended.items()): mended for mended in _spread(values, options, total)
                      if _holds(mended, line, allowed_less_share)}.values())  # the same amounts reached two ways: one
        if len(found) > 1:
            return []  # two mendings as likely: no guess
        if found:
            mended = found[0]
            changed = [name for name in values if mended[name] != values[name]]
            for name in changed:
                if name.startswith("adjustments."):
                    line.adjustments[int(name.split(".")[1])].amount = mended[name]
                else:
                    setattr(line, name, mended[name])
            return [f"{path}.{name}" for name in changed]
    return []


def _spread(values: dict[str, Decimal], options: dict[str, dict[int, list[str]]], total: int):  # type: ignore[no-untyped-def]
    """Every way of making `total` glyph changes across the amounts."""
    names = list(values)

    def walk(index: int, left: int, chosen: dict[str, Decimal]):  # type: ignore[no-untyped-def]
        if index == len(names):
            if left == 0:
                yield dict(chosen)
            return
        name = names[index]
        chosen[name] = values[name]
        yield from walk(index + 1, left, chosen)
        for count, readings in options[name].items():
            if count <= left:
                for reading in readings:
                    chosen[name] = Decimal(reading)
                    yield from walk(index + 1, left - count, chosen)
        chosen[name] = values[name]

    yield from walk(0, total, {})


def pays_allowed_less_share(remit: Remittance) -> bool:
    """Whether this payer's lines pay the allowed amount less deductible and coinsurance, as its own lines
    that add up say (nine in ten of at least three); a layout read by meaning does not know it beforehand."""
    sure = [line for claim in remit.claims for line in claim.lines
            if line.adjustments and _holds(_values(line), line, False)]
    agreeing = sum(line.allowed - line.deductible - line.coinsurance == line.paid for line in sure)
    return len(sure) >= 3 and agreeing >= 0.9 * len(sure)


def _values(line: ServiceLine) -> dict[str, Decimal]:
    return {"billed": line.billed, "allowed": line.allowed, "deductible": line.deductible,
            "coinsurance": line.coinsurance, "paid": line.paid,
            **{f"adjustments.{i}.amount": a.amount for i, a in enumerate(line.adjustments)}}


def _allowed_unconfirmed(line: ServiceLine, path: str) -> list[str]:
    """A scanned line's allowed amount that neither of its meanings confirms (billed less the contractual
    adjustments; paid plus what the member owes) is in doubt ("6.00" read for a denial's 0.00: no total, no
    other column holds it otherwise); where the fewest dotted zeros put back give one amount that one of them
    confirms, it is taken (in doubt all the same)."""
    def confirmed(allowed: Decimal) -> bool:
        return allowed == line.billed - _co(line) or allowed - line.deductible - line.coinsurance == line.paid

    if confirmed(line.allowed):
        return []
    for _, readings in dotted_zero.mendings(f"{line.allowed:.2f}", MOST_MENDED, doubled=True):
        found = {Decimal(r) for r in readings if _AMOUNT.fullmatch(r) and confirmed(Decimal(r))}
        if found:
            if len(found) == 1:
                line.allowed = found.pop()
            break
    else:
        # No dotted zero: one glyph misread otherwise ("243.02" for 143.02), where one of its meanings gives an
        # amount a glyph apart from the read and the other gives none otherwise.
        meant = {amount for amount in (line.billed - _co(line), line.paid + line.deductible + line.coinsurance)
                 if amount > 0 and glyphs_apart(line.allowed, amount, most=1)}
        if len(meant) == 1:
            line.allowed = meant.pop()
    return [f"{path}.allowed"]


def _total_unread(claim: RemittanceClaim, field: str, total: Decimal) -> bool:
    """A claim's billed or paid total read as nothing (0.00: no claim of lines that bill, or pay, is so) where
    its other total is its lines' own, to the cent: the total is its lines' (in doubt; the billing system's
    claim, matched by its billed amount, settles it)."""
    other = {"billed": "paid", "paid": "billed"}.get(field)
    if other is None or getattr(claim, field) != ZERO or total <= ZERO:
        return False
    return getattr(claim, other) == sum((getattr(line, other) for line in claim.lines), ZERO)


def _co(line: ServiceLine) -> Decimal:
    return sum((a.amount for a in line.adjustments if a.group == "CO"), ZERO)


def _billed_from_both_sides(line: ServiceLine, path: str) -> list[str]:
    """A billed amount misread ("62.48"), where paid plus the adjustments and the allowed amount plus the
    contractual ones (read apart: the allowed amount's own column) agree on another: that one, in doubt (the
    billing system's own line, matched by it exactly, settles it; an adjustment misread instead leaves a billed
    amount no claim has)."""
    billed = line.paid + _adj(line)
    if not line.adjustments or line.billed == billed or billed <= 0 or billed - _co(line) != line.allowed:
        return []
    line.billed = billed
    return [f"{path}.billed"]


# Unbalanced lines a check's total may pick among (2 ** 6 ways at most).
MOST_BY_THE_CHECK = 6


def _paid_by_the_check(remit: Remittance, summed: dict[int, bool]) -> list[str]:
    """Paid amounts misread ("28.12" for 28.11) on lines that do not balance, put right as billed less the
    adjustments where exactly one choice of such lines, the fewest, makes every claim's printed paid total and the
    check's amount hold too: three prints of one fact against one. `summed`: the claims whose paid total was their
    lines' sum as read (a layout that prints none), which follow their lines."""
    amount = remit.payment.amount
    off = [(c, n) for c, claim in enumerate(remit.claims) for n, line in enumerate(claim.lines)
           if line.billed - _adj(line) != line.paid]
    if amount is None or not off or len(off) > MOST_BY_THE_CHECK:
        return []
    plb = sum((p.amount for p in remit.provider_adjustments), ZERO)

    def holds(chosen: tuple[tuple[int, int], ...]) -> bool:
        total = ZERO
        for c, claim in enumerate(remit.claims):
            paid = sum((line.billed - _adj(line) if (c, n) in chosen else line.paid
                        for n, line in enumerate(claim.lines)), ZERO)
            if not summed.get(c) and paid != claim.paid:
                return False
            total += paid if summed.get(c) else claim.paid
        return total - plb == amount

    for size in range(1, len(off) + 1):
        found = [chosen for chosen in itertools.combinations(off, size) if holds(chosen)]
        if len(found) > 1:
            return []
        if found:
            review = []
            for c, n in found[0]:
                line = remit.claims[c].lines[n]
                line.paid = line.billed - _adj(line)
                review.append(f"claims.{c}.lines.{n}.paid")
            for c in {c for c, _ in found[0]}:
                claim = remit.claims[c]
                if summed.get(c):
                    claim.paid = sum((line.paid for line in claim.lines), ZERO)
                    claim.status = status_for(claim.paid)  # type: ignore[assignment]
                    review.append(f"claims.{c}.paid")
            return review
    return []


def repair(remit: Remittance, *, paid_is_allowed_less_share: bool = False, allowed_read: bool = True) -> list[str]:
    """Repair what arithmetic can; returns the review paths of what it changed.

    `paid_is_allowed_less_share`: the layout's lines pay the allowed amount less deductible and
    coinsurance (the commercial EOB), so a misread allowed amount is put right from the other columns.
    `allowed_read`: the allowed amounts were printed (not derived from the others, as the 835's print may be),
    so they can speak for a billed amount.
    """
    review: list[str] = []
    paid_summed: dict[int, bool] = {}
    for c_index, claim in enumerate(remit.claims):
        # A claim total that was its lines' sum before a line was mended is their sum after (a layout that
        # prints no totals has no other).
        summed = {f: sum((getattr(line, f) for line in claim.lines), ZERO) == getattr(claim, f)
                  for f in ("billed", "allowed", "paid")}
        paid_summed[c_index] = summed["paid"]
        for l_index, line in enumerate(claim.lines):
            review.extend(_denial_zeros(line, f"claims.{c_index}.lines.{l_index}"))
            review.extend(_mend_dotted_zeros(line, f"claims.{c_index}.lines.{l_index}", paid_is_allowed_less_share))
            if paid_is_allowed_less_share:
                review.extend(_paid_from_both_sides(line, f"claims.{c_index}.lines.{l_index}"))
        if len(claim.lines) == 1:
            _repair_single_line(claim, claim.lines[0], f"claims.{c_index}.lines.0", review)
        if allowed_read:
            for l_index, line in enumerate(claim.lines):
                review.extend(_billed_from_both_sides(line, f"claims.{c_index}.lines.{l_index}"))
        for l_index, line in enumerate(claim.lines):
            if line.billed - _adj(line) != line.paid:
                continue  # the adjustments themselves are in doubt: the columns may be the right ones
            path = f"claims.{c_index}.lines.{l_index}"
            deductible, coinsurance = pr_amount(line, DEDUCTIBLE_REASONS), pr_amount(line, COINSURANCE_REASONS)
            if line.deductible != deductible:
                line.deductible = deductible
                review.append(f"{path}.deductible")
            if line.coinsurance != coinsurance:
                line.coinsurance = coinsurance
                review.append(f"{path}.coinsurance")
            if paid_is_allowed_less_share and line.allowed - line.deductible - line.coinsurance != line.paid:
                line.allowed = line.paid + line.deductible + line.coinsurance
                review.append(f"{path}.allowed")
            review.extend(_allowed_unconfirmed(line, path))
        # A claim total that disagrees with lines which each balance is the misread; a billed or paid total only
        # where it is one a scan makes (a glyph or two): one a whole line's amount apart is another claim's line
        # joined to this one (its own header lost), which no total may hide.
        if claim.lines and all(line.billed - _adj(line) == line.paid for line in claim.lines):
            for field in ("billed", "allowed", "paid"):
                total = sum((getattr(line, field) for line in claim.lines), ZERO)
                # (A total that was its lines' sum as read was no print of its own: it follows them.)
                misread = field == "allowed" or summed[field] or glyphs_apart(getattr(claim, field), total) \
                    or _total_unread(claim, field, total)
                # (An allowed total beside one line: the line's own where its contractual adjustments confirm it.)
                confirmed = all(line.allowed == line.billed - _co(line) for line in claim.lines)
                if getattr(claim, field) != total and misread and (
                        field != "allowed" or len(claim.lines) > 1 or paid_is_allowed_less_share or summed[field]
                        or confirmed):
                    setattr(claim, field, total)
                    review.append(f"claims.{c_index}.{field}")
                    if field == "allowed" and not paid_is_allowed_less_share:
                        # No rule a line balances by holds its allowed amount: the misread may be a line's as
                        # well as the total's ("9.00" for a denied line's 0.00). A line whose allowed is its
                        # billed less its contractual adjustments is confirmed by them; the others are in doubt.
                        review.extend(f"claims.{c_index}.lines.{l_index}.allowed"
                                      for l_index, line in enumerate(claim.lines)
                                      if line.allowed != line.billed - _co(line))
                    if field == "paid":
                        # The status was taken from the paid amount as read ("9.00" for a denial's 0.00).
                        claim.status = status_for(total)  # type: ignore[assignment]
                        review.append(f"claims.{c_index}.status")
            pr = sum((pr_amount(line) for line in claim.lines), ZERO)
            if claim.patient_responsibility != pr:
                claim.patient_responsibility = pr
                review.append(f"claims.{c_index}.patient_responsibility")
    review.extend(_paid_by_the_check(remit, paid_summed))
    review.extend(_totals_by_the_check(remit))
    review.extend(_zeros_by_the_check(remit))
    return review


def _zeros_by_the_check(remit: Remittance) -> list[str]:
    """A line that balances as read in a face whose dotted zero reads as 6, 8 or 9 ("386.00 ... 6.00" for a
    denial's 380.00 and 0.00) while the check does not: where exactly one line, its paid read with zeros put
    back and its billed then its adjustments and that paid (a zero's lookalikes apart from the billed read),
    makes the claims' payments less the provider adjustments the check's amount, it is that line: mended, with
    its claim's totals where they were its lines' sums as read, all in doubt."""
    amount = remit.payment.amount
    if amount is None or not remit.claims:
        return []
    plb = sum((p.amount for p in remit.provider_adjustments), ZERO)
    excess = sum((claim.paid for claim in remit.claims), ZERO) - plb - amount
    if excess <= 0:
        return []
    options = []
    for c, claim in enumerate(remit.claims):
        for n, line in enumerate(claim.lines):
            if line.billed - _adj(line) != line.paid:
                continue  # (a line that does not balance is the other repairs' to mend)
            for _, readings in dotted_zero.mendings(f"{line.paid:.2f}"):
                for reading in readings:
                    paid = Decimal(reading)
                    billed = paid + _adj(line)
                    if line.paid - paid == excess and zeros_apart(line.billed, billed):
                        options.append((c, n, billed, paid))
    if len(options) != 1:
        return []
    c, n, billed, paid = options[0]
    claim, line, path = remit.claims[c], remit.claims[c].lines[n], f"claims.{c}.lines.{n}"
    review = [f"{path}.billed", f"{path}.paid"]
    before = {field: sum((getattr(other, field) for other in claim.lines), ZERO) for field in ("billed", "allowed", "paid")}
    line.billed, line.paid = billed, paid
    review.extend(_denial_zeros(line, path))
    for field, was in before.items():
        # The claim's total: its lines' sum as read (a layout that prints none), or printed in the same face.
        total = sum((getattr(other, field) for other in claim.lines), ZERO)
        printed = getattr(claim, field)
        if printed != total and (printed == was or zeros_apart(printed, total)):
            setattr(claim, field, total)
            review.append(f"claims.{c}.{field}")
    claim.status = status_for(claim.paid)  # type: ignore[assignment]
    return review


def _totals_by_the_check(remit: Remittance) -> list[str]:
    """Claims whose billed and paid totals both read as nothing (0.00) while each of their lines balances: their
    lines' sums, where with them the claims' payments come to the check's amount to the cent (in doubt)."""
    amount = remit.payment.amount
    blank = [c for c, claim in enumerate(remit.claims)
             if claim.lines and claim.billed == ZERO and claim.paid == ZERO
             and all(line.billed - _adj(line) == line.paid for line in claim.lines)
             and sum((line.billed for line in claim.lines), ZERO) > ZERO]
    if amount is None or not blank:
        return []
    paid = {c: sum((line.paid for line in remit.claims[c].lines), ZERO) for c in blank}
    plb = sum((p.amount for p in remit.provider_adjustments), ZERO)
    if sum((paid.get(c, claim.paid) for c, claim in enumerate(remit.claims)), ZERO) - plb != amount:
        return []
    review = []
    for c in blank:
        claim = remit.claims[c]
        claim.billed = sum((line.billed for line in claim.lines), ZERO)
        claim.paid = paid[c]
        claim.status = status_for(claim.paid)  # type: ignore[assignment]
        review.extend(f"claims.{c}.{field}" for field in ("billed", "paid", "status"))
    return review
