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

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..domain.kinds import Status
from ..models import Attachment, EventType, ItemEvent, WorkItem
from . import audit
from .attachments import path_for

BATCH_ITEMS = 200   # items per transaction: a long purge holds no lock for long, and a crash loses one batch
FRESH = dt.timedelta(days=1)  # files touched this recently are left alone (an upload may be naming them)
ACTOR = "system:retention"


@dataclass
class Purged:
    items: int = 0          # items whose evidence went
    attachments: int = 0    # attachment rows removed
    files: int = 0          # files removed from disk (shared bytes count once)
    bytes: int = 0


def _due(session: Session, cutoff: dt.datetime, after_id: int) -> list[int]:
    """The next batch of resolved items, resolved before `cutoff`, that still have evidence."""
    stmt = (select(WorkItem.id).where(WorkItem.status == Status.RESOLVED, WorkItem.resolved_at < cutoff,
                                      WorkItem.id > after_id, WorkItem.attachments.any())
            .order_by(WorkItem.id).limit(BATCH_ITEMS))
    return list(session.scalars(stmt))


def _batches(session: Session, cutoff: dt.datetime) -> Iterator[list[int]]:
    after = 0
    while ids := _due(session, cutoff, after):
        yield ids
        after = ids[-1]


def _unnamed_files(session: Session, root: Path, now: dt.datetime) -> Iterator[Path]:
    """Evidence files no attachment names, not touched for a day (a crash's leftovers, purged bytes)."""
    if not root.is_dir():
        return
    named = set(session.scalars(select(Attachment.sha256).distinct()))
    old = (now - FRESH).timestamp()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 2):
        for path in sorted(folder.iterdir()):
            if path.name in named or len(path.name) != 64 or not path.is_file():
                continue
            try:
                if path.stat().st_mtime < old:
                    yield path
            except FileNotFoundError:
                continue


def _remove(path: Path, root: Path) -> int:
    """Remove an evidence file and the page images drawn from it; the bytes freed."""
    freed = 0
    previews = root / "previews"
    for target in [path, *(previews.glob(f"{path.name}-*.png") if previews.is_dir() else ()),
                   previews / f"{path.name}.pages"]:
        try:
            size = target.stat().st_size
            target.unlink()
            freed += size
        except FileNotFoundError:
            continue
    return freed


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
        old = and_(WorkItem.status == Status.RESOLVED, WorkItem.resolved_at < cutoff)
        stays = or_(WorkItem.status != Status.RESOLVED, WorkItem.resolved_at.is_(None), WorkItem.resolved_at >= cutoff)
        sizes = dict(session.execute(select(Attachment.sha256, func.max(Attachment.size)).join(WorkItem)
                                     .where(old).group_by(Attachment.sha256)).all())
        kept = set(session.scalars(select(Attachment.sha256).join(WorkItem).where(stays).distinct()))
        doomed = set(sizes) - kept
        out.files, out.bytes = len(doomed), sum(int(sizes[sha]) for sha in doomed)
        for path in _unnamed_files(session, root, now):
            out.files += 1
            out.bytes += path.stat().st_size
        session.rollback()
        return out
    for path in _unnamed_files(session, root, now):
        out.bytes += _remove(path, root)
        out.files += 1
    session.rollback()
    return out
