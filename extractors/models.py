"""The extraction contract (docs/extract-contract.md) as pydantic models.

Money is Decimal and serialises as a string with two decimals; dates as ISO;
`model_dump(mode="json")` is the contract's JSON.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

Money = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldBox(_Model):
    """Where a field was read: its page (1-based), its box as fractions of the page from the top left
    (x0, y0, x1, y1), and how sure the reading of those glyphs was (0..1; None where the box is the row's)."""

    page: int
    box: list[float]
    confidence: float | None = None


class Common(_Model):
    problems: list[str] = Field(default_factory=list)
    review: list[str] = Field(default_factory=list)
    pages: int = 0
    ocr: bool = False
    fields: dict[str, FieldBox] = Field(default_factory=dict)


class Payer(_Model):
    name: str | None = None
    id: str | None = None


class Payee(_Model):
    name: str | None = None
    npi: str | None = None


class Payment(_Model):
    method: str | None = None
    number: str | None = None
    date: dt.date | None = None
    amount: Money | None = None


class Adjustment(_Model):
    group: str
    reason: str
    amount: Money


class ServiceLine(_Model):
    service_date: dt.date | None = None
    place_of_service: str | None = None
    procedure: str | None = None
    modifiers: list[str] = Field(default_factory=list)
    units: int | None = None
    billed: Money = Decimal("0.00")
    allowed: Money = Decimal("0.00")
    deductible: Money = Decimal("0.00")
    coinsurance: Money = Decimal("0.00")
    paid: Money = Decimal("0.00")
    adjustments: list[Adjustment] = Field(default_factory=list)
    remarks: list[str] = Field(default_factory=list)


class RemittanceClaim(_Model):
    patient_name: str | None = None
    member_id: str | None = None
    account_number: str | None = None
    payer_claim_number: str | None = None
    status: Literal["paid", "denied", "reversed"] = "paid"
    billed: Money = Decimal("0.00")
    allowed: Money = Decimal("0.00")
    paid: Money = Decimal("0.00")
    patient_responsibility: Money = Decimal("0.00")
    lines: list[ServiceLine] = Field(default_factory=list)


class ProviderAdjustment(_Model):
    reason: str
    reference: str | None = None
    member_id: str | None = None
    amount: Money


class Remittance(Common):
    document_type: Literal["remittance"] = "remittance"
    payer: Payer = Field(default_factory=Payer)
    payee: Payee = Field(default_factory=Payee)
    payment: Payment = Field(default_factory=Payment)
    claims: list[RemittanceClaim] = Field(default_factory=list)
    provider_adjustments: list[ProviderAdjustment] = Field(default_factory=list)
    balanced: bool = False


class CmnPatient(_Model):
    name: str | None = None
    mbi: str | None = None
    dob: dt.date | None = None
    address: str | None = None


class Supplier(_Model):
    name: str | None = None
    nsc: str | None = None


class Practitioner(_Model):
    name: str | None = None
    npi: str | None = None


class OxygenTest(_Model):
    pao2_mmhg: int | None = None
    sao2_percent: int | None = None
    date: dt.date | None = None
    condition: Literal["rest", "exercise", "sleep"] | None = None


class Cmn(Common):
    document_type: Literal["cmn"] = "cmn"
    form: str = "CMS-484"
    certification_type: Literal["initial", "revised", "recertification"] | None = None
    initial_date: dt.date | None = None
    revised_date: dt.date | None = None
    recertification_date: dt.date | None = None
    patient: CmnPatient = Field(default_factory=CmnPatient)
    supplier: Supplier = Field(default_factory=Supplier)
    physician: Practitioner = Field(default_factory=Practitioner)
    place_of_service: str | None = None
    hcpcs: list[str] = Field(default_factory=list)
    length_of_need_months: int | None = None
    icd10: list[str] = Field(default_factory=list)
    test: OxygenTest = Field(default_factory=OxygenTest)
    q2_circumstance: int | None = None
    portable: Literal["Y", "N", "D"] | None = None
    flow_rate_lpm: int | None = None
    q7_edema: Literal["Y", "N", "D"] | None = None
    q8_cor_pulmonale: Literal["Y", "N", "D"] | None = None
    q9_hematocrit: Literal["Y", "N", "D"] | None = None
    signature_present: bool = False
    signature_date: dt.date | None = None
    valid: bool = False


class SwoPatient(_Model):
    name: str | None = None
    mbi: str | None = None


class SwoItem(_Model):
    hcpcs: str | None = None
    description: str | None = None
    quantity: int | None = None


class Swo(Common):
    document_type: Literal["swo"] = "swo"
    order_date: dt.date | None = None
    patient: SwoPatient = Field(default_factory=SwoPatient)
    items: list[SwoItem] = Field(default_factory=list)
    practitioner: Practitioner = Field(default_factory=Practitioner)
    signature_present: bool = False
    valid: bool = False


Document = Remittance | Cmn | Swo
