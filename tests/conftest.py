"""Fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is the one at HME_TEST_PG_URL (default 127.0.0.1:5432, user
postgres, database test). Outside CI an unreachable server skips those tests
with a reason; under CI=true it fails them, so CI never passes without them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from hme_rpa.config import Config
from queue_server import create_app, db as app_db, migrate
from queue_server.db import make_engine
from queue_server.domain.kinds import Kind, PayerType, Team
from queue_server.models import Role, User
from queue_server.services import auth, intake

from helpers import PASSWORD, make_config

PG_ADMIN_URL = os.environ.get("HME_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable ({reason}); CI runs these")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A database of our own on the PostgreSQL server, migrated once per run."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"hme_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _pg_unavailable(type(exc.orig).__name__)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def _truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if tables:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "queue.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_template")
    _truncate_all(url)
    return url


@pytest.fixture
def pg_url(pg_template: str) -> str:
    """PostgreSQL only, for what SQLite cannot show (row locks under many threads)."""
    _truncate_all(pg_template)
    return pg_template


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Config:
    return make_config(database_url, tmp_path / "data")


@pytest.fixture
def app(config: Config) -> Iterator[Flask]:
    application = create_app(config)
    yield application
    app_db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(config: Config) -> Iterator[Session]:
    engine = make_engine(config.database_url)
    with Session(engine, expire_on_commit=False) as s:
        yield s
    engine.dispose()


_counter = itertools.count(1)


@pytest.fixture
def make_user(session: Session, config: Config) -> Callable[..., User]:
    def factory(username: str | None = None, *, role: Role = Role.BILLER, teams: list[Team] | None = None,
                password: str = PASSWORD, display_name: str | None = None) -> User:
        name = username or f"user{next(_counter)}"
        return auth.create_user(session, config, username=name, password=password, role=role,
                                teams=[Team.DENIALS] if teams is None else teams, display_name=display_name)
    return factory


@pytest.fixture
def make_item(session: Session) -> Callable[..., int]:
    """Create an item through the intake service; returns its id."""
    def factory(**fields: Any) -> int:
        fields.setdefault("idempotency_key", f"test-{uuid.uuid4().hex}")
        fields.setdefault("kind", Kind.DENIAL)
        fields.setdefault("payer", "NORTHERN PLAINS DME MAC")
        fields.setdefault("payer_type", PayerType.MEDICARE)
        fields.setdefault("claim_number", f"C{next(_counter):07d}")
        fields.setdefault("account_number", f"A{next(_counter):06d}")
        fields.setdefault("patient_name", "KOWALSKI, BARBARA")
        fields.setdefault("balance", Decimal("100.00"))
        fields.setdefault("service_date_from", dt.date.today() - dt.timedelta(days=60))
        now = fields.pop("now", None)
        [result] = intake.create_items(session, [intake.NewItem(**fields)], actor_label="bot:test", now=now)
        session.commit()
        return result.item_id
    return factory


@pytest.fixture
def bot_token(session: Session) -> str:
    return auth.create_token(session, f"test-bot-{next(_counter)}")
