"""Time-based one-time passwords (RFC 6238) for the portals' second factor, by pyotp."""

from __future__ import annotations

import time

import pyotp

from ..errors import VaultError


def code(secret_b32: str, at: float | None = None) -> str:
    """The code an authenticator app shows for this secret now (or at `at`). Secrets are often written in groups
    of four with spaces ("JBSW Y3DP ..."), upper or lower case: both read the same."""
    secret = "".join(secret_b32.split()).upper()
    try:
        return pyotp.TOTP(secret).at(time.time() if at is None else at)
    except (ValueError, TypeError) as exc:  # not base32, or shorter than pyotp's 112-bit floor
        raise VaultError(f"the stored one-time-code secret cannot make codes ({exc}); store the portal's secret "
                         "again with `hme-rpa vault set`") from None


def seconds_left(step: int = 30, at: float | None = None) -> float:
    """Seconds before the code changes: a code about to expire is waited out rather than sent."""
    now = time.time() if at is None else at
    return step - now % step
