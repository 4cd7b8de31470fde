"""The rows behind each KPI drill-down: one page of them and how many there are (the view turns them into
a table, a CSV and the audit log's list of what was shown)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Sequence, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..domain.kinds import UNRESOLVED, Team
from ..models import AgingLine, ClaimOutcome, RevenueDay, RobotRun, WorkItem

T = TypeVar("T")


def _page(session: Session, stmt: Select[tuple[T]], offset: int, limit: int) -> tuple[Sequence[T], int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return session.scalars(stmt.offset(offset).limit(limit)).all(), int(total)


def _matching(columns: list[Any], text: str) -> list[Any]:
    """Rows where any of `columns` holds `text` (case ignored); no condition when there is no text."""
    text = text.strip()
    if not text:
        return []
    like = f"%{text.lower()}%"
    return [or_(*(func.lower(c).like(like) for c in columns))]


def aging_lines(session: Session, snapshot_id: int, bucket: int | None, search: str, offset: int,
                limit: int) -> tuple[Sequence[AgingLine], int]:
    where = [AgingLine.snapshot_id == snapshot_id,
             *_matching([AgingLine.claim_number, AgingLine.account_number, AgingLine.payer], search)]
    if bucket is not None:
        where.append(AgingLine.bucket == bucket)
    return _page(session, select(AgingLine).where(*where).order_by(AgingLine.net_balance.desc(), AgingLine.id),
                 offset, limit)


def revenue_days(session: Session, first: dt.date, last: dt.date, offset: int,
                 limit: int) -> tuple[Sequence[RevenueDay], int]:
    return _page(session, select(RevenueDay).where(RevenueDay.day >= first, RevenueDay.day <= last)
                 .order_by(RevenueDay.day.desc()), offset, limit)


def claim_outcomes(session: Session, first: dt.date, last: dt.date, *, clean: bool, category: str, search: str,
                   offset: int, limit: int) -> tuple[Sequence[ClaimOutcome], int]:
    """Claims answered in [first, last]: denied, or (`clean`) not paid clean; of a category; matching `search`."""
    where = [ClaimOutcome.outcome_on >= first, ClaimOutcome.outcome_on <= last,
             or_(ClaimOutcome.outcome != "paid", ClaimOutcome.denied_lines > 0) if clean
             else ClaimOutcome.outcome == "denied",
             *_matching([ClaimOutcome.claim_number, ClaimOutcome.account_number, ClaimOutcome.payer,
                         ClaimOutcome.denial], search)]
    if category and category != "all":
        where.append(ClaimOutcome.category == category)
    return _page(session, select(ClaimOutcome).where(*where)
                 .order_by(ClaimOutcome.outcome_on.desc(), ClaimOutcome.claim_number), offset, limit)


def posting_backlog(session: Session, user_id: int | None, offset: int,
                    limit: int) -> tuple[Sequence[WorkItem], int]:
    """Open cash-posting items, oldest remittance first (those `user_id` holds, when given)."""
    where = [WorkItem.team == Team.CASH_POSTING, WorkItem.status.in_(UNRESOLVED)]
    if user_id is not None:
        where.append(WorkItem.assignee_id == user_id)
    return _page(session, select(WorkItem).where(*where).order_by(
        func.coalesce(WorkItem.remittance_date, func.date(WorkItem.created_at)), WorkItem.id), offset, limit)


def resolved_by_person(session: Session, start: dt.datetime, end: dt.datetime) -> dict[int, tuple[int, Decimal]]:
    """Per person: items resolved in [start, end) and their balances."""
    return {uid: (int(n), Decimal(d)) for uid, n, d in session.execute(
        select(WorkItem.resolved_by_id, func.count(), func.coalesce(func.sum(WorkItem.balance), 0))
        .where(WorkItem.resolved_at >= start, WorkItem.resolved_at < end, WorkItem.resolved_by_id.is_not(None))
        .group_by(WorkItem.resolved_by_id))}


def robot_runs(session: Session, start: dt.datetime, end: dt.datetime, robot: str, offset: int,
               limit: int) -> tuple[Sequence[RobotRun], int]:
    where = [RobotRun.started_at >= start, RobotRun.started_at < end]
    if robot:
        where.append(RobotRun.robot == robot)
    return _page(session, select(RobotRun).where(*where).order_by(RobotRun.started_at.desc()), offset, limit)
