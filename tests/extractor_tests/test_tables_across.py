"""A service table printed across (`extractors.remittance.transposed`): each line a column, each field a row, a
line's adjustments down its own column. Rows are known by their labels' meaning (any wording the column headers
use), cells by the line whose column they stand in; a further adjustment that stands nowhere known goes to the
line it balances, and one no arithmetic places is in doubt, never guessed.

The tables here are written by hand in another plan's wording ("Svc 1", "DOS", "HCPCS", "Approved", "Adj"), not
the sandbox's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from extractors import extract
from extractors.api import detect
from extractors.lines import Line
from extractors.remittance import by_columns, transposed
from sandbox.documents import pdf

TABLE = [
    "GREAT LAKES MUTUAL",
    "PROVIDER PAYMENT DETAIL",
    "Payee: SUMMIT HOME MEDICAL SUPPLY        NPI: 1234567893",
    "Check No: 700123456      Check Date: 11/20/2026      Check Amount: $219.50",
    "",
    "Claim # GL5550001    DOE, JANE    Member ID GX112233    Patient Acct 123456-7",
    "                 Svc 1            Svc 2            Svc 3",
    "DOS              11/01/2026       11/01/2026       11/03/2026",
    "HCPCS            E0601            A7030            A4604",
    "Modifiers        RR KX            NU               NU",
    "Units            1                2                1",
    "Billed           200.00           100.00           60.00",
    "Approved         140.00           59.50            45.00",
    "Deductible       20.00            0.00             0.00",
    "Paid             120.00           54.50            45.00",
    "Adj              CO-45 60.00      CO-45 40.50      CO-45 15.00",
    "                 PR-1 20.00       PR-2 5.00",
    "Remarks                           N130",
    "Claim totals: billed $360.00, paid $219.50, patient responsibility $25.00",
    "",
    "Total paid ..... $219.50",
]


def _lines(rows: list[str], *, indented: bool = True) -> list[Line]:
    return [Line.plain(row if indented else row.lstrip()) for row in rows if row.strip()]


def _assert_read(remit) -> None:  # type: ignore[no-untyped-def]
    assert (remit.payee.npi, remit.payment.number, remit.payment.amount) == \
        ("1234567893", "700123456", Decimal("219.50"))
    claim = remit.claims[0]
    assert (claim.payer_claim_number, claim.patient_name, claim.member_id, claim.account_number) == \
        ("GL5550001", "DOE, JANE", "GX112233", "123456-7")
    assert [(line.service_date, line.procedure, line.modifiers, line.units) for line in claim.lines] == [
        (dt.date(2026, 11, 1), "E0601", ["RR", "KX"], 1), (dt.date(2026, 11, 1), "A7030", ["NU"], 2),
        (dt.date(2026, 11, 3), "A4604", ["NU"], 1)]
    assert [(line.billed, line.allowed, line.deductible, line.coinsurance, line.paid) for line in claim.lines] == [
        (Decimal("200.00"), Decimal("140.00"), Decimal("20.00"), Decimal("0.00"), Decimal("120.00")),
        (Decimal("100.00"), Decimal("59.50"), Decimal("0.00"), Decimal("5.00"), Decimal("54.50")),
        (Decimal("60.00"), Decimal("45.00"), Decimal("0.00"), Decimal("0.00"), Decimal("45.00"))]
    assert [[(a.group, a.reason, a.amount) for a in line.adjustments] for line in claim.lines] == [
        [("CO", "45", Decimal("60.00")), ("PR", "1", Decimal("20.00"))],
        [("CO", "45", Decimal("40.50")), ("PR", "2", Decimal("5.00"))],
        [("CO", "45", Decimal("15.00"))]]
    assert [line.remarks for line in claim.lines] == [[], ["N130"], []]
    assert (claim.billed, claim.paid, claim.patient_responsibility) == \
        (Decimal("360.00"), Decimal("219.50"), Decimal("25.00"))


def test_a_table_across_in_another_plans_wording_reads_line_by_column(tmp_path: Path) -> None:
    assert detect("\n".join(TABLE)) == "columns"
    path = tmp_path / "across.pdf"
    path.write_bytes(pdf.text_pages([TABLE]))
    remit = extract(path)
    assert remit.balanced and remit.review == []
    _assert_read(remit)
    # The coinsurance no row prints is the line's PR-2 (the deductible its row's, agreeing with PR-1).
    assert remit.claims[0].lines[1].coinsurance == Decimal("5.00")


def test_a_further_adjustment_standing_nowhere_known_goes_to_the_line_it_balances() -> None:
    # A text layer that keeps no leading space: the second adjustments' row and the heading start at the left
    # edge, under the labels; line 1 is 20.00 short of balancing and line 2 5.00, so PR-1 20.00 is line 1's.
    remit, _, review = by_columns.parse(transposed.rows(_lines(TABLE, indented=False)))
    remit.review = review
    _assert_read(remit)
    assert not any(".adjustments" in path or path.endswith(".paid") for path in review)


def test_a_further_adjustment_no_arithmetic_places_is_in_doubt() -> None:
    rows = [row.replace("PR-1 20.00", "PR-1 25.00") for row in TABLE]
    remit, _, review = by_columns.parse(transposed.rows(_lines(rows, indented=False)))
    first = remit.claims[0].lines[0]
    assert [(a.group, a.reason, a.amount) for a in first.adjustments][1] == ("PR", "1", Decimal("25.00"))
    # Placed in order (line 1's, line 2's) by no evidence: both in doubt.
    assert {"claims.0.lines.0.adjustments.1.amount", "claims.0.lines.1.adjustments.1.amount"} <= set(review)


def test_rows_that_name_no_service_table_pass_through_unchanged() -> None:
    # Three labelled rows and no payment row: no table across (a card's rows are the columns reader's own).
    rows = ["Charge           210.00", "Allowed          143.02", "Deductible       0.00", "Claim total 210.00"]
    assert not transposed.detect("\n".join(rows).upper())
    assert [row.text for row in transposed.rows(_lines(rows))] == [Line.plain(r).text for r in rows]
