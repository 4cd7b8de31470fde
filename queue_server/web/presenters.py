"""Turn a robot's payload into rows a biller can read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..domain import codes

# Payload keys the item page lays out itself; the rest are shown as "other facts".
KNOWN_KEYS = ("findings", "extracted", "confidence", "review", "problems", "links")


@dataclass(frozen=True)
class FieldRow:
    path: str
    value: str
    confidence: float | None
    review: bool
    page: int | None = None  # where it was read (the extractor's `fields`), on the item's document
    box: str | None = None  # "x0,y0,x1,y1" as fractions of the page
    problems: tuple[str, ...] = ()  # what the rules found wrong with this field, in words

    @property
    def label(self) -> str:
        """"lines.0.adjustments.1.amount" -> "line 1 · adjustment 2 · amount"."""
        words: list[str] = []
        for part in self.path.split("."):
            if part.isdigit() and words:
                words[-1] = f"{_singular(words[-1])} {int(part) + 1}"
            else:
                words.append(part.replace("_", " "))
        return " · ".join(words)


_SINGULAR = {"claims": "claim", "lines": "line", "adjustments": "adjustment", "items": "item", "icd10": "ICD-10",
             "hcpcs": "HCPCS", "provider adjustments": "provider adjustment"}


def _singular(word: str) -> str:
    return _SINGULAR.get(word, word)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """{"patient": {"mbi": "1A"}, "hcpcs": ["E1390"]} -> [("patient.mbi", "1A"), ("hcpcs.0", "E1390")]."""
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, inner in value.items():
            rows.extend(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        rows = []
        for index, inner in enumerate(value):
            rows.extend(flatten(inner, f"{prefix}.{index}" if prefix else str(index)))
        return rows
    return [(prefix, value)]


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    return str(value)


# The contract's order of fields (docs/extract-contract.md): a payload stored as JSONB comes back with its keys
# sorted by length, so the page orders them itself. A name ranks the same at every level it appears.
_ORDER = {name: rank for rank, name in enumerate((
    "payer", "payee", "payment", "method", "number", "date", "amount", "document_type", "form", "certification_type",
    "initial_date", "revised_date", "recertification_date", "order_date", "patient", "patient_name", "name", "mbi",
    "dob", "address", "member_id", "account_number", "payer_claim_number", "id", "npi", "status", "supplier", "nsc",
    "physician", "practitioner", "place_of_service", "hcpcs", "items", "description", "quantity",
    "length_of_need_months", "icd10", "test", "pao2_mmhg", "sao2_percent", "condition", "q2_circumstance", "portable",
    "flow_rate_lpm", "q7_edema", "q8_cor_pulmonale", "q9_hematocrit", "signature_present", "signature_date",
    "claims", "service_date", "procedure", "modifiers", "units", "billed", "allowed", "deductible", "coinsurance",
    "paid", "patient_responsibility", "adjustments", "group", "reason", "remarks", "lines", "provider_adjustments",
    "reference", "valid", "balanced", "pages", "ocr"))}


def _order(path: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(part), "") if part.isdigit() else (1, _ORDER.get(part, len(_ORDER)), part)
                 for part in path.split("."))


def field_rows(payload: dict[str, Any]) -> list[FieldRow]:
    """The extracted fields with their confidence and whether a person must check them."""
    extracted = payload.get("extracted")
    if not isinstance(extracted, dict):
        return []
    confidence = payload.get("confidence") or extracted.get("confidence") or {}
    boxes = extracted.get("fields") if isinstance(extracted.get("fields"), dict) else {}
    review = set(payload.get("review") or extracted.get("review") or [])
    skip = {"review", "problems", "confidence", "fields"}
    concerns = _concerns(problems(payload))
    rows = []
    for path, value in flatten({k: v for k, v in extracted.items() if k not in skip}):
        found = boxes.get(path) if isinstance(boxes.get(path), dict) else {}
        conf = confidence.get(path) if isinstance(confidence, dict) else None
        if conf is None:
            conf = found.get("confidence")
        box = found.get("box")
        located = isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)
        rows.append(FieldRow(path, _text(value), float(conf) if isinstance(conf, (int, float)) else None,
                             in_doubt(path, review),
                             int(found["page"]) if located and isinstance(found.get("page"), int) else None,
                             ",".join(f"{float(v):.4f}" for v in box) if located else None,
                             tuple(words for prefix, words in concerns
                                   if path == prefix or path.startswith(prefix + "."))))
    return sorted(rows, key=lambda row: _order(row.path))


# The fields each problem the form rules find is about (docs/domain/medical-necessity.md), by path prefix.
_CONCERNS = {
    "MISSING_TEST_RESULT": ("test.pao2_mmhg", "test.sao2_percent"),
    "TEST_NOT_QUALIFYING": ("test.pao2_mmhg", "test.sao2_percent", "test.condition"),
    "TEST_DATE_OUT_OF_WINDOW": ("test.date", "initial_date"),
    "MISSING_SIGNATURE": ("signature_present",),
    "MISSING_SIGNATURE_DATE": ("signature_date",),
    "MISSING_HCPCS": ("hcpcs", "items"),
    "MISSING_LENGTH_OF_NEED": ("length_of_need_months",),
    "MISSING_PRACTITIONER_NPI": ("practitioner.npi", "physician.npi"),
}


def _concerns(found: list[str]) -> list[tuple[str, str]]:
    """(field path prefix, the problem in words) for each problem that concerns particular fields."""
    return [(prefix, codes.with_words(code)) for code in found for prefix in _CONCERNS.get(code, ())]


def problems_in_words(payload: dict[str, Any]) -> list[str]:
    """Every problem the readers and robots found, in words ("MISSING_SIGNATURE (no signature in ...)")."""
    return [codes.with_words(code) for code in problems(payload)]


def in_doubt(path: str, review: set[str]) -> bool:
    """Whether a review path covers the field: itself, a branch above it ("" is the whole), or an adjustment's
    code (its group and reason)."""
    if "" in review or path in review or any(path.startswith(r + ".") for r in review):
        return True
    head, _, leaf = path.rpartition(".")
    return leaf in ("group", "reason") and f"{head}.code" in review


def problems(payload: dict[str, Any]) -> list[str]:
    extracted = payload.get("extracted") if isinstance(payload.get("extracted"), dict) else {}
    found = list(payload.get("problems") or []) + list(extracted.get("problems") or [])
    return list(dict.fromkeys(str(p) for p in found))


def findings(payload: dict[str, Any]) -> list[str]:
    raw = payload.get("findings") or []
    if isinstance(raw, str):
        return [raw]
    return [str(f) for f in raw]


def other_facts(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """What else the robot recorded; a claim status code with its words ("F4 (finalized: adjudicated, no payment
    forthcoming)")."""
    return [(path.replace("_", " "), codes.with_words(value) if path.endswith("status_code") and isinstance(value, str)
             else _text(value))
            for path, value in flatten({k: v for k, v in payload.items() if k not in KNOWN_KEYS})]


