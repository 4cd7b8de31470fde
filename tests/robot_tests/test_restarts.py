"""A runner killed at any instant and started again ends the night the same; two runners share one night."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from browser import require_chromium
from helpers import child_processes
from night import REPO, TODAY, night
from sandbox.world import truth as sandbox_truth

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]


def test_killing_the_posting_runner_ten_times_changes_nothing(tmp_path: Path, pg_url: str) -> None:
    require_chromium()
    with night(tmp_path, pg_url, seed=23, claims=400, faults=False) as n:
        # Text remittances only (Medicare): their expected ledger is known to the cent, so "identical" is exact.
        env = {**n.env("chaos-runner"), "HME_EOB_PAYERS": "medicare"}
        # Pages at the sandbox's portal pace, so the night outlasts ten kills however fast the browser gets
        # (with the headless shell and no latency it ended after five).
        for state in n.sites.faults.values():
            state.update({"latency_ms": 200})
        command = n.command("run", "eobs", "--night", TODAY.isoformat(), "--contexts", "2", "--no-trace")
        rng = random.Random(7)
        kills = 0
        orphans: set[int] = set()
        while kills < 10:
            process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            deadline = time.monotonic() + rng.uniform(2.5, 9.0)
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            if process.poll() is not None:
                break  # finished before this kill: the night is done
            orphans |= _pool_processes(process.pid)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        assert orphans, "the runner's extraction processes were never seen"
        # A runner killed outright cannot stop its extraction processes: they end on their own once it is gone.
        give_up = time.monotonic() + 10
        while (left := {pid for pid in orphans if Path(f"/proc/{pid}").exists()}) and time.monotonic() < give_up:
            time.sleep(0.2)
        assert not left, f"{len(left)} extraction processes outlived their killed runner"
        final = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert final.returncode == 0, final.stderr[-2000:]
        assert kills >= 10, f"the night finished after {kills} kills; make it longer"
        medicare = [r for r in n.expected["remittances"] if r["payer"] == "medicare"]
        expected = Counter(sandbox_truth.expected_ledger([r for r in medicare if r["balanced"]]))
        assert expected, "no Medicare postings in this world"
        from sqlalchemy import create_engine, text

        engine = create_engine(pg_url)
        with engine.connect() as conn:
            units = conn.execute(text("SELECT key, status, attempts, result FROM robot_units")).all()
        engine.dispose()
        assert n.ledger() == expected, units  # every expected row once: none lost, none twice


def _pool_processes(runner: int) -> set[int]:
    """The runner's extraction processes (its children running multiprocessing's spawn)."""
    return {pid for pid, args in child_processes(runner).items() if any("spawn_main" in a for a in args)}


def test_two_runner_processes_share_a_night_without_duplicates(tmp_path: Path, pg_url: str) -> None:
    require_chromium()
    with night(tmp_path, pg_url, seed=31, claims=300, faults=False) as n:
        # Pages at a portal's pace: without it one runner can finish the 35 units before a slow start of the
        # other's Chromium on a loaded machine lets it lease any (seen once in CI), and "both worked" fails.
        for state in n.sites.faults.values():
            state.update({"latency_ms": 150})
        command = n.command("run", "claim-status", "--night", TODAY.isoformat(), "--contexts", "1", "--no-trace")
        runners = [subprocess.Popen(command, cwd=REPO, env=n.env(f"runner-{k}"), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for k in (1, 2)]
        outputs = [r.communicate(timeout=600) for r in runners]
        for runner, (out, err) in zip(runners, outputs):
            assert runner.returncode == 0, err[-2000:]
        due = [c for c in n.expected["claims"] if c["due_for_follow_up"]]
        notes = n.notes()
        for claim in due:
            ours = [t for t in notes.get(claim["claim_number"], []) if t.startswith(f"RPA STATUS {TODAY}")]
            assert len(ours) == (1 if claim["expected_note"] else 0), (claim["claim_number"], ours)
        from sqlalchemy import create_engine, text

        engine = create_engine(pg_url)
        with engine.connect() as conn:
            per_run = dict(conn.execute(text("SELECT run_id, count(*) FROM robot_units WHERE key <> '__plan__' "
                                             "GROUP BY run_id")).all())
            runs = conn.execute(text("SELECT runner, status FROM robot_runs")).all()
        engine.dispose()
        assert sorted(r.runner for r in runs) == ["runner-1", "runner-2"]
        assert all(r.status == "finished" for r in runs)
        assert len(per_run) == 2 and sum(per_run.values()) == len(due), per_run  # both worked, each unit once
