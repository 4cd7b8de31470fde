"""Turn a robot's payload into rows a biller can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Payload keys the item page lays out itself; the rest are shown as "other facts".
KNOWN_KEYS = ("findings", "extracted", "confidence", "review", "problems")


@dataclass(frozen=True)
class FieldRow:
    path: str
    value: str
    confidence: float | None
    review: bool


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


def field_rows(payload: dict[str, Any]) -> list[FieldRow]:
    """The extracted fields with their confidence and whether a person must check them."""
    extracted = payload.get("extracted")
    if not isinstance(extracted, dict):
        return []
    confidence = payload.get("confidence") or extracted.get("confidence") or {}
    review = set(payload.get("review") or extracted.get("review") or [])
    skip = {"review", "problems", "confidence"}
    rows = []
    for path, value in flatten({k: v for k, v in extracted.items() if k not in skip}):
        conf = confidence.get(path) if isinstance(confidence, dict) else None
        rows.append(FieldRow(path, _text(value), float(conf) if isinstance(conf, (int, float)) else None,
                             path in review or any(path.startswith(r + ".") for r in review)))
    return rows


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
    return [(path, _text(value)) for path, value in flatten({k: v for k, v in payload.items()
                                                           if k not in KNOWN_KEYS})]
