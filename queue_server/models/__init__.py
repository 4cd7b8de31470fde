"""Typed SQLAlchemy 2.0 models; the schema itself is owned by Alembic."""

from .audit import AuditEntry
from .items import Attachment, EventType, ItemEvent, WorkItem
from .robots import RobotRun, RobotUnit, RunStatus, UnitStatus
from .users import ApiToken, LoginAttempt, Role, User, UserTeam

__all__ = [
    "ApiToken", "Attachment", "AuditEntry", "EventType", "ItemEvent", "LoginAttempt",
    "RobotRun", "RobotUnit", "Role", "RunStatus", "UnitStatus", "User", "UserTeam", "WorkItem",
]
