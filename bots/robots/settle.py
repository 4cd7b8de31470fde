"""Doubts about a remittance claim settled by what the business already knows, before a person is asked.

The extractor lists under `review` every field it read with low confidence
(a scanned EOB's typewriter face, a speck on a digit). Many such doubts are
settled by facts that do not come from the same pixels:

- the billing system's claim: a service line whose date of service, HCPCS and
  billed amount equal one of the claim's own lines, exactly, is that line; a
  line whose code was read in doubt and is close to the HCPCS of the claim's
  only line of that date and billed amount is that line;
- the remittance's arithmetic: in a remittance that balances to the cent on
  every rule, a line whose billed amount less its adjustments is its paid
  amount has its amounts right;
- what each adjustment code means: the contractual adjustment CO-45 is billed
  less allowed; PR-1 is the deductible column, PR-2 the coinsurance column (a
  payer's "Copay/Coins" column: PR-2 and PR-3 together, when the codes were
  read surely), and a PR-3 (copay) stands where those are accounted for; one
  adjustment amount read in doubt is pinned by the line's arithmetic;
- the payer's own record of the claim (asked by the robot, `confirm_codes`): a
  denial's reason code printed on the scan is the one the payer's portal
  shows.

- the billing system's claim matched by account, date of service and billed:
  a patient's name read in doubt that is its patient's but for a glyph or two
  in place.

Whatever none of these settles stays in doubt and goes to a person, with the
list of what was settled and by what. A doubt about the account or the payer
claim number, or a line that could not be read, is never settled here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from extractors.lines import DIGIT_LOOKALIKES
from extractors.models import Remittance, RemittanceClaim, ServiceLine

from ..payers import PAYERS
from ..portals.medibill import ClaimDetail

# Fields of a line that the billing system's own line, matched exactly, settles (or that nothing posts).
_BY_MATCH = frozenset({"service_date", "procedure", "billed", "modifiers", "units", "place_of_service"})
# Fields of a line that the arithmetic and the codes' meaning settle.
_BY_ARITHMETIC = frozenset({"allowed", "deductible", "coinsurance", "paid", "adjustments"})
# Claim totals: a balanced remittance's claim totals are the sums of its lines.
_CLAIM_TOTALS = frozenset({"billed", "allowed", "paid", "patient_responsibility", "status"})
_IDENTIFIERS = frozenset({"patient_name", "account_number", "member_id", "payer_claim_number"})


@dataclass
class Settlement:
    doubts: list[str] = field(default_factory=list)  # review paths still in doubt
    settled: list[str] = field(default_factory=list)  # "path: what settled it"
    # Adjustment codes only the payer's record can confirm: code -> the paths that wait on it.
    to_confirm: dict[str, list[str]] = field(default_factory=dict)

    def confirmed(self, codes: set[str], source: str) -> None:
        """The payer's record shows these codes: the doubts waiting on them alone are settled."""
        waiting: dict[str, set[str]] = {}
        for code, paths in self.to_confirm.items():
            for path in paths:
                waiting.setdefault(path, set()).add(code)
        for path, needed in waiting.items():
            if needed <= codes:
                self.settled.append(f"{path}: {', '.join(sorted(needed))} as {source} shows")
            else:
                self.doubts.append(path)
        self.to_confirm = {}


