"""Page objects for Blue River's Provider Connect, a single-page app: sign-in, claim search, payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from playwright.async_api import Page

from ..errors import ElementMissing, LoginRefused, PasswordExpired, PortalUnavailable, RateLimited, SessionExpired
from .base import PortalSession, press
from .medicare import RemittanceRow

SIGN_IN = "#username, #login-user"


@dataclass(frozen=True)
class ClaimRow:
    claim_number: str
    account: str
    dos_from: dt.date
    billed: Decimal
    category: str
    status: str
    paid: Decimal | None
    codes: list[str]
    paid_on: dt.date | None


def _money(text: str) -> Decimal | None:
    text = text.strip().replace(",", "").replace("$", "")
    return Decimal(text) if text else None


async def _settle(page: Page, selector: str, what: str) -> None:
    """The app draws by fetch: wait for the panel, a message, or the sign-in form."""
    target = page.locator(f"{selector}, #panel-error:not(:empty), #signin-error, {SIGN_IN}, #password-expired").first
    try:
        await target.wait_for(state="attached")
    except Exception:
        raise ElementMissing(f"{what} did not appear") from None
    if await page.locator("#password-expired").count():
        raise PasswordExpired("bluriver")
    if await page.locator(selector).count():
        return
    if await page.locator("#panel-error:not(:empty)").count():
        message = (await page.inner_text("#panel-error")).strip()[:120]
        if "(429)" in message:  # the app shows the status it got; it does not pass on Retry-After
            raise RateLimited(f"{what}: {message}")
        raise PortalUnavailable(f"{what}: {message}")
    raise SessionExpired(f"{what}: Provider Connect asks to sign in again")


class SignInPage:
    async def sign_in(self, session: "BlueRiverSession", page: Page) -> None:
        await session.goto(page, "/")
        await page.locator(f"{SIGN_IN}, #tab-claims").first.wait_for(state="attached")
        if await page.locator("#tab-claims").count():
            return
        variant = await page.locator("#login-user").count() > 0
        await page.fill("#login-user" if variant else "#username", session.credentials.username)
        await page.fill("#login-secret" if variant else "#password", session.credentials.password)
        await session.guard.pace()
        await press(page, "#btn-login" if variant else "#sign-in", what="sign-in")
        await page.locator("#tab-claims, #signin-error, #password-expired").first.wait_for(state="attached")
        if await page.locator("#password-expired").count():
            raise PasswordExpired(session.name)
        if await page.locator("#signin-error").count():
            message = (await page.inner_text("#signin-error")).strip()
            if "(429)" in message:
                raise RateLimited(message)
            if "unavailable" in message.lower():
                raise PortalUnavailable(message)
            raise LoginRefused(session.name, f"{session.name}: {message}")


async def _open_app(session: "BlueRiverSession", page: Page) -> None:
    """The app loaded in the page: a page opened afresh (after a portal error, `PortalSession._fresh_page`)
    loads it again with the session's cookies; signed out meanwhile reads as the session expired."""
    if await page.locator("#tab-claims").count():
        return
    await session.goto(page, "/")
    await _settle(page, "#tab-claims", "Provider Connect")


class ClaimSearchPanel:
    async def search_member(self, session: "BlueRiverSession", page: Page, member_id: str) -> list[ClaimRow]:
        await _open_app(session, page)
        if await page.locator("#tab-claims.active").count() == 0:
            # Switching tabs redraws the panel and re-runs the last search in the background; on the claims tab
            # already, a new search is the only request in flight.
            await session.guard.pace()
            await press(page, "#tab-claims", what="claims tab")
        await page.locator("#member-id, #q-member").first.wait_for(state="attached")
        variant = await page.locator("#q-member").count() > 0
        table = "#claim-table" if variant else "#results"
        await page.fill("#q-member" if variant else "#member-id", member_id)
        await page.fill("#q-claim" if variant else "#claim-number", "")
        await session.guard.pace()
        await press(page, "#btn-find" if variant else "#search", what="claim search")
        rows: list[ClaimRow] = []
        while True:
            await _settle(page, f"{table}, #no-results", "claim search results")
            if await page.locator("#no-results").count():
                return rows
            info = await page.inner_text("#page-info")
            cells: list[list[Any]] = await page.eval_on_selector_all(
                "tr.claim", "rows => rows.map(r => [r.dataset.claim].concat("
                            "Array.from(r.cells).map(c => c.textContent.trim()), "
                            "[r.querySelector('[data-category]').dataset.category]))")
            for c in cells:
                rows.append(ClaimRow(claim_number=c[0], account=c[3], dos_from=dt.date.fromisoformat(c[4].split()[0]),
                                     billed=_money(c[5]) or Decimal("0"), category=c[10], status=c[6],
                                     paid=_money(c[7]), codes=c[8].split(),
                                     paid_on=dt.date.fromisoformat(c[9]) if c[9] else None))
            if await page.locator("#next-page[disabled]").count() or await page.locator("#next-page").count() == 0:
                return rows
            await session.guard.pace()
            await press(page, "#next-page", what="claim search next page")
            # The pager is redrawn when the next page arrives.
            await page.wait_for_function("([sel, old]) => { const e = document.querySelector(sel); "
                                         "return !e || e.textContent !== old; }", arg=["#page-info", info])


class PaymentsPanel:
    async def list(self, session: "BlueRiverSession", page: Page) -> list[RemittanceRow]:
        await _open_app(session, page)
        await session.guard.pace()
        await press(page, "#tab-payments", what="payments tab")
        await _settle(page, "#payments", "payments list")
        rows: list[list[str]] = await page.eval_on_selector_all(
            "tr.payment", "rows => rows.map(r => [r.cells[0].textContent.trim(), r.cells[1].textContent.trim(), "
                          "r.cells[2].textContent.trim(), r.querySelector('a.eob').getAttribute('href')])")
        return [RemittanceRow(check_number=r[0], date=dt.date.fromisoformat(r[1]), amount=_money(r[2]) or Decimal("0"),
                              href=r[3]) for r in rows]


class BlueRiverSession(PortalSession):
    name = "bluriver"
    logout_path = "/api/logout"

    async def login(self, page: Page) -> None:
        await SignInPage().sign_in(self, page)

    async def claims_of_member(self, member_id: str, account: str) -> list[ClaimRow]:
        """All of a member's claims; rows of another patient (a late answer to an earlier search) mean retry."""
        async def work(page: Page) -> list[ClaimRow]:
            rows = await ClaimSearchPanel().search_member(self, page, member_id)
            if rows and not any(r.account == account for r in rows):
                raise ElementMissing("the results shown belong to another search")
            return rows
        return await self.run(work, label="claims")

    async def remittances(self, start: dt.date, end: dt.date) -> list[RemittanceRow]:
        rows = await self.run(lambda page: PaymentsPanel().list(self, page), label="payments")
        return [r for r in rows if start <= r.date <= end]
