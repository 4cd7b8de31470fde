"""The commercial payer's EOB layout (Blue River Health Plan): a claim per block, labels instead of columns."""

from __future__ import annotations

import re
from typing import Iterable

from ..models import Adjustment, Payee, Payer, Payment, ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from .common import AMT, compact, money, status_for, us_date

MARKER = "PROVIDER EXPLANATION OF BENEFITS"

_PAYER = re.compile(rf"^(?P<payer>.+?) - {MARKER}$")
_PAYEE = re.compile(r"^Payee: (?P<name>.+?) NPI: ?(?P<npi>\d{10})$")
_PAYMENT = re.compile(r"^Payment Date: (?P<date>\d\d/\d\d/\d{4}) Payment Number: (?P<number>\d+) "
                      r"Payment Method: (?P<method>[A-Z]+)$")
_AMOUNT = re.compile(rf"^Payment Amount: \$?(?P<amount>{AMT})$")
_PATIENT = re.compile(r"^Patient: (?P<name>.+?) Member ID: (?P<member>\S*) ?Claim Number: (?P<number>\S*) ?"
                      r"Patient Account: (?P<account>\S+)$")
_COLUMNS = re.compile(r"^Service Dates Code")
_LINE = re.compile(rf"^(?P<frm>\d\d/\d\d/\d\d)-(?P<to>\d\d/\d\d/\d\d) (?P<code>[A-Z]\d{{4}})(?P<mods>(?: [A-Z0-9]{{2}}){{0,4}}) "
                   rf"(?P<units>\d+) (?P<billed>{AMT}) (?P<allowed>{AMT}) (?P<deduct>{AMT}) (?P<coins>{AMT}) "
                   rf"(?P<paid>{AMT})(?: (?P<adjs>.+))?$")
_ADJ = re.compile(rf"^(?P<grp>[A-Z]{{2}})-(?P<rc>[A-Z0-9]+) (?P<amt>{AMT})$")
_REMARKS = re.compile(r"^Remark Codes: (?P<codes>.+)$")
_CLAIM_TOTALS = re.compile(rf"^Claim Totals: Amount Billed (?P<billed>{AMT}) Allowed (?P<allowed>{AMT}) "
                           rf"Plan Paid (?P<paid>{AMT}) Your Responsibility (?P<pr>{AMT}) Claim Status: (?P<status>\w+)$")
_OTHER = re.compile(r"^Other Adjustments")
_PLB = re.compile(rf"^Reason (?P<reason>[A-Z0-9]{{2}}) Reference (?P<ref>\S+) Member (?P<member>\S+) Amount (?P<amt>{AMT})$")
_TOTAL = re.compile(rf"^Total Plan Paid on Claims: (?P<paid>{AMT}) Payment Amount: (?P<amount>{AMT})$")
_PAGE = re.compile(r"^Page \d+ of \d+$")
_RULE = re.compile(r"^-{10,}$")


def parse(lines: Iterable[str]) -> tuple[Remittance, dict[int, object], list[str]]:
    remit = Remittance(payer=Payer(), payee=Payee(), payment=Payment())
    review: list[str] = []
    claim: RemittanceClaim | None = None
    header_done = False
    in_plb = False
    for raw in lines:
        text = compact(raw)
        if not text or _PAGE.match(text) or _RULE.match(text) or _COLUMNS.match(text):
            continue
        if match := _PAYER.match(text):
            remit.payer.name = remit.payer.name or match["payer"]
            continue
        if match := _PAYEE.match(text):
            remit.payee = Payee(name=match["name"], npi=match["npi"])
            continue
        if match := _PAYMENT.match(text):
            remit.payment.date = us_date(match["date"])
            remit.payment.number = match["number"]
            remit.payment.method = match["method"]
            continue
        if (match := _AMOUNT.match(text)) and remit.payment.amount is None:
            remit.payment.amount = money(match["amount"])
            header_done = True
            continue
        if match := _PATIENT.match(text):
            claim = RemittanceClaim(patient_name=match["name"], member_id=match["member"] or None,
                                    account_number=match["account"], payer_claim_number=match["number"] or None)
            remit.claims.append(claim)
            in_plb = False
            continue
        if _OTHER.match(text):
            in_plb, claim = True, None
            continue
        if match := _TOTAL.match(text):
            continue  # the same figures as the claims and the payment amount; balancing checks them
        if in_plb:
            if text == "None":
                continue
            if match := _PLB.match(text):
                remit.provider_adjustments.append(ProviderAdjustment(
                    reason=match["reason"], reference=match["ref"],
                    member_id=None if match["member"] == "-" else match["member"], amount=money(match["amt"])))
                continue
            review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")
            continue
        if claim is None:
            if header_done:
                review.append("document")
            continue
        index = len(remit.claims) - 1
        if match := _LINE.match(text):
            line = ServiceLine(
                service_date=us_date(match["frm"]), place_of_service=None, procedure=match["code"],
                modifiers=match["mods"].split(), units=int(match["units"]), billed=money(match["billed"]),
                allowed=money(match["allowed"]), deductible=money(match["deduct"]),
                coinsurance=money(match["coins"]), paid=money(match["paid"]))
            for part in (match["adjs"] or "").split(";"):
                part = part.strip()
                if not part:
                    continue
                if adj := _ADJ.match(part):
                    line.adjustments.append(Adjustment(group=adj["grp"], reason=adj["rc"], amount=money(adj["amt"])))
                else:
                    review.append(f"claims.{index}.lines.{len(claim.lines)}.adjustments")
            claim.lines.append(line)
            continue
        if (match := _REMARKS.match(text)) and claim.lines:
            claim.lines[-1].remarks.extend(match["codes"].split())
            continue
        if match := _CLAIM_TOTALS.match(text):
            claim.billed, claim.allowed = money(match["billed"]), money(match["allowed"])
            claim.paid, claim.patient_responsibility = money(match["paid"]), money(match["pr"])
            claim.status = status_for(claim.paid)  # type: ignore[assignment]
            continue
        review.append(f"claims.{index}")
    return remit, {}, review
