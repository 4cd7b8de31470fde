"""The standard paper remittance as a scan reads it: glyphs misread in ways the format settles (a capital read
small, a hyphen read as a tilde, a dollar sign for a 5 where none is printed, a bracket for a speck, an MBI's
digit read as a letter) are read, in doubt where nothing proves them; the balancing rules prove the amounts."""

from __future__ import annotations

from decimal import Decimal

from extractors.lines import Line
from extractors.words import Word
from extractors.remittance import balance, spr

HEADER = ["NORTHERN PLAINS DME MAC MEDICARE REMITTANCE ADVICE",
          "SUMMIT HOME MEDICAL SUPPLY PROVIDER # 1234567893",
          "1200 INDUSTRIAL PKWY PAGE #: 1 OF 1",
          "DENVER CO 80216 DATE: 09/25/26",
          "CHECK/EFT #: 499670335",
          "PERF PROV SERV DATE POS NOS PROC MODS BILLED ALLOWED DEDUCT COINS GRP/RC-AMT PROV PD"]


def _scanned(text: str) -> Line:
    """A row as OCR gives it: every word read (none for certain) and mended as OCR'd words are."""
    words = [Word(word, 91.0, 40 * n, 10, 8 * len(word), 12, (1, 1, 1)) for n, word in enumerate(text.split())]
    return Line.from_words(words)


def _read(rows: list[str]):  # type: ignore[no-untyped-def]
    remit, printed, review = spr.parse(_scanned(text) for text in [*HEADER, *rows])
    remit.review = review
    balance.check(remit, printed)
    return remit


def test_a_scans_small_capitals_tildes_brackets_and_dollar_signs_are_read_as_printed() -> None:
    remit = _read([
        "NAME DUBOIS, WILLIAM HIC SCY3DY2NK49 ACNT 813728-4 ICN 25111329818835 ASG Y MOA MA18",
        "1234567893 0606 060626 12 1 E0431 Kx 500.00) 400.00 0.00 54.60 CO-45 100.00 345.40",
        "PR~2 $4.60",
        "ONTL #:187015-3 REM: NIl5",
        "PT RESP 54.60 CLAIM TOTALS 500.00 400.00 0.00 54.60 154.60 345.40",
        "ADJ TO TOTALS: PREV PD 0.00 INTEREST 0.00 LATE FILING CHARGE 0.00 NET 345.40",
        "TOTALS: # OF CLAIMS BILLED AMT ALLOWED AMT PROV PD AMT PROV ADJ AMT CHECK AMT",
        "1 500.00 400.00 345.40 0.00 345.40"])
    claim = remit.claims[0]
    line = claim.lines[0]
    assert (line.modifiers, line.billed) == (["KX"], Decimal("500.00"))
    # The remittance prints no dollar signs: "$4.60" is 54.60, which the line's arithmetic proves.
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [
        ("CO", "45", Decimal("100.00")), ("PR", "2", Decimal("54.60"))]
    assert remit.balanced, remit.problems
    assert line.remarks == ["N115"] and "claims.0.lines.0.remarks" in remit.review
    # An MBI's first place holds a digit: the S was a 5 (in doubt: which digit is the format's guess).
    assert claim.member_id == "5CY3DY2NK49" and "claims.0.member_id" in remit.review


def test_a_dollar_sign_that_makes_no_balancing_amount_leaves_the_line_to_a_person() -> None:
    remit = _read([
        "NAME DUBOIS, WILLIAM HIC 5CY3DY2NK49 ACNT 813728-4 ICN 25111329818835 ASG Y MOA MA18",
        "1234567893 0606 060626 12 1 E0431 KX 500.00 400.00 0.00 54.60 CO-45 100.00 345.40",
        "PR-2 $9.60",
        "PT RESP 54.60 CLAIM TOTALS 500.00 400.00 0.00 54.60 154.60 345.40",
        "ADJ TO TOTALS: PREV PD 0.00 INTEREST 0.00 LATE FILING CHARGE 0.00 NET 345.40"])
    assert remit.claims[0].lines[0].adjustments[1].amount == Decimal("59.60")
    assert not remit.balanced and "claims.0.lines.0.paid" in remit.review


