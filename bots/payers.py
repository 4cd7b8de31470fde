"""The payers the robots work with, one identity each, shared by every robot.

An item names its payer the same way whichever robot filed it (the queue's payer filter and figures group by
that name), and every robot finds the payer's portal by the same key. The key is the billing system's and the
vault's (`hme-rpa vault set medicare ...`). Where a person looks a claim up on the portal is kept here too, so
an item links to that page (the portals have no page per claim: a person searches there).
"""

from __future__ import annotations

from dataclasses import dataclass

from queue_client.contract import PayerType


@dataclass(frozen=True)
class Payer:
    key: str
    name: str
    type: PayerType
    claim_lookup: str  # the portal's path where a person looks a claim up


PAYERS: dict[str, Payer] = {
    "medicare": Payer("medicare", "Medicare", PayerType.MEDICARE, "/claim-status"),
    "bluriver": Payer("bluriver", "Blue River Health Plan", PayerType.COMMERCIAL, "/"),
}


def payer_named(text: str | None) -> Payer | None:
    """The payer a key or an item's payer name stands for (any case), or None."""
    wanted = (text or "").strip().lower()
    return next((p for p in PAYERS.values() if wanted in (p.key, p.name.lower())), None)


def portal_link(payer: Payer, base_url: str) -> str:
    """The portal's page where a person looks a claim up, at the address the vault holds for it."""
    return base_url.rstrip("/") + payer.claim_lookup
