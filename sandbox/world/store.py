"""The sandbox's state on disk: one SQLite file, rebuilt by `hme-rpa sandbox reset`.

Plain sqlite3, not the queue server's models: the sandbox imitates other
companies' systems and is thrown away on every reset. Money is stored as text
("123.45") and read back as Decimal; dates as ISO text.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from . import accounts
from .generate import World

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE payers (key TEXT PRIMARY KEY, name TEXT, payer_type TEXT, address TEXT);
CREATE TABLE patients (id INTEGER PRIMARY KEY, account_number TEXT UNIQUE, last_name TEXT, first_name TEXT,
    dob TEXT, mbi TEXT, member_id TEXT, address TEXT, city TEXT, payer_key TEXT);
CREATE TABLE physicians (id INTEGER PRIMARY KEY, name TEXT, npi TEXT);
CREATE TABLE claims (id INTEGER PRIMARY KEY, claim_number TEXT UNIQUE, patient_id INTEGER, account_number TEXT,
    payer_key TEXT, payer_type TEXT, physician_id INTEGER, category TEXT, dos_from TEXT, dos_to TEXT,
    submitted_on TEXT, billed TEXT, balance TEXT, closed INTEGER, last_status_note TEXT);
CREATE INDEX ix_claims_account ON claims (account_number);
-- The billing side of each claim as generated: the truth is about the night's starting point.
CREATE TABLE claims_initial (claim_id INTEGER PRIMARY KEY, balance TEXT, closed INTEGER, last_status_note TEXT);
CREATE TABLE claim_lines (id INTEGER PRIMARY KEY, claim_id INTEGER, line_no INTEGER, hcpcs TEXT, modifiers TEXT,
    units INTEGER, description TEXT, billed TEXT, allowed TEXT, dos_from TEXT, dos_to TEXT);
CREATE INDEX ix_claim_lines_claim ON claim_lines (claim_id);
CREATE TABLE payer_claims (claim_id INTEGER PRIMARY KEY, payer_key TEXT, icn TEXT, status_code TEXT,
    status_date TEXT, paid TEXT, denial TEXT, remit_date TEXT);
CREATE TABLE remittances (id INTEGER PRIMARY KEY, payer_key TEXT, check_number TEXT, remit_date TEXT,
    amount TEXT, new INTEGER, misprint TEXT);
CREATE TABLE remit_claims (id INTEGER PRIMARY KEY, remit_id INTEGER, seq INTEGER, claim_id INTEGER,
    account_number TEXT, patient_name TEXT, member_id TEXT, icn TEXT, status TEXT, billed TEXT, allowed TEXT,
    paid TEXT, patient_responsibility TEXT);
CREATE INDEX ix_remit_claims_remit ON remit_claims (remit_id, seq);
CREATE TABLE remit_lines (id INTEGER PRIMARY KEY, remit_claim_id INTEGER, line_no INTEGER, claim_line_no INTEGER,
    dos_from TEXT, dos_to TEXT, pos TEXT, units INTEGER, hcpcs TEXT, modifiers TEXT, billed TEXT, allowed TEXT,
    deductible TEXT, coinsurance TEXT, paid TEXT, adjustments TEXT, remarks TEXT);
CREATE INDEX ix_remit_lines_claim ON remit_lines (remit_claim_id, line_no);
CREATE TABLE plb (id INTEGER PRIMARY KEY, remit_id INTEGER, reason TEXT, reference TEXT, member_id TEXT, amount TEXT);
CREATE TABLE holds (id INTEGER PRIMARY KEY, order_number TEXT UNIQUE, patient_id INTEGER, account_number TEXT,
    hold_type TEXT, hcpcs TEXT, description TEXT, opened_on TEXT, document_id INTEGER, released_at TEXT,
    release_note TEXT);
CREATE TABLE documents (id INTEGER PRIMARY KEY, patient_id INTEGER, doc_type TEXT, fields TEXT, valid INTEGER,
    problems TEXT, format TEXT, received_on TEXT, noise_seed INTEGER);
CREATE TABLE notes (id INTEGER PRIMARY KEY, claim_id INTEGER, at TEXT, author TEXT, text TEXT);
CREATE INDEX ix_notes_claim ON notes (claim_id);
-- What the robots did to the billing system, in order: the ledger the tests compare with the truth.
CREATE TABLE ledger (id INTEGER PRIMARY KEY, at TEXT, kind TEXT, claim_id INTEGER, line_no INTEGER,
    check_number TEXT, group_code TEXT, reason TEXT, amount TEXT, hold_id INTEGER, note TEXT);
CREATE INDEX ix_ledger_claim ON ledger (claim_id, kind);
"""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=_json_default)
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _insert(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    conn.executemany(sql, ([_plain(row[c]) for c in columns] for row in rows))


def save(world: World, path: Path) -> None:
    """Write the world to a new file, then swap it in (a running sandbox never sees half a world)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".new")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(SCHEMA)
        meta = [("seed", str(world.seed)), ("today", world.today.isoformat()), ("claims", str(len(world.claims)))]
        for site, account in accounts.initial(world.seed).items():
            meta.extend((f"{site}:{key}", value) for key, value in account.items())
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        for table in ("payers", "patients", "physicians", "claims", "claim_lines", "payer_claims", "remittances",
                      "remit_claims", "remit_lines", "plb", "holds", "documents", "notes"):
            _insert(conn, table, getattr(world, table))
        conn.execute("INSERT INTO claims_initial SELECT id, balance, closed, last_status_note FROM claims")
        conn.commit()
    finally:
        conn.close()
    os.replace(tmp, path)
    for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)


class Store:
    """Thread-safe access for the sites: one connection per thread."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"no sandbox at {path}; run `hme-rpa sandbox reset` first")
        self.path = path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
        return conn

    def all(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        return self._conn().execute(sql, params).fetchall()

    def one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        return self._conn().execute(sql, params).fetchone()

    def scalar(self, sql: str, *params: Any) -> Any:
        row = self._conn().execute(sql, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; IMMEDIATE so two postings of the same line cannot interleave."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def meta(self, key: str) -> str:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", key)
        if value is None:
            raise KeyError(key)
        return str(value)

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (key, value))

    @property
    def today(self) -> dt.date:
        return dt.date.fromisoformat(self.meta("today"))


def dec(value: str | None) -> Decimal:
    return Decimal(value) if value is not None else Decimal("0.00")
