"""Never past a portal's stated rate: what a portal counts is every request its pages receive, not every step."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from night import TODAY, night

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_night_paced_at_a_portals_stated_rate_is_never_told_to_slow_down(tmp_path: Path,
                                                                          database_url: str) -> None:
    """The billing system limits each account to 10 requests a second, and the robots are told so (one request
    every 0.1 s). Writing a claim's note is one step but two requests (the form's post and the page it
    redirects to), which a pace counting steps sent at twice the rate: 429s all night."""
    require_chromium()
    with night(tmp_path, database_url, seed=5, claims=150, faults=False) as n:
        n.sites.faults["billing"].update({"rate_limit_rps": 10})
        config = dataclasses.replace(n.config, portal_limits="billing=4/0.1")
        summary = asyncio.run(run_robot(config, "claim-status", night=TODAY, vault=n.vault, contexts=4,
                                        policy=Policy(retries=2, backoff=0.05), trace=False))
        assert summary.status.value == "finished", summary.error
        assert sum(summary.units.values()) >= 20, summary.units  # enough claims noted to have mattered
        assert "http_429_billing" not in summary.totals, {k: v for k, v in summary.totals.items() if "http" in k}
        notes = n.notes()
        due = [c for c in n.expected["claims"] if c["due_for_follow_up"] and c["expected_note"]]
        assert all(c["claim_number"] in notes for c in due)
