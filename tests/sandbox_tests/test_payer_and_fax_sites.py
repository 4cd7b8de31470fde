"""The commercial payer's single-page app and the fax inbox, in Chromium, with their documents."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from browser import chromium, keep_screenshot
from sandbox import serve
from sandbox.documents import eob
from sandbox.world.store import Store
from sandbox_helpers import account

pytestmark = pytest.mark.browser


def _busiest_member(store: Store) -> str:
    return str(store.scalar("""SELECT pt.member_id FROM claims c JOIN patients pt ON pt.id = c.patient_id
                               JOIN payer_claims p ON p.claim_id = c.id
                               WHERE c.payer_key = 'bluriver' AND p.status_code <> 'A4'
                               GROUP BY pt.member_id ORDER BY count(*) DESC LIMIT 1"""))


def test_commercial_portal_spa_search_pages_and_eobs(sites: serve.Running, sandbox_store: Store, tmp_path: Path) -> None:
    base = sites.urls["bluriver"]
    creds = account(sandbox_store, "bluriver")
    member = _busiest_member(sandbox_store)
    expected = sandbox_store.scalar("""SELECT count(*) FROM claims c JOIN patients pt ON pt.id = c.patient_id
                                       JOIN payer_claims p ON p.claim_id = c.id
                                       WHERE pt.member_id = ? AND p.status_code <> 'A4'""", member)
    assert expected > 10, "the busiest member needs more than one page"
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base + "/")
        # The shell arrives empty; the sign-in form is drawn by script.
        page.fill("#username", creds["username"])
        page.fill("#password", "nope")
        page.click("#sign-in")
        expect(page.locator("#signin-error")).to_contain_text("incorrect")
        page.fill("#username", creds["username"])
        page.fill("#password", creds["password"])
        page.click("#sign-in")
        page.fill("#member-id", member)
        page.click("#search")
        expect(page.locator("#results tr.claim")).to_have_count(10)
        expect(page.locator("#page-info")).to_contain_text(f"({expected} claims)")
        page.click("#next-page")
        expect(page.locator("#page-info")).to_contain_text("Page 2")
        page.screenshot(path=tmp_path / "sandbox-bluriver-claims.png", full_page=True)
        keep_screenshot(tmp_path / "sandbox-bluriver-claims.png")

        page.click("#tab-payments")
        expect(page.locator("#payments tr.payment").first).to_be_visible()
        numbers = page.locator("#payments td.payment-number").all_inner_texts()
        scanned = next((n for n in numbers if eob.is_scanned(n)), None)
        text = next((n for n in numbers if not eob.is_scanned(n)), None)
        for number in (scanned, text):
            if number is None:
                continue
            with page.expect_download() as download_info:
                page.locator("tr.payment", has_text=number).locator("a.eob").click()
            path = Path(download_info.value.path())
            layer = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            if number == scanned:
                assert layer.strip() == "", "a scanned EOB has no text layer"
            else:
                # Whichever of the plan's layouts printed it: the check's number and the payee in the text layer.
                assert number in layer and "SUMMIT HOME MEDICAL SUPPLY" in layer.upper()
        assert scanned is not None or text is not None
        page.screenshot(path=tmp_path / "sandbox-bluriver-payments.png", full_page=True)
        keep_screenshot(tmp_path / "sandbox-bluriver-payments.png")
        context.close()


def test_fax_inbox_serves_scanned_cmns_and_orders(sites: serve.Running, sandbox_store: Store, tmp_path: Path) -> None:
    base = sites.urls["documents"]
    creds = account(sandbox_store, "documents")
    doc = sandbox_store.one("""SELECT d.*, pt.account_number FROM documents d JOIN patients pt ON pt.id = d.patient_id
                               WHERE d.format = 'tiff' ORDER BY d.id LIMIT 1""")
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(base + "/")
        page.fill("#email", creds["username"])
        page.fill("#password", creds["password"])
        page.click("#login")
        page.fill("#account", doc["account_number"])
        page.click("#find")
        row = page.locator(f"tr.doc[data-id='{doc['id']}']")
        expect(row.locator("td.format")).to_have_text("TIFF")
        with page.expect_download() as download_info:
            row.locator("a.download").click()
        data = Path(download_info.value.path()).read_bytes()
        page.screenshot(path=tmp_path / "sandbox-faxvault.png")
        keep_screenshot(tmp_path / "sandbox-faxvault.png")
        context.close()
    with Image.open(io.BytesIO(data)) as image:
        assert image.info.get("compression") == "group4" and image.mode == "1"
        assert round(float(image.info["dpi"][0])) == 200
        assert image.size == (1700, 2200)
