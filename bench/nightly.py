"""How much of a night one runner does per hour, at the sandbox's 200 ms page latency.

    .venv/bin/python bench/nightly.py [--claims 60] [--remits 8] [--cmns 6] [--contexts 1,2,4,max]
    .venv/bin/python bench/nightly.py --compare-browsers [--claims 240]
    .venv/bin/python bench/nightly.py --robots eobs --contexts 4 --remits 200 --world 6000

For 1, 2 and 4 sessions per portal on one runner (one Chromium), and for each
portal's own limit ("max": the billing system 8, a payer's portal 4; the
robots' default), side by side in one run: claims statused per hour and
payments (claims) posted per hour, each next to the floor the latency alone
sets (portal requests per unit x 200 ms, divided by the billing sessions, which
carry most requests), then CMNs checked per hour (OCR-bound) and what that
means for a mid-size supplier's night (5,000 claim checks, 1,000 remittance
pages, 200 CMNs) on one 2-core runner. `cpu/unit` is the runner's CPU seconds
per unit (runner, Playwright's driver and Chromium, start-up and log-ins
included); `sites` is the sandbox's and queue server's, which share this
machine's cores here but run elsewhere in production. EOB posting is measured
on Medicare's text remittances; scanned EOBs add OCR time, reported by
bench/extract.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from bots.runtime.browser import CHROMIUM, HEADLESS_SHELL, chromium_path  # noqa: E402
from bots.runtime.vault import Vault  # noqa: E402
from hme_rpa.config import Config  # noqa: E402
from hme_rpa.demo import enroll_sandbox  # noqa: E402
from queue_server import create_app, migrate  # noqa: E402
from queue_server.db import make_engine  # noqa: E402
from queue_server.models import RobotRun  # noqa: E402
from queue_server.services import auth  # noqa: E402
from sandbox import serve  # noqa: E402

TODAY = dt.date(2026, 11, 20)
LATENCY_S = 0.2


class Counting:
    """Counts the requests a site answers (pages and downloads; not its static files)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not environ.get("PATH_INFO", "").startswith(("/static/", "/_sandbox/")):
            with self.lock:
                self.count += 1
        return self.app(environ, start_response)


def one(robot: str, contexts: int | None, limit: int, seed: int, trace: bool = False,
        chromium: str | None = None, world: int = 1500) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hme-nightly-") as tmp:
        data = Path(tmp)
        serve.reset(data, seed=seed, claims=world, today=TODAY)
        config = Config.from_env(data_dir=data, database_url=f"sqlite:///{data / 'q.sqlite3'}",
                                 password_time_cost=1, password_memory_kib=1024)
        migrate.upgrade(config.database_url)
        engine = make_engine(config.database_url)
        with Session(engine) as s:
            token = auth.create_token(s, "bench")
            s.commit()
        engine.dispose()
        queue = make_server("127.0.0.1", 0, create_app(config), threaded=True)
        threading.Thread(target=queue.serve_forever, daemon=True).start()
        sites = serve.start(data, base_port=0)
        counters = {}
        for name, server in zip(serve.SITES, sites.servers):
            server.app = counters.setdefault(name, Counting(server.app))
            sites.faults[name].update({"latency_ms": int(LATENCY_S * 1000)})
        key = Fernet.generate_key()
        enroll_sandbox(Vault(data / "vault.bin", key), data, sites.urls, f"http://127.0.0.1:{queue.server_port}", token)
        # The runner is a process of its own, as in production: the sandbox and the queue server here must not
        # share its interpreter.
        env = {**os.environ, "HME_DATA_DIR": str(data), "HME_DATABASE_URL": config.database_url,
               "HME_VAULT_KEY": key.decode(), "HME_EOB_PAYERS": "medicare", "HME_RUNNER": "bench",
               **({"HME_CHROMIUM": chromium} if chromium else {})}
        command = [sys.executable, "-m", "hme_rpa.cli", "run", robot, "--night", TODAY.isoformat(),
                   *(["--contexts", str(contexts)] if contexts else []), *([] if trace else ["--no-trace"]), "--limit"]
        try:
            # Planning (A/R list, remittance lists) is measured apart from the units.
            subprocess.run([*command, "0"], env=env, check=True, capture_output=True, timeout=600)
            before = sum(c.count for c in counters.values())
            cpu_before = _cpu()
            subprocess.run([*command, str(limit)], env=env, check=True, capture_output=True, timeout=1800)
            runner_cpu, sites_cpu = (after - was for after, was in zip(_cpu(), cpu_before))
            requests = sum(c.count for c in counters.values()) - before
        finally:
            sites.stop()
            queue.shutdown()
        engine = make_engine(config.database_url)
        with Session(engine) as s:
            run = s.scalars(select(RobotRun).order_by(RobotRun.id.desc()).limit(1)).one()
            seconds = (run.finished_at - run.started_at).total_seconds()
            totals, failed = dict(run.totals), run.units_failed
        engine.dispose()
        return {"seconds": seconds, "requests": requests, "totals": totals, "failed": failed,
                "runner_cpu": runner_cpu, "sites_cpu": sites_cpu}


