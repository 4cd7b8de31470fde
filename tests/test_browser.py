"""A biller and a supervisor in a real browser (Playwright driving Debian's Chromium)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from browser import chromium, keep_screenshot, live_server, log_in
from helpers import PASSWORD
import samples
from queue_server.domain.kinds import Kind, Status, Team
from queue_server.models import Role, User, WorkItem
from queue_server.services import attachments

pytestmark = pytest.mark.browser


def test_biller_works_the_queue_and_supervisor_sees_the_numbers(
        app: Flask, session: Session, make_user: Callable[..., User], make_item: Callable[..., int],
        tmp_path: Path) -> None:
    make_user("bea", teams=[Team.DENIALS], display_name="Bea Lindqvist")
    make_user("sam", role=Role.SUPERVISOR, teams=[], display_name="Sam Ortiz")
    today = dt.date.today()
    urgent = make_item(balance=Decimal("1250.00"), deadline=today + dt.timedelta(days=3),
                       summary="Denied: medical necessity", reason_codes=["CO-50"],
                       payload={"findings": ["Claim status inquiry returned DENIED (CO-50)."]})
    second = make_item(balance=Decimal("310.00"), deadline=today + dt.timedelta(days=40),
                       summary="Denied: missing information", reason_codes=["CO-16", "MA130"])
    make_item(balance=Decimal("90.00"), deadline=today + dt.timedelta(days=90))
    make_item(kind=Kind.UNMATCHED_PAYMENT, balance=Decimal("5000.00"))  # another team's
    item = session.get(WorkItem, urgent)
    assert item is not None
    attachments.store(session, app.config["HME"].attachment_dir, item,
                      __import__("io").BytesIO(samples.text_pdf(["CLAIM C1 DENIED CO-50"], "REMITTANCE p.1")),
                      filename="remit.pdf", label="pdf_page", max_bytes=10**6, actor_label="bot:test")

    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, base, "bea")
        page.wait_for_selector("#next-button")
        page.screenshot(path=tmp_path / "queue.png", full_page=True)
        keep_screenshot(tmp_path / "queue.png")

        # "n" takes the next item: the one with the nearest deadline.
        page.keyboard.press("n")
        page.wait_for_url(re.compile(rf"/items/{urgent}$"))
        assert "Deadline at risk" in page.inner_text(".why")
        assert "Claim status inquiry returned DENIED" in page.inner_text(".item-main")
        # The remittance page is drawn as an image (works where no PDF viewer does).
        page.wait_for_function("document.querySelector('img.page') && document.querySelector('img.page').naturalWidth > 500")
        page.screenshot(path=tmp_path / "item.png", full_page=True)
        keep_screenshot(tmp_path / "item.png")

        # Snooze it with "s" (focuses the follow-up date).
        page.keyboard.press("s")
        assert page.evaluate("document.activeElement.id") == "until"
        page.fill("#until", (today + dt.timedelta(days=2)).isoformat())
        page.click("#snooze-form button")
        page.wait_for_selector(".flash.success")
        assert "snoozed until" in page.inner_text(".flash.success")

        # Next again, then resolve with "r".
        page.click("#next-button")
        page.wait_for_url(re.compile(rf"/items/{second}$"))
        page.keyboard.press("r")
        assert page.evaluate("document.activeElement.id") == "outcome"
        page.select_option("#outcome", "corrected_resubmitted")
        page.click("#resolve-form button")
        page.wait_for_selector(".flash.success")
        assert f"#{second} resolved" in page.inner_text(".flash.success")

        # Search with "/".
        page.keyboard.press("/")
        page.keyboard.type("KOWALSKI")
        page.keyboard.press("Enter")
        page.wait_for_selector("table.items")
        page.click("button:has-text('Log out')")

        page.fill("input[name=username]", "sam")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('Log in')")
        page.goto(f"{base}/supervisor/")
        page.wait_for_selector("#chart-people")
        people = page.inner_text("table.prod >> nth=0")
        assert "Bea Lindqvist" in people
        row = page.locator("table.prod >> nth=0").locator("tr", has_text="Bea Lindqvist").inner_text()
        assert "\t1\t" in row and "$310.00" in row
        # Chart.js drew into the canvas (it sets the canvas' pixel size).
        assert page.evaluate("Chart.getChart('chart-people').data.datasets[0].data[0]") == 1
        page.screenshot(path=tmp_path / "supervisor.png", full_page=True)
        keep_screenshot(tmp_path / "supervisor.png")
        page.close()

    session.expire_all()
    assert session.get(WorkItem, urgent).status is Status.SNOOZED  # type: ignore[union-attr]
    assert session.get(WorkItem, second).status is Status.RESOLVED  # type: ignore[union-attr]


VALIDATION_REMITTANCE = [
    "GRANITE STATE MUTUAL                         EXPLANATION OF PAYMENT",
    "Paid To: SUMMIT HOME MEDICAL SUPPLY     Billing NPI: 1234567893",
    "Issue Date: 10/02/26    EFT Trace #: 9900112233    EFT Amount: $   80.00",
    "",
    "Patient Name: DOE, JANE   Member ID: GSM0042   Patient Acct #: 100001-1   Claim #: G26-0001",
    "DOS         Procedure  Modifier  Units  Billed Amount  Allowed Amount  Deductible  Coinsurance  Payment"
    "  Adjustments",
    "09/10/2026  E0601      RR NU        1         150.00          100.00        0.00        20.00    80.00"
    "  CO-45 50.00 PR2 20.00",
    "Claim Total: Billed Amount 150.00 Allowed Amount 100.00 Payment 80.00",
    "Total Paid 80.00",
]


def test_the_validation_view_outlines_a_field_where_it_was_read(
        app: Flask, session: Session, make_user: Callable[..., User], make_item: Callable[..., int],
        tmp_path: Path) -> None:
    # The real path: the extractor reads a remittance, the EOB robot cuts the claim out of it as its item carries
    # it (doubts and boxes by paths within the claim), a biller opens the item and clicks a field to check.
    from bots.robots.eob_posting import claim_view
    from extractors import extract
    from sandbox.documents import pdf

    document = tmp_path / "granite.pdf"
    document.write_bytes(pdf.text_pages([VALIDATION_REMITTANCE]))
    view = claim_view(extract(document), 0, ["claims.0.lines.0.paid"])  # as if the paid amount had been read in doubt
    box = view["fields"]["lines.0.paid"]["box"]
    make_user("cal", teams=[Team.CASH_POSTING], display_name="Cal Brooks")
    item_id = make_item(kind=Kind.POSTING_REVIEW, payer="GRANITE STATE MUTUAL", summary="Check the paid amount",
                        payload={"extracted": view})
    item = session.get(WorkItem, item_id)
    assert item is not None
    attachments.store(session, app.config["HME"].attachment_dir, item, __import__("io").BytesIO(document.read_bytes()),
                      filename="granite.pdf", label="document", max_bytes=10**6, actor_label="bot:test")

    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        log_in(page, base, "cal")
        page.goto(f"{base}/items/{item_id}")
        page.wait_for_function("document.querySelector('img.page') && document.querySelector('img.page').naturalWidth > 500")
        # The fields beside the document: each with its confidence, the doubtful one marked to check.
        paid = page.locator("tr[data-box]", has_text="line 1 · paid")
        assert "check" in paid.inner_text() and "review" in (paid.get_attribute("class") or "")
        assert "100%" in page.locator("tr[data-box]", has_text="line 1 · billed").inner_text()
        fields_box = page.locator("#fields").bounding_box()
        pane = page.locator(".evidence-card").bounding_box()
        assert fields_box and pane and pane["x"] > fields_box["x"] + fields_box["width"] - 5  # beside
        # Opened to check, the field to check is outlined at once; "j" steps through the fields to check.
        page.keyboard.press("j")
        page.wait_for_selector("#field-outline")
        mark = page.locator("#field-outline").bounding_box()
        image_box = page.locator(".page-wrap img.page").first.bounding_box()
        assert mark and image_box
        centre_x = (mark["x"] + mark["width"] / 2 - image_box["x"]) / image_box["width"]
        centre_y = (mark["y"] + mark["height"] / 2 - image_box["y"]) / image_box["height"]
        assert abs(centre_x - (box[0] + box[2]) / 2) < 0.01 and abs(centre_y - (box[1] + box[3]) / 2) < 0.01
        assert "chosen" in (paid.get_attribute("class") or "")
        # A click on another field moves the outline there.
        page.locator("tr[data-box]", has_text="patient name").click()
        moved = page.locator("#field-outline").bounding_box()
        assert moved and abs(moved["y"] - mark["y"]) > 5
        page.screenshot(path=tmp_path / "validation.png", full_page=False)
        keep_screenshot(tmp_path / "validation.png")

        # Correct and hand back: the biller takes the item, types the amount the page prints, hands it back.
        page.click("#take")
        field = page.locator("input[name='field:lines.0.paid']")
        assert field.input_value() == "80.00"
        field.fill("80.00")
        page.keyboard.press("Escape")
        page.screenshot(path=tmp_path / "hand-back.png", full_page=False)
        keep_screenshot(tmp_path / "hand-back.png")
        page.click("#hand-back")
        page.wait_for_selector(".flash, .flashes, [role=status]")
        assert "handed back" in page.inner_text("main")
        session.expire_all()
        done = session.get(WorkItem, item_id)
        assert done is not None and done.outcome == "corrected_handed_back"


def _cmn_with_problems(tmp_path: Path) -> tuple[bytes, str, dict]:
    """A faxed CMN from a small sandbox world that the rules find problems with, as the extractor reads it."""
    import json

    from extractors import extract
    from sandbox import serve
    from sandbox.documents import forms
    from sandbox.world.store import Store

    serve.reset(tmp_path / "world", seed=21, claims=150, today=dt.date(2026, 11, 20))
    store = Store(serve.store_path(tmp_path / "world"))
    for doc in store.all("SELECT * FROM documents WHERE doc_type = 'cmn' AND valid = 0 ORDER BY id"):
        # Printed on the CMS-484's own form: the screen is under test here, not a held-out office's print.
        data, content_type = forms.render(dict(doc), json.loads(doc["fields"]), family="office")
        path = tmp_path / f"cmn-{doc['id']}.{'tif' if content_type == 'image/tiff' else 'pdf'}"
        path.write_bytes(data)
        read = extract(path).model_dump(mode="json")
        if read["problems"] and read["fields"]:
            return data, path.name, read
    raise AssertionError("the world holds no CMN the rules find problems with")


def test_each_kind_of_item_is_worked_on_one_screen(
        app: Flask, session: Session, make_user: Callable[..., User], make_item: Callable[..., int],
        tmp_path: Path) -> None:
    """Issue 31: an unbalanced remittance explained in numbers, a CMN with its problems in words beside the fields
    they concern, a denial with its codes in words; each at 1400x1000 with the document beside its fields, the
    page at most two screens tall."""
    from bots.robots.eob_posting import claim_view
    from extractors.remittance.balance import explain
    from extractors import extract
    from sandbox.documents import pdf

    make_user("rio", teams=[Team.CASH_POSTING, Team.DOCUMENTATION, Team.DENIALS], display_name="Rio Vance")
    store = app.config["HME"].attachment_dir

    def attach(item_id: int, data: bytes, name: str) -> None:
        item = session.get(WorkItem, item_id)
        assert item is not None
        attachments.store(session, store, item, __import__("io").BytesIO(data), filename=name, label="document",
                          max_bytes=10**7, actor_label="bot:test")

    # An unbalanced remittance: the check printed 85.00 where its claims paid 80.00.
    misprinted = [line.replace("$   80.00", "$   85.00") for line in VALIDATION_REMITTANCE]
    (tmp_path / "misprinted.pdf").write_bytes(pdf.text_pages([misprinted]))
    remit = extract(tmp_path / "misprinted.pdf")
    assert remit.balanced is False
    unbalanced = make_item(kind=Kind.UNBALANCED_REMITTANCE, summary="Remittance 9900112233 does not balance",
                           payload={"findings": [*explain(remit), *remit.problems],
                                    "extracted": remit.model_dump(mode="json")})
    attach(unbalanced, (tmp_path / "misprinted.pdf").read_bytes(), "EOB-9900112233.pdf")
    # A CMN the rules find problems with.
    fax, fax_name, cmn = _cmn_with_problems(tmp_path)
    cmn_item = make_item(kind=Kind.CMN_INVALID, summary="CMS-484 is not valid", payload={"extracted": cmn})
    attach(cmn_item, fax, fax_name)
    # A denial: the line denied CO-16 with remark MA130.
    denied = [VALIDATION_REMITTANCE[0], VALIDATION_REMITTANCE[1],
              VALIDATION_REMITTANCE[2].replace("$   80.00", "$    0.00"), *VALIDATION_REMITTANCE[3:6],
              "09/10/2026  E0601      RR NU        1         150.00            0.00        0.00         0.00     0.00"
              "  CO-16 150.00", "Remark Codes: MA130",
              "Claim Total: Billed Amount 150.00 Allowed Amount 0.00 Payment 0.00", "Total Paid 0.00"]
    (tmp_path / "denied.pdf").write_bytes(pdf.text_pages([denied]))
    denial_remit = extract(tmp_path / "denied.pdf")
    assert denial_remit.balanced is True
    denial = make_item(kind=Kind.DENIAL, summary="Denied CO-16", reason_codes=["CO-16", "MA130"],
                       payload={"extracted": claim_view(denial_remit, 0, [])})
    attach(denial, (tmp_path / "denied.pdf").read_bytes(), "EOB-denied.pdf")

    with live_server(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, base, "rio")
        expected = {
            unbalanced: ["Check amount 85.00; the claims' payments 80.00 less provider adjustments 0.00 come to "
                         "80.00 (5.00 apart)"],
            cmn_item: [f"{code} (" for code in cmn["problems"]],
            denial: ["CO-16 (lacks information or billing error; unprocessable)",
                     "MA130 (incomplete or invalid claim; no appeal rights, resubmit)"],
        }
        for item_id, texts in expected.items():
            page.goto(f"{base}/items/{item_id}")
            page.wait_for_function("document.querySelector('img.page') && "
                                   "document.querySelector('img.page').naturalWidth > 500")
            main = page.inner_text("main")
            for text in texts:
                assert text in main, (item_id, text)
            fields_box = page.locator("#fields").bounding_box()
            pane = page.locator(".evidence-card").bounding_box()
            assert fields_box and pane and pane["x"] > fields_box["x"] + fields_box["width"] - 5, item_id  # beside
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height <= 2000, (item_id, height)
            shot = tmp_path / f"item-{Kind(session.get(WorkItem, item_id).kind).value}.png"  # type: ignore[union-attr]
            page.screenshot(path=shot, full_page=False)
            keep_screenshot(shot)
        # The CMN's problems stand beside the fields they concern (those about a field the form has).
        page.goto(f"{base}/items/{cmn_item}")
        placed = " ".join(page.locator("tr.problem-row").all_inner_texts())
        concerned = [code for code in cmn["problems"] if code not in ("MISSING_HCPCS", "NO_DOCUMENT")]
        assert all(code in placed for code in concerned), (cmn["problems"], placed)
