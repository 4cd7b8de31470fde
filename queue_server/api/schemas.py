"""What the bots send and get back: pydantic models, also the OpenAPI schemas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, WithJsonSchema, Field, StringConstraints, model_validator

from ..domain.kinds import Kind, PayerType, Status, Team
from ..models.robots import RunStatus
from ..services.intake import NewItem

# At least one character that is not whitespace, as Python's strip() sees it (it also strips \x1c-\x1f and \x85,
# which a JSON Schema \s does not name): a field the document says is valid is never emptied by the stripping.
VISIBLE = r"[^\s\x1c-\x1f\x85]"
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=VISIBLE)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=VISIBLE)]
ReasonCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=VISIBLE)]


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

    idempotency_key: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200,
                                                      pattern=VISIBLE)] = Field(
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
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=VISIBLE)]


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


# --- the robots' nights (api/robot_work.py) ------------------------------------------------------------
Runner = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=VISIBLE)]
UnitKey = Annotated[str, StringConstraints(min_length=1, max_length=120)]
def _whole_number(value: Any) -> Any:
    """A JSON integer (1, or 1.0: JSON does not tell them apart), never a string or true: "5" is not a count."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a whole number, sent as a JSON number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("a whole number")
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Count = Annotated[int, Field(ge=0), BeforeValidator(_whole_number)]
LeaseSeconds = Annotated[int, Field(ge=1, le=86_400), BeforeValidator(_whole_number)]


class RunnerIn(_Strict):
    runner: Runner


class RunIn(RunnerIn):
    pass


class RunUpdateIn(_Strict):
    """A run's heartbeat (nothing but `{}`), its figures as it goes, or its end (`finished`)."""

    status: RunStatus | None = None
    error: Annotated[str, StringConstraints(max_length=4000)] | None = None
    finished: StrictBool = False
    exceptions_filed: Count | None = None
    units_done: Count | None = None
    units_exception: Count | None = None
    units_failed: Count | None = None
    totals: dict[str, Any] | None = None


class UnitIn(_Strict):
    key: UnitKey
    data: dict[str, Any] = Field(default_factory=dict)


class PlanIn(_Strict):
    units: list[UnitIn] = Field(max_length=20_000)


class PlannedIn(_Strict):
    count: Count


class FinishedBeforeIn(_Strict):
    keys: list[UnitKey] = Field(max_length=20_000)


class LeaseIn(RunnerIn):
    run_id: WholeNumber | None = None
    skip_portals: list[Annotated[str, StringConstraints(max_length=40)]] = Field(default_factory=list, max_length=20)
    lease_seconds: LeaseSeconds = 300


class ExtendIn(RunnerIn):
    lease_seconds: LeaseSeconds = 300


class ProgressIn(RunnerIn):
    result: dict[str, Any]
    lease_seconds: LeaseSeconds = 300


class UnitFinishIn(RunnerIn):
    status: Literal["done", "exception", "failed"]  # how a unit ends (UnitStatus's finished values)
    result: dict[str, Any] = Field(default_factory=dict)


class UnitOut(BaseModel):
    id: int
    key: str
    data: dict[str, Any]
    result: dict[str, Any]
    attempts: int


# --- people's corrections handed back to the robots (api/routes.py, services/corrections.py) ---------------
class CorrectionOut(BaseModel):
    id: int
    item_id: int
    kind: Kind
    idempotency_key: str  # the item's: says which claim of which check
    payer: str | None
    remittance_date: dt.date | None
    state: Literal["pending", "held", "failed"]
    values: dict[str, Any]  # {path: {"read": ..., "corrected": ...}}
    corrected_by: str
    detail: str
    extracted: dict[str, Any]  # the item's extracted data with the corrections in it, doubts lifted
    check: str | None  # the check the item's claim was paid on, where the item says
    order: str | None  # the order whose hold the item's CMN or written order is for, where the item says


class CorrectionReportIn(_Strict):
    held: StrictBool
    detail: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
