"""The schema comes from Alembic and matches the models; the `hme-rpa` command works as the README says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, select
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Session

from hme_rpa.cli import main
from queue_server import migrate
from queue_server.db import Base
from queue_server.models import ApiToken, User

import queue_server.models  # noqa: F401  (registers every table on Base.metadata)

REPO = Path(__file__).resolve().parent.parent


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []
    assert migrate.current_revision(database_url) == migrate.head_revision()


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"HME_DATA_DIR": str(tmp_path), "HME_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "HME_PASSWORD_TIME_COST": "1", "HME_PASSWORD_MEMORY_KIB": "1024"}


def test_cli_db_users_and_tokens(tmp_path: Path) -> None:
    runner = CliRunner()
    env = env_for(tmp_path)
    behind = runner.invoke(main, ["db", "current"], env=env)
    assert behind.exit_code == 1 and "applied: none" in behind.output
    assert runner.invoke(main, ["db", "upgrade"], env=env).output.startswith("database at revision")
    assert runner.invoke(main, ["db", "current"], env=env).exit_code == 0

    added = runner.invoke(main, ["users", "add", "Bea", "--teams", "denials,ar", "--name", "Bea L"],
                          input="a-long-password-1\na-long-password-1\n", env=env)
    assert added.exit_code == 0, added.output
    assert "created biller bea (teams: ar, denials)" in added.output
    short = runner.invoke(main, ["users", "add", "cal", "--password-stdin"], input="short\n", env=env)
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    team = runner.invoke(main, ["users", "add", "cal", "--teams", "marketing", "--password-stdin"],
                         input="a-long-password-1\n", env=env)
    assert team.exit_code == 2 and "unknown team" in team.output
    dup = runner.invoke(main, ["users", "add", "bea", "--password-stdin"], input="a-long-password-1\n", env=env)
    assert dup.exit_code == 1 and "already exists" in dup.output
    boss = runner.invoke(main, ["users", "add", "sam", "--role", "supervisor", "--password-stdin"],
                         input="a-long-password-2\n", env=env)
    assert boss.exit_code == 0
    listed = runner.invoke(main, ["users", "list"], env=env).output
    assert "bea" in listed and "supervisor" in listed

    token = runner.invoke(main, ["tokens", "create", "claim-status-bot"], env=env).output.strip()
    assert token.startswith("hme_") and len(token) > 40
    assert runner.invoke(main, ["tokens", "create", "claim-status-bot"], env=env).exit_code == 1
    assert runner.invoke(main, ["tokens", "revoke", "claim-status-bot"], env=env).exit_code == 0
    assert runner.invoke(main, ["tokens", "revoke", "claim-status-bot"], env=env).exit_code == 1

    engine = create_engine(env["HME_DATABASE_URL"])
    with Session(engine) as session:
        bea = session.scalar(select(User).where(User.username == "bea"))
        assert bea is not None and bea.password_hash.startswith("$argon2id$")
        assert "a-long-password-1" not in bea.password_hash
        stored = session.scalar(select(ApiToken.token_hash))
        assert stored is not None and token not in stored
    engine.dispose()


def test_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={**env_for(tmp_path), "HME_LEASE_MINUTES": "soon"})
    assert result.exit_code == 1 and "HME_LEASE_MINUTES must be a whole number" in result.output


def test_each_portal_opens_sessions_up_to_its_own_limit_and_the_workers_follow_the_portals_they_keep() -> None:
    from bots.robots import ROBOTS
    from bots.runner import portal_plan, workers_for
    from bots.runtime.guard import Policy
    from hme_rpa.config import Config

    base = Policy(retries=2)
    default = Config.from_env({})
    plans = {}
    for robot in ("claim-status", "eobs", "cmns"):
        for contexts in (None, 2, 6, 40):
            policies, sessions = portal_plan(ROBOTS[robot](), default, contexts, base)
            plans[robot, contexts] = sessions, workers_for(ROBOTS[robot](), sessions)
    # The billing system (the supplier's own) takes 8 sessions, a payer's portal 4; asked for more, each stops
    # at its own limit rather than wait for a slot that never comes.
    assert plans["claim-status", None] == ({"billing": 8, "medicare": 4, "bluriver": 4}, 8)
    assert plans["claim-status", 40] == plans["claim-status", None]
    assert plans["claim-status", 6] == ({"billing": 6, "medicare": 4, "bluriver": 4}, 6)
    assert plans["claim-status", 2] == ({"billing": 2, "medicare": 2, "bluriver": 2}, 2)
    # EOB posting keeps a payer's session for a remittance and lends the billing sessions claim by claim.
    assert plans["eobs", None] == ({"billing": 8, "medicare": 4, "bluriver": 4}, 4)
    assert plans["cmns", 6] == ({"billing": 6, "documents": 4}, 4)
    policies, _ = portal_plan(ROBOTS["eobs"](), Config.from_env({"HME_PORTAL_LIMITS": "medicare=2/0.5"}), None, base)
    assert (policies["medicare"].max_sessions, policies["medicare"].min_interval, policies["medicare"].retries) == (2, 0.5, 2)
    assert (policies["billing"].max_sessions, policies["billing"].min_interval) == (4, 0.06)  # not named: defaults


def test_cli_refuses_a_portal_limit_it_cannot_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", "eobs"], env={**env_for(tmp_path), "HME_PORTAL_LIMITS": "billing=many"})
    assert result.exit_code == 1
    assert "HME_PORTAL_LIMITS: 'billing=many' is not portal=sessions/seconds" in result.output


@pytest.mark.slow
def test_demo_runs_end_to_end_through_the_installed_command(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("hme-rpa")
    result = subprocess.run([str(exe), "demo", "--no-serve", "--port", "8479", "--sandbox-port", "8481",
                             "--claims", "120"], capture_output=True, text=True,
                            timeout=300, cwd=REPO, env={**os.environ, "HME_PASSWORD_TIME_COST": "1", "HME_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "self-check: item" in result.stdout and "reads back as open" in result.stdout
    assert "http://127.0.0.1:8479/supervisor" in result.stdout
    assert (tmp_path / "demo" / "queue.sqlite3").is_file()
    assert "claims statused:" in result.stdout and "exceptions by kind:" in result.stdout
    assert "eobs: finished" in result.stdout and "cmns: finished" in result.stdout
    assert "medicare   http://127.0.0.1:8481/" in result.stdout and "billing    http://127.0.0.1:8484/" in result.stdout
    # The worked history reads like the night's own items: none opens on an empty page.
    engine = create_engine(f"sqlite:///{tmp_path / 'demo' / 'queue.sqlite3'}")
    with engine.connect() as conn:
        empty = conn.execute(sa_text("SELECT count(*) FROM work_items WHERE source = 'demo-history' "
                                     "AND (summary = '' OR summary IS NULL)")).scalar()
        history = conn.execute(sa_text("SELECT count(*) FROM work_items WHERE source = 'demo-history'")).scalar()
    engine.dispose()
    assert history and empty == 0


def test_kpi_revision_marks_items_already_worked(database_url: str) -> None:
    """0003 adds first-worked / last-touched marks and fills them from the events of items worked before it."""
    from alembic import command
    import datetime as dt

    command.downgrade(migrate.alembic_config(database_url), "0002")
    engine = create_engine(database_url)
    try:
        t0 = dt.datetime(2026, 6, 1, 12, tzinfo=dt.timezone.utc)
        with engine.begin() as conn:
            conn.execute(sa_text("INSERT INTO users (id, username, display_name, password_hash, role, active, created_at) "
                                 "VALUES (7, 'ann', 'Ann', 'x', 'biller', true, :t), (8, 'bob', 'Bob', 'x', 'biller', true, :t)"),
                         {"t": t0})
            conn.execute(sa_text(
                "INSERT INTO work_items (id, idempotency_key, kind, team, status, source, summary, payer_type, balance, "
                "reason_codes, deadline_rule, sla_due, payload, created_at, updated_at, reopen_count) VALUES "
                "(1, 'k1', 'denial', 'denials', 'open', 'bot', '', 'medicare', 1, '[]', '', :t, '{}', :t, :t, 0), "
                "(2, 'k2', 'denial', 'denials', 'open', 'bot', '', 'medicare', 1, '[]', '', :t, '{}', :t, :t, 0)"),
                {"t": t0})
            events = [(1, "created", 0, None), (1, "claimed", 1, 8), (1, "noted", 2, 7), (1, "resolved", 3, 8),
                      (2, "created", 0, None), (2, "noted", 1, None)]
            for number, (item, kind, hours, actor) in enumerate(events, start=1):
                conn.execute(sa_text("INSERT INTO item_events (id, item_id, type, at, actor_id, actor_label, data) "
                                     "VALUES (:id, :item, :type, :at, :actor, 'x', '{}')"),
                             {"id": number, "item": item, "type": kind, "at": t0 + dt.timedelta(hours=hours),
                              "actor": actor})
    finally:
        migrate.upgrade(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa_text("SELECT id, first_worked_at, first_worker_id, last_touched_at, last_toucher_id "
                                    "FROM work_items ORDER BY id")).all()
    engine.dispose()
    first, second = rows
    # Item 1: claimed by bob (a touch, not work), noted by ann (first work), resolved by bob (last touch).
    assert first.first_worker_id == 7 and first.last_toucher_id == 8
    assert _utc(first.first_worked_at) == dt.datetime(2026, 6, 1, 14, tzinfo=dt.timezone.utc)
    assert _utc(first.last_touched_at) == dt.datetime(2026, 6, 1, 15, tzinfo=dt.timezone.utc)
    # Item 2: only a robot's note: no person has worked or touched it.
    assert (second.first_worked_at, second.first_worker_id, second.last_touched_at) == (None, None, None)


def _utc(value: Any) -> Any:
    import datetime as dt

    if isinstance(value, str):  # SQLite hands back text
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