def test_a_scans_garbled_adjustment_codes_and_zero_in_a_code_are_read_in_doubt() -> None:
    remit = _read([
        "NAME DUBOIS, WILLIAM HIC 5CY3DY2NK49 ACNT 813728-4 ICN 25111329818835 ASG Y MOA MA18",
        "1234567893 0606 060626 12 1 A7@30 NU 500.00 400.00 0.00 54.60 CcOo-45 100.00 345.40",
        "PR-~2 54.60",
        "PT RESP 54.60 CLAIM TOTALS 500.00 400.00 0.00 54.60 154.60 345.40",
        "ADJ TO TOTALS: PREV PD 0.00 INTEREST 0.00 LATE FILING CHARGE 0.00 NET 345.40",
        "TOTALS: # OF CLAIMS BILLED AMT ALLOWED AMT PROV PD AMT PROV ADJ AMT CHECK AMT",
        "1 500.00 400.00 345.40 0.00 345.40"])
    line = remit.claims[0].lines[0]
    assert line.procedure == "A7030" and [(a.group, a.reason) for a in line.adjustments] == [("CO", "45"), ("PR", "2")]
    assert remit.balanced
    assert {"claims.0.lines.0.procedure", "claims.0.lines.0.adjustments.0.code",
            "claims.0.lines.0.adjustments.1.code"} <= set(remit.review)


def test_a_lost_minus_on_a_provider_adjustment_is_put_back_only_where_the_check_then_balances() -> None:
    rows = ["NAME DUBOIS, WILLIAM HIC 5CY3DY2NK49 ACNT 813728-4 ICN 25111329818835 AGS Y MOA MA18",
            "1234567893 0606 060626 12 1 E0431 NU 500.00 400.00 0.00 54.60 CO-45 100.00 345.40",
            "PR-2 54.60",
            "PT RESP 54.60 CLAIM TOTALS 500.00 400.00 0.00 54.60 154.60 345.40",
            "ADT TO TOTALS: PREV PD 0.00 INTEREST 0.00 LATE FILING CHARGE 0.00 NET 345.40",
            "TOTALS: # OF CLAIMS BILLED AMT ALLOWED AMT PROV PD AMT PROV ADJ AMT CHECK AMT",
            "1 500.00 400.00 345.40 -5.00 350.40",
            "PROVIDER ADJ DETAILS: PLB REASON CODE FCN HIC AMOUNT",
            "L6 25111329818835 5CY3DY2NK49 5.00"]
    remit = _read(rows)
    # A NAME row with its assignment flag garbled ("AGS") still opens its claim, in doubt.
    assert len(remit.claims) == 1 and "claims.0.account_number" in remit.review
    assert remit.provider_adjustments[0].amount == Decimal("-5.00") and remit.balanced
    assert "provider_adjustments.0.amount" in remit.review
    # The total's own sign misread ("+5.00"): negating the adjustment would not balance the check; left as read.
    rows[6] = "1 500.00 400.00 345.40 +5.00 350.40"
    remit = _read(rows)
    assert remit.provider_adjustments[0].amount == Decimal("5.00") and not remit.balanced


