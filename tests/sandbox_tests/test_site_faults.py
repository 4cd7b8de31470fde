"""The faults on the other sites: each site shows them in its own way."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sandbox import serve
from sandbox.sites import billing, bluriver, documents
from sandbox.sites.faults import Faults, FaultState
from sandbox.world.store import Store
from sandbox_helpers import account


@pytest.fixture
def store(sandbox_dir: Path) -> Store:
    return Store(serve.store_path(sandbox_dir))


def test_commercial_spa_faults(sandbox_dir: Path, store: Store) -> None:
    state = FaultState()
    client = bluriver.create_app(serve.store_path(sandbox_dir), state).test_client()
    creds = account(store, "bluriver")
    state.update({"password_expired": True})
    expired = client.post("/api/login", json={"username": creds["username"], "password": creds["password"]})
    assert expired.status_code == 403 and expired.json["error"] == "password_expired"
    state.update({"password_expired": False, "session_ttl_s": 1})
    assert client.post("/api/login", json={"username": creds["username"], "password": creds["password"]}).status_code == 200
    assert client.get("/api/payments").status_code == 200
    time.sleep(1.1)
    gone = client.get("/api/claims?memberId=X")
    assert gone.status_code == 401 and gone.json["error"] == "session_expired"
    state.update({"layout_variant": True})
    assert 'data-variant="b"' in client.get("/").get_data(as_text=True)
    state.update({"maintenance": True})
    assert client.get("/api/payments").status_code == 503


def test_fax_inbox_faults(sandbox_dir: Path, store: Store) -> None:
    state = FaultState()
    client = documents.create_app(serve.store_path(sandbox_dir), state).test_client()
    creds = account(store, "documents")
    state.update({"password_expired": True})
    page = client.post("/login", data={"email": creds["username"], "password": creds["password"]})
    assert 'id="password-expired"' in page.get_data(as_text=True)
    state.update({"password_expired": False, "session_ttl_s": 1})
    client.post("/login", data={"email": creds["username"], "password": creds["password"]})
    assert client.get("/inbox").status_code == 200
    time.sleep(1.1)
    assert "expired=1" in client.get("/inbox").headers["Location"]
    state.update({"layout_variant": True, "session_ttl_s": 0})
    client.post("/login", data={"email": creds["username"], "password": creds["password"]})
    assert 'id="doc-search"' in client.get("/inbox").get_data(as_text=True)
    doc_id = store.scalar("SELECT id FROM documents WHERE format = 'pdf' LIMIT 1")
    state.update({"corrupt_pdf_rate": 1.0})
    state.update({"layout_variant": False})
    damaged = client.get(f"/documents/{doc_id}").data
    state.update({"corrupt_pdf_rate": 0.0})
    assert damaged != client.get(f"/documents/{doc_id}").data


def test_billing_system_faults(sandbox_dir: Path, store: Store) -> None:
    state = FaultState(Faults(error_rate=1.0, seed=1))
    client = billing.create_app(serve.store_path(sandbox_dir), state).test_client()
    assert client.get("/login").status_code in (500, 503)
    state.update({"error_rate": 0.0, "layout_variant": True})
    creds = account(store, "billing")
    assert 'id="opid"' in client.get("/login").get_data(as_text=True)
    client.post("/login", data={"opid": creds["username"], "password": creds["password"]})
    state.update({"session_ttl_s": 1})
    assert "A/R INQUIRY" in client.get("/ar").get_data(as_text=True)
    time.sleep(1.1)
    assert 'id="session-timeout"' in client.get("/ar").get_data(as_text=True)


def test_style_sheets_and_scripts_are_kept_by_the_browser_and_spared_the_faults(sandbox_dir: Path) -> None:
    # As a real portal serves them: a browser asks for a screen's style sheet once, not with every page.
    state = FaultState(Faults(maintenance=True))
    client = billing.create_app(serve.store_path(sandbox_dir), state).test_client()
    sheet = client.get("/static/medibill.css")
    assert sheet.status_code == 200 and b"{" in sheet.data
    assert sheet.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/login").status_code == 503
