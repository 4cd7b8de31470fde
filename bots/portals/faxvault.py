"""Page objects for the FaxVault document portal: log-in and the intake inbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from playwright.async_api import Page

from ..errors import LoginRefused, PasswordExpired
from .base import PortalSession, expect_screen, fill_form, has, table

LOGIN_MARKER = "#login"


@dataclass(frozen=True)
class InboxRow:
    doc_id: int
    received: dt.date
    patient: str
    account: str
    format: str
    href: str


class LoginPage:
    async def sign_in(self, session: "FaxVaultSession", page: Page) -> None:
        await session.goto(page, "/login")
        await expect_screen(page, "#email", login_marker="#email", what="log-in page")
        await fill_form(page, [("#email", session.credentials.username), ("#password", session.credentials.password)],
                        what="log-in")
        await session.submit(page, "#login", what="log-in")
        if await has(page, "#password-expired"):
            raise PasswordExpired(session.name)
        if await has(page, "#login-error"):
            raise LoginRefused(session.name, f"{session.name} refused the stored email or password")


class InboxPage:
    async def documents_of(self, session: "FaxVaultSession", page: Page, account: str) -> list[InboxRow]:
        rows: list[InboxRow] = []
        page_no = 1
        while True:
            await session.goto(page, f"/inbox?account={account}&page={page_no}")
            await expect_screen(page, "#inbox", login_marker=LOGIN_MARKER, what="inbox")
            cells: list[list[str]] = await table(
                page, "tr.doc", "r => [r.dataset.id, r.cells[0].textContent.trim(), "
                                "r.querySelector('.patient').textContent.trim(), r.querySelector('.account').textContent.trim(), "
                                "r.querySelector('.format').textContent.trim(), r.querySelector('a.download').getAttribute('href')]")
            rows.extend(InboxRow(doc_id=int(c[0]), received=dt.datetime.strptime(c[1], "%m/%d/%Y").date(), patient=c[2],
                                 account=c[3], format=c[4].lower(), href=c[5]) for c in cells)
            if not await has(page, "#next"):
                return rows
            page_no += 1


class FaxVaultSession(PortalSession):
    name = "documents"

    async def login(self, page: Page) -> None:
        await LoginPage().sign_in(self, page)

    async def documents_of(self, account: str) -> list[InboxRow]:
        return await self.run(lambda page: InboxPage().documents_of(self, page, account), label="inbox")
