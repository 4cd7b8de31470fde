"""The schema comes from Alembic and matches the models; the `hme-rpa` command works as the README says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, select
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
