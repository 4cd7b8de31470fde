"""RFC 6238 time-based one-time passwords (SHA-1, 30 s, 6 digits), as portals and authenticator apps use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def code(secret_b32: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def verify(secret_b32: str, candidate: str, at: float | None = None, window: int = 1) -> bool:
    now = time.time() if at is None else at
    candidate = candidate.strip()
    return any(hmac.compare_digest(code(secret_b32, now + drift * 30), candidate) for drift in range(-window, window + 1))
