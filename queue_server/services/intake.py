"""Items arriving from the bots: validated as a whole batch, written once.

The idempotency key makes a repeated post return the existing item. A batch
is written with INSERT ... ON CONFLICT DO NOTHING, so two bots racing with the
same key still produce one item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..db import utcnow
from ..domain.deadlines import DEFAULT_CALENDAR, BusinessCalendar, compute_deadline
from ..domain.kinds import Kind, PayerType, Status, Team
from ..models import EventType, ItemEvent, WorkItem


@dataclass(frozen=True)
class NewItem:
    idempotency_key: str
    kind: Kind
    source: str = "manual"
    summary: str = ""
    team: Team | None = None
    payer: str | None = None
    payer_type: PayerType = PayerType.COMMERCIAL
    claim_number: str | None = None
    payer_claim_number: str | None = None
    account_number: str | None = None
    patient_name: str | None = None
    balance: Decimal = Decimal("0.00")
    service_date_from: dt.date | None = None
    service_date_to: dt.date | None = None
    remittance_date: dt.date | None = None
    reason_codes: Sequence[str] = ()
    deadline: dt.date | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class IntakeResult:
    item_id: int
    idempotency_key: str
    created: bool
    status: Status


def _row(new: NewItem, now: dt.datetime, business_calendar: BusinessCalendar) -> dict[str, Any]:
    spec = new.kind.spec
    if new.deadline is not None:
        deadline, rule = new.deadline, "given by the robot"
    else:
        computed = compute_deadline(new.kind, new.payer_type, service_date=new.service_date_from,
                                    remittance_date=new.remittance_date, reason_codes=new.reason_codes)
        deadline, rule = computed.date, computed.rule
    return {
        "idempotency_key": new.idempotency_key,
        "kind": new.kind,
        "team": new.team or spec.team,
        "status": Status.OPEN,
        "source": new.source,
        "summary": new.summary,
        "payer": new.payer,
        "payer_type": new.payer_type,
        "claim_number": new.claim_number,
        "payer_claim_number": new.payer_claim_number,
        "account_number": new.account_number,
        "patient_name": new.patient_name,
        "patient_name_lower": new.patient_name.lower() if new.patient_name else None,
        "balance": new.balance.quantize(Decimal("0.01")),
        "service_date_from": new.service_date_from,
        "service_date_to": new.service_date_to or new.service_date_from,
        "remittance_date": new.remittance_date,
        "reason_codes": list(new.reason_codes),
        "deadline": deadline,
        "deadline_rule": rule,
        "sla_due": business_calendar.add(now, spec.sla_business_days),
        "payload": new.payload or {},
        "created_at": now,
        "updated_at": now,
        "reopen_count": 0,
    }


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert rows whose key is new; return {key: id} of the rows this call inserted."""
    dialect = session.get_bind().dialect.name
    insert_for = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert_for is None:  # pragma: no cover - only the two supported backends reach here
        raise NotImplementedError(dialect)
    table = WorkItem.__table__
    # Core executemany: SQLAlchemy batches it into multi-row INSERTs
    # ("insertmanyvalues"); the ORM's bulk path would send one per row here.
    stmt = (insert_for(table).on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.idempotency_key, table.c.id))
    return {key: item_id for key, item_id in session.connection().execute(stmt, rows)}


def create_items(session: Session, items: Sequence[NewItem], *, actor_label: str,
                 now: dt.datetime | None = None,
                 business_calendar: BusinessCalendar = DEFAULT_CALENDAR) -> list[IntakeResult]:
    """Create the items whose keys are new; return one result per input, in order.

    A key repeated inside one batch is created once; its later copies answer
    with the same item. Runs inside the caller's transaction: on any error
    nothing is written.
    """
    now = now or utcnow()
    keys = [i.idempotency_key for i in items]
    existing = _ids_by_key(session, keys)
    fresh: dict[str, NewItem] = {}
    for new in items:
        if new.idempotency_key not in existing and new.idempotency_key not in fresh:
            fresh[new.idempotency_key] = new
    rows = [_row(n, now, business_calendar) for n in fresh.values()]
    inserted = _insert_ignoring_duplicates(session, rows) if rows else {}
    if inserted:
        session.execute(insert(ItemEvent), [
            {"item_id": item_id, "type": EventType.CREATED, "at": now, "actor_id": None,
             "actor_label": actor_label, "data": {"source": fresh[key].source}}
            for key, item_id in sorted(inserted.items(), key=lambda kv: kv[1])
        ])
    # A racing writer may have won a key between our look-up and insert.
    missing = [k for k in keys if k not in existing and k not in inserted]
    if missing:
        existing.update(_ids_by_key(session, missing))
    results = []
    reported: set[str] = set()
    for key in keys:
        if key in inserted:
            results.append(IntakeResult(inserted[key], key, key not in reported, Status.OPEN))
        else:
            item_id, status = existing[key]
            results.append(IntakeResult(item_id, key, False, status))
        reported.add(key)
    return results


def _ids_by_key(session: Session, keys: Sequence[str]) -> dict[str, tuple[int, Status]]:
    found: dict[str, tuple[int, Status]] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        rows = session.execute(
            select(WorkItem.idempotency_key, WorkItem.id, WorkItem.status)
            .where(WorkItem.idempotency_key.in_(chunk)))
        for key, item_id, status in rows:
            found[key] = (item_id, status)
    return found
