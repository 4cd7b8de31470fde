"""Reset and run the practice sites: `hme-rpa sandbox reset` and `hme-rpa sandbox serve`."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from .sites import billing, bluriver, documents, medicare
from .sites.faults import Faults, FaultState
from .world import generate as generator
from .world.store import Store, save

# Site name -> app factory; each site's port is the base port plus its offset.
SITES: dict[str, Callable[[Path, FaultState], Flask]] = {
    "medicare": medicare.create_app,
    "bluriver": bluriver.create_app,
    "documents": documents.create_app,
    "billing": billing.create_app,
}

PORT_OFFSETS = {"medicare": 0, "bluriver": 1, "documents": 2, "billing": 3}


def store_path(data_dir: Path) -> Path:
    return data_dir / "sandbox" / "sandbox.sqlite3"


def reset(data_dir: Path, *, seed: int, claims: int, today: dt.date) -> dict[str, int | float]:
    started = time.perf_counter()
    world = generator.generate(seed=seed, claims=claims, today=today)
    save(world, store_path(data_dir))
    return {"claims": len(world.claims), "remittances": len(world.remittances), "holds": len(world.holds),
            "documents": len(world.documents), "seconds": round(time.perf_counter() - started, 2)}


@dataclass
class Running:
    urls: dict[str, str]
    faults: dict[str, FaultState]
    servers: list[BaseWSGIServer] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
        for thread in self.threads:
            thread.join(timeout=10)
        for server in self.servers:
            server.server_close()


def start(data_dir: Path, *, host: str = "127.0.0.1", base_port: int = 8601, faults_on: bool = False,
          seed: int = 0, ports: dict[str, int] | None = None) -> Running:
    """Start every site on its own port in background threads (port 0: any free port)."""
    path = store_path(data_dir)
    Store(path)  # fails early, with the command to run, when there is no sandbox yet
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    running = Running(urls={}, faults={})
    try:
        for name, factory in SITES.items():
            state = FaultState(Faults.all_on(seed) if faults_on else Faults(seed=seed))
            port = (ports or {}).get(name, base_port + PORT_OFFSETS[name] if base_port else 0)
            server = make_server(host, port, factory(path, state), threaded=True)
            thread = threading.Thread(target=server.serve_forever, name=f"sandbox-{name}", daemon=True)
            thread.start()
            running.servers.append(server)
            running.threads.append(thread)
            running.urls[name] = f"http://{host}:{server.server_port}"
            running.faults[name] = state
    except BaseException:
        running.stop()
        raise
    return running


@contextmanager
def running(data_dir: Path, **kwargs: object) -> Iterator[Running]:
    sites = start(data_dir, **kwargs)  # type: ignore[arg-type]
    try:
        yield sites
    finally:
        sites.stop()
