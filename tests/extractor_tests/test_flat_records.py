"""A flat file printed as stored (`extractors.remittance.records`): records read by the field names their kinds'
names rows declare, whatever the program calls its kinds or words its names; a scan's garbled delimiters and tags
fitted by the values' shapes, what two fittings read differently in doubt, never silent.

The prints here are written by hand in other programs' wordings (semicolons, numbered record types, combined
adjustment codes), not the sandbox's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from extractors import extract
from extractors.api import detect
from extractors.lines import Line
from extractors.remittance import balance, records
from sandbox.documents import pdf

# A practice-management export: numbered record types, semicolons, names rows marked with "*".
EXPORT = [
    "*10;PAYER NAME;PAYEE NAME;PAYEE NPI;PAYMENT METHOD;CHECK NUMBER;CHECK DATE;CHECK AMOUNT",
    "10;ACME HEALTH;SUMMIT HOME MEDICAL SUPPLY;1234567893;EFT;555000111;11/20/2026;174.50",
    "*20;CLAIM NO;PATIENT NAME;SUBSCRIBER ID;ACCOUNT NUMBER;BILLED;PAID;PATIENT RESP",
    "*30;DOS;PROC CODE;MOD;QTY;BILLED;ALLOWED;PAID",
    "*40;GRP/RSN;ADJ AMT",
    "*45;RARC",
    "*90;CLAIM COUNT;TOTAL PAID",
    "20;AC123456789;DOE, JANE;AX99887766;123456-7;300.00;174.50;25.00",
    "30;11/01/2026;E0601;RR KX;1;200.00;140.00;120.00",
    "40;CO-45;60.00",
    "40;PR-1;20.00",
    "30;11/01/2026;A7030;NU;2;100.00;59.50;54.50",
    "40;CO-45;40.50",
    "40;PR-2;5.00",
    "45;N130",
    "90;1;174.50",
]


def _read(rows: list[str], conf: float | None = None):  # type: ignore[no-untyped-def]
    lines = [Line(text, [(0, len(text), conf)]) if conf is not None else Line.plain(text) for text in rows]
    remit, printed, review = records.parse(lines)
    remit.review = review
    balance.check(remit, printed)  # type: ignore[arg-type]
    return remit


def test_an_export_in_another_programs_wording_is_read_by_its_names() -> None:
    assert detect("\n".join(EXPORT).upper()) == "records"
    remit = _read(EXPORT)
    assert remit.balanced and remit.review == []
    assert (remit.payer.name, remit.payee.name, remit.payee.npi, remit.payment.number, remit.payment.method) == \
        ("ACME HEALTH", "SUMMIT HOME MEDICAL SUPPLY", "1234567893", "555000111", "ACH")
    assert (remit.payment.date, remit.payment.amount) == (dt.date(2026, 11, 20), Decimal("174.50"))
    claim = remit.claims[0]
    assert (claim.patient_name, claim.member_id, claim.account_number, claim.payer_claim_number, claim.status) == \
        ("DOE, JANE", "AX99887766", "123456-7", "AC123456789", "paid")
    # What the export does not print is derived from what it does: the claim's allowed amount from its lines',
    # a line's deductible and coinsurance from its PR adjustments.
    assert claim.allowed == Decimal("199.50")
    first, second = claim.lines
    assert (first.procedure, first.modifiers, first.units, first.service_date) == \
        ("E0601", ["RR", "KX"], 1, dt.date(2026, 11, 1))
    assert (first.deductible, first.coinsurance) == (Decimal("20.00"), Decimal("0.00"))
    assert [(a.group, a.reason, a.amount) for a in second.adjustments] == \
        [("CO", "45", Decimal("40.50")), ("PR", "2", Decimal("5.00"))]
    assert (second.units, second.coinsurance, second.remarks) == (2, Decimal("5.00"), ["N130"])


def test_a_table_whose_column_heads_name_the_same_fields_is_no_flat_file() -> None:
    # Column heads parted by spaces (a table's) are no names row: the columns reader keeps it.
    table = ["ACME HEALTH PROVIDER REMITTANCE", "PATIENT NAME  MEMBER ID  CLAIM NO  BILLED  PAID",
             "DOS  PROC CODE  MOD  QTY  BILLED  ALLOWED  PAID", "DOE, JANE  AX99887766  AC123456789  200.00  120.00"]
    assert not records.detect("\n".join(table).upper())


def test_a_scans_garbled_delimiters_and_tags_are_fitted_by_the_values_shapes() -> None:
    rows = ["*10|PAYER NAME|PAYEE NAME|PAYEE NPI|CHECK NUMBER|CHECK DATE|CHECK AMOUNT",
            # A delimiter lost to a space, and one read as a "1" between the date and the amount.
            "10|ACME HEALTH|SUMMIT HOME MEDICAL SUPPLY 1234567893 555000111 202611201120.00",
            "*20|CLAIM NO|PATIENT NAME|SUBSCRIBER ID|ACCOUNT NUMBER|BILLED|PAID|PATIENT RESP",
            "*30|DOS|PROC CODE|MOD|QTY|BILLED|ALLOWED|PAID",
            "*40|GROUP|REASON|AMOUNT",
            "20] AC123456789 DOE, JANE]AX99887766 123456-7{200.00[120.00/20.00",
            "30|20261101 E0601|RR,KX|1|200.00|140.00|120.00",
            "4O|C0|45] 60.00",  # the tag's zero and the group's O read as each other's lookalikes
            "40|PR[1|20.00"]
    _, _, doubted = records.parse(Line(text, [(0, len(text), 91.0)]) for text in rows)
    # The check's amount was cut out of a word on a guess about the glyph between: in doubt as read...
    assert "payment.amount" in doubted
    remit = _read(rows, conf=91.0)
    claim = remit.claims[0]
    assert (claim.patient_name, claim.member_id, claim.account_number) == ("DOE, JANE", "AX99887766", "123456-7")
    assert [(a.group, a.reason, a.amount) for a in claim.lines[0].adjustments] == \
        [("CO", "45", Decimal("60.00")), ("PR", "1", Decimal("20.00"))]
    assert (remit.payment.number, remit.payment.date) == ("555000111", dt.date(2026, 11, 20))
    # ...and settled by the check's sum: the claims' payments come to it to the cent. (How the money came, the
    # number's name says: "CHECK NUMBER".)
    assert remit.payment.amount == Decimal("120.00") and remit.balanced and remit.review == []
    assert remit.payment.method == "CHK"


def test_two_fittings_that_read_a_field_differently_leave_it_in_doubt() -> None:
    names = "#PLB|REASON|REFERENCE|MEMBER ID|AMOUNT"
    # Two delimiters lost around an empty field: the reference or the member id may be the one printed.
    kinds = records.kinds_in([names])
    row = Line("PLB|L6| 4361533936076 -6.73", [(0, 27, 90.0)])
    kind, offset, _ = records._tag_of(row, kinds)  # type: ignore[misc]
    values, left_over = records._fit(records._items(row.text, offset, True), kind.keys, row.text)
    fields = dict(zip(kind.keys, values))
    assert not left_over and fields["amount"].text == "-6.73" and not fields["amount"].doubt
    assert fields["reference"].doubt and fields["member"].doubt


def test_an_unreadable_value_and_a_lost_record_are_in_doubt_not_dropped() -> None:
    rows = [*EXPORT[:7], "20;AC123456789;DOE, JANE;AX99887766;123456-7;300.00;174.50;25.00",
            "30;11/01/2026;E0601;RR KX;1;2O0.00;140.00;120.00",  # a zero read as an O
            "4%;CO-45;60.00",  # a tag no kind is near: the line's adjustment lost
            "40;PR-1;20.00"]
    remit = _read(rows, conf=92.0)
    line = remit.claims[0].lines[0]
    assert line.billed == Decimal("200.00") and "claims.0.lines.0.billed" in remit.review
    assert "claims.0.lines.0" in remit.review  # the row no kind holds was the line's (its adjustment)
    assert not remit.balanced


def test_a_printed_flat_file_is_read_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf.text_pages([EXPORT]))
    got = extract(path)
    assert got.balanced and got.review == [] and len(got.claims[0].lines) == 2


# A comma-separated download in another portal's wording: the payment's facts as "name, value" rows, one row per
# service line naming its claim, further adjustments on rows of their own, text quoted where it holds a comma.
DOWNLOAD = [
    "Claim Payment Download",
    "Payer Name,ACME HEALTH",
    "Payee Name,SUMMIT HOME MEDICAL SUPPLY",
    "Billing NPI,1234567893",
    "Check/EFT Number,555000111",
    "Check Date,11/20/2026",
    "Check Amount,239.50",
    "",
    "ICN,Patient Name,Subscriber ID,Patient Acct #,DOS,HCPCS,Mod,Qty,Charge,Allowed,Deductible,Coins,Copay,"
    "Plan Paid,Group,Reason,Adj Amt,RARC",
    'AC123456789,"DOE, JANE",AX99887766,123456-7,2026-11-01,E0601,RR KX,1,200.00,140.00,20.00,0.00,0.00,120.00,'
    "CO,45,60.00,",
    ",,,,,,,,,,,,,,PR,1,20.00,",
    'AC123456790,"ROE, RICHARD",AX11223344,223344-5,2026-11-02,A7030,NU,1,210.00,143.02,0.00,0.00,25.00,118.02,'
    "CO,45,66.98,N130",
    ",,,,,,,,,,,,,,PR,3,25.00,",
    "",
    "Total Paid,238.02",
]


def test_a_comma_separated_download_is_read_by_its_header_row_and_its_name_value_rows() -> None:
    rows = [row for row in DOWNLOAD if row]
    assert detect("\n".join(rows).upper()) == "records"
    remit = _read(rows)
    # The check amount (239.50) and the total paid (238.02) disagree: the payment is in doubt, and the check
    # does not balance.
    assert remit.payment.amount == Decimal("239.50") and "payment.amount" in remit.review and not remit.balanced
    assert (remit.payer.name, remit.payee.npi, remit.payment.number, remit.payment.date) == \
        ("ACME HEALTH", "1234567893", "555000111", dt.date(2026, 11, 20))
    first, second = remit.claims
    assert (first.patient_name, first.payer_claim_number, first.account_number) == ("DOE, JANE", "AC123456789",
                                                                                    "123456-7")
    assert [(a.group, a.reason, a.amount) for a in first.lines[0].adjustments] == \
        [("CO", "45", Decimal("60.00")), ("PR", "1", Decimal("20.00"))]
    # The claim's totals are its lines' (a row per line prints the line's amounts, not the claim's).
    assert (second.billed, second.paid, second.patient_responsibility) == \
        (Decimal("210.00"), Decimal("118.02"), Decimal("25.00"))
    assert (second.lines[0].coinsurance, second.lines[0].remarks) == (Decimal("25.00"), ["N130"])
    # The claims themselves balance: only the check's sum fails.
    assert remit.problems == ["UNBALANCED_PAYMENT"]


def test_a_further_adjustments_row_a_scan_garbled_is_put_back_from_the_share_columns_in_doubt() -> None:
    rows = [row for row in DOWNLOAD if row]
    rows[rows.index("Check Amount,239.50")] = "Check Amount,238.02"
    # The run of empty cells read as letters, the reason and amount lost: "PR" is legible, and the line comes
    # short by exactly its copay column's 25.00.
    rows[rows.index(",,,,,,,,,,,,,,PR,3,25.00,")] = "preteen raeeed PR 2 75 nn"
    remit = _read(rows, conf=90.0)
    line = remit.claims[1].lines[0]
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == \
        [("CO", "45", Decimal("66.98")), ("PR", "3", Decimal("25.00"))]
    assert {"claims.1.lines.0.adjustments.1.code", "claims.1.lines.0.adjustments.1.amount"} <= set(remit.review)
    assert "claims.1.lines.0" not in remit.review and remit.balanced
    # A lost row the columns do not account for leaves the line in doubt whole.
    rows[rows.index("preteen raeeed PR 2 75 nn")] = "preteen raeeed OA 2 75 nn"
    assert "claims.1.lines.0" in _read(rows, conf=90.0).review


def test_a_claims_number_read_a_glyph_off_on_its_second_line_is_the_same_claim_in_doubt() -> None:
    rows = [row for row in DOWNLOAD if row]
    rows[rows.index("Check Amount,239.50")] = "Check Amount,238.02"
    second = next(i for i, row in enumerate(rows) if row.startswith(",,,,,,,,,,,,,,PR,1,"))
    # The first claim's second line, its number's last glyph misread: its account is the claim's.
    rows.insert(second + 1, 'AC123456780,"DOE, JANE",AX99887766,123456-7,2026-11-01,A4253,NU,1,50.00,0.00,0.00,'
                            "0.00,0.00,0.00,CO,97,50.00,")
    remit = _read(rows, conf=92.0)
    assert len(remit.claims) == 2 and len(remit.claims[0].lines) == 2
    assert "claims.0.payer_claim_number" in remit.review and "claims.0" in remit.review


# A fixed-width file as another mainframe prints it: a file layout first (each kind's fields with their widths),
# then records padded to those widths, no delimiter; dates CCYYMMDD, a member ID left empty on one claim, a
# provider-level adjustment with only its reference.
_LAYOUT = {"HDR": (("PAYER NAME", 22), ("CHECK #", 11), ("CHECK DATE", 9), ("CHECK AMOUNT", 11), ("PAYEE", 28),
                   ("NPI", 11)),
           "CLM": (("CLAIM NUMBER", 14), ("PATIENT NAME", 20), ("ACCOUNT #", 10), ("MEMBER ID", 13), ("CHARGE", 9),
                   ("PAID", 9)),
           "SVC": (("DOS", 9), ("HCPCS", 6), ("MOD", 6), ("UNITS", 4), ("CHARGE", 9), ("ALLOWED", 9), ("PAID", 9)),
           "ADJ": (("GROUP", 6), ("REASON", 7), ("AMOUNT", 9)),
           "PLB": (("PROV ADJ RSN", 4), ("REFERENCE", 18), ("MEMBER ID", 13), ("AMOUNT", 9)),
           "TRL": (("CLAIMS", 7), ("TOTAL PAID", 11))}


def _fixed(kind: str, *values: object) -> str:
    cells = "".join(f"{value:>{width - 1}} " if isinstance(value, Decimal) else f"{value!s:<{width}}"
                    for (_, width), value in zip(_LAYOUT[kind], values))
    return f"{kind} {cells}".rstrip()


FIXED = [
    "FILE LAYOUT",
    *(f"{kind} " + " ".join(f"{name}({width})" for name, width in fields) for kind, fields in _LAYOUT.items()),
    "",
    _fixed("HDR", "ACME HEALTH", "88812", "20261120", Decimal("160.00"), "SUMMIT HOME MEDICAL SUPPLY", "1234567893"),
    _fixed("CLM", "AC11", "DOE, JANE", "123456-7", "AX99887766", Decimal("200.00"), Decimal("120.00")),
    _fixed("SVC", "20261101", "E0601", "RRKX", "1", Decimal("200.00"), Decimal("140.00"), Decimal("120.00")),
    _fixed("ADJ", "CO", "45", Decimal("60.00")),
    _fixed("ADJ", "PR", "1", Decimal("20.00")),
    _fixed("CLM", "AC12", "ROE, RICHARD", "223344-1", "", Decimal("50.00"), Decimal("45.00")),
    _fixed("SVC", "20261102", "A7030", "", "1", Decimal("50.00"), Decimal("45.00"), Decimal("45.00")),
    _fixed("ADJ", "CO", "45", Decimal("5.00")),
    _fixed("PLB", "WO", "AC0987654", "", Decimal("5.00")),
    _fixed("TRL", "2", Decimal("160.00")),
]


def test_a_fixed_width_file_is_read_by_its_layouts_names_and_widths(tmp_path: Path) -> None:
    path = tmp_path / "fixed.pdf"
    path.write_bytes(pdf.text_pages([FIXED], font_size=7.0))
    remit = extract(path)
    # (The one claim printed without a member ID where the others have one is said, as in every layout.)
    assert remit.document_type == "remittance" and remit.balanced and remit.review == ["claims.1.member_id"]
    assert (remit.payer.name, remit.payee.name, remit.payee.npi, remit.payment.number, remit.payment.date,
            remit.payment.amount, remit.payment.method) == (
        "ACME HEALTH", "SUMMIT HOME MEDICAL SUPPLY", "1234567893", "88812", dt.date(2026, 11, 20),
        Decimal("160.00"), "CHK")  # "CHECK #": the number's name says how the money came
    first, second = remit.claims
    assert (first.payer_claim_number, first.patient_name, first.account_number, first.member_id) == (
        "AC11", "DOE, JANE", "123456-7", "AX99887766")
    # The empty member ID is told by its columns: the account's value stands in the account's.
    assert (second.payer_claim_number, second.account_number, second.member_id) == ("AC12", "223344-1", None)
    line = first.lines[0]
    assert (line.service_date, line.procedure, line.modifiers, line.units, line.allowed, line.paid) == (
        dt.date(2026, 11, 1), "E0601", ["RR", "KX"], 1, Decimal("140.00"), Decimal("120.00"))
    assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [("CO", "45", Decimal("60.00")),
                                                                         ("PR", "1", Decimal("20.00"))]
    assert second.lines[0].modifiers == []
    plb = remit.provider_adjustments[0]
    assert (plb.reason, plb.reference, plb.member_id, plb.amount) == ("WO", "AC0987654", None, Decimal("5.00"))


def test_a_fixed_width_row_without_its_columns_is_in_doubt_where_its_shapes_leave_two_readings() -> None:
    """Read from plain rows that lost their columns (no gap wider than one space kept), the PLB's one identifier
    could be its reference or its member ID: in doubt, not guessed."""
    rows = [" ".join(row.split()) for row in FIXED]
    remit = _read(rows)
    assert "provider_adjustments.0" in remit.review
