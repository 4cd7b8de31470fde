"""A logged-in browser context on one portal, and what every page object shares.

A session opens its context lazily, logs in when the portal asks, and is
dropped (context closed, screenshot and trace kept as evidence) when an
attempt fails, so the retry starts from a fresh session.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import InvalidOperation
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from playwright.async_api import Browser, BrowserContext, Dialog, Page, Request, Response
from playwright.async_api import Error as PlaywrightError

from ..errors import DownloadDamaged, ElementMissing, PortalUnavailable, RateLimited, SessionExpired
from ..runtime import integrity
from ..runtime.browser import new_context
from ..runtime.guard import PortalGuard, RetriesExhausted, with_retries
from ..runtime.vault import Credentials
from ..runtime.watchdog import progressed

T = TypeVar("T")
log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
UNCOUNTED = frozenset({"stylesheet", "script", "image", "font", "media"})
LOGOUT_TIMEOUT_MS = 10_000
# A document is read when proved whole or when two of this many downloads agree.
MAX_DOWNLOADS = 8
# What the portals show instead of the page asked for.
FAILURE_MARKERS = "#server-error, #maintenance"


@dataclass
class Evidence:
    """The last failure of a session: attached to the RPA admin item when retries run out."""

    screenshot: bytes | None = None
    trace: Path | None = None
    url: str = ""


class PortalSession:
    """Subclasses implement `login(page)`; robots call `run(work)` with a function of the page."""

    name = "portal"

    def __init__(self, browser: Browser, guard: PortalGuard, credentials: Credentials, *, evidence_dir: Path,
                 trace: bool = True) -> None:
        self.browser = browser
        self.guard = guard
        self.credentials = credentials
        self.base = credentials.url.rstrip("/")
        self.evidence_dir = evidence_dir
        self.trace = trace
        self.context: BrowserContext | None = None
        self._page: Page | None = None
        self.logged_in = False
        self.evidence = Evidence()
        self._holding_slot = False
        self._blank = False  # a page opened afresh, not yet on the portal
        self._logged_in_at = 0.0  # monotonic

    # --- life cycle ---------------------------------------------------------------------
    async def page(self) -> Page:
        if self._page is None:
            if not self._holding_slot:
                await self.guard.sessions.acquire()
                self._holding_slot = True
            try:
                self.context = await new_context(self.browser, trace=self.trace)
                self.context.on("request", self._count_request)
                self._page = await self.context.new_page()
            except BaseException:
                # Cancelled (a sibling claim failed) or refused while the context opened: the slot goes back
                # now, or the portal's sessions leak one by one until every task waits for ever.
                await self.close()
                raise
            self.logged_in = False
        if not self.logged_in:
            await self.login(self._page)
            self.logged_in = True
            self._logged_in_at = time.monotonic()
            self._blank = False
        elif self._blank:
            # A page opened afresh after a portal error is blank: back on the portal's own address first,
            # where its screens are read (a read from a blank page is another origin's, which the browser
            # refuses: "Failed to fetch"), still logged in; a session that expired meanwhile shows its log-in.
            await self.goto(self._page, "/")
            self._blank = False
        return self._page

    def _count_request(self, request: Request) -> None:
        """Every request a page sends to the portal counts against its rate, not only those a robot paces:
        a form's redirect, a page reloading itself, a single-page app's calls. Style sheets, scripts and
        pictures do not: a portal's limit is on its application (the sandbox's too, written to the same rule)."""
        if request.resource_type not in UNCOUNTED and request.url.startswith(self.base):
            self.guard.sent()

    async def _fresh_page(self) -> bool:
        """After a 5xx or an error page: a new page in the same context, still logged in. The portal's trouble
        is not the session's, and a new context would log in again (more requests to fail on a portal failing
        some, and a session left for the portal to count); the page goes, because what it shows (an app's
        error panel, a screen read in place) would be read again as if it were the answer. False when there
        is no context to keep."""
        if self.context is None or self._page is None:
            return False
        old, self._page = self._page, None
        try:
            await old.close()
            self._page = await self.context.new_page()
            self._blank = True
        except PlaywrightError:
            log.debug("a new %s page failed; a new session instead", self.name, exc_info=True)
            self._page = old
            return False
        return True

    async def close(self, *, keep_evidence_as: str | None = None) -> None:
        """Close the context (keeping evidence when asked) and give its slot back, whatever happens meanwhile:
        the slot is released first thing in `finally`, so a cancel landing in any await below cannot keep it."""
        context, page, logged_in = self.context, self._page, self.logged_in
        self.context = None
        self._page = None
        self.logged_in = False
        try:
            if context is not None:
                await self._close_context(context, page, keep_evidence_as, logged_in)
        finally:
            if self._holding_slot:
                self._holding_slot = False
                self.guard.sessions.release()

    async def _close_context(self, context: BrowserContext, page: Page | None, keep_evidence_as: str | None,
                             logged_in: bool) -> None:
        try:
            if page is not None and keep_evidence_as:
                self.evidence = Evidence(url=page.url)
                try:
                    self.evidence.screenshot = await page.screenshot(full_page=True, timeout=5000)
                except Exception:  # the page may be gone; the trace still tells
                    self.evidence.screenshot = None
            if logged_in:
                await self._log_out(context)
            if self.trace:
                path = None
                if keep_evidence_as:
                    self.evidence_dir.mkdir(parents=True, exist_ok=True)
                    path = self.evidence_dir / f"{self.name}-{keep_evidence_as}.zip"
                await context.tracing.stop(path=str(path) if path else None)
                self.evidence.trace = path
            await context.close()
        except Exception:  # a dead browser context has nothing more to give
            log.debug("closing a %s context failed", self.name, exc_info=True)

    async def run(self, work: Callable[[Page], Awaitable[T]], *, label: str = "work") -> T:
        opening = False

        async def attempt() -> T:
            nonlocal opening
            opening = True
            page = await self.page()  # the log-in, when the session has none yet
            opening = False
            try:
                result = await work(page)
            except SessionExpired as exc:
                exc.logged_in_for = time.monotonic() - self._logged_in_at  # whether it ended as sessions do
                raise
            except (InvalidOperation, ValueError, IndexError) as exc:
                # A cell a page object could not read as an amount or a date: the screen is not what it expects
                # (a layout change, a half-drawn page). Named, with the evidence, and tried again like one.
                raise ElementMissing(f"{self.name}: a screen showed what its page object cannot read "
                                     f"({type(exc).__name__}: {str(exc)[:120]})") from exc
            if self.trace and self.context is not None:
                # Only a failing step's trace is evidence: drop each clean step's, so a night of thousands of
                # pages keeps no growing trace and a failure's trace shows that step (and its log-in) alone.
                try:
                    await self.context.tracing.stop_chunk()
                    await self.context.tracing.start_chunk()
                except PlaywrightError:  # the step is done; a context that died since is replaced on the next
                    log.debug("restarting the %s trace failed", self.name, exc_info=True)
            progressed()
            return result

        failed = 0

        async def drop(error: BaseException) -> None:
            nonlocal failed
            failed += 1
            last = failed > self.guard.policy.retries or self.guard.open
            if isinstance(error, PortalUnavailable) and not last and await self._fresh_page():
                return
            await self.close(keep_evidence_as=label)

        try:
            return await with_retries(self.guard, attempt, drop)
        except RetriesExhausted as exc:
            exc.session = self
            exc.at_login = opening
            raise

    async def login(self, page: Page) -> None:
        raise NotImplementedError

    # Where the portal logs a session out (POST). A session closed without logging out stays open on a real
    # portal, where it counts against the account (one session per person; a lock-out for some).
    logout_path = "/logout"

    async def _log_out(self, context: BrowserContext) -> None:
        """Log out before the context goes: best effort, never hiding the failure that may be closing it."""
        try:
            await self.guard.pace(reported=False)  # the context's own client: no page reports it
            await context.request.post(self.url(self.logout_path), timeout=LOGOUT_TIMEOUT_MS, max_redirects=0)
        except Exception:  # the portal is down, or the session expired: nothing is left to end
            log.debug("logging out of %s failed", self.name, exc_info=True)

    async def download(self, href: str) -> tuple[bytes, str]:
        """A document behind a link on one of the portal's pages, fetched with this session's cookies, and only
        once it is known whole: its structure proves it (`integrity.check`), or two downloads agree byte for
        byte (`integrity.fingerprint`: a PDF stamped with its time of making on each request still agrees). A
        damaged copy is fetched again; one that never comes whole raises DownloadDamaged (one item for
        the RPA admin team, never a document read as if it were real)."""
        async def work(page: Page) -> tuple[bytes, str]:
            assert self.context is not None
            await self.guard.pace(reported=False)
            return await fetch(self.context, self.url(href))

        seen: set[str] = set()
        problems: list[str] = []
        for _ in range(MAX_DOWNLOADS):
            body, kind = await self.run(work, label="download")
            verdict = integrity.check(body, kind)
            if verdict.whole:
                return body, kind
            if verdict.damaged:
                problems.append(verdict.problem)
                log.info("%s: a damaged download (%s); fetching it again", self.name, verdict.problem)
                continue
            digest = integrity.fingerprint(body, kind)
            if digest in seen:
                return body, kind
            seen.add(digest)
        where = href.split("?")[0]
        raise DownloadDamaged(f"{where} did not arrive whole in {MAX_DOWNLOADS} downloads"
                              + (f": {'; '.join(sorted(set(problems)))}" if problems else ": no two copies agreed"))

    # --- helpers for page objects -------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base + path

    async def goto(self, page: Page, path: str) -> Response | None:
        await self.guard.pace()
        response = await page.goto(self.url(path), wait_until="domcontentloaded")
        check_response(response)
        return response

    async def read_screen(self, page: Page, path: str, reader: str, *, screen: str, login_marker: str,
                          what: str) -> Any:
        """What `reader` (a JavaScript function of a document) finds on a screen the robot only reads, fetched
        and parsed by the page the session is on, which stays where it is.

        A page load builds a document, its script worlds and a frame to draw, and tells the driver and this
        process every step: about a quarter of that reads the same HTML with the same selectors
        (bench/page_load.py). For screens the server renders whole; a screen to type into, or one its scripts
        build, is navigated to. The portal's answers mean what they mean to `goto` and `expect_screen`: a 5xx
        or 429, an error or maintenance page, the log-in page. A screen that is not what the robot expects is
        shown in the page before the failure is raised, so the session's screenshot and trace show what came
        back."""
        return await self._read(page, self.url(path), reader, screen=screen, login_marker=login_marker, what=what)

    async def read_form(self, page: Page, submit: str, reader: str, *, screen: str, login_marker: str,
                        what: str) -> Any:
        """What `reader` finds on the answer to the form on screen (filled in already), sent with its button
        `submit`: a form that asks by its address (method GET, a search) is a read, and its answer is
        fetched and read in place as `read_screen` does, the page staying on the form for the next search;
        a form that posts is submitted as a person would, and its answer read where it loads.

        The address is the one the browser would build (the form's own action and field names, so a portal
        that renames its fields still gets its own names back); scripts that run on a form's submission do
        not run, so a form whose scripts change what it sends is not one to read this way. A button a person
        could not press fails as a screen that is not what the robot expects."""
        found: dict[str, Any] = await page.evaluate(_FORM_ADDRESS, submit)
        if found["problem"]:
            raise ElementMissing(f"{what}: {found['problem']}")
        if found["url"] is not None:
            return await self._read(page, found["url"], reader, screen=screen, login_marker=login_marker, what=what)
        await self.submit(page, submit, what=what)
        await expect_screen(page, screen, login_marker=login_marker, what=what)
        return await page.evaluate(f"() => ({reader})(document)")

    async def _read(self, page: Page, url: str, reader: str, *, screen: str, login_marker: str, what: str) -> Any:
        await self.guard.pace()
        got = await fetch_screen(page, url, reader, screen=screen, login_marker=login_marker)
        if got["shows"] == "screen" and got["status"] not in RETRY_STATUSES:
            return got["data"]
        where = url.removeprefix(self.base).split("?")[0]
        try:
            await page.set_content(got["html"], timeout=5000)
        except PlaywrightError:  # evidence only: the failure below is what counts
            log.debug("showing a failed %s read failed", self.name, exc_info=True)
        if got["status"] == 429:
            raise RateLimited(f"HTTP 429 at {where}", retry_after_seconds(got.get("retryAfter")))
        if got["status"] in RETRY_STATUSES:
            raise PortalUnavailable(f"HTTP {got['status']} at {where}")
        _raise_for_portal_page(got["shows"], what)
        raise ElementMissing(f"{what}: {screen} is not on {where}")

    async def submit(self, page: Page, selector: str, *, what: str) -> None:
        """Press a button or link that loads another page, and check what came back. A form that posts is paid
        for as two requests: a portal answers a post with a redirect (post, redirect, get), and several
        sessions' redirects at once would otherwise land in one second unpaid."""
        posts = await page.evaluate(_POSTS, selector)
        await self.guard.pace(requests=2 if posts else 1)
        async with page.expect_navigation(wait_until="domcontentloaded") as navigation:
            await press(page, selector, what=what)
        check_response(await navigation.value)


