"""Page objects for MediBill 2000, the supplier's legacy billing system.

Every write is preceded by a read of the same screen (notes, postings, hold
state), so a retried or restarted step never writes twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from playwright.async_api import Page

from ..errors import BillingRefused, ElementMissing, LoginRefused, PostingNotConfirmed
from .base import CELLS, PortalSession, confirming, expect_screen, fetch_csv, fill_form, has, table, text

LOGIN_MARKER = "#signon, #session-timeout, #state-expired"


@dataclass(frozen=True)
class ArRow:
    claim_number: str
    account: str
    patient: str
    payer: str
    dos_from: dt.date
    billed: Decimal
    balance: Decimal
    age: int


@dataclass(frozen=True)
class ClaimLine:
    line_no: int
    hcpcs: str
    dos_from: dt.date
    billed: Decimal


@dataclass(frozen=True)
class Posting:
    kind: str
    line_no: int | None
    check_number: str
    group: str
    reason: str
    amount: Decimal


@dataclass
class ClaimDetail:
    claim_number: str
    patient: str
    account: str
    member_id: str
    payer: str
    submitted_on: dt.date
    dos_from: dt.date
    dos_to: dt.date
    billed: Decimal
    balance: Decimal
    lines: list[ClaimLine] = field(default_factory=list)
    postings: list[Posting] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def posted_checks(self) -> set[str]:
        return {p.check_number for p in self.postings if p.check_number}


@dataclass(frozen=True)
class HoldRow:
    order_number: str
    account: str
    patient: str
    dob: dt.date | None
    mbi: str
    hcpcs: str
    opened_on: dt.date


@dataclass(frozen=True)
class LineEntry:
    """What the payment entry screen takes for one service line."""

    line_no: int
    paid: Decimal
    adjustments: tuple[tuple[str, str, Decimal], ...]
    denied: bool = False


def _dec(text: str) -> Decimal:
    text = text.strip().replace(",", "")
    return Decimal(text) if text else Decimal("0.00")


class SignOnPage:
    async def sign_in(self, session: "MediBillSession", page: Page) -> None:
        await session.goto(page, "/login")
        await expect_screen(page, "#operator, #opid", login_marker="#operator, #opid", what="sign-on page")
        variant = await has(page, "#opid")
        await fill_form(page, [("#opid" if variant else "#operator", session.credentials.username),
                               ("#pwd", session.credentials.password)], what="sign-on")
        await session.submit(page, "#signon", what="sign-on")
        if await has(page, "#signon-error"):
            raise LoginRefused(session.name, f"{session.name} refused the stored operator ID or password")


class ArInquiryPage:
    async def unstatused(self, session: "MediBillSession", page: Page) -> list[ArRow]:
        return await self._rows(session, page, unstatused=True, search="")

    async def search(self, session: "MediBillSession", page: Page, text: str, *, include_closed: bool = False) -> list[ArRow]:
        return await self._rows(session, page, unstatused=False, search=text, include_closed=include_closed)

    async def open_claims(self, session: "MediBillSession", page: Page, payer: str) -> list[ArRow]:
        return await self._rows(session, page, unstatused=False, search="", payer=payer)

    async def _rows(self, session: "MediBillSession", page: Page, *, unstatused: bool, search: str,
                    payer: str = "", include_closed: bool = False) -> list[ArRow]:
        await session.goto(page, "/ar")
        await expect_screen(page, "#ar-grid", login_marker=LOGIN_MARKER, what="A/R inquiry")
        await fill_form(page, [("#f-payer", payer), ("#f-unstatused", unstatused), ("#f-search", search),
                               ("#f-closed", include_closed)], what="A/R inquiry")
        await session.submit(page, "#f-go", what="A/R inquiry")
        rows: list[ArRow] = []
        while True:
            await expect_screen(page, "#ar-grid", login_marker=LOGIN_MARKER, what="A/R inquiry")
            cells: list[list[str]] = await table(page, "#ar-grid tr.odd, #ar-grid tr.even", CELLS)
            rows.extend(ArRow(claim_number=c[0], account=c[1], patient=c[2], payer=c[3].lower(),
                              dos_from=dt.date.fromisoformat(c[4]), billed=_dec(c[5]), balance=_dec(c[6]),
                              age=int(c[7])) for c in cells)
            if await has(page, "#pg-next[disabled]"):
                return rows
            await session.submit(page, "#pg-next", what="A/R next page")


_CLAIM = """(doc) => {
    const t = id => doc.getElementById(id).textContent.trim();
    const rows = sel => Array.from(doc.querySelectorAll(sel), r => Array.from(r.cells, c => c.textContent.trim()));
    return {patient: t('patient'), account: t('account'), member: t('member'), payer: t('payer'),
            submitted: t('submitted'), dos: t('dos'), billed: t('billed'), balance: t('balance'),
            lines: rows('#lines tr:not(.hdr)'), postings: rows('#postings tr.posting'),
            notes: Array.from(doc.querySelectorAll('#notes tr.note .note-text'), c => c.textContent.trim())};
}"""


class ClaimPage:
    async def open(self, session: "MediBillSession", page: Page, claim_number: str) -> ClaimDetail:
        await session.goto(page, f"/claims/{claim_number}")
        return await self.read(page, claim_number)

    async def read(self, page: Page, claim_number: str) -> ClaimDetail:
        """The claim on screen."""
        await expect_screen(page, "#claim-header", login_marker=LOGIN_MARKER, what=f"claim {claim_number}")
        return self._detail(claim_number, await page.evaluate(f"() => ({_CLAIM})(document)"))

    async def read_from(self, session: "MediBillSession", page: Page, claim_number: str) -> ClaimDetail:
        """The claim's screen read from whatever screen the page is on (`PortalSession.read_screen`)."""
        data = await session.read_screen(page, f"/claims/{claim_number}", _CLAIM, screen="#claim-header",
                                         login_marker=LOGIN_MARKER, what=f"claim {claim_number}")
        return self._detail(claim_number, data)

    @staticmethod
    def _detail(claim_number: str, data: dict[str, Any]) -> ClaimDetail:
        dos_from, dos_to = (dt.date.fromisoformat(x.strip()) for x in data["dos"].split(" - "))
        return ClaimDetail(
            claim_number=claim_number, patient=data["patient"], account=data["account"], member_id=data["member"],
            payer=data["payer"], submitted_on=dt.date.fromisoformat(data["submitted"]), dos_from=dos_from, dos_to=dos_to,
            billed=_dec(data["billed"]), balance=_dec(data["balance"]),
            lines=[ClaimLine(int(c[0]), c[1], dt.date.fromisoformat(c[5]), _dec(c[7])) for c in data["lines"]],
            postings=[Posting(c[1].lower(), int(c[2]) if c[2] else None, c[3], c[4], c[5], _dec(c[6]))
                      for c in data["postings"]],
            notes=data["notes"])

    async def add_note(self, session: "MediBillSession", page: Page, claim_number: str, text: str) -> None:
        await fill_form(page, [("#note-text", text)], what=f"note on claim {claim_number}")
        await session.submit(page, "#add-note", what=f"note on claim {claim_number}")
        await expect_screen(page, "#message, #error", login_marker=LOGIN_MARKER, what="note saved")
        if await has(page, "#error"):
            raise BillingRefused(await text(page, "#error", what=f"note on claim {claim_number}"))


