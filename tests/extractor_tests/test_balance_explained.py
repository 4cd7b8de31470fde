"""An unbalanced remittance's item says where, in numbers a biller checks against the page."""

from __future__ import annotations

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
