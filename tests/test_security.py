"""The queue server under attack and careless bots: sessions, lock-out, redirects, exports, ids, batches, tokens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from pathlib import Path
from typing import Any, Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpers import PASSWORD, csrf_from, login, make_config
from hme_rpa.config import Config
from queue_server import create_app, db as app_db
from queue_server.domain.kinds import Team
from queue_server.db import make_engine
from queue_server.models import LoginAttempt, Role, User, WorkItem
from queue_server.services import auth
from argon2 import PasswordHasher

def _logout(client: FlaskClient) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_session_cookie_kept_after_log_out_opens_nothing(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("bea")
    assert login(client, "bea").status_code == 302
    cookie = client.get_cookie("hme_session")
    assert cookie is not None and client.get("/").status_code == 200
    _logout(client)
    # An attacker replays the cookie the browser held before logging out.
    client.set_cookie("hme_session", cookie.value)
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_session_cookie_is_set_at_log_in_not_signed_again_on_every_click(
        client: FlaskClient, make_user: Callable[..., User]) -> None:
    # The server holds the session and its expiry; re-signing the cookie on each response cost every click.
    make_user("pat")
    assert "hme_session=" in (login(client, "pat").headers.get("Set-Cookie") or "")
    client.get("/")  # the first page may add the form token to the session
    again = client.get("/")
    assert again.status_code == 200 and again.headers.get("Set-Cookie") is None


def test_a_password_change_ends_every_session(client: FlaskClient, app: Flask, make_user: Callable[..., User],
                                              session: Session, config: Config) -> None:
    user = make_user("bea")
    other = app.test_client()
    login(client, "bea")
    login(other, "bea")
    auth.set_password(session, config, session.get(User, user.id), "a brand new passphrase")  # type: ignore[arg-type]
    for c in (client, other):
        assert c.get("/").status_code == 302


def test_the_cookie_carries_nothing_of_the_password_hash(client: FlaskClient, make_user: Callable[..., User],
                                                         app: Flask) -> None:
    user = make_user("bea")
    login(client, "bea")
    cookie = client.get_cookie("hme_session")
    assert cookie is not None
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
    assert set(data) <= {"sid", "_permanent", "csrf_token", "_flashes"}
    assert user.password_hash[-16:] not in cookie.value


@pytest.mark.postgres
def test_wrong_passwords_at_once_get_no_more_checks_than_the_limit(pg_url: str, tmp_path: Path) -> None:
    # 40 wrong log-ins for one user at once (threads, each its own connection, as gunicorn's workers would).
    config = make_config(pg_url, tmp_path / "data")
    app = create_app(config)
    engine = make_engine(pg_url)
    try:
        with Session(engine) as s:
            auth.create_user(s, config, username="bea", password=PASSWORD, role=Role.BILLER, teams=[Team.DENIALS])
        checks: list[int] = []
        real_verify = PasswordHasher.verify

        def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
            checks.append(1)
            return real_verify(self, *args, **kwargs)

        def attempt() -> None:
            with Session(engine) as s:
                auth.authenticate(s, config, "bea", "wrong password!", "10.0.0.9")

        PasswordHasher.verify = counting  # type: ignore[method-assign]
        try:
            threads = [threading.Thread(target=attempt) for _ in range(40)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            PasswordHasher.verify = real_verify  # type: ignore[method-assign]
        assert len(checks) <= config.login_max_failures, len(checks)
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 40
    finally:
        engine.dispose()
        app_db.dispose()


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "//evil.example",
                                    "/\r\nSet-Cookie: x=1", "https://evil.example/", "/ /evil.example"])
def test_next_is_only_ever_a_path_on_this_site(client: FlaskClient, make_user: Callable[..., User],
                                               target: str) -> None:
    make_user("bea")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "bea", "password": PASSWORD, "csrf_token": token, "next": target})
    assert resp.status_code == 302 and resp.headers["Location"] == "/", resp.headers.get("Location")
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/"


def test_a_good_next_still_works(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("bea")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "bea", "password": PASSWORD, "csrf_token": token,
                                       "next": "/?kind=denial&page=2"})
    assert resp.headers["Location"] == "/?kind=denial&page=2"


def test_an_expired_token_is_refused_and_a_team_token_sees_only_its_teams(client: FlaskClient, session: Session) -> None:
    old = auth.create_token(session, "old-bot", days=1, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2))
    resp = client.get("/api/v1/items?idempotency_key=x", headers={"Authorization": f"Bearer {old}"})
    assert resp.status_code == 401
    everyone = auth.create_token(session, "all-bot")
    cash = auth.create_token(session, "cash-bot", teams=[Team.CASH_POSTING])
    body = {"idempotency_key": "denial:C1", "kind": "denial", "summary": "Denied", "payload": {}}
    created = client.post("/api/v1/items", json=body, headers={"Authorization": f"Bearer {everyone}"})
    assert created.status_code == 201, created.json
    # The denials team's item is not there for the cash-posting bot, by id or by key; nor may it file one.
    assert client.get(f"/api/v1/items/{created.json['id']}", headers={"Authorization": f"Bearer {cash}"}).status_code == 404
    assert client.get("/api/v1/items?idempotency_key=denial:C1",
                      headers={"Authorization": f"Bearer {cash}"}).status_code == 404
    refused = client.post("/api/v1/items", json={**body, "idempotency_key": "denial:C2"},
                          headers={"Authorization": f"Bearer {cash}"})
    assert refused.status_code == 403
    assert session.scalar(select(func.count()).select_from(WorkItem)) == 1


def test_csv_exports_write_formulas_as_text(client: FlaskClient, make_user: Callable[..., User],
                                           make_item: Callable[..., int]) -> None:
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    # A claim number a careless bot (or an attacker) sent as a formula; due tomorrow, so it is at risk.
    make_item(claim_number="=HYPERLINK(\"http://evil.example\")", payer="@SUM(A1)", account_number="-2+3",
              remittance_date=dt.date.today() - dt.timedelta(days=124))
    login(client, "sam")
    body = client.get("/supervisor/at-risk.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows, body
    row = rows[0]
    assert row["claim_number"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["payer"] == "'@SUM(A1)" and row["account_number"] == "'-2+3"
    assert row["balance"] == "100.00"


def test_negative_numbers_stay_numbers_in_exports() -> None:
    from queue_server.web.exports import safe_cell

    assert safe_cell("-12.50") == "-12.50" and safe_cell("+3") == "+3" and safe_cell("-cmd") == "'-cmd"
    assert safe_cell("\t=1+1") == "'\t=1+1" and safe_cell(-4) == -4


@pytest.mark.parametrize("path", ["/items/99999999999999999999", "/items/2147483648",
                                  "/supervisor/people/99999999999999999999", "/kpis/?user=99999999999999999999"])
def test_ids_beyond_the_columns_range_are_not_found(client: FlaskClient, make_user: Callable[..., User],
                                                    path: str) -> None:
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    login(client, "sam")
    assert client.get(path).status_code == 404


def test_a_search_for_an_id_beyond_range_finds_nothing(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("bea")
    login(client, "bea")
    for q in ("#99999999999999999999", "99999999999999999999"):
        resp = client.get("/", query_string={"q": q})
        assert resp.status_code == 200
    assert client.get("/", query_string={"page": "99999999999999999999"}).status_code == 200


def test_the_api_refuses_ids_beyond_range_and_deep_json(client: FlaskClient, bot_token: str, session: Session) -> None:
    auth_header = {"Authorization": f"Bearer {bot_token}"}
    assert client.get("/api/v1/items/99999999999999999999", headers=auth_header).status_code == 404
    resp = client.post("/api/v1/items", data=_deep_json(5000), headers=auth_header, content_type="application/json")
    assert resp.status_code == 400 and resp.json["error"]["code"] == "bad_json"
    resp = client.post("/api/v1/items", data=_deep_json(40), headers=auth_header, content_type="application/json")
    assert resp.status_code == 400 and "deeper than" in resp.json["error"]["message"]
    assert session.scalar(select(func.count()).select_from(WorkItem)) == 0


def _deep_json(levels: int) -> str:
    return ('{"idempotency_key": "deep:1", "kind": "denial", "summary": "x", "payload": '
            + '{"a": ' * levels + '"x"' + "}" * levels + "}")


def test_a_batch_with_one_key_twice_and_different_content_is_refused(client: FlaskClient, bot_token: str,
                                                                     session: Session) -> None:
    auth_header = {"Authorization": f"Bearer {bot_token}"}
    one = {"idempotency_key": "denial:C9", "kind": "denial", "summary": "Denied CO-50", "payload": {}}
    same = client.post("/api/v1/items", json={"items": [one, dict(one)]}, headers=auth_header)
    assert same.status_code == 200 and same.json["created"] == 1  # the same item twice: one item, as before
    other = {**one, "idempotency_key": "denial:C10"}
    resp = client.post("/api/v1/items", json={"items": [other, {**other, "summary": "Denied CO-16"}]},
                       headers=auth_header)
    assert resp.status_code == 422, resp.json
    assert [d["loc"] for d in resp.json["error"]["details"]] == [["items", 0, "idempotency_key"],
                                                                  ["items", 1, "idempotency_key"]]
    assert session.scalar(select(func.count()).select_from(WorkItem)) == 1


@pytest.mark.parametrize("text", ["\u0000", "\ud800"], ids=["nul", "lone-surrogate"])
def test_text_no_database_stores_is_refused_by_name(client: FlaskClient, bot_token: str, session: Session,
                                                    text: str) -> None:
    """Found by the API's fuzz suite: on PostgreSQL a NUL or half a UTF-16 pair in any string (a payload's key,
    a reason code) was a 500 (the driver refuses both)."""
    auth_header = {"Authorization": f"Bearer {bot_token}"}
    for body in ({"idempotency_key": "k:1", "kind": "denial", "payload": {f"note{text}": 1}},
                 {"idempotency_key": "k:2", "kind": "denial", "reason_codes": ["CO-16", f"MA{text}"]}):
        # ASCII escapes, as a client's JSON encoder writes them; the character itself in UTF-8 (a surrogate as
        # bytes, which Python's JSON reader lets through); the body in UTF-16, which JSON readers also accept.
        for raw in (json.dumps(body).encode(), json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                    json.dumps(body).encode("utf-16")):
            resp = client.post("/api/v1/items", data=raw, headers=auth_header, content_type="application/json")
            assert resp.status_code == 422, resp.get_data(as_text=True)
            assert resp.json["error"]["details"][0]["msg"].startswith("NUL or an unpaired surrogate")
    assert session.scalar(select(func.count()).select_from(WorkItem)) == 0


def test_a_date_sent_as_a_number_is_refused_not_taken_for_1970(client: FlaskClient, bot_token: str) -> None:
    auth_header = {"Authorization": f"Bearer {bot_token}"}
    resp = client.post("/api/v1/items", json={"idempotency_key": "k:3", "kind": "denial", "deadline": 0},
                       headers=auth_header)
    assert resp.status_code == 422 and resp.json["error"]["details"][0]["loc"] == ["deadline"], resp.json


def test_a_method_not_allowed_says_which_are(client: FlaskClient) -> None:
    resp = client.delete("/api/v1/items")
    assert resp.status_code == 405 and set(resp.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert resp.json["error"]["code"] == "method_not_allowed"


def test_attachments_are_never_opened_in_the_browsers_pdf_viewer_nor_cached(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config) -> None:
    import samples
    from queue_server.services import attachments

    make_user("bea")
    item_id = make_item()
    row = attachments.store(session, config.attachment_dir, session.get(WorkItem, item_id),  # type: ignore[arg-type]
                            io.BytesIO(samples.text_pdf(["CHECK 555"])), filename="eob.pdf", label="document",
                            max_bytes=config.max_attachment_bytes, actor_label="bot:test")
    login(client, "bea")
    resp = client.get(f"/items/{item_id}/attachments/{row.id}")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["Cache-Control"] == "no-store" and "sandbox" in resp.headers["Content-Security-Policy"]
    page = client.get(f"/items/{item_id}/attachments/{row.id}/pages/1.png")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_security_headers(database_url: str, tmp_path: Path, make_user: Callable[..., User]) -> None:
    app = create_app(make_config(database_url, tmp_path / "secure", cookie_secure=True))
    try:
        resp = app.test_client().get("/login")
        policy = resp.headers["Content-Security-Policy"]
        for directive in ("object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'self'"):
            assert directive in policy
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        app_db.dispose()


def _huge_tiff() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (30000, 30000), 1).save(out, format="TIFF", compression="group4")  # 63 KB on disk
    return out.getvalue()


HUGE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 14400]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("name, data", [("fax.tif", None), ("page.pdf", HUGE_PDF)])
def test_an_image_or_page_bomb_is_refused_before_it_is_drawn(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session,
        config: Config, name: str, data: bytes | None) -> None:
    from queue_server.services import attachments, previews

    make_user("bea")
    item_id = make_item()
    row = attachments.store(session, config.attachment_dir, session.get(WorkItem, item_id),  # type: ignore[arg-type]
                            io.BytesIO(data or _huge_tiff()), filename=name, label="document",
                            max_bytes=config.max_attachment_bytes, actor_label="bot:test")
    login(client, "bea")
    drawing: list[object] = []
    real_run = previews.subprocess.run

    def spy(command: list[str], *args: object, **kwargs: object) -> object:
        drawing.append(command)
        return real_run(command, *args, **kwargs)  # type: ignore[call-overload]

    previews.subprocess.run = spy  # type: ignore[assignment]
    try:
        page = client.get(f"/items/{item_id}")
        drawn = client.get(f"/items/{item_id}/attachments/{row.id}/pages/1.png")
    finally:
        previews.subprocess.run = real_run  # type: ignore[assignment]
    assert page.status_code == 200
    assert "The preview was refused" in page.get_data(as_text=True)
    assert drawn.status_code == 422
    # Nothing was drawn or decoded: no pdftoppm (a 200-inch page took it to 1.9 GB), no page image kept.
    assert not [c for c in drawing if "pdftoppm" in c]
    assert not list((config.attachment_dir / "previews").glob("*.png"))


@pytest.mark.parametrize("name", ["huge.tif", "huge.pdf", "bomb.png"])
def test_the_extractors_refuse_oversized_pages_with_one_line(tmp_path: Path, name: str) -> None:
    import struct
    import subprocess
    import sys
    import zlib

    if name == "huge.tif":
        data = _huge_tiff()
    elif name == "huge.pdf":
        data = HUGE_PDF
    else:
        def chunk(tag: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)
        side = 20000
        rows = zlib.compress(b"".join(b"\x00" * (side + 1) for _ in range(side)), 9)
        data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / name).write_bytes(data)
    one = subprocess.run([sys.executable, "-m", "hme_rpa.cli", "extract", str(folder / name), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert one.returncode == 1 and len(one.stderr.strip().splitlines()) == 1, one.stderr
    assert "limit" in one.stderr or "larger than" in one.stderr
    (folder / "other.pdf").write_bytes(HUGE_PDF.replace(b"14400 14400", b"612 792"))
    many = subprocess.run([sys.executable, "-m", "hme_rpa.cli", "extract", str(folder)], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in many.stderr and name in many.stdout and "other.pdf" in many.stdout, many.stdout


def test_a_list_and_an_export_name_in_the_audit_log_the_items_they_showed(
        client: FlaskClient, make_user: Callable[..., User], make_item: Callable[..., int], session: Session) -> None:
    from queue_server.models import AuditEntry

    bea = make_user("bea")
    sam = make_user("sam", role=Role.SUPERVISOR, teams=[])
    shown = [make_item(patient_name=f"PATIENT, NUMBER{n}") for n in range(3)]
    at_risk = make_item(remittance_date=dt.date.today() - dt.timedelta(days=124))
    login(client, "bea")
    assert client.get("/", query_string={"q": "PATIENT"}).status_code == 200
    session.expire_all()
    listed = set(session.scalars(select(AuditEntry.item_id).where(AuditEntry.action == "shown_in_list",
                                                                    AuditEntry.user_id == bea.id)))
    assert set(shown) <= listed and at_risk not in listed
    _logout(client)
    login(client, "sam")
    client.get("/supervisor/at-risk.csv")
    session.expire_all()
    exported = set(session.scalars(select(AuditEntry.item_id).where(AuditEntry.action == "exported",
                                                                      AuditEntry.user_id == sam.id)))
    assert exported == {at_risk}
