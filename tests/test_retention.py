"""Evidence retention: `hme-rpa evidence purge` removes the files of items resolved long ago, and only those."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Callable

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from helpers import login
from hme_rpa.cli import main
from hme_rpa.config import Config
from queue_server.db import utcnow
from queue_server.domain.kinds import Status
from queue_server.models import Attachment, AuditEntry, EventType, ItemEvent, Role, User, WorkItem
from queue_server.services import attachments, retention

LONG_AGO = 400  # days


def _png(tag: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + tag


def _attach(session: Session, config: Config, item_id: int, data: bytes, label: str = "screenshot") -> Attachment:
    item = session.get(WorkItem, item_id)
    assert item is not None
    return attachments.store(session, config.attachment_dir, item, io.BytesIO(data), filename="evidence", label=label,
                             max_bytes=1 << 20, actor_label="bot:test")


def _resolve(session: Session, item_id: int, days_ago: int) -> None:
    session.execute(update(WorkItem).where(WorkItem.id == item_id).values(
        status=Status.RESOLVED, resolved_at=utcnow() - dt.timedelta(days=days_ago)))
    session.commit()


def _age_files(root: Path) -> None:
    """Every evidence file as if written long ago (the purge leaves files touched in the last day alone)."""
    then = (utcnow() - dt.timedelta(days=LONG_AGO)).timestamp()
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def _world(session: Session, config: Config, make_item: Callable[..., int]) -> dict[str, int]:
    old, recent, working = make_item(), make_item(), make_item()
    _attach(session, config, old, _png(b"old screenshot"))
    _attach(session, config, old, b"%PDF-1.4 remittance page shared", label="pdf_page")
    _attach(session, config, working, b"%PDF-1.4 remittance page shared", label="pdf_page")
    _attach(session, config, recent, _png(b"recent screenshot"))
    _resolve(session, old, LONG_AGO)
    _resolve(session, recent, 10)
    return {"old": old, "recent": recent, "working": working}


def _sha(session: Session, item_id: int, label: str) -> str:
    return session.scalars(select(Attachment.sha256).where(Attachment.item_id == item_id,
                                                          Attachment.label == label)).one()


def test_only_the_evidence_of_items_resolved_long_ago_goes(session: Session, config: Config,
                                                           make_item: Callable[..., int]) -> None:
    items = _world(session, config, make_item)
    root = config.attachment_dir
    screenshot = _sha(session, items["old"], "screenshot")
    shared = _sha(session, items["old"], "pdf_page")
    # A page image drawn from the old screenshot for the item page, and bytes a crash left unnamed.
    (root / "previews").mkdir(exist_ok=True)
    (root / "previews" / f"{screenshot}-1.png").write_bytes(b"drawn")
    (root / "previews" / f"{screenshot}.pages").write_text("1")
    leftover = root / "ab" / ("ab" + "0" * 62)
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"left by a crash")
    _age_files(root)
    files_before = sorted(p for p in root.rglob("*") if p.is_file())

    counted = retention.purge_evidence(session, root, keep_days=365, apply=False)
    assert (counted.items, counted.attachments, counted.files) == (1, 2, 2)  # the shared page is still named
    assert sorted(p for p in root.rglob("*") if p.is_file()) == files_before
    assert session.scalar(select(func.count()).select_from(Attachment)) == 4

    done = retention.purge_evidence(session, root, keep_days=365, apply=True)
    assert (done.items, done.attachments, done.files) == (1, 2, 2)
    session.expire_all()
    assert session.scalars(select(Attachment.item_id).order_by(Attachment.item_id)).all() == sorted(
        [items["working"], items["recent"]])
    assert not attachments.path_for(root, screenshot).exists() and not leftover.exists()
    assert not list((root / "previews").iterdir())
    assert attachments.path_for(root, shared).exists()  # the item still being worked names it
    event = session.scalars(select(ItemEvent).where(ItemEvent.item_id == items["old"],
                                                    ItemEvent.type == EventType.EVIDENCE_PURGED)).one()
    assert event.data["attachments"] == 2 and event.data["labels"] == ["pdf_page", "screenshot"]
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "purge_evidence", AuditEntry.item_id == items["old"])) == 1
    old_item = session.get(WorkItem, items["old"])
    assert old_item is not None and old_item.status is Status.RESOLVED  # the item and its figures stay

    again = retention.purge_evidence(session, root, keep_days=365, apply=True)
    assert (again.items, again.attachments, again.files) == (0, 0, 0)


def test_files_touched_today_are_left_alone(session: Session, config: Config, make_item: Callable[..., int]) -> None:
    items = _world(session, config, make_item)
    root = config.attachment_dir
    screenshot = _sha(session, items["old"], "screenshot")
    uploading = root / "cd" / ("cd" + "1" * 62)  # bytes an upload has written and not yet named in a row
    uploading.parent.mkdir(exist_ok=True)
    uploading.write_bytes(b"being stored")
    # The old screenshot attached again today, to a new item: its file is named and fresh.
    _attach(session, config, make_item(), _png(b"old screenshot"))
    retention.purge_evidence(session, root, keep_days=365, apply=True)
    assert uploading.exists() and attachments.path_for(root, screenshot).exists()


def test_the_command_says_what_would_go_then_removes_it(session: Session, config: Config,
                                                        make_item: Callable[..., int]) -> None:
    items = _world(session, config, make_item)
    _age_files(config.attachment_dir)
    env = {"HME_DATA_DIR": str(config.data_dir), "HME_DATABASE_URL": config.database_url}
    runner = CliRunner()
    dry = runner.invoke(main, ["evidence", "purge", "--keep-days", "365"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Would remove the evidence of 1 item(s) resolved more than 365 days ago: 2 attachment(s), 1 file(s)" \
        in dry.output and "--apply" in dry.output
    assert session.scalar(select(func.count()).select_from(Attachment)) == 4
    done = runner.invoke(main, ["evidence", "purge", "--keep-days", "365", "--apply"], env=env)
    assert done.exit_code == 0, done.output
    assert "Removed the evidence of 1 item(s)" in done.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.item_id == items["old"])) == 0
    bad = runner.invoke(main, ["evidence", "purge", "--keep-days", "0"], env=env)
    assert bad.exit_code == 2 and "--keep-days" in bad.output


def test_the_item_page_says_its_evidence_was_removed(client: FlaskClient, session: Session, config: Config,
                                                     make_item: Callable[..., int],
                                                     make_user: Callable[..., User]) -> None:
    items = _world(session, config, make_item)
    _age_files(config.attachment_dir)
    retention.purge_evidence(session, config.attachment_dir, keep_days=365, apply=True)
    make_user("sam", role=Role.SUPERVISOR, teams=[])
    login(client, "sam")
    page = client.get(f"/items/{items['old']}").get_data(as_text=True)
    assert "The evidence was removed on" in page and "resolved more than 365 days ago" in page
    assert "evidence_purged" in page and "system:retention" in page  # the history line
    assert "system · purge evidence" in page  # the audit log names who removed it (no person, no robot token)
    assert "The evidence was removed" not in client.get(f"/items/{items['working']}").get_data(as_text=True)
