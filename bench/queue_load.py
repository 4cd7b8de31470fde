"""The queue server under a morning's load, on PostgreSQL, through real HTTP: three scenarios.

1. Intake: one bot posts items in batches of 1,000 to an idle server (items/s), beside a plain SQLAlchemy
   Core bulk insert of the same rows in this process (rows/s).
2. A person's pace: 50 billers, each pressing "Next item" and resolving every 10-30 s, while a bot posts
   10,000 items; with 10,000 and with 100,000 open items. Next-item p50/p95/p99 beside the same claim made
   in this process through the service (no HTTP, no Flask).
3. Saturation: the 50 billers with no pause (next + resolve per second) beside one in-process claimer; and
   whether any item was ever leased to two people.

Each line prints its ratio to the in-process baseline measured in the same run, so a slower or busier
machine moves both. Targets (issue 32): intake >= 5,000 items/s; next-item p95 <= 20 ms and p99 <= 50 ms at
a person's pace; saturation >= 128 next+resolve/s; 0 items leased twice.

    .venv/bin/python bench/queue_load.py [--billers 50] [--pace-seconds 120] [--skip-100k]

Needs PostgreSQL (HME_BENCH_PG_URL, default postgres@127.0.0.1:5432). The server is `hme-rpa serve` with its
default processes and threads; password hashing is set cheap so 50 log-ins do not dominate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hme_rpa.config import Config  # noqa: E402
from queue_client import QueueClient  # noqa: E402
from queue_server import migrate  # noqa: E402
from queue_server.db import make_engine, utcnow  # noqa: E402
from queue_server.domain.kinds import Kind, PayerType, Team  # noqa: E402
from queue_server.models import EventType, ItemEvent, Role, User, WorkItem  # noqa: E402
from queue_server.services import auth, intake, queue  # noqa: E402

PG_ADMIN = os.environ.get("HME_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password-123"
KINDS = [Kind.DENIAL, Kind.CLAIM_NOT_ON_FILE, Kind.UNMATCHED_PAYMENT, Kind.CMN_INVALID, Kind.FRONT_END_REJECTION,
         Kind.PENDING_TOO_LONG, Kind.PORTAL_FAILURE]
TEAM_PAIRS = [[Team.DENIALS, Team.AR], [Team.CASH_POSTING, Team.DOCUMENTATION], [Team.BILLING, Team.RPA_ADMIN],
              [Team.DENIALS, Team.CASH_POSTING], [Team.AR, Team.DOCUMENTATION]]
LEASE = dt.timedelta(minutes=30)


def pct(values: list[float], p: float) -> float:
    data = sorted(values)
    return data[min(int(round(p / 100 * (len(data) - 1))), len(data) - 1)] if data else float("nan")


class Biller:
    """One person in a browser: one kept-alive connection, the session cookie and CSRF token, next and resolve."""

    def __init__(self, host: str, port: int, username: str) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=120)
        self.username = username
        self.cookie = ""
        self.csrf = ""
        self.next_ms: list[float] = []
        self.got: list[int] = []
        self.pairs_done = 0
        self.last_answer = 0.0

    def _request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if time.monotonic() - self.last_answer > 1.0:
            # The server closes a kept-alive connection idle for 2 s (gunicorn's default); a browser opens a
            # new one after a person's pause, and so does this.
            self.conn.close()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):  # closed as we sent: the request was not taken
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        text = resp.read().decode(errors="replace")
        self.last_answer = time.monotonic()
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                self.cookie = value.split(";", 1)[0]
        return resp.status, resp.getheader("Location", ""), text

    def log_in(self) -> None:
        _s, _l, html = self._request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        status, _l, _b = self._request("POST", "/login", {"username": self.username, "password": PASSWORD,
                                                          "csrf_token": token})
        assert status == 302, f"login failed for {self.username}: {status}"
        _s, _l, html = self._request("GET", "/")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    def next_item(self) -> int | None:
        start = time.perf_counter()
        status, location, _b = self._request("POST", "/next", {"csrf_token": self.csrf})
        self.next_ms.append((time.perf_counter() - start) * 1000)
        assert status == 302, status
        match = re.search(r"/items/(\d+)$", location)
        return int(match.group(1)) if match else None

    def resolve(self, item_id: int) -> None:
        status, location, _b = self._request("POST", f"/items/{item_id}/resolve",
                                             {"csrf_token": self.csrf, "outcome": "no_action_needed"})
        assert status == 302 and "/items/" not in location, (status, location)
        self.got.append(item_id)
        self.pairs_done += 1

    def one_pair(self) -> bool:
        item_id = self.next_item()
        if item_id is None:
            return False
        self.resolve(item_id)
        return True


def api_items(n: int, tag: str) -> list[dict[str, Any]]:
    return [{"idempotency_key": f"bench:{tag}:{i}", "kind": KINDS[i % len(KINDS)].value,
             "payer": "NORTHERN PLAINS DME MAC", "payer_type": "medicare", "claim_number": f"B{i:07d}",
             "account_number": f"{i:06d}-1", "patient_name": "BENCH, PATIENT", "balance": f"{(i * 37) % 5000}.{i % 100:02d}",
             "service_date_from": "2026-06-01", "remittance_date": "2026-10-01", "reason_codes": ["CO-50"],
             "payload": {"findings": ["bench"]}} for i in range(n)]


def new_items(n: int, tag: str, rng: random.Random) -> list[intake.NewItem]:
    """A backlog with every tier: service and remittance dates spread over a year, so deadlines are too."""
    today = dt.date.today()
    return [intake.NewItem(idempotency_key=f"bench:{tag}:{i}", kind=KINDS[i % len(KINDS)], payer="NORTHERN PLAINS",
                           payer_type=PayerType.MEDICARE, claim_number=f"P{i:07d}", patient_name="BENCH, PATIENT",
                           balance=Decimal(rng.randrange(0, 500_000)) / 100,
                           service_date_from=today - dt.timedelta(days=rng.randrange(20, 360)),
                           remittance_date=today - dt.timedelta(days=rng.randrange(1, 120)),
                           reason_codes=["CO-50"], payload={"findings": ["bench"]}) for i in range(n)]


class World:
    """A fresh database, its users and token, and `hme-rpa serve` in its own processes."""

    def __init__(self, billers: int, serve_args: list[str] | None = None) -> None:
        self.admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        self.name = f"hme_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        self.url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"
        data_dir = REPO / "var" / "bench" / self.name
        self.env = {**os.environ, "HME_DATABASE_URL": self.url, "HME_DATA_DIR": str(data_dir),
                    "HME_COOKIE_SECURE": "false", "HME_PASSWORD_TIME_COST": "1", "HME_PASSWORD_MEMORY_KIB": "1024",
                    "HME_SECRET_KEY": "bench"}
        migrate.upgrade(self.url)
        self.config = Config.from_env(env=self.env)
        self.engine = make_engine(self.url)
        with Session(self.engine) as session:
            for n in range(billers + 1):
                auth.create_user(session, self.config, username=f"b{n:02d}", password=PASSWORD, role=Role.BILLER,
                                 teams=TEAM_PAIRS[n % len(TEAM_PAIRS)] if n else list(Team))
            self.token = auth.create_token(session, "bench-bot")
        self.port = 8470
        self.server = subprocess.Popen([str(Path(sys.executable).with_name("hme-rpa")), "serve", "--port",
                                        str(self.port), *(serve_args or [])], env=self.env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/api/v1/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        self.client = QueueClient(self.base, self.token, batch_size=1000, timeout=120)

    def billers(self, n: int) -> list[Biller]:
        people = [Biller("127.0.0.1", self.port, f"b{k:02d}") for k in range(1, n + 1)]
        for person in people:
            person.log_in()
        return people

    def open_items(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(WorkItem).where(WorkItem.status == "open")) or 0

    def fill_to(self, open_wanted: int, rng: random.Random) -> None:
        """Top the backlog up in this process (not a measurement), then let PostgreSQL learn its statistics."""
        missing = open_wanted - self.open_items()
        tag = uuid.uuid4().hex[:6]
        with Session(self.engine) as session:
            for start in range(0, max(missing, 0), 1000):
                intake.create_items(session, new_items(min(1000, missing - start), f"{tag}{start}", rng),
                                    actor_label="bench")
                session.commit()
        with self.engine.connect() as conn:
            conn.execute(sa.text("ANALYZE work_items"))
            conn.commit()

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def intake_scenario(world: World, n: int) -> None:
    rows = []
    now = utcnow()
    for item in api_items(n, "core"):
        rows.append(intake._row(intake.NewItem(**{**item, "kind": Kind(item["kind"]),
                                                  "payer_type": PayerType(item["payer_type"]),
                                                  "balance": Decimal(item["balance"]),
                                                  "service_date_from": dt.date.fromisoformat(item["service_date_from"]),
                                                  "remittance_date": dt.date.fromisoformat(item["remittance_date"])}),
                                now, world.config.business_calendar))
    start = time.perf_counter()
    with world.engine.begin() as conn:
        for i in range(0, n, 1000):
            conn.execute(sa.insert(WorkItem.__table__), rows[i:i + 1000])
    core_rate = n / (time.perf_counter() - start)
    items = api_items(n, "api")
    start = time.perf_counter()
    world.client.create_many(items)
    api_rate = n / (time.perf_counter() - start)
    print(f"1. intake, one bot, batches of 1,000: {api_rate:,.0f} items/s through the API; "
          f"Core bulk insert in-process {core_rate:,.0f} rows/s; ratio {api_rate / core_rate:.2f}")
    with world.engine.begin() as conn:  # measured, not a backlog: the person's-pace runs fill their own
        conn.execute(sa.delete(WorkItem))


def in_process_claims(world: World, username: str, presses: int) -> tuple[list[float], float]:
    """The same "Next item" through the service, in this process: latencies in ms and pairs per second."""
    times: list[float] = []
    with Session(world.engine, expire_on_commit=False) as session:
        user = session.scalars(sa.select(User).where(User.username == username)).one()
        start = time.perf_counter()
        for _ in range(presses):
            t = time.perf_counter()
            item = queue.claim_next(session, user, lease=LEASE)
            times.append((time.perf_counter() - t) * 1000)
            if item is None:
                break
            queue.resolve(session, item, user, "no_action_needed")
        wall = time.perf_counter() - start
    return times, len(times) / wall


def run_billers(billers: list[Biller], step: Callable[[Biller, threading.Event], None],
                stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=step, args=(b, stop), daemon=True) for b in billers]
    for t in threads:
        t.start()
    return threads


def pace_scenario(world: World, billers: list[Biller], open_items: int, seconds: float, bot_items: int,
                  rng: random.Random) -> None:
    world.fill_to(open_items, rng)
    baseline, _rate = in_process_claims(world, "b00", 60)
    for b in billers:
        b.next_ms.clear()
    stop = threading.Event()

    def person(b: Biller, stop: threading.Event) -> None:
        think = random.Random(b.username)
        if stop.wait(think.uniform(0, 20)):  # people do not all start at once
            return
        while not stop.is_set():
            b.one_pair()
            if stop.wait(think.uniform(10, 30)):
                return

    threads = run_billers(billers, person, stop)
    time.sleep(min(10.0, seconds / 4))
    posted = time.perf_counter()
    world.client.create_many(api_items(bot_items, f"pace{open_items}"))
    bot_seconds = time.perf_counter() - posted
    time.sleep(max(0.0, seconds - min(10.0, seconds / 4) - bot_seconds))
    stop.set()
    for t in threads:
        t.join(timeout=120)
    presses = [ms for b in billers for ms in b.next_ms]
    base = statistics.median(baseline)
    print(f"2. a person's pace, {open_items:,} open, {len(billers)} billers, a bot posting {bot_items:,} "
          f"({bot_items / bot_seconds:,.0f} items/s): next-item p50 {pct(presses, 50):.1f} ms, "
          f"p95 {pct(presses, 95):.1f} ms, p99 {pct(presses, 99):.1f} ms ({len(presses)} presses); "
          f"in-process claim p50 {base:.1f} ms; p95 ratio {pct(presses, 95) / base:.1f}x")


def saturation_scenario(world: World, billers: list[Biller], seconds: float) -> None:
    _times, in_process_rate = in_process_claims(world, "b00", 300)
    before = sum(b.pairs_done for b in billers)
    stop = threading.Event()

    def flat_out(b: Biller, stop: threading.Event) -> None:
        while not stop.is_set():
            if not b.one_pair():
                time.sleep(0.05)

    start = time.perf_counter()
    threads = run_billers(billers, flat_out, stop)
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)
    rate = (sum(b.pairs_done for b in billers) - before) / (time.perf_counter() - start)
    print(f"3. saturation, {len(billers)} billers with no pause: {rate:,.0f} next+resolve per s; "
          f"one in-process claimer {in_process_rate:,.0f} per s; ratio {rate / in_process_rate:.2f}")


def leased_twice(world: World, billers: list[Biller]) -> bool:
    handed = [i for b in billers for i in b.got]
    twice_by_clients = [i for i, n in Counter(handed).items() if n > 1]
    with Session(world.engine) as session:
        claims = session.execute(sa.select(ItemEvent.item_id).where(ItemEvent.type == EventType.CLAIMED)
                                 .group_by(ItemEvent.item_id).having(sa.func.count() > 1)).scalars().all()
    print(f"items leased twice: {len(twice_by_clients)} handed out twice, {len(claims)} claimed twice in the "
          f"event log ({len(handed):,} items worked by the billers)")
    return bool(twice_by_clients or claims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--billers", type=int, default=50)
    parser.add_argument("--intake-items", type=int, default=20_000)
    parser.add_argument("--bot-items", type=int, default=10_000, help="posted during the person's-pace runs")
    parser.add_argument("--pace-seconds", type=float, default=120.0, help="length of each person's-pace run")
    parser.add_argument("--saturation-seconds", type=float, default=30.0)
    parser.add_argument("--skip-100k", action="store_true", help="only the 10,000-open person's-pace run")
    parser.add_argument("--serve-args", default="", help="options for `hme-rpa serve`, e.g. \"--workers 4 --threads 2\"")
    args = parser.parse_args()
    rng = random.Random(32)
    world = World(args.billers, args.serve_args.split())
    try:
        print(f"PostgreSQL, `hme-rpa serve` {args.serve_args or 'with its defaults'}, {os.cpu_count()} cores")
        intake_scenario(world, args.intake_items)
        billers = world.billers(args.billers)
        for backlog in ([10_000] if args.skip_100k else [10_000, 100_000]):
            pace_scenario(world, billers, backlog, args.pace_seconds, args.bot_items, rng)
        saturation_scenario(world, billers, args.saturation_seconds)
        if leased_twice(world, billers):
            sys.exit(1)
    finally:
        world.close()


if __name__ == "__main__":
    main()
