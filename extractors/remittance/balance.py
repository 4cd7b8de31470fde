"""The balancing rules of docs/domain/remittances.md, to the cent; a remittance that fails says where."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Protocol

from ..models import Remittance

ZERO = Decimal("0.00")


class PrintedTotals(Protocol):
    adjustments: Decimal | None
    net: Decimal | None


def check(remit: Remittance, printed: Mapping[int, PrintedTotals] | None = None) -> None:
    """Fill `balanced`, `problems` and `review` from the three rules (line, claim, payment)."""
    problems: list[str] = []
    review: list[str] = []
    printed = printed or {}
    for c_index, claim in enumerate(remit.claims):
        claim_bad = False
        for l_index, line in enumerate(claim.lines):
            adjustments = sum((a.amount for a in line.adjustments), ZERO)
            if line.billed - adjustments != line.paid:
                problems.append("UNBALANCED_LINE")
                review.append(f"claims.{c_index}.lines.{l_index}.paid")
                claim_bad = True
            # The deductible and coinsurance columns repeat the PR adjustments: a misread shows here.
            if line.deductible != sum((a.amount for a in line.adjustments if (a.group, a.reason) == ("PR", "1")), ZERO):
                review.append(f"claims.{c_index}.lines.{l_index}.deductible")
            if line.coinsurance != sum((a.amount for a in line.adjustments
                                        if a.group == "PR" and a.reason in ("2", "3")), ZERO):
                review.append(f"claims.{c_index}.lines.{l_index}.coinsurance")
        all_adjustments = sum((a.amount for line in claim.lines for a in line.adjustments), ZERO)
        patient = sum((a.amount for line in claim.lines for a in line.adjustments if a.group == "PR"), ZERO)
        totals = printed.get(c_index)
        checks = [
            claim.billed == sum((line.billed for line in claim.lines), ZERO),
            claim.paid == sum((line.paid for line in claim.lines), ZERO),
            claim.allowed == sum((line.allowed for line in claim.lines), ZERO),
            claim.billed - all_adjustments == claim.paid,
            claim.patient_responsibility == patient,
            bool(claim.lines),
        ]
        if totals is not None and totals.adjustments is not None:
            checks.append(totals.adjustments == all_adjustments)
        if totals is not None and totals.net is not None:
            checks.append(totals.net == claim.paid)
        if not all(checks):
            problems.append("UNBALANCED_CLAIM")
            review.append(f"claims.{c_index}.paid")
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
    paid = sum((claim.paid for claim in remit.claims), ZERO)
    plb = sum((p.amount for p in remit.provider_adjustments), ZERO)
    settled: set[str] = set()
    if remit.payment.amount is None or paid - plb != remit.payment.amount:
        problems.append("UNBALANCED_PAYMENT")
        review.append("payment.amount")
    elif remit.claims and "payment.amount" in remit.review:
        # A check amount read in doubt that equals, to the cent, the claims' payments less the provider
        # adjustments (read apart, each claim balanced by its own lines) is settled by that sum.
        settled.add("payment.amount")
    remit.problems = sorted(set(remit.problems) | set(problems))
    remit.review = [p for p in dict.fromkeys([*remit.review, *review]) if p not in settled]
    remit.balanced = not any(p.startswith("UNBALANCED_") for p in remit.problems)
    if not remit.balanced and remit.ocr:
        # Read by OCR, an imbalance may be a misread as well as the payer's: the verdict itself is in doubt.
        remit.review.append("balanced")
