"""What the bots send and get back: pydantic models, also the OpenAPI schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, Field, StringConstraints, model_validator

from ..domain.kinds import Kind, PayerType, Status, Team
from ..services.intake import NewItem

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
ReasonCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


def _iso_date_only(value: Any) -> Any:
    """A date is sent as "YYYY-MM-DD": a number would be taken for seconds since 1970 (deadline 0 is 1970-01-01)."""
    if isinstance(value, (int, float)):  # bool is an int too
        raise ValueError("a date is sent as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


# Dollars and cents: what the document promises is what validation takes (a client generated from the document,
# or a fuzzer, learns the limits from it rather than from a 422).
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2), WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": r"^\s*-?[0-9]{1,10}(\.[0-9]{1,2})?\s*$"},
    {"type": "number", "minimum": -9999999999.99, "maximum": 9999999999.99, "multipleOf": 0.01}]})]


class _Strict(BaseModel):
    # An unknown field is a typo in a robot, not something to drop silently.
    model_config = ConfigDict(extra="forbid")


class ItemIn(_Strict):
    """One exception a robot could not finish."""

    idempotency_key: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="Stable key for this exception, e.g. `claim-status:C1234:2026-11-21`. "
                    "Posting the same key again returns the existing item.")
    kind: Kind
    team: Team | None = Field(None, description="Defaults to the team that owns the kind.")
    source: Short = Field("api", description="Which robot or step found it.")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    payer: Name | None = None
    payer_type: PayerType = PayerType.COMMERCIAL
    claim_number: Short | None = None
    payer_claim_number: Short | None = None
    account_number: Short | None = None
    patient_name: Name | None = Field(None, description="As printed, `LAST, FIRST`.")
    balance: Money = Field(Decimal("0.00"), description="Open balance in dollars; a string such as \"1234.50\" is best.")
    service_date_from: IsoDate | None = None
    service_date_to: IsoDate | None = None
    remittance_date: IsoDate | None = None
    reason_codes: list[ReasonCode] = Field(default_factory=list, max_length=50)
    deadline: IsoDate | None = Field(None, description="Overrides the deadline computed from the payer rules.")
    payload: dict[str, Any] = Field(default_factory=dict, description=(
        "The robot's findings, shown to the biller: `findings` (list of sentences), "
        "`extracted` (the extractor's JSON), `confidence` ({dotted path: 0..1}), anything else as key/value."))

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ItemIn":
        if self.service_date_from and self.service_date_to and self.service_date_to < self.service_date_from:
            raise ValueError("service_date_to is before service_date_from")
        if not self.balance.is_finite():
            raise ValueError("balance must be a number")
        return self

    def to_new_item(self) -> NewItem:
        return NewItem(**self.model_dump())


class BatchIn(_Strict):
    items: list[ItemIn] = Field(min_length=1)


class ItemRef(BaseModel):
    id: int
    idempotency_key: str
    created: bool
    status: Status
    url: str


class BatchOut(BaseModel):
    created: int
    existing: int
    results: list[ItemRef]


class ItemOut(BaseModel):
    id: int
    idempotency_key: str
    kind: Kind
    team: Team
    status: Status
    outcome: str | None
    resolved_at: dt.datetime | None
    reopen_count: int
    snoozed_until: dt.date | None
    deadline: dt.date | None
    deadline_rule: str
    sla_due: dt.datetime
    balance: str
    claim_number: str | None
    payer_claim_number: str | None
    account_number: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    attachments: list[dict[str, Any]]


class ReopenIn(_Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class AttachmentOut(BaseModel):
    id: int
    item_id: int
    filename: str
    label: str
    content_type: str
    size: int
    sha256: str


class ErrorDetail(BaseModel):
    loc: list[str | int]
    msg: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody
