"""The Medicare standard paper remittance, read line by line from its text layer or its OCR.

A state machine over the lines of every page in order: claims break across
pages, so a page is only a source of lines. Page headers repeat and are
skipped; every line inside a claim must be understood, or the claim goes
under `review`. Identifiers and dates read with low OCR confidence go under
`review` too; amounts are proven by the balancing rules instead.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from ..lines import DIGIT_LOOKALIKES, FIXED_CONF, Line
from ..models import Adjustment, Payee, Payer, Payment, ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from ..forms.values import mbi_by_format
from ..validators import is_hcpcs, is_mbi, is_npi
from .balance import check_due
from .common import AMT, Trust, money, out_of_shape, spr_service_date, status_for, us_date

MARKER = "MEDICARE REMITTANCE ADVICE"

_PAYER = re.compile(rf"^(?P<payer>.+?) {MARKER}$")
# Header labels as print programs word them: "PROVIDER #: 1234567893", "PROVIDER # 1234567893", "PROV NO 12...";
# "DATE: 03/13/2026" or "DATE: 03/13/26"; "CHECK/EFT #: 311211639", "EFT NUMBER 311211639".
_PAYEE = re.compile(r"^(?P<name>.+?) (?:PROVIDER|PROV|PAYEE) ?(?:#|NO\.?|NUMBER|NPI|ID) ?:? ?(?P<npi>\d{10})$")
_PAGE = re.compile(r"PAGE ?(?:#|NO\.?)? ?:? ?(?P<n>\d+) OF (?P<of>\d+)")
_DATE = re.compile(r"(?<![A-Z] )(?<![A-Z])(?:CHECK |PAYMENT |PAID |EFT |ISSUE )?DATE ?:? ?(?P<date>\d\d/\d\d/(?:\d{4}|\d\d))\b")
# (A scan's "CHECK/EPT #" is the same label.)
_CHECK = re.compile(r"(?:CHECK ?/ ?E[FP]T|CHECK|EFT|TRACE) ?(?:#|NO\.?|NUMBER) ?:? ?(?P<check>\d+)")
_COLUMNS = re.compile(r"^PERF PROV SERV DATE")
# (The assignment flag is no field: a scan's "ASG Y¥Y" or "ASG" alone still opens the claim.)
_NAME = re.compile(r"^NAME (?P<name>.+?) HIC (?P<hic>\S+)? ?ACNT (?P<acnt>\S+) ICN (?:(?P<icn>\S+) )?ASG(?: \S{1,3})?"
                   r"(?: MOA ?(?P<moa>.*))?$")
# A number with one letter a digit is read as among its digits ("538699-S"): a misread more likely than a letter.
_LOOKALIKE_AMONG_DIGITS = re.compile(r"^(?=(?:.*\d){3})[\d-]*[OSIlBZ][\d-]*$")
# A claim's NAME row the pattern refused: its identifiers by their labels, one by one (the claim in doubt).
_NAME_START = re.compile(r"^N[A-Z]{2}E? (?=.*\b(?:HIC|ACNT|ICN)\b)")
_NAME_PIECES = {"name": re.compile(r"^\S+ (.+?) (?:HIC|ACNT)\b"), "hic": re.compile(r"\bHIC (\S+)"),
                "acnt": re.compile(r"\bACNT (\S+)"), "icn": re.compile(r"\bICN (\d\S*)")}
# A procedure code OCR damaged ("A703" for A7030) still makes the line a line: it is kept, read as printed and
# put under review (not a HCPCS), instead of the line being lost and its claim left without lines.
_SERVICE = re.compile(
    rf"^(?P<perf>\d{{10}}) (?P<frm>\d{{4}}) (?P<to>\d{{6}}) (?P<pos>\d{{2}}) (?P<units>\d+) (?P<proc>[A-Z0-9]{{3,6}})"
    rf"(?P<mods>(?: [A-Z0-9]{{2}}){{0,4}}) (?P<billed>{AMT}) (?P<allowed>{AMT}) (?P<deduct>{AMT}) (?P<coins>{AMT})"
    rf"(?: (?P<grp>[A-Z]{{2}})-(?P<rc>[A-Z0-9]+) (?P<adj>{AMT}))? (?P<paid>{AMT})$")
_CONTINUATION = re.compile(rf"^(?P<grp>[A-Z]{{2}})-(?P<rc>[A-Z0-9]+) (?P<amt>{AMT})$")
# Remark codes, alone or after the payer's claim control number ("CNTL #:187015-3 REM: N290").
# (Its label as a scan reads it: "ONTL #:".)
_REMARKS = re.compile(r"^(?:[A-Z]{3,4} ?#? ?:? ?\S+ )?REM: ?(?P<codes>.+)$")
# A remark code whose digits a scan read as letters ("NIL5" for N115): the code its shape gives, in doubt.
_REMARK_READ = re.compile(r"^(?P<kind>MA|M|N)(?P<n>[\dIlL|OoQDS]{1,3})$")
_CLAIM_TOTALS = re.compile(rf"^PT RESP (?P<pr>{AMT}) CLAIM TOTALS (?P<billed>{AMT}) (?P<allowed>{AMT}) "
                           rf"(?P<deduct>{AMT}) (?P<coins>{AMT}) (?P<adj>{AMT}) (?P<paid>{AMT})$")
# (Its label as a scan may read it: "ADT TO TOTALS", "ADJ TQ TOTALS", "ABDJ TO TOTALS".)
_NET = re.compile(rf"^A\S{{1,3}} T\S TOTALS:.*NET (?P<net>{AMT})$")
_TOTALS = re.compile(r"^TOTALS\b:?")
# The check's totals by label, beside their values ("CHECK AMT 2089.92") or in a row of values under a row of
# labels; each label's synonyms, as print programs word them.
_TOTAL_LABELS = {
    "claims": ("# OF CLAIMS", "NUMBER OF CLAIMS", "NO OF CLAIMS", "CLAIMS"),
    "billed": ("BILLED AMT", "BILLED AMOUNT", "TOTAL BILLED", "BILLED"),
    "allowed": ("ALLOWED AMT", "ALLOWED AMOUNT", "ALLOWED"),
    "paid": ("PROV PD AMT", "PROVIDER PAID", "PROV PAID", "PAID AMT"),
    "plb": ("PROV ADJ AMT", "PROVIDER ADJ AMT", "PLB AMT", "PROV ADJ"),
    "check": ("CHECK AMT", "CHECK AMOUNT", "EFT AMT", "EFT AMOUNT", "PAYMENT AMT", "NET PAYMENT"),
}
_RULE = re.compile(r"^[-=_]{10,}$")
_NUMBER = re.compile(rf"^(?:{AMT}|\d+)$")
# (Its middle word as a scan may read it: "PROVIDER AD) DETAILS".)
_PLB_HEAD = re.compile(r"^PROVIDER A\S{1,3} DETAILS\b")
_PLB = re.compile(rf"^(?P<reason>[A-Z0-9]{{2}}) (?P<ref>\S+)(?: (?P<hic>[A-Z0-9]+))? (?P<amt>{AMT})$")
# A reference a scan split in two ("1997206066 3493"), its member id after it.
_PLB_SPLIT = re.compile(rf"^(?P<reason>[A-Z0-9]{{2}}) (?P<ref>\d{{4,}} \d{{2,}}) (?P<hic>[A-Z0-9]{{8,}}) (?P<amt>{AMT})$")


class _ClaimTotals:
    """What the document prints for a claim, kept to check the lines against."""

    def __init__(self) -> None:
        self.adjustments: Decimal | None = None
        self.net: Decimal | None = None


# An adjustment's code as a scan garbles it: its letters doubled or read small ("CcOo-45", "CcO~-253"), its
# hyphen doubled or spaced ("CO-~45", "CO- 253").
_GARBLED_CODE = re.compile(r"(?<!\S)(?P<grp>[A-Z]{2,4})(?P<sep>[-~]{1,3} ?)(?P<rc>\d{1,3})(?=\s)")
# A procedure code with a zero read as a lookalike ("A7@30"), in the place a service line prints it.
# (Its E read as a currency sign, a speck after it read as a bracket: "£0431]".)
_GARBLED_PROC = re.compile(r"^(\d{10} \S{4} \S{6} \S{2} \d+ )([A-Z£€][0-9@©OQD]{4})[\]|)]?(?= )")
# An amount a speck after it gave a third decimal ("77.321").
_SPECKED = re.compile(r"(?<![\w.])(-?\d[\d,]*\.\d\d)\d(?!\S)")
# A nothing whose zero a scan read as a round letter ("A.00", "O.00": upper-cased): an amount's place holds a
# digit.
_LETTER_ZERO = re.compile(r"(?<!\S)[AOQD](?=\.\d\d(?!\S))")
# A service line whose first glyph is a speck: a digit before the ten of the provider's number
# ("21575513134 0116 ..."), a letter before the procedure's five ("BEO570" for E0570).
_SPECK_BEFORE_NPI = re.compile(r"^\S(?=\d{10} \d{4} \d{6} )")
# A service line's first date (MMDD) a scan read a glyph short or long ("869" for 0809) beside its last
# (MMDDYY) read whole: a supply's dates are most often one day, so the last date's day stands for it (in doubt:
# the billing system's line, matched by date, code and billed, settles it). Four glyphs are the date itself,
# lookalikes or not.
_GARBLED_FROM = re.compile(r"^(?P<perf>\d{10}) (?P<frm>(?!\S{4} )\S{2,5}) (?P<to>\d{6}) (?=\d{2} \S+ )")
# A unit count of one read as its lookalike ("12 I E0143"): the place holds a number.
_UNITS_READ_AS_ONE = re.compile(r"^(\d{10} \S{4} \S{6} \S{2} )[Il|](?= [A-Z0-9]{3,6} )")
# An adjustment row whose group lost its first letter ("0-253 5.31"): of the groups only CO ends in an O.
_GROUP_LOST_C = re.compile(rf"^[0O]-(?=\d{{1,3}} {AMT}$)")
# (The code's own letter one a HCPCS may start with: "KO0001" is K0001 read with a zero twice, no speck.)
_SPECK_BEFORE_CODE = re.compile(r"^(\d{10} \S{4} \S{6} \S{2} \d+ )[A-Z](?=[ABCDEGHJKLMPQRSTV][0-9@©OQD]{4} )")


def _mended(row: Line) -> Line:
    """A scanned row with what the format settles put back: an adjustment's garbled code, a procedure code's
    zero. The row is then read with every field on it in doubt (the amounts the balancing rules prove)."""
    def code(match: re.Match[str]) -> str:
        group = re.sub(r"(.)\1+", r"\1", match["grp"])  # "CCOO" (read "CcOo") is CO
        if group not in ("CO", "PR", "OA", "PI", "CR") or (group == match["grp"] and match["sep"] == "-"):
            return match.group()
        return f"{group}-{match['rc']}"

    text = _GARBLED_CODE.sub(code, row.text)
    text = _SPECK_BEFORE_NPI.sub("", text) if re.match(r"^\d{11} \d{4} \d{6} ", text) else text
    text = _SPECK_BEFORE_CODE.sub(r"\1", text)
    text = _LETTER_ZERO.sub("0", text)
    text = _GARBLED_FROM.sub(lambda m: f"{m['perf']} {m['to'][:4]} {m['to']} ", text)
    text = _GROUP_LOST_C.sub("CO-", text)
    text = _UNITS_READ_AS_ONE.sub(r"\g<1>1", text)
    text = _GARBLED_PROC.sub(lambda m: m[1] + {"£": "E", "€": "E"}.get(m[2][0], m[2][0])
                             + re.sub(r"[@©OQD]", "0", m[2][1:]), text)
    text = _SPECKED.sub(r"\1", text)
    if text == row.text:
        return row
    return Line(text, [(0, len(text), min(row.conf(0, len(row.text)), FIXED_CONF))], row.wide)


_DOLLAR_FOR_FIVE = re.compile(r"(?<![\w.$])\$(?=\d[\d,]*\.\d\d(?!\d))")


def _remark(code: str) -> str:
    if (read := _REMARK_READ.match(code)) is None or read["n"].isdigit():
        return code
    return read["kind"] + read["n"].translate(DIGIT_LOOKALIKES).replace("L", "1")


def parse(lines: Iterable[Line]) -> tuple[Remittance, dict[int, _ClaimTotals], list[str]]:
    """Returns the remittance, the printed claim totals by claim index, and the review paths."""
    reading = _Reading()
    for row in lines:
        # The remittance prints in capitals: a letter a scan read small ("Kx", "wo") is its capital.
        row = Line(row.text.upper(), row.spans, row.wide) if row.text != row.text.upper() else row
        if "$" in row.text:
            # Nor does it print dollar signs: one before an amount is a 5 a scan misread ("PR-2 $7.33" for 57.33;
            # the line's arithmetic proves the amount).
            row = Line(_DOLLAR_FOR_FIVE.sub("5", row.text), row.spans, row.wide)
        row = _mended(row)
        text = row.text
        if not text:
            continue
        if reading.header(row) or _COLUMNS.match(text) or _RULE.match(text):
            continue
        if reading.pending_totals is not None and reading.totals_below(row):
            continue
        if reading.claim_start(row):
            continue
        if _TOTALS.match(text):
            reading.totals(row)
            continue
        if _PLB_HEAD.match(text):
            reading.in_plb = True
            continue
        if reading.in_plb:
            reading.provider_adjustment(row)
        elif reading.claim is not None and not reading.claim_row(row):
            reading.trust.review.append(f"claims.{len(reading.remit.claims) - 1}")
        # Between claims only the header block appears; anything else is an address line of the header.
    if reading.plb_total is not None:
        _signed_by_total(reading.remit, reading.trust, reading.plb_total)
    for attr in ("payer_claim_number", "account_number"):
        # An identifier not shaped as the others of its kind ("513116~1" among "813728-4"s) is in doubt (an MBI
        # is checked by its own format: its third and sixth places may be a letter or a digit).
        reading.trust.review.extend(f"claims.{i}.{attr}" for i in out_of_shape(reading.remit.claims, attr))
    return reading.remit, reading.printed, reading.trust.review


class _Reading:
    """What has been read so far, and where the reading stands (in a claim, after the totals' labels, in
    the provider-level adjustments)."""

    def __init__(self) -> None:
        self.remit = Remittance(payer=Payer(), payee=Payee(), payment=Payment(method="CHK"))
        self.printed: dict[int, _ClaimTotals] = {}
        self.trust = Trust()
        self.claim: RemittanceClaim | None = None
        self.line: ServiceLine | None = None
        self.in_plb = False
        self.pending_totals: list[str] | None = None
        self.plb_total: Decimal | None = None  # the provider adjustments' total as the totals print it

    def header(self, row: Line) -> bool:
        """The payer, payee, page, date and check rows; whether the row was one."""
        remit, trust, text = self.remit, self.trust, row.text
        if match := _PAYER.match(text):
            if remit.payer.name is None:
                remit.payer.name = match["payer"]
                trust.check("payer.name", row.group_conf(match, "payer"))
            return True
        if (match := _PAYEE.match(text)) and remit.payee.npi is None:
            remit.payee = Payee(name=match["name"], npi=match["npi"])
            trust.check("payee.npi", row.group_conf(match, "npi"), is_npi(match["npi"]))
            trust.check("payee.name", row.group_conf(match, "name"))
            return True
        header = False
        for pattern in (_PAGE, _DATE, _CHECK):
            if match := pattern.search(text):
                header = True
                if pattern is _DATE and remit.payment.date is None:
                    remit.payment.date = us_date(match["date"])
                    trust.check("payment.date", row.group_conf(match, "date"), remit.payment.date is not None)
                if pattern is _CHECK and remit.payment.number is None:
                    remit.payment.number = match["check"]
                    trust.check("payment.number", row.group_conf(match, "check"))
        return header

    def totals_below(self, row: Line) -> bool:
        """The row of values under the totals' labels (after a page break, the next page's first row);
        whether the row was it."""
        text = row.text
        # (A count's ones read as letters: "il" for 11.)
        values = [v if _NUMBER.match(v) else v.translate(DIGIT_LOOKALIKES) for v in text.split()]
        labels, self.pending_totals = self.pending_totals or [], None
        if values and all(_NUMBER.match(v) for v in values):
            self.plb_total = _take_totals(self.remit, self.trust, labels, values, row.conf(0, len(text)))
            return True
        self.trust.review.append("payment.amount")
        return False

    def totals(self, row: Line) -> None:
        text = row.text
        if any(_NUMBER.match(v) for v in text.split()):
            _take_inline_totals(self.remit, self.trust, text, row.conf(0, len(text)))
        else:
            self.pending_totals = _total_labels(text)  # the values are on the next line, under their labels
        self.claim = self.line = None

    def claim_start(self, row: Line) -> bool:
        """A claim's NAME row; whether the row was one."""
        trust = self.trust
        if not (match := _NAME.match(row.text)):
            if not _NAME_START.match(row.text):
                return False
            # Every claim after a lost one would be read as the one before's lines: the claim starts here all the
            # same, each identifier that reads kept, the claim in doubt.
            pieces = {key: (m.group(1) if (m := pattern.search(row.text)) else None)
                      for key, pattern in _NAME_PIECES.items()}
            self.claim = RemittanceClaim(patient_name=pieces["name"], member_id=pieces["hic"],
                                         account_number=pieces["acnt"], payer_claim_number=pieces["icn"])
            self.remit.claims.append(self.claim)
            index = len(self.remit.claims) - 1
            self.printed[index] = _ClaimTotals()
            trust.review.extend([f"claims.{index}.patient_name", f"claims.{index}.member_id",
                                 f"claims.{index}.account_number", f"claims.{index}.payer_claim_number"])
            self.line = None
            return True
        member = match["hic"]
        if member and len(member) == 11 and not is_mbi(member) and is_mbi(mbi_by_format(member)):
            member = mbi_by_format(member)  # an MBI misread by OCR (O for 0, S for 5): the format says which; in doubt
        self.claim = RemittanceClaim(patient_name=match["name"], member_id=member, account_number=match["acnt"],
                                     payer_claim_number=match["icn"])
        self.remit.claims.append(self.claim)
        index = len(self.remit.claims) - 1
        self.printed[index] = _ClaimTotals()
        trust.check_name(f"claims.{index}.patient_name", match["name"], row.group_conf(match, "name"))
        trust.check(f"claims.{index}.member_id", row.group_conf(match, "hic"),
                    match["hic"] is None or is_mbi(match["hic"])
                    or (member == match["hic"] and not match["hic"][:1].isdigit()))
        trust.check(f"claims.{index}.account_number", row.group_conf(match, "acnt"),
                    not _LOOKALIKE_AMONG_DIGITS.match(match["acnt"]))
        trust.check(f"claims.{index}.payer_claim_number", row.group_conf(match, "icn"),
                    not _LOOKALIKE_AMONG_DIGITS.match(match["icn"] or ""))
        self.line = None
        return True

    def provider_adjustment(self, row: Line) -> None:
        if row.text == "NONE":
            return
        remit = self.remit
        if (split := _PLB_SPLIT.match(row.text)) and not _PLB.match(row.text):
            remit.provider_adjustments.append(ProviderAdjustment(
                reason=split["reason"], reference=split["ref"].replace(" ", ""), member_id=split["hic"],
                amount=money(split["amt"])))
            self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments) - 1}")
            return
        if match := _PLB.match(row.text):
            remit.provider_adjustments.append(ProviderAdjustment(
                reason=match["reason"], reference=match["ref"], member_id=match["hic"], amount=money(match["amt"])))
            self.trust.check(f"provider_adjustments.{len(remit.provider_adjustments) - 1}",
                             row.group_conf(match, "reason", "ref", "hic"))
            return
        self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")

    def claim_row(self, row: Line) -> bool:
        """A service line, an adjustment continued on the next row, remark codes, the claim's totals or its
        net; whether the row was one. An adjustment's code read in doubt is listed as that adjustment's
        (`lines.N.adjustments.K.code`): its amount the balancing rules check."""
        claim, trust, text = self.claim, self.trust, row.text
        assert claim is not None
        index = len(self.remit.claims) - 1
        if match := _SERVICE.match(text):
            line = ServiceLine(
                service_date=spr_service_date(match["frm"], match["to"]), place_of_service=match["pos"],
                procedure=match["proc"], modifiers=match["mods"].split(), units=int(match["units"]),
                billed=money(match["billed"]), allowed=money(match["allowed"]), deductible=money(match["deduct"]),
                coinsurance=money(match["coins"]), paid=money(match["paid"]))
            claim.lines.append(line)
            self.line = line
            path = f"claims.{index}.lines.{len(claim.lines) - 1}"
            if match["grp"]:
                line.adjustments.append(Adjustment(group=match["grp"], reason=match["rc"], amount=money(match["adj"])))
                trust.check(f"{path}.adjustments.0.code", row.group_conf(match, "grp", "rc"))
            trust.check(f"{path}.service_date", row.group_conf(match, "frm", "to"), line.service_date is not None)
            trust.check(f"{path}.procedure", row.group_conf(match, "proc"), is_hcpcs(match["proc"]))
            trust.check(f"{path}.modifiers", row.group_conf(match, "mods"))
            trust.check(f"{path}.units", row.group_conf(match, "units"))
            trust.check(f"{path}.place_of_service", row.group_conf(match, "pos"))
            return True
        line = self.line
        if (match := _CONTINUATION.match(text)) and line is not None:
            line.adjustments.append(Adjustment(group=match["grp"], reason=match["rc"], amount=money(match["amt"])))
            trust.check(f"claims.{index}.lines.{len(claim.lines) - 1}.adjustments.{len(line.adjustments) - 1}.code",
                        row.group_conf(match, "grp", "rc"))
            return True
        if (match := _REMARKS.match(text)) and line is not None:
            codes = [_remark(code) for code in match["codes"].split()]
            line.remarks.extend(codes)
            trust.check(f"claims.{index}.lines.{len(claim.lines) - 1}.remarks", row.group_conf(match, "codes"),
                        codes == match["codes"].split())
            return True
        if match := _CLAIM_TOTALS.match(text):
            claim.patient_responsibility = money(match["pr"])
            claim.billed = money(match["billed"])
            claim.allowed = money(match["allowed"])
            claim.paid = money(match["paid"])
            claim.status = status_for(claim.paid)  # type: ignore[assignment]
            self.printed[index].adjustments = money(match["adj"])
            return True
        if match := _NET.match(text):
            self.printed[index].net = money(match["net"])
            return True
        return False


