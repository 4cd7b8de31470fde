"""Where a remittance fails to balance, in numbers a biller can check against the page.

The extractor says which rules failed (UNBALANCED_LINE, UNBALANCED_CLAIM, UNBALANCED_PAYMENT); a person
working the item needs the line or claim and the amounts: "Claim 3 (account 223514-5), line 2 (A7030,
2025-12-19): billed 579.33 - adjustments 294.75 = 284.58, printed paid 284.50 (0.08 apart)". Computed from
the extractor's JSON with the same rules (docs/domain/remittances.md), to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")


def _d(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else ZERO


def _apart(a: Decimal, b: Decimal) -> str:
    return f"{abs(a - b):.2f} apart"


def explain(remit: dict[str, Any], limit: int = 12) -> list[str]:
    """One sentence per failed rule, lines first within each claim, then the check; at most `limit`."""
    out: list[str] = []
    for c_index, claim in enumerate(remit.get("claims") or []):
        name = f"Claim {c_index + 1} (account {claim.get('account_number') or 'not read'})"
        lines = claim.get("lines") or []
        for l_index, line in enumerate(lines):
            adjustments = sum((_d(a.get("amount")) for a in line.get("adjustments") or []), ZERO)
            billed, paid = _d(line.get("billed")), _d(line.get("paid"))
            if billed - adjustments != paid:
                out.append(f"{name}, line {l_index + 1} ({line.get('procedure') or '?'}, "
                           f"{line.get('service_date') or '?'}): billed {billed:.2f} - adjustments {adjustments:.2f} = "
                           f"{billed - adjustments:.2f}, printed paid {paid:.2f} ({_apart(billed - adjustments, paid)})")
        for label, key in (("billed", "billed"), ("paid", "paid"), ("allowed", "allowed")):
            total, summed = _d(claim.get(key)), sum((_d(line.get(key)) for line in lines), ZERO)
            if total != summed:
                out.append(f"{name}: the lines' {label} add up to {summed:.2f}, the claim's total {label} is "
                           f"{total:.2f} ({_apart(summed, total)})")
        patient = sum((_d(a.get("amount")) for line in lines for a in line.get("adjustments") or []
                       if a.get("group") == "PR"), ZERO)
        responsibility = _d(claim.get("patient_responsibility"))
        if responsibility != patient:
            out.append(f"{name}: the PR adjustments add up to {patient:.2f}, the patient responsibility printed is "
                       f"{responsibility:.2f} ({_apart(patient, responsibility)})")
    paid = sum((_d(c.get("paid")) for c in remit.get("claims") or []), ZERO)
    plb = sum((_d(p.get("amount")) for p in remit.get("provider_adjustments") or []), ZERO)
    amount = (remit.get("payment") or {}).get("amount")
    if amount in (None, ""):
        out.append(f"Check amount not read; the claims' payments less provider adjustments come to {paid - plb:.2f}")
    elif paid - plb != _d(amount):
        out.append(f"Check amount {_d(amount):.2f}; the claims' payments {paid:.2f} less provider adjustments "
                   f"{plb:.2f} come to {paid - plb:.2f} ({_apart(paid - plb, _d(amount))})")
    if len(out) > limit:
        out = [*out[:limit - 1], f"... and {len(out) - limit + 1} more"]
    return out
