"""The supplier's billing program's CMN printout (typewriter face, "LABEL: value" pairs, dotted leaders) read
straight through: a valid form's hold is released by the CMN robot with no person, and nothing read wrong is
left unflagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bots.robots.cmn_pull import unsettled
from extractors import extract
from sandbox.documents import forms
from sandbox.world.store import Store

pytestmark = pytest.mark.slow
SAMPLE = 8


def test_valid_printouts_are_released_and_their_diagnoses_read_surely(world: Store, docs_dir: Path) -> None:
    released = sure_codes = 0
    for doc in world.all("SELECT * FROM documents WHERE doc_type = 'cmn' AND valid = 1 ORDER BY id LIMIT ?", SAMPLE):
        truth = json.loads(doc["fields"])
        data, content_type = forms.render(dict(doc), truth, family="billing")
        path = docs_dir / f"billing-{doc['id']}.{'tif' if content_type == 'image/tiff' else 'pdf'}"
        path.write_bytes(data)
        got = extract(path)
        read = got.model_dump(mode="json")
        for name in ("icd10", "hcpcs", "test.date", "signature_date", "q8_cor_pulmonale", "q9_hematocrit"):
            value = read
            for part in name.split("."):
                value = value[part]
            if value != truth[name] if "." not in name else value != truth["test"]["date"]:
                assert name in got.review, (doc["id"], name, value)  # wrong only where it says so
        sure_codes += got.icd10 == truth["icd10"] and "icd10" not in got.review
        # What the robot has beside the fax: the order on file (the patient's MBI, the order's HCPCS).
        order = {"mbi": truth["patient"]["mbi"], "hcpcs": truth["hcpcs"][0], "patient": truth["patient"]["name"],
                 "dob": truth["patient"]["dob"]}
        released += not got.problems and not unsettled(read, order)
    # Measured at this commit: 8 of 8 each (2 of 8 released and 2 of 8 diagnosis lists sure before the
    # leader's specks, the signature date's label misread and the codes after "DX:" read again were handled).
    assert released >= SAMPLE - 1 and sure_codes >= SAMPLE - 1, (released, sure_codes)
