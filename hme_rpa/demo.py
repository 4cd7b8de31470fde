"""`hme-rpa demo`: a working queue with realistic exceptions, in one command.

A fresh SQLite database under var/demo, four people, a bot token, two weeks
of worked history (so the supervisor page has numbers); the sandbox's
practice portals, reset and served; then one night of the real robots
against them, filing their exceptions through the queue's JSON API with the
evidence attached; then the URLs and logins to open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import shutil
import threading
from decimal import Decimal
from typing import Any, Callable

from bots.payers import PAYERS as ROBOT_PAYERS

from .config import Config

USERS = (
    # username, role, teams, display name
    ("sam", "supervisor", ["denials", "ar", "cash_posting", "documentation", "billing", "rpa_admin"], "Sam Ortiz"),
    ("bea", "biller", ["denials", "ar"], "Bea Lindqvist"),
    ("cal", "biller", ["cash_posting", "documentation"], "Cal Moreno"),
    ("rio", "biller", ["billing", "rpa_admin", "authorization"], "Rio Tanaka"),
)
PASSWORD = "demo-{}-password"

PATIENTS = ("KOWALSKI, BARBARA", "NGUYEN, JAMES", "HERNANDEZ-LOPEZ, LINDA", "OKAFOR, DANIEL", "MURPHY, ELLEN",
            "BERGSTROM, CARL", "PATEL, ANITA", "WASHINGTON, GRACE", "ROSSI, MARCO", "CHEN, LILY",
            "ABERNATHY, RUTH", "DUBOIS, PIERRE", "YAZZIE, HAROLD", "SCHMIDT, INGRID", "MENDOZA, ROSA")
# Named as the robots name them, so the history and the night's items share one payer each.
PAYERS = (*((p.name, p.type.value) for p in ROBOT_PAYERS.values()), ("State Medicaid", "medicaid"))


# What each kind of history item said when a robot filed it: its summary, findings and reason codes, so a
# worked item opened from the supervisor's pages reads like the night's own (never an empty page).
_HISTORY_WORDS: dict[str, tuple[str, list[str], list[str]]] = {
    "denial": ("Claim {claim} denied by {payer}: not medically necessary",
               ["Remittance line denied CO-50", "Appeal with the CMN and the physician's notes"], ["CO-50"]),
    "claim_not_on_file": ("Claim {claim} not on file at {payer}",
                          ["The payer's portal found no claim for the member and dates of service",
                           "Submitted 35 days ago; resubmit"], []),
    "pending_too_long": ("Claim {claim} pending 42 days at {payer}",
                         ["Claim status P3: information requested from the provider"], ["P3"]),
    "unmatched_payment": ("Payment on check {check} matches no open claim",
                          ["Account and date of service found, billed amount differs"], []),
    "cmn_invalid": ("CMN for claim {claim} is not valid: the test does not qualify",
                    ["Saturation 91% at rest meets neither group"], ["TEST_NOT_QUALIFYING"]),
    "unbalanced_remittance": ("Remittance {check} does not balance; nothing was posted",
                              ["Claim 2, line 1: billed 210.00 - adjustments 92.00 = 118.00, printed paid 118.02 "
                               "(0.02 apart)"], ["UNBALANCED_LINE"]),
    "front_end_rejection": ("Claim {claim} rejected at the clearinghouse: invalid member ID",
                            ["277CA status A7: rejected for invalid information"], ["A7"]),
    "portal_failure": ("{payer} portal did not answer for claim {claim}",
                       ["Timed out three times; the next run tries again"], []),
}


def _history(session: Any, config: Config, rng: random.Random, people: dict[str, Any]) -> int:
    """Two weeks of worked items, so the supervisor's page shows real figures."""
    from queue_server.services import intake, queue
    from queue_server.domain.kinds import Kind, PayerType, spec_of

    workers = {"bea": [Kind.DENIAL, Kind.CLAIM_NOT_ON_FILE, Kind.PENDING_TOO_LONG],
               "cal": [Kind.UNMATCHED_PAYMENT, Kind.CMN_INVALID, Kind.UNBALANCED_REMITTANCE],
               "rio": [Kind.FRONT_END_REJECTION, Kind.PORTAL_FAILURE]}
    now = config.now()
    resolved = 0
    for days_ago in range(14, 0, -1):
        day = now - dt.timedelta(days=days_ago)
        if not config.business_calendar.is_open(day.date()):
            continue
        for username, kinds in workers.items():
            user = people[username]
            for n in range(rng.randrange(4, 9)):
                kind = kinds[n % len(kinds)]
                created = day.replace(hour=6, minute=0) - dt.timedelta(days=rng.randrange(0, 3))
                claim, check = f"H{rng.randrange(10**6, 10**7)}", f"{rng.randrange(10**8, 10**9)}"
                summary, findings, codes = _HISTORY_WORDS[kind.value]
                new = intake.NewItem(idempotency_key=f"demo-history:{username}:{days_ago}:{n}", kind=kind,
                                     summary=summary.format(claim=claim, check=check, payer=PAYERS[n % 3][0]),
                                     reason_codes=codes, payload={"findings": findings},
                                     source="demo-history", payer=PAYERS[n % 3][0],
                                     payer_type=PayerType(PAYERS[n % 3][1]),
                                     claim_number=claim,
                                     patient_name=PATIENTS[rng.randrange(len(PATIENTS))],
                                     balance=Decimal(rng.randrange(5_000, 300_000)) / 100,
                                     service_date_from=(day - dt.timedelta(days=60)).date(),
                                     remittance_date=(day - dt.timedelta(days=10)).date())
                [result] = intake.create_items(session, [new], actor_label="bot:demo-history", now=created,
                                                 business_calendar=config.business_calendar)
                session.commit()
                item = queue.load_for_update(session, result.item_id)
                start = day.replace(hour=8 + n, minute=rng.randrange(0, 50))
                queue.take(session, item, user, lease=dt.timedelta(minutes=20), now=start)
                touch = dt.timedelta(seconds=rng.randrange(90, 1500))
                outcome = spec_of(kind).outcomes[0].code
                queue.resolve(session, item, user, outcome, now=start + touch)
                resolved += 1
                if rng.random() < 0.05:
                    queue.reopen(session, item, "Claim denied again at the payer", actor_label="bot:demo-history",
                                 now=start + dt.timedelta(days=1))
    return resolved


