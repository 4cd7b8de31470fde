"""People's corrections handed back to the robot: the closed loop for values a robot read in doubt.

A biller checks the fields a robot could not trust against the document,
puts right what was misread, and hands the item back: it is resolved as
corrected, and the robot that filed it finishes the work with those values on
its next run, through its own idempotent path (`bots/robots/eob_posting.py`),
and reports whether the result read back as intended. One that did not hold
reopens the item with the robot's reason; either way the item's history says
who corrected what and what the robot made of it.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..domain.kinds import Kind, Team
from ..exceptions import Conflict, InvalidInput
from ..models import Correction, CorrectionState, EventType, User, WorkItem
from . import queue

# The kinds whose robot takes corrections back (the EOB robot posts, the CMN robot releases), and the outcome an
# item handed back is resolved with.
CORRECTABLE = {Kind.POSTING_REVIEW: "corrected_handed_back", Kind.CMN_NEEDS_REVIEW: "corrected_handed_back",
               Kind.CMN_INVALID: "corrected_handed_back"}
# What a person may not set: the readers' and rules' own verdicts, recomputed by the robot from the values.
VERDICTS = {"valid", "problems", "balanced", "document_type", "form", "review", "fields", "status"}
_INTS = {"units", "quantity", "length_of_need_months", "pao2_mmhg", "sao2_percent", "flow_rate_lpm", "q2_circumstance"}
_ANSWERS = {"portable", "q7_edema", "q8_cor_pulmonale", "q9_hematocrit"}
_CHOICES = {"condition": ("rest", "exercise", "sleep"), "certification_type": ("initial", "revised", "recertification")}
_MBI = re.compile(r"^[1-9][A-Z0-9]{10}$")
_ICD10 = re.compile(r"^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$")
MAX_FIELDS = 60
_MONEY = {"billed", "allowed", "deductible", "coinsurance", "paid", "patient_responsibility", "amount"}
_DATES = {"service_date", "dob", "date"}
_CODE = re.compile(r"^[A-Z]\d{4}$")
_SHORT_CODE = re.compile(r"^[A-Z0-9]{1,5}$")


def correctable(item: WorkItem) -> bool:
    """An item its robot takes back: a claim of a remittance, or a CMN or written order, as the robot read it."""
    extracted = (item.payload or {}).get("extracted")
    return item.kind in CORRECTABLE and isinstance(extracted, dict) and (
        isinstance(extracted.get("lines"), list) or extracted.get("document_type") in ("cmn", "swo"))


def may_correct(path: str) -> bool:
    """A value a person sets, not a verdict the robot draws from the values."""
    return bool(path) and not any(part in VERDICTS for part in path.split("."))


def _parts(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path ("lines.0.paid"); KeyError when there is none."""
    for part in _parts(path):
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict) and part in data:
            data = data[part]
        else:
            raise KeyError(path)
    return data


def _set(data: Any, path: str, value: Any) -> None:
    *head, last = _parts(path)
    for part in head:
        data = data[part]
    data[last] = value


def parse(path: str, text: str) -> Any:
    """A corrected value as the robot's data holds it, checked for the field's type; InvalidInput names the field."""
    parts = _parts(path)
    one_of_a_list = isinstance(parts[-1], int) and len(parts) > 1  # "hcpcs.0": one code of the list
    leaf = str(parts[-2] if one_of_a_list else parts[-1])
    raw = text.strip()
    try:
        if leaf in _MONEY:
            amount = Decimal(raw.replace(",", "").replace("$", ""))
            if amount != amount.quantize(Decimal("0.01")) or abs(amount) >= Decimal("1000000000"):
                raise InvalidOperation
            return f"{amount:.2f}"
        if leaf in _DATES or leaf.endswith("_date"):
            return dt.date.fromisoformat(raw).isoformat()
        if leaf in _INTS:
            number = int(raw)
            if not 0 <= number < 1000:
                raise ValueError
            return number
        if leaf == "procedure" or path.endswith(".hcpcs") or (leaf == "hcpcs" and one_of_a_list):
            if not _CODE.match(raw.upper()):
                raise ValueError
            return raw.upper()
        if leaf in ("modifiers", "remarks", "hcpcs", "icd10"):
            codes = [c for c in re.split(r"[\s,]+", raw.upper()) if c]
            pattern = {"hcpcs": _CODE, "icd10": _ICD10}.get(leaf, _SHORT_CODE)
            if not all(pattern.match(c) for c in codes):
                raise ValueError
            return codes
        if leaf == "mbi":
            mbi = re.sub(r"[\s-]", "", raw.upper())
            if not _MBI.match(mbi):
                raise ValueError
            return mbi
        if leaf in ("npi", "nsc"):
            if not re.fullmatch(r"\d{10}", raw):
                raise ValueError
            return raw
        if leaf in _ANSWERS:
            if raw.upper() not in ("Y", "N", "D"):
                raise ValueError
            return raw.upper()
        if leaf in _CHOICES:
            if raw.lower() not in _CHOICES[leaf]:
                raise ValueError
            return raw.lower()
        if leaf == "signature_present":
            if raw.lower() not in ("yes", "no", "true", "false"):
                raise ValueError
            return raw.lower() in ("yes", "true")
        if leaf in ("group", "reason"):
            if not _SHORT_CODE.match(raw.upper()):
                raise ValueError
            return raw.upper()
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{path}: {text!r} is not a valid {leaf.replace('_', ' ')}.",
                           details=[{"loc": [path], "msg": "invalid value"}]) from None
    if not raw or len(raw) > 120:
        raise InvalidInput(f"{path}: give a value of 1 to 120 characters.", details=[{"loc": [path], "msg": "length"}])
    return raw


