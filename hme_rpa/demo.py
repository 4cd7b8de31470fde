"""`hme-rpa demo`: a working queue with realistic exceptions, in one command.

What it does today: a fresh SQLite database under var/demo, four people, a
bot token, two weeks of worked history (so the supervisor page has numbers),
then today's exceptions posted through the real JSON API exactly as the
robots post them, with their evidence attached; and the sandbox's practice
portals, reset and served. The robots' nightly run joins the demo when it
exists (issue 5).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import shutil
import threading
from decimal import Decimal
from typing import Any, Callable

from .config import Config
from . import samples

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
PAYERS = (("NORTHERN PLAINS DME MAC", "medicare"), ("BLUE RIVER HEALTH PLAN", "commercial"),
          ("STATE MEDICAID", "medicaid"))
DENIALS = (  # reason codes, what the bot saw
    (["CO-16", "MA130"], "Claim lacks information needed for adjudication (CO-16 / MA130)."),
    (["CO-50"], "Not deemed a medical necessity by the payer (CO-50)."),
    (["CO-197"], "Precertification / authorization absent (CO-197)."),
    (["CO-151"], "Payment adjusted: the payer deems the frequency of service excessive (CO-151)."),
    (["CO-22"], "This care may be covered by another payer (CO-22)."),
)
HCPCS = (("E1390", "oxygen concentrator", "RR"), ("E0601", "CPAP device", "RR"), ("K0823", "power wheelchair", "NU"),
         ("E0260", "hospital bed", "RR"), ("A4253", "glucose test strips", "NU"))


def _today_items(rng: random.Random, today: dt.date, count: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kinds = ["denial"] * 8 + ["claim_not_on_file"] * 2 + ["pending_too_long"] * 2 + ["unmatched_payment"] * 2 + \
            ["unbalanced_remittance", "cmn_invalid", "cmn_invalid", "cmn_needs_review", "front_end_rejection",
             "info_requested", "recoupment", "portal_failure"]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        payer, payer_type = PAYERS[rng.randrange(len(PAYERS))]
        patient = PATIENTS[rng.randrange(len(PATIENTS))]
        code, description, modifier = HCPCS[rng.randrange(len(HCPCS))]
        claim = f"C{rng.randrange(10**6, 10**7)}"
        account = f"{rng.randrange(100000, 999999)}-{rng.randrange(1, 9)}"
        # Commercial plans allow about 90 days to file; keep most of their claims inside it.
        dos = today - dt.timedelta(days=rng.randrange(10, 85) if payer_type == "commercial" else rng.randrange(20, 330))
        balance = Decimal(rng.randrange(4_000, 450_000)) / 100
        item: dict[str, Any] = {
            "idempotency_key": f"demo:{kind}:{claim}", "kind": kind, "payer": payer, "payer_type": payer_type,
            "claim_number": claim, "account_number": account, "patient_name": patient,
            "balance": f"{balance:.2f}", "service_date_from": dos.isoformat(), "source": "demo-robot",
        }
        findings = [f"{code}-{modifier} {description}, date of service {dos:%m/%d/%Y}."]
        if kind == "denial":
            codes, why = DENIALS[rng.randrange(len(DENIALS))]
            remit = today - dt.timedelta(days=rng.randrange(1, 125))
            item.update(reason_codes=codes, remittance_date=remit.isoformat(),
                        payer_claim_number=str(rng.randrange(10**13, 10**14)),
                        summary=f"Denied: {why.split(' (')[0]}")
            findings.append(f"Claim status inquiry returned DENIED. {why}")
            findings.append(f"Remittance dated {remit:%m/%d/%Y}; paid $0.00 on this claim.")
        elif kind == "claim_not_on_file":
            item["summary"] = "Payer has no record of the claim"
            findings.append("Claim status inquiry by MBI and date of service: no claim on file (277 A7/D0).")
        elif kind == "pending_too_long":
            item["summary"] = "Pending with the payer for over 30 days"
            findings.append("Status PENDING (A2) for 38 days; Medicare's payment floor is 14 days.")
        elif kind == "unmatched_payment":
            item["summary"] = "Payment on the remittance matches no open claim"
            findings.append(f"Remittance line paid ${balance:.2f} for account {account}; no such claim is open.")
        elif kind == "unbalanced_remittance":
            item["summary"] = "Remittance does not balance: claim paid ≠ billed − adjustments"
            item["payload_extra"] = {"check_number": str(rng.randrange(10**8, 10**9))}
            findings.append("Claim-level balancing failed by $12.40 on page 2 (UNBALANCED_CLAIM).")
        elif kind in ("cmn_invalid", "cmn_needs_review"):
            item["summary"] = "CMS-484 oxygen CMN on hold" if kind == "cmn_invalid" else "CMN read with low confidence"
            item["extracted"] = {
                "document_type": "cmn", "form": "CMS-484", "certification_type": "initial",
                "patient": {"name": patient, "mbi": "6MT4HA8AE51", "dob": "1951-05-13"},
                "physician": {"name": "CHOWDHURY, ANIL", "npi": "1005830457"},
                "hcpcs": ["E1390"], "length_of_need_months": 12,
                "test": {"pao2_mmhg": 64 if kind == "cmn_invalid" else 55, "sao2_percent": None,
                         "date": (today - dt.timedelta(days=40)).isoformat(), "condition": "rest"},
                "signature_present": kind != "cmn_invalid", "signature_date": None,
                "valid": False, "problems": ["TEST_NOT_QUALIFYING", "MISSING_SIGNATURE"] if kind == "cmn_invalid" else [],
                "review": [] if kind == "cmn_invalid" else ["test.pao2_mmhg", "physician.npi"],
            }
            item["confidence"] = {"patient.name": 0.97, "patient.mbi": 0.93, "physician.npi": 0.71,
                                  "test.pao2_mmhg": 0.62 if kind == "cmn_needs_review" else 0.95}
            findings.append("Order on CMN/prescription hold; document fetched from the physician-fax inbox.")
        elif kind == "portal_failure":
            item.update(summary="Portal login failed: password expired", payer=PAYERS[1][0],
                        idempotency_key=f"demo:portal_failure:{today}", balance="0.00", claim_number=None,
                        account_number=None, patient_name=None, service_date_from=None)
            findings = ["BLUE RIVER portal answered 'Your password has expired' at login; 0 of 212 claims checked.",
                        "Retried 3 times with a fresh session; stopped to avoid locking the account."]
        else:
            item["summary"] = {"front_end_rejection": "Rejected by the clearinghouse: invalid NPI",
                               "info_requested": "Payer requests medical records (ADR)",
                               "recoupment": "Provider-level offset WO on the remittance"}[kind]
        payload: dict[str, Any] = {"findings": findings}
        for key in ("extracted", "confidence", "payload_extra"):
            if key in item:
                value = item.pop(key)
                payload.update(value if key == "payload_extra" else {key: value})
        item["payload"] = payload
        items.append({k: v for k, v in item.items() if v is not None})
    return items


def _history(session: Any, config: Config, rng: random.Random, people: dict[str, Any]) -> int:
    """Two weeks of worked items, so the supervisor's page shows real figures."""
    from queue_server.services import intake, queue
    from queue_server.domain.kinds import Kind, PayerType

    workers = {"bea": [Kind.DENIAL, Kind.CLAIM_NOT_ON_FILE, Kind.PENDING_TOO_LONG],
               "cal": [Kind.UNMATCHED_PAYMENT, Kind.CMN_INVALID, Kind.UNBALANCED_REMITTANCE],
               "rio": [Kind.FRONT_END_REJECTION, Kind.PORTAL_FAILURE]}
    now = config.now()
    resolved = 0
    for days_ago in range(14, 0, -1):
        day = now - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for username, kinds in workers.items():
            user = people[username]
            for n in range(rng.randrange(4, 9)):
                kind = kinds[n % len(kinds)]
                created = day.replace(hour=6, minute=0) - dt.timedelta(days=rng.randrange(0, 3))
                new = intake.NewItem(idempotency_key=f"demo-history:{username}:{days_ago}:{n}", kind=kind,
                                     source="demo-history", payer=PAYERS[n % 3][0],
                                     payer_type=PayerType(PAYERS[n % 3][1]),
                                     claim_number=f"H{rng.randrange(10**6, 10**7)}",
                                     patient_name=PATIENTS[rng.randrange(len(PATIENTS))],
                                     balance=Decimal(rng.randrange(5_000, 300_000)) / 100,
                                     service_date_from=(day - dt.timedelta(days=60)).date(),
                                     remittance_date=(day - dt.timedelta(days=10)).date())
                [result] = intake.create_items(session, [new], actor_label="bot:demo-history", now=created)
                session.commit()
                item = queue.load_for_update(session, result.item_id)
                start = day.replace(hour=8 + n, minute=rng.randrange(0, 50))
                queue.take(session, item, user, lease=dt.timedelta(minutes=20), now=start)
                touch = dt.timedelta(seconds=rng.randrange(90, 1500))
                outcome = kind.spec.outcomes[0].code
                queue.resolve(session, item, user, outcome, now=start + touch)
                resolved += 1
                if rng.random() < 0.05:
                    queue.reopen(session, item, "Claim denied again at the payer", actor_label="bot:demo-history",
                                 now=start + dt.timedelta(days=1))
    return resolved


