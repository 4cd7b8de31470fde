"""Page objects against recorded portal sessions (HAR replay): no live site, every request from the recording."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hme_rpa.recording import replay
from bots.runtime.browser import launch
from browser import require_chromium

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("site", ["medicare", "bluriver", "documents", "billing"])
def test_page_objects_read_the_recorded_session(site: str) -> None:
    require_chromium()
    assert (RECORDINGS / f"{site}.har").is_file(), f"run `hme-rpa record {site}`"

    async def go() -> tuple[dict, dict]:  # type: ignore[type-arg]
        async with launch() as (_pw, browser):
            return await replay(site, RECORDINGS, browser)

    recorded, read = asyncio.run(go())
    assert read == recorded
    assert any(v for v in read.values()), "the recording read nothing"
