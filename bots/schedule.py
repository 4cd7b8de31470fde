"""`hme-rpa schedule`: the nightly timetable, kept in APScheduler with its jobs in the runner's own store.

HME_SCHEDULE says when each robot runs, e.g. "claim-status=22:00,eobs=01:00,cmns=03:00"
(the default, business time zone). One robot never runs twice at once
(max_instances=1), a missed start within HME_MISFIRE_MINUTES (default 120)
still runs once, and several missed starts run once (coalesce). Every setting
comes from `Config`, as `hme-rpa run` takes it: the vault's key or key file,
the sessions per portal (HME_CONTEXTS).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from hme_rpa.config import Config

from .errors import BotError
from .robots import ROBOTS

DEFAULT_SCHEDULE = "claim-status=22:00,eobs=01:00,cmns=03:00,reports=04:30"
log = logging.getLogger(__name__)


def parse(text: str) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, at = part.partition("=")
        name = name.strip()
        if name not in ROBOTS:
            raise BotError(f"HME_SCHEDULE: unknown robot {name!r}; one of {', '.join(ROBOTS)}")
        try:
            hour, minute = (int(x) for x in at.strip().split(":"))
            dt.time(hour, minute)
        except ValueError:
            raise BotError(f"HME_SCHEDULE: {part!r} needs a time as HH:MM") from None
        out[name] = (hour, minute)
    return out


def run_job(robot: str) -> None:
    """What the scheduler calls (by reference, so the job survives in the runner's store)."""
    from .runner import run_robot

    config = Config.from_env()
    night = config.now().date()
    summary = asyncio.run(run_robot(config, robot, night=night, contexts=config.contexts or None))
    log.info("%s run %s: %s, units %s, %s exceptions filed", robot, summary.run_id, summary.status.value,
             summary.units, summary.exceptions_filed)


def build(config: Config, timetable: dict[str, tuple[int, int]], *, blocking: bool = True) -> object:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    cls = BlockingScheduler if blocking else BackgroundScheduler
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = SQLAlchemyJobStore(url=config.scheduler_store, tablename="scheduler_jobs")
    scheduler = cls(jobstores={"default": store},
                    job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_minutes * 60},
                    timezone=config.tz)
    for robot, (hour, minute) in timetable.items():
        scheduler.add_job(run_job, CronTrigger(hour=hour, minute=minute, timezone=config.tz), args=[robot],
                          id=f"robot:{robot}", name=f"{robot} at {hour:02d}:{minute:02d}", replace_existing=True)
    return scheduler