def hand_back(session: Session, item: WorkItem, user: User, values: dict[str, str], note: str = "", *,
              now: dt.datetime | None = None) -> Correction:
    """Resolve the item as corrected with these values (path -> text as the document prints it) for its robot to
    finish with. Values equal to what the robot read confirm it; the others are corrections."""
    now = now or utcnow()
    queue.ensure_working(user, item, now)
    if not correctable(item):
        raise Conflict(f"{item.spec.label} items are not handed back to a robot.")
    if len(values) > MAX_FIELDS:
        raise InvalidInput(f"At most {MAX_FIELDS} fields at once.")
    extracted = item.payload["extracted"]
    changed: dict[str, dict[str, Any]] = {}
    for path, text in values.items():
        if not may_correct(path):
            raise InvalidInput(f"{path} is the robot's verdict, drawn again from the values; it is not set by hand.",
                               details=[{"loc": [path], "msg": "not a value"}])
        try:
            read = value_at(extracted, path)
        except KeyError:
            raise InvalidInput(f"The item has no field {path!r}.", details=[{"loc": [path], "msg": "no such field"}]) \
                from None
        if isinstance(read, (dict, list)) and not all(isinstance(v, str) for v in read):
            raise InvalidInput(f"{path} is not one value.", details=[{"loc": [path], "msg": "not a value"}])
        corrected = parse(path, text)
        if corrected != read:
            changed[path] = {"read": read, "corrected": corrected}
    correction = Correction(item_id=item.id, kind=item.kind, values=changed, corrected_by_id=user.id, created_at=now)
    session.add(correction)
    queue.record_event(session, item.id, EventType.CORRECTED, now, actor=user,
                       fields={p: [v["read"], v["corrected"]] for p, v in changed.items()})
    queue.resolve(session, item, user, CORRECTABLE[item.kind],
                  note or (f"{len(changed)} value(s) corrected" if changed else "the values read were confirmed"),
                  now=now)
    return correction


def corrected(correction: Correction) -> dict[str, Any]:
    """The item's extracted data with the corrections in it, the doubts lifted: what the robot finishes with."""
    data = copy.deepcopy(correction.item.payload.get("extracted") or {})
    for path, change in correction.values.items():
        _set(data, path, change["corrected"])
    data["review"] = []  # a person checked every field in doubt against the document and handed it back
    return data


def pending(session: Session, kinds: list[Kind], teams: frozenset[Team] | None = None,
            limit: int = 100) -> list[Correction]:
    query = (select(Correction).join(WorkItem, WorkItem.id == Correction.item_id)
             .where(Correction.state == CorrectionState.PENDING, Correction.kind.in_(kinds))
             .order_by(Correction.id).limit(limit))
    if teams:
        query = query.where(WorkItem.team.in_(teams))
    return list(session.scalars(query))


def finish(session: Session, correction: Correction, *, held: bool, detail: str, actor_label: str,
           now: dt.datetime | None = None) -> Correction:
    """The robot's report. Reported twice the same way, nothing changes (a retried request); a failure reopens
    the item with the robot's reason."""
    now = now or utcnow()
    state = CorrectionState.HELD if held else CorrectionState.FAILED
    if correction.state is not CorrectionState.PENDING:
        if correction.state is state:
            return correction
        raise Conflict(f"Correction #{correction.id} was already reported {correction.state.value}.")
    detail = " ".join(detail.split())[:1000]
    correction.state, correction.finished_at, correction.detail = state, now, detail
    queue.record_event(session, correction.item_id, EventType.ROBOT_APPLIED, now, actor_label=actor_label,
                       held=held, detail=detail, correction=correction.id)
    item = correction.item
    if not held and item.status.value == "resolved":
        queue.reopen(session, item, f"The robot could not finish with the corrected values: {detail or 'no reason given'}",
                     actor_label=actor_label, now=now)
    session.commit()
    return correction
