"""Rows the page's read garbled or lost where a form's rule runs (`Form.mend_ruled_lines`), with the real
Tesseract: a hospital's oxygen-test row just under its table's heading rule, faxed as the sandbox faxes it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extractors import extract
from extractors.forms.layout import Form
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