def run(*, port: int, serve: bool, echo: Callable[[str], None], sandbox_port: int = 8601,
        claims: int = 600) -> dict[str, Any]:
    from sqlalchemy.orm import Session
    from werkzeug.serving import make_server

    from queue_server import create_app, migrate
    from queue_client import QueueClient
    from queue_server.db import make_engine
    from queue_server.domain.kinds import Team
    from queue_server.models import Role
    from queue_server.services import auth

    data_dir = Config.from_env().data_dir / "demo"
    shutil.rmtree(data_dir, ignore_errors=True)
    config = Config.from_env(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'queue.sqlite3'}",
                             cookie_secure=False, server_port=port, server_host="127.0.0.1")
    echo(f"[1/4] database {config.database_url}")
    migrate.upgrade(config.database_url)
    rng = random.Random(2026)
    engine = make_engine(config.database_url)
    with Session(engine, expire_on_commit=False) as session:
        people = {}
        for username, role, teams, name in USERS:
            people[username] = auth.create_user(session, config, username=username, password=PASSWORD.format(username),
                                                role=Role(role), teams=[Team(t) for t in teams], display_name=name)
        token = auth.create_token(session, "demo-robot")
        echo("[2/4] two weeks of worked history for the supervisor page")
        history = _history(session, config, rng, people)
    engine.dispose()

    from sandbox import serve as sandbox_serve
    from sandbox.world.store import Store as SandboxStore

    summary_sandbox = sandbox_serve.reset(data_dir, seed=1, claims=claims, today=config.now().date())
    echo(f"      sandbox: {summary_sandbox['claims']:,} claims, {summary_sandbox['remittances']} remittances, "
         f"{summary_sandbox['holds']} holds")
    try:
        sandbox_sites = sandbox_serve.start(data_dir, base_port=sandbox_port)
    except OSError as exc:
        raise SystemExit(f"cannot start the sandbox on ports {sandbox_port}-{sandbox_port + 3} ({exc.strerror}); "
                         f"try `hme-rpa demo --sandbox-port {sandbox_port + 10}`.") from None

    # An item's claim number opens the claim in the sandbox's billing system, as HME_BILLING_CLAIM_URL does.
    config = dataclasses.replace(config, billing_claim_url=sandbox_sites.urls["billing"] + "/claims/{claim_number}")
    app = create_app(config)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the summary
    try:
        server = make_server(config.server_host, port, app, threaded=True)
    except OSError as exc:
        raise SystemExit(f"cannot listen on {config.server_host}:{port} ({exc.strerror}); "
                         f"is another demo running? Try `hme-rpa demo --port {port + 1}`.") from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://{config.server_host}:{port}"
    try:
        echo("[3/4] the night: the robots against the sandbox (claim status, EOB posting, CMN pull, billing reports)")
        night = night_run(config, data_dir, sandbox_sites.urls, base, token, echo)
        client = QueueClient(base, token)
        first = next((r for r in night["refs"]), None)
        if first is None:
            raise SystemExit("self-check failed: the robots filed no exception at all")
        check = client.get(first)
        echo(f"[4/4] self-check: item #{check['id']} reads back as {check['status']}")
        summary = {"created": len(night["refs"]), "history_resolved": history, "base_url": base, "night": night}
        echo("")
        echo(f"Queue: {len(night['refs'])} new exceptions from tonight's robots; "
             f"{history} items worked over the last two weeks.")
        echo(f"Open  {base}/           (billers: bea, cal, rio)")
        echo(f"      {base}/supervisor (supervisor: sam)")
        echo(f"      {base}/kpis/      (leadership KPIs from tonight's billing reports; sam)")
        echo(f"      {base}/api/v1/openapi.json  (the robots' API)")
        echo("Passwords: " + ", ".join(f"{u} / {PASSWORD.format(u)}" for u, *_ in USERS))
        sandbox_store = SandboxStore(sandbox_serve.store_path(data_dir))
        echo("Sandbox (practice portals):")
        for name, url in sandbox_sites.urls.items():
            extra = f", TOTP secret {sandbox_store.meta(name + ':totp_secret')}" if name == "medicare" else ""
            echo(f"      {name:<10} {url}/  {sandbox_store.meta(name + ':username')} / "
                 f"{sandbox_store.meta(name + ':password')}{extra}")
        summary["sandbox"] = sandbox_sites.urls
        if serve:
            echo("Serving until Ctrl-C.")
            try:
                thread.join()
            except KeyboardInterrupt:
                echo("stopped")
        return summary
    finally:
        server.shutdown()
        thread.join(timeout=5)
        sandbox_sites.stop()


