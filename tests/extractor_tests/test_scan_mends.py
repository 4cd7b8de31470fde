"""What a scan does to a remittance that its own arithmetic and its shapes undo: a typewriter face's dotted zero
read as 6 ("386.00 ... 6.00" for a denial's 380.00 and 0.00, "216.66" for 210.00), a total given a third
decimal ("62.480"), a group's letters read doubled or small ("CcOo-16", "C€0"), a further adjustment's row led by
PR read as "pa" or "eR", an amount's last digit lost ("$210.0"). Each mend needs the document's redundancy to
leave one reading, and what it mends stays in doubt."""

from __future__ import annotations

import re
from decimal import Decimal

from extractors.lines import Line
from extractors.models import Adjustment, Remittance, RemittanceClaim, ServiceLine
from extractors.remittance import balance, by_columns, records, repair


def _claim(account: str, billed: str, allowed: str, paid: str, *adjustments: tuple[str, str, str]) -> RemittanceClaim:
    line = ServiceLine(procedure="E0470", billed=Decimal(billed), allowed=Decimal(allowed), paid=Decimal(paid),
                       coinsurance=sum((Decimal(a) for g, _, a in adjustments if g == "PR"), Decimal("0.00")),
                       adjustments=[Adjustment(group=g, reason=r, amount=Decimal(a)) for g, r, a in adjustments])
    return RemittanceClaim(account_number=account, lines=[line], billed=line.billed, allowed=line.allowed,
                           paid=line.paid, patient_responsibility=line.coinsurance, status="paid")


def _scanned(rows: list[str], conf: float = 85.0) -> list[Line]:
    out = []
    for text in rows:
        line = Line.plain(text)
        out.append(Line(line.text, [(m.start(), m.end(), conf) for m in re.finditer(r"\S+", line.text)], line.wide))
    return out


def test_a_denial_read_in_dotted_zeros_balancing_as_read_is_put_right_by_the_check() -> None:
    paid = _claim("100001-1", "210.00", "143.02", "118.02", ("CO", "45", "66.98"), ("PR", "3", "25.00"))
    # Billed 380.00 and paid 0.00 read "386.00" and "6.00": the line balances as read, the check does not.
    denied = _claim("100002-1", "386.00", "6.00", "6.00", ("CO", "4", "380.00"))
    remit = Remittance(claims=[paid, denied])
    remit.payment.amount = Decimal("118.02")
    review = repair.repair(remit)
    line = denied.lines[0]
    assert (line.billed, line.allowed, line.paid) == (Decimal("380.00"), Decimal("0.00"), Decimal("0.00"))
    assert (denied.billed, denied.allowed, denied.paid, denied.status) == \
        (Decimal("380.00"), Decimal("0.00"), Decimal("0.00"), "denied")
    assert {"claims.1.lines.0.billed", "claims.1.lines.0.paid", "claims.1.paid"} <= set(review)
    remit.review = review
    balance.check(remit, {})
    assert remit.balanced
    # Two lines the check's difference could be: neither is touched.
    twin = _claim("100003-1", "386.00", "6.00", "6.00", ("CO", "4", "380.00"))
    remit = Remittance(claims=[paid, _claim("100002-1", "386.00", "6.00", "6.00", ("CO", "4", "380.00")), twin])
    remit.payment.amount = Decimal("124.02")
    repair.repair(remit)
    assert [c.lines[0].paid for c in remit.claims[1:]] == [Decimal("6.00"), Decimal("6.00")]


def test_a_lone_adjustment_read_in_dotted_zeros_is_the_one_the_line_balances_by() -> None:
    # CO-16 725.00 read "725.60", the coinsurance 0.00 read "0.60" and the allowed 0.00 "50.00" (its dollar sign
    # a 5): the column no longer lets the lone adjustment absorb the gap, its dotted zeros do.
    claim = _claim("100001-1", "725.00", "50.00", "0.00", ("CO", "16", "725.60"))
    claim.lines[0].coinsurance = Decimal("0.60")
    remit = Remittance(claims=[claim])
    # (A layout whose lines pay the allowed amount less the member's share: the allowed read is no help.)
    review = repair.repair(remit, paid_is_allowed_less_share=True)
    assert claim.lines[0].adjustments[0].amount == Decimal("725.00")
    assert "claims.0.lines.0.adjustments.0.amount" in review


