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

from browser import chromium, keep_screenshot, live_server
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
        page.goto(f"{base}/")
        page.fill("input[name=username]", "bea")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('Log in')")
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
