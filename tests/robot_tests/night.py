"""A night to run the robots in: a sandbox world, its sites, a queue server, a vault, and the truth to compare."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from bots.runtime.vault import Vault
from hme_rpa.config import Config
from hme_rpa.demo import enroll_sandbox
from queue_server import create_app, migrate
from queue_server.db import make_engine
from queue_server.services import auth
from sandbox import serve
from sandbox.world import truth
from sandbox.world.store import Store

from browser import live_server
from helpers import make_config

TODAY = dt.date(2026, 11, 20)
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Night:
    data_dir: Path
    config: Config
    vault: Vault
    vault_key: str
    sites: serve.Running
    queue_url: str
    store: Store
    expected: dict[str, Any]  # /_sandbox/truth as at the start of the night

    def env(self, runner: str = "test-runner") -> dict[str, str]:
        return {**os.environ, "HME_DATA_DIR": str(self.data_dir), "HME_DATABASE_URL": self.config.database_url,
                "HME_VAULT_KEY": self.vault_key, "HME_RUNNER": runner, "CI": os.environ.get("CI", "")}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "hme_rpa.cli", *args]

    # --- what happened --------------------------------------------------------------------
    def items(self) -> list[dict[str, Any]]:
        engine = make_engine(self.config.database_url)
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.exec_driver_sql(
                "SELECT id, kind, idempotency_key, reason_codes, payload FROM work_items")]
        engine.dispose()
        return rows

    def ledger(self) -> Counter[tuple[Any, ...]]:
        return Counter((r["kind"], r["claim_number"], r["line_no"], r["check_number"], r["group_code"], r["reason"],
                        r["amount"]) for r in truth.ledger(self.store)
                       if r["kind"] in ("payment", "adjustment", "transfer", "denial"))

    def notes(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in truth.ledger(self.store):
            if r["kind"] == "note":
                out.setdefault(r["claim_number"], []).append(r["note"])
        return out

    def released(self) -> list[str]:
        return [r["order_number"] for r in truth.ledger(self.store) if r["kind"] == "release"]


@contextmanager
def night(tmp_path: Path, database_url: str, *, seed: int, claims: int, faults: bool,
          fault_seed: int = 5) -> Iterator[Night]:
    data_dir = tmp_path / "data"
    serve.reset(data_dir, seed=seed, claims=claims, today=TODAY)
    store = Store(serve.store_path(data_dir))
    expected = truth.everything(store)
    config = make_config(database_url, data_dir)
    if database_url.startswith("sqlite"):
        migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as s:
        token = auth.create_token(s, "night-robot")
        s.commit()
    engine.dispose()
    key = Fernet.generate_key()
    vault = Vault(data_dir / "vault.bin", key)
    with serve.running(data_dir, base_port=0, faults_on=faults, seed=fault_seed) as sites, \
            live_server(create_app(config)) as queue_url:
        enroll_sandbox(vault, data_dir, sites.urls, queue_url, token)
        yield Night(data_dir, config, vault, key.decode(), sites, queue_url, store, expected)


def ledger_db(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT kind, claim_id, line_no, check_number, group_code, reason, amount FROM ledger "
                            "WHERE kind <> 'note' ORDER BY id").fetchall()
