"""Queue server under a morning's load, on PostgreSQL, through real HTTP.

50 simulated billers press "Next item" and resolve what they get, while a bot
posts 10,000 items in batches. Prints next-item latency (p50/p95/p99), items
created per second, the same next-item latency with one biller on a quiet
server for comparison (the ratio is load vs quiet, measured in this run), and
checks that no item was ever leased to two people.

    .venv/bin/python bench/queue.py [--billers 50] [--items 10000] [--batch 500]

Needs PostgreSQL (HME_BENCH_PG_URL, default postgres@127.0.0.1:5432). The
server is `hme-rpa serve` (gunicorn) in its own processes; password hashing is
set cheap so 50 logins do not dominate.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `queue`; drop its folder from
# the import path before anything imports that module.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse
import http.cookiejar
import os
import re
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hme_rpa.config import Config  # noqa: E402
from queue_server import migrate  # noqa: E402
from queue_client import QueueClient  # noqa: E402
from queue_server.db import make_engine  # noqa: E402
from queue_server.domain.kinds import Kind, Team  # noqa: E402
from queue_server.models import EventType, ItemEvent, Role  # noqa: E402
from queue_server.services import auth  # noqa: E402

PG_ADMIN = os.environ.get("HME_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password-123"
KINDS = [Kind.DENIAL, Kind.CLAIM_NOT_ON_FILE, Kind.UNMATCHED_PAYMENT, Kind.CMN_INVALID, Kind.FRONT_END_REJECTION,
         Kind.PENDING_TOO_LONG, Kind.PORTAL_FAILURE]
TEAM_PAIRS = [[Team.DENIALS, Team.AR], [Team.CASH_POSTING, Team.DOCUMENTATION], [Team.BILLING, Team.RPA_ADMIN],
              [Team.DENIALS, Team.CASH_POSTING], [Team.AR, Team.DOCUMENTATION]]
NO_REDIRECT = type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                   {"redirect_request": lambda *a, **k: None})


def pct(values: list[float], p: float) -> float:
    data = sorted(values)
    return data[min(int(round(p / 100 * (len(data) - 1))), len(data) - 1)] if data else float("nan")


class Biller:
    """One person in a browser: a cookie jar, the CSRF token, next and resolve."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NO_REDIRECT)
        self.username = username
        self.csrf = ""
        self.next_ms: list[float] = []
        self.resolve_ms: list[float] = []
        self.got: list[int] = []

    def _open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as resp:
                return resp.status, resp.headers.get("Location", ""), resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def log_in(self) -> None:
        _s, _l, html = self._open("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        status, _l, _b = self._open("/login", {"username": self.username, "password": PASSWORD, "csrf_token": token})
        assert status == 302, f"login failed for {self.username}: {status}"
        _s, _l, html = self._open("/")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    def next_item(self) -> int | None:
        start = time.perf_counter()
        status, location, _b = self._open("/next", {"csrf_token": self.csrf})
        self.next_ms.append((time.perf_counter() - start) * 1000)
        assert status == 302, status
        match = re.search(r"/items/(\d+)$", location)
        return int(match.group(1)) if match else None

    def resolve(self, item_id: int) -> None:
        start = time.perf_counter()
        status, location, _b = self._open(f"/items/{item_id}/resolve",
                                          {"csrf_token": self.csrf, "outcome": "no_action_needed"})
        self.resolve_ms.append((time.perf_counter() - start) * 1000)
        assert status == 302 and "/items/" not in location, (status, location)


def items(n: int, tag: str) -> list[dict[str, Any]]:
    return [{"idempotency_key": f"bench:{tag}:{i}", "kind": KINDS[i % len(KINDS)].value,
             "payer": "NORTHERN PLAINS DME MAC", "payer_type": "medicare", "claim_number": f"B{i:07d}",
             "account_number": f"{i:06d}-1", "patient_name": "BENCH, PATIENT", "balance": f"{(i * 37) % 5000}.{i % 100:02d}",
             "service_date_from": "2026-06-01", "remittance_date": "2026-10-01", "reason_codes": ["CO-50"],
             "payload": {"findings": ["bench"]}} for i in range(n)]


def work(biller: Biller, stop: threading.Event, bot_done: threading.Event) -> None:
    while not stop.is_set():
        item_id = biller.next_item()
        if item_id is None:
            if bot_done.is_set():
                return
            time.sleep(0.05)
            continue
        biller.got.append(item_id)
        biller.resolve(item_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--billers", type=int, default=50)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    args = parser.parse_args()

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"hme_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    data_dir = REPO / "var" / "bench" / name
    env = {**os.environ, "HME_DATABASE_URL": url, "HME_DATA_DIR": str(data_dir), "HME_COOKIE_SECURE": "false",
           "HME_PASSWORD_TIME_COST": "1", "HME_PASSWORD_MEMORY_KIB": "1024", "HME_SECRET_KEY": "bench"}
    server = None
    try:
        migrate.upgrade(url)
        config = Config.from_env(env=env)
        engine = make_engine(url)
        with Session(engine) as session:
            for n in range(args.billers + 1):
                auth.create_user(session, config, username=f"b{n:02d}", password=PASSWORD, role=Role.BILLER,
                                 teams=TEAM_PAIRS[n % len(TEAM_PAIRS)] if n else list(Team))
            token = auth.create_token(session, "bench-bot")
        port = 8470
        server = subprocess.Popen([str(Path(sys.executable).with_name("hme-rpa")), "serve", "--port", str(port),
                                   "--workers", str(args.workers), "--threads", str(args.threads)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        client = QueueClient(base, token, batch_size=args.batch, timeout=120)

        # Quiet baseline: one biller (all teams), 200 items, nothing else running.
        client.create_many(items(200, "quiet"))
        quiet = Biller(base, "b00")
        quiet.log_in()
        quiet_done = threading.Event()
        quiet_done.set()
        work(quiet, threading.Event(), quiet_done)
        quiet_p50 = statistics.median(quiet.next_ms)

        billers = [Biller(base, f"b{n:02d}") for n in range(1, args.billers + 1)]
        for b in billers:
            b.log_in()
        stop, bot_done = threading.Event(), threading.Event()
        created_times: list[float] = []
        to_post = items(args.items, "load")

        bot_errors: list[BaseException] = []

        def bot() -> None:
            start = time.perf_counter()
            try:
                for i in range(0, len(to_post), args.batch):
                    client.create_many(to_post[i:i + args.batch])
                created_times.append(time.perf_counter() - start)
            except BaseException as exc:  # noqa: BLE001 - reported after the run
                bot_errors.append(exc)
            finally:
                bot_done.set()

        threads = [threading.Thread(target=work, args=(b, stop, bot_done)) for b in billers]
        start = time.perf_counter()
        bot_thread = threading.Thread(target=bot)
        bot_thread.start()
        for t in threads:
            t.start()
        bot_thread.join()
        for t in threads:
            t.join(timeout=900)
        wall = time.perf_counter() - start

        if bot_errors:
            sys.exit(f"the bot failed: {bot_errors[0]!r}")
        handed = [i for b in billers for i in b.got]
        twice_by_clients = [i for i, n in Counter(handed).items() if n > 1]
        with Session(engine) as session:
            claims = dict(session.execute(sa.select(ItemEvent.item_id, sa.func.count())
                                          .where(ItemEvent.type == EventType.CLAIMED)
                                          .group_by(ItemEvent.item_id)).all())
        engine.dispose()
        leased_twice = [i for i, n in claims.items() if n > 1]
        next_ms = [ms for b in billers for ms in b.next_ms]
        resolve_ms = [ms for b in billers for ms in b.resolve_ms]
        load_p50 = pct(next_ms, 50)
        print(f"PostgreSQL, gunicorn {args.workers} processes x {args.threads} threads, {args.billers} billers, "
              f"{args.items} items in batches of {args.batch}, {os.cpu_count()} cores")
        print(f"items created per second (bot, while billers work): {args.items / created_times[0]:,.0f}")
        print(f"items worked: {len(handed)} in {wall:.1f} s ({len(handed) / wall:,.0f} next+resolve per s)")
        print(f"next-item latency under load: p50 {load_p50:.1f} ms, p95 {pct(next_ms, 95):.1f} ms, "
              f"p99 {pct(next_ms, 99):.1f} ms ({len(next_ms)} presses)")
        print(f"resolve latency under load:   p50 {pct(resolve_ms, 50):.1f} ms, p95 {pct(resolve_ms, 95):.1f} ms")
        print(f"next-item p50 on a quiet server (1 biller): {quiet_p50:.1f} ms; "
              f"ratio load/quiet: {load_p50 / quiet_p50:.1f}x")
        ok = not twice_by_clients and not leased_twice and len(handed) == args.items
        print(f"no item leased twice: {'yes' if ok else 'NO'} (handed out twice: {len(twice_by_clients)}, "
              f"claimed twice in the event log: {len(leased_twice)}, all {args.items} worked: {len(handed) == args.items})")
        if not ok:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
