"""Page objects for the Medicare DME MAC provider portal: log-in, MFA, terms, claim status, remittances."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from playwright.async_api import Page

from ..errors import BotError, LoginRefused, PasswordExpired
from ..runtime import totp
from .base import CELLS, PortalSession, expect_screen, fill_form, has, table

LOGIN_MARKER = "#login-button, #signin"


@dataclass(frozen=True)
class StatusRow:
    icn: str
    patient_control: str
    dos_from: dt.date
    dos_to: dt.date
    billed: Decimal
    code: str
    status: str
    status_date: dt.date | None
    paid: Decimal | None
    reasons: list[str]
    remit_date: dt.date | None


@dataclass(frozen=True)
class RemittanceRow:
    check_number: str
    date: dt.date
    amount: Decimal
    href: str


def _us_date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.datetime.strptime(text, "%m/%d/%Y").date() if text else None


def _money(text: str) -> Decimal | None:
    text = text.strip().replace(",", "").replace("$", "")
    return Decimal(text) if text else None


class LoginPage:
    async def sign_in(self, session: "MedicareSession", page: Page) -> None:
        creds = session.credentials
        await session.goto(page, "/login")
        await expect_screen(page, "#username, #userId", login_marker="#username, #userId", what="log-in page")
        variant = await has(page, "#userId")
        await fill_form(page, [("#userId" if variant else "#username", creds.username),
                               ("#passwd" if variant else "#password", creds.password)], what="log-in")
        await session.submit(page, "#signin" if variant else "#login-button", what="log-in")
        if "/password-expired" in page.url:
            raise PasswordExpired(session.name)
        if await has(page, "#login-error"):
            raise LoginRefused(session.name, f"{session.name} refused the stored user ID or password")
        await MfaPage().verify(session, page)
        await TermsPage().accept(session, page)


class MfaPage:
    async def verify(self, session: "MedicareSession", page: Page) -> None:
        await expect_screen(page, "#code", login_marker=LOGIN_MARKER, what="MFA page")
        for _ in range(2):
            # A code about to expire may be stale by the time it arrives: wait for the next one.
            if totp.seconds_left() < 3:
                await page.wait_for_timeout(int(totp.seconds_left() * 1000) + 200)
            await fill_form(page, [("#code", totp.code(session.credentials.totp_secret))], what="MFA code")
            await session.submit(page, "#verify", what="MFA code")
            if not await has(page, "#mfa-error"):
                return
        raise LoginRefused(session.name, f"{session.name} refused two one-time codes: check the stored TOTP secret")


class TermsPage:
    async def accept(self, session: "MedicareSession", page: Page) -> None:
        await expect_screen(page, "#accept", login_marker=LOGIN_MARKER, what="terms page")
        await fill_form(page, [("#accept", True)], what="terms")
        await session.submit(page, "#continue", what="terms")


class InquiryRefused(BotError):
    """The portal refused an inquiry as asked (its dates or its form): the robot's fault or a portal change, which
    asking again will not cure; the unit fails with an item for the RPA admin team."""


# The claim status answer: the portal's inquiry error, if any, and each claim row's cells.
_RESULTS = f"""doc => ({{error: doc.querySelector("#inquiry-error")?.textContent ?? null,
    rows: Array.from(doc.querySelectorAll("tr.claim-row"), {CELLS})}})"""


class ClaimStatusPage:
    async def search(self, session: "MedicareSession", page: Page, mbi: str, start: dt.date,
                     end: dt.date) -> list[StatusRow]:
        if "/claim-status" not in page.url:
            await session.goto(page, "/claim-status")
        await expect_screen(page, "#mbi, #beneficiaryId", login_marker=LOGIN_MARKER, what="claim status page")
        variant = await has(page, "#beneficiaryId")
        await fill_form(page, [("#beneficiaryId" if variant else "#mbi", mbi), ("#from", start.strftime("%m/%d/%Y")),
                               ("#to", end.strftime("%m/%d/%Y"))], what="claim status inquiry")
        # The inquiry is a search by address (a GET form): read in place, the page staying on the form.
        found = await session.read_form(page, "#search-button" if variant else "#submit-inquiry", _RESULTS,
                                        screen="#claims, #claim-results, #no-claims, #inquiry-error",
                                        login_marker=LOGIN_MARKER, what="claim status results")
        if found["error"] is not None:
            raise InquiryRefused(found["error"].strip())
        cells: list[list[str]] = found["rows"]
        return [StatusRow(icn=c[0], patient_control=c[1], dos_from=_us_date(c[2]) or start,
                          dos_to=_us_date(c[3]) or start, billed=_money(c[4]) or Decimal("0.00"), code=c[5],
                          status=c[6], status_date=_us_date(c[7]), paid=_money(c[8]),
                          reasons=c[9].split(), remit_date=_us_date(c[10])) for c in cells]


class RemittancesPage:
    async def list(self, session: "MedicareSession", page: Page, start: dt.date, end: dt.date) -> list[RemittanceRow]:
        await session.goto(page, f"/remittances?from={start:%m/%d/%Y}&to={end:%m/%d/%Y}")
        await expect_screen(page, "#remittances", login_marker=LOGIN_MARKER, what="remittance list")
        rows: list[list[Any]] = await table(
            page, "tr.remit-row", "r => [r.querySelector('.check').textContent.trim(), "
                                  "r.querySelector('.date').textContent.trim(), r.cells[3].textContent.trim(), "
                                  "r.querySelector('a.download').getAttribute('href')]")
        return [RemittanceRow(check_number=r[0], date=_us_date(r[1]) or start, amount=_money(r[2]) or Decimal("0"),
                              href=r[3]) for r in rows]


class MedicareSession(PortalSession):
    name = "medicare"

    async def login(self, page: Page) -> None:
        await LoginPage().sign_in(self, page)

    async def claim_status(self, mbi: str, start: dt.date, end: dt.date) -> list[StatusRow]:
        return await self.run(lambda page: ClaimStatusPage().search(self, page, mbi, start, end), label="claim-status")

    async def remittances(self, start: dt.date, end: dt.date) -> list[RemittanceRow]:
        return await self.run(lambda page: RemittancesPage().list(self, page, start, end), label="remittances")