def settle(data: RemittanceClaim, index: int, review: list[str], claim: ClaimDetail, *, balanced: bool) -> Settlement:
    """What of the review paths of claim `index` (as read: `data`) the billing system's `claim` and the
    remittance's arithmetic settle. `balanced`: the whole remittance holds every balancing rule. A procedure
    settled by the billing system's line is corrected in `data` (the robot's copy), as the posting finds the
    line by it."""
    out = Settlement()
    if not balanced:
        out.doubts = list(review)
        return out
    by_line: dict[int, list[str]] = {}
    for path in review:
        parts = path.split(".")
        if len(parts) == 3 and parts[2] in _CLAIM_TOTALS:
            out.settled.append(f"{path}: the claim's totals are the sums of its lines, and the remittance balances")
        elif len(parts) == 3 and parts[2] == "patient_name" and _same_name(data.patient_name, claim.patient):
            out.settled.append(f"{path}: read {data.patient_name!r}; the billing system's claim {claim.claim_number} "
                               f"(matched by account, date of service and billed) is for {claim.patient!r}")
        elif len(parts) == 3 and parts[2] == "patient_name" and _cut_name(data.patient_name, claim.patient):
            out.settled.append(f"{path}: read {data.patient_name!r}, the start of {claim.patient!r}, the patient of "
                               f"the billing system's claim {claim.claim_number} (matched by account, date of "
                               f"service and billed): a name cut at its column's edge")
        elif len(parts) == 3 and parts[2] == "account_number" and data.account_number == claim.account:
            # Read in doubt, yet the billing system holds exactly one open claim with this account, this date of
            # service and this billed amount: a misread landing on another real account with both is not credible.
            out.settled.append(f"{path}: read {data.account_number!r}; the billing system's only open claim with "
                               f"this account, date of service and billed is {claim.claim_number}")
        elif len(parts) == 3 and parts[2] == "member_id" and data.member_id == claim.member_id:
            out.settled.append(f"{path}: read {data.member_id!r}, the member id on the billing system's claim "
                               f"{claim.claim_number} (matched by account, date of service and billed)")
        elif len(parts) == 3 and parts[2] == "payer_claim_number":
            # The payer's number is posted nowhere: the payment went to the claim its account, date of service
            # and billed amount matched (between twins only a note carrying this very number picks one).
            out.settled.append(f"{path}: read {data.payer_claim_number!r}; posted nowhere, the payment was matched "
                               f"to the billing system's claim {claim.claim_number} by account, date of service "
                               f"and billed")
        elif len(parts) == 2 and f"{path}.payer_claim_number" in review:
            # The claim in doubt only as the payer keys it, by its number (settled below, as that number is).
            out.settled.append(f"{path}: in doubt by its payer claim number alone; matched to the billing system's "
                               f"claim {claim.claim_number} by account, date of service and billed")
        elif _line_path(parts) and int(parts[3]) < len(data.lines):
            by_line.setdefault(int(parts[3]), []).append(path)
        else:
            out.doubts.append(path)
    free = list(claim.lines)
    for number, line in enumerate(data.lines):
        dos = line.service_date
        match = next((c for c in free if c.hcpcs == line.procedure and c.dos_from == dos and c.billed == line.billed),
                     None)
        paths = by_line.get(number, [])
        if match is None and f"claims.{index}.lines.{number}.procedure" in paths:
            match = _by_date_and_billed(line, dos, free)
            if match is not None:
                out.settled.append(f"claims.{index}.lines.{number}.procedure: read {line.procedure!r}; the "
                                   f"billing system's only line of {match.dos_from} billed {match.billed} is "
                                   f"{match.hcpcs}")
                line.procedure = match.hcpcs  # the robot's copy: the posting finds the line by it
        if match is not None:
            free.remove(match)
        if not paths:
            continue
        if match is None:
            out.doubts.extend(paths)  # not the billing system's line: nothing here says what it is
            continue
        _settle_line(out, line, paths, f"{claim.claim_number} line {match.line_no} ({match.hcpcs}, {match.dos_from}, "
                                         f"{match.billed})")
    return out


def _line_path(parts: list[str]) -> bool:
    """A doubt about a service line's field that a match or the arithmetic may settle: `lines.N.<field>`, or
    one adjustment's code or amount (`lines.N.adjustments.K.code`, `...K.amount`)."""
    if len(parts) < 5 or parts[2] != "lines" or not parts[3].isdigit():
        return False
    return (len(parts) == 5 and parts[4] in _BY_MATCH | _BY_ARITHMETIC
            or len(parts) == 7 and parts[4] == "adjustments" and parts[5].isdigit() and parts[6] in ("code", "amount"))


