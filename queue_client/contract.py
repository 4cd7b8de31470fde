"""The bots' API vocabulary, one copy for both sides: the kinds of work, teams, statuses and the item a robot
files. The queue server's models and API validate with these very enums (queue_server/domain/kinds.py imports
them); a runner builds its items against `Item` and checks them with `check_item` before they leave. Standard
library only, like the rest of the client: a runner loads neither Flask nor SQLAlchemy nor pydantic.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypedDict


class Team(StrEnum):
    DOCUMENTATION = "documentation"
    AUTHORIZATION = "authorization"
    BILLING = "billing"
    CASH_POSTING = "cash_posting"
    DENIALS = "denials"
    AR = "ar"
    RPA_ADMIN = "rpa_admin"

    @property
    def label(self) -> str:
        return TEAM_LABELS[self]


TEAM_LABELS = {
    Team.DOCUMENTATION: "Documentation",
    Team.AUTHORIZATION: "Authorization",
    Team.BILLING: "Billing",
    Team.CASH_POSTING: "Cash posting",
    Team.DENIALS: "Denials",
    Team.AR: "A/R",
    Team.RPA_ADMIN: "RPA admin",
}


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"
    ESCALATED = "escalated"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class PayerType(StrEnum):
    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    PRIVATE_PAY = "private_pay"


class Kind(StrEnum):
    DENIAL = "denial"
    CLAIM_NOT_ON_FILE = "claim_not_on_file"
    PENDING_TOO_LONG = "pending_too_long"
    FRONT_END_REJECTION = "front_end_rejection"
    INFO_REQUESTED = "info_requested"
    CLAIM_REVIEW = "claim_review"
    STATUS_AMBIGUOUS = "status_ambiguous"
    UNMATCHED_PAYMENT = "unmatched_payment"
    UNBALANCED_REMITTANCE = "unbalanced_remittance"
    RECOUPMENT = "recoupment"
    POSTING_REVIEW = "posting_review"
    CMN_INVALID = "cmn_invalid"
    CMN_NEEDS_REVIEW = "cmn_needs_review"
    PORTAL_FAILURE = "portal_failure"


class RunStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"  # stopped by an error it could not recover from (portal down, password expired)
    ABANDONED = "abandoned"  # its runner stopped sending heartbeats (killed)


class UnitStatus(StrEnum):
    PENDING = "pending"
    LEASED = "leased"
    DONE = "done"  # finished by the robot alone
    EXCEPTION = "exception"  # finished by filing a queue item for a person
    FAILED = "failed"  # retries ran out (an RPA admin item was filed)


class _ItemRequired(TypedDict):
    idempotency_key: str
    kind: str  # a Kind's value


class Item(_ItemRequired, total=False):
    """An item as `POST /items` takes it (queue_server.api.schemas.ItemIn validates the same fields; a test
    keeps the two alike). Money as text with two decimals, dates as YYYY-MM-DD."""

    team: str
    source: str
    summary: str
    payer: str
    payer_type: str
    claim_number: str | None
    payer_claim_number: str | None
    account_number: str | None
    patient_name: str | None
    balance: str
    service_date_from: str | None
    service_date_to: str | None
    remittance_date: str | None
    reason_codes: list[str]
    deadline: str | None
    payload: dict[str, Any]


class ContractError(ValueError):
    """An item a robot built that the API would refuse: a programming error, caught before it leaves."""


def check_item(item: dict[str, Any]) -> None:
    """The item's fields are the API's and its kind, team and payer type are known; ContractError otherwise."""
    unknown = set(item) - set(Item.__annotations__) - set(_ItemRequired.__annotations__)
    if unknown:
        raise ContractError(f"item {item.get('idempotency_key')!r}: no such field(s) {', '.join(sorted(unknown))}")
    for name in _ItemRequired.__annotations__:
        if not item.get(name):
            raise ContractError(f"item {item.get('idempotency_key')!r}: {name} is required")
    for name, vocabulary in (("kind", Kind), ("team", Team), ("payer_type", PayerType)):
        if name in item and str(item[name]) not in {v.value for v in vocabulary}:
            raise ContractError(f"item {item.get('idempotency_key')!r}: unknown {name} {item[name]!r}")
