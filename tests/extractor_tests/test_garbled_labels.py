"""Small labels a fax garbled, over their boxes' values: known by their wording within a few edits, read again
enlarged, and a value given to a label only when it stands under that label (never to the label beside it)."""

from __future__ import annotations

import pytest
from PIL import Image

from extractors.forms import cmn_rows
from extractors.forms.layout import Form
from extractors.words import Word


@pytest.mark.parametrize("garbled, key", [
    ("VPATIENT (LAST. FIRST)", "patient"),  # the box's dashed edge read into the first letter
    ("MEOICAREIDIMBD", "mbi"),  # words run together, a D read as O
    ("tBIRTHOATE", "dob"),
    ("“SUPLERNSC =SS", "nsc"),
    ('"CDIODAGNOSES', "diagnoses"),  # "ICD-10 DIAGNOSES" with its I lost and 10 read as IO
    ("PHYSICIAN NPY", "npi"),  # the longest wording found wins: the NPI's label, not the physician's
    ("HQIA PAOZMM HG", "pao2"),
    ('"CERTICATION', "certification"),
    ("PHYSICIANXQ", "physician"),  # two edits from "PHYSICIAN NPI" is too many for its length
])
def test_a_label_a_fax_garbled_is_known_by_its_wording(garbled: str, key: str) -> None:
    assert cmn_rows._misread_label_key(garbled) == key


@pytest.mark.parametrize("text", [
    "J CHRONIC STABLE, OUTPATIENT",  # "PATIENT" inside a word is no label
    "PETERSEN, PAUL", "SUMMIT HOME MEDICAL SUPPLY", "INITIAL 2026-11-05", "1699833970",
    "RNS",  # too little to tell
])
def test_values_and_words_that_hold_a_labels_letters_are_no_label(text: str) -> None:
    assert cmn_rows._misread_label_key(text) is None


def test_the_forms_title_is_no_certification_label() -> None:
    assert cmn_rows._misread_label_key("OXYGEN CERTIFICATE OF MEDICAL NECESSITY") == "skip"


def _word(text: str, left: int, top: int, conf: float = 90.0) -> Word:
    return Word(text, conf, left, top, 22 * len(text), 30, (1, 1, top))


def _form(labels: list[Word], values: list[Word]) -> Form:
    return Form(Image.new("1", (2550, 600), 1), labels + values)


def test_a_reread_row_is_cut_where_the_page_saw_a_gap_so_two_labels_never_run_together() -> None:
    # The page's read: the two labels garbled, but apart. The read again: the labels' letters, with the dashed
    # edge between the boxes read as "TL", bridging them.
    page = [_word("VQIA", 230, 100, 0), _word("PROPMMHG", 318, 100, 0), _word("QB", 976, 100, 0),
            _word("OPSATURATION", 1056, 100, 0)]
    values = [_word("82", 981, 200)]
    form = _form(page, values)
    again = [_word("Q1A", 230, 100), _word("PAO2", 310, 100), _word("MM", 410, 100), _word("HG", 470, 100),
             _word("TL" * 10, 530, 100), _word("Q1B", 976, 100), _word("O2", 1050, 100), _word("SATURATION", 1100, 100)]
    # Without the page's gap the bridged row is one cell, and 82 would be the PaO2.
    assert len(cmn_rows.cells_of(form, again)) == 1
    stacked = cmn_rows._labels_above_values(form, 0, again)
    assert stacked is not None
    assert [(key, [w.text for w in value]) for key, value in stacked if value] == [("sao2", ["82"])]


def test_a_value_past_its_labels_end_is_given_to_no_label() -> None:
    # The saturation's label read only from "SATURATION": its box's left edge is not known, and the value,
    # past the PaO2 label's end, may be under either.
    labels = [_word("PAO2", 230, 100), _word("MM", 330, 100), _word("HG", 400, 100), _word("SATURATION", 1100, 100)]
    form = _form(labels, [_word("86", 981, 200)])
    assert cmn_rows._labels_above_values(form, 0) is None


@pytest.mark.parametrize("label, key", [("ORDERING PRACTITIONER", "physician"), ("PRACTITIONER", "physician"),
                                        ("PRACTITIONER NPL", "npi"), ("SUPPLIER", "supplier")])
def test_a_wording_is_found_only_with_every_word_of_it(label: str, key: str) -> None:
    # "PRACTITIONER NPI" less its last word is three edits away, within an edit per five letters of fifteen.
    assert cmn_rows._misread_label_key(label) == key


