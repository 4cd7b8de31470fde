"""Evidence retention: the files of items resolved long ago are removed, the items themselves stay.

Screenshots, traces, PDF pages and faxes show patients' records (PHI). How long to keep them is the
supplier's policy (CMS asks suppliers to keep documentation seven years; the billing system keeps the
claim): `hme-rpa evidence purge --keep-days N` removes the evidence of items resolved more than N days
ago, never of an item still being worked, and says so in each item's history and in the audit log.
The item, its history and its figures stay, so KPIs and productivity do not change.

Rows go first, files after (a file's bytes are shared by every attachment with the same SHA-256): a
crash between the two leaves files no row names, which the next purge removes. A file written or
attached again in the last day is left alone, so an upload that is storing those same bytes right
now never loses them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..domain.kinds import Status
from ..models import Attachment, EventType, ItemEvent, WorkItem
from . import audit, previews

BATCH_ITEMS = 200   # items per transaction: a long purge holds no lock for long, and a crash loses one batch
FRESH = dt.timedelta(days=1)  # files touched this recently are left alone (an upload may be naming them)
ACTOR = "system:retention"


@dataclass
class Purged:
    items: int = 0          # items whose evidence went
    attachments: int = 0    # attachment rows removed
    files: int = 0          # files removed from disk (shared bytes count once)
    bytes: int = 0


def _resolved_before(cutoff: dt.datetime) -> ColumnElement[bool]:
    return and_(WorkItem.status == Status.RESOLVED, WorkItem.resolved_at < cutoff)


def _due(session: Session, cutoff: dt.datetime, after_id: int) -> list[int]:
    """The next batch of resolved items, resolved before `cutoff`, that still have evidence."""
    stmt = (select(WorkItem.id).where(_resolved_before(cutoff), WorkItem.id > after_id, WorkItem.attachments.any())
            .order_by(WorkItem.id).limit(BATCH_ITEMS))
    return list(session.scalars(stmt))


def _batches(session: Session, cutoff: dt.datetime) -> Iterator[list[int]]:
    after = 0
    while ids := _due(session, cutoff, after):
        yield ids
        after = ids[-1]


def _unnamed_files(session: Session, root: Path, now: dt.datetime) -> Iterator[tuple[Path, int]]:
    """Evidence files no attachment names, not touched for a day (a crash's leftovers, purged bytes), with
    their sizes."""
    if not root.is_dir():
        return
    named = set(session.scalars(select(Attachment.sha256).distinct()))
    old = (now - FRESH).timestamp()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 2):
        for path in sorted(folder.iterdir()):
            if path.name in named or len(path.name) != 64 or not path.is_file():
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if stat.st_mtime < old:
                yield path, stat.st_size


def purge_evidence(session: Session, root: Path, *, keep_days: int, apply: bool, now: dt.datetime | None = None,
                   progress: Callable[[Purged], None] | None = None) -> Purged:
    """Remove (with `apply`; otherwise only count) the evidence of items resolved more than `keep_days` ago."""
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=keep_days)
    out = Purged()
    for ids in _batches(session, cutoff):
        rows = list(session.scalars(select(Attachment).where(Attachment.item_id.in_(ids))))
        out.items += len(ids)
        out.attachments += len(rows)
        if apply:
            per_item: dict[int, list[Attachment]] = {}
            for row in rows:
                per_item.setdefault(row.item_id, []).append(row)
            for item_id, attached in per_item.items():
                for row in attached:
                    session.delete(row)
                labels = sorted({row.label for row in attached})
                session.add(ItemEvent(item_id=item_id, type=EventType.EVIDENCE_PURGED, at=now, actor_label=ACTOR,
                                      data={"attachments": len(attached), "labels": labels, "keep_days": keep_days,
                                            "reason": f"retention: resolved more than {keep_days} days ago"}))
                audit.record(session, action="purge_evidence", item_id=item_id,
                             detail=f"{len(attached)} attachment(s): {', '.join(labels)}")
            session.commit()
        else:
            session.rollback()
        if progress:
            progress(out)
    if not apply:
        # Only counted: the files no other item names (bytes shared with a kept item stay), and leftovers.
        old_items = select(WorkItem.id).where(_resolved_before(cutoff))
        sizes = dict(session.execute(select(Attachment.sha256, func.max(Attachment.size))
                                     .where(Attachment.item_id.in_(old_items)).group_by(Attachment.sha256)).all())
        kept = set(session.scalars(select(Attachment.sha256).where(Attachment.item_id.not_in(old_items)).distinct()))
        doomed = set(sizes) - kept
        out.files, out.bytes = len(doomed), sum(int(sizes[sha]) for sha in doomed)
        for _path, size in _unnamed_files(session, root, now):
            out.files += 1
            out.bytes += size
        session.rollback()
        return out
    for path, size in _unnamed_files(session, root, now):
        path.unlink(missing_ok=True)
        out.bytes += size + previews.forget(root, path.name)
        out.files += 1
    session.rollback()
    return out