class PaymentEntryPage:
    """The payment entry screen. A person reaches it with the claim's "Enter Payment..." button, which opens
    it in a popup window; the robot opens its address in the claim's own tab: a window per claim costs
    Chromium and the driver a page each (measured: 0.68 against 0.58 CPU seconds per claim posted), and
    nothing on the screen needs its opener but the Close button, which only goes back to the claim."""

    async def post(self, session: "MediBillSession", page: Page, claim_number: str, check_number: str,
                   lines: list[LineEntry]) -> str:
        await session.goto(page, f"/payments/new?claim={quote(claim_number)}")
        await expect_screen(page, "#payment-form", login_marker=LOGIN_MARKER, what="payment entry")
        values: list[tuple[str, str | bool]] = [("#check", check_number)]
        for line in lines:
            n = line.line_no
            values += [(f"#l{n}_paid", f"{line.paid:.2f}"), (f"#l{n}_denied", line.denied)]
            for k, (group, reason, amount) in enumerate(line.adjustments, start=1):
                values += [(f"#l{n}_grp{k}", group), (f"#l{n}_rc{k}", reason), (f"#l{n}_amt{k}", f"{amount:.2f}")]
        await fill_form(page, values, what="payment entry")

        async with confirming(page):
            await session.submit(page, "#post-payment", what="payment entry")
        await expect_screen(page, "#pay-done, #pay-error", login_marker=LOGIN_MARKER, what="payment result")
        if await has(page, "#pay-error"):
            raise BillingRefused(await text(page, "#pay-error", what="payment result"))
        return await text(page, "#pay-done", what="payment result")


