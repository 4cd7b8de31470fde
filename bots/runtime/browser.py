"""One Chromium per runner, a fresh context per portal session; no pictures or fonts fetched."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from ..errors import BotError

CHROMIUM = "/usr/bin/chromium"
# Debian's build of Chromium's headless shell (package chromium-headless-shell): what Playwright itself runs for
# headless Chromium. With no browser window behind the page it costs about half the CPU per page load of the
# full browser's headless mode, and a runner's night is CPU-bound (bench/nightly.py --compare-browsers).
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
# Chromium takes the last --disable-features it is given, so ours repeats what Playwright disables for
# automation (a test checks that it still covers Playwright's) and adds RenderDocument: a new document host per
# page load costs a fifth (headless shell) to a third (full browser) of each load's CPU, and a robot has no
# use for it.
PLAYWRIGHT_DISABLED = ("AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
                       "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,"
                       "ThirdPartyStoragePartitioning,AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,"
                       "OptimizationHints,NetworkTimeServiceQuerying,AimEnabled,PreconnectToSearch,"
                       "msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion")
# Pictures and web fonts carry nothing a robot reads, and Chromium refuses them itself: blocking them through
# Playwright's request routing instead stops every request of every page (documents and style sheets too) for
# the driver and this process to let through, which cost a page load a tenth of its CPU (bench/page_load.py).
# Documents are fetched, not rendered. Media is left alone: the portals' screens have none.
NOT_FETCHED = ["--blink-settings=imagesEnabled=false", "--disable-remote-fonts"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-extensions", "--no-first-run", "--disable-renderer-backgrounding",
        f"--disable-features={PLAYWRIGHT_DISABLED},RenderDocument", *NOT_FETCHED]


def chromium_path(*, headless: bool = True, configured: str = "") -> str:
    """`configured` (HME_CHROMIUM) when set; else the headless shell for headless work when installed; else
    Chromium."""
    if configured:
        if not Path(configured).exists():
            raise BotError(f"HME_CHROMIUM names {configured}, which does not exist")
        return configured
    if headless and Path(HEADLESS_SHELL).exists():
        return HEADLESS_SHELL
    if not Path(CHROMIUM).exists():
        raise BotError(f"Chromium is not at {CHROMIUM}: install Debian's chromium package (`make setup` does)")
    return CHROMIUM


@asynccontextmanager
async def launch(*, headless: bool = True, chromium: str = "") -> AsyncIterator[tuple[Playwright, Browser]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(headless=headless, configured=chromium),
                                                   headless=headless, args=ARGS)
        try:
            yield playwright, browser
        finally:
            await browser.close()


async def new_context(browser: Browser, *, timeout_ms: float = 20_000, har: Path | None = None,
                      trace: bool = False) -> BrowserContext:
    context = await browser.new_context(accept_downloads=True, record_har_path=str(har) if har else None,
                                        viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    context.set_default_navigation_timeout(timeout_ms)
    if trace:
        # DOM snapshots show each screen in the trace viewer; the screencast (screenshots=True) cost a 4-context
        # runner about a tenth of its claims per hour, and a failure's own screenshot is attached beside the trace.
        await context.tracing.start(screenshots=False, snapshots=True)
    return context
