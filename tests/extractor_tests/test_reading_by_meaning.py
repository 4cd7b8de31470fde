"""What the readers settle by meaning and arithmetic, found on documents printed by other systems
(../shared/samples/foreign): a split amount, a damaged procedure code, a check amount confirmed by its claims,
a verdict that rests on a field in doubt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extractors.forms.rules import CMN_RULE_FIELDS, SWO_RULE_FIELDS, verdict
from extractors.forms.values import mbi_by_format
from extractors.models import Adjustment, Payee, Payer, Payment, Remittance, RemittanceClaim, ServiceLine
from extractors.remittance import balance, spr


def test_a_totals_row_whose_amount_lost_its_point_pairs_with_its_labels() -> None:
    # "2858 68" for 2858.68: one value too many for the six labels.
    assert spr._mend_split_amount(["4", "4517.03", "2858", "68", "2232.75", "0.00", "2232.75"]) == (
        ["4", "4517.03", "2858.68", "2232.75", "0.00", "2232.75"], 2)
    assert spr._mend_split_amount(["4", "12", "34", "56", "78"]) is None  # more than one way: not guessed


def test_a_line_with_a_damaged_procedure_code_is_kept_and_flagged() -> None:
    match = spr._SERVICE.match("1950140990 0726 072626 12 1 A703 NU KX 747.60 502.04 0.00 100.41 CO-45 245.56 393.60")
    assert match is not None and match["proc"] == "A703" and match["paid"] == "393.60"


def test_an_mbi_misread_by_ocr_follows_the_format() -> None:
    assert mbi_by_format("3RH4FQOWM29") == "3RH4FQ0WM29"  # an O never stands in an MBI; a digit stands there


def _remittance(amount: str, *, ocr: bool) -> Remittance:
    line = ServiceLine(service_date=dt.date(2026, 7, 26), procedure="A7030", billed=Decimal("100.00"),
                       allowed=Decimal("80.00"), paid=Decimal("80.00"),
                       adjustments=[Adjustment(group="CO", reason="45", amount=Decimal("20.00"))])
    claim = RemittanceClaim(billed=Decimal("100.00"), allowed=Decimal("80.00"), paid=Decimal("80.00"), lines=[line])
    return Remittance(payer=Payer(name="P"), payee=Payee(name="S", npi="1234567893"),
                      payment=Payment(number="1", date=dt.date(2026, 9, 28), amount=Decimal(amount)),
                      claims=[claim], review=["payment.amount"], ocr=ocr)


def test_a_check_amount_in_doubt_is_settled_by_its_claims_to_the_cent() -> None:
    sure = _remittance("80.00", ocr=True)
    balance.check(sure)
    assert sure.balanced and "payment.amount" not in sure.review
    off = _remittance("86.00", ocr=True)
    balance.check(off)
    # Read by OCR, the imbalance may be a misread: the verdict itself is under review.
    assert not off.balanced and {"payment.amount", "balanced"} <= set(off.review)
    printed = _remittance("86.00", ocr=False)
    balance.check(printed)
    assert not printed.balanced and "balanced" not in printed.review  # a text layer's imbalance is the payer's


def test_a_verdict_that_rests_on_a_field_in_doubt_is_itself_in_doubt() -> None:
    review, valid = verdict(["test.date"], [], CMN_RULE_FIELDS)
    assert not valid and {"valid", "problems"} <= set(review)
    review, valid = verdict(["patient.address"], [], CMN_RULE_FIELDS)  # no rule reads it
    assert valid and review == ["patient.address"]
    # An order's rules read each item's HCPCS, not its quantity or description.
    assert verdict(["items.0.quantity", "items.0.description"], [], SWO_RULE_FIELDS)[1]
    assert not verdict(["items.0.hcpcs"], [], SWO_RULE_FIELDS)[1]
    assert not verdict(["items"], [], SWO_RULE_FIELDS)[1]
