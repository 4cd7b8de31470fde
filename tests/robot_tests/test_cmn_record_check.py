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


class _Billing:
    def __init__(self) -> None:
        self.released: list[tuple[str, str]] = []

    async def release_once(self, order: str, note: str) -> bool:
        already = any(o == order for o, _ in self.released)
        if not already:
            self.released.append((order, note))
        return not already


class _Queue:
    def __init__(self) -> None:
        self.reports: list[tuple[int, bool, str]] = []

    def report_correction(self, correction_id: int, held: bool, detail: str = "") -> dict[str, Any]:
        self.reports.append((correction_id, held, detail))
        return {}


def _finish(document: dict[str, Any]) -> tuple[_Billing, _Queue]:
    import asyncio
    import datetime as dt
    from pathlib import Path

    from bots.robots.base import NightContext, Worker
    from bots.robots.cmn_pull import CmnPullRobot
    from bots.runtime.checkpoints import Unit

    billing, queue = _Billing(), _Queue()

    class Saves:
        def __init__(self) -> None:
            self.queue = queue

    correction = {"id": 3, "item_id": 30, "corrected_by": "dee", "extracted": document, "order": "ORD-1"}
    unit = Unit(1, "ORD-1", {**ORDER, "account": "100001-1", "patient": "A, B", "opened_on": "2026-11-01",
                             "portal": "documents", "correction": correction}, {}, 1)
    ctx = NightContext(dt.date(2026, 11, 20), Saves(), None, Path("."))  # type: ignore[arg-type]
    asyncio.run(CmnPullRobot().work(ctx, Worker(sessions={"billing": billing}), unit))  # type: ignore[dict-item]
    return billing, queue


def test_an_order_a_person_checked_is_released_when_its_corrected_values_are_valid() -> None:
    # The MBI read "1VP0U9GMJ24" on the fax; the documentation team corrected it to what the page prints.
    checked = {**_swo("1VP0U96MJ24", "K0001", []), "order_date": "2026-10-30", "signature_present": True,
               "practitioner": {"name": "OYELARAN, FUNMI", "npi": "2391500081"}}
    billing, queue = _finish(checked)
    assert [o for o, _ in billing.released] == ["ORD-1"] and "checked by dee" in billing.released[0][1]
    assert queue.reports == [(3, True, "valid with the corrected values; hold on order ORD-1 released")]


def test_a_corrected_order_still_invalid_or_for_another_patient_is_not_released() -> None:
    unsigned = {**_swo("1VP0U96MJ24", "K0001", []), "order_date": "2026-10-30", "signature_present": False,
                "practitioner": {"name": "OYELARAN, FUNMI", "npi": "2391500081"}}
    billing, queue = _finish(unsigned)
    assert billing.released == [] and queue.reports[0][1] is False and "MISSING_SIGNATURE" in queue.reports[0][2]
    other = {**unsigned, "signature_present": True, "patient": {"name": "A, B", "mbi": "2VP0U96MJ24"}}
    billing, queue = _finish(other)
    assert billing.released == [] and "not the patient's on file" in queue.reports[0][2]


def _routed(document: dict[str, Any]) -> tuple[_Billing, list[Any]]:
    import asyncio
    import datetime as dt
    from pathlib import Path

    from bots.robots.base import NightContext, Worker
    from bots.robots.cmn_pull import CmnPullRobot
    from bots.runtime.checkpoints import Unit

    billing = _Billing()
    robot = CmnPullRobot()

    async def fax_for(ctx: Any, worker: Any, data: Any) -> Any:
        return (document, b"%PDF-", "fax-1.pdf"), [(document, b"%PDF-", "fax-1.pdf")]

    robot._fax_for = fax_for  # type: ignore[method-assign]
    unit = Unit(1, "ORD-1", {**ORDER, "account": "100001-1", "patient": "A, B", "opened_on": "2026-11-01",
                             "portal": "documents"}, {}, 1)
    ctx = NightContext(dt.date(2026, 11, 20), None, None, Path("."))  # type: ignore[arg-type]
    outcome = asyncio.run(robot.work(ctx, Worker(sessions={"billing": billing}), unit))  # type: ignore[dict-item]
    return billing, outcome.filings


def test_problems_found_on_a_field_in_doubt_go_for_review_not_as_invalid() -> None:
    """A signature date the fax lost is "missing" only as far as the reader could tell: the documentation team
    reads the document before anyone is told it is invalid (and asks the physician for a new one)."""
    unread = {**_swo("1VP0U96MJ24", "K0001", ["order_date", "valid", "problems"]), "signature_present": True,
              "practitioner": {"name": "OYELARAN, FUNMI", "npi": "2391500081"}, "order_date": None,
              "problems": ["MISSING_ORDER_DATE"]}
    billing, [filing] = _routed(unread)
    assert billing.released == [] and filing.item["kind"] == "cmn_needs_review"
    assert filing.item["summary"].endswith("could not be read with certainty")
    # Read surely and still missing: invalid, as before.
    sure = {**unread, "review": []}
    billing, [filing] = _routed(sure)
    assert billing.released == [] and filing.item["kind"] == "cmn_invalid"
    assert "is invalid: MISSING_ORDER_DATE" in filing.item["summary"]


def _cmn(mbi: str, review: list[str], name: str = "A, B", dob: str = "1944-02-03") -> dict[str, Any]:
    return {"document_type": "cmn", "patient": {"name": name, "mbi": mbi, "dob": dob}, "hcpcs": ["E1390"],
            "test": {"sao2_percent": 86}, "review": review}


def test_an_mbi_one_glyph_off_is_settled_by_the_patients_name_and_birth_date_read_surely() -> None:
    order = {**ORDER, "hcpcs": "E1390", "patient": "A, B", "dob": "1944-02-03"}
    # A 9 faxed as a 0, on a CMN that bears the patient's name and birth date: the patient's document.
    assert unsettled(_cmn("1VP0U06MJ24", ["patient.mbi"]), order) == []
    # Two glyphs off, another birth date, another name, or either of them read in doubt: a person looks.
    assert unsettled(_cmn("1VP0U06MJ25", ["patient.mbi"]), order) == ["patient.mbi"]
    assert unsettled(_cmn("1VP0U06MJ24", ["patient.mbi"], dob="1944-02-08"), order) == ["patient.mbi"]
    assert unsettled(_cmn("1VP0U06MJ24", ["patient.mbi"], name="A, C"), order) == ["patient.mbi"]
    assert unsettled(_cmn("1VP0U06MJ24", ["patient.mbi", "patient.dob"]), order) == ["patient.mbi"]
    assert unsettled(_cmn("1VP0U06MJ24", ["patient.mbi", "patient.name"]), order) == ["patient.mbi"]
    # A hold without the birth date (a unit planned before it was read off the hold): nothing to settle with.
    assert unsettled(_cmn("1VP0U06MJ24", ["patient.mbi"]), {**order, "dob": None}) == ["patient.mbi"]
    # Orders bear no birth date: an order's MBI is settled only by reading exactly the record's.
    assert unsettled(_swo("1VP0U06MJ24", "K0001", ["patient.mbi"]), {**ORDER, "dob": "1944-02-03"}) == ["patient.mbi"]
