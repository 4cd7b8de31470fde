"""Fetching a document with the session's cookies, and telling a damaged download from a good one."""

from __future__ import annotations

from playwright.async_api import BrowserContext

from ..errors import DownloadDamaged, PortalUnavailable, SessionExpired
from .base import RETRY_STATUSES

MAGIC = {b"%PDF": "application/pdf", b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff"}


async def fetch(context: BrowserContext, url: str, *, timeout_ms: float = 60_000) -> tuple[bytes, str]:
    """GET a document as the logged-in user; returns (bytes, content type)."""
    response = await context.request.get(url, timeout=timeout_ms, max_redirects=0)
    if response.status in RETRY_STATUSES:
        raise PortalUnavailable(f"HTTP {response.status} downloading {url.split('?')[0]}")
    if response.status in (301, 302, 303, 401):
        raise SessionExpired(f"the portal asked to log in again instead of sending {url.split('?')[0]}")
    if response.status != 200:
        raise PortalUnavailable(f"HTTP {response.status} downloading {url.split('?')[0]}")
    body = await response.body()
    kind = next((t for magic, t in MAGIC.items() if body.startswith(magic)), None)
    if kind is None:
        raise DownloadDamaged(f"{url.split('?')[0]} is not a PDF or TIFF ({len(body)} bytes)")
    expected = response.headers.get("content-length")
    if expected and int(expected) != len(body):
        raise DownloadDamaged(f"{url.split('?')[0]}: {len(body)} of {expected} bytes arrived")
    if kind == "application/pdf" and b"%%EOF" not in body[-2048:]:
        raise DownloadDamaged(f"{url.split('?')[0]}: the PDF is cut off (no end-of-file marker)")
    return body, kind
