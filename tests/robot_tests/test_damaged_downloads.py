"""A download damaged on the way is fetched again, never read as if it were the document (corrupt-download fault)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from collections import Counter
from pathlib import Path

import pytest

from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from night import TODAY, night
from sandbox.world import truth as sandbox_truth

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_remittances_and_faxes_damaged_on_the_way_are_read_only_whole(tmp_path: Path, pg_url: str) -> None:
    require_chromium()
    with night(tmp_path, pg_url, seed=11, claims=500, faults=False) as n:
        for site in ("medicare", "documents"):
            # A third of the PDFs arrive with 512 bytes changed somewhere, at their full length (15 times the
            # robots' test setting).
            n.sites.faults[site].update({"corrupt_pdf_rate": 0.3, "seed": 3})
        policy = Policy(retries=4, backoff=0.05)
        # Medicare's text remittances only: their postings are known to the cent.
        eobs = asyncio.run(run_robot(replace(n.config, eob_payers="medicare"), "eobs", night=TODAY, contexts=2, vault=n.vault, policy=policy,
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
        valid = [o for o, h in holds.items() if h["valid"]]
        assert len(valid) >= 3
        outcome = {o: [i["kind"] for i in items if i["idempotency_key"].endswith(f":{o}")] for o in valid}
        # Each valid hold released, or sent for review by a reader in doubt; none lost to a download that never
        # came whole.
        assert all(o in released or outcome[o] == ["cmn_needs_review"] for o in valid), (released, outcome)
        assert released, outcome
        assert eobs.units.get("failed", 0) == cmns.units.get("failed", 0) == 0
        # Every session the robots opened was logged out, the ones dropped after a bad download included.
        import json
        import urllib.request

        for site in ("medicare", "documents", "billing"):
            counts = json.loads(urllib.request.urlopen(n.sites.urls[site] + "/_sandbox/sessions").read())
            assert counts["logins"] > 0 and counts["logouts"] == counts["logins"], (site, counts)
