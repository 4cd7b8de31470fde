"""A portal that is down or wants a new password stops cleanly: one item for the RPA admins, no crash loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from night import TODAY, night

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_expired_password_and_maintenance_each_file_one_item(tmp_path: Path, database_url: str) -> None:
    require_chromium()
    with night(tmp_path, database_url, seed=5, claims=150, faults=False) as n:
        n.sites.faults["medicare"].update({"password_expired": True})
        n.sites.faults["documents"].update({"maintenance": True})
        policy = Policy(retries=2, backoff=0.05, breaker_threshold=3)
        status = asyncio.run(run_robot(n.config, "claim-status", night=TODAY, vault=n.vault, policy=policy,
                                       trace=True))
        cmns = asyncio.run(run_robot(n.config, "cmns", night=TODAY, vault=n.vault, policy=policy, trace=True))
        items = n.items()
        failures = [i for i in items if i["kind"] == "portal_failure"]
        keys = sorted(i["idempotency_key"] for i in failures)
        assert keys == [f"portal_failure:documents:{TODAY}:portal_down",
                        f"portal_failure:medicare:{TODAY}:password_expired"], keys
        assert status.status.value == "failed" and "password for medicare has expired" in status.error
        assert cmns.status.value == "failed" and "documents failed 3 times" in cmns.error
        # Blue River's claims were still checked; Medicare's wait, planned, for the next run.
        due = [c for c in n.expected["claims"] if c["due_for_follow_up"]]
        notes = n.notes()
        assert all(c["claim_number"] in notes for c in due if c["payer"] == "bluriver" and c["expected_note"])
        assert not any(c["claim_number"] in notes for c in due if c["payer"] == "medicare")
        assert status.units.get("pending", 0) == sum(c["payer"] == "medicare" for c in due)
        # The portal-down item carries the evidence: what the screen showed and the Playwright trace.
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as conn:
            labels = sorted(r[0] for r in conn.execute(text(
                "SELECT a.label FROM attachments a JOIN work_items w ON w.id = a.item_id "
                "WHERE w.idempotency_key = :k"), {"k": f"portal_failure:documents:{TODAY}:portal_down"}))
        engine.dispose()
        assert labels == ["screenshot", "trace"], labels
        # The password changed and stored again, the next run finishes Medicare's claims.
        n.sites.faults["medicare"].update({"password_expired": False})
        again = asyncio.run(run_robot(n.config, "claim-status", night=TODAY, vault=n.vault, policy=policy,
                                      trace=False))
        assert again.status.value == "finished" and again.units.get("pending", 0) == 0
        notes = n.notes()
        assert all(c["claim_number"] in notes for c in due if c["expected_note"])