READ_TIMEOUT_MS = 20_000  # as a page load's (runtime.browser.new_context)
# `PortalSession.read_screen`: READER is replaced by the page object's function of the document.
_READ = """async ([url, timeoutMs, failure, screen, login]) => {
    const response = await fetch(url, {credentials: "same-origin", signal: AbortSignal.timeout(timeoutMs)});
    const html = await response.text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    const shows = (SHOWN)(doc, failure, screen, login);
    const data = shows === "screen" ? (READER)(doc) : null;
    return {status: response.status, shows, data, html: shows === "screen" && response.ok ? "" : html,
            retryAfter: response.headers.get("retry-after")};
}"""


# `PortalSession.read_form`: the address a GET form's button would load, as the browser builds it (the submitter
# counts when it has a name); url is null for a form that posts.
_FORM_ADDRESS = """(selector) => {
    const control = document.querySelector(selector);
    if (!control) return {problem: `${selector} is not on the page`, url: null};
    if (control.disabled) return {problem: `${selector} is disabled`, url: null};
    if (!control.getClientRects().length || getComputedStyle(control).visibility === "hidden")
        return {problem: `${selector} is not shown`, url: null};
    const form = control.form;
    if (!form) return {problem: `${selector} is not a form's button`, url: null};
    // A button may send its form elsewhere or otherwise (formaction, formmethod), as the browser would.
    const method = control.hasAttribute("formmethod") ? control.formMethod : form.method;
    if (method !== "get") return {problem: null, url: null};
    const address = new URL(control.hasAttribute("formaction") ? control.formAction : form.action, document.baseURI);
    address.search = new URLSearchParams(new FormData(form, control.type === "submit" ? control : null)).toString();
    address.hash = "";
    return {problem: null, url: address.href};
}"""


