"""A form entered in one round trip ends up as typing and clicking would leave it, or fails by name."""

from __future__ import annotations

import asyncio

import pytest

from bots.errors import ElementMissing
from bots.portals.base import fill_form
from bots.runtime.browser import launch
from browser import require_chromium

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
