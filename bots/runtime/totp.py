"""RFC 6238 time-based one-time passwords, for the portals' second factor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time


def code(secret_b32: str, at: float | None = None, *, step: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret_b32.strip().replace(" ", "").upper() + "=" * (-len(secret_b32.strip()) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def seconds_left(step: int = 30, at: float | None = None) -> float:
    now = time.time() if at is None else at
    return step - now % step
