"""Helpers for the sandbox tests."""

from __future__ import annotations

from typing import Any

from sandbox.world.store import Store


def account(store: Store, site: str) -> dict[str, Any]:
    """A site's log-in as the sandbox stores it (what `hme-rpa sandbox serve` prints)."""
    out = {}
    for key in ("username", "password", "totp_secret"):
        try:
            out[key] = store.meta(f"{site}:{key}")
        except KeyError:
            pass
    return out
