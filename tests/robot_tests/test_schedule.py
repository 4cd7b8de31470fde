"""The nightly timetable: parsed strictly, kept in the database, one run of a robot at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots import schedule
from bots.errors import BotError
from helpers import make_config
from hme_rpa.config import Config, ConfigError


def test_timetable_is_parsed_strictly() -> None:
    assert schedule.parse(schedule.DEFAULT_SCHEDULE) == {"claim-status": (22, 0), "eobs": (1, 0), "cmns": (3, 0),
                                                            "reports": (4, 30)}
    with pytest.raises(BotError, match="unknown robot 'eob'"):
        schedule.parse("eob=01:00")
    with pytest.raises(BotError, match="HH:MM"):
        schedule.parse("eobs=25:00")


def test_scheduled_runs_take_each_portals_limit_unless_told() -> None:
    assert Config.from_env({}).contexts == 0 and Config.from_env({"HME_CONTEXTS": ""}).contexts == 0
    assert Config.from_env({"HME_CONTEXTS": "6"}).contexts == 6
    for wrong in ("lots", "-2", "65"):
        with pytest.raises(ConfigError, match="HME_CONTEXTS must be a whole number"):
            Config.from_env({"HME_CONTEXTS": wrong})


def test_a_scheduled_run_opens_the_vault_with_the_key_file_as_hme_rpa_run_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The key lives in HME_VAULT_KEY_FILE, not at the default place and not in HME_VAULT_KEY. A scheduled run
    # read HME_VAULT_KEY alone and failed every night with "no vault key".
    from cryptography.fernet import Fernet

    from bots import runner
    from bots.runtime.vault import Credentials, Vault

    key_file = tmp_path / "keys" / "vault.key"
    key_file.parent.mkdir()
    key_file.write_bytes(Fernet.generate_key())
    Vault.open(tmp_path / "data", key_file=key_file).set("queue", Credentials(url="http://queue", password="t"))
    for name, value in {"HME_DATA_DIR": str(tmp_path / "data"), "HME_VAULT_KEY_FILE": str(key_file),
                        "XDG_CONFIG_HOME": str(tmp_path / "nothing-here"),
                        "HME_DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HME_VAULT_KEY", raising=False)

    class VaultOpened(Exception):
        pass

    def stop(*args: object, **kwargs: object) -> None:
        raise VaultOpened  # the run got past opening the vault: enough

    monkeypatch.setattr(runner, "portal_plan", stop)
    with pytest.raises(VaultOpened):
        schedule.run_job("eobs")


def test_a_missed_start_runs_within_hme_misfire_minutes(tmp_path: Path) -> None:
    config = make_config(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", tmp_path, misfire_minutes=30)
    scheduler = schedule.build(config, schedule.parse("eobs=01:00"), blocking=False)
    scheduler.start(paused=True)  # type: ignore[attr-defined]
    [job] = scheduler.get_jobs()  # type: ignore[attr-defined]
    scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
    assert job.misfire_grace_time == 30 * 60


def test_jobs_persist_in_the_runners_own_store_without_overlap(tmp_path: Path) -> None:
    # The queue's database is out of reach (a runner holds an API token only): the jobs live in the runner's
    # data folder. The store was the queue's database, so this could not start.
    config = make_config("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    scheduler = schedule.build(config, schedule.parse("eobs=01:00,cmns=03:30"), blocking=False)
    scheduler.start(paused=True)  # type: ignore[attr-defined]
    jobs = {j.id: j for j in scheduler.get_jobs()}  # type: ignore[attr-defined]
    scheduler.shutdown(wait=False)  # type: ignore[attr-defined]
    assert set(jobs) == {"robot:eobs", "robot:cmns"}
    assert jobs["robot:cmns"].next_run_time.hour == 3 and jobs["robot:cmns"].next_run_time.minute == 30
    assert jobs["robot:eobs"].max_instances == 1 and jobs["robot:eobs"].coalesce
    assert jobs["robot:eobs"].misfire_grace_time == 120 * 60
    assert (tmp_path / "scheduler.sqlite3").is_file() or any(tmp_path.rglob("scheduler.sqlite3"))
    # A second scheduler on the same runner finds the jobs stored there.
    again = schedule.build(config, {}, blocking=False)
    again.start(paused=True)  # type: ignore[attr-defined]
    assert {j.id for j in again.get_jobs()} == {"robot:eobs", "robot:cmns"}  # type: ignore[attr-defined]
    again.shutdown(wait=False)  # type: ignore[attr-defined]
