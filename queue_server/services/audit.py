from __future__ import annotations

from typing import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..db import utcnow

from ..models import AuditEntry


def record(session: Session, *, action: str, item_id: int | None = None, user_id: int | None = None,
           token_id: int | None = None, detail: str | None = None, address: str | None = None) -> None:
    """Add an audit row to the caller's transaction (committed with the work it describes)."""
    session.add(AuditEntry(action=action, item_id=item_id, user_id=user_id, token_id=token_id,
                           detail=detail, address=address))


def record_shown(session: Session, *, action: str, item_ids: Iterable[int], user_id: int | None = None,
                 detail: str | None = None, address: str | None = None) -> None:
    """One audit row per item a list, a search or an export put in front of someone: which patients they saw,
    not only that they looked. Written in one statement with the caller's transaction."""
    _shown(session, action, [(item_id, detail) for item_id in dict.fromkeys(item_ids)], user_id, address)


def record_claims_shown(session: Session, *, action: str, claims: Iterable[str], user_id: int | None = None,
                        detail: str | None = None, address: str | None = None) -> None:
    """One audit row per billing-system claim a KPI drill-down or export showed (its rows are claims, not
    items): the claim number in the row's detail."""
    _shown(session, action, [(None, f"{detail} claim={claim}" if detail else f"claim={claim}")
                             for claim in dict.fromkeys(claims)], user_id, address)


def _shown(session: Session, action: str, rows: list[tuple[int | None, str | None]], user_id: int | None,
           address: str | None) -> None:
    now = utcnow()
    if rows:
        session.execute(insert(AuditEntry), [
            {"at": now, "action": action, "item_id": item_id, "user_id": user_id, "token_id": None, "detail": detail,
             "address": address} for item_id, detail in rows])