TABLE = ["EXPLANATION OF BENEFITS",
         "Check Number: 555000111   Check Date: 11/20/2026   Check Amount: $118.02",
         "Claim AC123456789   Patient DOE, JANE",
         "DOS          CODE   MODS  UNITS  BILLED   ALLOWED  DEDUCT  COINS  PAID     ADJUSTMENTS",
         "11/01/2026   A7030  NU    1      210.00   143.02   0.00    25.00  118.02   CO-45 66.98  PR-2 25.00",
         "Claim Total 210.00 143.02 118.02"]


def test_a_claim_total_a_line_misread_in_dotted_zeros_still_names_its_column() -> None:
    rows = [row.replace("210.00   143.02", "216.66   143.02") if row.startswith("11/") else row for row in TABLE]
    remit, _, review = by_columns.parse(_scanned(rows))
    claim = remit.claims[0]
    # "210.00" sums no column as read (the line's "216.66"), but only dotted zeros part it from the billed one.
    assert claim.billed == Decimal("210.00") and "claims.0.billed" in review
    review += repair.repair(remit)
    assert claim.lines[0].billed == Decimal("210.00") and "claims.0.lines.0.billed" in review


def test_a_claim_total_given_a_third_decimal_is_the_reading_its_lines_sum_to() -> None:
    rows = [*TABLE[:-1], "Claim Total 210.080 143.02 118.02"]  # a dotted zero read as a zero and an 8
    remit, _, review = by_columns.parse(_scanned(rows))
    assert remit.claims[0].billed == Decimal("210.00") and "claims.0.billed" in review


def test_a_group_read_doubled_and_an_amount_missing_its_last_digit_are_read_in_doubt() -> None:
    rows = [row.replace("CO-45", "CcOo-45").replace("   210.00", "   $210.0") if row.startswith("11/") else row
            for row in TABLE]
    remit, _, review = by_columns.parse(_scanned(rows))
    line = remit.claims[0].lines[0]
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == \
        [("CO", "45", Decimal("66.98")), ("PR", "2", Decimal("25.00"))]
    assert line.billed == Decimal("210.00")
    assert {"claims.0.lines.0.adjustments.0.code", "claims.0.lines.0.billed"} <= set(review)


DOWNLOAD = [
    "Claim Payment Download", "Payer Name,ACME HEALTH", "Billing NPI,1234567893", "Check/EFT Number,555000111",
    "Check Date,11/20/2026", "Check Amount,118.02",
    "ICN,Patient Name,Subscriber ID,Patient Acct #,DOS,HCPCS,Mod,Qty,Charge,Allowed,Deductible,Coins,Copay,"
    "Plan Paid,Group,Reason,Adj Amt,RARC",
    'AC123456790,"ROE, RICHARD",AX11223344,223344-5,2026-11-02,A7030,NU,1,210.00,143.02,0.00,0.00,25.00,118.02,'
    "C€0,45,66.98,",
    ",,,,,,,,,,,,,,PR,3,25.00,",
    "Total Paid,118.02"]


def _records(rows: list[str]) -> Remittance:
    remit, printed, review = records.parse([Line(text, [(0, len(text), 90.0)]) for text in rows])
    remit.review = review
    balance.check(remit, printed)  # type: ignore[arg-type]
    return remit


def test_a_flat_files_group_read_with_a_lookalike_glyph_too_many_is_the_group_in_doubt() -> None:
    remit = _records(DOWNLOAD)
    line = remit.claims[0].lines[0]
    assert (line.adjustments[0].group, line.adjustments[0].reason) == ("CO", "45")
    assert "claims.0.lines.0.adjustments.0.code" in remit.review and remit.balanced


def test_a_lost_row_led_by_pr_misread_is_put_back_from_the_share_columns() -> None:
    for garbled in ("pa 225 90", "eR 275 an"):
        rows = [garbled if row == ",,,,,,,,,,,,,,PR,3,25.00," else row for row in DOWNLOAD]
        remit = _records(rows)
        line = remit.claims[0].lines[0]
        assert [(a.group, a.reason, a.amount) for a in line.adjustments][1] == ("PR", "3", Decimal("25.00")), garbled
        assert "claims.0.lines.0.adjustments.1.code" in remit.review and remit.balanced
    # A row a CO or OA group leads is no patient's share: the line stays in doubt whole.
    rows = [("C0 275 an" if row == ",,,,,,,,,,,,,,PR,3,25.00," else row) for row in DOWNLOAD]
    assert "claims.0.lines.0" in _records(rows).review
