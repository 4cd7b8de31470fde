"""CMN pull: for each order on CMN/prescription hold, fetch the physician's document, check it, release or route.

A hold is released only when the extractor says `valid` (every cmn.md rule
holds and no field its rules read is in doubt), or when the only such fields
in doubt are ones the supplier's own record settles: the patient's MBI on the
hold, and the ordered HCPCS, read exactly as the billing system has them. Anything else goes to the
documentation team with the problems, the fields under review and the scan.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from extractors.forms.rules import DEFAULT_RULES
from extractors.models import Cmn, Swo

from ..errors import BillingRefused
from ..payers import PAYERS
from ..portals.faxvault import FaxVaultSession
from ..portals.medibill import MediBillSession
from ..runtime.checkpoints import Unit
from .base import Attachment, Filing, NightContext, Outcome, Robot, Worker
from .extraction import extract_bytes


# The fields a reader lists when the rules' answer rests on a field in doubt (extractors.forms.rules, a test keeps
# them alike; the robots do not import the readers, which run in their own processes).
VERDICT_PATHS = ("valid", "problems")


Form = Cmn | Swo
# A fax as read: the extractor's JSON, the file, and its name on the item.
_Fax = tuple[dict[str, Any], bytes, str]


def as_form(document: dict[str, Any]) -> Form | None:
    """The extractor's JSON as its model (a CMN or an order); None for a document of no known kind."""
    model = {"cmn": Cmn, "swo": Swo}.get(document.get("document_type", ""))
    return None if model is None else model.model_validate({k: v for k, v in document.items() if k in model.model_fields})


def _codes(form: Form | None) -> list[str]:
    if form is None:
        return []
    if isinstance(form, Cmn):
        return [c.upper() for c in form.hcpcs]
    return [(i.hcpcs or "").upper() for i in form.items]


def _letters(name: str | None) -> str:
    return re.sub(r"[^A-Z]", "", (name or "").upper())


def mbi_one_glyph_off(document: dict[str, Any], order: dict[str, Any]) -> bool:
    """The MBI read differs from the patient's on file in one glyph, on a CMN that names the patient on file by
    name and date of birth, both read surely: the document is that patient's, and the glyph a misread (a 9
    faxed as a 0). Another patient of the same name and birth date whose MBI is one glyph away is not a
    chance worth a thought."""
    form = as_form(document)
    record, review = order.get("mbi") or "", set(document.get("review") or [])
    if not isinstance(form, Cmn) or not form.patient.mbi or not record or not order.get("dob"):
        return False
    if {"patient.name", "patient.dob"} & review or len(form.patient.mbi) != len(record):
        return False
    return (sum(a != b for a, b in zip(form.patient.mbi, record)) == 1
            and _letters(form.patient.name) == _letters(order.get("patient"))
            and form.patient.dob is not None and form.patient.dob.isoformat() == order["dob"])


def unsettled(document: dict[str, Any], order: dict[str, Any]) -> list[str]:
    """The document's fields in doubt that the billing system's record does not settle.

    A faxed MBI or HCPCS the extractor could not be sure of (a 9 that read as an O, a dotted zero) is
    settled when what was read is exactly what the supplier has on file for this patient and order: a
    misread that lands on the very value on record does not happen by chance; an MBI one glyph off the
    record on a CMN that bears the patient's name and date of birth (`mbi_one_glyph_off`). Nothing else is
    settled.
    """
    form = as_form(document)
    codes = _codes(form)
    mbi = form.patient.mbi if form is not None else None
    left = []
    for path in (DEFAULT_RULES.rests_on(form) if form is not None else list(document.get("review") or [])):
        if path in VERDICT_PATHS:
            continue  # the rules' answer, in doubt because a field is: settled when every field is
        if path == "patient.mbi" and order.get("mbi") and (mbi == order["mbi"] or mbi_one_glyph_off(document, order)):
            continue
        item = re.fullmatch(r"items\.(\d+)\.hcpcs", path)
        if item and int(item.group(1)) < len(codes) and codes[int(item.group(1))] == order["hcpcs"].upper():
            continue
        if path == "hcpcs" and isinstance(form, Cmn) and codes == [order["hcpcs"].upper()]:
            continue
        left.append(path)
    return left


