"""What page objects share: a form entered in one round trip and a button pressed in one end up as typing and
clicking would leave them, or fail by name; the browser is launched as the robots need it."""

from __future__ import annotations

import asyncio
import http.server
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from playwright.async_api import Error as PlaywrightError

from hme_rpa.config import Config
from bots.errors import BotError, ElementMissing, PortalUnavailable, SessionExpired
from bots.portals import base as portal_base
from bots.portals.base import CELLS, PortalSession, confirming, fill_form, has, press, table, text
from bots.runtime import browser as browser_runtime
from bots.runtime.browser import chromium_path, launch, new_context
from bots.runtime.guard import PortalGuard
from bots.runtime.vault import Credentials
from browser import require_chromium
from helpers import child_processes

pytestmark = [pytest.mark.browser]

FORM = """<form id=f>
<input id=check name=check> <input id=denied type=checkbox name=denied>
<select id=grp name=grp><option value="">-</option><option value=CO>CO</option><option value=PR>PR</option></select>
<input id=locked disabled> <input id=fixed readonly value=keep>
</form>
<script>
  window.seen = [];
  for (const e of document.querySelectorAll("input, select")) {
    e.addEventListener("input", () => seen.push("input:" + e.id));
    e.addEventListener("change", () => seen.push("change:" + e.id));
  }
</script>"""


def test_text_boxes_and_choices_are_entered_with_their_events() -> None:
    require_chromium()

    async def go() -> tuple[dict[str, str], list[str], list[str]]:
        async with launch() as (_pw, browser):
            page = await browser.new_page()
            await page.set_content(FORM)
            await fill_form(page, [("#check", "123456"), ("#denied", True), ("#grp", "PR")], what="payment")
            form = await page.evaluate("() => Object.fromEntries(new FormData(document.getElementById('f')))")
            seen = await page.evaluate("() => window.seen")
            problems = []
            for values in ([("#grp", "XX")], [("#nowhere", "1")], [("#locked", "1")], [("#fixed", "1")]):
                with pytest.raises(ElementMissing) as caught:
                    await fill_form(page, values, what="payment")
                problems.append(str(caught.value))
            return form, seen, problems

    form, seen, problems = asyncio.run(go())
    assert form == {"check": "123456", "denied": "on", "grp": "PR"}
    assert seen == ["input:check", "change:check", "input:denied", "change:denied", "input:grp", "change:grp"]
    assert problems == ["payment: #grp has no choice XX", "payment: #nowhere is not on the page",
                        "payment: #locked does not take input", "payment: #fixed does not take input"]


BUTTONS = """<form id=f method=post action="/sent"><input name=q value=x>
<button id=send type=submit onclick="return confirm('Post it?')">Post</button></form>
<button id=count onclick="window.clicks = (window.clicks || 0) + 1">+1</button>
<button id=off disabled>off</button> <button id=gone style="display:none">gone</button>
<button id=veiled style="visibility:hidden">veiled</button>"""


def test_a_press_runs_the_handlers_submits_the_form_and_answers_its_dialog() -> None:
    require_chromium()

    async def go() -> tuple[int, list[str], str, str, list[str]]:
        async with launch() as (_pw, browser):
            page = await browser.new_page()
            posted: list[str] = []

            async def answer(route):  # type: ignore[no-untyped-def]
                posted.append(route.request.post_data or "")
                await route.fulfill(status=200, content_type="text/html", body="<p id=done>sent</p>")

            await page.route("http://portal.test/sent", answer)
            await page.route("http://portal.test/", lambda route: route.fulfill(
                status=200, content_type="text/html", body=BUTTONS))
            await page.goto("http://portal.test/")
            await press(page, "#count", what="counter")
            await press(page, "#count", what="counter")
            clicks = await page.evaluate("() => window.clicks")
            problems = []
            for selector in ("#nowhere", "#off", "#gone", "#veiled"):
                with pytest.raises(ElementMissing) as caught:
                    await press(page, selector, what="payment")
                problems.append(str(caught.value))
            dialogs: list[str] = []

            async def accept(dialog):  # type: ignore[no-untyped-def]
                dialogs.append(dialog.message)
                await dialog.accept()

            page.once("dialog", accept)
            async with page.expect_navigation():
                await press(page, "#send", what="payment")
            return clicks, problems, await page.inner_text("#done"), dialogs[0], posted

    clicks, problems, done, dialog, posted = asyncio.run(go())
    assert clicks == 2
    assert problems == ["payment: #nowhere is not on the page", "payment: #off is disabled",
                        "payment: #gone is not shown", "payment: #veiled is not shown"]
    assert done == "sent" and dialog == "Post it?" and posted == ["q=x"]