class HoldsPage:
    async def list(self, session: "MediBillSession", page: Page, hold_type: str) -> list[HoldRow]:
        rows: list[HoldRow] = []
        page_no = 1
        while True:
            await session.goto(page, f"/holds?type={hold_type}&page={page_no}")
            await expect_screen(page, "#holds-grid", login_marker=LOGIN_MARKER, what="holds")
            cells: list[list[str]] = await table(page, "tr.hold-row", CELLS)
            rows.extend(HoldRow(order_number=c[0], account=c[1], patient=c[2],
                                dob=dt.date.fromisoformat(c[3]) if c[3] else None, mbi=c[4], hcpcs=c[5],
                                opened_on=dt.date.fromisoformat(c[7])) for c in cells)
            if not await has(page, "#hold-next"):
                return rows
            page_no += 1


class ReleasePage:
    async def release(self, session: "MediBillSession", page: Page, order_number: str, note: str) -> bool:
        """Release an order from hold; False when it was already released (a retry after success)."""
        await session.goto(page, f"/holds/{order_number}/release")
        await expect_screen(page, "#release-form", login_marker=LOGIN_MARKER, what="release hold")
        await fill_form(page, [("#release-note", note)], what="release hold")

        async with confirming(page):
            await session.submit(page, "#release", what="release hold")
        await expect_screen(page, "#release-done, #release-error", login_marker=LOGIN_MARKER, what="release result")
        if await has(page, "#release-error"):
            message = await text(page, "#release-error", what="release result")
            if "is not on hold" in message:
                return False
            raise BillingRefused(message)
        return True


REPORT_BUTTONS = {"aging": "#build-report", "revenue": "#build-revenue", "outcomes": "#build-outcomes"}
# The old system builds a report in seconds on a small database and in minutes on a large one.
REPORT_TIMEOUT_MS = 15 * 60_000


class ReportsPage:
    async def export(self, session: "MediBillSession", page: Page, report: str) -> tuple[bytes, str]:
        """Build one report and download it: (CSV bytes, file name)."""
        await session.goto(page, "/reports")
        await expect_screen(page, "#report-list", login_marker=LOGIN_MARKER, what="reports")
        await session.submit(page, REPORT_BUTTONS[report], what=f"{report} report")
        # The status page reloads itself until the file is ready; wait for the link, not a fixed time.
        await expect_screen(page, "#download-report", login_marker=LOGIN_MARKER, what=f"{report} report",
                            timeout_ms=REPORT_TIMEOUT_MS)
        href = await page.evaluate("() => document.querySelector('#download-report')?.getAttribute('href')")
        if not href:
            raise ElementMissing(f"{report} report: the download link has no address")
        assert session.context is not None
        await session.guard.pace(reported=False)
        return await fetch_csv(session.context, session.url(href))


