"""The commercial payer's EOB layout (Blue River Health Plan): a claim per block, labels instead of columns."""

from __future__ import annotations

import re
from typing import Iterable

from ..lines import CERTAIN, Line
from ..models import Adjustment, Payee, Payer, Payment, ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from ..validators import is_account, is_hcpcs, is_npi
from . import loose_line
from .common import AMT, MIN_CONF, Trust, money, status_for, us_date

MARKER = "PROVIDER EXPLANATION OF BENEFITS"

_PAYER = re.compile(rf"^(?P<payer>.+?)(?: -)? {MARKER}$")
_PAYEE = re.compile(r"^Payee: ?(?P<name>.+?) NP[IT1l]: ?(?P<npi>\d{10})$")
_PAYMENT = re.compile(r"^Payment Date: (?P<date>\d\d/\d\d/\d{4}) Payment Number: (?P<number>\d+) "
                      r"Payment Method: (?P<method>[A-Z]+)$")
_AMOUNT = re.compile(rf"^Payment Amount: \$?(?P<amount>{AMT})$")
_PATIENT = re.compile(r"^Patient: (?P<name>.+?) Member ID: (?P<member>\S*) ?Claim Number: (?P<number>\S*) ?"
                      r"Patient Account: (?P<account>\S+)$")
_PATIENT_START = re.compile(r"^Pat[il1]ent: ")
_PATIENT_PIECES = {
    "name": re.compile(r"^Pat[il1]ent: (.+?) Member"),
    "member": re.compile(r"Member ID: (\S+)"),
    "number": re.compile(r"Claim Number: (\S+)"),
    "account": re.compile(r"Patient Account: (\d+ ?- ?\d)$"),
}
_COLUMNS = re.compile(r"^Service Dates Code")
_LINE = re.compile(rf"^(?P<frm>\d\d/\d\d/\d\d)-(?P<to>\d\d/\d\d/\d\d) (?P<code>[A-Z]\d{{4}})(?P<mods>(?: [A-Z0-9]{{2}}){{0,4}}) "
                   rf"(?P<units>[\dIil|]{{1,3}}) (?P<billed>{AMT}) (?P<allowed>{AMT}) (?P<deduct>{AMT}) (?P<coins>{AMT}) "
                   rf"(?P<paid>{AMT})(?: (?P<adjs>.+))?$")
_DATED = re.compile(r"^\S{8,10}[-~]\S{8,10} ")  # what a service line starts with, however misread
_ADJ = re.compile(rf"^(?P<grp>[A-Z]{{2}})-(?P<rc>[A-Z0-9]+) (?P<amt>{AMT})$")
_REMARKS = re.compile(r"^Remark Codes: (?P<codes>.+)$")
_CLAIM_TOTALS = re.compile(rf"^Claim Totals: Amount Billed (?P<billed>{AMT}) Allowed (?P<allowed>{AMT}) "
                           rf"Plan Paid (?P<paid>{AMT}) Your Responsibility (?P<pr>{AMT}) Claim Status: (?P<status>\w+)$")
_OTHER = re.compile(r"^Other Adjust")
_UNITS = str.maketrans({"I": "1", "i": "1", "l": "1", "|": "1"})
_PLB = re.compile(rf"^Reason (?P<reason>[A-Z0-9]{{2}}) Reference (?P<ref>\S+) Member(?: (?P<member>\S+))? Amount (?P<amt>{AMT})$")
_TOTAL = re.compile(rf"^Total Plan Paid on Claims: (?P<paid>{AMT}) Payment Amount: (?P<amount>{AMT})$")
_PAGE = re.compile(r"^Page \d+ of \d+$")
_RULE = re.compile(r"^[-_—=]{10,}$")


def _payer_id(raw: str | None, prefix: str, digits: int) -> tuple[str | None, bool]:
    """Blue River's ids are a fixed prefix and digits; an 8 read for the B of the prefix is put right."""
    if not raw:
        return None, True
    value = raw
    if not value.startswith(prefix) and len(value) == len(prefix) + digits:
        fixed = value[: len(prefix)].replace("8", "B")
        if fixed == prefix:
            value = prefix + value[len(prefix):]
    return value, bool(re.fullmatch(rf"{prefix}\d{{{digits}}}", value))



def _adjustments_readable(adjs: str | None) -> bool:
    return all(_ADJ.match(part.strip()) for part in (adjs or "").split(";") if part.strip())


