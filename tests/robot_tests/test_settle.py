"""Doubts on a scanned remittance settled by the billing system's claim, the arithmetic and the codes' meaning."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bots.portals.medibill import ClaimDetail, ClaimLine
from bots.robots.settle import may_settle, settle
from extractors.models import Remittance, RemittanceClaim

DOS = dt.date(2026, 10, 1)


def _claim(*lines: tuple[str, str]) -> ClaimDetail:
    return ClaimDetail(claim_number="C1", patient="DOE, JANE", account="100001-1", member_id="BRX000000001",
                       payer="BLUE RIVER", submitted_on=DOS, dos_from=DOS, dos_to=DOS, billed=Decimal("0"),
                       balance=Decimal("0"), lines=[ClaimLine(n, h, DOS, Decimal(b)) for n, (h, b) in enumerate(lines, 1)])


def _line(procedure: str = "E1390", billed: str = "200.00", allowed: str = "150.00", coins: str = "30.00",
          paid: str = "120.00", adjustments: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    adjustments = adjustments if adjustments is not None else [("CO", "45", "50.00"), ("PR", "2", "30.00")]
    return {"service_date": DOS.isoformat(), "procedure": procedure, "billed": billed, "allowed": allowed,
            "deductible": "0.00", "coinsurance": coins, "paid": paid,
            "adjustments": [{"group": g, "reason": r, "amount": a} for g, r, a in adjustments], "remarks": []}


def _read(**claim: Any) -> RemittanceClaim:
    """A claim as the extractor read it, in its model (as the robot holds it)."""
    return RemittanceClaim.model_validate(claim)


def test_a_scanned_line_matching_the_billing_systems_and_balancing_is_settled() -> None:
    data = _read(lines=[_line()])
    review = ["claims.0.lines.0.procedure", "claims.0.lines.0.adjustments", "claims.0.paid"]
    found = settle(data, 0, review, _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == [] and not found.to_confirm
    assert any("C1 line 1 (E1390, 2026-10-01, 200.00)" in s for s in found.settled)
    assert any("billed 200.00 less adjustments 80.00 is paid 120.00" in s for s in found.settled)


def test_a_procedure_the_billing_system_has_not_stays_in_doubt() -> None:
    # E1390 read as E1392: no line of the claim is that, so the read may be wrong. Nothing is settled on it.
    found = settle(_read(lines=[_line("E1392")]), 0, ["claims.0.lines.0.procedure", "claims.0.lines.0.paid"],
                   _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == ["claims.0.lines.0.procedure", "claims.0.lines.0.paid"]


def test_amounts_that_do_not_balance_or_a_remittance_that_does_not_stay_in_doubt() -> None:
    line = _line(paid="121.00")
    found = settle(_read(lines=[line]), 0, ["claims.0.lines.0.paid"], _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == ["claims.0.lines.0.paid"]
    found = settle(_read(lines=[_line()]), 0, ["claims.0.lines.0.paid"], _claim(("E1390", "200.00")), balanced=False)
    assert found.doubts == ["claims.0.lines.0.paid"]


def test_a_code_the_columns_do_not_explain_waits_for_the_payers_record() -> None:
    denied = _line(allowed="0.00", coins="0.00", paid="0.00", adjustments=[("CO", "16", "200.00")])
    path = "claims.0.lines.0.adjustments"
    found = settle(_read(lines=[denied]), 0, [path], _claim(("E1390", "200.00")), balanced=True)
    assert found.to_confirm == {"CO-16": [path]} and found.doubts == []
    found.confirmed({"CO-16", "M51"}, "the portal")
    assert found.doubts == [] and "CO-16 as the portal shows" in found.settled[-1]
    again = settle(_read(lines=[denied]), 0, [path], _claim(("E1390", "200.00")), balanced=True)
    again.confirmed({"CO-167"}, "the portal")  # the payer says otherwise: a person looks
    assert again.doubts == [path]


def test_a_copay_read_where_the_coinsurance_column_has_money_is_not_taken() -> None:
    # PR-2 30.00 read as PR-3: the coinsurance column's 30.00 is then explained by nothing.
    line = _line(adjustments=[("CO", "45", "50.00"), ("PR", "3", "30.00")])
    found = settle(_read(lines=[line]), 0, ["claims.0.lines.0.adjustments"], _claim(("E1390", "200.00")), balanced=True)
    assert found.to_confirm == {"PR-3": ["claims.0.lines.0.adjustments"]}


def test_who_the_claim_is_for_is_settled_only_by_the_claim_its_account_date_and_billed_matched() -> None:
    paths = ["claims.0.account_number", "claims.0.member_id", "claims.0.payer_claim_number"]
    # Read in doubt (a 6 that may be a dotted zero), yet each is what the matched claim has on file; the payer's
    # claim number is posted nowhere.
    same = _read(account_number="100001-1", member_id="BRX000000001", payer_claim_number="BR26936218416",
                 lines=[_line()])
    found = settle(same, 0, [*paths, "claims.0.lines.0.remarks"], _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == ["claims.0.lines.0.remarks"] and len(found.settled) == 3
    assert may_settle(paths) and not may_settle(["claims.0"])
    # Another account or member than the claim's: a person looks (the claim was found by something else).
    other = _read(account_number="100001-7", member_id="BRX000000061", lines=[_line()])
    found = settle(other, 0, paths[:2] + ["claims.0"], _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == paths[:2] + ["claims.0"]
    # The claim in doubt as the payer keys it, by its number alone (the extractor says so with the number's doubt):
    # matched here by account, date of service and billed, it is settled as the number is.
    keyed = ["claims.0", "claims.0.payer_claim_number"]
    assert may_settle(keyed)
    found = settle(same, 0, keyed, _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == [] and len(found.settled) == 2


def test_a_name_cut_at_its_columns_edge_is_settled_by_the_matched_claims_patient_and_no_other() -> None:
    on_file = ClaimDetail(claim_number="C1", patient="HERNANDEZ-LOPEZ, INGRID", account="100001-1",
                          member_id="BRX000000001", payer="BLUE RIVER", submitted_on=DOS, dos_from=DOS, dos_to=DOS,
                          billed=Decimal("0"), balance=Decimal("0"),
                          lines=[ClaimLine(1, "E1390", DOS, Decimal("200.00"))])
    cut = settle(_read(patient_name="HERNANDEZ-LOPEZ, IN", lines=[_line()]), 0, ["claims.0.patient_name"], on_file,
                 balanced=True)
    assert cut.doubts == [] and "cut at its column's edge" in cut.settled[0]
    # Another first name, a last name alone (no letter of the first), or the start of another patient's name.
    for read in ("HERNANDEZ-LOPEZ, IV", "HERNANDEZ-LOPEZ,", "HERNANDEZ, IN"):
        found = settle(_read(patient_name=read, lines=[_line()]), 0, ["claims.0.patient_name"], on_file,
                       balanced=True)
        assert found.doubts == ["claims.0.patient_name"], read


def test_a_code_ocr_damaged_past_any_hcpcs_is_the_claims_only_line_of_its_date_and_amount() -> None:
    # "A703": a digit lost (a foreign print program's scan). No HCPCS is four characters, so it is a misread;
    # the claim's only line of that date and billed amount, with a close code, is the line it stands for.
    data = _read(lines=[_line("A703")])
    found = settle(data, 0, ["claims.0.lines.0.procedure", "claims.0.lines.0.adjustments"],
                   _claim(("A7030", "200.00"), ("E1390", "99.00")), balanced=True)
    assert found.doubts == [] and data.lines[0].procedure == "A7030"
    assert any("read 'A703'" in s and "A7030" in s for s in found.settled)
    # "KO9001": a zero read as two glyphs, one a letter O; close to K0001 once the O is read as the zero it is.
    garbled = _read(lines=[_line("KO9001")])
    found = settle(garbled, 0, ["claims.0.lines.0.procedure"], _claim(("K0001", "200.00")), balanced=True)
    assert found.doubts == [] and garbled.lines[0].procedure == "K0001"
    # "EI392" reads as E1392 once the I is a 1: another HCPCS than the claim's E1390, maybe the payer's recoding.
    recoded = settle(_read(lines=[_line("EI392")]), 0, ["claims.0.lines.0.procedure"], _claim(("E1390", "200.00")),
                     balanced=True)
    assert recoded.doubts == ["claims.0.lines.0.procedure"]
    # "E6470": a typewriter's dotted zero read as a 6 (the reader puts such codes in doubt on a scan). The
    # claim's only line of that date and amount is E0470, which differs by that zero alone: settled.
    dotted = _read(lines=[_line("E6470")])
    found = settle(dotted, 0, ["claims.0.lines.0.procedure"], _claim(("E0470", "200.00")), balanced=True)
    assert found.doubts == [] and dotted.lines[0].procedure == "E0470"
    # A digit other than a dotted zero's lookalikes differs as well: no longer the zero alone.
    other = settle(_read(lines=[_line("E6471")]), 0, ["claims.0.lines.0.procedure"], _claim(("E0470", "200.00")),
                   balanced=True)
    assert other.doubts == ["claims.0.lines.0.procedure"]
    # Two lines of that date and amount: nothing says which.
    twice = settle(_read(lines=[_line("A703")]), 0, ["claims.0.lines.0.procedure"],
                   _claim(("A7030", "200.00"), ("A7031", "200.00")), balanced=True)
    assert twice.doubts == ["claims.0.lines.0.procedure"]


def test_a_copay_in_the_copay_coins_column_is_settled_when_only_its_amount_was_in_doubt() -> None:
    # A payer's "Copay/Coins" column holds the copay: PR-3 25.00 stands in it; the code was read surely.
    line = _line(billed="95.00", allowed="51.63", coins="25.00", paid="26.63",
                 adjustments=[("CO", "45", "43.37"), ("PR", "3", "25.00")])
    path = "claims.0.lines.0.adjustments.1.amount"
    assert may_settle([path])
    found = settle(_read(lines=[line]), 0, [path], _claim(("E1390", "95.00")), balanced=True)
    assert found.doubts == [] and not found.to_confirm and found.settled[0].startswith(path)
    # The same line with a code read in doubt: PR-3 may be a misread PR-2, which no column tells apart.
    found = settle(_read(lines=[line]), 0, ["claims.0.lines.0.adjustments"], _claim(("E1390", "95.00")), balanced=True)
    assert found.to_confirm == {"PR-3": ["claims.0.lines.0.adjustments"]}


def test_one_amount_in_doubt_is_pinned_by_the_lines_arithmetic_two_are_not() -> None:
    denied = _line(allowed="0.00", coins="0.00", paid="0.00", adjustments=[("CO", "16", "200.00")])
    path = "claims.0.lines.0.adjustments.0.amount"
    found = settle(_read(lines=[denied]), 0, [path], _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == [] and "the one amount in doubt" in found.settled[0]
    split = _line(allowed="0.00", coins="0.00", paid="0.00", adjustments=[("CO", "16", "150.00"), ("CO", "96", "50.00")])
    two = ["claims.0.lines.0.adjustments.0.amount", "claims.0.lines.0.adjustments.1.amount"]
    found = settle(_read(lines=[split]), 0, two, _claim(("E1390", "200.00")), balanced=True)
    assert found.doubts == two  # 150/50 or 120/80: the sum alone does not say
    off = _line(paid="121.00")
    found = settle(_read(lines=[off]), 0, ["claims.0.lines.0.adjustments.0.amount"], _claim(("E1390", "200.00")),
                   balanced=True)
    assert found.doubts == ["claims.0.lines.0.adjustments.0.amount"]
    assert not may_settle(["claims.0.lines.0.adjustments.0.group"])


def test_a_contractual_code_read_in_doubt_is_settled_by_its_meaning_and_a_copay_in_doubt_waits() -> None:
    # "CO-45" read at confidence 3 beside a clear "PR-3": CO-45 is billed less allowed to the cent.
    line = _line(billed="95.00", allowed="51.63", coins="25.00", paid="26.63",
                 adjustments=[("CO", "45", "43.37"), ("PR", "3", "25.00")])
    contractual = "claims.0.lines.0.adjustments.0.code"
    found = settle(_read(lines=[line]), 0, [contractual], _claim(("E1390", "95.00")), balanced=True)
    assert found.doubts == [] and not found.to_confirm and found.settled[0].startswith(contractual)
    # The copay's own code in doubt: a PR-2 read as PR-3 would fill the same column; the payer's record decides.
    copay = "claims.0.lines.0.adjustments.1.code"
    found = settle(_read(lines=[line]), 0, [copay], _claim(("E1390", "95.00")), balanced=True)
    assert found.to_confirm == {"PR-3": [copay]}
    found.confirmed({"CO-45"}, "the portal")
    assert found.doubts == [copay]
    # A doubt about an adjustment the line does not have (a reader's slip) is never settled.
    beyond = "claims.0.lines.0.adjustments.5.amount"
    assert settle(_read(lines=[line]), 0, [beyond], _claim(("E1390", "95.00")), balanced=True).doubts == [beyond]


def test_a_patients_name_misread_in_place_is_settled_by_the_claim_the_account_matched() -> None:
    path = "claims.0.patient_name"
    assert may_settle([path])
    found = settle(_read(patient_name="D0E, JANF", lines=[_line()]), 0, [path], _claim(("E1390", "200.00")),
                   balanced=True)
    assert found.doubts == [] and "is for 'DOE, JANE'" in found.settled[0]
    # Another patient's name (or a longer one) is not a misread of this one: it stays for a person.
    found = settle(_read(patient_name="ROE, JACK", lines=[_line()]), 0, [path], _claim(("E1390", "200.00")),
                   balanced=True)
    assert found.doubts == [path]
    assert not may_settle(["claims.0"]) and not may_settle(["claims.0.lines"])  # a claim or a line not read


def test_a_check_number_or_date_read_in_doubt_is_settled_by_the_portals_listing_only_when_equal() -> None:
    from bots.robots.settle import settle_header

    remit = Remittance.model_validate({"payment": {"number": "918630720", "date": "2026-05-13", "amount": "86.50"}})
    review = ["payment.number", "payment.date", "payee.npi"]
    doubts, settled = settle_header(remit, review, {"check": "918630720", "date": "2026-05-13", "amount": "86.50"})
    assert doubts == ["payee.npi"] and len(settled) == 2 and "payer portal's list" in settled[0]
    doubts, _ = settle_header(remit, review, {"check": "918630726", "date": "2026-05-13", "amount": "86.50"})
    assert doubts == ["payment.number", "payee.npi"]


def test_the_payers_and_the_payees_names_in_doubt_are_settled_by_where_the_check_was_listed() -> None:
    from bots.robots.settle import settle_header

    remit = Remittance.model_validate({"payer": {"name": "BLUE RIVEH HEALTH PLAN"}, "payee": {"npi": "2265611980"}})
    listed = {"payer": "bluriver", "check": "918630720", "date": "2026-05-13", "amount": "86.50"}
    doubts, settled = settle_header(remit, ["payer.name", "payee.npi", "document"], listed)
    assert doubts == ["document"]  # a row the reader could not place is never settled by the listing
    assert "downloaded from Blue River Health Plan's portal" in settled[0] and "supplier's own account" in settled[1]
    # Not listed by a payer the robots know: nothing says who paid.
    assert settle_header(remit, ["payer.name"], {"check": "1"})[0] == ["payer.name"]
