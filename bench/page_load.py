"""What one page load costs a runner in CPU, the robots' way against the two ways they gave up.

    .venv/bin/python bench/page_load.py [--loads 100] [--rounds 3]

A claim's work is a handful of page loads, and a runner's night is bound by its CPU (bench/nightly.py), so
the cost of each load is what decides claims per hour. Side by side in one run, in one browser launched as the
robots launch it, on a screen like the billing system's (a style sheet, a form, a table of rows):

- robots: load, then ask the page what it shows in the page itself (`has`, `table`: page.evaluate);
- locator: the same, plus one question through a Playwright locator, whose selector engine the browser
  compiles and runs again in every new document;
- routing: the robots' way in a context that blocks pictures and fonts through Playwright's request
  routing, which stops every request for the driver and this process to let through, instead of
  Chromium's own switches;
- fetched: how the robots read a screen they only read (`PortalSession.read_screen`): fetched and parsed by
  the page they are on, which stays where it is; the same questions asked of the parsed document.

CPU is the whole machine's (browser, Playwright's driver, this process and the little site), per load.
Rounds alternate the three so that a slower minute of the machine weighs on each alike.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.async_api import Page, Route  # noqa: E402

from bots.portals.base import CELLS, expect_screen, fetch_screen, has, table  # noqa: E402
from bots.runtime.browser import chromium_path, launch, new_context  # noqa: E402

ROWS = "".join(f"<tr class=odd><td>C{n:06d}</td><td>A{n:05d}</td><td>DOE, JANE</td><td>MEDICARE</td>"
               f"<td>2026-10-{n % 28 + 1:02d}</td><td>{n * 7.5:.2f}</td><td>{n * 2.25:.2f}</td><td>{n}</td></tr>"
               for n in range(1, 26))
SCREEN = (f"<!doctype html><html><head><title>A/R</title><link rel=stylesheet href=/look.css></head><body>"
          f"<form><input id=f-search><select id=f-payer><option></option><option>MEDICARE</option></select>"
          f"<input type=submit id=f-go></form><table id=ar-grid>{ROWS}</table></body></html>").encode()
STYLE = b"body { font: 13px monospace } .odd { background: #eef } td { padding: 2px 6px }"


class Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        kind, body = ("text/css", STYLE) if self.path.startswith("/look.css") else ("text/html", SCREEN)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent so far (all but idle and iowait)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


async def _routed(route: Route) -> None:
    if route.request.resource_type in ("image", "font", "media"):
        await route.abort()
    else:
        await route.fallback()


async def load(page: Page, url: str, *, locator: bool) -> None:
    await page.goto(url, wait_until="domcontentloaded")
    await expect_screen(page, "#ar-grid", login_marker="#login", what="A/R")
    rows = await table(page, "#ar-grid tr.odd", CELLS)
    assert len(rows) == 25
    await has(page, "#pg-next[disabled]")
    if locator:
        await page.locator("#error").count()


async def fetched(page: Page, url: str) -> None:
    got = await fetch_screen(page, url, f"doc => [Array.from(doc.querySelectorAll('#ar-grid tr.odd'), {CELLS}), "
                                        "doc.querySelector('#pg-next[disabled]') !== null]",
                             screen="#ar-grid", login_marker="#login")
    assert got["shows"] == "screen" and len(got["data"][0]) == 25


async def main(loads: int, rounds: int) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/ar"
    spent: dict[str, list[float]] = {"robots": [], "locator": [], "routing": [], "fetched": []}
    print(f"browser {chromium_path()}, {loads} loads per way per round, {rounds} rounds")
    async with launch() as (_pw, browser):
        pages: dict[str, Page] = {}
        for way in spent:
            context = await new_context(browser)
            if way == "routing":
                await context.route("**/*", _routed)
            pages[way] = await context.new_page()
            await load(pages[way], url, locator=False)  # warm: first load of a context costs more
        for _ in range(rounds):
            for way, page in pages.items():
                start, started = busy_seconds(), time.monotonic()
                for _ in range(loads):
                    if way == "fetched":
                        await fetched(page, url)
                    else:
                        await load(page, url, locator=way == "locator")
                spent[way].append((busy_seconds() - start) / loads)
                print(f"  {way:<8} {spent[way][-1] * 1000:6.1f} ms CPU a load, "
                      f"{(time.monotonic() - started) / loads * 1000:6.1f} ms wall", flush=True)
    server.shutdown()
    mean = {way: sum(v) / len(v) for way, v in spent.items()}
    print(f"CPU per page load: robots {mean['robots'] * 1000:.1f} ms, with a locator {mean['locator'] * 1000:.1f} ms "
          f"(ratio {mean['locator'] / mean['robots']:.2f}), blocking by routing {mean['routing'] * 1000:.1f} ms "
          f"(ratio {mean['routing'] / mean['robots']:.2f}); a screen read without loading it "
          f"{mean['fetched'] * 1000:.1f} ms (ratio {mean['fetched'] / mean['robots']:.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.loads, args.rounds))