def may_settle(review: list[str]) -> bool:
    """Whether every doubt is of a kind `settle` may lift: a line not read, never; the account, the patient's
    name and member id only against the billing system's one claim that the account, date of service and
    billed matched; the payer's claim number, posted nowhere."""
    for path in review:
        parts = path.split(".")
        keyed = len(parts) == 2 and f"{path}.payer_claim_number" in review  # in doubt by that number alone
        if not (keyed or len(parts) == 3 and parts[2] in _CLAIM_TOTALS | _IDENTIFIERS or _line_path(parts)):
            return False
    return True


def settle_header(remit: Remittance, review: list[str], listed: dict[str, str]) -> tuple[list[str], list[str]]:
    """The remittance's own doubts (`review`, not a claim's) that the payer portal's listing of the check
    settles: the check number, date and amount read in doubt that equal, exactly, what the row the robot
    downloaded it from says; the payer's name and the payee's (whose portal, whose account listed it). Returns
    (still in doubt, "path: what settled it")."""
    payment = remit.payment
    read = {"payment.number": payment.number, "payment.date": payment.date and payment.date.isoformat(),
            "payment.amount": f"{payment.amount:.2f}" if payment.amount is not None else None}
    expected = {"payment.number": listed.get("check"), "payment.date": listed.get("date"),
                "payment.amount": listed.get("amount")}
    portal = PAYERS[listed["payer"]].name if listed.get("payer") in PAYERS else None
    doubts, settled = [], []
    for path in review:
        if path in read and read[path] and read[path] == expected[path]:
            settled.append(f"{path}: read {read[path]}, as the payer portal's list of remittances shows it")
        elif path == "payer.name" and portal:
            # Who paid is where the check was downloaded from; the name printed on it is posted nowhere.
            settled.append(f"{path}: read {remit.payer.name!r}; the check was downloaded from {portal}'s portal")
        elif path == "payment.method" and portal:
            # How the money came is posted nowhere: the ledger's entry names the check's number only.
            settled.append(f"{path}: not printed; the ledger records the check by its number only")
        elif path in ("payee.name", "payee.npi") and portal:
            # The portal lists the checks paid to the account the robot logged in with: the supplier's own.
            settled.append(f"{path}: read {getattr(remit.payee, path.split('.')[1])!r}; {portal}'s portal lists "
                           f"the check among those paid to the supplier's own account")
        else:
            doubts.append(path)
    return doubts, settled


def _same_name(read: str | None, on_file: str) -> bool:
    """The name read is the billing system's but for a glyph or two misread in place ("DANTEL" for DANIEL)."""
    if not read or len(read) != len(on_file):
        return False
    return sum(a != b for a, b in zip(read.upper(), on_file.upper())) <= 2


def _cut_name(read: str | None, on_file: str) -> bool:
    """The name read is the start of the billing system's, cut after its last name, the comma and a letter or
    more of the first ("HERNANDEZ-LOPEZ, IN" for HERNANDEZ-LOPEZ, INGRID), as a column too narrow prints it."""
    if not read or len(read) >= len(on_file):
        return False
    last, comma, first = read.upper().partition(", ")
    return bool(comma and last and first.strip()) and on_file.upper().startswith(read.upper())


def _by_date_and_billed(line: ServiceLine, dos: dt.date | None, free: list[Any]) -> Any:
    """The billing system's one line with this date of service and billed amount, when the code read in doubt
    is no HCPCS at all and close to that line's (a digit lost: "A703" for A7030), or that line's code with a
    dotted zero misread; None when there is not exactly one. Any other read that is a HCPCS (E1392 against
    E1390) may be the payer's own recoding: never taken."""
    read = (line.procedure or "").upper()
    candidates = [c for c in free if c.dos_from == dos and c.billed == line.billed]
    if re.fullmatch(r"[A-Z]\d{4}", read):
        # Only a typewriter's dotted zero read as a 6, 8 or 9 ("E6470" for E0470) is taken: a payer's
        # recoding changes a code's meaning, not a zero's glyph.
        one = candidates[0].hcpcs.upper() if len(candidates) == 1 else ""
        dotted = len(one) == len(read) and read != one and all(
            r == f or (f == "0" and r in "689") for r, f in zip(read, one))
        return candidates[0] if dotted else None
    # Compared with the digit lookalikes read as digits ("KO9001" is close to K0001, a zero read as "O9").
    # One that then reads as another HCPCS ("EI392" against E1390) may be the payer's recoding: never taken.
    read = read[:1] + read[1:].translate(DIGIT_LOOKALIKES)
    if len(candidates) != 1 or re.fullmatch(r"[A-Z]\d{4}", read) and read != candidates[0].hcpcs:
        return None
    if SequenceMatcher(None, read, candidates[0].hcpcs).ratio() < 0.75:
        return None
    return candidates[0]


