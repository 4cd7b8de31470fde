"""Faxed CMS-484 CMNs and written orders from the sandbox's inbox.

The rule that protects the supplier: a document comes back `valid` only when
it truly is (a robot releases the hold on it). Field accuracy on faxes is
tested on golden documents in test_form_reading.py and measured on a larger
corpus by bench/extract.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import Cmn, ExtractError, Swo, extract
from extractors.forms.rules import CMN_RULE_FIELDS, DEFAULT_RULES, SWO_RULE_FIELDS
from sandbox.documents import forms
from sandbox.world.store import Store

pytestmark = pytest.mark.slow
SAMPLE = 8


@pytest.mark.parametrize("doc_type", ["cmn", "swo"])
def test_no_invalid_document_comes_back_valid(world: Store, docs_dir: Path, doc_type: str) -> None:
    checked = 0
    for doc in world.all("SELECT * FROM documents WHERE doc_type = ? ORDER BY id LIMIT ?", doc_type, SAMPLE):
        data, content_type = forms.render(dict(doc), json.loads(doc["fields"]))
        path = docs_dir / f"{doc_type}-{doc['id']}.{'tif' if content_type == 'image/tiff' else 'pdf'}"
        path.write_bytes(data)
        try:
            document = extract(path)
        except ExtractError:
            continue  # unreadable is safe (the robot files it for a person); `checked` below counts only reads
        assert isinstance(document, Cmn if doc_type == "cmn" else Swo)
        assert document.ocr is True and document.pages >= 1
        if document.valid:
            assert doc["valid"], (doc["id"], document.problems, document.review)
            # The contract: valid means no problem and no field a rule depends on in doubt (an address may be;
            # questions 7-9 may be when the test result qualifies or fails on its own).
            fields = DEFAULT_RULES.rule_fields(document)
            assert set(fields) <= set(CMN_RULE_FIELDS if doc_type == "cmn" else SWO_RULE_FIELDS)
            assert document.problems == []
            assert not [p for p in document.review for f in fields if p == f or p.startswith(f + ".")], document.review
        truth_problems = set(json.loads(doc["problems"]))
        if truth_problems and not document.review:
            # Sure of every field: then it must have found the same problems.
            assert set(document.problems) == truth_problems, doc["id"]
        checked += 1
    assert checked >= SAMPLE // 2