def _browser_command_lines() -> list[list[str]]:
    """The command lines of the browsers this test process launched (through Playwright's driver, its child)."""
    return [args for driver in child_processes(os.getpid()) for args in child_processes(driver).values()
            if any(a.startswith("--remote-debugging-pipe") for a in args)
            and not any(a.startswith("--type=") for a in args)]


def test_the_browser_keeps_what_playwright_disables_for_automation() -> None:
    """Chromium obeys only the last --disable-features: ours must still hold every feature Playwright's own
    (given first) turns off, or an upgrade of Playwright would quietly turn some back on."""
    require_chromium()

    async def go() -> list[list[str]]:
        async with launch() as (_pw, browser):
            await browser.new_page()
            return _browser_command_lines()

    [command] = asyncio.run(go())  # the browser, or Debian's launcher script with the same arguments
    given = [arg.split("=", 1)[1].split(",") for arg in command if arg.startswith("--disable-features=")]
    assert len(given) >= 2, "Playwright's own --disable-features is no longer given first: review browser.ARGS"
    effective = set(given[-1])
    assert "RenderDocument" in effective
    assert set().union(*given[:-1]) <= effective, set().union(*given[:-1]) - effective


def test_the_robots_run_the_headless_shell_when_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shell, full = tmp_path / "chromium-headless-shell", tmp_path / "chromium"
    monkeypatch.setattr(browser_runtime, "HEADLESS_SHELL", str(shell))
    monkeypatch.setattr(browser_runtime, "CHROMIUM", str(full))
    with pytest.raises(BotError, match="install Debian's chromium"):
        chromium_path()
    full.touch()
    assert chromium_path() == str(full)
    shell.touch()
    assert chromium_path() == str(shell) and chromium_path(headless=False) == str(full)
    with pytest.raises(BotError, match="elsewhere, which does not exist"):
        chromium_path(configured=str(tmp_path / "elsewhere"))
    assert chromium_path(configured=str(full)) == str(full)
    assert Config.from_env({"HME_CHROMIUM": str(full)}).chromium == str(full)


def test_a_confirm_is_accepted_inside_the_block_and_none_after_it() -> None:
    require_chromium()

    async def go() -> list[bool]:
        async with launch() as (_pw, browser):
            page = await browser.new_page()
            answers = []
            async with confirming(page):
                answers.append(await page.evaluate("() => confirm('Post this payment?')"))
            # Playwright dismisses a dialog nobody listens for: the block's handler is gone.
            answers.append(await page.evaluate("() => confirm('Post it again?')"))
            with pytest.raises(ElementMissing):
                async with confirming(page):
                    raise ElementMissing("payment entry: the form failed before its confirm came")
            answers.append(await page.evaluate("() => confirm('Release the hold?')"))
            return answers

    assert asyncio.run(go()) == [True, False, False]


SCREEN = """<p id=msg>  Saved   for <b>claim</b> 7  </p><p id=empty></p>
<table><tr class=hdr><th>n</th></tr><tr class=row><td> 1 </td><td>a</td></tr><tr class=row><td>2</td><td> b</td></tr>
</table>"""


def test_questions_about_a_screen_are_answered_in_the_page() -> None:
    require_chromium()

    async def go() -> tuple[list[bool], list[str], list[list[str]], list[list[str]], str]:
        async with launch() as (_pw, browser):
            page = await browser.new_page()
            await page.set_content(SCREEN)
            found = [await has(page, "#msg"), await has(page, "#nowhere"), await has(page, "tr.row td")]
            texts = [await text(page, "#msg", what="note"), await text(page, "#empty", what="note")]
            with pytest.raises(ElementMissing) as caught:
                await text(page, "#nowhere", what="note saved")
            return (found, texts, await table(page, "tr.row", CELLS), await table(page, "tr.none", CELLS),
                    str(caught.value))

    found, texts, rows, none, missing = asyncio.run(go())
    assert found == [True, False, True]
    assert texts == ["Saved for claim 7", ""]
    assert rows == [["1", "a"], ["2", "b"]] and none == []
    assert missing == "note saved: #nowhere is not on the page"


