"""A remittance written as a letter (`extractors.remittance.letter`): each sentence tells one thing, each amount
is named by the words beside it, each code known by its shape; a scan's lost stops and lookalike glyphs still cut
and read the sentences; what a sentence tells that no remittance holds is in doubt, never guessed.

The letters here are written by hand in another plan's wording (an EFT, a deductible, an amount before its
word), not the sandbox's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from extractors import UnknownDocumentType, extract
from extractors.api import detect
from extractors.lines import Line
from extractors.remittance import letter
from sandbox.documents import pdf

LETTER = [
    "ACME COMMUNITY HEALTH",
    "1 PLAZA WAY, TOPEKA KS 66601",
    "November 20, 2026",
    "SUMMIT HOME MEDICAL SUPPLY",
    "2200 RIVERVIEW DR",
    "BOISE ID 83702",
    "Billing NPI: 1234567893",
    "Dear Provider:",
    "This letter explains the EFT trace number 555000111 we sent on 11/20/2026 for a total of $174.50, covering",
    "the 1 claim below.",
    "Our claim number AC123456789 for DOE, JANE, member ID AX99887766, patient account 123456-7:",
    "For E0601 RR KX, 1 unit on 11/01/2026, billed $200.00, allowed $140.00, paid $120.00.",
    "Contractual adjustment of $60.00 (CO-45).",
    "$20.00 was applied to the member's deductible (PR-1).",
    "For A7030 NU, 2 units on 11/01/2026, billed $100.00, allowed $59.50, paid $54.50.",
    "$40.50 is above the fee schedule (CO 45). The member's coinsurance is $5.00 (PR-2).",
    "Remark codes: N130.",
    "Please call us at 800-555-0100 with any question about this payment.",
    "Sincerely,",
    "Claims Department",
]


def _read(rows: list[str], path: Path):  # type: ignore[no-untyped-def]
    path.write_bytes(pdf.text_pages([rows]))
    return extract(path)


def test_a_letter_in_another_plans_wording_is_read_sentence_by_sentence(tmp_path: Path) -> None:
    assert detect("\n".join(LETTER)) == "letter"
    remit = _read(LETTER, tmp_path / "letter.pdf")
    assert remit.balanced and remit.review == []
    assert (remit.payer.name, remit.payee.name, remit.payee.npi) == \
        ("ACME COMMUNITY HEALTH", "SUMMIT HOME MEDICAL SUPPLY", "1234567893")
    assert (remit.payment.method, remit.payment.number, remit.payment.date, remit.payment.amount) == \
        ("ACH", "555000111", dt.date(2026, 11, 20), Decimal("174.50"))
    claim = remit.claims[0]
    assert (claim.payer_claim_number, claim.patient_name, claim.member_id, claim.account_number) == \
        ("AC123456789", "DOE, JANE", "AX99887766", "123456-7")
    first, second = claim.lines
    assert (first.procedure, first.modifiers, first.units, first.service_date) == \
        ("E0601", ["RR", "KX"], 1, dt.date(2026, 11, 1))
    assert [(a.group, a.reason, a.amount) for a in first.adjustments] == \
        [("CO", "45", Decimal("60.00")), ("PR", "1", Decimal("20.00"))]
    assert (second.units, second.billed, second.allowed, second.paid, second.remarks) == \
        (2, Decimal("100.00"), Decimal("59.50"), Decimal("54.50"), ["N130"])
    # An amount before its word and one after it; the code spaced ("CO 45"); the coinsurance from its PR-2.
    assert [(a.group, a.reason, a.amount) for a in second.adjustments] == \
        [("CO", "45", Decimal("40.50")), ("PR", "2", Decimal("5.00"))]
    assert (first.deductible, second.coinsurance, claim.paid, claim.patient_responsibility) == \
        (Decimal("20.00"), Decimal("5.00"), Decimal("174.50"), Decimal("25.00"))


def test_an_amount_told_by_a_sentence_no_remittance_field_names_is_in_doubt(tmp_path: Path) -> None:
    rows = [*LETTER[:13], "We also note $12.00 for your records.", *LETTER[13:]]
    remit = _read(rows, tmp_path / "odd.pdf")
    assert "claims.0" in remit.review


def test_a_scans_lost_stops_and_lookalike_codes_still_part_the_sentences() -> None:
    # As OCR reads a letter: the stop after an amount dropped, a row ending mid-paragraph, "C0" for CO.
    rows = ["For E0601 RR, 1 unit on 11/01/2026 you charged $200.00; we allowed $140.00 and paid $120.00 $60.00",
            "the charge is above our fee schedule (C0-45). In all we paid $120.00 of $200.00 charged",
            "Claim AC2 for ROE, RICHARD, your account 2-2:"]
    body = Line.joined(Line.plain(row) for row in rows)
    starts = [len(rows[0]) + 1, len(rows[0]) + len(rows[1]) + 2]
    said = [s.text for s in letter.sentences(body, starts)]
    assert said == ["For E0601 RR, 1 unit on 11/01/2026 you charged $200.00; we allowed $140.00 and paid $120.00",
                    "$60.00 the charge is above our fee schedule (C0-45).",
                    "In all we paid $120.00 of $200.00 charged",
                    "Claim AC2 for ROE, RICHARD, your account 2-2:"]


def test_a_modifier_read_in_mixed_case_is_in_doubt(tmp_path: Path) -> None:
    rows = [row.replace("E0601 RR KX", "E0601 RR Kx") for row in LETTER]
    remit = _read(rows, tmp_path / "kx.pdf")
    assert remit.claims[0].lines[0].modifiers == ["RR", "KX"]
    assert "claims.0.lines.0.modifiers" in remit.review


def test_a_table_is_not_taken_for_a_letter() -> None:
    rows = ["EXPLANATION OF BENEFITS", "Check Number: 555000111 Check Date: 11/20/2026 Check Amount: $174.50",
            "Claim AC123456789 Patient DOE, JANE", "DOS CODE MODS UNITS BILLED ALLOWED PAID",
            "11/01/2026 E0601 RR 1 200.00 140.00 120.00"]
    assert not letter.detect("\n".join(rows))


def test_a_letter_that_goes_on_after_its_salutation_on_the_same_row_loses_nothing(tmp_path: Path) -> None:
    at = LETTER.index("Dear Provider:")
    rows = [*LETTER[:at], "Dear Provider: " + LETTER[at + 1], *LETTER[at + 2:]]
    remit = _read(rows, tmp_path / "same-row.pdf")
    assert remit.balanced and remit.review == []
    assert (remit.payment.number, remit.payment.amount) == ("555000111", Decimal("174.50"))


def test_a_remittance_no_reader_knows_is_refused_as_one_not_taken_for_an_order() -> None:
    # Service lines whose amounts no column header, label or word names: no reader knows which is which, and it
    # names a code and a patient as an order does; five amounts and a payment say it is a remittance.
    rows = ["ACME COMMUNITY HEALTH", "CLAIM DETAIL VIEW", "Check # ...... 555000111   Issued ...... 11/20/2026",
            "Claim AC123456789   DOE, JANE   Member AX99887766",
            "E0601 RR      200.00        140.00        120.00", "A7030 NU      100.00        59.50         54.50"]
    with pytest.raises(UnknownDocumentType, match="remittance in a layout no reader knows"):
        detect("\n".join(rows))


def test_each_value_a_letter_prints_is_boxed_where_it_stands_two_alike_apart(tmp_path: Path) -> None:
    at = LETTER.index("Remark codes: N130.")
    denied = ["Our claim number AC987654321 for ROE, RICHARD, member ID AX11223344, patient account 765432-1:",
              "For E0601 RR, 1 unit on 11/02/2026, you charged $90.00; we allowed $0.00 and paid $0.00.",
              "$90.00 was denied for no precertification (CO-197)."]
    remit = _read([*LETTER[:at + 1], *denied, *LETTER[at + 1:]], tmp_path / "boxes.pdf")
    assert remit.balanced and remit.review == []
    boxes = remit.fields
    # Every value the letter prints has a box; the two 0.00s of the denied line each their own.
    for path in ("payment.number", "claims.1.payer_claim_number", "claims.1.lines.0.procedure",
                 "claims.1.lines.0.billed", "claims.1.lines.0.adjustments.0.amount", "claims.0.lines.1.remarks"):
        assert path in boxes, path
    allowed, paid = boxes["claims.1.lines.0.allowed"], boxes["claims.1.lines.0.paid"]
    assert allowed.box[0] < paid.box[0] and allowed.box[1] == paid.box[1]
    assert "claims.1.lines.0.deductible" not in boxes  # a letter that tells no deductible gives it no box
