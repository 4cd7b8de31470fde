"""Evidence files on disk, named by SHA-256, type-checked by their first bytes."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from ..db import utcnow
from ..exceptions import AttachmentRejected
from ..models import Attachment, EventType, ItemEvent, WorkItem

# What robots attach: the PDF page, a screenshot, a Playwright trace (zip), a
# fax (TIFF), extracted fields (JSON). The client's content type is not trusted.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"II*\x00", "image/tiff", ".tif"),
    (b"MM\x00*", "image/tiff", ".tif"),
    (b"PK\x03\x04", "application/zip", ".zip"),
)
LABELS = ("document", "pdf_page", "screenshot", "trace", "fax", "fields")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    stripped = head.lstrip()
    if stripped.startswith((b"{", b"[")):
        return "application/json", ".json"
    return None


def safe_filename(name: str, ext: str) -> str:
    base = _SAFE_NAME.sub("_", Path(name or "attachment").name).strip("._") or "attachment"
    base = base[:150]
    if not base.lower().endswith(ext):
        base += ext
    return base


def path_for(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def store(session: Session, root: Path, item: WorkItem, stream: BinaryIO, *, filename: str,
          label: str, max_bytes: int, actor_label: str) -> Attachment:
    """Copy the upload to disk (deduplicated by hash) and record it. Commits."""
    if label not in LABELS:
        raise AttachmentRejected(f"Attachment label must be one of {', '.join(LABELS)}.")
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := stream.read(1 << 16):
                size += len(chunk)
                if size > max_bytes:
                    raise AttachmentRejected(f"Attachments are limited to {max_bytes // (1024 * 1024)} MiB.")
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise AttachmentRejected("The attachment is empty.")
        kind = sniff(head)
        if kind is None:
            raise AttachmentRejected("Only PDF, PNG, JPEG, TIFF, ZIP (trace) or JSON files can be attached.")
        content_type, ext = kind
        sha = digest.hexdigest()
        final = path_for(root, sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp_name)
            os.utime(final)  # named again now: the retention purge leaves recently touched files alone
        else:
            os.replace(tmp_name, final)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    now = utcnow()
    attachment = Attachment(item_id=item.id, filename=safe_filename(filename, ext), label=label,
                            content_type=content_type, size=size, sha256=sha, created_at=now)
    session.add(attachment)
    session.flush()
    session.add(ItemEvent(item_id=item.id, type=EventType.ATTACHED, at=now, actor_label=actor_label,
                          data={"attachment_id": attachment.id, "label": label, "size": size}))
    session.commit()
    return attachment
