"""The bots' API: auth, idempotent and batch creation, attachments, reads, and bad input on every route."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from typing import Any, Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import samples
from hme_rpa.config import Config
from queue_server import create_app, db as app_db
from queue_server.models import ApiToken, AuditEntry, EventType, ItemEvent, WorkItem
from queue_server.services import auth


def item_body(**fields: Any) -> dict[str, Any]:
    body = {"idempotency_key": "claim-status:C1001:2026-11-21", "kind": "denial", "payer": "NORTHERN PLAINS DME MAC",
            "payer_type": "medicare", "claim_number": "C1001", "account_number": "169726-4",
            "patient_name": "KOWALSKI, BARBARA", "balance": "662.42", "service_date_from": "2026-01-26",
            "remittance_date": "2026-02-15", "reason_codes": ["CO-50"],
            "payload": {"findings": ["Denied CO-50"]}}
    body.update(fields)
    return body


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def count(session: Session, model: Any = WorkItem) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_create_one_item_then_the_same_key_returns_it(client: FlaskClient, bot_token: str, session: Session) -> None:
    first = client.post("/api/v1/items", json=item_body(), headers=headers(bot_token))
    assert first.status_code == 201, first.json
    assert first.json["created"] is True and first.json["status"] == "open"
    again = client.post("/api/v1/items", json=item_body(balance="1.00"), headers=headers(bot_token))
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"] and again.json["created"] is False
    assert count(session) == 1
    row = session.get(WorkItem, first.json["id"])
    assert row is not None and str(row.balance) == "662.42"
    # Deadline from the rules: remittance 2026-02-15 + 5 + 120 days.
    assert row.deadline is not None and row.deadline.isoformat() == "2026-06-20"
    assert session.scalar(select(func.count()).select_from(ItemEvent).where(
        ItemEvent.item_id == row.id, ItemEvent.type == EventType.CREATED)) == 1


def test_the_sla_skips_the_days_the_supplier_is_closed(config: Config, bot_token: str, session: Session) -> None:
    # HME_CLOSED_DAYS: the supplier is shut for the next three weeks (inventory, say). A denial's two business
    # days start counting on the first working day after that, on the supplier's clock.
    today = dt.datetime.now(config.tz).date()
    shut = [today + dt.timedelta(days=n) for n in range(1, 22)]
    closed = replace(config, closed_days=",".join(d.isoformat() for d in shut))
    app = create_app(closed)
    try:
        resp = app.test_client().post("/api/v1/items", json=item_body(), headers=headers(bot_token))
        assert resp.status_code == 201, resp.json
    finally:
        app_db.dispose()
    row = session.get(WorkItem, resp.json["id"])
    assert row is not None
    due = row.sla_due.astimezone(config.tz).date()
    assert due > shut[-1] and due.weekday() < 5
    assert due == closed.business_calendar.add_days(shut[-1], 2)


def test_a_batch_of_1000_is_created_in_one_request(client: FlaskClient, bot_token: str, session: Session) -> None:
    items = [item_body(idempotency_key=f"k{n}", claim_number=f"C{n}") for n in range(1000)]
    resp = client.post("/api/v1/items", json={"items": items}, headers=headers(bot_token))
    assert resp.status_code == 200, resp.json
    assert resp.json["created"] == 1000 and resp.json["existing"] == 0
    assert [r["idempotency_key"] for r in resp.json["results"]] == [f"k{n}" for n in range(1000)]
    # The same batch again, with one new key and a key repeated inside the batch.
    items2 = items[:10] + [item_body(idempotency_key="new"), item_body(idempotency_key="new")]
    resp2 = client.post("/api/v1/items", json={"items": items2}, headers=headers(bot_token))
    assert resp2.json["created"] == 1 and resp2.json["existing"] == 11
    assert resp2.json["results"][10]["id"] == resp2.json["results"][11]["id"]
    assert count(session) == 1001


def test_a_batch_stores_every_field_as_sent(client: FlaskClient, bot_token: str, session: Session) -> None:
    """PostgreSQL writes a batch as one JSON document unpacked by the server: every type must come back exact."""
    wide = item_body(idempotency_key="wide", team="ar", source="eob-posting", summary="Łukasz's \"denial\" \\ 100%",
                     payer_claim_number="ICN 42", patient_name="Ñúñez, José", balance="-1234567890.05",
                     service_date_to="2026-02-01", deadline="2027-01-02", reason_codes=["CO-16", "MA130"],
                     payload={"findings": ["a\nb"], "nested": {"list": [1, 2.5, None, True], "emoji": "🩺"}})
    bare = {"idempotency_key": "bare", "kind": "portal_failure"}
    resp = client.post("/api/v1/items", json={"items": [wide, bare]}, headers=headers(bot_token))
    assert resp.status_code == 200, resp.json
    row = session.get(WorkItem, resp.json["results"][0]["id"])
    assert row is not None
    assert (row.team.value, row.source, row.summary, row.payer_claim_number) == (
        "ar", "eob-posting", wide["summary"], "ICN 42")
    assert (row.patient_name, row.patient_name_lower) == ("Ñúñez, José", "ñúñez, josé")
    assert str(row.balance) == "-1234567890.05"
    assert (str(row.service_date_from), str(row.service_date_to), str(row.deadline)) == (
        "2026-01-26", "2026-02-01", "2027-01-02")
    assert row.deadline_rule == "given by the robot" and row.reason_codes == ["CO-16", "MA130"]
    assert row.payload == wide["payload"] and row.sla_due > row.created_at
    empty = session.get(WorkItem, resp.json["results"][1]["id"])
    assert empty is not None
    assert (empty.payer, empty.claim_number, empty.service_date_from, empty.payload, empty.reason_codes) == (
        None, None, None, {}, [])
    events = session.execute(select(ItemEvent.item_id, ItemEvent.actor_label, ItemEvent.data)
                             .where(ItemEvent.type == EventType.CREATED).order_by(ItemEvent.id)).all()
    assert [(e.item_id, e.data["source"]) for e in events] == [(row.id, "eob-posting"), (empty.id, "api")]
    assert {e.actor_label for e in events} == {f"bot:{session.scalars(select(ApiToken.name)).one()}"}


def test_a_batch_with_one_bad_item_saves_nothing(client: FlaskClient, bot_token: str, session: Session) -> None:
    items = [item_body(idempotency_key=f"k{n}") for n in range(5)] + [item_body(idempotency_key="bad", kind="nope")]
    resp = client.post("/api/v1/items", json={"items": items}, headers=headers(bot_token))
    assert resp.status_code == 422
    assert resp.json["error"]["details"][0]["loc"][:3] == ["items", 5, "kind"]
    assert count(session) == 0


def test_too_large_a_batch_is_refused(client: FlaskClient, bot_token: str, session: Session, config: Config) -> None:
    items = [item_body(idempotency_key=f"k{n}") for n in range(config.max_batch_items + 1)]
    resp = client.post("/api/v1/items", json={"items": items}, headers=headers(bot_token))
    assert resp.status_code == 413 and resp.json["error"]["code"] == "batch_too_large"
    assert count(session) == 0


@pytest.mark.parametrize("body, where", [
    ({"kind": "denial"}, "idempotency_key"),
    (item_body(balance="12.345"), "balance"),
    (item_body(balance="lots"), "balance"),
    (item_body(service_date_from="2026-13-01"), "service_date_from"),
    (item_body(unexpected="x"), "unexpected"),
    (item_body(team="marketing"), "team"),
    (item_body(reason_codes="CO-50"), "reason_codes"),
    (item_body(service_date_to="2026-01-01"), None),
    ({"items": []}, "items"),
    ([1, 2], None),
])
def test_invalid_items_get_a_422_naming_the_field(client: FlaskClient, bot_token: str, session: Session,
                                                  body: Any, where: str | None) -> None:
    resp = client.post("/api/v1/items", json=body, headers=headers(bot_token))
    assert resp.status_code == 422, resp.json
    error = resp.json["error"]
    assert error["code"] == "validation_error" and "nothing was saved" in error["message"]
    if where:
        assert any(where in d["loc"] for d in error["details"]), error
    assert count(session) == 0


def test_body_that_is_not_json(client: FlaskClient, bot_token: str) -> None:
    resp = client.post("/api/v1/items", data="{not json", content_type="application/json", headers=headers(bot_token))
    assert resp.status_code == 400 and resp.json["error"]["code"] == "bad_json"
    resp = client.post("/api/v1/items", data="kind=denial", headers=headers(bot_token),
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415


@pytest.mark.parametrize("method, path", [
    ("post", "/api/v1/items"), ("get", "/api/v1/items/1"), ("get", "/api/v1/items?idempotency_key=x"),
    ("post", "/api/v1/items/1/attachments"), ("post", "/api/v1/items/1/reopen"),
])
def test_every_route_needs_a_valid_bot_token(client: FlaskClient, session: Session, method: str, path: str) -> None:
    call = getattr(client, method)
    assert call(path).status_code == 401
    assert call(path, headers={"Authorization": "Bearer hme_wrong"}).json["error"]["code"] == "unauthorized"
    assert call(path, headers={"Authorization": "Basic abc"}).status_code == 401
    token = auth.create_token(session, "revoked-bot")
    auth.revoke_token(session, "revoked-bot")
    assert call(path, headers=headers(token)).status_code == 401
    other = auth.create_token(session, "reporting", scope="read")
    assert call(path, headers=headers(other)).status_code == 403


def test_tokens_are_stored_hashed(session: Session, bot_token: str) -> None:
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert bot_token not in stored and all(len(h) == 64 for h in stored)


def test_read_an_item_and_find_it_by_key(client: FlaskClient, bot_token: str, session: Session) -> None:
    created = client.post("/api/v1/items", json=item_body(), headers=headers(bot_token)).json
    got = client.get(f"/api/v1/items/{created['id']}", headers=headers(bot_token))
    assert got.status_code == 200 and got.json["status"] == "open" and got.json["balance"] == "662.42"
    found = client.get("/api/v1/items", query_string={"idempotency_key": item_body()["idempotency_key"]},
                       headers=headers(bot_token))
    assert found.json["id"] == created["id"]
    assert client.get("/api/v1/items/999999", headers=headers(bot_token)).status_code == 404
    assert client.get("/api/v1/items", headers=headers(bot_token)).status_code == 422
    assert client.get("/api/v1/items?idempotency_key=none", headers=headers(bot_token)).status_code == 404
    # A key no item can have (NUL: PostgreSQL refuses it in a query): no such item, not a server error.
    assert client.get("/api/v1/items?idempotency_key=a%00b", headers=headers(bot_token)).status_code == 404
    views = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "api_view", AuditEntry.item_id == created["id"]))
    assert views == 2


def test_attachments_are_type_checked_size_limited_and_stored_by_hash(
        app: Any, client: FlaskClient, bot_token: str, session: Session, config: Config) -> None:
    item_id = client.post("/api/v1/items", json=item_body(), headers=headers(bot_token)).json["id"]
    pdf = samples.text_pdf(["page one"])
    url = f"/api/v1/items/{item_id}/attachments"
    ok = client.post(url, data={"file": (io.BytesIO(pdf), "../../etc/remit.pdf"), "label": "pdf_page"},
                     headers=headers(bot_token))
    assert ok.status_code == 201, ok.json
    assert ok.json["content_type"] == "application/pdf" and ok.json["filename"] == "remit.pdf"
    stored = config.attachment_dir / ok.json["sha256"][:2] / ok.json["sha256"]
    assert stored.read_bytes() == pdf
    # Same bytes again: one file on disk, two records.
    client.post(url, data={"file": (io.BytesIO(pdf), "again.pdf")}, headers=headers(bot_token))
    assert len(list(config.attachment_dir.rglob("*"))) == 2  # the two-letter folder and the file
    png = client.post(url, data={"file": (io.BytesIO(samples.png()), "shot.png"), "label": "screenshot"},
                      headers=headers(bot_token))
    assert png.json["content_type"] == "image/png"

    exe = client.post(url, data={"file": (io.BytesIO(b"MZ\x90\x00 windows program"), "x.pdf")},
                      headers=headers(bot_token))
    assert exe.status_code == 422 and exe.json["error"]["code"] == "attachment_rejected"
    empty = client.post(url, data={"file": (io.BytesIO(b""), "x.pdf")}, headers=headers(bot_token))
    assert empty.status_code == 422
    label = client.post(url, data={"file": (io.BytesIO(pdf), "x.pdf"), "label": "selfie"}, headers=headers(bot_token))
    assert label.status_code == 422
    missing = client.post(url, data={"other": (io.BytesIO(pdf), "x.pdf")}, headers=headers(bot_token))
    assert missing.status_code == 422
    as_json = client.post(url, json={"file": "x"}, headers=headers(bot_token))
    assert as_json.status_code == 415
    nowhere = client.post("/api/v1/items/999999/attachments", data={"file": (io.BytesIO(pdf), "x.pdf")},
                          headers=headers(bot_token))
    assert nowhere.status_code == 404
    assert len(session.get(WorkItem, item_id).attachments) == 3  # type: ignore[union-attr]


def test_attachment_over_the_size_limit_is_refused(database_url: str, tmp_path: Any, session: Session) -> None:
    from helpers import make_config
    from queue_server import create_app, db

    app = create_app(make_config(database_url, tmp_path / "small", max_attachment_bytes=1024))
    try:
        client = app.test_client()
        token = auth.create_token(session, "small-bot")
        item_id = client.post("/api/v1/items", json=item_body(), headers=headers(token)).json["id"]
        big = b"%PDF-1.4\n" + b"0" * 4096
        resp = client.post(f"/api/v1/items/{item_id}/attachments", data={"file": (io.BytesIO(big), "big.pdf")},
                           headers=headers(token))
        assert resp.status_code == 422 and "limited" in resp.json["error"]["message"]
        assert not any(p.is_file() for p in (tmp_path / "small").rglob("*"))
    finally:
        db.dispose()


def test_a_bot_reopens_a_resolution_that_did_not_hold(
        client: FlaskClient, bot_token: str, session: Session, make_user: Callable[..., Any]) -> None:
    from queue_server.services import queue
    import datetime as dt

    item_id = client.post("/api/v1/items", json=item_body(), headers=headers(bot_token)).json["id"]
    url = f"/api/v1/items/{item_id}/reopen"
    assert client.post(url, json={"reason": "denied again"}, headers=headers(bot_token)).status_code == 409
    biller = make_user()
    queue.claim_next(session, biller, lease=dt.timedelta(minutes=5))
    queue.resolve(session, session.get(WorkItem, item_id), biller, "appealed")  # type: ignore[arg-type]
    assert client.post(url, json={}, headers=headers(bot_token)).status_code == 422
    assert client.post(url, json={"reason": "x", "extra": 1}, headers=headers(bot_token)).status_code == 422
    assert client.post(url, data="x", headers=headers(bot_token)).status_code == 415
    resp = client.post(url, json={"reason": "Claim status still DENIED CO-50"}, headers=headers(bot_token))
    assert resp.status_code == 200 and resp.json["status"] == "open" and resp.json["reopen_count"] == 1
    assert client.post("/api/v1/items/999999/reopen", json={"reason": "x"}, headers=headers(bot_token)).status_code == 404


def test_openapi_document_describes_every_route(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    assert {"/items", "/items/{item_id}", "/items/{item_id}/attachments", "/items/{item_id}/reopen"} <= set(doc["paths"])
    assert "ItemIn" in doc["components"]["schemas"]
    assert "kind" in doc["components"]["schemas"]["ItemIn"]["required"]
    json.dumps(doc)
    assert client.get("/api/v1/health").json == {"status": "ok"}
