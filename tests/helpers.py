"""Helpers the tests import (conftest.py holds only fixtures: its name is not unique across folders)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from hme_rpa.config import Config

PASSWORD = "correct-horse-battery"


def make_config(database_url: str, data_dir: Path, **overrides: Any) -> Config:
    values: dict[str, Any] = dict(data_dir=data_dir, database_url=database_url, secret_key="test-secret",
                                  cookie_secure=False, testing=True, password_time_cost=1,
                                  password_memory_kib=1024)
    values.update(overrides)
    return Config.from_env(env={}, **values)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real form, CSRF token included."""
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def csrf_from(html: str) -> str:
    marker = 'name="csrf-token" content="'
    if marker in html:
        start = html.index(marker) + len(marker)
    else:
        marker = 'name="csrf_token" value="'
        start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST a form with the CSRF token of the logged-in page."""
    token = csrf_from(client.get("/").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def child_processes(parent: int) -> dict[int, list[str]]:
    """The living children of process `parent`, each with its command line (from /proc)."""
    found: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        if int(stat[stat.rindex(")") + 2:].split()[1]) == parent:
            found[int(entry.name)] = [a.decode(errors="replace") for a in command.split(b"\0") if a]
    return found