async def fetch_screen(page: Page, url: str, reader: str, *, screen: str, login_marker: str) -> dict[str, Any]:
    """Fetch a screen in the page and parse it there: its status, what it shows ("screen", "failure", "login" or
    None), `reader`'s answer on it, and its HTML when it is not the screen."""
    return await page.evaluate(_READ.replace("SHOWN", _SHOWN).replace("READER", reader),  # type: ignore[no-any-return]
                               [url, READ_TIMEOUT_MS, FAILURE_MARKERS, screen, login_marker])


MAGIC = {b"%PDF": "application/pdf", b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff"}


async def _get(context: BrowserContext, url: str, timeout_ms: float) -> tuple[bytes, dict[str, str]]:
    """GET as the logged-in user: the whole body, or the failure the robot's retries understand."""
    response = await context.request.get(url, timeout=timeout_ms, max_redirects=0)
    where = url.split("?")[0]
    if response.status == 429:
        raise RateLimited(f"HTTP 429 downloading {where}", retry_after_seconds(response.headers.get("retry-after")))
    if response.status in RETRY_STATUSES:
        raise PortalUnavailable(f"HTTP {response.status} downloading {where}")
    if response.status in (301, 302, 303, 401):
        raise SessionExpired(f"the portal asked to log in again instead of sending {where}")
    if response.status != 200:
        raise PortalUnavailable(f"HTTP {response.status} downloading {where}")
    body = await response.body()
    expected = response.headers.get("content-length")
    if expected and int(expected) != len(body):
        raise DownloadDamaged(f"{where}: {len(body)} of {expected} bytes arrived")
    return body, response.headers


async def fetch(context: BrowserContext, url: str, *, timeout_ms: float = 60_000) -> tuple[bytes, str]:
    """A document (PDF or TIFF) as the logged-in user; returns (bytes, content type)."""
    body, _headers = await _get(context, url, timeout_ms)
    where = url.split("?")[0]
    kind = next((t for magic, t in MAGIC.items() if body.startswith(magic)), None)
    if kind is None:
        raise DownloadDamaged(f"{where} is not a PDF or TIFF ({len(body)} bytes)")
    if kind == "application/pdf" and b"%%EOF" not in body[-2048:]:
        raise DownloadDamaged(f"{where}: the PDF is cut off (no end-of-file marker)")
    return body, kind


async def fetch_csv(context: BrowserContext, url: str, *, timeout_ms: float = 120_000) -> tuple[bytes, str]:
    """A CSV export as the logged-in user; returns (bytes, the file name the server gave it)."""
    body, headers = await _get(context, url, timeout_ms)
    head = body[:512].lstrip().lower()
    if not body.strip() or head.startswith((b"<!doctype", b"<html")) or b"," not in body.split(b"\n", 1)[0]:
        raise DownloadDamaged(f"{url.split('?')[0]} is not a CSV file ({len(body)} bytes)")
    disposition = headers.get("content-disposition", "")
    filename = disposition.split("filename=", 1)[1].strip().strip('"') if "filename=" in disposition else ""
    return body, filename


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header's wait in seconds: a number of seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max((when - dt.datetime.now(dt.timezone.utc)).total_seconds(), 0.0)


def check_response(response: Response | None) -> None:
    if response is not None and response.status == 429:
        raise RateLimited(f"HTTP 429 at {response.url.split('?')[0]}",
                          retry_after_seconds(response.headers.get("retry-after")))
    if response is not None and response.status in RETRY_STATUSES:
        raise PortalUnavailable(f"HTTP {response.status} at {response.url.split('?')[0]}")


_FILL = """(values) => {
    const problems = [];
    for (const [selector, value] of values) {
        const field = document.querySelector(selector);
        if (!field) { problems.push(`${selector} is not on the page`); continue; }
        if (field.disabled || field.readOnly) { problems.push(`${selector} does not take input`); continue; }
        if (field.tagName === "SELECT" && !Array.from(field.options).some(o => o.value === value)) {
            problems.push(`${selector} has no choice ${value}`); continue;
        }
        if (field.type === "checkbox") field.checked = value; else field.value = value;
        field.dispatchEvent(new Event("input", {bubbles: true}));
        field.dispatchEvent(new Event("change", {bubbles: true}));
    }
    return problems;
}"""


async def fill_form(page: Page, values: list[tuple[str, str | bool]], *, what: str) -> None:
    """Enter a whole form in one round trip (text, check boxes, choices), with the events typing would fire.

    A field filled one by one costs the browser an actionability check and a frame each; the payment
    entry screen alone has a dozen. Missing, disabled or read-only fields and unknown choices fail as a screen
    that is not what the robot expects."""
    problems: list[str] = await page.evaluate(_FILL, [list(v) for v in values])
    if problems:
        raise ElementMissing(f"{what}: {'; '.join(problems[:3])}")


@asynccontextmanager
async def confirming(page: Page) -> AsyncIterator[None]:
    """Accept the confirm dialog what is done inside raises ("Post this payment?"), and only that one: the
    handler goes when the block ends, even when it failed before the dialog came, so it cannot answer a
    later dialog on a page the session keeps using."""
    async def accept(dialog: Dialog) -> None:
        await dialog.accept()

    page.once("dialog", accept)
    try:
        yield
    finally:
        page.remove_listener("dialog", accept)


# Whether pressing the control submits a form by POST.
_POSTS = """(selector) => {
    const control = document.querySelector(selector);
    const form = control && (control.form || control.closest("form"));
    return !!form && (control.getAttribute("formmethod") || form.method || "get").toLowerCase() === "post";
}"""

_PRESS = """(selector) => {
    const control = document.querySelector(selector);
    if (!control) return `${selector} is not on the page`;
    if (control.disabled) return `${selector} is disabled`;
    if (!control.getClientRects().length || getComputedStyle(control).visibility === "hidden")
        return `${selector} is not shown`;
    control.click();
    return null;
}"""


async def press(page: Page, selector: str, *, what: str) -> None:
    """Press a button or link as a person's click would (its handlers, its form's submission, its dialogs).

    In one round trip, in the page: Playwright's own click first waits for the element to stand still over
    two animation frames and then moves a mouse, so the browser draws frames a robot never looks at, about
    half of what a form post costs a runner in CPU. A control that is missing, disabled or hidden fails as a
    screen that is not what the robot expects, as a person could not press it either."""
    try:
        problem: str | None = await page.evaluate(_PRESS, selector)
    except PlaywrightError as error:
        # A click whose handler navigates at once can take the page's script context with it: pressed.
        if "context was destroyed" not in str(error) and "navigat" not in str(error):
            raise
        problem = None
    if problem:
        raise ElementMissing(f"{what}: {problem}")


# Questions about the page are asked in the page itself (page.evaluate) rather than through Playwright's locators:
# a locator needs Playwright's selector engine, a large script the browser compiles and runs again in every new
# document: a load with one locator question cost 1.56 times the CPU of a load without (bench/page_load.py). On a
# screen that has loaded (expect_screen has seen it) there is nothing for a locator's waiting to add.
_HAS = "(selector) => document.querySelector(selector) !== null"
_TEXT = "(selector) => { const e = document.querySelector(selector); return e === null ? null : e.innerText; }"


async def has(page: Page, selector: str) -> bool:
    """Whether an element matching `selector` is on the page now."""
    return bool(await page.evaluate(_HAS, selector))


async def text(page: Page, selector: str, *, what: str) -> str:
    """The text a person sees in the first element matching `selector`, stripped."""
    found: str | None = await page.evaluate(_TEXT, selector)
    if found is None:
        raise ElementMissing(f"{what}: {selector} is not on the page")
    return found.strip()


async def table(page: Page, selector: str, row: str) -> list[Any]:
    """`row` (a JavaScript function of one element) applied to every element matching `selector`, in order."""
    return await page.evaluate(f"(selector) => Array.from(document.querySelectorAll(selector), {row})",  # type: ignore[no-any-return]
                               selector)


CELLS = "r => Array.from(r.cells, c => c.textContent.trim())"  # a table row's cells' text


# Which of the three the page shows now, in the order they decide: an error page, the screen, the log-in page.
_SHOWN = """(doc, failure, screen, login) => doc.querySelector(failure) ? "failure"
    : doc.querySelector(screen) ? "screen" : doc.querySelector(login) ? "login" : null"""
_SHOWS = f"([failure, screen, login]) => ({_SHOWN})(document, failure, screen, login)"


async def expect_screen(page: Page, selector: str, *, login_marker: str, what: str, timeout_ms: float = 15_000) -> None:
    """Wait for the screen's own element; name the failure when the portal shows something else.

    One look at the page usually decides (it has loaded by the time a page object asks); only a screen still
    building waits. Each look is a round trip to the browser, which is CPU a runner spends per page."""
    async def look() -> str | None:
        try:
            return await page.evaluate(_SHOWS, [FAILURE_MARKERS, selector, login_marker])  # type: ignore[no-any-return]
        except PlaywrightError:  # the page was navigating (a screen that reloads itself): wait as below
            return None

    shows = await look()
    if shows is None:
        found = page.locator(f"{selector}, {FAILURE_MARKERS}, {login_marker}").first
        try:
            await found.wait_for(state="attached", timeout=timeout_ms)
        except Exception:
            raise ElementMissing(f"{what}: {selector} did not appear at {page.url.split('?')[0]}") from None
        shows = await look()
        if shows is None:
            shows = ("failure" if await has(page, FAILURE_MARKERS)
                     else "screen" if await has(page, selector) else "login")
    _raise_for_portal_page(shows, what)  # by now the screen, an error page or the log-in page


def _raise_for_portal_page(shows: str | None, what: str) -> None:
    """The failure a portal's own page in place of the screen means: an error or maintenance page, the log-in page."""
    if shows == "failure":
        raise PortalUnavailable(f"{what}: the portal shows an error or maintenance page")
    if shows == "login":
        raise SessionExpired(f"{what}: the portal asks to log in again")
