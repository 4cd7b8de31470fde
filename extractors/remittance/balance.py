"""The balancing rules of docs/domain/remittances.md, to the cent; a remittance that fails says where.

`check` fills the verdict; `explain` says the same rules' failures in numbers a person checks against the page.
Both read the sums below, so the rules are written once."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Protocol

from .. import dotted_zero
from ..models import Remittance, RemittanceClaim, ServiceLine

ZERO = Decimal("0.00")


class PrintedTotals(Protocol):
    adjustments: Decimal | None
    net: Decimal | None


def line_adjustments(line: ServiceLine) -> Decimal:
    return sum((a.amount for a in line.adjustments), ZERO)


# The PR reasons a line's deductible and its coinsurance (and copay) columns repeat.
DEDUCTIBLE_REASONS = ("1",)
COINSURANCE_REASONS = ("2", "3")


def pr_amount(line: ServiceLine, reasons: tuple[str, ...] | None = None) -> Decimal:
    """What the line's PR (patient responsibility) adjustments of these reasons (of any, by default) add up to."""
    return sum((a.amount for a in line.adjustments if a.group == "PR" and (reasons is None or a.reason in reasons)),
               ZERO)


def patient_share(claim: RemittanceClaim) -> Decimal:
    """What the PR (patient responsibility) adjustments of the claim's lines add up to."""
    return sum((a.amount for line in claim.lines for a in line.adjustments if a.group == "PR"), ZERO)


def lines_sum(claim: RemittanceClaim, field: str) -> Decimal:
    return sum((getattr(line, field) for line in claim.lines), ZERO)


def check_due(remit: Remittance) -> Decimal:
    """The claims' payments less the provider-level adjustments: what the check must be."""
    return sum((claim.paid for claim in remit.claims), ZERO) - sum((p.amount for p in remit.provider_adjustments), ZERO)


