"""The queries behind the billers' pages: the filtered queue list and what an item page shows around the item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from ..domain import priority
from ..domain.kinds import UNRESOLVED, Kind, Status, Team
from ..models import AuditEntry, ItemEvent, User, WorkItem
from . import queue

MAX_ID = 2**31 - 1  # ids are INTEGER columns (32 bits on PostgreSQL): a larger number names no item


@dataclass(frozen=True)
class Filters:
    q: str = ""
    team: str = ""
    kind: str = ""
    payer: str = ""
    # "active" (not resolved), "all", one Status value, "due_back" (snoozed until today or before: the
    # follow-ups due) or "past_deadline" (not resolved, the payer's deadline passed)
    status: str = "active"
    page: int = 1
    # The items one robot run filed: its robot, and filed from `since` until `until` (ISO times).
    source: str = ""
    since: str = ""
    until: str = ""

    def args(self, **changes: Any) -> dict[str, Any]:
        """These filters, changed, as a query string's values (links to other pages and filters)."""
        values = {"q": self.q, "team": self.team, "kind": self.kind, "payer": self.payer,
                  "status": self.status, "page": self.page, "source": self.source, "since": self.since,
                  "until": self.until, **changes}
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}

    @property
    def used(self) -> str:
        # For the audit log: which filters, never the search text (it can be a name).
        return ",".join(k for k in ("q", "team", "kind", "payer", "status", "source", "since", "until")
                        if getattr(self, k)) or "none"

    @property
    def filed_between(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """`since` and `until` as times; one that is not an ISO time is no bound (the link was edited)."""
        return _instant(self.since), _instant(self.until)


def _instant(text: str) -> dt.datetime | None:
    """An ISO time (UTC when it names no zone); None when it is not one."""
    try:
        value = dt.datetime.fromisoformat(text[:40]) if text else None
    except ValueError:
        return None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


@dataclass
class ListPage:
    items: Sequence[WorkItem]
    total: int
    page: int
    pages: int
    waiting: int  # what "Next item" could hand this user now
    payers: Sequence[str]
    due_back: int = 0  # snoozed items of the user's whose follow-up date has come
    past_deadline: int = 0  # unresolved items of the user's whose payer deadline has passed


def visible_to(user: User) -> Any:
    if user.is_supervisor:
        return True
    teams = user.teams
    mine = WorkItem.assignee_id == user.id
    return or_(WorkItem.team.in_(teams), mine) if teams else mine


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _due_back(today: dt.date) -> Any:
    return and_(WorkItem.status == Status.SNOOZED, WorkItem.snoozed_until <= today)


def _past_deadline(today: dt.date) -> Any:
    return and_(WorkItem.status.in_(UNRESOLVED), WorkItem.deadline < today)


def _filtered(stmt: Select[Any], f: Filters, today: dt.date) -> Select[Any]:
    if f.q:
        text = f.q
        conditions = [*_identified_by(text),
                      *(WorkItem.patient_name_lower.like(_like_prefix(name), escape="\\") for name in _names(text))]
        if text.lstrip("#").isdigit():
            item_id = _item_id(text)
            conditions.append(WorkItem.id == item_id if item_id is not None else false())
        stmt = stmt.where(or_(*conditions))
    if f.team in {t.value for t in Team}:
        stmt = stmt.where(WorkItem.team == Team(f.team))
    if f.kind in {k.value for k in Kind}:
        stmt = stmt.where(WorkItem.kind == Kind(f.kind))
    if f.payer:
        stmt = stmt.where(func.upper(WorkItem.payer) == f.payer.upper())  # one payer however a robot cased it
    if f.source:
        stmt = stmt.where(WorkItem.source == f.source)
    since, until = f.filed_between
    if since is not None:
        stmt = stmt.where(WorkItem.created_at >= since)
    if until is not None:
        stmt = stmt.where(WorkItem.created_at <= until)
    if f.status == "active":
        stmt = stmt.where(WorkItem.status.in_(UNRESOLVED))
    elif f.status == "due_back":
        stmt = stmt.where(_due_back(today))
    elif f.status == "past_deadline":
        stmt = stmt.where(_past_deadline(today))
    elif f.status != "all":
        stmt = stmt.where(WorkItem.status == Status(f.status))
    return stmt


def list_page(session: Session, user: User, f: Filters, now: dt.datetime, size: int) -> ListPage:
    """One page of the items `user` may see that match `f`: most urgent first (resolved: latest first)."""
    base = _filtered(select(WorkItem).where(visible_to(user)), f, now.date())
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    pages = max((total + size - 1) // size, 1)
    page = min(f.page, pages)
    if f.status == "resolved":
        ordered = base.order_by(WorkItem.resolved_at.desc(), WorkItem.id.desc())
    else:
        ordered = base.order_by(*priority.order_by(WorkItem, now))
    items = session.scalars(ordered.limit(size).offset((page - 1) * size)).all()
    waiting = session.scalar(select(func.count()).select_from(WorkItem).where(
        queue.claimable(now), queue.eligible_for(user))) or 0
    payers = session.scalars(select(func.upper(WorkItem.payer)).where(WorkItem.payer.is_not(None))
                             .distinct().order_by(func.upper(WorkItem.payer)).limit(200)).all()
    counts = session.execute(select(func.count().filter(_due_back(now.date())),
                                    func.count().filter(_past_deadline(now.date())))
                             .where(visible_to(user))).one()
    return ListPage(items, int(total), page, pages, int(waiting), [p for p in payers if p], int(counts[0] or 0),
                    int(counts[1] or 0))


def _identified_by(text: str) -> list[Any]:
    """The item a claim number, payer claim number (ICN), account, key or item id names exactly."""
    return [WorkItem.claim_number == text, WorkItem.payer_claim_number == text, WorkItem.account_number == text,
            WorkItem.idempotency_key == text]


def _item_id(text: str) -> int | None:
    """"#123" or "123" as an item id the column can hold, or None."""
    digits = text.strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 10:
        return None
    value = int(digits)
    return value if 1 <= value <= MAX_ID else None


def _names(text: str) -> list[str]:
    """The name prefixes a search means: as typed ("murphy, li"), and a first-name-first "LILY MURPHY" as
    the documents print it ("murphy, lily")."""
    typed = " ".join(text.lower().split())
    names = [typed]
    words = typed.split(" ")
    if "," not in typed and len(words) == 2:
        names.append(f"{words[1]}, {words[0]}")
    return names


def the_one_named(session: Session, user: User, text: str) -> int | None:
    """The id of the one item `user` may see that `text` names exactly (claim number, ICN, account, key, #id):
    the search opens it instead of listing it. None when it names none or several."""
    text = text.strip()
    if not text:
        return None
    conditions = _identified_by(text)
    item_id = _item_id(text) if text.startswith("#") else None
    if item_id is not None:
        conditions.append(WorkItem.id == item_id)
    ids = session.scalars(select(WorkItem.id).where(visible_to(user), or_(*conditions)).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def history(session: Session, item_id: int) -> Sequence[ItemEvent]:
    return session.scalars(select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)).all()


def active_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)))


def audit_trail(session: Session, item_id: int, limit: int) -> Sequence[AuditEntry]:
    return session.scalars(select(AuditEntry).where(AuditEntry.item_id == item_id)
                           .order_by(AuditEntry.id.desc()).limit(limit)).all()