class CmnPullRobot(Robot):
    name = "cmns"
    portals = ("billing", "documents")

    async def plan(self, ctx: NightContext, worker: Worker) -> list[tuple[str, dict[str, Any]]]:
        billing: MediBillSession = worker["billing"]  # type: ignore[assignment]
        holds = await billing.holds("cmn")
        # Documents a person checked (and corrected where misread) and handed back: their order's unit finishes
        # with those values instead of reading the fax again.
        corrected: dict[str, dict[str, Any]] = {}
        for kind in ("cmn_needs_review", "cmn_invalid"):
            for correction in await asyncio.to_thread(ctx.queue.pending_corrections, kind):
                corrected.setdefault(correction.get("order") or "", correction)
        on_hold = {h.order_number for h in holds}
        for order, correction in corrected.items():
            if order not in on_hold:  # released (or cancelled) by hand since: nothing left for the robot to do
                await asyncio.to_thread(ctx.queue.report_correction, correction["id"], False,
                                        f"order {order or '(none)'} is no longer on CMN hold in the billing system")
        return [(h.order_number, {"order": h.order_number, "account": h.account, "patient": h.patient,
                                  "dob": h.dob.isoformat() if h.dob else None, "mbi": h.mbi, "hcpcs": h.hcpcs,
                                  "opened_on": h.opened_on.isoformat(),
                                  "portal": "documents", **({"correction": corrected[h.order_number]}
                                                            if h.order_number in corrected else {})})
                for h in holds]

    async def work(self, ctx: NightContext, worker: Worker, unit: Unit) -> Outcome:
        data = unit.data
        if data.get("correction"):
            return await self._finish_correction(ctx, worker, data)
        billing: MediBillSession = worker["billing"]  # type: ignore[assignment]
        item = {"source": self.name, "account_number": data["account"], "patient_name": data["patient"],
                "payer": PAYERS["medicare"].name, "payer_type": PAYERS["medicare"].type.value}
        chosen, readable = await self._fax_for(ctx, worker, data)
        if chosen is None and readable:
            # No document names the ordered item (it may be misread): the newest fax for the patient goes to a
            # person with everything the robot saw; nothing is released on a guess.
            document, raw, filename = readable[0]
            findings = [f"No fax names {data['hcpcs']} with certainty; the newest fax for the patient is attached",
                        *(f"Problem: {p}" for p in document["problems"]),
                        *(f"Field in doubt: {r}" for r in document["review"])]
            return Outcome(filings=[Filing({**item, "idempotency_key": f"cmn_needs_review:{data['order']}",
                                            "kind": "cmn_needs_review",
                                            "summary": f"Order {data['order']} ({data['hcpcs']}): document not matched "
                                                       "with certainty",
                                            "reason_codes": [p[:40] for p in document["problems"]][:50],
                                            "payload": {"findings": findings[:40], "extracted": document,
                                                        "order": data["order"], "hcpcs": data["hcpcs"]}},
                                           [Attachment(f[2], f[1], "fax") for f in readable[:3]])],
                           totals={"holds_checked": 1})
        if chosen is None:
            return Outcome(filings=[Filing({**item, "idempotency_key": f"cmn_invalid:{data['order']}", "kind": "cmn_invalid",
                                            "summary": f"No CMN or order for {data['hcpcs']} in the fax inbox",
                                            "reason_codes": ["NO_DOCUMENT"],
                                            "payload": {"findings": [f"Order {data['order']} on hold since {data['opened_on']}"]}})],
                           totals={"holds_checked": 1})
        document, raw, filename = chosen
        form = as_form(document)
        assert form is not None  # chosen: it names the ordered HCPCS, so it is a CMN or an order
        label = "CMN" if isinstance(form, Cmn) else "written order"
        settled_by_record = not form.valid and not form.problems and not unsettled(document, data)
        if form.valid or settled_by_record:
            note = f"RPA {ctx.night}: {label} received and valid ({filename}); released"
            if settled_by_record:
                note += "; " + ", ".join(form.review) + " read in doubt and matched the order on file"
                if mbi_one_glyph_off(document, data):
                    note += " (the MBI one glyph off the patient's, whose name and date of birth the CMN bears)"
            try:
                released = await billing.release_once(data["order"], note)
            except BillingRefused as exc:  # a valid document, but the hold stays: a person releases it
                return Outcome(filings=[Filing({**item, "idempotency_key": f"cmn_needs_review:{data['order']}",
                                                "kind": "cmn_needs_review",
                                                "summary": f"{label} for order {data['order']} is valid, but MediBill "
                                                           f"refused to release the hold: {exc}"[:500],
                                                "payload": {"findings": [f"MediBill answered: {exc}",
                                                                         "Release the hold by hand"],
                                                            "extracted": document, "order": data["order"],
                                                            "hcpcs": data["hcpcs"]}},
                                               [Attachment(filename, raw, "fax")])],
                               totals={"holds_checked": 1, "releases_refused": 1})
            return Outcome(totals={"holds_checked": 1, "holds_released": 1 if released else 0})
        # Problems found on a field in doubt are themselves in doubt ("problems" under review): a person reads the
        # document before anyone is told it is invalid.
        kind = "cmn_invalid" if form.problems and "problems" not in form.review else "cmn_needs_review"
        findings = [f"Problem: {p}" for p in form.problems] + [f"Field in doubt: {r}" for r in form.review]
        return Outcome(filings=[Filing({**item, "idempotency_key": f"{kind}:{data['order']}", "kind": kind,
                                        "summary": f"{label} for order {data['order']} "
                                                   + ("is invalid: " + ", ".join(form.problems)
                                                      if kind == "cmn_invalid" else "could not be read with certainty"),
                                        "reason_codes": form.problems[:50],
                                        "payload": {"findings": findings[:40], "extracted": document,
                                                    "order": data["order"], "hcpcs": data["hcpcs"]}},
                                       [Attachment(filename, raw, "fax")])],
                       totals={"holds_checked": 1})


    @staticmethod
    async def _fax_for(ctx: NightContext, worker: Worker, data: dict[str, Any]) -> tuple[_Fax | None, list[_Fax]]:
        """The patient's newest fax that names the ordered HCPCS, and the ones read before it that did not."""
        faxes: FaxVaultSession = worker["documents"]  # type: ignore[assignment]
        readable: list[_Fax] = []
        for row in await faxes.documents_of(data["account"]):  # newest first
            raw, kind = await faxes.download(row.href)
            suffix = ".tif" if kind == "image/tiff" else ".pdf"
            document = await extract_bytes(ctx, raw, suffix)
            found = (document, raw, f"FAX-{row.doc_id:06d}{suffix}")
            if data["hcpcs"].upper() in _codes(as_form(document)):
                return found, readable
            readable.append(found)
        return None, readable

    async def _finish_correction(self, ctx: NightContext, worker: Worker, data: dict[str, Any]) -> Outcome:
        """The document as a person checked and corrected it: the rules drawn again from its values, the order on
        file compared, the hold released when it is valid and for this order; the item is told whether it held."""
        correction = data["correction"]
        form = as_form(correction["extracted"])
        problems: list[str] = []
        if form is None:
            problems = ["the document is of no known kind"]
        else:
            problems = DEFAULT_RULES.cmn_problems(form) if isinstance(form, Cmn) else DEFAULT_RULES.swo_problems(form)
            if data["hcpcs"].upper() not in _codes(form):
                problems.append(f"it does not name the ordered {data['hcpcs']}")
            mbi = form.patient.mbi
            if mbi and data.get("mbi") and mbi != data["mbi"]:
                problems.append(f"its MBI {mbi} is not the patient's on file")
        if problems:
            detail = "still not valid with the corrected values: " + "; ".join(problems)
            await asyncio.to_thread(ctx.queue.report_correction, correction["id"], False, detail[:1000])
            return Outcome(totals={"holds_checked": 1, "corrections": 1, "corrections_failed": 1})
        label = "CMN" if isinstance(form, Cmn) else "written order"
        note = (f"RPA {ctx.night}: {label} checked by {correction['corrected_by']} (queue item #{correction['item_id']}), "
                "valid; released")
        billing: MediBillSession = worker["billing"]  # type: ignore[assignment]
        try:
            released = await billing.release_once(data["order"], note)
        except BillingRefused as exc:
            await asyncio.to_thread(ctx.queue.report_correction, correction["id"], False,
                                    f"valid, but MediBill refused to release the hold: {exc}"[:1000])
            return Outcome(totals={"holds_checked": 1, "corrections": 1, "corrections_failed": 1})
        await asyncio.to_thread(ctx.queue.report_correction, correction["id"], True,
                                f"valid with the corrected values; hold on order {data['order']} "
                                + ("released" if released else "was released already"))
        return Outcome(totals={"holds_checked": 1, "holds_released": 1 if released else 0, "corrections": 1,
                               "corrections_held": 1})