def _adjustments(row: Line, match: re.Match[str], path: str, trust: Trust) -> list[Adjustment]:
    """A service line's adjustments ("CO-45 43.37; PR-3 25.00"). Which part was read in doubt is told
    apart: the K-th adjustment's group and reason code (`path.adjustments.K.code`) or its amount
    (`path.adjustments.K.amount`); a part that reads as no adjustment at all puts them all in doubt
    (`path.adjustments`)."""
    out: list[Adjustment] = []
    if not match["adjs"]:
        return out
    offset = match.start("adjs")
    for raw in match["adjs"].split(";"):
        part = raw.strip()
        start = offset + len(raw) - len(raw.lstrip())
        offset += len(raw) + 1
        if not part:
            continue
        adj = _ADJ.match(part)
        if adj is None:
            if f"{path}.adjustments" not in trust.review:
                trust.review.append(f"{path}.adjustments")
            continue
        if row.conf(start + adj.start("grp"), start + adj.end("rc")) < MIN_CONF:
            trust.review.append(f"{path}.adjustments.{len(out)}.code")
        if row.conf(start + adj.start("amt"), start + adj.end("amt")) < MIN_CONF:
            trust.review.append(f"{path}.adjustments.{len(out)}.amount")
        out.append(Adjustment(group=adj["grp"], reason=adj["rc"], amount=money(adj["amt"])))
    return out

def parse(lines: Iterable[Line]) -> tuple[Remittance, dict[int, object], list[str]]:
    """The EOB row by row: the header's fields, then each claim (its patient row, service lines, remarks and
    totals), then the provider-level adjustments; a row that reads as none of these is listed for review."""
    reading = _Reading()
    for row in lines:
        text = row.text
        if not text or _PAGE.match(text) or _RULE.match(text) or _COLUMNS.match(text):
            continue
        if text == "None" and (reading.in_plb or reading.claim is not None):
            continue  # "no provider-level adjustments" even where its heading was not read
        if reading.header(row) or reading.claim_start(row):
            continue
        if _OTHER.match(text):
            reading.in_plb, reading.claim = True, None
            continue
        if _TOTAL.match(text):
            continue  # the same figures as the claims and the payment amount; balancing checks them
        if reading.in_plb:
            reading.provider_adjustment(row)
        elif reading.claim is None:
            if reading.header_done:
                reading.trust.review.append("document")
        elif not reading.claim_row(row):
            reading.trust.review.append(f"claims.{len(reading.remit.claims) - 1}")
    return reading.remit, {}, reading.trust.review


