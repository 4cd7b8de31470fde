"""KPI pages on a year of history, on PostgreSQL.

Builds a throwaway database with a year of nightly A/R aging snapshots
(`--claims` open claims each), a year and a half of daily net revenue, a
year of claim outcomes, four robot runs a night and `--events` historical
item events (five per item), then renders every KPI page and drill-down as a
supervisor and as a biller would ask for them, several times each. Prints the
median and slowest render next to the 500 ms budget (the ratio is render time
over budget, measured in this run), and the same pages on an empty database
for comparison.

    .venv/bin/python bench/kpis.py [--events 1000000] [--claims 5000] [--repeat 5]

Needs PostgreSQL (HME_BENCH_PG_URL, default postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse
import os
import statistics
import time
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hme_rpa.config import Config  # noqa: E402
from queue_server import create_app, db as app_db, migrate  # noqa: E402
from queue_server.db import make_engine  # noqa: E402
from queue_server.domain.kinds import Team  # noqa: E402
from queue_server.models import Role  # noqa: E402
from queue_server.services import auth  # noqa: E402

PG_ADMIN = os.environ.get("HME_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password-123"
BUDGET_MS = 500.0
BILLERS = 20
# (kind, team) of the historical items, in turn.
KINDS = [("denial", "denials"), ("denial", "denials"), ("cmn_invalid", "documentation"),
         ("unmatched_payment", "cash_posting"), ("claim_not_on_file", "ar"), ("front_end_rejection", "billing"),
         ("cmn_needs_review", "documentation"), ("posting_review", "cash_posting")]


def populate(conn: sa.Connection, *, events: int, claims: int, first_user: int) -> dict[str, int]:
    """Everything generated inside PostgreSQL (generate_series): minutes of inserts become seconds."""
    items = events // 5
    kinds = ", ".join(f"({i}, '{k}', '{t}')" for i, (k, t) in enumerate(KINDS))
    conn.execute(sa.text(f"""
        INSERT INTO work_items (idempotency_key, kind, team, status, source, summary, payer, payer_type, claim_number,
            account_number, balance, remittance_date, reason_codes, deadline_rule, sla_due, payload, created_at,
            updated_at, resolved_at, resolved_by_id, outcome, reopen_count)
        SELECT 'bench-' || g, k.kind, k.team, CASE WHEN g % 40 = 0 THEN 'open' ELSE 'resolved' END, 'bench', 'bench',
               'MEDICARE', 'medicare', 'C' || lpad(g::text, 8, '0'), 'A' || (g % 20000), (g % 997) + 0.25,
               CASE WHEN k.team = 'cash_posting' THEN c.created::date END, '[]', '',
               c.created + interval '2 days', '{{}}', c.created, c.created,
               CASE WHEN g % 40 = 0 THEN NULL ELSE c.created + interval '30 hours' END,
               CASE WHEN g % 40 = 0 THEN NULL ELSE :first_user + g % {BILLERS} END,
               CASE WHEN g % 40 = 0 THEN NULL ELSE 'worked' END, 0
        FROM generate_series(1, :items) g
        CROSS JOIN LATERAL (SELECT now() - (g % 365) * interval '1 day' - (g % 36000) * interval '1 second' AS created) c
        JOIN (VALUES {kinds}) AS k(i, kind, team) ON k.i = g % {len(KINDS)}"""), {"items": items, "first_user": first_user})
    # Five events per item: created by a bot, then claimed, noted, released and resolved (or noted) by a person,
    # spread so that some denials are worked within two business days and some are not.
    conn.execute(sa.text(f"""
        INSERT INTO item_events (item_id, type, at, actor_id, actor_label, data)
        SELECT w.id, CASE WHEN e.step = 4 AND w.status <> 'resolved' THEN 'noted' ELSE e.type END,
               w.created_at + e.step * (1 + w.id % 17) * interval '4 hours',
               CASE WHEN e.step = 0 THEN NULL ELSE :first_user + w.id % {BILLERS} END,
               CASE WHEN e.step = 0 THEN 'bot:bench' ELSE 'biller' END, '{{}}'
        FROM work_items w
        CROSS JOIN (VALUES (0, 'created'), (1, 'claimed'), (2, 'noted'), (3, 'released'), (4, 'resolved')) AS e(step, type)
        """), {"first_user": first_user})
    # The marks the queue service keeps on each item as people work it.
    for columns, kinds, order in (("first_worked_at, first_worker_id", "'noted', 'snoozed', 'resolved', 'escalated'",
                                   "at, id"),
                                  ("last_touched_at, last_toucher_id",
                                   "'noted', 'snoozed', 'resolved', 'escalated', 'claimed'", "at DESC, id DESC")):
        at_col, actor_col = (c.strip() for c in columns.split(","))
        conn.execute(sa.text(f"""
            UPDATE work_items w SET {at_col} = f.at, {actor_col} = f.actor_id
            FROM (SELECT DISTINCT ON (item_id) item_id, at, actor_id FROM item_events
                  WHERE type IN ({kinds}) AND actor_id IS NOT NULL ORDER BY item_id, {order}) f
            WHERE f.item_id = w.id"""))
    conn.execute(sa.text("""
        INSERT INTO aging_snapshots (as_of, received_at, source, open_claims, gross_ar, net_ar)
        SELECT d::date, d + interval '5 hours', 'bench', 0, 0, 0
        FROM generate_series(current_date - 364, current_date, interval '1 day') d"""))
    conn.execute(sa.text("""
        INSERT INTO aging_lines (snapshot_id, claim_number, account_number, payer, category, submitted_on, age_days,
                                 bucket, billed, balance, net_balance)
        SELECT s.id, 'C' || lpad(((s.id * 131 + g) % 90000000)::text, 8, '0'), 'A' || (g % 3000),
               CASE WHEN g % 3 = 0 THEN 'bluriver' ELSE 'medicare' END,
               (ARRAY['oxygen', 'dme', 'rehab', 'supplies'])[1 + g % 4], s.as_of - a.age, a.age,
               CASE WHEN a.age < 30 THEN 0 WHEN a.age < 60 THEN 1 WHEN a.age < 90 THEN 2 WHEN a.age < 120 THEN 3 ELSE 4 END,
               100 + g % 400, 100 + g % 400, round((100 + g % 400) * 0.62, 2)
        FROM aging_snapshots s CROSS JOIN generate_series(1, :claims) g
        CROSS JOIN LATERAL (SELECT ((g * 37 + s.id * 11) % 1000) * (g % 7 + 1) % 240 AS age) a"""), {"claims": claims})
    conn.execute(sa.text("""
        INSERT INTO aging_totals (snapshot_id, bucket, claims, balance, net_balance)
        SELECT snapshot_id, bucket, count(*), sum(balance), sum(net_balance) FROM aging_lines GROUP BY snapshot_id, bucket"""))
    conn.execute(sa.text("""
        UPDATE aging_snapshots s SET open_claims = t.n, gross_ar = t.gross, net_ar = t.net
        FROM (SELECT snapshot_id, sum(claims) n, sum(balance) gross, sum(net_balance) net FROM aging_totals
              GROUP BY snapshot_id) t WHERE t.snapshot_id = s.id"""))
    conn.execute(sa.text("""
        INSERT INTO revenue_days (day, claims, gross_charges, contractual_allowance, net_revenue, reported_on)
        SELECT d::date, 40, 32000 + (extract(doy from d)::int % 13) * 100, 12000, 20000 + (extract(doy from d)::int % 13) * 100,
               current_date
        FROM generate_series(current_date - 546, current_date, interval '1 day') d"""))
    conn.execute(sa.text("""
        INSERT INTO claim_outcomes (claim_number, account_number, payer, payer_type, category, submitted_on, billed,
                                    outcome, outcome_on, paid, denied_lines, denial, reported_on)
        SELECT 'X' || lpad(g::text, 8, '0'), 'A' || (g % 3000), 'medicare', 'medicare',
               (ARRAY['oxygen', 'dme', 'rehab', 'supplies'])[1 + g % 4], current_date - (g % 365) - 20, 250,
               CASE WHEN g % 4 = 0 THEN 'denied' WHEN g % 31 = 0 THEN 'rejected' ELSE 'paid' END,
               current_date - (g % 365), CASE WHEN g % 4 = 0 THEN 0 ELSE 160 END, CASE WHEN g % 23 = 0 THEN 1 ELSE 0 END,
               CASE WHEN g % 4 = 0 THEN 'CO-50' ELSE '' END, current_date
        FROM generate_series(1, 60000) g"""))
    conn.execute(sa.text("""
        INSERT INTO robot_runs (robot, night, runner, status, started_at, heartbeat_at, finished_at, units_done,
                                units_exception, units_failed, exceptions_filed, error, totals)
        SELECT r.robot, d::date, 'bench', 'finished', d + interval '22 hours', d + interval '23 hours',
               d + interval '23 hours', 4000 + extract(doy from d)::int, 300, 5, 300, '', '{}'
        FROM generate_series(current_date - 364, current_date, interval '1 day') d
        CROSS JOIN (VALUES ('claim-status'), ('eobs'), ('cmns'), ('reports')) AS r(robot)"""))
    counts = {name: conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
              for name in ("work_items", "item_events", "aging_snapshots", "aging_lines", "revenue_days",
                           "claim_outcomes", "robot_runs")}
    return counts


def pages(biller_id: int) -> list[tuple[str, str, str]]:
    """(who, label, path) for every KPI page and drill-down."""
    sup = [("sup", "leadership (company)", "/kpis/"), ("sup", "leadership, 365 days", "/kpis/?period=365"),
           ("sup", "team: denials", "/kpis/?team=denials"), ("sup", "person", f"/kpis/?user={biller_id}"),
           ("sup", "summary CSV", "/kpis/summary.csv"), ("sup", "drill: aging over 120", "/kpis/aging?bucket=4"),
           ("sup", "drill: aging search", "/kpis/aging?q=A12"), ("sup", "drill: DSO revenue", "/kpis/dso"),
           ("sup", "drill: denied oxygen", "/kpis/denials?category=oxygen"), ("sup", "drill: not clean", "/kpis/clean"),
           ("sup", "drill: posting backlog", "/kpis/posting"), ("sup", "drill: denials late", "/kpis/denials-worked"),
           ("sup", "drill: documentation", "/kpis/documentation"), ("sup", "drill: billers", "/kpis/billers"),
           ("sup", "drill: robot runs", "/kpis/robots"), ("sup", "supervisor dashboard", "/supervisor/")]
    return [*sup, ("biller", "biller: my figures", "/kpis/")]


def measure(url: str, data_dir: Path, repeat: int, *, events: int, claims: int, fill: bool) -> dict[str, list[float]]:
    config = Config.from_env(env={}, database_url=url, data_dir=data_dir, secret_key="bench", cookie_secure=False,
                             password_time_cost=1, password_memory_kib=1024)
    engine = make_engine(url)
    with Session(engine) as s:
        users = [auth.create_user(s, config, username=f"b{i}", password=PASSWORD, role=Role.BILLER,
                                  teams=[Team.DENIALS, Team.DOCUMENTATION]) for i in range(BILLERS)]
        auth.create_user(s, config, username="sup", password=PASSWORD, role=Role.SUPERVISOR, teams=[])
        s.commit()
        first_user, biller_id = users[0].id, users[1].id
    if fill:
        started = time.perf_counter()
        with engine.begin() as conn:
            counts = populate(conn, events=events, claims=claims, first_user=first_user)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(f"  filled in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    engine.dispose()
    app = create_app(config)
    times: dict[str, list[float]] = {}
    clients = {}
    for who, username in (("sup", "sup"), ("biller", "b1")):
        client = app.test_client()
        form = client.get("/login").get_data(as_text=True)
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 302, answer.status_code
        clients[who] = client
    for who, label, path in pages(biller_id):
        client = clients[who]
        client.get(path)  # warm: templates compiled, connections open
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            times.setdefault(label, []).append(elapsed)
    app_db.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=5000, help="open claims in each nightly aging snapshot")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    names = [f"hme_bench_kpis_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    results = {}
    try:
        for name, fill in zip(names, (True, False)):
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
            migrate.upgrade(url)
            print(f"{'year of history' if fill else 'empty database'}: {name}")
            results[fill] = measure(url, REPO / "var" / "bench" / name, args.repeat, events=args.events,
                                    claims=args.claims, fill=fill)
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    full, empty = results[True], results[False]
    print()
    print(f"KPI pages, {args.events:,} item events, 365 snapshots x {args.claims:,} claims; "
          f"{args.repeat} renders each (ms; budget {BUDGET_MS:.0f})")
    print(f"{'page':<28}{'median':>9}{'slowest':>9}{'÷ budget':>10}{'empty db':>10}{'÷ empty':>9}")
    worst = 0.0
    for label, values in full.items():
        med, slowest, base = statistics.median(values), max(values), statistics.median(empty[label])
        worst = max(worst, slowest)
        print(f"{label:<28}{med:9.1f}{slowest:9.1f}{slowest / BUDGET_MS:10.2f}{base:10.1f}{med / base:9.1f}")
    print(f"\nslowest render {worst:.0f} ms = {worst / BUDGET_MS:.2f} of the {BUDGET_MS:.0f} ms budget"
          f" ({'within' if worst < BUDGET_MS else 'OVER'} budget)")


if __name__ == "__main__":
    main()
