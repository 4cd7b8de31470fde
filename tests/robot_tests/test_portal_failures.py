"""A portal that is down or wants a new password stops cleanly: one item for the RPA admins, no crash loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from night import TODAY, night

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_expired_password_and_maintenance_each_file_one_item(tmp_path: Path, database_url: str) -> None:
    require_chromium()
    with night(tmp_path, database_url, seed=5, claims=150, faults=False) as n:
        n.sites.faults["medicare"].update({"password_expired": True})
        n.sites.faults["documents"].update({"maintenance": True})
        policy = Policy(retries=2, backoff=0.05, breaker_threshold=3)
        status = asyncio.run(run_robot(n.config, "claim-status", night=TODAY, vault=n.vault, policy=policy,
                                       trace=True))
        cmns = asyncio.run(run_robot(n.config, "cmns", night=TODAY, vault=n.vault, policy=policy, trace=True))
        items = n.items()
        failures = [i for i in items if i["kind"] == "portal_failure"]
        keys = sorted(i["idempotency_key"] for i in failures)
        assert keys == [f"portal_failure:documents:{TODAY}:portal_down",
                        f"portal_failure:medicare:{TODAY}:password_expired"], keys
        assert status.status.value == "failed" and "password for medicare has expired" in status.error
        assert cmns.status.value == "failed" and "documents failed 3 times" in cmns.error
        # Blue River's claims were still checked; Medicare's wait, planned, for the next run.
        due = [c for c in n.expected["claims"] if c["due_for_follow_up"]]
        notes = n.notes()
        assert all(c["claim_number"] in notes for c in due if c["payer"] == "bluriver" and c["expected_note"])
        assert not any(c["claim_number"] in notes for c in due if c["payer"] == "medicare")
        assert status.units.get("pending", 0) == sum(c["payer"] == "medicare" for c in due)
        # The portal-down item carries the evidence: what the screen showed and the Playwright trace.
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as conn:
            labels = sorted(r[0] for r in conn.execute(text(
                "SELECT a.label FROM attachments a JOIN work_items w ON w.id = a.item_id "
                "WHERE w.idempotency_key = :k"), {"k": f"portal_failure:documents:{TODAY}:portal_down"}))
        engine.dispose()
        assert labels == ["screenshot", "trace"], labels
        # The password changed and stored again, the next run finishes Medicare's claims.
        n.sites.faults["medicare"].update({"password_expired": False})
        again = asyncio.run(run_robot(n.config, "claim-status", night=TODAY, vault=n.vault, policy=policy,
                                      trace=False))
        assert again.status.value == "finished" and again.units.get("pending", 0) == 0
        notes = n.notes()
        assert all(c["claim_number"] in notes for c in due if c["expected_note"])


def test_after_a_portals_error_the_next_read_goes_from_the_portals_own_page(tmp_path: Path) -> None:
    """Seen in a full-size night: a 503 kept the session on a new, blank page, and the next read (a fetch in the
    page) came from about:blank, which the browser refuses ("Failed to fetch"); a check's unit failed on it.
    The page goes back to the portal first, still logged in (one log-in, one context)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from bots.portals.base import PortalSession
    from bots.runtime.browser import launch
    from bots.runtime.guard import PortalGuard
    from bots.runtime.vault import Credentials

    require_chromium()
    answers = iter([503, 200, 200])
    seen: list[str] = []

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            seen.append(self.path)
            status = next(answers) if self.path == "/screen" else 200
            body = b'<html><div id="s">claim C1</div></html>' if status == 200 else b"<html>busy</html>"
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    logins: list[int] = []

    class Session(PortalSession):
        name = "billing"

        async def login(self, page: object) -> None:
            logins.append(1)
            await self.goto(page, "/")  # type: ignore[arg-type]

    async def night() -> list[str]:
        async with launch() as (_playwright, browser):
            session = Session(browser, PortalGuard("billing", Policy(retries=2, backoff=0.0)),
                              Credentials(url=f"http://127.0.0.1:{server.server_port}"), evidence_dir=tmp_path,
                              trace=False)

            async def read(page: object) -> str:
                return await session.read_screen(page, "/screen", "doc => doc.querySelector('#s').textContent",  # type: ignore[arg-type]
                                                 screen="#s", login_marker="#login", what="claim")
            try:
                return [await session.run(read), await session.run(read)]
            finally:
                await session.close()

    try:
        assert asyncio.run(night()) == ["claim C1", "claim C1"]
    finally:
        server.shutdown()
    assert logins == [1], "a portal's error costs no new log-in"
    assert seen[:4] == ["/", "/screen", "/", "/screen"], seen
