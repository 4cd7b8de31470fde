"""A biller corrects a value the robot read in doubt and hands the item back; the robot's report closes the loop."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpers import login, make_config, post_form
from hme_rpa.config import Config
from queue_server.domain.kinds import Kind, Status, Team
from queue_server.models import Correction, CorrectionState, EventType, ItemEvent, User, WorkItem

CLAIM_VIEW: dict[str, Any] = {
    "patient_name": "DOE, JANE", "account_number": "100001-1", "billed": "150.00", "paid": "30.00",
    "lines": [{"service_date": "2026-09-10", "procedure": "E0601", "modifiers": ["RR"], "units": 1, "billed": "150.00",
               "paid": "30.00", "adjustments": [{"group": "CO", "reason": "45", "amount": "50.00"}], "remarks": []}],
    "review": ["lines.0.paid", "paid"],
    "fields": {"lines.0.paid": {"page": 1, "box": [0.6, 0.3, 0.65, 0.32], "confidence": 0.41}},
}


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> Config:
    return make_config(database_url, tmp_path / "data", billing_claim_url="https://medibill.example/claims/{claim_number}")


def _item(make_item: Callable[..., int]) -> int:
    return make_item(kind=Kind.POSTING_REVIEW, payer="Medicare", balance=Decimal("30.00"),
                     idempotency_key="posting_review:555:C1", payload={"extracted": CLAIM_VIEW, "check": "555"})


def _taken_by_cal(client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int]) -> int:
    """A posting-review item, taken by a cash poster who is logged in."""
    make_user("cal", teams=[Team.CASH_POSTING])
    item_id = _item(make_item)
    login(client, "cal")
    post_form(client, f"/items/{item_id}/take")
    return item_id


def _events(session: Session, item_id: int, type_: EventType) -> list[ItemEvent]:
    session.expire_all()
    return list(session.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id, ItemEvent.type == type_)))


def test_a_biller_corrects_a_misread_amount_and_the_robot_reports_it_held(
        client: FlaskClient, session: Session, make_user: Callable[..., User], make_item: Callable[..., int],
        bot_token: str) -> None:
    item_id = _taken_by_cal(client, make_user, make_item)
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    # Each field in doubt is an input holding what was read; the form hands them back.
    assert 'name="field:lines.0.paid"' in page and 'value="30.00"' in page and "Correct and hand back" in page
    assert "corrected_handed_back" not in page.split('id="outcome"')[1].split("</select>")[0]  # not a plain outcome

    bad = post_form(client, f"/items/{item_id}/correct", {"field:lines.0.paid": "eighty"}, follow_redirects=True)
    assert "is not a valid paid" in bad.get_data(as_text=True)
    session.expire_all()
    assert session.get(WorkItem, item_id).status is not Status.RESOLVED  # type: ignore[union-attr]
    assert session.scalar(select(Correction)) is None  # nothing half-saved

    post_form(client, f"/items/{item_id}/correct", {"field:lines.0.paid": "80.00", "field:paid": "80"})
    session.expire_all()
    item = session.get(WorkItem, item_id)
    assert item is not None and item.status is Status.RESOLVED and item.outcome == "corrected_handed_back"
    [event] = _events(session, item_id, EventType.CORRECTED)
    assert event.data["fields"] == {"lines.0.paid": ["30.00", "80.00"], "paid": ["30.00", "80.00"]}
    assert "30.00 → <strong>80.00</strong>" in client.get(f"/items/{item_id}").get_data(as_text=True)

    # The robot asks for what was handed back: the claim with the corrected values, doubts lifted.
    headers = {"Authorization": f"Bearer {bot_token}"}
    listed = client.get("/api/v1/corrections?kind=posting_review", headers=headers).json["corrections"]
    [correction] = listed
    assert correction["check"] == "555" and correction["idempotency_key"] == "posting_review:555:C1"
    assert correction["extracted"]["lines"][0]["paid"] == "80.00" and correction["extracted"]["review"] == []
    assert correction["corrected_by"] == "cal" and correction["state"] == "pending"

    done = client.post(f"/api/v1/corrections/{correction['id']}", headers=headers,
                       json={"held": True, "detail": "posted to claim C1 and read back"})
    assert done.status_code == 200 and done.json["state"] == "held"
    assert client.post(f"/api/v1/corrections/{correction['id']}", headers=headers,
                       json={"held": True}).status_code == 200  # a retried report changes nothing
    assert client.post(f"/api/v1/corrections/{correction['id']}", headers=headers,
                       json={"held": False}).status_code == 409
    assert client.get("/api/v1/corrections?kind=posting_review", headers=headers).json["corrections"] == []
    [applied] = _events(session, item_id, EventType.ROBOT_APPLIED)
    assert applied.data["held"] is True and applied.actor_label.startswith("bot:")


def test_a_correction_that_did_not_hold_reopens_the_item_with_the_robots_reason(
        client: FlaskClient, session: Session, make_user: Callable[..., User], make_item: Callable[..., int],
        bot_token: str) -> None:
    item_id = _taken_by_cal(client, make_user, make_item)
    post_form(client, f"/items/{item_id}/correct", {"field:lines.0.paid": "30.00"})  # confirmed as read
    session.expire_all()
    [correction] = session.scalars(select(Correction)).all()
    assert correction.values == {} and correction.state is CorrectionState.PENDING
    headers = {"Authorization": f"Bearer {bot_token}"}
    answer = client.post(f"/api/v1/corrections/{correction.id}", headers=headers,
                         json={"held": False, "detail": "After posting, the balance is 20.00, expected 0.00"})
    assert answer.status_code == 200 and answer.json["state"] == "failed"
    session.expire_all()
    item = session.get(WorkItem, item_id)
    assert item is not None and item.status is Status.OPEN and item.reopen_count == 1
    [reopened] = _events(session, item_id, EventType.REOPENED)
    assert "balance is 20.00" in reopened.data["reason"]


def test_corrections_are_asked_for_a_kind_and_reported_by_id_only(client: FlaskClient, bot_token: str) -> None:
    headers = {"Authorization": f"Bearer {bot_token}"}
    assert client.get("/api/v1/corrections?kind=denial", headers=headers).status_code == 422
    assert client.get("/api/v1/corrections?kind=posting_review&limit=0", headers=headers).status_code == 422
    assert client.post("/api/v1/corrections/99", headers=headers, json={"held": True}).status_code == 404
    assert client.post("/api/v1/corrections/99", headers=headers, json={"held": "yes"}).status_code == 422


def test_the_item_shows_its_claims_lines_with_the_codes_in_words_and_links_the_billing_systems_claim(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    make_user("cal", teams=[Team.CASH_POSTING])
    item_id = make_item(kind=Kind.POSTING_REVIEW, claim_number="C000123", payload={"extracted": {
        **CLAIM_VIEW, "lines": [{**CLAIM_VIEW["lines"][0], "remarks": ["N290"]}]}})
    login(client, "cal")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    lines = page.split("Lines as the remittance printed them")[1].split("</table>")[0]
    assert "E0601 RR" in lines and "CO-45 (charge exceeds the fee schedule)" in lines and ">50.00<" in lines
    assert "N290 (missing or invalid rendering provider identifier)" in lines
    assert 'href="https://medibill.example/claims/C000123"' in page


def test_a_cmn_read_in_doubt_is_corrected_and_handed_back_to_the_cmn_robot(
        client: FlaskClient, session: Session, make_user: Callable[..., User], make_item: Callable[..., int],
        bot_token: str) -> None:
    make_user("dee", teams=[Team.DOCUMENTATION])
    cmn = {"document_type": "cmn", "form": "CMS-484", "patient": {"name": "THOMPSON, PAUL", "mbi": "5FV7XF8GKO6"},
           "hcpcs": ["E1390"], "icd10": ["J43.9"], "test": {"pao2_mmhg": 52, "sao2_percent": None},
           "signature_present": True, "valid": False, "problems": [], "review": ["patient.mbi", "valid", "problems"]}
    item_id = make_item(kind=Kind.CMN_NEEDS_REVIEW, payload={"extracted": cmn, "order": "ORD-9", "hcpcs": "E1390"})
    login(client, "dee")
    post_form(client, f"/items/{item_id}/take")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert 'name="field:patient.mbi"' in page and 'name="field:valid"' not in page  # a verdict is not typed in
    refused = post_form(client, f"/items/{item_id}/correct", {"field:valid": "yes"}, follow_redirects=True)
    assert "verdict, drawn again from the values" in refused.get_data(as_text=True)
    bad = post_form(client, f"/items/{item_id}/correct", {"field:patient.mbi": "5FV7XF8GK"}, follow_redirects=True)
    assert "is not a valid mbi" in bad.get_data(as_text=True)
    post_form(client, f"/items/{item_id}/correct", {"field:patient.mbi": "5fv7-xf8-gk06"})
    headers = {"Authorization": f"Bearer {bot_token}"}
    [correction] = client.get("/api/v1/corrections?kind=cmn_needs_review", headers=headers).json["corrections"]
    assert correction["order"] == "ORD-9" and correction["extracted"]["patient"]["mbi"] == "5FV7XF8GK06"
    assert correction["values"] == {"patient.mbi": {"read": "5FV7XF8GKO6", "corrected": "5FV7XF8GK06"}}


def test_a_claim_status_code_among_the_robots_facts_comes_with_its_words(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int]) -> None:
    make_user("ada", teams=[Team.DENIALS, Team.AR, Team.BILLING])
    item_id = make_item(kind=Kind.CLAIM_REVIEW, payload={"findings": ["bluriver portal: F4 Processed - No Payment"],
                                                         "status_code": "F4"})
    login(client, "ada")
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "status code" in page and "F4 (finalized: adjudicated, no payment forthcoming)" in page
