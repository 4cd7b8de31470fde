"""Rows the page's read garbled or lost where a form's rule runs (`Form.mend_ruled_lines`), with the real
Tesseract: a hospital's oxygen-test row just under its table's heading rule, and a web form's value row between
its boxes' dashed edges, faxed as the sandbox faxes them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from extractors import extract
from extractors.forms.layout import Form, _cut_stubs, _dashed_columns, _dashes, _opens_clearly, _read_surely, _rows_of
from extractors.words import Word
from sandbox.documents import forms

# Two of the sandbox's hospital CMNs (seed 77) whose page read lost the test's row whole (135) or read it
# through its rule as "$p02, room air BS 89% OO ~" (2).
_FIELDS = {
    135: '{"document_type": "cmn", "form": "CMS-484", "certification_type": "initial", "initial_date": "2026-11-05", '
         '"revised_date": null, "recertification_date": null, "patient": {"name": "KIM, PAVEL", "mbi": "6TT7H81EH72", '
         '"dob": "1937-07-27", "address": "421 SUNSET BLVD, EAGLE ID 83616"}, "supplier": {"name": '
         '"SUMMIT HOME MEDICAL SUPPLY", "nsc": "5533314789"}, "physician": {"name": "VASQUEZ, ELENA", "npi": '
         '"2981135116"}, "place_of_service": "12", "hcpcs": ["E1392"], "length_of_need_months": 99, "icd10": '
         '["J43.9", "J84.10"], "test": {"pao2_mmhg": null, "sao2_percent": 89, "date": "2026-10-11", "condition": '
         '"rest"}, "q2_circumstance": 1, "portable": "Y", "flow_rate_lpm": 3, "q7_edema": "N", "q8_cor_pulmonale": '
         '"N", "q9_hematocrit": "Y", "signature_present": true, "signature_date": "2026-11-05"}',
    2: '{"document_type": "cmn", "form": "CMS-484", "certification_type": "initial", "initial_date": "2026-11-14", '
       '"revised_date": null, "recertification_date": null, "patient": {"name": "WALSH, PIERRE", "mbi": "4AD2J85FJ24", '
       '"dob": "1956-05-30", "address": "1318 MAPLE AVE, MERIDIAN ID 83642"}, "supplier": {"name": '
       '"SUMMIT HOME MEDICAL SUPPLY", "nsc": "5533314789"}, "physician": {"name": "VASQUEZ, ELENA", "npi": '
       '"2981135116"}, "place_of_service": "12", "hcpcs": ["E1390"], "length_of_need_months": 99, "icd10": '
       '["J43.9", "J44.9"], "test": {"pao2_mmhg": null, "sao2_percent": 89, "date": "2026-10-26", "condition": '
       '"sleep"}, "q2_circumstance": 1, "portable": "D", "flow_rate_lpm": 2, "q7_edema": "N", "q8_cor_pulmonale": '
       '"Y", "q9_hematocrit": "N", "signature_present": true, "signature_date": "2026-11-14"}',
}
_DOCUMENTS = {135: {"id": 135, "doc_type": "cmn", "format": "tiff", "noise_seed": 960781047},
              2: {"id": 2, "doc_type": "cmn", "format": "pdf", "noise_seed": 716824738}}

# A grid CMN of the same world (69) whose page read lost its first row of values whole: the patient's name and
# MBI between the dashed edges of their boxes, a box's side left as ticks at the row's foot.
_GRID_FIELDS = (
    '{"document_type": "cmn", "form": "CMS-484", "certification_type": "initial", "initial_date": "2026-11-01", '
    '"revised_date": null, "recertification_date": null, "patient": {"name": "SCHMIDT, PAUL", "mbi": "7AW8EA7NV64", '
    '"dob": "1957-01-25", "address": "9131 5TH ST, EAGLE ID 83616"}, "supplier": {"name": "SUMMIT HOME MEDICAL '
    'SUPPLY", "nsc": "5533314789"}, "physician": {"name": "TRAN, MAI", "npi": "1699833970"}, "place_of_service": '
    '"12", "hcpcs": ["E0431"], "length_of_need_months": 12, "icd10": ["I27.20", "J84.10"], "test": {"pao2_mmhg": '
    'null, "sao2_percent": 87, "date": "2026-10-29", "condition": "rest"}, "q2_circumstance": 1, "portable": "Y", '
    '"flow_rate_lpm": 2, "q7_edema": "N", "q8_cor_pulmonale": "N", "q9_hematocrit": "N", "signature_present": true, '
    '"signature_date": "2026-11-01"}')


@pytest.mark.parametrize("doc_id", [135, 2])
def test_a_test_row_under_a_tables_rule_is_read_again_without_the_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc_id: int) -> None:
    fields = json.loads(_FIELDS[doc_id])
    data, content_type = forms.render(_DOCUMENTS[doc_id], fields, family="hospital")
    path = tmp_path / f"cmn-{doc_id}.{'tif' if content_type == 'image/tiff' else 'pdf'}"
    path.write_bytes(data)
    test = fields["test"]
    got = extract(path)
    assert (got.test.sao2_percent, got.test.date, got.test.condition) == (
        test["sao2_percent"], dt.date.fromisoformat(test["date"]), test["condition"])
    assert not [p for p in got.review if p.startswith("test")], got.review
    assert got.valid

    # What the page's read alone gave: the row lost or garbled (no result), the form held for a person.
    monkeypatch.setattr(Form, "mend_ruled_lines", lambda self: [])
    alone = extract(path)
    assert alone.test.sao2_percent is None and not alone.valid


def test_a_line_nothing_reads_better_is_kept_as_the_page_read_it() -> None:
    from PIL import Image

    from extractors.words import Word

    # A garbled word over blank paper: read again, nothing comes back, and the page's line stands.
    line = [Word("SpO2,", 96.0, 100, 100, 90, 30, (1, 1, 1)), Word("~", 10.0, 200, 100, 20, 30, (1, 1, 1))]
    form = Form(Image.new("1", (2550, 400), 1), line)
    assert form.mend_ruled_lines() == []
    assert form.lines == [line]


def test_a_value_row_between_dashed_box_edges_is_read_again_without_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fields = json.loads(_GRID_FIELDS)
    data, _ = forms.render({"id": 69, "doc_type": "cmn", "format": "pdf", "noise_seed": 898184860}, fields,
                           family="grid")
    path = tmp_path / "cmn-69.pdf"
    path.write_bytes(data)
    got = extract(path)
    assert got.patient.name == "SCHMIDT, PAUL" and "patient.name" not in got.review
    # The MBI read again came back with lookalikes (T for 7, B for 8): the format sets them right, in doubt.
    assert got.patient.mbi == "7AW8EA7NV64" or "patient.mbi" in got.review

    monkeypatch.setattr(Form, "mend_ruled_lines", lambda self: [])
    alone = extract(path)
    assert alone.patient.name != "SCHMIDT, PAUL" and "patient.name" in alone.review


def test_a_value_read_with_its_boxs_side_is_never_taken_as_sure(tmp_path: Path) -> None:
    # A grid CMN of the seed-91 world (129): "6" months read "16", the box's side glued before it, sure, in both
    # the page's read and the cell's. Now the side is taken off and a person confirms the 6.
    fields = json.loads(_GRID_FIELDS) | {
        "initial_date": "2026-11-12", "patient": {"name": "KOWALSKI, PATRICK", "mbi": "6YN6U70TP30",
                                                  "dob": "1942-03-02", "address": "6953 MAPLE AVE, NAMPA ID 83651"},
        "supplier": {"name": "SUMMIT HOME MEDICAL SUPPLY", "nsc": "2922677774"},
        "physician": {"name": "TRAN, MAI", "npi": "2793575095"}, "hcpcs": ["E0439"], "length_of_need_months": 6,
        "icd10": ["J43.9", "J84.10"], "test": {"pao2_mmhg": 44, "sao2_percent": None, "date": "2026-11-01",
                                               "condition": "rest"}, "portable": "D", "signature_date": "2026-11-12"}
    data, _ = forms.render({"id": 129, "doc_type": "cmn", "format": "pdf", "noise_seed": 73607992}, fields,
                           family="grid")
    path = tmp_path / "cmn-129.pdf"
    path.write_bytes(data)
    got = extract(path)
    assert got.length_of_need_months == 6 or "length_of_need_months" in got.review


def _ink(height: int, width: int) -> np.ndarray:
    return np.zeros((height, width), dtype=bool)


def test_a_dashed_rules_pieces_go_and_print_stays() -> None:
    char_h = 34
    ink = _ink(140, 600)
    ink[10:13, 20:120] = True             # a dash across
    ink[10:40, 200:203] = True            # a box's corner: a dash across and a tick down, one piece
    ink[10:13, 200:290] = True
    ink[20:90, 400:403] = True            # a side's dash, taller than any letter
    ink[95:125, 30:34] = True             # a letter's stem ("l"), as tall as print
    ink[95:125, 40:110] = np.indices((30, 70))[1] % 6 < 3  # a word run together: stems joined by a bar,
    ink[95:98, 40:110] = True                              # as wide as a rule's dash, its columns filled
    gone = _dashes(ink, char_h)
    assert gone[11, 60] and gone[25, 201] and gone[11, 250] and gone[50, 401]
    assert ink[110, 31] and not gone[110, 31] and ink[110, 60] and not gone[110, 60] and not gone[96, 70]


def test_a_crops_cut_off_ticks_go_and_its_letters_stay() -> None:
    ink = _ink(60, 300)
    ink[50:60, 10:13] = True    # a box side's tick cut by the crop's foot
    ink[0:6, 100:104] = True    # a descender of the row above, cut at the top
    ink[15:45, 200:204] = True  # a letter standing inside the crop
    cut = _cut_stubs(ink, 34)
    assert cut[55, 11] and cut[3, 101] and not cut[30, 201]


def test_a_row_read_again_is_kept_when_half_of_it_is_read_clearly() -> None:
    from extractors.words import Word

    def word(text: str, conf: float) -> Word:
        return Word(text, conf, 0, 0, 10 * len(text), 30, (1, 1, 1))

    # A name read clearly beside an MBI of lookalikes: print, kept (its MBI's doubt stays with the MBI).
    assert _read_surely([word("SCHMIDT,", 96), word("PAUL", 97), word("TAWBEATNV64", 62)])
    # The halves of a neighbour's letters: nothing read clearly.
    assert not _read_surely([word("TMAA", 82), word("aaa", 51), word("LSANOAAIINAA", 3)])
    # A garbled line read again as its label, clearly, before a value read unsurely (a mark glued to an NPI).
    assert _opens_clearly([word("Attending", 97), word("NPI", 89), word('"1856722073', 34)])
    assert not _opens_clearly([word("DME", 70), word("anda", 92), word("Cc", 53), word("Uama", 54)])
    # A question's number before its label: the label is what opens the row.
    assert _opens_clearly([word("8", 96), word("Cor", 92), word("pulmonale", 67), word("N", 93)])


def test_a_test_result_left_blank_beside_one_in_doubt_is_in_doubt_too(tmp_path: Path) -> None:
    # A worksheet CMN of the seed-21 world (27; the family kept out of tuning): its saturation's label read
    # "02 sat" went unread, the saturation left blank, and a PaO2 misread from the garbled row above in doubt.
    # The blank saturation was not: a wrong field no one would have looked at.
    fields = json.loads(_GRID_FIELDS) | {
        "initial_date": "2026-11-11", "patient": {"name": "MENDOZA, PAVEL", "mbi": "5V98XA6AK32", "dob": "1959-05-27",
                                                  "address": "6420 PINE ST, MERIDIAN ID 83642"},
        "supplier": {"name": "SUMMIT HOME MEDICAL SUPPLY", "nsc": "3664737828"},
        "physician": {"name": "MCALLISTER, DOUG", "npi": "2150211078"}, "length_of_need_months": 99,
        "icd10": ["J43.9", "J84.10"], "test": {"pao2_mmhg": None, "sao2_percent": 89, "date": "2026-10-26",
                                               "condition": "rest"},
        "portable": "D", "flow_rate_lpm": 4, "q7_edema": "Y", "signature_date": "2026-11-11"}
    data, _ = forms.render({"id": 27, "doc_type": "cmn", "format": "pdf", "noise_seed": 41020260}, fields,
                           family="worksheet")
    path = tmp_path / "cmn-27.pdf"
    path.write_bytes(data)
    got = extract(path)
    for path_, want in (("pao2_mmhg", None), ("sao2_percent", 89)):
        assert getattr(got.test, path_) == want or f"test.{path_}" in got.review, (path_, got.test, got.review)


def test_a_tables_column_rule_broken_into_ticks_goes_and_letters_in_a_column_stay() -> None:
    char_h = 30
    ink = _ink(400, 300)
    for top in range(0, 400, 60):
        ink[top:top + 18, 100:103] = True          # the rule's ticks, a fax's dashes of it
        ink[top + 40:top + 55, 100:103] = True
        ink[top + 28:top + 31, 95:108] = True      # where a row's rule crosses it: a small "+"
        ink[top + 25:top + 35, 100:103] = True
        ink[top + 15:top + 45, 200:218] = True     # a letter in the next column, every row (an "N")
        ink[top + 18:top + 40, 40:43] = True       # a label's "l" (or "i", its dot apart), every row
        ink[top + 12:top + 15, 40:43] = True
    gone = _dashed_columns(ink, char_h)
    assert gone[5, 101] and gone[125, 101] and gone[89, 96]
    assert not gone[30, 210] and not gone[30, 41]
    # A "1" alone beside the rule's column is no tick.
    ink[150:180, 130:133] = True
    assert not _dashed_columns(ink, char_h)[160, 131]


def test_a_row_a_little_off_level_read_again_stays_one_row() -> None:
    def word(text: str, left: int, top: int, height: int = 30) -> Word:
        return Word(text, 90, left, top, 20 * len(text), height, (1, 1, 1))

    # A rule's remnant made the label's boxes tall; the value, far right, sits lower (the page a little off level).
    found = [word("1b", 220, 814, 67), word("O2", 287, 814, 67), word("sat", 342, 814, 67),
             word("(%)", 408, 854, 31), word("89", 1086, 856, 29), word("Test", 300, 930)]
    rows = _rows_of(found, 30)
    assert [[w.text for w in row] for row in rows] == [["1b", "O2", "sat", "(%)", "89"], ["Test"]]
    # A box's side read as a glyph between two labels of a row, taller and lower than the print: one row still.
    found = [word("PATIENT", 204, 306, 20), word("(LAST,", 309, 305, 22), word("FIRST)", 396, 305, 22),
             word("l", 1292, 319, 31), word("|", 1326, 320, 30), word("MEDICARE", 1345, 304, 21),
             word("ID", 1480, 304, 21), word("WASHINGTON,", 203, 355, 35)]
    rows = _rows_of(found, 34)
    assert [[w.text for w in row] for row in rows] == [
        ["PATIENT", "(LAST,", "FIRST)", "l", "|", "MEDICARE", "ID"], ["WASHINGTON,"]]


def test_a_cell_read_again_is_read_without_the_rule_its_value_stands_on() -> None:
    from PIL import Image

    page = np.full((400, 1200), 255, np.uint8)
    page[200:203, 100:1100] = 0             # a signature's date line, the date's feet on it
    page[170:201, 500:504] = 0              # a stroke of the date, down to the line
    words = [Word("18-Nov-2026", 90, 480, 170, 200, 30, (1, 1, 1))]
    form = Form(Image.fromarray(page).convert("1"), words, Image.fromarray(page))
    grey, (x0, y0) = form._grey_cell(450, 160, 720, 210)
    cell = np.asarray(grey)
    assert (cell[200 - y0, 100:] == 255).all()        # the line is paper
    assert (cell[180 - y0, 500 - x0:504 - x0] == 0).all()  # the stroke above it stays
