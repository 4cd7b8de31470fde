"""The practice Medicare portal's second factor: RFC 6238 codes (SHA-1, 30 s, 6 digits) by pyotp, as
portals and authenticator apps use them."""

from __future__ import annotations

import time

import pyotp


def code(secret_b32: str, at: float | None = None) -> str:
    return pyotp.TOTP(secret_b32).at(time.time() if at is None else at)


def verify(secret_b32: str, candidate: str, at: float | None = None, window: int = 1) -> bool:
    """A code of this 30-second step or of one step either side (clocks drift)."""
    return pyotp.TOTP(secret_b32).verify(candidate.strip(), for_time=time.time() if at is None else at,
                                         valid_window=window)
