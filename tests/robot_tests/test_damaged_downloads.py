"""A download damaged on the way is fetched again, never read as if it were the document (corrupt-download fault)."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from night import TODAY, night
from sandbox.world import truth as sandbox_truth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_remittances_and_faxes_damaged_half_the_time_are_read_only_whole(tmp_path: Path, pg_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    monkeypatch.setenv("HME_EOB_PAYERS", "medicare")  # text remittances: their postings are known to the cent
    with night(tmp_path, pg_url, seed=11, claims=200, faults=False) as n:
        for site in ("medicare", "documents"):
            # Half the PDFs arrive with 512 bytes changed in the middle, at their full length.
            n.sites.faults[site].update({"corrupt_pdf_rate": 0.5, "seed": 3})
        policy = Policy(retries=4, backoff=0.05)
        eobs = asyncio.run(run_robot(n.config, "eobs", night=TODAY, contexts=2, vault=n.vault, policy=policy,
                                     trace=False))
        cmns = asyncio.run(run_robot(n.config, "cmns", night=TODAY, contexts=2, vault=n.vault, policy=policy,
                                     trace=False))
        assert eobs.status.value == cmns.status.value == "finished", (eobs.error, cmns.error)
        items = n.items()
        kinds = Counter(i["kind"] for i in items)
        medicare = [r for r in n.expected["remittances"] if r["payer"] == "medicare"]
        assert medicare and all(r["balanced"] for r in medicare)
        # Every Medicare remittance balances: read whole, each is posted to the cent, none "does not balance".
        assert n.ledger() == Counter(sandbox_truth.expected_ledger(medicare))
        assert kinds["unbalanced_remittance"] == 0
        # Faxed CMNs: a valid one is released, or at most sent for review; never filed with problems it has not.
        holds = {h["order_number"]: h for h in n.expected["holds"] if h["hold_type"] == "cmn"}
        released = n.released()
        assert all(holds[o]["valid"] for o in released)
        for item in items:
            if item["kind"] == "cmn_invalid":
                order = item["idempotency_key"].split(":", 1)[1]
                assert not holds[order]["valid"], item["payload"].get("findings")
        assert len(released) >= sum(h["valid"] for h in holds.values()) * 0.8
        assert eobs.units.get("failed", 0) == cmns.units.get("failed", 0) == 0