def test_specks_a_lost_glyph_and_a_round_letter_for_zero_leave_the_line_read_in_doubt() -> None:
    # Read from a fax of another print program's remittance: a speck before the provider's number and before the
    # procedure, a zero read "a" (upper-cased "A"), a first date a glyph short, an adjustment group without its C,
    # the provider adjustments' heading garbled, the claims' count lost from the totals, a unit of one read "I".
    remit = _read([
        "NAME DUBOIS, WILLIAM HIC 5CY3DY2NK49 ACNT 813728-4 ICN 25111329818835 ASG Y MOA MA18",
        "21234567893 0606 060626 12 1 BEO570 RR KX 500.00 400.00 a.00 54.60 CO-45 100.00 345.40",
        "PR-2 54.60",
        "1234567893 869 080926 12 I E1392 NU 200.00 100.00 0.00 20.00 CO-45 97.00 80.00",
        "PR-2 20.00",
        "0-253 3.00",
        "PT RESP 74.60 CLAIM TOTALS 700.00 500.00 0.00 74.60 274.60 425.40",
        "ADJ TO TOTALS: PREV PD 0.00 INTEREST 0.00 LATE FILING CHARGE 0.00 NET 425.40",
        "TOTALS: # OF CLAIMS BILLED AMT ALLOWED AMT PROV PD AMT PROV ADJ AMT CHECK AMT",
        "700.00 500.00 425.40 -25.46 450.86",
        "PROVIDER AD) DETAILS: PLB REASON CODE FCN HIC AMOUNT",
        "L6 28575153200102 1A19NF3PK20 -25.46"])
    assert remit.balanced, (remit.problems, balance.explain(remit))
    first, second = remit.claims[0].lines
    assert (first.procedure, first.deductible) == ("E0570", Decimal("0.00"))
    assert "claims.0.lines.0.procedure" in remit.review
    assert (str(second.service_date), second.adjustments[-1].group, second.units) == ("2026-08-09", "CO", 1)
    assert "claims.0.lines.1.service_date" in remit.review
    assert remit.payment.amount == Decimal("450.86") and remit.provider_adjustments[0].reason == "L6"


def test_a_code_read_with_a_glyph_twice_is_no_speck_before_a_code() -> None:
    # "KO0001": K0001 with its zero read twice; an O starts no HCPCS, so no glyph before it is dropped.
    remit = _read([
        "NAME DUBOIS, WILLIAM HIC 5CY3DY2NK49 ACNT 813728-4 ICN 25111329818835 ASG Y MOA MA18",
        "1234567893 0606 060626 12 1 KO0001 RR 500.00 400.00 0.00 80.00 CO-45 100.00 320.00",
        "PR-2 80.00"])
    line = remit.claims[0].lines[0]
    assert line.procedure != "O0001" and "claims.0.lines.0.procedure" in remit.review


def test_a_claims_net_misread_where_its_totals_row_and_lines_agree_is_no_imbalance() -> None:
    # "NET 79.71" for 75.71: the claim's totals row and its line both say 75.71; the net only restates it.
    rows = ["NAME DUBOIS, WILLIAM HIC 5CY3DY2NK49 ACNT 813728-4 ICN 25111329818835 ASG Y MOA MA18",
            "1234567893 0303 030326 12 1 E1392 114.93 94.64 0.00 18.93 CO-45 20.29 75.71",
            "PR-2 18.93",
            "PT RESP 18.93 CLAIM TOTALS 114.93 94.64 0.00 18.93 39.22 75.71",
            "ADJ TO TOTALS: PREV PD 0.00 INTEREST 0.00 LATE FILING CHARGE 0.00 NET 79.71",
            "TOTALS: # OF CLAIMS BILLED AMT ALLOWED AMT PROV PD AMT PROV ADJ AMT CHECK AMT",
            "1 114.93 94.64 75.71 0.00 75.71"]
    remit, printed, review = spr.parse(_scanned(text) for text in [*HEADER, *rows])
    remit.ocr, remit.review = True, review
    balance.check(remit, printed)
    assert remit.balanced, remit.problems
    # A net more than two glyphs apart is no misread of it: the claim does not balance.
    rows[4] = rows[4].replace("NET 79.71", "NET 57.17")
    remit, printed, review = spr.parse(_scanned(text) for text in [*HEADER, *rows])
    remit.ocr, remit.review = True, review
    balance.check(remit, printed)
    assert not remit.balanced and "claims.0" in remit.review
