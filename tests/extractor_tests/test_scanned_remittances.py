"""Scanned EOBs (no text layer): read by OCR, and every field read wrong is one a person will see.

Accuracy on scans is measured by bench/extract.py; this test holds the rule that matters most:
no silent errors (a wrong value outside `review` in a remittance that claims to balance).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from expected import field_diff, remittance
from extractors import extract
from sandbox.documents import eob
from sandbox.world.store import Store

pytestmark = pytest.mark.slow
SAMPLE = 6


def _covered(path: str, review: list[str]) -> bool:
    base = path.split(" (length")[0]
    return any(base == r or base.startswith(r + ".") or r.startswith(base + ".") for r in review)


def test_scanned_eobs_have_no_silent_errors(world: Store, docs_dir: Path) -> None:
    rows = [r for r in world.all("""SELECT r.id, r.check_number FROM remittances r WHERE payer_key = 'bluriver'
                                    ORDER BY (SELECT count(*) FROM remit_claims WHERE remit_id = r.id), r.id""")
            if eob.is_scanned(r["check_number"])][:SAMPLE]
    assert len(rows) == SAMPLE
    silent: dict[int, list[str]] = {}
    for row in rows:
        path = docs_dir / f"scan-{row['id']}.pdf"
        path.write_bytes(eob.render(world, row["id"]))
        document = extract(path)
        assert document.ocr is True and document.pages >= 1
        got = document.model_dump(mode="json")
        want = remittance(world, row["id"])
        wrong = [p for key in ("payer", "payee", "payment", "claims", "provider_adjustments")
                 for p in field_diff(want[key], got[key], key)]
        if document.balanced:
            missed = [p for p in wrong if not _covered(p, document.review)]
            if missed:
                silent[row["id"]] = missed
    assert not silent, silent
