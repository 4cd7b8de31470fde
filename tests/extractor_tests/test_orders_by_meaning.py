"""Written orders with no form: an office's note that orders equipment, its elements where the note puts
them. Drawn here in a layout and wording the sandbox never prints (the sandbox's own letter family is
held out of tuning and measured apart by bench/extract.py), faxed with the sandbox's noise, read whole."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from PIL import Image

from extractors import extract
from extractors.forms import by_meaning
from extractors.forms.layout import Form
from extractors.validators import is_npi
from extractors.words import Word
from sandbox.documents import pdf, scan

MBI = "1EG4TE5MK73"
NPI = next(f"176054321{d}" for d in range(10) if is_npi(f"176054321{d}"))


def _note(*, signed: bool, date_words: bool, seed: int) -> bytes:
    rng = random.Random(seed)
    p = scan.Page()
    p.text(36, 36, "RIVERSIDE PULMONARY CLINIC", 13, bold=True)
    p.text(36, 54, "2100 N 5TH ST, BOISE ID 83702   TEL (208) 555-0110", 8)
    p.text(36, 88, "Date: " + ("October 14, 2026" if date_words else "10/14/2026"), 10)
    p.text(36, 112, "Patient: DOE, JANE        DOB: 03/04/1948", 10)
    p.text(36, 128, f"Medicare: {MBI}", 10)
    p.text(36, 156, "Rx: please supply the following.", 10)
    p.text(56, 176, "1) E0431   Portable oxygen system   Qty: 1", 10)
    p.text(56, 194, "2) E1390   Oxygen concentrator   Qty: 1", 10)
    if signed:
        p.signature(40, 250, rng)
    p.text(36, 280, "JONES, MARY, MD", 10)
    p.text(36, 296, f"NPI: {NPI}", 10)
    noise = scan.Noise(skew_deg=1.0, speckle=0.0003, blur=0.5, bilevel=True)
    return pdf.image_pages([scan.degrade(p.image, rng, noise)], dpi=scan.DPI, title="FAX")


@pytest.mark.parametrize("date_words", [False, True])
def test_an_order_written_as_a_clinic_note_is_read_by_meaning(tmp_path: Path, date_words: bool) -> None:
    path = tmp_path / "note.pdf"
    path.write_bytes(_note(signed=True, date_words=date_words, seed=7))
    got = extract(path)
    assert got.document_type == "swo"
    assert got.order_date == dt.date(2026, 10, 14)  # the one date that is no birth date
    assert got.patient.name == "DOE, JANE" and got.patient.mbi == MBI
    assert [(i.hcpcs, i.description, i.quantity) for i in got.items] == [
        ("E0431", "PORTABLE OXYGEN SYSTEM", 1), ("E1390", "OXYGEN CONCENTRATOR", 1)]
    assert got.practitioner.name == "JONES, MARY" and got.practitioner.npi == NPI
    assert got.signature_present
    assert got.valid, got.review  # straight-through: nothing in doubt that a rule reads


def test_an_unsigned_note_is_not_valid(tmp_path: Path) -> None:
    path = tmp_path / "note.pdf"
    path.write_bytes(_note(signed=False, date_words=False, seed=8))
    got = extract(path)
    assert not got.signature_present and not got.valid and "MISSING_SIGNATURE" in got.problems


def _form(*lines: str) -> Form:
    words = []
    for row, text in enumerate(lines):
        left = 100
        for token in text.split():
            words.append(Word(token, 95.0, left, 100 + 60 * row, 20 * len(token), 30, (1, 1, row)))
            left += 20 * len(token) + 20
    return Form(Image.new("L", (2400, 200 + 60 * len(lines)), 255), words)


def test_the_orders_date_by_meaning_is_the_one_date_no_label_calls_another() -> None:
    letter = _form("October 14, 2026", "Re: DOE, JANE DOB 03/04/1948", "Signed 10/15/2026")
    read, _ = by_meaning.the_one_date(letter)
    assert read.value == dt.date(2026, 10, 14)
    two = _form("10/14/2026", "Re: DOE, JANE", "seen on 10/01/2026")
    assert by_meaning.the_one_date(two)[0].value is None  # which one is the order's? a person says


def test_a_page_is_an_order_by_what_it_asks_for_not_by_its_title() -> None:
    assert by_meaning.is_order("Please dispense to my patient: walker, HCPCS E0143. Medicare number 1EG4TE5MK73")
    assert by_meaning.is_order("Rx: KO001 standard wheelchair\nPatient: DOE, JANE")  # a dotted zero read as O
    assert not by_meaning.is_order("FAX  RE: DOCUMENTATION AS REQUESTED  PAGES: 2")
    assert not by_meaning.is_order("Dear Sir, please find enclosed our invoice.")


@pytest.mark.parametrize("said, present, doubted", [
    ("Electronically signed by Jane Jones, MD on 11/12/2026", True, False),
    ("Order pending signature", False, False),
    ("Electronically signed by Jane Jones, MD   Awaiting co-signature", False, True),
])
def test_an_ehr_orders_signature_said_in_words_is_read_from_them(said: str, present: bool, doubted: bool) -> None:
    from extractors.forms import swo

    order = swo.read(_form("AMBULATORY ORDER - DURABLE MEDICAL EQUIPMENT", "Patient: Doe, Jane",
                           "Order date: 11/12/2026", "1 Walker folding wheeled E0143",
                           "Authorizing provider: Jane Jones, MD", said))
    assert order.signature_present is present
    assert ("signature_present" in order.review) is doubted


def test_a_mixed_case_name_whose_small_letters_ran_together_is_never_sure() -> None:
    from extractors.forms import values
    from extractors.names import likely_misread

    # "ri" printed close reads "n": every rendering alike, so only the word list can tell.
    assert likely_misread("MARTIN INGND") and not likely_misread("MARTIN INGRID")
    read = values.name_in([Word("Martin,", 96, 0, 0, 140, 30, (1, 1, 1)), Word("Ingnd", 93, 160, 0, 100, 30, (1, 1, 1))])
    assert not read.ok and not read.sure
    assert values.name_in([Word("Martin,", 96, 0, 0, 140, 30, (1, 1, 1)),
                           Word("Ingrid", 93, 160, 0, 120, 30, (1, 1, 1))]).sure


def _ehr_order(seed: int) -> bytes:
    """Another EHR's printout (not the sandbox's): the practitioner a "provider", first name first, the NPI after
    the name on its row; the items a table whose quantity column comes first."""
    rng = random.Random(seed)
    p = scan.Page()
    p.text(36, 36, "LAKEVIEW FAMILY MEDICINE", 13, bold=True)
    p.text(36, 60, "DME ORDER", 11, bold=True)
    p.text(36, 88, "Patient: Doe, Jane     DOB: 03/04/1948", 10)
    p.text(36, 104, f"Medicare (MBI): {MBI}", 10)
    p.text(36, 120, "Order date: 10/14/2026", 10)
    p.text(36, 148, "Quantity", 9, bold=True)
    p.text(110, 148, "Description", 9, bold=True)
    p.text(360, 148, "HCPCS", 9, bold=True)
    for y, (count, what, code) in ((166, ("2", "Portable oxygen system", "E0431")),
                                   (182, ("1", "Oxygen concentrator", "E1390"))):
        p.text(44, y, count, 10)
        p.text(110, y, what, 10)
        p.text(360, y, code, 10)
    p.text(36, 214, f"Ordering provider: Mary Jones, DO   NPI {NPI}", 10)
    p.text(36, 232, "Electronically signed by Mary Jones, DO on 10/14/2026", 10)
    noise = scan.Noise(skew_deg=0.8, speckle=0.0003, blur=0.5, bilevel=True)
    return pdf.image_pages([scan.degrade(p.image, rng, noise)], dpi=scan.DPI, title="FAX")


def test_an_ehr_order_names_its_provider_first_name_first_and_counts_items_under_their_quantity_column(
        tmp_path: Path) -> None:
    path = tmp_path / "ehr.pdf"
    path.write_bytes(_ehr_order(seed=11))
    got = extract(path)
    assert got.document_type == "swo"
    assert [(i.hcpcs, i.quantity) for i in got.items] == [("E0431", 2), ("E1390", 1)]
    assert got.practitioner.name == "JONES, MARY" and got.practitioner.npi == NPI
    assert got.signature_present


class _Lines:
    """Just the rows of a page and its character height: what a column's header is found from."""

    def __init__(self, rows: list[str]) -> None:
        self.char_h = 20.0
        self.lines = [[Word(text, 90.0, 100 * i, 40 * n, 60, 20, (0, 0, n)) for i, text in enumerate(row.split())]
                      for n, row in enumerate(rows)]


@pytest.mark.parametrize(("header", "sure"), [("Qty Item Code", True), ("Quantity Description HCPCS", True),
                                              ("ety tem ede", False), ("ay tem ede", False)])
def test_a_quantity_column_is_told_by_its_header_a_letter_off_in_doubt(header: str, sure: bool) -> None:
    column = by_meaning._quantity_column(_Lines([header, "1 Cpap device E0601"]), 1)  # type: ignore[arg-type]
    assert column is not None and column[2] is sure


# (Two letters off, "ay", only beside another header known a letter off: "ay see all" heads nothing.)
@pytest.mark.parametrize("header", ["# Item Code", "Line Item Code", "Patient: Doe, Jane MRN: 13034876",
                                    "ay see all"])
def test_a_numbering_column_or_another_row_is_no_quantity_column(header: str) -> None:
    assert by_meaning._quantity_column(_Lines([header, "1 Cpap device E0601"]), 1) is None  # type: ignore[arg-type]
