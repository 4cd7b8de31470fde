"""A billing program's CMN printout read by meaning: "LABEL: value" pairs two to a row, Section B's answers
behind dotted leaders, two-digit years whose century the field tells, HCPCS codes with their modifiers."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image

from extractors.forms import by_meaning, cmn_rows, values
from extractors.forms.layout import Form
from extractors.words import Word


def _row(top: int, *cells: str, conf: float = 92.0) -> list[Word]:
    """Words of one row; cells apart by a wide gap, words of a cell by one space (monospace, 20 px a glyph)."""
    words, left = [], 100
    for cell in cells:
        for text in cell.split():
            words.append(Word(text, conf, left, top, 20 * len(text), 30, (1, 1, top)))
            left += 20 * (len(text) + 1)
        left += 400
    return words


def _form(*rows: list[Word]) -> Form:
    return Form(Image.new("1", (2550, 1200), 1), [w for row in rows for w in row])


def test_a_row_of_two_label_value_pairs_gives_each_label_its_value() -> None:
    row = _row(100, "CERT TYPE: INITIAL 11/02/26", "HCPCS: E1390-RR")
    pairs = cmn_rows.label_pairs(_form(row), row)
    assert pairs is not None
    assert [(key, " ".join(w.text for w in value)) for key, value in pairs] == [
        ("certification", "INITIAL 11/02/26"), ("items", "E1390-RR")]


@pytest.mark.parametrize("cells", [
    ("PATIENT: KOWALSKI, JOSE",),  # one pair: the usual row reading
    ("1A ARTERIAL PO2 (MM HG)", "55"),  # a question and its answer: no colon label
    ("REMARKS: SEE CHART", "PAGE 1 OF 2"),  # a second cell that names no field: one pair only
])
def test_a_row_that_is_not_two_pairs_is_left_to_the_usual_reading(cells: tuple[str, ...]) -> None:
    row = _row(100, *cells)
    assert cmn_rows.label_pairs(_form(row), row) is None


def test_a_dotted_leader_parts_a_question_from_its_answer() -> None:
    # The page's read: the slash in the question would open a wide gap; the leader is read as dots and "eee".
    row = _row(100, "7 DEPENDENT EDEMA / CHF ................ N")
    label, value = cmn_rows.split_row(_form(row), row)
    assert [w.text for w in label] == ["7", "DEPENDENT", "EDEMA", "/", "CHF"] and [w.text for w in value] == ["N"]
    garbled = _row(100, "9 HEMATOCRIT > 56% ....... 2. eee eee N")
    for word in garbled[6:8]:
        object.__setattr__(word, "conf", 20.0)  # the leader's dots read as letters, unsure
    label, value = cmn_rows.split_row(_form(garbled), garbled)
    assert [w.text for w in value] == ["N"]
    # The answer run into the leader ("..............N"): a word of its own, where it stands.
    glued = _row(100, "8 COR PULMONALE / PULM HTN ..............N")
    label, value = cmn_rows.split_row(_form(glued), glued)
    assert [w.text for w in value] == ["N"] and value[0].left == glued[-1].left + 14 * 20
    specked = _row(100, "9 HEMATOCRIT > 56% ..............2-222-. N")
    assert [w.text for w in cmn_rows.split_row(_form(specked), specked)[1]] == ["N"]
    # An empty answer: nothing after the leader, no value.
    blank = _row(100, "1A ARTERIAL PO2 (MM HG) ...........-0000-")
    assert cmn_rows.split_row(_form(blank), blank)[1] == []


def _date(text: str, parse: object) -> values.Read[dt.date]:
    return parse([Word(text, 95, 0, 0, 160, 30, (1, 1, 1))])  # type: ignore[operator,no-any-return]


def test_a_two_digit_year_takes_the_century_its_field_allows() -> None:
    signed = _date("11/02/26", by_meaning.recent_date_in)
    assert signed.value == dt.date(2026, 11, 2) and signed.sure
    born = _date("12/26/40", by_meaning.birth_date_in)
    assert born.value == dt.date(1940, 12, 26) and born.sure  # 2040 is not yet
    # Born in 1926 or in 2026: not guessed sure.
    assert not _date("01/05/26", by_meaning.birth_date_in).sure
    # A date of unknown kind, and a form's own date years ahead, are in doubt.
    assert not _date("11/02/26", values.date_in).sure
    assert not _date("11/02/40", by_meaning.recent_date_in).sure
    assert _date("11/02/2026", values.date_in).sure  # four digits as before


def test_a_hcpcs_code_with_its_modifier_reads_as_the_code() -> None:
    pieces = cmn_rows._code_pieces([Word("E1390-RR,", 92, 0, 0, 180, 30, (1, 1, 1)),
                                    Word("E0431-RR", 92, 200, 0, 160, 30, (1, 1, 1))])
    assert [c.value for c in values.hcpcs_in(pieces)] == ["E1390", "E0431"]
    assert [c.value for c in values.icd10_in(cmn_rows._code_pieces([Word("I27.20,", 92, 0, 0, 140, 30, (1, 1, 1))]))] \
        == ["I27.20"]


def test_a_cmn_whose_title_was_lost_is_known_by_its_certification_and_oxygen_test() -> None:
    from extractors.api import detect

    body = ("CERTIFICATION TYPE INITIAL CERTIFICATION\nPATIENT WALSH, PIERRE\nEQUIPMENT (HCPCS) E1390 - OXYGEN "
            "CONCENTRATOR\nSPO2, ROOM AIR 89 % 26-OCT-2026 ASLEEP\nDME VENDOR SUMMIT HOME MEDICAL SUPPLY")
    assert detect(body) == "cmn"
    assert detect("HOME OXYGEN CERTIFICATION (CM S-484)\n") == "cmn"  # the form number, however spaced
    # An order for oxygen equipment names no test result: it stays an order.
    order = ("PLEASE DISPENSE TO MY PATIENT: OXYGEN CONCENTRATOR, HCPCS E1390, QUANTITY 1\n"
             "PATIENT WALSH, PIERRE MEDICARE 4AD2J85FJ24")
    assert detect(order) == "swo"


def test_a_capital_i_after_a_small_letter_in_a_name_is_a_guess() -> None:
    def name(*texts: str) -> values.Read[str]:
        return values.name_in([Word(t, 95, 120 * i, 0, 100, 30, (1, 1, 1)) for i, t in enumerate(texts)])

    assert not name("Cohen,", "DanieI").sure  # "Daniel" with its l read as I, at 95
    assert name("Cohen,", "Daniel").sure and name("KOWALSKI,", "JOSE").sure


def test_a_guess_every_read_repeats_does_not_outvote_a_read_as_printed() -> None:
    def name(text: str, conf: float) -> values.Read[str]:
        return values.name_in([Word("Cohen,", 96, 0, 0, 120, 30, (1, 1, 1)), Word(text, conf, 140, 0, 120, 30, (1, 1, 1))])

    # The page read "Daniel" as printed; three renderings read "Danie!", each made DANIEI to fit a name.
    settled = values.settled(name("Daniel", 95.8), [name("Danie!", 83), name("Danie!", 85), name("Danie!", 96)])
    assert not settled.sure



def test_a_leader_read_as_specks_at_almost_no_confidence_still_parts_question_and_answer() -> None:
    # The typewriter's dots read as digits, marks and small letters, none of it with "..." in one word.
    row = _row(100, "1C TEST DATE 0.2.22. eee e eee eee ses 10/22/26")
    for word, conf in zip(row[3:9], (10, 0, 0, 23, 12, 3)):
        object.__setattr__(word, "conf", conf)
    label, value = cmn_rows.split_row(_form(row), row)
    assert [w.text for w in label] == ["1C", "TEST", "DATE"] and [w.text for w in value] == ["10/22/26"]
    # The leader's last dots read as zeros and twos, glued to the answer; or glued into a word of their own.
    glued = _row(100, "9 HEMATOCRIT > 56% ..............0000202N")
    assert [w.text for w in cmn_rows.split_row(_form(glued), glued)[1]] == ["N"]
    apart = _row(100, "9 HEMATOCRIT > 56% ...........00200000ee N")
    object.__setattr__(apart[4], "conf", 0.0)
    assert [w.text for w in cmn_rows.split_row(_form(apart), apart)[1]] == ["N"]
    # An answer of such digits alone is the answer ("......20": a flow rate of 20).
    flow = _row(100, "5 MAX FLOW RATE (LPM) ......20")
    assert [w.text for w in cmn_rows.split_row(_form(flow), flow)[1]] == ["20"]


def test_the_signature_date_is_read_over_its_label_misread_and_a_speck_after_it() -> None:
    from extractors.forms.cmn import _Reader
    from extractors.models import Cmn

    date = _row(100, "11/07/26")
    for word in date:
        object.__setattr__(word, "left", 1460)
    label = _row(160, "PHYSICIAN SIGNATURE", "OATE -")  # "DATE" with its D read as O, a speck after it
    form = _form(date, label)
    reader, cmn, line = _Reader(form), Cmn(), form.lines[-1]
    assert cmn_rows._signature(reader, form, cmn, line, cmn_rows._text(line), {})
    reader.settle()
    assert cmn.signature_date == dt.date(2026, 11, 7)


def test_an_icd10_codes_first_letter_is_settled_by_its_reads_together_and_the_classification() -> None:
    def read(text: str, conf: float = 80.0) -> values.Read[str]:
        return values.icd10_in([Word(text, conf, 0, 0, 120, 30, (1, 1, 1))])[0]

    # A typewriter J read as 3 (a guess at J, B or E) and as I (I, J, L or T): only J is both, J43.9 a code.
    reads = [read("343.9"), read("I43.9", 79), read("343.9"), read("343.9", 0)]
    assert not values.settled(reads[0], reads[1:]).sure
    settled = values.icd10_letter_by_classification(reads)
    assert settled is not None and settled.value == "J43.9" and settled.sure
    # Read as 3 alone: B43.9 is a code too, so the letter is not known.
    assert values.icd10_letter_by_classification([read("343.9")] * 4) is None
    # Too few reads agree on the rest, or another read's rest could be a code: not settled.
    assert values.icd10_letter_by_classification([read("343.9"), read("I43.9")]) is None
    assert values.icd10_letter_by_classification([*reads, read("I44.9", 90), read("I44.9", 90),
                                                  read("I44.9", 90), read("I44.9", 90)]) is None
    # One read alone, its code none the classification holds ("S43.9", a small print's J): the one its glyph's
    # letters make, in doubt; none where the code read is one (S72.001A stays as read, for a person).
    alone = values.icd10_letter_by_classification([read("S43.9", 55)])
    assert alone is not None and alone.value == "J43.9" and not alone.sure
    assert values.icd10_letter_by_classification([read("S43.9", 55), read("S84.10", 55)]) is None


def test_an_empty_boxs_misread_word_is_told_apart_by_its_likeness_to_an_option() -> None:
    from PIL import ImageDraw

    image = Image.new("L", (600, 120), 255)
    draw = ImageDraw.Draw(image)
    for index in range(3):
        x = 40 + index * 140
        draw.rectangle((x, 40, x + 37, 77), outline=0, width=4)
        if index == 1:  # "No" crossed
            draw.line((x + 6, 46, x + 31, 71), fill=0, width=6)
            draw.line((x + 31, 46, x + 6, 71), fill=0, width=6)
    form = Form(image.point(lambda v: 0 if v < 128 else 255, mode="1"), [])
    # The printout's "Yes" read with its box's glyph and its Y lost; "No" and "N/A" with their boxes' glyphs.
    words = [Word(text, conf, 40 + i * 140 + 30, 45, 70, 30, (1, 1, 1))
             for i, (text, conf) in enumerate((("Ores", 28), ("&INo", 69), ("LIN/A", 56)))]
    parse = cmn_rows._CHOICES["q9"][1]
    alone = cmn_rows._boxed_choice(form, words, parse)
    assert alone is not None and alone.value == "N" and not alone.sure
    told = cmn_rows._boxed_choice(form, words, parse, cmn_rows._SPELLED["q9"])
    assert told is not None and told.value == "N" and told.sure
    # A word near no option, or near two alike, names none: still in doubt.
    assert cmn_rows._nearest_option([Word("CON", 20, 0, 0, 60, 30, (1, 1, 1))], cmn_rows._SPELLED["q9"]) is None


def test_a_speck_no_rendering_of_its_cell_finds_is_no_value_written_in() -> None:
    from extractors.forms.cmn import _Reader

    form = _form()  # a blank page: no rendering of any cell finds a word
    speck = Word("5", 0.0, 1000, 100, 20, 30, (1, 1, 1))  # a leader's last dot, read as "5" at 0
    kept: dict[str, object] = {}
    reader = _Reader(form)
    for path, required in (("test.sao2_percent", False), ("q9_hematocrit", True)):
        reader.confirm(path, values.integer_in([speck], 1, 100), reader.cell_of(speck),
                       lambda ws: values.integer_in(ws, 1, 100), lambda v, path=path: kept.__setitem__(path, v),
                       required=required)
    reader.settle()
    # Blank where a blank is allowed; a field that must be there still goes to a person.
    assert kept["test.sao2_percent"] is None and "test.sao2_percent" not in reader.review
    assert "q9_hematocrit" in reader.review


def test_a_result_glued_to_its_unit_reads_with_the_unit_cut_anywhere() -> None:
    from extractors.forms.cmn import _unit_off

    assert [_unit_off(Word(t, 90, 0, 0, 60, 30, (1, 1, 1))).text for t in ("51mmHg", "51m", "91%", "57")] == \
        ["51", "51", "91", "57"]
    assert cmn_rows._SIGNED_DATE.search("SIGNATURE OF ORDERING PHYSICIAN DATE SIGNEA")


def test_a_speck_before_the_signature_lines_label_does_not_hide_the_label() -> None:
    from extractors.forms.cmn import _Reader
    from extractors.models import Cmn

    label = _row(160, ". PHYSICIAN SIGNATURE", "DATE")
    form = _form(label)
    seen: dict[str, int] = {}
    assert cmn_rows._signature(_Reader(form), form, Cmn(), form.lines[0], cmn_rows._text(form.lines[0]), seen)
    assert seen.get("signature") == 1  # the ink over the rule is looked for: the signature is not left unknown


def test_a_long_question_run_up_to_its_boxes_is_parted_where_its_options_start() -> None:
    row = _row(100, "Q8 Cor pulmonale / pulm. hypertension OlYes BINo CNA")  # no gap before the boxes
    start = cmn_rows._options_start("q8", row)
    assert start is not None and [w.text for w in row[start:]] == ["OlYes", "BINo", "CNA"]
    assert cmn_rows._options_start("q8", _row(100, "Q8 Cor pulmonale / pulm. hypertension")) is None


def test_a_dollar_where_an_icd10_code_starts_is_an_s_or_a_j_the_classification_tells() -> None:
    def read(text: str) -> values.Read[str]:
        return values.icd10_in([Word(text, 80.0, 0, 0, 120, 30, (1, 1, 1))])[0]

    # S84.10 is no billable code (an injury's code has seven characters); J84.10 is.
    settled = values.icd10_letter_by_classification([read("$84.10")] * 3)
    assert settled is not None and settled.value == "J84.10" and settled.sure


def test_a_hospitals_wording_and_its_test_table_are_read_by_meaning() -> None:
    """A case-management system's print: its own words for the fields ("Medicare #", "DME vendor", "Attending
    physician"), the certification's type and date on rows of their own, dates day first, a list's heading
    with its code on one row, and the oxygen test as a table row (test, result, date, condition)."""
    from extractors.forms.cmn import read

    rows = [("Certification type", "Initial certification"), ("Certification date", "11-Nov-2026"),
            ("Patient", "Fischer, Linda"), ("Birth date", "15-Jul-1963"), ("Medicare #", "1AY4V70JA94"),
            ("DME vendor", "Summit Home Medical Supply"), ("Vendor NSC #", "2922677774"),
            ("Attending physician", "Vasquez, Elena MD"), ("Attending NPI", "1806628313"),
            ("Equipment (HCPCS)", "E0439 - oxygen concentrator"), ("Diagnosis codes", "I27.20; J84.10"),
            ("SpO2, room air", "88 % 26-Oct-2026 Asleep")]
    form = _form(_row(60, "ST ALPHONSUS REGIONAL MEDICAL CENTER"),
                 _row(100, "Case Management Home Oxygen Certification (CMS-484)"),
                 *[_row(160 + 50 * i, label, value) for i, (label, value) in enumerate(rows)])
    cmn = read(form)
    assert (cmn.certification_type, cmn.initial_date) == ("initial", dt.date(2026, 11, 11))
    assert (cmn.patient.mbi, cmn.patient.dob) == ("1AY4V70JA94", dt.date(1963, 7, 15))
    assert (cmn.supplier.name, cmn.supplier.nsc) == ("SUMMIT HOME MEDICAL SUPPLY", "2922677774")
    assert (cmn.physician.name, cmn.physician.npi) == ("VASQUEZ, ELENA", "1806628313")
    assert cmn.hcpcs == ["E0439"] and cmn.icd10 == ["I27.20", "J84.10"]
    assert (cmn.test.sao2_percent, cmn.test.date, cmn.test.condition) == (88, dt.date(2026, 10, 26), "sleep")


def test_an_intake_worksheets_shorthand_labels_and_dates_without_zeros_are_read_by_meaning() -> None:
    """A practice's worksheet: "Pt:", "MD:", "LON (mo):", "Hct", three "label: value" pairs to a row, dates
    month/day/year without their zeros, the signature's date after "Date:" on the signature's row."""
    from extractors.forms.cmn import read

    form = _form(_row(60, "HOME OXYGEN - CMN WORKSHEET (CMS-484)"),
                 _row(110, "Pt: FISCHER, DANIEL", "DOB: 8/29/1936", "Cert: Initial 11/1/2026"),
                 _row(160, "MBI#: 2RH8V80UF14", "POS: 12", "HCPCS: E0439"),
                 _row(210, "MD: MCALLISTER, DOUG", "NPI: 2873331138", "LON (mo): 12"),
                 _row(260, "Supplier; SUMMIT HOME MEDICAL SUPPLY", "NSC: 5533314789"),  # a colon read ";"
                 _row(310, "1b O2sat (%)", "89"), _row(360, "7 Edema / CHF", "Y"), _row(410, "9 Hct > 56%", "N"),
                 _row(460, "Physician signature:", "Date: 11/5/2026"))
    cmn = read(form)
    assert (cmn.patient.name, cmn.patient.dob) == ("FISCHER, DANIEL", dt.date(1936, 8, 29))
    assert (cmn.certification_type, cmn.initial_date) == ("initial", dt.date(2026, 11, 1))
    assert (cmn.physician.name, cmn.physician.npi, cmn.length_of_need_months) == ("MCALLISTER, DOUG", "2873331138", 12)
    assert (cmn.supplier.name, cmn.supplier.nsc) == ("SUMMIT HOME MEDICAL SUPPLY", "5533314789")
    assert (cmn.test.sao2_percent, cmn.q7_edema, cmn.q9_hematocrit) == (89, "Y", "N")
    assert cmn.signature_date == dt.date(2026, 11, 5)
    for path in ("patient.dob", "initial_date", "signature_date", "length_of_need_months", "physician.name"):
        assert path not in cmn.review


@pytest.mark.parametrize("text, want", [
    ("3/2/1942", dt.date(1942, 3, 2)), ("11/1/2026", dt.date(2026, 11, 1)), ("03/02/1942", dt.date(1942, 3, 2)),
    ("1/05/2026", None),  # a zero printed beside one lost: no print program does both
])
def test_a_date_without_its_zeros_is_a_date_and_half_zeroed_is_none(text: str, want: dt.date | None) -> None:
    assert values.date_in([Word(text, 95, 0, 0, 200, 30, (1, 1, 1))]).value == want


def test_one_page_printing_dates_both_with_and_without_zeros_puts_its_dates_in_doubt() -> None:
    from extractors.forms.cmn import read

    assert values.unpadded_among_padded(["DOB: 03/02/1942", "Date: 11/5/2026"])
    assert not values.unpadded_among_padded(["DOB: 3/2/1942", "Date: 11/5/2026", "11/11/2026"])
    assert not values.unpadded_among_padded(["DOB: 03/02/1942", "Date: 11/15/2026"])
    form = _form(_row(60, "HOME OXYGEN - CMN WORKSHEET (CMS-484)"),
                 _row(110, "Pt: FISCHER, DANIEL", "DOB: 08/29/1936", "Cert: Initial 11/1/2026"))
    cmn = read(form)
    assert cmn.patient.dob == dt.date(1936, 8, 29) and {"patient.dob", "initial_date"} <= set(cmn.review)


def _at(top: int, *cells: tuple[int, str], height: int = 30) -> list[Word]:
    """Words of one row, each cell starting where a form prints it (20 px a glyph)."""
    words = []
    for left, cell in cells:
        for text in cell.split():
            words.append(Word(text, 92, left, top, 20 * len(text), height, (1, 1, top)))
            left += 20 * (len(text) + 1)
    return words


def test_captions_under_their_values_are_read_with_the_row_above_and_answers_before_their_questions() -> None:
    """A typed form: each value on a rule with its caption under it (the row above a caption is its values',
    told by what the values are), dates with dashes, Section B's answers typed before their numbered questions,
    the test's condition by its CMS-484 number, the signature's date over its caption."""
    from extractors.forms.cmn import read

    def pair(top: int, *cells: tuple[int, str, str]) -> list[list[Word]]:
        return [_at(top, *((x, value) for x, value, _ in cells)),
                _at(top + 40, *((x, caption) for x, _, caption in cells), height=22)]

    form = _form(_at(40, (100, "Oyelaran Health Partners")),
                 _at(80, (100, "Home oxygen - certificate of medical necessity (CMS-484 content), typed for the supplier")),
                 *pair(130, (100, "JOHANSSON, LUIS", "Beneficiary name (last, first)"),
                       (1000, "08-11-1940", "Date of birth"), (1600, "8M52XV9HW58", "Medicare ID (MBI)")),
                 *pair(230, (100, "Initial", "Certification type"), (1000, "11-10-2026", "Certification date"),
                       (1600, "12", "Place of service")),
                 *pair(330, (100, "SUMMIT HOME MEDICAL SUPPLY", "Supplier"), (1000, "5533314789", "Supplier NSC")),
                 *pair(430, (100, "OYELARAN, FUNMI", "Ordering physician"), (1000, "1862551185", "Physician NPI")),
                 *pair(530, (100, "J44.9 I27.20", "Diagnoses (ICD-10)"), (1000, "E0431", "HCPCS"),
                       (1600, "12", "Est. length of need (months)")),
                 _at(640, (100, "83"), (500, "1b. Oxygen saturation (%)")),
                 _at(690, (100, "10-30-2026"), (500, "1c. Date of the test")),
                 _at(740, (100, "2"), (500, "3. Condition of the test: 1 at rest, 2 exercise, 3 sleep")),
                 _at(790, (100, "D"), (500, "4. Mobile within the home, portable oxygen ordered (Y/N/D)")),
                 _at(860, (1300, "11-12-2026")), _at(910, (100, "Physician signature"), (1300, "Date signed")))
    cmn = read(form)
    assert (cmn.patient.name, cmn.patient.dob, cmn.patient.mbi) == ("JOHANSSON, LUIS", dt.date(1940, 8, 11),
                                                                    "8M52XV9HW58")
    assert (cmn.certification_type, cmn.initial_date, cmn.place_of_service) == ("initial", dt.date(2026, 11, 10), "12")
    assert (cmn.supplier.name, cmn.supplier.nsc) == ("SUMMIT HOME MEDICAL SUPPLY", "5533314789")
    assert (cmn.physician.name, cmn.physician.npi) == ("OYELARAN, FUNMI", "1862551185")
    assert (cmn.icd10, cmn.hcpcs, cmn.length_of_need_months) == (["J44.9", "I27.20"], ["E0431"], 12)
    assert (cmn.test.sao2_percent, cmn.test.date, cmn.test.condition, cmn.portable) == (
        83, dt.date(2026, 10, 30), "exercise", "D")
    assert cmn.signature_date == dt.date(2026, 11, 12)
    assert "supplier.name" not in cmn.review and "supplier.nsc" not in cmn.review


def test_labels_over_values_stay_so_when_their_values_fit_below() -> None:
    """A web form's labels above their boxes: the values below fit, the row above (another box's values) does
    not, so the page is read downwards as before."""
    form = _form(_at(100, (100, "Patient (last, first)"), (1000, "Medicare ID (MBI)")),
                 _at(140, (100, "SCHMIDT, MARY"), (1000, "6A73HR2QR39")),
                 _at(200, (100, "Birth date"), (1000, "Physician NPI")), _at(240, (100, "1949-09-08"), (1000, "1862551185")),
                 _at(300, (100, "Supplier"), (1000, "Supplier NSC")),
                 _at(340, (100, "SUMMIT HOME MEDICAL SUPPLY"), (1000, "5533314789")))
    rows, step = cmn_rows._labels_rows(form)
    assert step == 1 and [(k, " ".join(w.text for w in v)) for k, v in rows[4]] == [
        ("supplier", "SUMMIT HOME MEDICAL SUPPLY"), ("nsc", "5533314789")]


def test_a_bracket_opening_a_diagnosis_is_its_j_and_brackets_around_a_code_are_not() -> None:
    reads = values.icd10_in([Word(")43.9;", 30, 0, 0, 120, 30, (1, 1, 1)), Word("(J44.9)", 90, 200, 0, 140, 30, (1, 1, 1))])
    assert [r.value for r in reads] == ["J43.9", "J44.9"]
    assert reads[0].guessed and not reads[0].sure  # a bracket for a J is a guess every rendering repeats


def test_a_title_naming_the_certification_is_not_the_certifications_row() -> None:
    from extractors.forms.cmn import read

    form = _form(_row(60, "Case Management | Home Oxygen Certification (CMS-484)", "Encounter 77335362"),
                 _row(110, "Certification type", "Initial certification"), _row(160, "Certification date", "18-Nov-2026"))
    cmn = read(form)
    assert (cmn.certification_type, cmn.initial_date) == ("initial", dt.date(2026, 11, 18))
    assert "certification_type" not in cmn.review and "initial_date" not in cmn.review


def test_a_length_of_need_with_its_boxs_side_glued_before_it_is_the_number_in_doubt() -> None:
    read = cmn_rows.months_in([Word("/12", 90, 0, 0, 60, 30, (1, 1, 1))])
    assert read.value == 12 and read.ok and not read.sure
    assert cmn_rows.months_in([Word("12", 90, 0, 0, 40, 30, (1, 1, 1))]).sure
    # No length of need has three digits: a box's sides read as ones before it ("1112" for ||12), the fewest taken.
    for printed in ("1112", "112"):
        read = cmn_rows.months_in([Word(printed, 90, 0, 0, 80, 30, (1, 1, 1))])
        assert read.value == 12 and read.ok and not read.sure
    # Its label garbled past its first word ("ENC OF NEED (MONTHS)") is still known by the rest of it.
    assert cmn_rows._misread_label_key("“ENC OF NEED (MONTHS)") == "need"