def _cpu() -> tuple[float, float]:
    """CPU seconds so far of the whole machine but this process (the runner, Playwright's driver and
    Chromium, whose processes are not all waited for by the runner, so its own accounting misses them;
    and whatever else runs here, a few percent) and of this process (the sandbox's sites and the queue
    server)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
    own = resource.getrusage(resource.RUSAGE_SELF)
    return busy - own.ru_utime - own.ru_stime, own.ru_utime + own.ru_stime


def compare_browsers(args: argparse.Namespace) -> None:
    """The robots' browser choice measured: the same claims through each, one after the other."""
    cpu: dict[str, float] = {}
    for label, exe in (("chromium", CHROMIUM), ("headless shell", HEADLESS_SHELL)):
        r = one("claim-status", 4, args.claims, args.seed, args.trace, chromium=exe)
        done = r["totals"].get("claims_statused", 0)
        cpu[label] = r["runner_cpu"] / max(done, 1)
        print(f"{label:<16}{done:>5} claims {done / r['seconds'] * 3600:>8.0f} per hour, "
              f"runner CPU {cpu[label]:.2f} s per claim")
    print(f"runner CPU per claim, headless shell / chromium: {cpu['headless shell'] / cpu['chromium']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=60, help="claim checks per setting")
    parser.add_argument("--remits", type=int, default=8, help="remittances posted per setting (two per context at 4)")
    parser.add_argument("--cmns", type=int, default=6, help="CMN holds checked (2 contexts)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world", type=int, default=1500,
                        help="claims in the sandbox's world; a larger one has more remittances to post, so a run's "
                             "start (browser, log-ins, the open-claim list) weighs less in its rate")
    parser.add_argument("--trace", action="store_true", help="record Playwright traces, as `hme-rpa run` does by default")
    parser.add_argument("--robots", default="claim-status,eobs,cmns", help="which to measure")
    parser.add_argument("--contexts", default="1,2,4,max",
                        help="sessions per portal to compare; max: each portal's own limit (the night's figure "
                             "needs 1,2,4,max)")
    parser.add_argument("--compare-browsers", action="store_true",
                        help="claim status at 4 contexts with full Chromium and with its headless shell, side by side")
    args = parser.parse_args()
    print(f"one runner, sandbox page latency {LATENCY_S * 1000:.0f} ms, {os.cpu_count()} cores, "
          f"traces {'on' if args.trace else 'off'}, browser {chromium_path()}")
    if args.compare_browsers:
        compare_browsers(args)
        return
    print(f"{'robot':<14}{'contexts':>9}{'units':>7}{'seconds':>9}{'per hour':>10}{'req/unit':>9}"
          f"{'floor/h':>9}{'of floor':>9}{'cpu/unit':>9}{'sites':>7}")
    rates: dict[str, float] = {}
    chosen = set(args.robots.split(","))
    settings = args.contexts.split(",")
    billing_limit = Config.from_env().limits_per_portal.get("billing", (4, 0.0))[0]
    for robot, limit, unit_name in (("claim-status", args.claims, "claims_statused"),
                                    ("eobs", args.remits, "claims_posted")):
        if robot not in chosen:
            continue
        for contexts in settings:
            r = one(robot, None if contexts == "max" else int(contexts), limit, args.seed, args.trace, world=args.world)
            done = r["totals"].get(unit_name, 0)
            per_hour = done / r["seconds"] * 3600
            req_per = r["requests"] / max(done, 1)
            floor = 3600 / (req_per * LATENCY_S) * (billing_limit if contexts == "max" else int(contexts))
            rates[f"{robot}:{contexts}"] = per_hour
            if robot == "eobs":
                rates[f"pages:{contexts}"] = r["totals"].get("remittance_pages", 0) / r["seconds"] * 3600
            cpu_per, sites_per = r["runner_cpu"] / max(done, 1), r["sites_cpu"] / max(done, 1)
            # What the runner alone could do on this machine's cores, were the portals elsewhere (as in
            # production): its own CPU per unit and the latency floor are then the limits. A bound, not a measure.
            rates[f"{robot}:{contexts}:alone"] = min(floor, (os.cpu_count() or 1) * 3600 / max(cpu_per, 1e-9))
            if robot == "eobs":
                rates[f"pages:{contexts}:alone"] = rates[f"pages:{contexts}"] * rates[f"{robot}:{contexts}:alone"] / per_hour
            print(f"{robot:<14}{contexts:>9}{done:>7}{r['seconds']:>9.1f}{per_hour:>10.0f}{req_per:>9.1f}"
                  f"{floor:>9.0f}{per_hour / floor:>9.2f}{cpu_per:>9.2f}{sites_per:>7.2f}"
                  + (f"  ({r['failed']} failed)" if r["failed"] else ""))
    if "cmns" not in chosen:
        return
    c = one("cmns", 2, args.cmns, args.seed, args.trace, world=args.world)
    cmn_rate = c["totals"].get("holds_checked", 0) / c["seconds"] * 3600
    print(f"{'cmns':<14}{2:>9}{c['totals'].get('holds_checked', 0):>7}{c['seconds']:>9.1f}{cmn_rate:>10.0f}"
          "   (OCR of fax scans on both cores)")
    if chosen != {"claim-status", "eobs", "cmns"} or settings != ["1", "2", "4", "max"]:
        return
    best = max(settings, key=lambda k: rates[f"claim-status:{k}"] + rates[f"pages:{k}"])
    hours = 5000 / rates[f"claim-status:{best}"] + 1000 / max(rates[f"pages:{best}"], 1) + 200 / max(cmn_rate, 1)
    print(f"mid-size night (5,000 claim checks, 1,000 text remittance pages, 200 CMNs) with {best} contexts: "
          f"{hours:.2f} hours (target 1.0; ratio {hours:.2f})")
    alone = (5000 / rates[f"claim-status:{best}:alone"] + 1000 / max(rates[f"pages:{best}:alone"], 1)
             + 200 / max(cmn_rate, 1))
    print(f"  bound with the portals off the runner (its own CPU per unit and the latency floor as the only limits; "
          f"CMNs as measured): {alone:.2f} hours")


if __name__ == "__main__":
    main()