def check(remit: Remittance, printed: Mapping[int, PrintedTotals] | None = None) -> None:
    """Fill `balanced`, `problems` and `review` from the three rules (line, claim, payment); a remittance that
    fails any has all of it in doubt, the failures first."""
    problems: list[str] = []
    review: list[str] = []
    printed = printed or {}
    for c_index, claim in enumerate(remit.claims):
        claim_bad = False
        for l_index, line in enumerate(claim.lines):
            if line.billed - line_adjustments(line) != line.paid:
                problems.append("UNBALANCED_LINE")
                # Any of the line's amounts may be the misread (OCR) or read under another column's head (a
                # layout read for the first time): the line is in doubt, its paid amount named first.
                review.extend([f"claims.{c_index}.lines.{l_index}.paid", f"claims.{c_index}.lines.{l_index}"])
                claim_bad = True
            # A service is paid after it was given: a later date of service is a misread ("2626" for 2026).
            if line.service_date and remit.payment.date and line.service_date > remit.payment.date:
                review.append(f"claims.{c_index}.lines.{l_index}.service_date")
            # The deductible and coinsurance columns repeat the PR adjustments: a misread shows here.
            if line.deductible != pr_amount(line, DEDUCTIBLE_REASONS):
                review.append(f"claims.{c_index}.lines.{l_index}.deductible")
            if line.coinsurance != pr_amount(line, COINSURANCE_REASONS):
                review.append(f"claims.{c_index}.lines.{l_index}.coinsurance")
        all_adjustments = sum((line_adjustments(line) for line in claim.lines), ZERO)
        totals = printed.get(c_index)
        checks = [
            claim.billed == lines_sum(claim, "billed"),
            claim.paid == lines_sum(claim, "paid"),
            claim.allowed == lines_sum(claim, "allowed"),
            claim.billed - all_adjustments == claim.paid,
            claim.patient_responsibility == patient_share(claim),
            bool(claim.lines),
        ]
        # The printed adjustments' total and net restate what the claim's row and its lines already say; on a
        # scan, one a glyph or two off where those two agree is that restatement misread, not the claim's.
        agreed = remit.ocr and claim.paid == lines_sum(claim, "paid") and claim.billed == lines_sum(claim, "billed")
        if totals is not None and totals.adjustments is not None:
            checks.append(totals.adjustments == all_adjustments
                          or (agreed and glyphs_apart(totals.adjustments, all_adjustments)))
        if totals is not None and totals.net is not None:
            checks.append(totals.net == claim.paid or (agreed and glyphs_apart(totals.net, claim.paid)))
        if not all(checks):
            problems.append("UNBALANCED_CLAIM")
            # Which of its rows belong to it, or which column each amount stands in, is what failed as often as
            # one amount: the claim is in doubt whole, its paid amount named first.
            review.extend([f"claims.{c_index}.paid", f"claims.{c_index}"])
        elif claim_bad:
            problems.append("UNBALANCED_CLAIM")
    # What every remittance must carry; missing means the header was not read.
    for path, value in (("payer.name", remit.payer.name), ("payee.name", remit.payee.name),
                        ("payee.npi", remit.payee.npi), ("payment.amount", remit.payment.amount),
                        ("payment.number", remit.payment.number), ("payment.date", remit.payment.date)):
        if value is None:
            review.append(path)
    if not remit.claims:
        review.append("claims")
    # A claim without the payer's number for it was not read whole (every payer prints it: it is the claim's key).
    review.extend(f"claims.{i}.payer_claim_number" for i, claim in enumerate(remit.claims)
                  if not claim.payer_claim_number)
    settled: set[str] = set()
    # A check of which nothing was read (no claim, no provider adjustment) balances only in arithmetic: 0.00
    # read somewhere as its amount is no payment understood.
    nothing_read = not remit.claims and not remit.provider_adjustments
    if remit.payment.amount is None or check_due(remit) != remit.payment.amount or nothing_read:
        problems.append("UNBALANCED_PAYMENT")
        review.append("payment.amount")
    elif remit.claims and "payment.amount" in remit.review:
        # A check amount read in doubt that equals, to the cent, the claims' payments less the provider
        # adjustments (read apart, each claim balanced by its own lines) is settled by that sum.
        settled.add("payment.amount")
    remit.problems = sorted(set(remit.problems) | set(problems))
    # A claim is known by the payer's number for it: that number in doubt puts the claim, as the payer keys it, in
    # doubt (the EOB robot, which matches claims by account, date of service and billed, settles it).
    review.extend(f"claims.{i}" for i in range(len(remit.claims))
                  if f"claims.{i}.payer_claim_number" in [*remit.review, *review])
    remit.review = [p for p in dict.fromkeys([*remit.review, *review]) if p not in settled]
    remit.balanced = not any(p.startswith("UNBALANCED_") for p in remit.problems)
    if remit.balanced:
        return
    if vouched_by_check(remit):
        # The check's sum holds and only some claims fail their own rules (in doubt whole, above): what each
        # claim was paid, and the claims that pass every rule, are vouched for as in a balanced check; the
        # verdict itself is what stays in doubt.
        if "balanced" not in remit.review:
            remit.review.append("balanced")
        return
    # An imbalance may be the reader's (a misread, a layout it had never met) as well as the payer's, and
    # nothing says which: the check's sum is the one rule that vouches for what each claim was paid, for the
    # lines each claim was given (a claim whose totals were not printed balances with whatever lines it
    # holds), for the provider adjustments and, beyond any one field, that the page was read as it was
    # meant. Failed, nothing read from the page is vouched for, nor the verdict; the failures found above
    # stay first, to say where to look.
    remit.review.extend(p for p in UNVOUCHED if p not in remit.review)


