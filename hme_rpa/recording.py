"""`hme-rpa record SITE`: a HAR of a robot's session against the sandbox, for page-object tests to replay.

The sandbox is reset to a small fixed world on a fixed port, the robot's own
page objects walk the site's screens, and the HAR lands in `recordings/`
beside a JSON file with what the session did and what it read. Replaying
serves every request from the HAR (Playwright's HAR routing), so the tests
need no live site; a request the HAR does not hold is aborted and fails them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from playwright.async_api import Browser

from bots.portals.base import PortalSession
from bots.portals.bluriver import BlueRiverSession
from bots.portals.faxvault import FaxVaultSession
from bots.portals.medibill import MediBillSession
from bots.portals.medicare import MedicareSession
from bots.runtime import totp
from bots.runtime.browser import launch, new_context
from bots.runtime.guard import PortalGuard
from bots.runtime.vault import Credentials

TODAY = dt.date(2026, 11, 20)
SEED = 77
PORT = 8701  # recorded URLs carry the port: replays use the same one
SESSIONS: dict[str, type[PortalSession]] = {"medicare": MedicareSession, "bluriver": BlueRiverSession,
                                            "documents": FaxVaultSession, "billing": MediBillSession}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if value.__class__.__name__ == "Decimal":
        return f"{value:.2f}"
    return value


async def scenario(site: str, session: PortalSession, inputs: dict[str, Any]) -> dict[str, Any]:
    """The screens a robot walks on each site; returns what it read (JSON-ready)."""
    if isinstance(session, MedicareSession):
        dos = dt.date.fromisoformat(inputs["dos"])
        return {"claim_status": _plain(await session.claim_status(inputs["mbi"], dos, dos)),
                "remittances": _plain(await session.remittances(TODAY - dt.timedelta(days=6), TODAY))}
    if isinstance(session, BlueRiverSession):
        return {"claims": _plain(await session.claims_of_member(inputs["member_id"], inputs["account"])),
                "remittances": _plain(await session.remittances(TODAY - dt.timedelta(days=6), TODAY))}
    if isinstance(session, FaxVaultSession):
        return {"documents": _plain(await session.documents_of(inputs["account"]))}
    assert isinstance(session, MediBillSession)
    return {"claim": _plain(await session.claim(inputs["claim_number"])),
            "claim_read_in_place": _plain(await session.read_claim(inputs["claim_number"])),
            "holds": _plain(await session.holds("cmn"))}


def _inputs(site: str, store: Any) -> dict[str, Any]:
    if site == "medicare":
        row = store.one("""SELECT pt.mbi, c.dos_from FROM claims c JOIN patients pt ON pt.id = c.patient_id
                           JOIN payer_claims p ON p.claim_id = c.id
                           WHERE c.payer_key = 'medicare' AND p.status_code = 'F2' ORDER BY c.id LIMIT 1""")
        return {"mbi": row["mbi"], "dos": row["dos_from"]}
    if site == "bluriver":
        row = store.one("""SELECT pt.member_id, pt.account_number, count(*) AS n FROM claims c
                           JOIN patients pt ON pt.id = c.patient_id WHERE c.payer_key = 'bluriver'
                           GROUP BY pt.id ORDER BY n DESC, pt.id LIMIT 1""")
        return {"member_id": row["member_id"], "account": row["account_number"]}
    if site == "documents":
        row = store.one("SELECT pt.account_number FROM documents d JOIN patients pt ON pt.id = d.patient_id "
                        "ORDER BY d.id LIMIT 1")
        return {"account": row["account_number"]}
    row = store.one("SELECT claim_number FROM claims WHERE closed = 0 ORDER BY id LIMIT 1")
    return {"claim_number": row["claim_number"]}


async def _session(browser: Browser, site: str, credentials: Credentials, work_dir: Path) -> PortalSession:
    return SESSIONS[site](browser, PortalGuard(site), credentials, evidence_dir=work_dir, trace=False)


async def record(site: str, out_dir: Path) -> Path:
    from sandbox import serve
    from sandbox.world.store import Store

    out_dir.mkdir(parents=True, exist_ok=True)
    har = out_dir / f"{site}.har"
    with tempfile.TemporaryDirectory(prefix="hme-record-") as tmp:
        data = Path(tmp)
        serve.reset(data, seed=SEED, claims=300, today=TODAY)
        store = Store(serve.store_path(data))
        with serve.running(data, ports={name: PORT + serve.PORT_OFFSETS[name] for name in serve.SITES}) as sites:
            credentials = Credentials(url=sites.urls[site], username=store.meta(f"{site}:username"),
                                      password=store.meta(f"{site}:password"),
                                      totp_secret=store.meta(f"{site}:totp_secret") if site == "medicare" else "")
            inputs = _inputs(site, store)
            codes: list[str] = []
            real_code = totp.code

            def remembered(secret: str, at: float | None = None, **kw: Any) -> str:
                codes.append(real_code(secret, at, **kw))
                return codes[-1]

            totp.code = remembered  # type: ignore[assignment]
            try:
                async with launch() as (_pw, browser):
                    session = await _session(browser, site, credentials, data)
                    session.context = await new_context(browser, har=har)
                    session._page = await session.context.new_page()
                    session._holding_slot = False
                    read = await scenario(site, session, inputs)
                    await session.context.close()  # writes the HAR
            finally:
                totp.code = real_code  # type: ignore[assignment]
    (out_dir / f"{site}.json").write_text(json.dumps(
        {"site": site, "url": credentials.url, "username": credentials.username, "password": credentials.password,
         "totp_codes": codes, "inputs": inputs, "read": read}, indent=1, sort_keys=True) + "\n")
    return har


async def replay(site: str, recordings: Path, browser: Browser) -> tuple[dict[str, Any], dict[str, Any]]:
    """Walk the same screens with every request answered from the HAR; returns (recorded, read now)."""
    meta = json.loads((recordings / f"{site}.json").read_text())
    credentials = Credentials(url=meta["url"], username=meta["username"], password=meta["password"],
                              totp_secret="")
    codes = iter(meta["totp_codes"])
    real_code = totp.code
    totp.code = lambda *a, **k: next(codes)  # type: ignore[assignment]
    seconds_left = totp.seconds_left
    totp.seconds_left = lambda *a, **k: 30.0  # type: ignore[assignment]
    try:
        session = await _session(browser, site, credentials, recordings)
        session.context = await new_context(browser)
        await session.context.route_from_har(str(recordings / f"{site}.har"), not_found="abort")
        session._page = await session.context.new_page()
        session._holding_slot = False
        read = await scenario(site, session, meta["inputs"])
        await session.context.close()
    finally:
        totp.code = real_code  # type: ignore[assignment]
        totp.seconds_left = seconds_left  # type: ignore[assignment]
    return meta["read"], read


def record_now(site: str, out_dir: Path) -> Path:
    return asyncio.run(record(site, out_dir))

