"""The queue server's exceptions: one root, one subclass per way a request fails.

Views and the API translate these into flashes or JSON errors; nothing below
them knows about HTTP.
"""

from __future__ import annotations

from typing import Any


class QueueError(Exception):
    """Root of everything the queue server raises on purpose."""

    status_code = 400
    code = "queue_error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidInput(QueueError):
    status_code = 422
    code = "validation_error"


class NotFound(QueueError):
    status_code = 404
    code = "not_found"


class Forbidden(QueueError):
    status_code = 403
    code = "forbidden"


class Conflict(QueueError):
    """The item changed under the caller: leased by someone else, already resolved."""

    status_code = 409
    code = "conflict"


class AttachmentRejected(QueueError):
    status_code = 422
    code = "attachment_rejected"
