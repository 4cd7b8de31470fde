"""The CMN robot releases a hold whose only doubts are the MBI and the ordered HCPCS when both read exactly as
the billing system has them; any other doubt, or a value that differs from the record, goes to a person."""

from __future__ import annotations

from typing import Any

from bots.robots.cmn_pull import unsettled

ORDER = {"order": "ORD-1", "mbi": "1VP0U96MJ24", "hcpcs": "K0001"}


def _swo(mbi: str | None, hcpcs: str, review: list[str]) -> dict[str, Any]:
    return {"document_type": "swo", "patient": {"name": "A, B", "mbi": mbi},
            "items": [{"hcpcs": hcpcs, "description": "STANDARD WHEELCHAIR", "quantity": 1}],
            "review": review, "problems": [], "valid": False}


def test_doubts_the_record_settles() -> None:
    assert unsettled(_swo("1VP0U96MJ24", "K0001", ["patient.mbi", "items.0.hcpcs"]), ORDER) == []
    cmn = {"document_type": "cmn", "patient": {"mbi": "1VP0U96MJ24"}, "hcpcs": ["E1390"], "review": ["hcpcs"]}
    assert unsettled(cmn, {**ORDER, "hcpcs": "E1390"}) == []


def test_a_value_that_differs_from_the_record_or_any_other_doubt_stays() -> None:
    assert unsettled(_swo("1VP0U56MJ24", "K0001", ["patient.mbi"]), ORDER) == ["patient.mbi"]
    assert unsettled(_swo("1VP0U96MJ24", "K6001", ["items.0.hcpcs"]), ORDER) == ["items.0.hcpcs"]
    assert unsettled(_swo(None, "K0001", ["patient.mbi"]), ORDER) == ["patient.mbi"]
    doubts = ["patient.mbi", "signature_present", "items.0.description"]
    assert unsettled(_swo("1VP0U96MJ24", "K0001", doubts), ORDER) == ["signature_present"]
    # A unit planned before the MBI was carried on it: nothing to compare with.
    assert unsettled(_swo("1VP0U96MJ24", "K0001", ["patient.mbi"]), {"hcpcs": "K0001"}) == ["patient.mbi"]
    cmn = {"document_type": "cmn", "patient": {"mbi": "1VP0U96MJ24"}, "hcpcs": ["E1390", "E0431"], "review": ["hcpcs"]}
    assert unsettled(cmn, {**ORDER, "hcpcs": "E1390"}) == ["hcpcs"]


def test_the_verdict_in_doubt_is_settled_with_the_fields_it_rests_on() -> None:
    """A reader lists `valid` and `problems` when a rule ran on a field in doubt; the record settling that field
    settles them, and they never hold a release back on their own."""
    from extractors.forms.rules import VERDICT_PATHS as readers

    from bots.robots.cmn_pull import VERDICT_PATHS as robots

    assert robots == readers
    doubts = ["patient.mbi", "valid", "problems"]
    assert unsettled(_swo("1VP0U96MJ24", "K0001", doubts), ORDER) == []
    assert unsettled(_swo("1VP0U96MJ24", "K0001", [*doubts, "signature_present"]), ORDER) == ["signature_present"]


def test_doubts_no_rule_reads_do_not_hold_a_release_back() -> None:
    # An item's description, whether oxygen is portable, a second ICD-10 code: no rule of cmn.md reads them.
    assert unsettled(_swo("1VP0U96MJ24", "K0001", ["patient.mbi", "items.0.description"]), ORDER) == []
    cmn = {"document_type": "cmn", "patient": {"mbi": "1VP0U96MJ24"}, "hcpcs": ["E1390"],
           "test": {"sao2_percent": 86}, "review": ["portable", "icd10", "q9_hematocrit", "patient.mbi"]}
    assert unsettled(cmn, {**ORDER, "hcpcs": "E1390"}) == []  # saturation 86 qualifies alone: q9 is moot
    group2 = {**cmn, "test": {"sao2_percent": 89}}
    assert unsettled(group2, {**ORDER, "hcpcs": "E1390"}) == ["q9_hematocrit"]  # at 89 the answers decide