def run(*, port: int, serve: bool, echo: Callable[[str], None], sandbox_port: int = 8601) -> dict[str, Any]:
    from sqlalchemy.orm import Session
    from werkzeug.serving import make_server

    from queue_server import create_app, migrate
    from queue_server.client import QueueClient
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

    summary_sandbox = sandbox_serve.reset(data_dir, seed=1, claims=2000, today=config.now().date())
    echo(f"      sandbox: {summary_sandbox['claims']:,} claims, {summary_sandbox['remittances']} remittances, "
         f"{summary_sandbox['holds']} holds")
    try:
        sandbox_sites = sandbox_serve.start(data_dir, base_port=sandbox_port)
    except OSError as exc:
        raise SystemExit(f"cannot start the sandbox on ports {sandbox_port}-{sandbox_port + 3} ({exc.strerror}); "
                         f"try `hme-rpa demo --sandbox-port {sandbox_port + 10}`.") from None

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
        echo("[3/4] today's exceptions posted through the robots' API, with evidence")
        client = QueueClient(base, token)
        items = _today_items(rng, config.now().date(), 60)
        results = client.create_many(items)
        again = client.create_many(items[:5])  # a robot retrying must not duplicate
        if any(r["created"] for r in again):
            raise SystemExit("self-check failed: posting the same items twice created duplicates")
        attached = 0
        for item, result in zip(items, results):
            if not result["created"]:
                continue
            if item["kind"] in ("cmn_invalid", "cmn_needs_review"):
                client.attach(result["id"], "cmn-fax.pdf", samples.text_pdf(
                    ["CERTIFICATE OF MEDICAL NECESSITY CMS-484 - OXYGEN", f"PATIENT: {item['patient_name']}",
                     "SECTION B: PaO2 64 mmHg at rest", "PHYSICIAN SIGNATURE: ____________"], "Fax page 1 of 1"),
                    label="fax")
                attached += 1
            elif item["kind"] in ("denial", "unbalanced_remittance") and attached < 12:
                client.attach(result["id"], "remittance-page.pdf", samples.text_pdf(
                    [f"CLAIM {item.get('claim_number')}  ACNT {item.get('account_number')}",
                     f"BILLED {item['balance']}  PAID 0.00", "CO-16 MA130"], "MEDICARE REMITTANCE NOTICE p.1"),
                    label="pdf_page")
                attached += 1
            elif item["kind"] == "portal_failure":
                client.attach(result["id"], "login-page.png", samples.png(), label="screenshot")
                attached += 1
        check = client.get(results[0]["id"])
        echo(f"[4/4] self-check: item #{check['id']} reads back as {check['status']}")
        summary = {"posted": len(results), "created": sum(r["created"] for r in results), "attachments": attached,
                   "history_resolved": history, "base_url": base}
        echo("")
        echo(f"Queue: {summary['created']} new exceptions ({attached} with evidence); "
             f"{history} items worked over the last two weeks.")
        echo(f"Open  {base}/           (billers: bea, cal, rio)")
        echo(f"      {base}/supervisor (supervisor: sam)")
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