class _Quiet(http.server.BaseHTTPRequestHandler):
    """A test site's handler: answers a whole body, logs nothing."""

    def answer(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Site(_Quiet):
    """A page with a picture, a background picture, a web font and a style sheet; every path asked is kept."""

    asked: list[str] = []
    BODIES = {
        "/": ("text/html", b"<link rel=stylesheet href=/look.css><p class=f>text</p><img src=/photo.png>"),
        "/look.css": ("text/css", b"@font-face { font-family: F; src: url(/face.woff2); } "
                                  b".f { font-family: F; background: url(/back.png); }"),
    }

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.asked.append(self.path)
        self.answer(200, *self.BODIES.get(self.path, ("application/octet-stream", b"\0" * 64)))


def test_the_robots_browser_fetches_no_pictures_or_fonts() -> None:
    require_chromium()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Site.asked = []

    async def go() -> str:
        async with launch() as (_pw, browser):
            context = await new_context(browser)
            page = await context.new_page()
            await page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="load")
            # Style resolved, so the font and the background were asked for if they ever would be.
            family: str = await page.evaluate("() => getComputedStyle(document.querySelector('.f')).fontFamily")
            await context.close()
            return family

    try:
        family = asyncio.run(go())
    finally:
        server.shutdown()
    assert family == "F"
    assert "/" in _Site.asked and "/look.css" in _Site.asked
    assert not {"/photo.png", "/back.png", "/face.woff2"} & set(_Site.asked), _Site.asked


class _Portal(_Quiet):
    """A portal's screens, by path: (status, page); /slow answers after a second. Every path asked is kept."""

    asked: list[str] = []
    SCREENS = {
        "/home": (200, "<p id=home>Main menu</p>"),
        "/claims/7": (200, "<h1 id=claim-header>Claim 7</h1><table><tr class=row><td>1</td><td>E1390</td></tr>"
                           "<tr class=row><td>2</td><td>A4615</td></tr></table>"),
        "/busy": (503, "<p id=server-error>Try again later</p>"),
        "/closed": (200, "<p id=maintenance>Down for maintenance</p>"),
        "/claims/8": (200, "<form id=signon>Sign on</form>"),
        "/claims/9": (200, "<h1 id=claim-list>Claims</h1>"),
        "/slow": (200, "<h1 id=claim-header>late</h1>"),
        # A search that asks by address and a form that posts; /found and /posted show what they were sent.
        "/search": (200, "<form id=s action=/found><input id=q name=member><input type=hidden name=v value=2>"
                         "<button id=go name=act value=find>Find</button><button id=off disabled>Off</button></form>"
                         "<form method=post action=/posted><input id=pq name=member><button id=post>Post</button>"
                         "<button id=look formmethod=get formaction=/found>Look</button></form>"),
    }
    ANSWER = "<h1 id=claim-header>Found</h1><table><tr class=row><td>{}</td></tr></table>"

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.asked.append(self.path)
        path, _, query = self.path.partition("?")
        if path == "/slow":
            time.sleep(1)
        status, page = (200, self.ANSWER.format(query)) if path == "/found" else (
            self.SCREENS.get(path, (404, "<p>not found</p>")))
        try:
            self.answer(status, "text/html", page.encode())
        except OSError:  # the reader gave up (/slow)
            pass

    def do_POST(self) -> None:  # noqa: N802
        self.asked.append(f"POST {self.path}")
        sent = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        self.answer(200, "text/html", self.ANSWER.format(sent).encode())


class _Session(PortalSession):
    async def login(self, page):  # type: ignore[no-untyped-def]
        await self.goto(page, "/home")


ROWS = "doc => Array.from(doc.querySelectorAll('tr.row'), r => Array.from(r.cells, c => c.textContent))"