def vouched_by_check(remit: Remittance) -> bool:
    """Whether the check's sum holds (claims' payments less provider adjustments, to the cent) and every
    failure is a claim's own (a line or a claim's totals): the claims that pass their rules may then be posted
    and those that fail go to a person, as the EOB robot does."""
    failures = {p for p in remit.problems if p.startswith("UNBALANCED_")}
    return bool(remit.claims) and bool(failures) and failures <= {"UNBALANCED_CLAIM", "UNBALANCED_LINE"}


# What a remittance whose check's sum fails leaves in doubt: all of it (the EOB robot posts none of it).
UNVOUCHED = ("payer", "payee", "payment", "claims", "provider_adjustments", "balanced")


def glyphs_apart(read: Decimal, other: Decimal, most: int = 2) -> bool:
    """Whether two amounts differ as a misread does: as many characters, at most `most` of them otherwise."""
    a, b = f"{read:.2f}", f"{other:.2f}"
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= most


def zeros_apart(read: Decimal, other: Decimal) -> bool:
    """Whether two amounts differ only where one prints a zero and the other a glyph a dotted zero is read as
    ("216.66" for 210.00, however many): a typewriter face's misread (`dotted_zero`)."""
    a, b = f"{read:.2f}", f"{other:.2f}"
    return len(a) == len(b) and a != b and all(x == y or {x, y} <= {"0", *dotted_zero.LOOKALIKES} and "0" in (x, y)
                                              for x, y in zip(a, b))


def _apart(a: Decimal, b: Decimal) -> str:
    return f"{abs(a - b):.2f} apart"


def explain_claim(claim: RemittanceClaim, c_index: int) -> list[str]:
    """The claim's own rules that fail, its lines' first, one sentence each (`explain`'s)."""
    out: list[str] = []
    name = f"Claim {c_index + 1} (account {claim.account_number or 'not read'})"
    for l_index, line in enumerate(claim.lines):
        due = line.billed - line_adjustments(line)
        if due != line.paid:
            out.append(f"{name}, line {l_index + 1} ({line.procedure or '?'}, {line.service_date or '?'}): "
                       f"billed {line.billed:.2f} - adjustments {line_adjustments(line):.2f} = {due:.2f}, "
                       f"printed paid {line.paid:.2f} ({_apart(due, line.paid)})")
    for field in ("billed", "paid", "allowed"):
        total, summed = getattr(claim, field), lines_sum(claim, field)
        if total != summed:
            out.append(f"{name}: the lines' {field} add up to {summed:.2f}, the claim's total {field} is "
                       f"{total:.2f} ({_apart(summed, total)})")
    if claim.patient_responsibility != patient_share(claim):
        out.append(f"{name}: the PR adjustments add up to {patient_share(claim):.2f}, the patient responsibility "
                   f"printed is {claim.patient_responsibility:.2f} "
                   f"({_apart(patient_share(claim), claim.patient_responsibility)})")
    return out


def explain(remit: Remittance, limit: int = 12) -> list[str]:
    """One sentence per failed rule, lines first within each claim, then the check; at most `limit`:
    "Claim 3 (account 223514-5), line 2 (A7030, 2025-12-19): billed 579.33 - adjustments 294.75 = 284.58,
    printed paid 284.50 (0.08 apart)"."""
    out = [sentence for c_index, claim in enumerate(remit.claims) for sentence in explain_claim(claim, c_index)]
    paid = sum((claim.paid for claim in remit.claims), ZERO)
    plb = paid - check_due(remit)
    amount = remit.payment.amount
    if amount is None:
        out.append(f"Check amount not read; the claims' payments less provider adjustments come to "
                   f"{check_due(remit):.2f}")
    elif check_due(remit) != amount:
        out.append(f"Check amount {amount:.2f}; the claims' payments {paid:.2f} less provider adjustments "
                   f"{plb:.2f} come to {check_due(remit):.2f} ({_apart(check_due(remit), amount)})")
    if len(out) > limit:
        out = [*out[:limit - 1], f"... and {len(out) - limit + 1} more"]
    return out
