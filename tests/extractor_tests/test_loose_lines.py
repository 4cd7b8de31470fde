"""Scanned service lines the strict pattern refuses, read token by token and settled by the line's arithmetic;
a claim whose first line is garbled still starts a claim; repairs that follow from the columns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.lines import Line
from extractors.models import Adjustment, Payee, Payer, Payment, Remittance, RemittanceClaim, ServiceLine
from extractors.remittance import balance, commercial, loose_line, repair

D = Decimal


@pytest.mark.parametrize("token, code", [("KOQ823", "K0823"), ("KO0823", "K0823"), ("A703Q0", "A7030"),
                                         ("K0Q0Q1", "K0001"), ("EQ@260", "E0260"), ("E047@", "E0470"),
                                         ("K@823", "K0823"), ("E£Q431", "E0431"), ("E470", "E0470")])
def test_a_dotted_zero_read_as_one_or_two_glyphs_gives_the_code(token: str, code: str) -> None:
    line = loose_line.parse(f"08/13/26-09/11/26 {token} RR KX 1 725.00 436.31 0.00 25.00 411.31 CO-45 288.69; PR-3 25.00")
    assert line is not None and line.procedure == code
    assert "procedure" in line.changed and line.balanced
    assert line.amounts == [D("725.00"), D("436.31"), D("0.00"), D("25.00"), D("411.31")]
    assert line.adjustments == [("CO", "45", D("288.69")), ("PR", "3", D("25.00"))]


@pytest.mark.parametrize("token", ["KOQ8QO", "A76030"])
def test_a_code_with_two_readings_or_none_is_not_guessed_but_the_line_is_read(token: str) -> None:
    # KOQ8QO: two pairs of zero glyphs, K0800 or K0080; A76030: no pair to drop. The code stays as printed,
    # under review (the billing system's line of that date and billed amount may settle it), and the
    # amounts, which the line's arithmetic holds, are kept.
    line = loose_line.parse(f"08/13/26-09/11/26 {token} RR 1 95.00 53.11 0.00 25.00 28.11 CO-45 41.89; PR-3 25.00")
    assert line is not None and line.procedure == token and "procedure" in line.changed
    assert line.balanced and line.amounts[4] == D("28.11")


def test_a_speck_after_the_code_is_dropped_and_flagged() -> None:
    line = loose_line.parse("09/07/26-09/07/26 A4253° NU KX 2 96.00 50.62 0.00 25.00 25.62 CO-45 45.38; PR-3 25.00")
    assert line is not None and line.procedure == "A4253" and "procedure" in line.changed and line.balanced


def test_amounts_are_chosen_by_the_lines_arithmetic() -> None:
    # "143 02" split at its point, "0.006" a zero read twice, "9.00" a dotted zero read as 9.
    line = loose_line.parse("08/09/26-08/09/26 A7030 NU 1 210.00 143 02 0.006 25.00 118.02 CO-45 66.98; PR-3 25.00")
    assert line is not None and line.balanced
    assert line.amounts == [D("210.00"), D("143.02"), D("0.00"), D("25.00"), D("118.02")]
    assert sorted(line.changed) == ["allowed", "deductible"]
    denied = loose_line.parse("08/03/26-09/01/26 E0601 RR KX 1 185.00 9.00 0.006 0.00 0.00 CO-197 185.00")
    assert denied is not None and denied.balanced
    assert denied.amounts == [D("185.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")]
    assert sorted(denied.changed) == ["allowed", "deductible"]


def test_a_line_no_reading_balances_keeps_the_first_readings_and_says_so() -> None:
    line = loose_line.parse("08/09/26-08/09/26 A703Q0 NU 1 210.00 143.02 0.00 25.00 117.02 CO-45 66.98; PR-3 25.00")
    assert line is not None and not line.balanced
    assert line.amounts[4] == D("117.02")


def _lines(*texts: str) -> list[Line]:
    return [Line.plain(t) for t in texts]


HEADER = ("BLUE RIVER HEALTH PLAN PROVIDER EXPLANATION OF BENEFITS", "Payee: SUMMIT HOME MEDICAL SUPPLY NPI: 1253400505",
          "Payment Date: 09/07/2026 Payment Number: 128762754 Payment Method: CHK", "Payment Amount: $144.65")


def test_a_garbled_claim_line_still_starts_its_claim_and_the_loose_line_is_flagged() -> None:
    remit, printed, review = commercial.parse(_lines(
        *HEADER,
        "Patient: ROMERO, ANITA Member ID: BRX884770244 Claim Number: BR50307866889 Patient Account: 936464-1",
        "08/09/26-08/09/26 A703Q0 NU 1 210.00 143 02 0.00 25.00 118.02 CO-45 66.98; PR-3 25.00",
        "Claim Totals: Amount Billed 210.00 Allowed 143.02 Plan Paid 118.02 Your Responsibility 25.00 Claim Status: PAID",
        "Patient: SILVA, PIERRE Member ID: BRX901009031 Claim Number: BR17013527845 Patient Account: 629077 -2",
        "08/13/26-09/11/26 E1392 RR 1 95.00 51.63 0.00 25.00 26.63 CO-45 43.37; PR-3 25.00",
        "Claim Totals: Amount Billed 95.00 Allowed 51.63 Plan Paid 26.63 Your Responsibility 25.00 Claim Status: PAID",
        "Total Plan Paid on Claims: 144.65 Payment Amount: 144.65"))
    assert [c.patient_name for c in remit.claims] == ["ROMERO, ANITA", "SILVA, PIERRE"]
    assert remit.claims[1].account_number == "629077-2" and "claims.1" in review
    assert [l.procedure for l in remit.claims[0].lines] == ["A7030"] and remit.claims[0].lines[0].allowed == D("143.02")
    assert {"claims.0.lines.0.procedure", "claims.0.lines.0.allowed"} <= set(review)
    assert [l.procedure for l in remit.claims[1].lines] == ["E1392"] and remit.claims[1].paid == D("26.63")



def test_an_adjustment_amount_read_with_a_glyph_too_many_is_chosen_by_the_lines_arithmetic() -> None:
    # "PR-3 25.006": the strict pattern reads the line but not that adjustment; the line is read again token by
    # token and the reading that balances (25.00, not 25.06) is kept, flagged.
    remit, _, review = commercial.parse(_lines(
        *HEADER[:3], "Payment Amount: $26.63",
        "Patient: SILVA, PIERRE Member ID: BRX901009031 Claim Number: BR17013527845 Patient Account: 629077-2",
        "08/13/26-09/11/26 E1392 RR 1 95.00 51.63 0.00 25.00 26.63 CO-45 43.37; PR-3 25.006",
        "Claim Totals: Amount Billed 95.00 Allowed 51.63 Plan Paid 26.63 Your Responsibility 25.00 Claim Status: PAID",
        "Other Adjustments (provider level):", "Reason L6 Reference 9818729218842 Member Amount -6.59",
        "Total Plan Paid on Claims: 26.63 Payment Amount: 20.04"))
    line = remit.claims[0].lines[0]
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [("CO", "45", D("43.37")), ("PR", "3", D("25.00"))]
    assert "claims.0.lines.0.adjustments.1.amount" in review and "claims.0.lines.0.adjustments" not in review
    # The member's "-" lost as a speck: the adjustment is read, its member in doubt.
    [plb] = remit.provider_adjustments
    assert (plb.reason, plb.reference, plb.member_id, plb.amount) == ("L6", "9818729218842", None, D("-6.59"))
    assert "provider_adjustments.0.member_id" in review

def _remit(line: ServiceLine, *, paid: str, allowed: str, status: str = "paid") -> Remittance:
    claim = RemittanceClaim(patient_name="A, B", billed=line.billed, allowed=D(allowed), paid=D(paid),
                            status=status, lines=[line])  # type: ignore[arg-type]
    return Remittance(payer=Payer(name="P"), payee=Payee(name="S", npi="1253400505"),
                      payment=Payment(amount=line.paid, number="1"), claims=[claim])


def test_a_misread_allowed_amount_is_put_right_from_the_other_columns_on_the_commercial_layout() -> None:
    line = ServiceLine(procedure="A7030", billed=D("210.00"), allowed=D("8.00"), deductible=D("8.00"),
                       coinsurance=D("0.00"), paid=D("0.00"), adjustments=[Adjustment(group="CO", reason="97",
                                                                                       amount=D("210.00"))])
    remit = _remit(line, paid="0.00", allowed="0.00", status="denied")
    review = repair.repair(remit, paid_is_allowed_less_share=True)
    assert (line.deductible, line.allowed) == (D("0.00"), D("0.00"))
    assert remit.claims[0].allowed == D("0.00")
    assert {"claims.0.lines.0.deductible", "claims.0.lines.0.allowed"} <= set(review)
    # Another layout (the SPR pays less sequestration): not from the other columns; but the denial's billed less
    # its contractual adjustment is its allowed amount, and the dotted zero put back gives it, in doubt.
    line2 = line.model_copy(update={"allowed": D("8.00"), "deductible": D("8.00")})
    review = repair.repair(_remit(line2, paid="0.00", allowed="0.00", status="denied"))
    assert line2.allowed == D("0.00") and "claims.0.lines.0.allowed" in review
    # Read past any dotted zero ("7.00"): left as read, in doubt.
    line3 = line.model_copy(update={"allowed": D("7.00"), "deductible": D("0.00")})
    review = repair.repair(_remit(line3, paid="0.00", allowed="0.00", status="denied"))
    assert line3.allowed == D("7.00") and "claims.0.lines.0.allowed" in review


def test_a_repaired_claim_paid_amount_brings_its_status_along() -> None:
    line = ServiceLine(procedure="K0001", billed=D("95.00"), allowed=D("0.00"), paid=D("0.00"),
                       adjustments=[Adjustment(group="CO", reason="4", amount=D("95.00"))])
    remit = _remit(line, paid="9.00", allowed="0.00", status="paid")  # "9.00" read for the denial's 0.00
    review = repair.repair(remit, paid_is_allowed_less_share=True)
    balance.check(remit)
    assert remit.claims[0].paid == D("0.00") and remit.claims[0].status == "denied"
    assert {"claims.0.paid", "claims.0.status"} <= set(review)


def test_a_misread_paid_amount_is_what_both_sides_of_the_line_agree_on() -> None:
    # A claim's second line: "28.62" read for 25.62, where billed less the adjustments and allowed less the copay
    # both say 25.62 (the claim's totals cannot say which line is off).
    def claim_with(paid: str, total: str = "169.19") -> tuple[Remittance, ServiceLine]:
        first = ServiceLine(procedure="E0439", billed=D("245.00"), allowed=D("168.57"), coinsurance=D("25.00"),
                            paid=D("143.57"), adjustments=[Adjustment(group="CO", reason="45", amount=D("76.43")),
                                                           Adjustment(group="PR", reason="3", amount=D("25.00"))])
        second = ServiceLine(procedure="A4253", billed=D("96.00"), allowed=D("50.62"), coinsurance=D("25.00"),
                             paid=D(paid), adjustments=[Adjustment(group="CO", reason="45", amount=D("45.38")),
                                                        Adjustment(group="PR", reason="3", amount=D("25.00"))])
        claim = RemittanceClaim(patient_name="A, B", billed=D("341.00"), allowed=D("219.19"), paid=D(total),
                                patient_responsibility=D("50.00"), lines=[first, second])
        return Remittance(payer=Payer(name="P"), payee=Payee(name="S", npi="1253400505"),
                          payment=Payment(amount=D(total), number="1"), claims=[claim]), second

    remit, line = claim_with("28.62")
    review = repair.repair(remit, paid_is_allowed_less_share=True)
    balance.check(remit)
    assert line.paid == D("25.62") and "claims.0.lines.1.paid" in review and remit.balanced
    # A layout that does not pay allowed less the share: the claim's printed total and the check, which hold with
    # billed less the adjustments and not with the paid amount as read, say it (`_paid_by_the_check`).
    remit, line = claim_with("28.62")
    review = repair.repair(remit, paid_is_allowed_less_share=False)
    assert line.paid == D("25.62") and "claims.0.lines.1.paid" in review
    # Where they hold with the paid amount as read (172.19), only one side says otherwise: it stays as read.
    remit, line = claim_with("28.62", total="172.19")
    repair.repair(remit, paid_is_allowed_less_share=False)
    assert line.paid == D("28.62")