def test_a_screen_read_from_afar_is_read_without_leaving_the_page_and_fails_as_a_load_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_chromium()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Portal.asked = []
    monkeypatch.setattr(portal_base, "READ_TIMEOUT_MS", 300)

    async def go() -> tuple[Any, int, str, dict[str, tuple[str, str]], float]:
        async with launch() as (_pw, browser):
            session = _Session(browser, PortalGuard("portal"), Credentials(f"http://127.0.0.1:{server.server_port}"),
                               evidence_dir=tmp_path, trace=False)
            page = await session.page()
            loads: list[str] = []
            page.on("framenavigated", lambda frame: loads.append(frame.url))
            rows = await session.read_screen(page, "/claims/7", ROWS, screen="#claim-header",
                                             login_marker="#signon", what="claim 7")
            still = await page.evaluate("() => document.getElementById('home') ? location.pathname : ''")
            failures: dict[str, tuple[str, str]] = {}
            for path in ("/busy", "/closed", "/claims/8", "/claims/9"):
                with pytest.raises((PortalUnavailable, SessionExpired, ElementMissing)) as caught:
                    await session.read_screen(page, path, ROWS, screen="#claim-header", login_marker="#signon",
                                              what="claim")
                # What came back is on screen for the failure's screenshot.
                failures[path] = (f"{type(caught.value).__name__}: {caught.value}",
                                  await page.evaluate("() => document.body.textContent"))
            started = time.monotonic()
            with pytest.raises(PlaywrightError):
                await session.read_screen(page, "/slow", ROWS, screen="#claim-header", login_marker="#signon",
                                          what="claim")
            waited = time.monotonic() - started
            await session.close()
            return rows, len(loads), still, failures, waited

    try:
        rows, loads, still, failures, waited = asyncio.run(go())
    finally:
        server.shutdown()
    assert rows == [["1", "E1390"], ["2", "A4615"]]
    assert loads == 0 and still == "/home"
    assert _Portal.asked[:2] == ["/home", "/claims/7"]
    assert failures == {
        "/busy": ("PortalUnavailable: HTTP 503 at /busy", "Try again later"),
        "/closed": ("PortalUnavailable: claim: the portal shows an error or maintenance page", "Down for maintenance"),
        "/claims/8": ("SessionExpired: claim: the portal asks to log in again", "Sign on"),
        "/claims/9": ("ElementMissing: claim: #claim-header is not on /claims/9", "Claims"),
    }
    assert waited < 0.9  # gave up at the read's timeout, not when the portal answered


def test_a_search_form_is_read_in_place_and_a_form_that_posts_is_submitted(tmp_path: Path) -> None:
    require_chromium()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Portal.asked = []

    async def go() -> tuple[Any, Any, list[str], str, str]:
        async with launch() as (_pw, browser):
            session = _Session(browser, PortalGuard("portal"), Credentials(f"http://127.0.0.1:{server.server_port}"),
                               evidence_dir=tmp_path, trace=False)
            page = await session.page()
            await session.goto(page, "/search")
            loads: list[str] = []
            page.on("framenavigated", lambda frame: loads.append(frame.url))
            await fill_form(page, [("#q", "1EG4 TE5MK73")], what="search")
            searched = await session.read_form(page, "#go", ROWS, screen="#claim-header", login_marker="#signon",
                                               what="search")
            stayed = await page.evaluate("() => location.pathname + ' ' + document.getElementById('q').value")
            with pytest.raises(ElementMissing) as caught:
                await session.read_form(page, "#off", ROWS, screen="#claim-header", login_marker="#signon",
                                        what="search")
            await fill_form(page, [("#pq", "X")], what="post")
            looked = await session.read_form(page, "#look", ROWS, screen="#claim-header", login_marker="#signon",
                                             what="look")
            assert looked == [["member=X"]]  # the button's own method and address: a search, read in place
            posted = await session.read_form(page, "#post", ROWS, screen="#claim-header", login_marker="#signon",
                                             what="post")
            await session.close()
            return searched, posted, loads, stayed, str(caught.value)

    try:
        searched, posted, loads, stayed, disabled = asyncio.run(go())
    finally:
        server.shutdown()
    # The address the browser itself would have built: the form's names, its hidden field, the button pressed.
    assert searched == [["member=1EG4+TE5MK73&v=2&act=find"]]
    assert stayed == "/search 1EG4 TE5MK73"
    assert disabled == "search: #off is disabled"
    assert posted == [["member=X"]]
    assert [u.split("/", 3)[-1] for u in loads] == ["posted"]  # only the form that posts loaded a page
    # ... and the session logged out when it closed.
    assert _Portal.asked[-4:] == ["/found?member=1EG4+TE5MK73&v=2&act=find", "/found?member=X", "POST /posted",
                                  "POST /logout"]
