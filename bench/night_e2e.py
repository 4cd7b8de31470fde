"""A full-size night, end to end, checked against the sandbox's truth: no hang, no status on the wrong claim,
no posting wrong, no exception lost or invented; and the same night with its posting runner killed ten times.

    .venv/bin/python bench/night_e2e.py [--claims 3000] [--seed 4242] [--rounds 1] [--chaos-kills 10] [--chaos-rounds 1]
    .venv/bin/python bench/night_e2e.py --claims 600 --no-chaos       # a quicker look

A world of `--claims` claims (a mid-size supplier's; 3,000 by default) is generated, its four sites served
with every fault on (latency, 500/503s, sessions expiring, a 20 requests/s limit answered with 429, truncated
and corrupt downloads), the queue server runs on PostgreSQL (a fresh database, 127.0.0.1:5432 or
HME_TEST_PG_URL), and the four robots run one after the other as `hme-rpa run` does, each a process of its
own with a time limit: a robot that has not finished in `--robot-minutes` is a hang. Then what the night did
(the billing system's ledger and notes, the queue's items) is compared with the truth the world was drawn
from, by the checks below, which share no code with the robots:

- claim status: every due claim noted once with its payer's status, or (claims alike) none and one item;
- postings: every ledger row expected and none twice; each expected row missing handed to a person with its
  reason (a posting review, an unbalanced remittance, the check's failure item, an unmatched payment);
- items: every exception the truth implies filed exactly once (a denial whose claim a person posts counts as
  handed over), and no item of those kinds the truth does not imply;
- CMNs: no invalid hold released; every hold released or in the queue;
- straight-through: lines of balanced text remittances and of scanned ones posted with no person, valid holds
  released.

The chaos round resets the same world and runs the EOB robot again, killed (SIGKILL) ten times at random
moments and then run to the end: its ledger must equal the uninterrupted night's, row for row, and it files
no item that night did not.

Exit status 1 when any check fails. Not a CI test: a full-size night takes about a quarter of an hour on this
machine, and CI runs the same checks on a 260-claim world (tests/robot_tests/test_night.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bots.runtime.vault import Vault  # noqa: E402
from hme_rpa.config import Config  # noqa: E402
from hme_rpa.demo import enroll_sandbox  # noqa: E402
from queue_server import create_app, migrate  # noqa: E402
from queue_server.db import make_engine  # noqa: E402
from queue_server.services import auth  # noqa: E402
from sandbox import serve  # noqa: E402
from sandbox.documents import forms  # noqa: E402
from sandbox.documents.eob import HELD_OUT, family_of, is_scanned  # noqa: E402
from sandbox.world import truth as world_truth  # noqa: E402
from sandbox.world.store import Store  # noqa: E402

TODAY = dt.date(2026, 11, 20)
ROBOTS = ("claim-status", "eobs", "cmns", "reports")
PG = os.environ.get("HME_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Handing a claim's posting to a person: these items say why it was not posted.
HANDED = ("posting_review", "unbalanced_remittance", "unmatched_payment", "portal_failure")


class World:
    """A generated world, its sites with faults on, a queue server on a fresh PostgreSQL database."""

    def __init__(self, root: Path, seed: int, claims: int, fault_seed: int) -> None:
        self.data = root
        serve.reset(root, seed=seed, claims=claims, today=TODAY)
        self.store = Store(serve.store_path(root))
        self.truth = world_truth.everything(self.store)
        self.db_name = f"hme_e2e_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.db_url = PG.rsplit("/", 1)[0] + "/" + self.db_name
        self.config = Config.from_env(data_dir=root, database_url=self.db_url, password_time_cost=1,
                                      password_memory_kib=1024)
        migrate.upgrade(self.db_url)
        engine = make_engine(self.db_url)
        with Session(engine) as s:
            token = auth.create_token(s, "night-e2e")
            s.commit()
        engine.dispose()
        self.queue = make_server("127.0.0.1", 0, create_app(self.config), threaded=True)
        threading.Thread(target=self.queue.serve_forever, daemon=True).start()
        self.sites = serve.start(root, base_port=0, faults_on=True, seed=fault_seed)
        self.key = Fernet.generate_key()
        enroll_sandbox(Vault(root / "vault.bin", self.key), root, self.sites.urls,
                       f"http://127.0.0.1:{self.queue.server_port}", token)

    def env(self, runner: str) -> dict[str, str]:
        return {**os.environ, "HME_DATA_DIR": str(self.data), "HME_DATABASE_URL": self.db_url,
                "HME_VAULT_KEY": self.key.decode(), "HME_RUNNER": runner,
                # A stuck unit is stopped after five minutes rather than twenty: a hang shows within the bench.
                "HME_UNIT_STALL_SECONDS": "300"}

    def command(self, robot: str) -> list[str]:
        return [sys.executable, "-m", "hme_rpa.cli", "run", robot, "--night", TODAY.isoformat(), "--no-trace"]

    def close(self) -> None:
        self.sites.stop()
        self.queue.shutdown()
        with psycopg.connect(PG.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    # --- what the night did ------------------------------------------------------------
    def items(self) -> list[dict[str, Any]]:
        engine = make_engine(self.db_url)
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(text(
                "SELECT kind, idempotency_key, account_number, claim_number, payload FROM work_items"))]
        engine.dispose()
        return rows

    def runs(self) -> list[dict[str, Any]]:
        engine = make_engine(self.db_url)
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(text(
                "SELECT robot, status, started_at, finished_at, totals, units_failed, error FROM robot_runs "
                "ORDER BY id"))]
        engine.dispose()
        return rows

    def unit_counts(self, robot: str) -> dict[str, int]:
        engine = make_engine(self.db_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT status, count(*) FROM robot_units WHERE robot = :robot AND key != '__plan__' "
                                     "GROUP BY status"), {"robot": robot}).all()
        engine.dispose()
        return {str(status): int(count) for status, count in rows}

    def failed_units(self) -> list[str]:
        engine = make_engine(self.db_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT robot, key, result FROM robot_units WHERE status = 'failed'")).all()
        engine.dispose()
        return [f"{robot} {key}: {(result or {}).get('error', '')[:200]}" for robot, key, result in rows]

    def units_of_checks(self, robot: str, checks: set[str]) -> list[str]:
        """Each unit of these checks as it ended: status, attempts, the error or what it filed."""
        engine = make_engine(self.db_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT key, status, attempts, result FROM robot_units WHERE robot = :robot "
                                     "AND key != '__plan__'"), {"robot": robot}).all()
        engine.dispose()
        return [f"{key} {status} attempts {attempts} {(result or {}).get('error', '')[:120]} "
                f"{len((result or {}).get('claims', {}))} claims recorded"
                for key, status, attempts, result in rows if key.split(":")[-1] in checks]

    def ledger(self) -> Counter[tuple[Any, ...]]:
        return Counter((r["kind"], r["claim_number"], r["line_no"], r["check_number"], r["group_code"], r["reason"],
                        r["amount"]) for r in world_truth.ledger(self.store)
                       if r["kind"] in ("payment", "adjustment", "transfer", "denial"))

    def notes(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in world_truth.ledger(self.store):
            if r["kind"] == "note" and str(r["note"]).startswith(f"RPA STATUS {TODAY}"):
                out.setdefault(r["claim_number"], []).append(r["note"])
        return out

    def released(self) -> list[str]:
        return [r["order_number"] for r in world_truth.ledger(self.store) if r["kind"] == "release"]


def run_robot(world: World, robot: str, minutes: float, runner: str = "e2e") -> tuple[float, int, str]:
    started = time.monotonic()
    try:
        done = subprocess.run(world.command(robot), cwd=REPO, env=world.env(runner), capture_output=True, text=True,
                              timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        return time.monotonic() - started, -1, f"HANG: {robot} did not finish in {minutes:.0f} minutes"
    return time.monotonic() - started, done.returncode, (done.stdout + done.stderr)[-1500:]


# --- the checks ----------------------------------------------------------------------------

def check(world: World) -> tuple[dict[str, Any], list[str]]:
    """What the night did against the truth: figures, and every failure in words."""
    truth = world.truth
    failures: list[str] = []
    items = world.items()
    keys = Counter(i["idempotency_key"] for i in items)
    figures: dict[str, Any] = {}

    # Claim status.
    notes = world.notes()
    due = [c for c in truth["claims"] if c["due_for_follow_up"]]
    right = wrong = missing = 0
    for claim in due:
        found = notes.get(claim["claim_number"], [])
        if not claim["expected_note"]:
            if found:
                wrong += 1
                failures.append(f"status written on {claim['claim_number']}, alike with {claim['twins']}: {found}")
            elif keys[f"status_ambiguous:{claim['claim_number']}"] == 1:
                right += 1
            else:
                missing += 1
                failures.append(f"claims alike {claim['claim_number']}: no item")
            continue
        if len(found) == 1 and found[0].split(": ", 1)[1].startswith(claim["status_code"] + " "):
            right += 1
        elif not found:
            missing += 1
            if not any(k.startswith(f"portal_failure:claim-status:{TODAY}:{claim['claim_number']}") for k in keys):
                failures.append(f"{claim['claim_number']}: not statused and no failure item")
        else:
            wrong += 1
            failures.append(f"{claim['claim_number']} is {claim['status_code']}, noted {found}")
    figures["statuses"] = {"due": len(due), "right": right, "wrong": wrong, "missing": missing,
                           "alike": sum(not c["expected_note"] for c in due)}

    # Postings.
    expected_rows = Counter(world_truth.expected_ledger(truth["remittances"]))
    posted = world.ledger()
    twice = [row for row, n in posted.items() if n > 1]
    unexpected = posted - expected_rows
    if twice:
        failures.append(f"{len(twice)} ledger rows written twice, e.g. {twice[:2]}")
    if unexpected:
        failures.append(f"{sum(unexpected.values())} ledger rows not expected, e.g. {list(unexpected)[:2]}")
    by_claim: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for remit in truth["remittances"]:
        for c in remit["claims"]:
            if c["claim_number"]:
                by_claim[c["claim_number"]] = (remit, c)
    missing_claims = {row[1] for row in expected_rows - posted}
    handed: set[str] = set()
    for claim_number in sorted(missing_claims):
        remit, c = by_claim[claim_number]
        if _handed(items, remit["check_number"], c["account_number"], claim_number, remit["payer"]):
            handed.add(claim_number)
        else:
            failures.append(f"{claim_number} on check {remit['check_number']}: not posted and no item says why")
    lines = {"text": [0, 0], "scanned": [0, 0], "held_out": [0, 0]}  # the EOB layout kept out of tuning apart
    for remit in truth["remittances"]:
        if not remit["balanced"]:
            continue
        bluriver = remit["payer"] == "bluriver"
        kind = ("held_out" if bluriver and family_of(remit["check_number"]) == HELD_OUT
                else "scanned" if bluriver and is_scanned(remit["check_number"]) else "text")
        for p in remit["postings"]:
            lines[kind][1] += 1
            lines[kind][0] += p["claim_number"] not in missing_claims
    figures["postings"] = {"expected_rows": sum(expected_rows.values()), "posted_rows": sum(posted.values()),
                           "wrong_rows": sum(unexpected.values()) + len(twice), "claims_handed": len(handed),
                           "text_lines_straight": f"{lines['text'][0]}/{lines['text'][1]}",
                           "scanned_lines_straight": f"{lines['scanned'][0]}/{lines['scanned'][1]}",
                           "held_out_layout_lines_straight": f"{lines['held_out'][0]}/{lines['held_out'][1]}"}

    # Items: each implied once; none of the truth's kinds that the truth does not imply.
    expected = {f"{e['kind']}:{e['ref']}": e for e in truth["expected_exceptions"]}
    failed_checks = {k.split(":")[-1] for k in keys if k.startswith(f"portal_failure:eobs:{TODAY}:")}
    unbalanced = {k.split(":", 1)[1] for k in keys if k.startswith("unbalanced_remittance:")}
    found_n = 0
    for key, e in expected.items():
        if keys[key] == 1:
            found_n += 1
            continue
        if keys[key] > 1:
            failures.append(f"{key} filed {keys[key]} times")
            continue
        if e["kind"] == "denial" and e["ref"] in handed:
            continue
        if e["kind"] in ("unmatched_payment", "recoupment") and e["ref"].split(":")[0] in failed_checks | unbalanced:
            continue
        if e["kind"] == "unmatched_payment":
            check, account = e["ref"].split(":", 1)
            remit = next(r for r in truth["remittances"] if r["check_number"] == check)
            if _handed(items, check, account, "", remit["payer"]):  # read with doubts: a person posts it, or not
                continue
            # Its account itself read in doubt: no claim is found by it, and the claim goes to a person by its
            # place on the check (every layout prints the claims in the truth's order).
            index = next(i for i, c in enumerate(remit["claims"]) if c["account_number"] == account)
            if keys[f"posting_review:{check}:{index}"]:
                continue
        if e["kind"] == "cmn_invalid" and (keys[f"cmn_needs_review:{e['ref']}"] == 1 or any(
                k.startswith(f"portal_failure:cmns:{TODAY}:") and k.endswith(e["ref"]) for k in keys)):
            continue  # read in doubt, or its document never came whole: a person has it
        if e["kind"] in ("denial", "claim_not_on_file", "pending_too_long", "info_requested", "claim_review",
                         "front_end_rejection", "status_ambiguous") and any(
                k.startswith(f"portal_failure:claim-status:{TODAY}:{e['ref']}") for k in keys):
            continue
        failures.append(f"{key}: implied by the truth, not filed")
    judged = {"denial", "claim_not_on_file", "pending_too_long", "info_requested", "claim_review",
              "front_end_rejection", "status_ambiguous", "unmatched_payment", "recoupment", "cmn_invalid"}
    extra = [i["idempotency_key"] for i in items if i["kind"] in judged and i["idempotency_key"] not in expected]
    for key in extra:
        failures.append(f"{key}: filed, not implied by the truth")
    figures["items"] = {"expected": len(expected), "found": found_n, "extra": len(extra), "all": len(items),
                        "handed_to_people": sum(keys[k] for k in keys if k.split(":")[0] in HANDED + ("cmn_needs_review",))}

    # CMNs.
    holds = {h["order_number"]: h for h in truth["holds"] if h["hold_type"] == "cmn"}
    released = world.released()
    bad = [o for o in released if not holds.get(o, {}).get("valid")]
    if bad:
        failures.append(f"invalid CMN holds released: {bad}")
    if len(released) != len(set(released)):
        failures.append("a hold released twice")
    for order in holds:
        if order not in released and not keys[f"cmn_invalid:{order}"] and not keys[f"cmn_needs_review:{order}"] \
                and not any(k.startswith(f"portal_failure:cmns:{TODAY}:{order}") for k in keys):
            failures.append(f"hold {order}: neither released nor in the queue")
    valid = [o for o, h in holds.items() if h["valid"]]
    # The print families kept out of the readers' tuning apart (forms.HELD_OUT): an unknown layout's share.
    held = {o for o in valid if forms.is_held_out(holds[o]["doc_type"], holds[o]["fields"])}
    tuned_released = len([o for o in set(released) if o in valid and o not in held])
    figures["holds"] = {"valid": len(valid), "released": len(released), "invalid_released": len(bad),
                        "tuned_families_released": f"{tuned_released}/{len(valid) - len(held)}",
                        "held_out_families_released": f"{len(set(released) & held)}/{len(held)}"}
    # Each valid hold of a tuned family left for a person: its print family and what was filed for it.
    figures["tuned_holds_not_released"] = [
        (o, forms.family_of(holds[o]["doc_type"], holds[o]["fields"]),
         next((k.split(":")[0] for k in keys if k.endswith(f":{o}") and keys[k]), "nothing filed"))
        for o in sorted(set(valid) - set(released) - held)]
    return figures, failures


def _handed(items: list[dict[str, Any]], check: str, account: str, claim_number: str, payer: str) -> bool:
    for item in items:
        key = item["idempotency_key"]
        if key == f"unbalanced_remittance:{check}" or key == f"unmatched_payment:{check}:{account}":
            return True
        if key.startswith(f"posting_review:{check}:") and (
                item["claim_number"] == claim_number or item["account_number"] == account
                or (item["payload"] or {}).get("extracted", {}).get("account_number") == account):
            return True
        if key == f"portal_failure:eobs:{TODAY}:{payer}:{check}":
            return True
    return False


# --- rounds -------------------------------------------------------------------------------------

def night(args: argparse.Namespace, root: Path) -> tuple[World, dict[str, Any], list[str]]:
    world = World(root, args.seed, args.claims, args.fault_seed)
    print(f"world: seed {args.seed}, {args.claims} claims; due {sum(c['due_for_follow_up'] for c in world.truth['claims'])}, "
          f"{len(world.truth['remittances'])} new remittances, {len(world.truth['holds'])} holds; faults on", flush=True)
    failures: list[str] = []
    walls: dict[str, float] = {}
    for robot in ROBOTS:
        seconds, code, tail = run_robot(world, robot, args.robot_minutes)
        walls[robot] = seconds
        print(f"  {robot:<13}{seconds:>8.1f} s  exit {code}", flush=True)
        if code != 0:
            failures.append(f"{robot}: exit {code}: {tail}")
    figures, found = check(world)
    figures["wall_seconds"] = {r: round(s, 1) for r, s in walls.items()}
    figures["runs"] = [(r["robot"], r["status"], r["units_failed"], (r["totals"] or {}).get("http_429_billing", 0))
                       for r in world.runs()]
    figures["failed_units"] = world.failed_units()
    figures["settled_claims"] = sum((r["totals"] or {}).get("claims_settled", 0) for r in world.runs())
    return world, figures, failures + found


def chaos(args: argparse.Namespace, root: Path, reference: Counter[tuple[Any, ...]],
          reference_items: set[str], round_no: int = 1) -> tuple[dict[str, Any], list[str]]:
    """The same world, the EOB robot killed `kills` times (at moments drawn for this round) and then run to the
    end."""
    world = World(root, args.seed, args.claims, args.fault_seed)
    failures: list[str] = []
    try:
        # The claim-status notes (ICNs) the EOB robot may read are there first, as in the uninterrupted night.
        seconds, code, tail = run_robot(world, "claim-status", args.robot_minutes)
        if code != 0:
            failures.append(f"claim-status: exit {code}: {tail}")
        rng = random.Random(f"{args.seed}:{round_no}")
        kills = 0
        started = time.monotonic()
        while kills < args.chaos_kills:
            process = subprocess.Popen(world.command("eobs"), cwd=REPO, env=world.env("chaos"),
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + rng.uniform(3.0, 12.0)
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.1)
            if process.poll() is not None:
                break
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
        seconds, code, tail = run_robot(world, "eobs", args.robot_minutes, runner="chaos")
        if code != 0:
            failures.append(f"eobs after kills: exit {code}: {tail}")
        ledger = world.ledger()
        if ledger != reference:
            differing = sorted({row[1] for row in (ledger - reference) + (reference - ledger)})
            told = [f"{i['kind']} {i['idempotency_key']}" for i in world.items() if i["claim_number"] in differing]
            # What the runs did, to tell a lost unit from a run that stopped early: the run to the end's record,
            # the night's units by status, and every failed unit (keys name checks, not claims).
            last = next((r for r in reversed(world.runs()) if r["robot"] == "eobs"), {})
            failures.append(f"ledger differs from the uninterrupted night's: {sum((ledger - reference).values())} "
                            f"rows more, {sum((reference - ledger).values())} fewer; claims {differing[:5]}; "
                            f"items on them here: {told[:5]}; the last run: {last.get('status')}, "
                            f"{last.get('totals')}, error {last.get('error')!r}; units {world.unit_counts('eobs')}; "
                            f"failed units: {world.failed_units()[:3]}; units of the checks short: "
                            f"{world.units_of_checks('eobs', {row[3] for row in reference - ledger})[:8]}")
        # No false item: none the uninterrupted night did not file, unless the truth implies it (a claim whose
        # check failed there on a portal error and went through here).
        implied = {f"{e['kind']}:{e['ref']}" for e in world.truth["expected_exceptions"]}
        extra = {i["idempotency_key"] for i in world.items() if i["kind"] != "portal_failure"
                 and i["idempotency_key"] not in reference_items and i["idempotency_key"] not in implied}
        if extra:
            failures.append(f"{len(extra)} items neither the uninterrupted night nor the truth has: {sorted(extra)[:5]}")
        runs = world.runs()
        still = [r for r in runs if r["robot"] == "eobs" and r["status"] == "running"]
        if still:
            failures.append(f"{len(still)} killed runs still 'running'")
        return {"kills": kills, "wall_seconds": round(time.monotonic() - started, 1),
                "ledger_rows": sum(ledger.values()),
                "abandoned_runs": sum(r["status"] == "abandoned" for r in runs)}, failures
    finally:
        world.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--fault-seed", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1, help="full nights (each with its chaos round) in a row")
    parser.add_argument("--chaos-kills", type=int, default=10)
    parser.add_argument("--chaos-rounds", type=int, default=1,
                        help="chaos rounds after each night, each killing at other moments (a rare loss shows)")
    parser.add_argument("--no-chaos", action="store_true")
    parser.add_argument("--robot-minutes", type=float, default=45.0, help="a robot not done by then is a hang")
    args = parser.parse_args()
    failed = False
    for round_no in range(1, args.rounds + 1):
        print(f"round {round_no} of {args.rounds}", flush=True)
        with tempfile.TemporaryDirectory(prefix="hme-e2e-") as tmp:
            world, figures, failures = night(args, Path(tmp) / "night")
            try:
                reference = world.ledger()
                reference_items = {i["idempotency_key"] for i in world.items()}
            finally:
                world.close()
            for name, value in figures.items():
                print(f"  {name}: {value}")
            for chaos_no in range(1, 0 if args.no_chaos else args.chaos_rounds + 1):
                chaos_figures, chaos_failures = chaos(args, Path(tmp) / f"chaos{chaos_no}", reference, reference_items,
                                                      chaos_no)
                print(f"  chaos {chaos_no}: {chaos_figures}{'' if not chaos_failures else ' FAILED'}", flush=True)
                failures += [f"chaos {chaos_no}: {f}" for f in chaos_failures]
        for f in failures[:40]:
            print(f"  FAIL {f}")
        if len(failures) > 40:
            print(f"  ... and {len(failures) - 40} more")
        print(f"round {round_no}: {'PASS' if not failures else f'FAIL ({len(failures)})'}", flush=True)
        failed = failed or bool(failures)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