class MediBillSession(PortalSession):
    name = "billing"

    async def login(self, page: Page) -> None:
        await SignOnPage().sign_in(self, page)

    async def unstatused_claims(self) -> list[ArRow]:
        return await self.run(lambda page: ArInquiryPage().unstatused(self, page), label="ar-unstatused")

    async def find_claims(self, text: str, *, include_closed: bool = False) -> list[ArRow]:
        """Claims found by claim number, account or name: the open ones, or all with `include_closed`."""
        return await self.run(lambda page: ArInquiryPage().search(self, page, text, include_closed=include_closed),
                              label="ar-search")

    async def open_claims(self, payer: str) -> list[ArRow]:
        """Every open claim of one payer (the whole A/R list, page by page)."""
        return await self.run(lambda page: ArInquiryPage().open_claims(self, page, payer), label="ar-open")

    async def claim(self, claim_number: str) -> ClaimDetail:
        """The claim, opened on screen (where a note is then written without loading it again)."""
        return await self.run(lambda page: ClaimPage().open(self, page, claim_number), label="claim")

    async def read_claim(self, claim_number: str) -> ClaimDetail:
        """The claim as its screen shows it, read without going there: for reading alone."""
        return await self.run(lambda page: ClaimPage().read_from(self, page, claim_number), label="claim")

    async def _current_claim(self, page: Page, claim_number: str) -> ClaimDetail:
        """The claim as on screen when the unit's last read left it there (this unit holds its lease, so nobody
        else writes to it meanwhile); otherwise opened afresh."""
        if page.url.split("?")[0].endswith(f"/claims/{claim_number}"):
            return await ClaimPage().read(page, claim_number)
        return await ClaimPage().open(self, page, claim_number)

    async def add_note_once(self, claim_number: str, text: str, marker: str) -> bool:
        """Add the note unless a note starting with `marker` is already there (read back first)."""
        async def work(page: Page) -> bool:
            detail = await self._current_claim(page, claim_number)
            if any(n.startswith(marker) for n in detail.notes):
                return False
            await ClaimPage().add_note(self, page, claim_number, text)
            return True
        return await self.run(work, label="note")

    async def post_once(self, claim_number: str, check_number: str, lines: list[LineEntry], *,
                        before: ClaimDetail | None = None) -> tuple[bool, ClaimDetail]:
        """Post one check on one claim unless that check is already on it; returns (posted now, claim read back).

        `before` is the claim as the caller has just read it (it holds the unit's lease, so nobody else writes
        to it meanwhile); it stands for the read before writing on the first attempt only: an attempt that
        failed may have posted, so a retry reads the claim afresh."""
        known = before

        async def work(page: Page) -> tuple[bool, ClaimDetail]:
            nonlocal known
            detail = known or await ClaimPage().read_from(self, page, claim_number)
            known = None  # a retry reads afresh
            if check_number in detail.posted_checks():
                return False, detail
            await PaymentEntryPage().post(self, page, claim_number, check_number, lines)
            after = await ClaimPage().read_from(self, page, claim_number)
            if check_number not in after.posted_checks():
                raise PostingNotConfirmed(f"check {check_number} is not on claim {claim_number} after posting")
            return True, after
        return await self.run(work, label="post")

    async def holds(self, hold_type: str = "cmn") -> list[HoldRow]:
        return await self.run(lambda page: HoldsPage().list(self, page, hold_type), label="holds")

    async def export_report(self, report: str) -> tuple[bytes, str]:
        return await self.run(lambda page: ReportsPage().export(self, page, report), label=f"report-{report}")

    async def release_once(self, order_number: str, note: str) -> bool:
        return await self.run(lambda page: ReleasePage().release(self, page, order_number, note), label="release")
