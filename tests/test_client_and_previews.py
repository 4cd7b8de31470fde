"""The robots' client against a live server, and page images of evidence."""

from __future__ import annotations

import io
from typing import Any, Callable

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session

from browser import live_server
import samples
from hme_rpa.config import Config
from queue_client import QueueClient, QueueClientError
from queue_server.models import WorkItem
from queue_server.services import attachments, previews


def test_client_posts_batches_reads_and_attaches(app: Flask, bot_token: str) -> None:
    items = [{"idempotency_key": f"k{n}", "kind": "unmatched_payment", "balance": "12.50"} for n in range(1500)]
    with live_server(app) as base:
        client = QueueClient(base, bot_token, batch_size=1000)
        results = client.create_many(items)
        assert len(results) == 1500 and all(r["created"] for r in results)
        assert not any(r["created"] for r in client.create_many(items[:3]))
        one = client.get(results[0]["id"])
        assert one["status"] == "open" and one["team"] == "cash_posting" and one["balance"] == "12.50"
        shot = client.attach(results[0]["id"], 'bad"name\r\n.png', samples.png(), label="screenshot")
        assert shot["content_type"] == "image/png" and shot["filename"] == "bad_name__.png"
        with pytest.raises(QueueClientError) as refused:
            client.create({"idempotency_key": "x", "kind": "not-a-kind"})
        assert refused.value.status_code == 422 and refused.value.details[0]["loc"] == ["kind"]
        with pytest.raises(QueueClientError) as missing:
            client.get(999999)
        assert missing.value.status_code == 404
        with pytest.raises(QueueClientError) as unauthorised:
            QueueClient(base, "hme_nope").get(results[0]["id"])
        assert unauthorised.value.status_code == 401


def test_client_retries_overload_but_not_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    client = QueueClient("http://127.0.0.1:1", "hme_x", retries=2, backoff=0)
    answers: list[Any] = [QueueClientError(503, "unavailable", "busy"), TimeoutError(), {"id": 1}]
    calls: list[str] = []

    def fake(method: str, path: str, body: bytes | None = None, content_type: str = "") -> Any:
        calls.append(path)
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr(client, "_request", fake)
    assert client.get(1) == {"id": 1} and len(calls) == 3
    answers[:] = [QueueClientError(422, "validation_error", "bad")]
    with pytest.raises(QueueClientError):
        client.create({"idempotency_key": "k", "kind": "denial"})
    assert len(calls) == 4  # a refusal is not retried


def _tiff_fax(pages: int) -> bytes:
    frames = [Image.new("1", (1728, 1100), 1) for _ in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], compression="group4",
                   dpi=(204, 98))
    return out.getvalue()


def test_fax_tiff_pages_are_drawn_with_square_pixels(session: Session, config: Config,
                                                     make_item: Callable[..., int]) -> None:
    item = session.get(WorkItem, make_item())
    assert item is not None
    fax = attachments.store(session, config.attachment_dir, item, io.BytesIO(_tiff_fax(2)), filename="fax.tif",
                            label="fax", max_bytes=10**7, actor_label="bot:test")
    assert fax.content_type == "image/tiff" and previews.page_count(config.attachment_dir, fax) == 2
    page2 = previews.page_png(config.attachment_dir, fax, 2)
    with Image.open(page2) as image:
        assert image.size == (1728, round(1100 * 204 / 98))
    with pytest.raises(Exception, match="No page 3"):
        previews.page_png(config.attachment_dir, fax, 3)


def test_a_tiff_frame_is_drawn_in_a_limited_process_of_its_own(
        session: Session, config: Config, make_item: Callable[..., int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A frame under the pixel limit can still cost hundreds of MB to decode (7,500 x 7,500 in colour: 169 MB):
    drawn in the server's own process it takes a worker's memory; drawn under the render limit it fails alone."""
    item = session.get(WorkItem, make_item())
    assert item is not None
    out = io.BytesIO()
    Image.new("RGB", (7500, 7500), (255, 255, 255)).save(out, format="TIFF", compression="tiff_deflate")
    big = attachments.store(session, config.attachment_dir, item, io.BytesIO(out.getvalue()), filename="big.tif",
                            label="fax", max_bytes=10**7, actor_label="bot:test")
    assert previews.page_count(config.attachment_dir, big) == 1  # inside the pixel limit: not refused up front
    monkeypatch.setattr(previews, "_LIMITED", ["prlimit", "--as=150000000", "--"])
    with pytest.raises(previews.PreviewFailed, match="Could not draw page 1"):
        previews.page_png(config.attachment_dir, big, 1)
    monkeypatch.undo()
    with Image.open(previews.page_png(config.attachment_dir, big, 1)) as image:  # the real limit draws it
        assert image.size == (7500, 7500)


def test_a_damaged_pdf_shows_no_pages_instead_of_failing(session: Session, config: Config,
                                                         make_item: Callable[..., int]) -> None:
    item = session.get(WorkItem, make_item())
    assert item is not None
    broken = attachments.store(session, config.attachment_dir, item, io.BytesIO(b"%PDF-1.4\n garbage"),
                               filename="broken.pdf", label="document", max_bytes=10**6, actor_label="bot:test")
    assert previews.page_count(config.attachment_dir, broken) == 0