def portal_link(payload: dict[str, Any]) -> str | None:
    """The payer portal's page the robot asked about this claim; only a web address is a link (a bot's payload
    is not trusted to hold one)."""
    links = payload.get("links")
    url = links.get("payer_portal") if isinstance(links, dict) else None
    return url if isinstance(url, str) and re.match(r"^https?://[^\s\"'<>]+$", url) else None


@dataclass(frozen=True)
class ClaimLine:
    service_date: str
    code: str  # HCPCS and modifiers
    units: str
    billed: str
    allowed: str
    paid: str
    adjustments: list[str]  # "CO-45 76.43", each with its words on the page
    remarks: list[str]


def claim_lines(payload: dict[str, Any]) -> list[ClaimLine]:
    """The service lines of the claim an item is about, as the remittance printed them (an item filed for one
    claim carries that claim; a whole remittance's item carries no one claim)."""
    extracted = payload.get("extracted")
    lines = extracted.get("lines") if isinstance(extracted, dict) else None
    if not isinstance(lines, list):
        return []
    out = []
    for line in lines[:50]:
        if not isinstance(line, dict):
            continue
        mods = line.get("modifiers") if isinstance(line.get("modifiers"), list) else []
        adjustments = [f"{a.get('group')}-{a.get('reason')} {a.get('amount')}" for a in line.get("adjustments") or []
                       if isinstance(a, dict)]
        out.append(ClaimLine(_text(line.get("service_date")), " ".join([_text(line.get("procedure")), *map(str, mods)]),
                             _text(line.get("units")), _text(line.get("billed")), _text(line.get("allowed")),
                             _text(line.get("paid")), adjustments,
                             [str(r) for r in line.get("remarks") or []]))
    return out