def test_an_npi_label_with_its_i_misread_is_the_npis_not_a_second_practitioners() -> None:
    """A row's label the regular expressions take for the practitioner's ("Practitioner NPL") is the NPI's when
    its wording says so: two rows naming the practitioner would leave the name in doubt and the NPI unread."""
    from extractors.forms import cmn

    def line(number: int, *texts: str) -> list[Word]:
        return [Word(text, 95, 100 + 300 * i, 100 * number, 250, 30, (1, 1, number)) for i, text in enumerate(texts)]

    assert cmn_rows.field_of("PRACTITIONER NPL") == "physician"
    words = line(1, "Ordering", "practitioner:", "CHOWDHURY,", "ANIL") + line(2, "Practitioner", "NPL:", "2533314789")
    got = cmn.read(Form(Image.new("1", (1700, 400), 1), words))
    assert got.physician.npi == "2533314789" and got.physician.name == "CHOWDHURY, ANIL"
    assert "physician.name" not in got.review


def _list_form(code: Word) -> Form:
    heading = [_word("Equipment", 100, 100), _word("ordered", 330, 100)]
    entry = [code, _word("Oxygen", 400, 160), _word("concentrator,", 560, 160)]
    return Form(Image.new("1", (2550, 600), 1), heading + entry)


def _read_list(form: Form, renderings: list[list[Word]], limited: list[Word],
               monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    from extractors.forms import cmn
    from extractors.models import Cmn

    monkeypatch.setattr(form, "reread", lambda cells, spaced=(): [renderings for _ in cells])
    monkeypatch.setattr(form, "reread_in", lambda cells, alphabet: [limited if c else [] for c in cells])
    monkeypatch.setattr(form, "reread_numbers", lambda cells: [None for _ in cells])
    r = cmn._Reader(form)
    found = Cmn()
    cmn_rows.read_into(r, form, found)
    r.settle()
    return found.hcpcs, r.review


def test_a_list_entry_whose_code_did_not_read_as_one_is_read_again_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # "1S92" for E1392 under a fax's specks: the page's read is no code; the code's box read alone is.
    form = _list_form(_word("1S92", 120, 160, 0))
    again = [[_word("E1392", 120, 160, 91)], [_word("E1392", 120, 160, 89)], [_word("£1392", 120, 160, 60)], []]
    hcpcs, review = _read_list(form, again, [_word("E1392", 120, 160, 92)], monkeypatch)
    assert hcpcs == ["E1392"] and "hcpcs" not in review


def test_a_list_entry_read_again_differently_stays_in_doubt(monkeypatch: pytest.MonkeyPatch) -> None:
    form = _list_form(_word("1S92", 120, 160, 0))
    again = [[_word("E1392", 120, 160, 54)], [_word("E1892", 120, 160, 51)], [_word("1392", 120, 160, 35)], []]
    hcpcs, review = _read_list(form, again, [], monkeypatch)
    assert "hcpcs" in review  # whatever is offered, a person looks


def test_a_speck_glued_to_a_word_of_the_suppliers_name_is_left_out_and_the_name_in_doubt() -> None:
    read = cmn_rows._supplier_in([_word("SUMMIT.", 0, 0), _word("HOME", 200, 0), _word("MEDICAL.", 330, 0),
                                  _word("SUPPLY", 520, 0), _word("(NSC", 700, 0)])
    assert read.value == "SUMMIT HOME MEDICAL SUPPLY" and not read.sure
    assert cmn_rows._supplier_in([_word("ST.", 0, 0), _word("LUKE", 100, 0), _word("MEDICAL", 230, 0)]).sure


@pytest.mark.parametrize("value, kind", [
    ("INITIAL 2026-11-05", "certification"),
    ("1958-11-01", "dob"),
    ("2026-10-30", None),  # a recent date: the test's, the signature's or the certification's
    ("E1392", "items"),
    ("J84.10 / I27.20", "diagnoses"),
    ("TRAN, MAI MD", "physician"),
    ("SUMMIT HOME MEDICAL SUPPLY", "supplier"),
    ("PETERSEN, PAUL", None),  # a name, but whose: the patient's label is usually read; not guessed
    ("1699833970", "ten digits"),
    ("12", None),  # a place of service or a length of need
])
def test_a_value_under_a_label_past_reading_is_known_by_its_kind(value: str, kind: str | None) -> None:
    words = [_word(text, 100 + 200 * i, 200) for i, text in enumerate(value.split())]
    assert cmn_rows._kind_of_value(words) == kind


def test_a_labels_row_garbled_past_knowing_names_its_values_by_kind_for_a_person_to_confirm() -> None:
    # "PsupeueR  RNS" over "SUMMIT HOME MEDICAL SUPPLY  5533314789": the supplier and, beside it, its NSC.
    labels = [_word("PsupeueR", 100, 100, 0), _word("RNS", 1300, 100, 20)]
    values = [_word("SUMMIT", 110, 200), _word("HOME", 280, 200), _word("MEDICAL", 400, 200),
              _word("SUPPLY", 570, 200), _word("5533314789", 1310, 200)]
    form = _form(labels, values)
    stacked = cmn_rows._labels_above_values(form, 0)
    assert stacked is not None
    assert [(key, " ".join(w.text for w in value)) for key, value in stacked] == [
        ("supplier?", "SUMMIT HOME MEDICAL SUPPLY"), ("nsc?", "5533314789")]


def test_a_boxs_edge_read_as_a_glyph_beside_the_values_does_not_undo_the_row() -> None:
    # "PATIENT (LAST, FIRST)  MEDICARE ID (MBI)" over the values, the right box's edge read as a "7".
    labels = [_word("PATIENT", 100, 100), _word("(LAST,", 270, 100), _word("FIRST)", 420, 100),
              _word("MEDICARE", 1300, 100), _word("ID", 1490, 100), _word("(MBI)", 1550, 100)]
    values = [_word("WASHINGTON,", 110, 200), _word("JAMES", 370, 200), _word("2JT7TE7GA22", 1310, 200),
              _word("7", 2300, 200, 40)]
    stacked = cmn_rows._labels_above_values(_form(labels, values), 0)
    assert stacked is not None
    assert [(key, " ".join(w.text for w in value)) for key, value in stacked] == [
        ("patient", "WASHINGTON, JAMES"), ("mbi", "2JT7TE7GA22")]
    # And a box's edge beside a value does not hide the value's kind.
    assert cmn_rows._kind_of_value([_word("TRAN,", 100, 200), _word("MAI", 250, 200), _word("MD", 350, 200),
                                    _word("|,", 450, 200)]) == "physician"
    assert cmn_rows._kind_of_value([_word("1856722073", 100, 200), _word("I", 400, 200)]) == "ten digits"


def test_one_label_read_as_its_neighbours_leaves_both_values_to_their_kinds() -> None:
    # "PHYSICIAN  PHYSICIAN NPI" with the NPI garbled: two labels read "PHYSICIAN", over a name and a number.
    labels = [_word("PHYSICIAN", 100, 100), _word("PHYSICIAN", 1300, 100), _word("NE", 1560, 100, 30)]
    values = [_word("TRAN,", 110, 200), _word("MAI", 260, 200), _word("MD", 360, 200), _word("2793575095", 1310, 200)]
    stacked = cmn_rows._labels_above_values(_form(labels, values), 0)
    assert stacked is not None
    assert [(key, " ".join(w.text for w in value)) for key, value in stacked] == [
        ("physician?", "TRAN, MAI MD"), ("npi?", "2793575095")]


def test_a_boxs_side_read_glued_to_a_value_is_taken_off_and_the_value_left_in_doubt() -> None:
    # "LENGTH OF NEED (MONTHS)" over "6", the box's left side read with it as "16" half a character before the
    # label (a web form prints the two in line): 16 months would have been taken, sure, for 6.
    labels = [_word("ICD-10", 100, 100), _word("DIAGNOSES", 250, 100), _word("LENGTH", 1300, 100),
              _word("OF", 1450, 100), _word("NEED", 1520, 100), _word("(MONTHS)", 1630, 100)]
    values = [_word("J43.9", 100, 200), _word("16", 1270, 200)]
    stacked = cmn_rows._labels_above_values(_form(labels, values), 0)
    assert stacked is not None
    assert [(key, " ".join(w.text for w in value)) for key, value in stacked] == [
        ("diagnoses", "J43.9"), ("need!", "6")]
    # The side read as a backslash ("\\6", the night world's grid CMN for order O000075): the same.
    values = [_word("J43.9", 100, 200), _word("\\6", 1270, 200)]
    stacked = cmn_rows._labels_above_values(_form(labels, values), 0)
    assert stacked is not None and ("need!", ["6"]) in [(k, [w.text for w in v]) for k, v in stacked]
    # A value in line with its label keeps every glyph, and is not in doubt for it.
    values = [_word("J43.9", 100, 200), _word("16", 1300, 200)]
    stacked = cmn_rows._labels_above_values(_form(labels, values), 0)
    assert stacked is not None and ("need", ["16"]) in [(k, [w.text for w in v]) for k, v in stacked]


def test_a_value_starting_with_its_boxs_side_two_characters_before_its_label_is_still_its_labels() -> None:
    # "PLACE OF SERVICE" over "||12" read as "1112", starting at the box's side, left of the label by more than
    # a character: the value is the place of service's (in doubt), not a reason to read the row as no labels.
    labels = [_word("HCPCS", 250, 100), _word("PLACE", 1390, 100), _word("OF", 1520, 100),
              _word("SERVICE", 1580, 100)]
    values = [_word("E1392", 250, 200), _word("1112", 1337, 200)]
    stacked = cmn_rows._labels_above_values(_form(labels, values), 0)
    assert stacked is not None
    assert [(key, " ".join(w.text for w in value)) for key, value in stacked] == [
        ("items", "E1392"), ("place!", "112")]


def test_a_rules_dash_read_as_letters_does_not_join_two_labels_into_one_cell() -> None:
    # "ICD-10 DIAGNOSES  ...  LENGTH OF NEED (MONTHS)" with the dashed rule between them read as "Be SS SS",
    # three pixels tall: the gap between the labels still parts them.
    line = [_word("ICD-10", 240, 100), _word("DIAGNOSES", 346, 100)]
    line += [Word(text, 5.0, left, 104, 40, 3, (1, 1, 100)) for text, left in (("Be", 560), ("SS", 900), ("SS", 1170))]
    line += [_word("LENGTH", 1426, 100), _word("OF", 1580, 100), _word("NEED", 1650, 100)]
    form = _form(line, [_word("J43.9", 240, 200), _word("6", 1426, 200)])
    assert [cmn_rows._text(cell) for cell in cmn_rows.cells_of(form, line)] == ["ICD-10 DIAGNOSES", "LENGTH OF NEED"]


def test_a_line_of_specks_between_labels_and_their_values_is_no_line() -> None:
    assert cmn_rows._specks_alone([_word("\\", 220, 300, 69)])
    assert cmn_rows._specks_alone([_word("i]", 220, 300, 49)])
    assert not cmn_rows._specks_alone([_word("12", 1330, 300, 96)])   # a value alone, read surely
    assert not cmn_rows._specks_alone([_word("Y", 900, 300, 40), _word("Hematocrit", 200, 300, 40)])


def test_a_rows_label_read_with_two_letters_as_one_still_names_its_field() -> None:
    """A serif face's "li" read as "h" at 92 ("Suppher  SUMMIT HOME MEDICAL SUPPLY"): no keyword matches, but the
    label's wording does once "li" and "h" are one glyph, and the supplier is read, not left blank."""
    from extractors.forms import cmn

    assert cmn_rows.field_of("SUPPHER") is None and cmn_rows._misread_label_key("SUPPHER") == "supplier"
    # The label left, its value in the value column (as an ordering platform prints them).
    words = [Word("Suppher", 92, 100, 100, 150, 30, (1, 1, 1))] + [
        Word(text, 95, 800 + 200 * i, 100, 180, 30, (1, 1, 1)) for i, text in enumerate(["SUMMIT", "HOME", "MEDICAL",
                                                                                        "SUPPLY"])]
    got = cmn.read(Form(Image.new("1", (2200, 300), 1), words))
    assert got.supplier.name == "SUMMIT HOME MEDICAL SUPPLY"
    # Prose is no label however its letters fold: nothing is read from it.
    assert cmn_rows._misread_label_key("I CERTIFY THAT") is None


@pytest.mark.parametrize("caption", ["SIGNATURE OF ORDERING PHYSICIAN DATE SIGNED",
                                     "‘SIGNATURE OF ORDERING PHYSICIAN DATE SIGNED",  # a speck glued to its word
                                     "STGNATURE OF ORDERING PHYSICIAN DATE SIGNED",  # the small print's I misread
                                     "PHYSICIAN'S S1GNATURE"])
def test_a_signature_caption_misread_in_small_print_still_says_where_the_hand_signed(caption: str) -> None:
    assert cmn_rows._INKED_SIGNATURE.match(caption)


def test_other_words_are_no_signature_caption() -> None:
    assert not cmn_rows._INKED_SIGNATURE.match("STAGNATION OF ORDERING PHYSICIAN")
    assert not cmn_rows._INKED_SIGNATURE.match("PHYSICIAN NAME")


@pytest.mark.parametrize(("text", "value"), [("Other", 3), ("OU Other", 3), ("Other circumstance", 3),
                                             ("Within 2 days of discharge", 2), ("Chronic stable, outpatient", 1)])
def test_a_test_circumstance_is_named_by_its_words_a_box_read_as_a_short_word_before_them(text: str, value: int
                                                                                        ) -> None:
    words = [Word(part, 90.0, 100 * i, 0, 80, 20, (0, 0, 0)) for i, part in enumerate(text.split())]
    assert cmn_rows._circumstance_in(words).value == value


def test_other_words_before_other_are_no_circumstance_of_their_own() -> None:
    words = [Word(part, 90.0, 100 * i, 0, 80, 20, (0, 0, 0)) for i, part in enumerate("Discharge planning other".split())]
    assert cmn_rows._circumstance_in(words).value != 3
