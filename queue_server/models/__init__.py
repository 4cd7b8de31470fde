"""Typed SQLAlchemy 2.0 models; the schema itself is owned by Alembic."""

from .audit import AuditEntry
from .billing import AgingLine, AgingSnapshot, AgingTotal, ClaimOutcome, RevenueDay
from .items import TOUCH_EVENTS, WORK_EVENTS, Attachment, Correction, CorrectionState, EventType, ItemEvent, WorkItem
from .robots import RobotRun, RobotUnit, RunStatus, UnitStatus
from .users import ApiToken, LoginAttempt, Role, User, UserTeam, WebSession

__all__ = [
    "AgingLine", "AgingSnapshot", "AgingTotal", "ApiToken", "Attachment", "AuditEntry", "ClaimOutcome", "Correction",
    "CorrectionState", "EventType", "ItemEvent", "LoginAttempt",
    "RevenueDay", "RobotRun", "RobotUnit", "Role", "RunStatus", "TOUCH_EVENTS", "UnitStatus", "User", "UserTeam", "WebSession", "WORK_EVENTS", "WorkItem",
]
