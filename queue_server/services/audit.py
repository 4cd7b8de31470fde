from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import AuditEntry


def record(session: Session, *, action: str, item_id: int | None = None, user_id: int | None = None,
           token_id: int | None = None, detail: str | None = None, address: str | None = None) -> None:
    """Add an audit row to the caller's transaction (committed with the work it describes)."""
    session.add(AuditEntry(action=action, item_id=item_id, user_id=user_id, token_id=token_id,
                           detail=detail, address=address))
