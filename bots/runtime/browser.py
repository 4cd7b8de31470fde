"""One Chromium per runner, a fresh context per portal session, with what robots never need blocked."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from playwright.async_api import Browser, BrowserContext, Playwright, Route, async_playwright

from ..errors import BotError

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-extensions", "--no-first-run", "--disable-renderer-backgrounding"]
# Pictures, fonts and media carry nothing a robot reads; documents are fetched, not rendered.
BLOCKED = frozenset({"image", "font", "media"})


def chromium_path() -> str:
    path = os.environ.get("HME_CHROMIUM", CHROMIUM)
    if not Path(path).exists():
        raise BotError(f"Chromium is not at {path}: install Debian's chromium package (`make setup` does)")
    return path


@asynccontextmanager
async def launch(*, headless: bool = True) -> AsyncIterator[tuple[Playwright, Browser]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=headless, args=ARGS)
        try:
            yield playwright, browser
        finally:
            await browser.close()


async def _block(route: Route) -> None:
    if route.request.resource_type in BLOCKED:
        await route.abort()
    else:
        await route.fallback()


async def new_context(browser: Browser, *, block: bool = True, timeout_ms: float = 20_000,
                      har: Path | None = None, trace: bool = False) -> BrowserContext:
    context = await browser.new_context(accept_downloads=True, record_har_path=str(har) if har else None,
                                        viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    context.set_default_navigation_timeout(timeout_ms)
    if block:
        await context.route("**/*", _block)
    if trace:
        # DOM snapshots show each screen in the trace viewer; the screencast (screenshots=True) cost a 4-context
        # runner about a tenth of its claims per hour, and a failure's own screenshot is attached beside the trace.
        await context.tracing.start(screenshots=False, snapshots=True)
    return context
