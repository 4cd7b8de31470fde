"""An unbalanced remittance's item says where, in numbers a biller checks against the page."""

from __future__ import annotations

from decimal import Decimal

from extractors.models import Remittance
from extractors.remittance.balance import explain


def _remit(paid: str = "284.58", total_paid: str = "284.58", amount: str = "284.58") -> Remittance:
    line = {"procedure": "A7030", "service_date": "2025-12-19", "billed": "579.33", "paid": paid,
            "adjustments": [{"group": "CO", "reason": "45", "amount": "294.75"}]}
    claim = {"account_number": "223514-5", "billed": "579.33", "allowed": "284.58", "paid": total_paid,
             "patient_responsibility": "0.00", "lines": [{**line, "allowed": "284.58"}]}
    return Remittance.model_validate({"claims": [claim], "provider_adjustments": [], "payment": {"amount": amount}})


def test_a_balanced_remittance_has_nothing_to_explain() -> None:
    assert explain(_remit()) == []


def test_the_line_the_claim_and_the_check_that_are_off_are_named_with_their_amounts() -> None:
    found = explain(_remit(paid="284.50", total_paid="284.50", amount="284.50"))
    assert found == ["Claim 1 (account 223514-5), line 1 (A7030, 2025-12-19): billed 579.33 - adjustments 294.75 "
                     "= 284.58, printed paid 284.50 (0.08 apart)"]
    found = explain(_remit(amount="290.00"))
    assert found == ["Check amount 290.00; the claims' payments 284.58 less provider adjustments 0.00 come to "
                     "284.58 (5.42 apart)"]
    found = explain(_remit(total_paid="248.58"))
    assert "the lines' paid add up to 284.58, the claim's total paid is 248.58 (36.00 apart)" in found[0]


def _two_claims(first_billed: str, first_paid: str, amount: str = "469.16") -> Remittance:
    """Two one-line claims, each line balancing; the first claim's totals as read."""
    def claim(account: str, billed: str, paid: str, line_paid: str) -> dict[str, object]:
        line = {"procedure": "A7030", "service_date": "2025-12-19", "billed": "579.33", "paid": line_paid,
                "allowed": line_paid, "adjustments": [{"group": "CO", "reason": "45",
                                                       "amount": f"{579.33 - float(line_paid):.2f}"}]}
        return {"account_number": account, "billed": billed, "allowed": line_paid, "paid": paid,
                "patient_responsibility": "0.00", "lines": [line]}
    claims = [claim("223514-5", first_billed, first_paid, "284.58"), claim("223514-6", "579.33", "184.58", "184.58")]
    return Remittance.model_validate({"claims": claims, "provider_adjustments": [], "payment": {"amount": amount}})


def test_a_claim_total_read_as_nothing_is_its_lines_where_its_other_total_is_theirs() -> None:
    from extractors.remittance import repair

    remit = _two_claims("0.00", "284.58")
    assert repair.repair(remit) == ["claims.0.billed"] and remit.claims[0].billed == Decimal("579.33")
    # Its other total not its lines' own: nothing says the lines are the claim's, the total stays as read.
    remit = _two_claims("0.00", "284.50")
    assert "claims.0.billed" not in repair.repair(remit) and remit.claims[0].billed == Decimal("0.00")


def test_a_claim_with_both_totals_read_as_nothing_takes_its_lines_only_where_the_check_then_holds() -> None:
    from extractors.remittance import repair

    remit = _two_claims("0.00", "0.00")
    assert repair.repair(remit) == ["claims.0.billed", "claims.0.paid", "claims.0.status"]
    assert (remit.claims[0].billed, remit.claims[0].paid, remit.claims[0].status) == (
        Decimal("579.33"), Decimal("284.58"), "paid")
    remit = _two_claims("0.00", "0.00", amount="470.16")  # the check says otherwise: left as read
    assert repair.repair(remit) == [] and remit.claims[0].paid == Decimal("0.00")