def _total_labels(text: str) -> list[str]:
    """The totals' labels in the order printed (each label's earliest synonym)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for key, synonyms in _TOTAL_LABELS.items():
        for synonym in synonyms:
            at = _find_word(text, synonym, taken)
            if at >= 0:
                found.append((at, key))
                taken.append((at, at + len(synonym)))
                break
    return [key for _at, key in sorted(found)]


def _find_word(text: str, word: str, taken: list[tuple[int, int]]) -> int:
    for match in re.finditer(rf"(?<![A-Z#]){re.escape(word)}(?![A-Z])", text):
        if not any(a <= match.start() < b for a, b in taken):
            return match.start()
    return -1


def _take_inline_totals(remit: Remittance, trust: Trust, text: str, conf: float) -> None:
    """Totals printed beside their labels: the check amount is the value right after its own label, whatever
    the other labels say."""
    for synonym in _TOTAL_LABELS["check"]:
        found = re.search(rf"(?<![A-Z]){re.escape(synonym)} ?:? ?\$?(?P<amt>{AMT})(?!\S)", text)
        if found:
            remit.payment.amount = money(found["amt"])
            trust.check("payment.amount", conf)
            return
    trust.review.append("payment.amount")


def _take_totals(remit: Remittance, trust: Trust, labels: list[str], values: list[str],
                 conf: float) -> Decimal | None:
    """Values paired with labels in order; the check amount is the one this reader keeps (the others are the
    balancing rules' to check), and the provider adjustments' total returned for their signs. A row that does not
    pair one to one goes to a person."""
    mended = _mend_split_amount(values) if len(values) == len(labels) + 1 else None
    if mended is not None:
        values, split_at = mended
        # Only the value OCR split is in doubt; the check amount is read as printed when it is another.
        conf = 0.0 if "check" in labels and split_at == labels.index("check") else conf
    if "check" in labels and len(values) == len(labels) + 1 and labels[-1] == "check" \
            and re.fullmatch(AMT, values[-1]):
        # One label garbled past knowing ("PROV AD) AMT") and the check's the last: the last value, in doubt (the
        # claims' payments less the provider adjustments settle it).
        remit.payment.amount = money(values[-1])
        trust.review.append("payment.amount")
        return None
    if labels[:1] == ["claims"] and len(values) == len(labels) - 1 and all(re.fullmatch(AMT, v) for v in values):
        # The claims' count lost (a scan read nothing there, or a speck it dropped): the amounts are the other
        # labels', in order. In doubt (the claims' payments less the provider adjustments settle the check).
        labels = labels[1:]
        conf = 0.0
    if len(labels) != len(values) or "check" not in labels:
        trust.review.append("payment.amount")
        return None
    remit.payment.amount = money(values[labels.index("check")])
    trust.check("payment.amount", conf)
    if "plb" in labels and re.fullmatch(AMT, values[labels.index("plb")]):
        return money(values[labels.index("plb")])
    return None


def _signed_by_total(remit: Remittance, trust: Trust, total: Decimal) -> None:
    """A provider adjustment whose minus a scan lost ("L6 ... 25.80" for -25.80): where the adjustments' printed
    total is what they come to with exactly one of them negated, that one's sign is the total's (in doubt)."""
    adjustments = remit.provider_adjustments
    if sum((p.amount for p in adjustments), Decimal(0)) == total:
        return
    flips = [i for i, p in enumerate(adjustments)
             if sum((q.amount for q in adjustments), Decimal(0)) - 2 * p.amount == total]
    if len(flips) == 1:
        adjustments[flips[0]].amount = -adjustments[flips[0]].amount
        if check_due(remit) != remit.payment.amount:
            # The check does not come out so: the total's own sign may be the misread ("+25.46"). Left as read.
            adjustments[flips[0]].amount = -adjustments[flips[0]].amount
            return
        trust.review.append(f"provider_adjustments.{flips[0]}.amount")


def _mend_split_amount(values: list[str]) -> tuple[list[str], int] | None:
    """One amount whose point OCR lost ("2858 68" for 2858.68), joined again: a whole number followed by two
    digits where every other value of the row is one value. None unless exactly one such pair is there."""
    pairs = [i for i in range(len(values) - 1) if values[i].isdigit() and re.fullmatch(r"\d\d", values[i + 1])]
    if len(pairs) != 1:
        return None
    at = pairs[0]
    return [*values[:at], f"{values[at]}.{values[at + 1]}", *values[at + 2:]], at
