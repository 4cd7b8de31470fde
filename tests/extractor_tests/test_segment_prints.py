"""The 835 printed segment by segment (`extractors.remittance.segments`): read by what each segment means,
whether a print program sets qualifiers before the values, prints them bare in the 835's order, or prints the
raw X12; a scan's lost bars and lookalike glyphs in doubt, never silent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from extractors import extract
from extractors.lines import Line
from extractors.remittance import balance, segments
from sandbox.documents import pdf

HEADER = ["REMITTANCE DETAIL 835", "PAYEE: SUMMIT HOME MEDICAL SUPPLY NPI: 1234567893"]


def _read(rows: list[str]):  # type: ignore[no-untyped-def]
    remit, printed, review = segments.parse(Line.plain(text) for text in rows)
    remit.review = review
    balance.check(remit, printed)  # type: ignore[arg-type]
    return remit


def test_qualified_values_read_by_their_qualifiers_in_any_order() -> None:
    remit = _read([*HEADER,
                   "PAYER: ACME HEALTH",
                   "BPR ISSUED 20261120 PAYMENT 120.00 METHOD ACH",
                   "TRN CHECK/EFT 555000111",
                   "CLP ICN AC123456789 ACCT 123456-7 CHG 200.00 PMT 120.00 PTRESP 20.00 STAT 1",
                   "NM1 QC DOE, JANE MI AX99887766",
                   "SVC HC:E0601:RR:KX PMT 120.00 CHG 200.00 UNITS 1 DOS 20261101",
                   "CAS CO 45 60.00 | CAS PR 1 10.00 2 10.00 | AMT B6 140.00 | LQ HE N130"])
    assert remit.balanced and remit.review == []
    assert (remit.payer.name, remit.payee.npi, remit.payment.method, remit.payment.number) == \
        ("ACME HEALTH", "1234567893", "ACH", "555000111")
    assert (remit.payment.date, remit.payment.amount) == (dt.date(2026, 11, 20), Decimal("120.00"))
    claim = remit.claims[0]
    assert (claim.patient_name, claim.member_id, claim.account_number, claim.payer_claim_number) == \
        ("DOE, JANE", "AX99887766", "123456-7", "AC123456789")
    line = claim.lines[0]
    assert (line.procedure, line.modifiers, line.service_date) == ("E0601", ["RR", "KX"], dt.date(2026, 11, 1))
    # The deductible and coinsurance are what the PR-1 and PR-2 adjustments say; the claim allowed its lines'.
    assert (line.allowed, line.deductible, line.coinsurance, claim.allowed) == \
        (Decimal("140.00"), Decimal("10.00"), Decimal("10.00"), Decimal("140.00"))
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == \
        [("CO", "45", Decimal("60.00")), ("PR", "1", Decimal("10.00")), ("PR", "2", Decimal("10.00"))]
    assert line.remarks == ["N130"]


def test_bare_values_read_in_the_835_element_order() -> None:
    remit = _read([*HEADER,
                   "N1 PR ACME HEALTH",
                   "BPR I 95.00 C CHK 20261120",
                   "TRN 1 777000222",
                   "CLP 123456-7 1 150.00 95.00 25.00 12 AC123456789",
                   "NM1 QC 1 DOE JANE MI AX99887766",
                   "SVC HC:E0431:RR 150.00 95.00 1",
                   "DTM 472 20261101",
                   "CAS CO 45 30.00",
                   "CAS PR 3 25.00",
                   "PLB 1234567893 20261231 L6:5551234 -0.00"])
    claim = remit.claims[0]
    assert (remit.payment.method, remit.payment.number, remit.payment.date) == ("CHK", "777000222",
                                                                               dt.date(2026, 11, 20))
    assert (claim.account_number, claim.payer_claim_number, claim.billed, claim.paid, claim.patient_responsibility) \
        == ("123456-7", "AC123456789", Decimal("150.00"), Decimal("95.00"), Decimal("25.00"))
    assert claim.patient_name == "DOE, JANE"  # the 835's last name first, given its comma
    assert claim.lines[0].service_date == dt.date(2026, 11, 1)  # from its DTM 472
    # No B6 printed: the allowed amount is what was paid and what the member owes.
    assert claim.lines[0].allowed == Decimal("120.00") and claim.lines[0].coinsurance == Decimal("25.00")
    assert [(p.reason, p.reference) for p in remit.provider_adjustments] == [("L6", "5551234")]
    assert remit.balanced, remit.problems


def test_the_raw_x12_reads_by_element_positions(tmp_path: Path) -> None:
    rows = ["ST*835*0001~", "BPR*I*81.5*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261120~",
            "TRN*1*888000333*1512345678~", "N1*PR*ACME HEALTH~", "N1*PE*SUMMIT HOME MEDICAL SUPPLY*XX*1234567893~",
            "CLP*123456-7*1*100*81.5*10*12*AC123456789~", "NM1*QC*1*DOE*JANE****MI*AX99887766~",
            "SVC*HC:E0260:RR*100*81.5**1~", "DTM*472*20261101~", "CAS*CO*45*8.5~", "CAS*PR*1*10~", "AMT*B6*91.5~",
            "SE*12*0001~"]
    path = tmp_path / "raw835.pdf"
    path.write_bytes(pdf.text_pages([rows]))
    got = extract(path)
    assert got.balanced and got.review == [], (got.problems, got.review)
    assert (got.payment.amount, got.payment.method, got.payment.number) == (Decimal("81.50"), "ACH", "888000333")
    assert (got.payee.name, got.payee.npi, got.payer.name) == ("SUMMIT HOME MEDICAL SUPPLY", "1234567893",
                                                               "ACME HEALTH")
    line = got.claims[0].lines[0]
    assert (line.procedure, line.billed, line.paid, line.deductible, line.allowed) == \
        ("E0260", Decimal("100.00"), Decimal("81.50"), Decimal("10.00"), Decimal("91.50"))
    assert got.claims[0].patient_name == "DOE, JANE"


def test_a_scans_lost_bars_and_lookalikes_are_read_in_doubt() -> None:
    rows = [*HEADER, "BPR METHOD CHK PAYMENT 95.00 ISSUED 20261120", "TRN CHECK/EFT 555000111",
            "CLP ACCT 123456-7 STAT 1 CHG 150.00 PMT 95.00 PTRESP 25.00 ICN AC123456789",
            "NMI QC DOE, JANE MI AX99887766",
            "SVC _HC:E0@431:RR CHG 150.00 PMT 95.00 UNITS 1 DOS 20261601",
            # The bars between segments lost; an O read as a zero in a group; B6 read "BO".
            "CAS C0 45 30.00 CAS PR 3 25.00 AMT BO 120.00"]
    remit = _read(rows)
    line = remit.claims[0].lines[0]
    assert (line.procedure, line.service_date, line.allowed) == ("E0431", dt.date(2026, 10, 1), Decimal("120.00"))
    assert [(a.group, a.reason) for a in line.adjustments] == [("CO", "45"), ("PR", "3")]
    assert remit.claims[0].patient_name == "DOE, JANE"
    assert remit.balanced
    for path in ("procedure", "service_date", "allowed", "adjustments.0.code"):
        assert f"claims.0.lines.0.{path}" in remit.review, path


def test_an_unreadable_segment_is_in_doubt_and_not_dropped() -> None:
    remit = _read([*HEADER, "BPR METHOD CHK PAYMENT 95.00 ISSUED 20261120", "TRN CHECK/EFT 555000111",
                   "CLP ACCT 123456-7 STAT 1 CHG 150.00 PMT 95.00 PTRESP 25.00 ICN AC123456789",
                   "SVC HC:E0431:RR CHG 150.00 PMT 95.00 UNITS 1 DOS 20261101",
                   "CAS XX 45 30.00", "CAS PR 3 25.00", "AMT B6 120.00"])
    assert "claims.0.lines.0.adjustments" in remit.review
    assert not remit.balanced  # the line's arithmetic is short of the adjustment it could not read


def test_detected_only_as_a_segment_print() -> None:
    assert segments.detect("ERA REPORT\nBPR CHK 10.00\nCLP ACCT 1 STAT 1\nSVC HC:E0431 CHG 10.00")
    assert segments.detect("ST*835*1~\nCLP*1*1*10*10~\nSVC*HC:E0431*10*10~\nTRN*1*2~")
    # A letter that names the segments' words in prose is no print of them.
    assert not segments.detect("WRITTEN ORDER\nCLP IS NOT A CODE\nPATIENT E0431 QTY 1")
    assert not segments.detect("REMITTANCE ADVICE\nPATIENT DOE CLAIM 123\nDOS PROC BILLED PAID")


def test_a_speck_glued_to_a_segments_id_and_a_row_no_segment_names_are_in_doubt_not_lost() -> None:
    claim = ["CLP ACCT 123456-7 STAT 1 CHG 150.00 PMT 95.00 PTRESP 25.00 ICN AC123456789",
             "NM1 QC DOE, JANE MI AX99887766", "SVC HC:E0431:RR CHG 150.00 PMT 95.00 UNITS 1 DOS 20261101",
             "CAS CO 45 30.00 CAS PR 3 25.00 AMT B6 120.00"]
    second = ["CLP) ACCT 223456-7 STAT 1 CHG 150.00 PMT 95.00 PTRESP 25.00 ICN AC223456789",
              "NM12 QC ROE, RICHARD MI AX99887767", *claim[2:]]
    remit = _read([*HEADER, "BPR METHOD CHK PAYMENT 190.00 ISSUED 20261120", "TRN CHECK/EFT 555000111",
                   *claim, *second])
    # "CLP)" and "NM12": the ids with a speck after them, read in doubt (two claims, not one of four lines).
    assert [(c.payer_claim_number, c.patient_name) for c in remit.claims] == [
        ("AC123456789", "DOE, JANE"), ("AC223456789", "ROE, RICHARD")]
    assert remit.balanced
    # A row that names no segment inside a claim: the claim in doubt, and what it did not give it too.
    remit = _read([*HEADER, "BPR METHOD CHK PAYMENT 190.00 ISSUED 20261120", "TRN CHECK/EFT 555000111",
                   *claim, second[0], "N#M QC ROE, RICHARD MI AX99887767", *claim[2:]])
    assert {"claims.1", "claims.1.patient_name", "claims.1.member_id"} <= set(remit.review)
