"""Each field's page and box (the contract's `fields`): the text under a field's box is the value read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from extractors import extract
from extractors.locate import _forms, _leaves
from sandbox.documents import eob, spr
from sandbox.world.store import Store


def _text_under(path: Path, page: int, box: list[float]) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        textpage = pdf_page.get_textpage()
        x0, y0, x1, y1 = box
        # A hair inside the box: the text of the glyphs it covers, not of its neighbours.
        text = textpage.get_text_bounded(left=x0 * width + 0.5, bottom=(1 - y1) * height + 0.5,
                                         right=x1 * width - 0.5, top=(1 - y0) * height - 0.5)
        textpage.close()
        return " ".join(text.split()).upper().replace(",", "").replace("$", "")
    finally:
        document.close()


def _leaf_paths(document: object) -> list[str]:
    dumped = document.model_dump(exclude={"problems", "review", "pages", "ocr", "fields", "balanced",  # type: ignore[attr-defined]
                                          "document_type"})
    paths = []
    for path, _ in _leaves(dumped):
        head, _, leaf = path.rpartition(".")
        if head.endswith((".modifiers", ".remarks")):
            path = head  # a list of codes is one field, boxed whole
        if not path.endswith(".status") and path != "payer.id" and path not in paths:
            paths.append(path)
    return paths


def _line_band(document: object, path: str) -> tuple[int, list[float]] | None:
    """The page and the full-width band of rows a service line's boxed fields stand on (None for no line's
    field): where a line's value is printed, if anywhere."""
    match = re.match(r"(claims\.\d+\.lines\.\d+)\.", path)
    if match is None:
        return None
    boxes = [b for p, b in document.fields.items() if p.startswith(match.group(1) + ".")]  # type: ignore[attr-defined]
    if not boxes or len({b.page for b in boxes}) != 1:
        return None
    return boxes[0].page, [0.0, min(b.box[1] for b in boxes), 1.0, max(b.box[3] for b in boxes)]


def _value(document: object, path: str) -> object:
    value = document
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else getattr(value, part)  # type: ignore[index]
    return value


# The held-out EOB layout is mostly not read yet: its few fields are no measure of where boxes land.
@pytest.mark.parametrize("family", ["spr", *(f for f in eob.FAMILIES if f != eob.HELD_OUT)])
def test_every_text_field_is_boxed_where_its_value_is_printed(world: Store, second_world: Store, docs_dir: Path,
                                                            family: str) -> None:
    # The test world's checks, topped up from the second world where the deal gave a layout no text check.
    chosen: list[tuple[Store, Any]] = []
    for store in (world, second_world):
        rows = store.all("SELECT id, payer_key, check_number FROM remittances ORDER BY id")
        chosen += [(store, r) for r in rows if (r["payer_key"] == "medicare") == (family == "spr") and (
            family == "spr" or (eob.family_of(r["check_number"]) == family and not eob.is_scanned(r["check_number"])))]
    chosen = chosen[:3]
    assert chosen
    located = total = 0
    for store, row in chosen:
        path = docs_dir / f"boxes-{'a' if store is world else 'b'}{row['id']}.pdf"
        path.write_bytes((spr.render if family == "spr" else eob.render)(store, row["id"]))
        document = extract(path)
        printed = " ".join(_text_under(path, page, [0.0, 0.0, 1.0, 1.0]) for page in range(1, document.pages + 1))
        for field in _leaf_paths(document):
            box = document.fields.get(field)
            value = _value(document, field)
            # A service line's value is printed, if anywhere, on its line's rows; any other on the page.
            band = _line_band(document, field)
            where = _text_under(path, *band) if band else printed
            shown = any(" ".join(f) in where for one in (value if isinstance(value, list) else [value])
                        for f in _forms(one))
            if box is None and shown and not isinstance(value, list):
                # Printed there only as often as other fields boxed with the same value: those printings are
                # theirs (a letter's "allowed $0.00 and paid $0.00" prints no deductible of 0.00).
                times = max(f" {where} ".count(f" {' '.join(f)} ") for f in _forms(value))
                shown = times > sum(1 for other in document.fields if other != field
                                    and (band is None or other.startswith(field.rsplit(".", 1)[0] + "."))
                                    and _value(document, other) == value)
            if box is None and not shown:
                # A sum the page prints nowhere (an export's claim of several lines), a deductible only the
                # adjustments tell: no box to give.
                continue
            total += 1
            if box is None:
                continue
            located += 1
            assert 0 <= box.box[0] < box.box[2] <= 1 and 0 <= box.box[1] < box.box[3] <= 1, (field, box)
            assert 1 <= box.page <= document.pages
            under = _text_under(path, box.page, box.box)
            values = value if isinstance(value, list) else [value]
            # A word's box holds the value as printed; a row's box (confidence None) holds it among others.
            for one in values:
                forms = [" ".join(f) for f in _forms(one)]
                assert any(f in under for f in forms), (row["id"], field, one, under[:120])
            if box.confidence is not None:
                assert box.confidence == 1.0  # a text layer is read for certain
    assert located >= 0.95 * total, f"{located} of {total} fields boxed"