def enroll_sandbox(vault: Any, data_dir: Any, urls: dict[str, str], queue_url: str, queue_token: str) -> None:
    """Store the sandbox portals' credentials and the queue's token in the vault, as an admin would with
    `hme-rpa vault set`."""
    from bots.runtime.vault import Credentials
    from sandbox import serve as sandbox_serve
    from sandbox.world.store import Store as SandboxStore

    store = SandboxStore(sandbox_serve.store_path(data_dir))
    for site, url in urls.items():
        vault.set(site, Credentials(url=url, username=store.meta(f"{site}:username"),
                                    password=store.meta(f"{site}:password"),
                                    totp_secret=store.meta(f"{site}:totp_secret") if site == "medicare" else ""))
    vault.set("queue", Credentials(url=queue_url, username="robot", password=queue_token))


def night_run(config: Config, data_dir: Any, urls: dict[str, str], queue_url: str, token: str,
              echo: Callable[[str], None]) -> dict[str, Any]:
    """Run the robots once, as the scheduler would at night, and print what they did."""
    import asyncio

    from cryptography.fernet import Fernet

    from bots.runner import run_robot
    from bots.runtime.vault import Vault
    from sqlalchemy import create_engine, text

    # Demo data only: the key lives in memory unless HME_VAULT_KEY is set.
    vault = Vault(data_dir / "vault.bin", config.vault_key.encode() or Fernet.generate_key())
    enroll_sandbox(vault, data_dir, urls, queue_url, token)
    night = config.now().date()
    out: dict[str, Any] = {"robots": {}}
    # The reports robot goes last: its claim outcomes include what the EOB robot posted tonight.
    for robot in ("claim-status", "eobs", "cmns", "reports"):
        shown = {"at": -1}

        def progress(done: int, total: int, robot: str = robot) -> None:
            step = max(total // 10, 1)
            if done == total or done // step != shown["at"]:
                shown["at"] = done // step
                echo(f"      {robot}: {done}/{total}")

        summary = asyncio.run(run_robot(config, robot, night=night, contexts=2, vault=vault, progress=progress))
        out["robots"][robot] = summary
        echo(f"      {robot}: {summary.status.value}, units {summary.units}")
    totals: dict[str, Any] = {}
    for summary in out["robots"].values():
        totals.update(summary.totals)
    engine = create_engine(config.database_url)
    with engine.connect() as conn:
        kinds = conn.execute(text("SELECT kind, count(*) FROM work_items WHERE source IN "
                                  "('claim-status', 'eobs', 'cmns') GROUP BY kind ORDER BY 2 DESC")).all()
        out["refs"] = [r[0] for r in conn.execute(text(
            "SELECT id FROM work_items WHERE source IN ('claim-status', 'eobs', 'cmns') ORDER BY id"))]
    engine.dispose()
    echo(f"      claims statused: {totals.get('claims_statused', 0)}; payments posted: "
         f"{totals.get('claims_posted', 0)} claims, ${totals.get('dollars_posted', '0.00')}; "
         f"holds released: {totals.get('holds_released', 0)} of {totals.get('holds_checked', 0)} checked")
    echo("      exceptions by kind: " + ", ".join(f"{k} {n}" for k, n in kinds))
    echo(f"      billing reports brought back: aging {totals.get('aging_rows', 0)} open claims, revenue "
         f"{totals.get('revenue_rows', 0)} days, outcomes {totals.get('outcomes_rows', 0)} claims")
    out["totals"], out["kinds"] = totals, dict(kinds)
    return out
