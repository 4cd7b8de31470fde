"""The practice Medicare portal: its main path in Chromium, and every fault observed."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import expect

from browser import chromium, keep_screenshot
from sandbox import serve
from sandbox.sites import medicare, totp
from sandbox.sites.faults import FaultState
from sandbox.world.store import Store
from sandbox_helpers import account


def _denied_claim(store: Store) -> Any:
    return store.one("""SELECT c.claim_number, c.dos_from, pt.mbi, p.icn, p.denial, c.account_number
                        FROM claims c JOIN patients pt ON pt.id = c.patient_id JOIN payer_claims p ON p.claim_id = c.id
                        WHERE c.payer_key = 'medicare' AND p.status_code = 'F2' ORDER BY c.id LIMIT 1""")


@pytest.mark.browser
def test_medicare_main_path_in_chromium(sites: serve.Running, sandbox_store: Store, tmp_path: Path) -> None:
    base = sites.urls["medicare"]
    creds = account(sandbox_store, "medicare")
    claim = _denied_claim(sandbox_store)
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base + "/")
        page.fill("#username", creds["username"])
        page.fill("#password", "wrong password")
        page.click("#login-button")
        expect(page.locator("#login-error")).to_contain_text("incorrect")
        page.fill("#username", creds["username"])
        page.fill("#password", creds["password"])
        page.click("#login-button")
        page.fill("#code", totp.code(creds["totp_secret"]))
        page.click("#verify")
        page.click("#continue")  # without accepting
        expect(page.locator(".alert")).to_contain_text("must accept")
        page.check("#accept")
        page.click("#continue")
        page.click("#nav-claim-status")
        page.fill("#mbi", claim["mbi"])
        page.fill("#from", "01/02/2026")
        page.click("#submit-inquiry")
        row = page.locator("tr.claim-row", has_text=claim["icn"])
        expect(row.locator("td.code")).to_have_text("F2")
        denial = json.loads(claim["denial"])
        assert f"{denial[0]}-{denial[1]}" in row.locator("td.reasons").inner_text()
        page.screenshot(path=tmp_path / "sandbox-medicare-status.png", full_page=True)
        keep_screenshot(tmp_path / "sandbox-medicare-status.png")

        page.click("#nav-remittances")
        first = page.locator("tr.remit-row").first
        check = first.locator("td.check").inner_text()
        with page.expect_download() as download_info:
            first.locator("a.download").click()
        pdf = Path(download_info.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
        assert sandbox_store.scalar("SELECT count(*) FROM remittances WHERE check_number = ?", check) == 1
        page.screenshot(path=tmp_path / "sandbox-medicare-remits.png", full_page=True)
        keep_screenshot(tmp_path / "sandbox-medicare-remits.png")
        context.close()


@pytest.fixture
def portal(sandbox_dir: Path) -> tuple[FlaskClient, FaultState, Store]:
    state = FaultState()
    app = medicare.create_app(serve.store_path(sandbox_dir), state)
    return app.test_client(), state, Store(serve.store_path(sandbox_dir))


def _log_in(client: FlaskClient, store: Store, *, variant: bool = False) -> Any:
    creds = account(store, "medicare")
    user, pw = ("userId", "passwd") if variant else ("username", "password")
    first = client.post("/login", data={user: creds["username"], pw: creds["password"]})
    if "/mfa" not in first.headers.get("Location", ""):
        return first
    client.post("/mfa", data={"code": totp.code(creds["totp_secret"])})
    return client.post("/terms", data={"accept": "yes"})


def test_wrong_totp_is_refused(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, _state, store = portal
    creds = account(store, "medicare")
    client.post("/login", data={"username": creds["username"], "password": creds["password"]})
    wrong = "000000" if totp.code(creds["totp_secret"]) != "000000" else "111111"
    assert "not valid" in client.post("/mfa", data={"code": wrong}).get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_fault_latency(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, store = portal
    _log_in(client, store)
    state.update({"latency_ms": 200})
    started = time.perf_counter()
    client.get("/home")
    assert time.perf_counter() - started >= 0.2


def test_fault_server_errors(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, store = portal
    state.update({"error_rate": 1.0, "seed": 3})
    statuses = {client.get("/login").status_code for _ in range(20)}
    assert statuses == {500, 503}
    state.update({"error_rate": 0.0})
    assert client.get("/login").status_code == 200


def test_fault_maintenance(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, _store = portal
    state.update({"maintenance": True})
    page = client.get("/login")
    assert page.status_code == 503 and 'id="maintenance"' in page.get_data(as_text=True)


def test_fault_session_expires_mid_run(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, store = portal
    _log_in(client, store)
    assert client.get("/home").status_code == 200
    state.update({"session_ttl_s": 1})
    time.sleep(1.1)
    expired = client.get("/claim-status")
    assert expired.status_code == 302 and "expired=1" in expired.headers["Location"]
    assert "session has expired" in client.get(expired.headers["Location"]).get_data(as_text=True)


def test_fault_rate_limit(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, _store = portal
    state.update({"rate_limit_rps": 5})
    statuses = [client.get("/login").status_code for _ in range(12)]
    assert statuses[:5] == [200] * 5 and 429 in statuses
    limited = next(r for r in (client.get("/login") for _ in range(3)) if r.status_code == 429)
    assert limited.headers["Retry-After"] == "1"


def test_fault_password_expired_then_changed(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, store = portal
    state.update({"password_expired": True})
    creds = account(store, "medicare")
    landed = client.post("/login", data={"username": creds["username"], "password": creds["password"]})
    assert landed.headers["Location"].endswith("/password-expired")
    assert 'id="password-expired"' in client.get("/password-expired").get_data(as_text=True)
    new = creds["password"] + "-new1"
    client.post("/password-expired", data={"current": creds["password"], "new": new, "confirm": new})
    try:
        assert store.meta("medicare:password") == new and state.faults.password_expired is False
    finally:
        store.set_meta("medicare:password", creds["password"])


def test_fault_layout_variant_changes_element_ids(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, store = portal
    state.update({"layout_variant": True})
    html = client.get("/login").get_data(as_text=True)
    assert 'id="userId"' in html and 'id="username"' not in html
    _log_in(client, store, variant=True)
    assert 'id="beneficiaryId"' in client.get("/claim-status").get_data(as_text=True)


def _pdf_path(client: FlaskClient, store: Store) -> str:
    check = store.scalar("SELECT check_number FROM remittances WHERE payer_key = 'medicare' ORDER BY id DESC LIMIT 1")
    return f"/remittances/{check}.pdf"


def test_fault_truncated_corrupt_and_slow_pdfs(portal: tuple[FlaskClient, FaultState, Store]) -> None:
    client, state, store = portal
    _log_in(client, store)
    path = _pdf_path(client, store)
    whole = client.get(path).data
    assert whole.startswith(b"%PDF") and whole.rstrip().endswith(b"%%EOF")
    state.update({"truncated_pdf_rate": 1.0})
    cut = client.get(path).data
    assert len(cut) < len(whole) and not cut.rstrip().endswith(b"%%EOF")
    state.update({"truncated_pdf_rate": 0.0, "corrupt_pdf_rate": 1.0})
    damaged = client.get(path).data
    assert len(damaged) == len(whole) and damaged != whole
    state.update({"corrupt_pdf_rate": 0.0, "slow_pdf_kbps": max(len(whole) // 1024 * 2, 1)})
    started = time.perf_counter()
    slow = client.get(path)
    assert slow.data == whole and time.perf_counter() - started >= 0.3


def test_faults_are_switched_over_http(sites: serve.Running) -> None:
    import urllib.request

    url = sites.urls["medicare"] + "/_sandbox/faults"
    request = urllib.request.Request(url, data=json.dumps({"maintenance": True}).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    assert json.loads(urllib.request.urlopen(request).read())["maintenance"] is True
    try:
        urllib.request.urlopen(sites.urls["medicare"] + "/login")
    except urllib.error.HTTPError as exc:
        assert exc.code == 503
    else:
        pytest.fail("maintenance page expected")
    bad = urllib.request.Request(url, data=json.dumps({"nonsense": 1}).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad)
    assert refused.value.code == 422


def test_truth_and_ledger_endpoints(sites: serve.Running) -> None:
    import urllib.request

    base = sites.urls["medicare"]
    truth = json.loads(urllib.request.urlopen(base + "/_sandbox/truth").read())
    assert {"claims", "remittances", "holds", "expected_exceptions"} <= set(truth)
    claims = json.loads(urllib.request.urlopen(base + "/_sandbox/truth?section=claims").read())
    assert len(claims) == 1500 and re.match(r"C\d{7}", claims[0]["claim_number"])
    assert json.loads(urllib.request.urlopen(base + "/_sandbox/ledger").read()) == []
