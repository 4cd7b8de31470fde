"""What the readers settle by meaning and arithmetic, found on documents printed by other systems
(the foreign samples that came with the design documents): a split amount, a damaged procedure code, a check amount confirmed by its claims,
a verdict that rests on a field in doubt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extractors.forms import cmn
from extractors.forms.rules import CMN_RULE_FIELDS, SWO_RULE_FIELDS, verdict
from extractors.forms.values import date_in, icd10_in, integer_in, mbi_by_format, mbi_in
from extractors.models import Adjustment, Payee, Payer, Payment, Remittance, RemittanceClaim, ServiceLine
from extractors.remittance import balance, spr
from extractors.words import Word


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
    # Its one claim was read without the payer's number for it (the claim's key): in doubt by that alone, which
    # the EOB robot settles by account, date of service and billed.
    assert {"claims.0.payer_claim_number", "claims.0"} <= set(sure.review)
    assert not any(p.startswith("claims.0.") and p != "claims.0.payer_claim_number" for p in sure.review)
    off = _remittance("86.00", ocr=True)
    balance.check(off)
    # Read by OCR, the imbalance may be a misread: the verdict itself is under review.
    assert not off.balanced and {"payment.amount", "balanced"} <= set(off.review)
    # A text layer's imbalance may be the payer's, or a layout read for the first time and read wrong: the
    # verdict is in doubt there too, and with it all the page was read to say (the check's sum vouched for it).
    printed = _remittance("86.00", ocr=False)
    balance.check(printed)
    assert not printed.balanced and printed.review[0] == "payment.amount"
    assert {"balanced", "payer", "payee", "payment", "claims", "provider_adjustments"} <= set(printed.review)


def test_a_claim_or_line_that_does_not_balance_is_in_doubt_whole() -> None:
    remit = _remittance("80.00", ocr=False)
    remit.claims[0].lines[0].paid = Decimal("81.00")  # the line no longer balances, nor the claim, nor the check
    balance.check(remit)
    assert {"claims.0.lines.0", "claims.0.lines.0.paid", "claims.0", "claims.0.paid"} <= set(remit.review)
    remit = _remittance("80.00", ocr=False)
    remit.claims[0].allowed = Decimal("70.00")  # the claim's total against its lines: the claim alone
    balance.check(remit)
    assert "claims.0" in remit.review and not any(p.startswith("claims.0.lines") for p in remit.review)


def test_a_verdict_that_rests_on_a_field_in_doubt_is_itself_in_doubt() -> None:
    review, valid = verdict(["test.date"], [], CMN_RULE_FIELDS)
    assert not valid and {"valid", "problems"} <= set(review)
    review, valid = verdict(["patient.address"], [], CMN_RULE_FIELDS)  # no rule reads it
    assert valid and review == ["patient.address"]
    # An order's rules read each item's HCPCS, not its quantity or description.
    assert verdict(["items.0.quantity", "items.0.description"], [], SWO_RULE_FIELDS)[1]
    assert not verdict(["items.0.hcpcs"], [], SWO_RULE_FIELDS)[1]
    assert not verdict(["items"], [], SWO_RULE_FIELDS)[1]


def _words(*texts: str, conf: float = 90.0) -> list[Word]:
    out, left = [], 100
    for text in texts:
        out.append(Word(text, conf, left, 200, 20 * len(text), 30, (1, 1, 1)))
        left += 20 * len(text) + 20
    return out


def test_a_typewriters_dotted_zero_read_as_6_8_or_9_gives_the_one_real_date_in_doubt() -> None:
    for printed, meant in (("86/17/1959", dt.date(1959, 6, 17)), ("89/17/2826", dt.date(2026, 9, 17)),
                           ("09/86/2026", dt.date(2026, 9, 6))):
        read = date_in(_words(printed, conf=96.0))
        assert read.value == meant and read.guessed and not read.sure, printed
    assert date_in(_words("13/45/2026")).value is None  # nothing a zero would mend
    # "2826": 2026 needs one zero, 2020 two: the fewest changes decide.
    assert date_in(_words("96/69/2826")).value == dt.date(2026, 6, 9)
    sure = date_in(_words("09/17/2026", conf=96.0))
    assert sure.value == dt.date(2026, 9, 17) and sure.sure and not sure.guessed


def test_an_mbi_ocr_split_in_two_is_read_from_both_words() -> None:
    read = mbi_in(_words("2TE3DC6]", "K76"))
    assert read.value == "2TE3DC6JK76" and read.guessed  # the bracket taken for a J is a guess
    assert mbi_in(_words("2TE3DC6", "NSC")).value is None


def test_an_icd10_code_split_after_its_letter_is_read_whole() -> None:
    assert [r.value for r in icd10_in(_words("J", "84.10", "J", "96.11"))] == ["J84.10", "J96.11"]
    guessed = icd10_in(_words("}", "44.9"))  # a J whose hook met its bar, split off
    assert [r.value for r in guessed] == ["J44.9"] and guessed[0].guessed
    assert [r.value for r in icd10_in(_words("A", "12"))] == []  # no code: a letter and a number stay apart


def test_a_code_glued_to_the_diagnosis_label_without_its_colon_is_cut_from_the_label() -> None:
    assert [w.text for w in cmn._unglued_codes(_words("(ICD-10)J", "84.10"))] == ["J", "84.10"]
    assert [w.text for w in cmn._unglued_codes(_words("(ICD-10);}", "44.9"))] == ["}", "44.9"]
    assert [w.text for w in cmn._unglued_codes(_words("(ICD-10):J43.9"))] == ["J43.9"]
    assert [w.text for w in cmn._unglued_codes(_words("(ICD-10):"))] == []
    assert [w.text for w in cmn._unglued_codes(_words("J84.10)"))] == ["J84.10)"]  # no label in it


def test_a_label_word_ocr_gave_a_digit_is_not_the_length_of_need() -> None:
    words = _words("(#0F", "MONTHS):", "99", "1-99")
    assert integer_in([w for w in words if cmn.re.fullmatch(r"\W*\d{1,2}\W*", w.text)][:1], 1, 99).value == 99


def test_a_birth_date_whose_label_was_misread_is_read_from_the_patients_row_in_doubt() -> None:
    from PIL import Image

    from extractors.forms.layout import Form

    row = _words("PLACE", "OF", "SERVICE", "12", "HCPCS", "CODEE0431", "E0431", "Pt", "008", "08/20/1956", conf=95.0)
    read = cmn._dob_unlabelled(Form(Image.new("L", (2000, 400), 255), row))
    assert read.value == dt.date(1956, 8, 20) and not read.sure
    no_date = _words("PLACE", "OF", "SERVICE", "12", "HCPCS", "CODE", "E0431")
    assert cmn._dob_unlabelled(Form(Image.new("L", (2000, 400), 255), no_date)).value is None


def test_an_adjustment_read_in_doubt_says_whether_its_code_or_only_its_amount_was() -> None:
    from extractors.lines import Line
    from extractors.remittance import commercial
    from extractors.remittance.common import Trust

    def read(confs: list[float]) -> list[str]:
        words = "10/01/26-10/01/26 E0431 1 95.00 51.63 0.00 25.00 26.63 CO-45 43.37; PR-3 25.00".split()
        text, spans = "", []
        for word, conf in zip(words, [96.0] * 8 + confs):
            if text:
                text += " "
            spans.append((len(text), len(text) + len(word), conf))
            text += word
        match = commercial._LINE.match(text)
        assert match is not None
        trust = Trust()
        found = commercial._adjustments(Line(text, spans), match, "claims.0.lines.0", trust)
        assert [(a.group, a.reason, str(a.amount)) for a in found] == [("CO", "45", "43.37"), ("PR", "3", "25.00")]
        return trust.review

    assert read([96.0, 96.0, 96.0, 96.0]) == []
    assert read([96.0, 96.0, 96.0, 41.0]) == ["claims.0.lines.0.adjustments.1.amount"]
    assert read([96.0, 96.0, 41.0, 96.0]) == ["claims.0.lines.0.adjustments.1.code"]  # "PR-3" itself
    assert read([3.0, 41.0, 96.0, 96.0]) == ["claims.0.lines.0.adjustments.0.code",
                                             "claims.0.lines.0.adjustments.0.amount"]


def test_a_group_code_with_its_o_read_as_q_is_the_contractual_group() -> None:
    from extractors.lines import fix_word

    assert fix_word("CQ-45") == "CO-45" and fix_word("PR-3;") == "PR-3;"


def test_a_medicare_adjustment_code_read_in_doubt_is_listed_as_that_adjustments() -> None:
    from extractors.lines import Line

    def row(text: str, doubtful: str = "") -> Line:
        spans, at = [], 0
        for word in text.split():
            spans.append((at, at + len(word), 30.0 if word == doubtful else 96.0))
            at += len(word) + 1
        return Line(" ".join(text.split()), spans)

    _, _, review = spr.parse([
        row("NAME SMITH, MARY HIC 7CJ0W72MR28 ACNT 223514-5 ICN 27236611157876 ASG Y MOA MA18"),
        row("1575513134 1219 121925 12 1 A7030 NU 534.94 286.66 0.00 57.33 CO-45 248.28 224.74"),
        row("PR-2 57.33", doubtful="PR-2"),
    ])
    assert review == ["claims.0.lines.0.adjustments.1.code"]


def test_a_hcpcs_whose_dotted_zero_read_as_two_glyphs_is_read_in_doubt() -> None:
    from extractors.forms.values import hcpcs_in

    [read] = hcpcs_in(_words("KO0001", conf=95.0))
    assert read.value == "K0001" and read.guessed and not read.sure
    assert hcpcs_in(_words("E04310")) == []  # six characters with no two zeros side by side: no code
    [split] = hcpcs_in(_words("K00011", conf=95.0))
    assert split.value == "K0011" and not split.sure  # which zero was one glyph is a guess
    [plain] = hcpcs_in(_words("K0001", conf=95.0))
    assert plain.sure and not plain.guessed


def test_a_name_one_glyph_from_a_word_the_ocr_model_knows_is_a_likely_misread() -> None:
    from extractors.names import likely_misread

    assert all(likely_misread(n) for n in ("SCHMIDT, DANTEL", "SCHMIOT, TUNDE", "ROSST, ELLEN", "NOVAK, INGRIO"))
    assert not any(likely_misread(n) for n in ("SCHMIDT, DANIEL", "ADEYEMI, TUNDE", "YAZZIE, YUKI", "OKONKWO, PRIYA"))


def test_a_lines_dotted_zeros_read_as_6_8_9_are_put_back_where_one_mending_makes_its_arithmetic_hold() -> None:
    from decimal import Decimal as D

    from extractors.models import Adjustment, Remittance, RemittanceClaim, ServiceLine
    from extractors.remittance import repair

    # A denial whose zero columns read "6.00", "0.06", "9.00": every rule holds only with them all zeros.
    denied = ServiceLine(billed=D("1450.00"), allowed=D("6.00"), deductible=D("0.06"), coinsurance=D("0.00"),
                         paid=D("9.00"), adjustments=[Adjustment(group="CO", reason="16", amount=D("1450.00"))])
    # A paid line whose paid "162.35" should be 102.35 (billed less adjustments, allowed less the copay).
    paid = ServiceLine(billed=D("210.00"), allowed=D("127.35"), coinsurance=D("25.00"), paid=D("162.35"),
                       adjustments=[Adjustment(group="CO", reason="45", amount=D("82.65")),
                                    Adjustment(group="PR", reason="3", amount=D("25.00"))])
    remit = Remittance(claims=[RemittanceClaim(lines=[denied]), RemittanceClaim(lines=[paid])])
    review = repair.repair(remit, paid_is_allowed_less_share=True)
    assert (denied.allowed, denied.deductible, denied.paid, paid.paid) == (D("0.00"), D("0.00"), D("0.00"), D("102.35"))
    assert {"claims.0.lines.0.allowed", "claims.0.lines.0.deductible", "claims.0.lines.0.paid",
            "claims.1.lines.0.paid"} <= set(review)
    # Two mendings as likely (paid "160.00" as 100.00, or the adjustment "60.00" as 0.00): nothing is guessed.
    torn = ServiceLine(billed=D("160.00"), paid=D("160.00"), adjustments=[Adjustment(group="CO", reason="45",
                                                                                    amount=D("60.00"))])
    claim = RemittanceClaim(lines=[torn])  # no claim totals to tell which
    assert repair.repair(Remittance(claims=[claim])) == []
    assert (torn.paid, torn.adjustments[0].amount) == (D("160.00"), D("60.00"))


def test_a_dotted_zero_read_as_a_6_here_and_an_8_there_is_outvoted_by_the_reads_that_see_the_zero() -> None:
    from extractors.forms.values import Read, settled

    # An office's face puts a dot in its zeros: the page read K6001, the cell's glyphs set apart K8001; three
    # renderings and every glyph-by-glyph read saw K0001, none of them surely.
    zero = [Read("K0001", 39), Read("K0001", 42, guessed=True), Read("K0001", 7)]
    by_glyphs = [Read("K0001", 79)] * 3
    found = settled(Read("K6001", 13), zero, None, by_glyphs, Read("K8001", 67), Read("K8001", 79))
    assert found.sure and found.value == "K0001"
    # Every objector saw the same 6: it may be a 6. Not settled.
    assert not settled(Read("K6001", 13), zero, None, by_glyphs, Read("K6001", 67), Read("K6001", 79)).sure
    # An objector that differs elsewhere than at a zero (a 3 for a 1): not a dotted zero. Not settled.
    assert not settled(Read("K6001", 13), zero, None, by_glyphs, Read("K0003", 67), Read("K0003", 79)).sure
    # A glyph-by-glyph read saying otherwise: not settled.
    assert not settled(Read("K6001", 13), zero, None, [*by_glyphs[:2], Read("K6001", 79)], Read("K8001", 67),
                       Read("K8001", 79)).sure


def test_an_icd10_code_the_classification_does_not_hold_is_a_misread_never_sure() -> None:
    from extractors import icd10

    assert icd10.is_billable("J84.10") and icd10.is_billable("J4490") is False and icd10.is_billable("J44.9")
    assert not icd10.is_billable("A84.10")  # J84.10 with its hook lost: the format, but no such code
    assert not icd10.is_billable("S84.10")  # a category that must be subdivided is not billed
    read = icd10_in([Word("A84.10", 96.0, 0, 0, 60, 12, 0), Word("J43.9", 96.0, 80, 0, 50, 12, 0)])
    assert [(r.value, r.ok) for r in read] == [("A84.10", False), ("J43.9", True)]


def test_a_check_of_which_no_claim_was_read_does_not_balance_on_a_zero_read_as_its_amount() -> None:
    # First contact with a layout whose claims were not found: "0.00" read as the check's amount (a section's
    # total) equals the sum of nothing; nothing was understood, so nothing balances.
    empty = Remittance(payer=Payer(name="P"), payee=Payee(name="S", npi="1234567893"),
                       payment=Payment(number="1", date=dt.date(2026, 9, 28), amount=Decimal("0.00")))
    balance.check(empty)
    assert not empty.balanced and "UNBALANCED_PAYMENT" in empty.problems and "claims" in empty.review
