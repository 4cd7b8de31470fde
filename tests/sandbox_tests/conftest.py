"""A small sandbox world, generated once per test module, and its sites running on free ports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator

import pytest

from sandbox import serve
from sandbox.world.store import Store

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def sandbox_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("sandbox-data")
    serve.reset(data_dir, seed=42, claims=1500, today=TODAY)
    return data_dir


@pytest.fixture(scope="module")
def sandbox_store(sandbox_dir: Path) -> Store:
    return Store(serve.store_path(sandbox_dir))


@pytest.fixture(scope="module")
def sites(sandbox_dir: Path) -> Iterator[serve.Running]:
    with serve.running(sandbox_dir, base_port=0) as running:
        yield running


@pytest.fixture(autouse=True)
def _faults_off(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with every fault off, whatever the last one switched on."""
    yield
    if "sites" in request.fixturenames:
        running: serve.Running = request.getfixturevalue("sites")
        for state in running.faults.values():
            state.faults.__init__()  # type: ignore[misc]
