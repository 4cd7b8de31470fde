"""The supplier's log-ins to each practice site, derived from the seed.

`hme-rpa sandbox serve` prints them; the robots get them from their vault,
never from here. A password changed on a site's "expired" page is kept in the
store's meta table, so it survives a restart until the next reset.
"""

from __future__ import annotations

import base64
import hashlib

SITES = ("medicare", "bluriver", "documents", "billing")


def initial(seed: int) -> dict[str, dict[str, str]]:
    out = {}
    for site in SITES:
        digest = hashlib.sha256(f"hme-sandbox:{seed}:{site}".encode()).digest()
        account = {"username": {"medicare": "summit.dme", "bluriver": "summit_hms", "documents": "summit-intake",
                                "billing": "RPA01"}[site],
                   "password": f"Sbx-{base64.b32encode(digest[:6]).decode().rstrip('=')}-{seed % 100:02d}!"}
        if site == "medicare":
            account["totp_secret"] = base64.b32encode(digest[8:28]).decode().rstrip("=")
        out[site] = account
    return out
