from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, utcnow
from ..domain.kinds import Kind, KindSpec, PayerType, Status, Team, spec_of
from .users import User, _enum

JSONType = JSON().with_variant(JSONB(), "postgresql")
_WORKABLE = "status IN ('open', 'snoozed', 'in_progress')"


class WorkItem(Base):
    """One exception a person has to work: a denial, an unbalanced EOB, an invalid CMN..."""

    __tablename__ = "work_items"
    __table_args__ = (
        Index("ix_work_items_claimable", "team", "status"),
        Index("ix_work_items_claim_number", "claim_number"),
        Index("ix_work_items_account_number", "account_number"),
        Index("ix_work_items_patient_name_lower", "patient_name_lower"),
        Index("ix_work_items_deadline", "deadline"),
        Index("ix_work_items_assignee", "assignee_id", "status"),
        Index("ix_work_items_resolved", "resolved_at"),
        # KPIs: the denials that arrived in a period.
        Index("ix_work_items_kind_created", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[Kind] = mapped_column(_enum(Kind))
    team: Mapped[Team] = mapped_column(_enum(Team))
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.OPEN)
    source: Mapped[str] = mapped_column(String(64), default="manual")
    summary: Mapped[str] = mapped_column(String(500), default="")

    payer: Mapped[str | None] = mapped_column(String(120))
    payer_type: Mapped[PayerType] = mapped_column(_enum(PayerType), default=PayerType.COMMERCIAL)
    claim_number: Mapped[str | None] = mapped_column(String(64))
    payer_claim_number: Mapped[str | None] = mapped_column(String(64))
    account_number: Mapped[str | None] = mapped_column(String(64))
    patient_name: Mapped[str | None] = mapped_column(String(120))
    # Lower-cased copy so search by name uses an index on every backend.
    patient_name_lower: Mapped[str | None] = mapped_column(String(120))
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    service_date_from: Mapped[dt.date | None]
    service_date_to: Mapped[dt.date | None]
    remittance_date: Mapped[dt.date | None]
    reason_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)

    deadline: Mapped[dt.date | None]
    deadline_rule: Mapped[str] = mapped_column(String(120), default="")
    sla_due: Mapped[dt.datetime]

    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    # Who holds it now (in progress), or for whom a supervisor reserved it (open).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lease_expires_at: Mapped[dt.datetime | None]
    # When the holder's lease began: the touch time on resolving, without reading the events back.
    claimed_at: Mapped[dt.datetime | None]
    snoozed_until: Mapped[dt.date | None]

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(64))
    touch_seconds: Mapped[int | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    # Kept by every person's event (services.queue.record_event) so the KPIs read one row per item, not its
    # events: when a person first worked it (denials worked within 2 business days) and last touched it
    # (documentation follow-up cadence).
    first_worked_at: Mapped[dt.datetime | None]
    first_worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_touched_at: Mapped[dt.datetime | None]
    last_toucher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    events: Mapped[list["ItemEvent"]] = relationship(
        back_populates="item", order_by="ItemEvent.id", cascade="all, delete-orphan")
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="item", order_by="Attachment.id", cascade="all, delete-orphan")

    @property
    def spec(self) -> KindSpec:
        """What its kind says: team, SLA, deadline rule, outcomes."""
        return spec_of(self.kind)


# "Next item": each priority segment read per team in order (services.queue.most_urgent). Only items a person may
# still claim, so resolved history does not grow it.
Index("ix_work_items_next", WorkItem.team, WorkItem.deadline, WorkItem.balance.desc(), WorkItem.created_at,
      WorkItem.id, postgresql_where=text(_WORKABLE), sqlite_where=text(_WORKABLE))
# The segments that turn on the SLA ("past SLA", "on time"): when few items are past their SLA, reading them by
# SLA and sorting the few beats walking every far deadline in order (the planner picks, from the times given).
Index("ix_work_items_sla", WorkItem.team, WorkItem.sla_due, postgresql_where=text(_WORKABLE),
      sqlite_where=text(_WORKABLE))


class EventType(enum.StrEnum):
    CREATED = "created"
    CLAIMED = "claimed"
    RELEASED = "released"
    NOTED = "noted"
    SNOOZED = "snoozed"
    WOKE = "woke"
    ESCALATED = "escalated"
    REASSIGNED = "reassigned"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    ATTACHED = "attached"
    EVIDENCE_PURGED = "evidence_purged"  # its files removed under the retention policy (services.retention)
    CORRECTED = "corrected"  # a person put right values the robot read and handed the work back to it
    ROBOT_APPLIED = "robot_applied"  # the robot finished with the corrected values, and whether they held


# A person working an item (claiming only opens it; releasing hands it back).
WORK_EVENTS = (EventType.NOTED, EventType.SNOOZED, EventType.RESOLVED, EventType.ESCALATED)
TOUCH_EVENTS = (*WORK_EVENTS, EventType.CLAIMED)


class ItemEvent(Base):
    """Every state change of an item, with who did it and when."""

    __tablename__ = "item_events"
    __table_args__ = (
        Index("ix_item_events_item", "item_id", "id"),
        Index("ix_item_events_type_at", "type", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"))
    type: Mapped[EventType] = mapped_column(_enum(EventType))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A bot's token name or "system" when no person acted.
    actor_label: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    item: Mapped[WorkItem] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class Attachment(Base):
    """Evidence for an item; the bytes live on disk under their SHA-256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(40), default="document")
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    item: Mapped[WorkItem] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/") and self.content_type != "image/tiff"


class CorrectionState(enum.StrEnum):
    PENDING = "pending"  # handed back; the robot has not finished with it yet
    HELD = "held"  # the robot posted (or released) with the corrected values and read them back as intended
    FAILED = "failed"  # the robot could not; the item was reopened with its reason


class Correction(Base):
    """Values a person corrected on an item, handed back to the robot that filed it to finish the work."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_state_kind", "state", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[Kind] = mapped_column(_enum(Kind))
    state: Mapped[CorrectionState] = mapped_column(_enum(CorrectionState), default=CorrectionState.PENDING)
    # {path: {"read": what the robot read, "corrected": what the person says is printed}}
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    corrected_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    detail: Mapped[str] = mapped_column(String(1000), default="")  # the robot's report

    item: Mapped[WorkItem] = relationship()
    corrected_by: Mapped[User] = relationship(lazy="joined")