def test_a_scanned_remittances_boxes_fall_on_its_rows(world: Store, docs_dir: Path) -> None:
    rows = world.all("SELECT id, check_number FROM remittances WHERE payer_key = 'bluriver' ORDER BY id")
    row = next(r for r in rows if eob.is_scanned(r["check_number"]) and eob.family_of(r["check_number"]) != eob.HELD_OUT)
    path = docs_dir / f"boxes-scan-{row['id']}.pdf"
    path.write_bytes(eob.render(world, row["id"]))
    document = extract(path)
    paths = _leaf_paths(document)
    boxed = [p for p in paths if p in document.fields]
    assert len(boxed) >= 0.8 * len(paths), f"{len(boxed)} of {len(paths)}"
    # Each claim's fields stand on or below its patient's row (an export prints the patient on the line's own row,
    # where a scan's words' tops differ by a little), and its lines in order down the page.
    for index, claim in enumerate(document.claims):
        name = document.fields.get(f"claims.{index}.patient_name")
        paid = [document.fields.get(f"claims.{index}.lines.{n}.paid") for n in range(len(claim.lines))]
        if name is None or any(p is None for p in paid):
            continue
        tops = [(p.page, p.box[1]) for p in paid if p]
        assert all((name.page, name.box[1] - 0.005) < t for t in tops)
        assert tops == sorted(tops)
    word_level = [b.confidence for b in document.fields.values() if b.confidence is not None]
    assert word_level and all(0 <= c <= 1 for c in word_level) and min(word_level) < 1.0  # OCR is never certain


def test_a_faxed_cmns_values_are_boxed_where_printed_and_its_check_marks_are_not(world: Store,
                                                                                docs_dir: Path) -> None:
    import json

    from sandbox.documents import forms

    boxed = 0
    # The CMS-484's own form, boxes and all (the office's and the EHR's print): where its boxes stand is known.
    docs = [doc for doc in world.all("SELECT * FROM documents WHERE doc_type = 'cmn' ORDER BY id")
            if forms.family_of("cmn", json.loads(doc["fields"])) in ("office", "ehr")][:8]
    for doc in docs:
        data, content_type = forms.render(dict(doc), json.loads(doc["fields"]))
        path = docs_dir / f"boxes-cmn-{doc['id']}.{'tif' if content_type == 'image/tiff' else 'pdf'}"
        path.write_bytes(data)
        document = extract(path)
        assert "certification_type" not in document.fields and "portable" not in document.fields  # check marks
        name, mbi = document.fields.get("patient.name"), document.fields.get("patient.mbi")
        if mbi is None or name is None:
            continue  # read from the cell read again, not as the page's words print it: no box, not a wrong one
        boxed += 1
        # The patient's name and MBI stand in one box of Section A: the name above the MBI, both on the left half.
        assert name.page == mbi.page and 1 <= mbi.page <= document.pages
        assert name.box[1] < mbi.box[1] and 0 < mbi.box[0] < mbi.box[2] < 0.6
        assert mbi.confidence is None or mbi.confidence < 1.0  # a fax is never read for certain
    # Three in four at least (a value settled by its cell's reads alone has no page box to give).
    assert boxed >= 0.75 * len(docs), f"{boxed} of {len(docs)} CMNs had their patient boxed"