class _Reading:
    """What has been read so far, and where the reading stands (in a claim, in the provider adjustments)."""

    def __init__(self) -> None:
        self.remit = Remittance(payer=Payer(), payee=Payee(), payment=Payment())
        self.trust = Trust()
        self.claim: RemittanceClaim | None = None
        self.header_done = False
        self.in_plb = False

    def header(self, row: Line) -> bool:
        """The payer, payee, payment and amount rows; whether the row was one."""
        remit, trust, text = self.remit, self.trust, row.text
        if match := _PAYER.match(text):
            if remit.payer.name is None:
                remit.payer.name = match["payer"]
                trust.check("payer.name", row.group_conf(match, "payer"))
            return True
        if match := _PAYEE.match(text):
            remit.payee = Payee(name=match["name"], npi=match["npi"])
            trust.check("payee.npi", row.group_conf(match, "npi"), is_npi(match["npi"]))
            trust.check("payee.name", row.group_conf(match, "name"))
            return True
        if match := _PAYMENT.match(text):
            remit.payment.date = us_date(match["date"])
            remit.payment.number = match["number"]
            remit.payment.method = match["method"]
            trust.check("payment.date", row.group_conf(match, "date"), remit.payment.date is not None)
            trust.check("payment.number", row.group_conf(match, "number"))
            return True
        if (match := _AMOUNT.match(text)) and remit.payment.amount is None:
            remit.payment.amount = money(match["amount"])
            self.header_done = True
            return True
        return False

    def claim_start(self, row: Line) -> bool:
        """A claim's patient row, read whole or piece by piece; whether the row was one."""
        trust, text = self.trust, row.text
        if match := _PATIENT.match(text):
            member, member_ok = _payer_id(match["member"], "BRX", 9)
            number, number_ok = _payer_id(match["number"], "BR", 11)
            self._start(RemittanceClaim(patient_name=match["name"], member_id=member,
                                        account_number=match["account"], payer_claim_number=number))
            index = len(self.remit.claims) - 1
            trust.check_name(f"claims.{index}.patient_name", match["name"], row.group_conf(match, "name"))
            trust.check(f"claims.{index}.member_id", row.group_conf(match, "member"), member_ok)
            trust.check(f"claims.{index}.account_number", row.group_conf(match, "account"),
                        is_account(match["account"]))
            trust.check(f"claims.{index}.payer_claim_number", row.group_conf(match, "number"), number_ok)
            return True
        if _PATIENT_START.match(text):
            # A claim's first line the pattern refused ("Patient Account: 629077 -2"): the claim starts here
            # all the same, so that its lines and totals are not taken for the previous claim's. Each piece
            # that reads on its own is kept; the claim goes to a person.
            pieces = {key: (m.group(1).strip() if (m := pattern.search(text)) else None)
                      for key, pattern in _PATIENT_PIECES.items()}
            account = re.sub(r"\s+", "", pieces["account"]) if pieces["account"] else None
            member, _ = _payer_id(pieces["member"], "BRX", 9)
            number, _ = _payer_id(pieces["number"], "BR", 11)
            self._start(RemittanceClaim(patient_name=pieces["name"], member_id=member, payer_claim_number=number,
                                        account_number=account))
            trust.review.append(f"claims.{len(self.remit.claims) - 1}")
            return True
        return False

    def _start(self, claim: RemittanceClaim) -> None:
        self.remit.claims.append(claim)
        self.claim, self.in_plb = claim, False

    def provider_adjustment(self, row: Line) -> None:
        if row.text == "None":
            return
        remit, trust = self.remit, self.trust
        if match := _PLB.match(row.text):
            remit.provider_adjustments.append(ProviderAdjustment(
                reason=match["reason"], reference=match["ref"],
                member_id=None if match["member"] in (None, "-") else match["member"], amount=money(match["amt"])))
            index = len(remit.provider_adjustments) - 1
            trust.check(f"provider_adjustments.{index}", row.group_conf(match, "reason", "ref", "member"))
            # No member at all: the "-" a fax loses as a speck, or a member id that was not read.
            trust.check(f"provider_adjustments.{index}.member_id", CERTAIN, match["member"] is not None)
            return
        trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")

    def _loose_line(self, row: Line, path: str) -> ServiceLine | None:
        """A service line the strict pattern refused (a dotted zero read as two glyphs, an amount split at its
        point, a code with a speck): read token by token, whatever had to change under review."""
        loose = loose_line.parse(row.text)
        if loose is None:
            return None
        billed, allowed, deductible, coinsurance, paid = loose.amounts
        trust = self.trust
        trust.review.extend(f"{path}.{name}" for name in loose.changed)
        if not loose.balanced:
            trust.review.append(path)
        mods = " ".join(loose.modifiers)
        at = row.text.find(f" {mods} ") + 1 if mods else -1
        trust.check(f"{path}.modifiers", row.conf(at, at + len(mods)) if at > 0 else 100.0)
        return ServiceLine(
            service_date=loose.service_date, place_of_service=None, procedure=loose.procedure,
            modifiers=loose.modifiers, units=loose.units, billed=billed, allowed=allowed, deductible=deductible,
            coinsurance=coinsurance, paid=paid,
            adjustments=[Adjustment(group=g, reason=r, amount=a) for g, r, a in loose.adjustments])

    def claim_row(self, row: Line) -> bool:
        """A service line (read strictly, else token by token), its remark codes, or the claim's totals;
        whether the row was one."""
        claim, trust, text = self.claim, self.trust, row.text
        assert claim is not None
        index = len(self.remit.claims) - 1
        path = f"claims.{index}.lines.{len(claim.lines)}"
        match = _LINE.match(text)
        if match and not _adjustments_readable(match["adjs"]) and (loose := self._loose_line(row, path)):
            claim.lines.append(loose)  # "PR-3 25.006": the line's arithmetic chooses among the readings
            return True
        if match:
            line = ServiceLine(
                service_date=us_date(match["frm"]), place_of_service=None, procedure=match["code"],
                modifiers=match["mods"].split(), units=int(match["units"].translate(_UNITS)),
                billed=money(match["billed"]),
                allowed=money(match["allowed"]), deductible=money(match["deduct"]),
                coinsurance=money(match["coins"]), paid=money(match["paid"]))
            line.adjustments = _adjustments(row, match, path, trust)
            claim.lines.append(line)
            trust.check(f"{path}.service_date", row.group_conf(match, "frm"), line.service_date is not None)
            trust.check(f"{path}.procedure", row.group_conf(match, "code"), is_hcpcs(match["code"]))
            trust.check(f"{path}.modifiers", row.group_conf(match, "mods"))
            trust.check(f"{path}.units", row.group_conf(match, "units"))
            return True
        if _DATED.match(text) and (loose := self._loose_line(row, path)):
            claim.lines.append(loose)
            return True
        if (match := _REMARKS.match(text)) and claim.lines:
            claim.lines[-1].remarks.extend(match["codes"].split())
            trust.check(f"claims.{index}.lines.{len(claim.lines) - 1}.remarks", row.group_conf(match, "codes"))
            return True
        if match := _CLAIM_TOTALS.match(text):
            claim.billed, claim.allowed = money(match["billed"]), money(match["allowed"])
            claim.paid, claim.patient_responsibility = money(match["paid"]), money(match["pr"])
            claim.status = status_for(claim.paid)  # type: ignore[assignment]
            return True
        return False