def _settle_line(out: Settlement, line: ServiceLine, paths: list[str], billing_line: str) -> None:
    billed, paid = line.billed, line.paid
    adjustments = [(a.group, a.reason, a.amount) for a in line.adjustments]
    balances = billed - sum((a for _g, _r, a in adjustments), Decimal(0)) == paid
    codes_in_doubt = {int(p.split(".")[-2]) for p in paths if p.endswith(".code")}
    # A copay may be told by the "Copay/Coins" column it stands in only when the patient's codes were read
    # surely: a PR-3 read in doubt may be a PR-2, which no column tells apart.
    patient_codes_sure = not any(p.endswith(".adjustments") for p in paths) and not any(
        adjustments[k][0] == "PR" for k in codes_in_doubt if k < len(adjustments))
    unmeant = _codes_without_meaning(line, adjustments, copay_in_coinsurance=patient_codes_sure)
    # Amounts in doubt that no column pins by its code's meaning (a CO-45 that is billed less allowed pins its
    # own): the line's arithmetic pins one such amount, never two.
    amounts_in_doubt = sum(p.endswith(".amount") and _code_at(adjustments, p) in unmeant for p in paths)
    for path in paths:
        name = path.rsplit(".", 1)[1]
        if name in _BY_MATCH:
            out.settled.append(f"{path}: the billing system's claim {billing_line}")
        elif not balances or (name in ("code", "amount") and _code_at(adjustments, path) is None):
            out.doubts.append(path)
        elif name == "amount" and unmeant and amounts_in_doubt > 1:
            out.doubts.append(path)  # two amounts in doubt and a code that does not pin its own: not settled
        elif name == "adjustments" and unmeant:
            for code in unmeant:
                out.to_confirm.setdefault(code, []).append(path)
        elif name == "code" and (code := _code_at(adjustments, path)) in unmeant:
            out.to_confirm.setdefault(code, []).append(path)  # only the payer's record says it
        elif name == "amount" and unmeant:
            out.settled.append(f"{path}: the one amount in doubt; billed {billed} less adjustments {billed - paid} "
                               f"is paid {paid}")
        else:
            out.settled.append(f"{path}: billed {billed} less adjustments {billed - paid} is paid {paid}, and every "
                               f"code's amount is what it means")


def _code_at(adjustments: list[tuple[str, str, Decimal]], path: str) -> str | None:
    index = int(path.split(".")[-2])
    return f"{adjustments[index][0]}-{adjustments[index][1]}" if index < len(adjustments) else None


def _codes_without_meaning(line: ServiceLine, adjustments: list[tuple[str, str, Decimal]], *,
                           copay_in_coinsurance: bool = False) -> list[str]:
    """The adjustment codes of a line that its own columns do not confirm. `copay_in_coinsurance`: a
    payer's "Copay/Coins" column may hold the copay (PR-3) with the coinsurance (PR-2)."""
    billed, allowed, deductible, coinsurance = line.billed, line.allowed, line.deductible, line.coinsurance
    pr = {r: sum((a for g, rr, a in adjustments if g == "PR" and rr == r), Decimal(0)) for r in ("1", "2", "3")}
    held = (pr["2"], pr["2"] + pr["3"]) if copay_in_coinsurance else (pr["2"],)
    patient_columns_hold = pr["1"] == deductible and coinsurance in held
    left = []
    for group, reason, amount in adjustments:
        if (group, reason) == ("CO", "45") and amount == billed - allowed:
            continue
        if group == "PR" and reason in ("1", "2", "3") and patient_columns_hold:
            continue
        left.append(f"{group}-{reason}")
    return left
