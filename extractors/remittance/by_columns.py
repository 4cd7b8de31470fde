"""A payer's remittance in a layout no reader was written for, read by meaning.

Payers print their EOBs and remittance advices each their own way, and change
print vendors. What they share is meaning: a header whose fields stand after
labels that say what they are ("Check No.", "Payment Number", "EFT Trace #"),
a row per claim naming the patient, the claim and the supplier's account, and
a table of service lines under a row of column headers. So the header and the
claim rows are read by label synonyms wherever they stand on the row, the
service lines by the column headers above them (which amount is which is the
headers' order, not a position), the adjustments by their group-reason shape
("CO-45 43.37") wherever they stand on the line.

What does not read goes under `review`; the balancing rules then check what did.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from .. import dotted_zero
from ..lines import CERTAIN, DIGIT_LOOKALIKES, Line
from ..models import Adjustment, Payee, Payer, Payment, ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from ..validators import DME_MODIFIERS, is_hcpcs, is_mbi, is_npi
from . import balance, loose_line
from .named_amounts import Named, amounts_named
from .common import AMT, PAGE_FOOTER, Trust, money, out_of_shape, shape_of, status_for, unread_identifiers

@dataclass
class Labelled:
    """A value found after its label on a row, with where it stands; `doubt` when the label itself was
    misread and is known only by its likeness ("Subseriber ID:")."""
    value: str
    start: int
    end: int
    doubt: bool = False
    label_at: int = -1  # where its label starts (-1: no label, the value known by its place)


# A printed cell's border ("Acct 123-4 | KIM, PAVEL | ..."), also as a scan reads it ("[|", "|]", "]"): it ends
# the value before it.
_CELL_BAR = re.compile(r"\s(?:[\[\]{}]?[|¦][\[\]{}]?|[\[\]])\s")
# A label the vocabulary does not hold: a word or two ending in a colon. It ends the value before it.
# A label the vocabulary lacks: one or two words and a colon; the second may start with a digit OCR made of a
# letter ("Subscriber 1D:"), so a value stops there instead of running on.
_ANY_LABEL = re.compile(r"(?<!\S)[A-Za-z][A-Za-z.#/]*(?: [A-Za-z01][A-Za-z.#/]*)? ?:(?=\s|$)")


# The short forms print programs use for a label's words where the width is tight ("Chk Amt", "Pmt Date",
# "Clm #"): every wording is known in each of its words' short forms too.
_SHORT_FORMS = {"CHECK": ("CHK", "CK"), "AMOUNT": ("AMT",), "PAYMENT": ("PMT", "PYMT"),
                "NUMBER": ("NBR", "NUM", "NO.", "NO", "#"),
                "DATE": ("DT",), "CLAIM": ("CLM",), "MEMBER": ("MBR",), "ACCOUNT": ("ACCT",), "PATIENT": ("PT",)}


def _short_forms(wording: str) -> set[str]:
    """A wording and every wording its words' short forms make ("CHECK AMOUNT": "CHK AMT", "CK AMOUNT", ...);
    a word alone keeps its own form ("MBR" or "PT" alone says too little to be a label)."""
    words = wording.split(" ")
    if len(words) == 1:
        return {wording}
    out = {""}
    for word in words:
        out = {f"{before} {form}".lstrip() for before in out for form in (word, *_SHORT_FORMS.get(word, ()))}
    return out


class Labels:
    """A vocabulary of labels: each field's wordings and their short forms, compiled once, the longest tried
    first."""

    def __init__(self, wordings: dict[str, tuple[str, ...]]) -> None:
        expanded = {(short, key) for key, ws in wordings.items() for w in ws for short in _short_forms(w)}
        ordered = sorted(expanded, key=lambda item: (-len(item[0]), item[0]))
        self.patterns = [(re.compile(rf"(?<![\w#]){re.escape(w)}(?![\w])\s*[:#]?"), key) for w, key in ordered]
        self.key_of = {w: key for w, key in ordered}

    def values(self, text: str) -> dict[str, Labelled]:
        """Each label's value on the row: what stands between it and the next label (punctuation trimmed);
        the first of a label said twice."""
        upper = text.upper()
        found: list[tuple[int, int, str | None, bool]] = []
        for pattern, key in self.patterns:
            for match in pattern.finditer(upper):
                if not _overlaps(found, match.start(), match.end()):
                    found.append((match.start(), match.end(), key, False))
        for match in _ANY_LABEL.finditer(text):
            start = match.start()
            if " " in match.group().rstrip(" :") and any(end <= start and not text[end:start].strip()
                                                          for _, end, _, _ in found):
                # "Method: CHK Total:": a known label's value is the first of the two words, not a label's.
                start = match.start() + match.group().index(" ") + 1
            if not _overlaps(found, start, match.end()):
                found.append((start, match.end(), *self._likeness(text[start:match.end()])))
        found.sort()
        out: dict[str, Labelled] = {}
        for index, (label_at, end, key, doubt) in enumerate(found):
            stop = found[index + 1][0] if index + 1 < len(found) else len(text)
            bar = _CELL_BAR.search(text, end, stop)
            raw = text[end:bar.start() if bar else stop]
            value = raw.strip(" :;.,#-()[]")  # "Claim ID; BR123": a colon read as a semicolon; "(NPI 123)"
            # Ended by a label of two words no wording knows ("SUPPLY NPT:", NPI misread), the value's own last
            # word may be that label's first: in doubt.
            cut = not bar and index + 1 < len(found) and found[index + 1][2] is None \
                and " " in text[found[index + 1][0]:found[index + 1][1]].strip(" :")
            if value and key is not None and key not in out:
                start = end + raw.find(value)
                out[key] = Labelled(value, start, start + len(value), doubt or cut, label_at)
        return out

    def headers(self, text: str) -> dict[str, Labelled]:
        """Each field's label on a row of column headers (labels, no values), by where it starts: the first
        where a row names a field twice."""
        out: dict[str, Labelled] = {}
        for key, label in self.every_header(text):
            out.setdefault(key, label)
        return out

    def every_header(self, text: str) -> list[tuple[str, Labelled]]:
        """Every label on a row of column headers with the field it names, left to right, each word in one."""
        upper = text.upper()
        taken: list[tuple[int, int, str | None, bool]] = []
        for pattern, key in self.patterns:
            for match in pattern.finditer(upper):
                if not _overlaps(taken, match.start(), match.end()):
                    taken.append((match.start(), match.end(), key, False))
        return [(key, Labelled(upper[start:end], start, end)) for start, end, key, _ in sorted(taken)
                if key is not None]

    def _likeness(self, label: str) -> tuple[str | None, bool]:
        """The field an unknown label most likely names, when one wording is close enough (always in doubt)."""
        close = difflib.get_close_matches(label.rstrip(" :").upper(), list(self.key_of), n=1, cutoff=0.8)
        return (self.key_of[close[0]], True) if close else (None, True)


def _overlaps(found: list[tuple[int, int, str | None, bool]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e, _, _ in found)


_TITLE_WORDS = {"ELECTRONIC", "PROVIDER", "REMITTANCE", "ADVICE", "EXPLANATION", "BENEFITS", "PAYMENT", "STATEMENT",
                "SUMMARY", "VOUCHER", "NOTICE", "COPY", "ERA", "EOB", "EOP", "RA", "MANAGED", "MEDICAID", "CARE"}
# A title, with the words that qualify it before it: how it was sent, and the line of business it reports.
TITLES = re.compile(r"(?:(?:ELECTRONIC|STANDARD|PAPER|PROVIDER|MEDICARE|MEDICAID|MANAGED|CARE|HMO|PPO) )*"
                    r"(?:REMITTANCE ADVICE|EXPLANATION OF (?:BENEFITS|PAYMENT)|PAYMENT ADVICE|"
                    # A portal's page as a browser prints it names the portal ("... Provider Portal").
                    r"(?:PROVIDER|PAYMENT) VOUCHER|PROVIDER PORTAL)")

# Column header words by what the column holds; the longest wording is tried first.
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "dates": ("SERVICE DATES", "DATES OF SERVICE", "DATE OF SERVICE", "DATES OF SVC", "DATE OF SVC", "SVC DATES",
              "SVC DATE", "SERV DATE", "SERVICE DATE", "DOS"),
    "from": ("FROM DATE", "FROM"),
    "thru": ("THRU DATE", "THROUGH", "THRU", "TO DATE"),
    "code": ("PROCEDURE CODE", "PROC CODE", "SERVICE CODE", "HCPCS/CPT", "CPT/HCPCS", "PROCEDURE", "HCPCS", "PROC",
             "CODE", "CPT"),
    "mods": ("MODIFIERS", "MODIFIER", "MODS", "MOD"),
    # What the service is, in words, between its code and its units ("STATIONARY LIQUID OXYGEN SY"): no field.
    "description": ("DESCRIPTION", "SERVICE DESCRIPTION", "DESC"),
    "units": ("UNITS", "QTY", "QUANTITY", "NOS", "UN"),
    "billed": ("AMOUNT BILLED", "BILLED AMOUNT", "AMOUNT CHARGED", "TOTAL CHARGES", "CHARGES", "CHARGE", "BILLED",
               "CHARGED", "SUBMITTED", "CHARGE AMOUNT", "CHG"),
    "allowed": ("ALLOWED AMOUNT", "AMOUNT ALLOWED", "ALLOWED", "ALLOWABLE", "APPROVED", "ELIGIBLE", "ALLOW"),
    "deductible": ("DEDUCTIBLE", "DEDUCT", "DED"),
    "copay_coins": ("COPAY/COINSURANCE", "COINSURANCE/COPAY", "COPAY/COINS", "COPAY/COINS.", "COINS/COPAY"),
    "coinsurance": ("COINSURANCE", "CO-INSURANCE", "COINS", "CO-INS"),
    "copay": ("COPAYMENT", "CO-PAY", "COPAY"),
    "paid": ("PLAN PAID", "PLAN PAYS", "PLAN PAYMENT", "PAID AMOUNT", "AMOUNT PAID", "NET PAID", "PROV PD",
             "PAYABLE", "PAYMENT", "PAID"),
    "patient_share": ("PATIENT RESPONSIBILITY", "PATIENT RESP", "MEMBER RESP", "PT RESP", "YOUR RESPONSIBILITY",
                      "PATIENT OWES", "MEMBER OWES", "PATIENT SHARE", "PATIENT PORTION"),
    "adjustments": ("ADJUSTMENTS", "ADJUSTMENT", "ADJ REASON", "ADJ CODES", "ADJ CODE", "ADJUSTMENT CODE",
                    "ADJUSTMENT CODES", "GRP/RC-AMT", "REASON CODES",
                    "GROUP/REASON", "GRP/RSN", "GRP/RC", "ADJ AMT", "ADJ AMOUNT", "ADJUSTMENT AMOUNT", "CARC",
                    "EOB CODES", "EOB CODE", "ADJ"),
}
_AMOUNT_ROLES = ("billed", "allowed", "deductible", "copay_coins", "coinsurance", "copay", "paid", "patient_share")

# Header and claim-row labels by the field they name (the header's wordings shared with the 835 segment print's
# reader, `segments`).
HEADER_WORDINGS: dict[str, tuple[str, ...]] = {
    # "PROVIDER" alone before a name; its ids ("PROVIDER ID", "PROVIDER #") are longer and tried first.
    "payee": ("PAYEE NAME", "PAYEE", "PAY TO THE ORDER OF", "PAY TO", "PAID TO", "REMIT TO", "PROVIDER NAME",
              "PROVIDER"),
    # A provider id is the NPI only when it is shaped as one (checked where read): a state's own provider
    # number prints under the same words.
    "npi": ("PROVIDER NPI", "PAYEE NPI", "BILLING NPI", "TAX ID/NPI", "NPI", "PROVIDER #", "PROVIDER NO.",
            "PROVIDER ID"),
    "date": ("PAYMENT DATE", "CHECK DATE", "ISSUE DATE", "EFT DATE", "CHECK/EFT DATE", "REMIT DATE", "PAID DATE",
             "EFFECTIVE DATE", "SETTLEMENT DATE", "PRODUCTION DATE", "VOUCHER DATE", "WARRANT DATE", "ISSUED",
             "DATE ISSUED", "DATED",
             # A state's remittance advice ("RA") dates itself.
             "RA DATE", "REMITTANCE DATE"),
    # "DATE" alone: a check's face dates the check so; taken where no other label dated the payment, and only
    # where no word qualifies it ("Run date", "Print date": `header_values`).
    "bare_date": ("DATE",),
    # A voucher is the paper that tells a payment (a check's stub, a claims administrator's "provider voucher").
    "number": ("PAYMENT NUMBER", "PAYMENT #", "VOUCHER NUMBER", "VOUCHER NO.", "VOUCHER NO", "VOUCHER #",
               "CHECK NUMBER", "CHECK NO.", "CHECK NO", "CHECK #", "CHECK/EFT #",
               "CHECK/EFT NO.", "CHECK/EFT NUMBER", "EFT NO.", "EFT NO", "EFT #", "EFT TRACE #", "EFT TRACE", "TRACE NUMBER", "TRACE #", "TRACE", "EFT NUMBER",
               # A state pays by warrant: its treasury's check.
               "WARRANT NUMBER", "WARRANT NO.", "WARRANT NO", "WARRANT #", "WARRANT"),
    "amount": ("PAYMENT AMOUNT", "CHECK AMOUNT", "TOTAL PAYMENT", "EFT AMOUNT", "PAYMENT TOTAL", "VOUCHER AMOUNT",
               "NET WARRANT AMOUNT", "WARRANT AMOUNT", "NET PAYMENT AMOUNT", "NET PAYMENT", "AMOUNT PAID",
               "NET CHECK AMOUNT", "NET CHECK", "TOTAL AMOUNT", "NET AMOUNT"),
    # The remittance advice's own number: the payment's only where no check, EFT or warrant number is printed
    # (a state's RA may print both), and then in doubt (`_header`).
    "ra_number": ("RA NUMBER", "RA NO.", "RA NO", "RA #", "REMITTANCE ADVICE NUMBER", "REMITTANCE ADVICE #"),
    "method": ("PAYMENT METHOD", "PAYMENT TYPE", "METHOD"),
    # The 835's N1 PR printed as a label: the payer by name, wherever the first row names something else.
    # A supplier's own report names the payer by its insurance ("Insurance: BLUE RIVER HEALTH PLAN").
    "payer": ("PAYER NAME", "PAYER", "PAYOR", "PAID BY", "INSURANCE CARRIER", "INSURANCE", "INSURER", "CARRIER"),
    "payer_id": ("PAYER ID", "PAYER #", "PAYOR ID"),
    # "Paid: 06/25/2026" on the payment's row: its date, where a date follows (checked where read).
    "paid_on": ("PAID ON", "PAID"),
}
HEADER_LABELS = Labels(HEADER_WORDINGS)  # compiled once; the segment reader reads its header by it too
CLAIM_WORDINGS: dict[str, tuple[str, ...]] = {
    # Medicaid says "recipient" for its member.
    "name": ("PATIENT NAME", "MEMBER NAME", "RECIPIENT NAME", "PATIENT", "MEMBER", "RECIPIENT"),
    "member": ("MEMBER ID", "PATIENT ID", "RECIPIENT ID", "RECIPIENT NO.", "RECIPIENT #", "SUBSCRIBER ID", "SUBSCRIBER NO.", "SUBSCRIBER NO", "SUBSCRIBER #", "SUBSCRIBER NUMBER",
               "INSURED ID", "MEMBER #", "MEMBER NO.", "MEMBER NO", "ID NUMBER", "MBR",
               # The insurance's id for its member, as a supplier's own report says it.
               "INS ID", "INS. ID", "INSURANCE ID"),
    # The 835 calls the payer's number the "payer claim control number" (CLP07).
    "number": ("CLAIM NUMBER", "CLAIM NO.", "CLAIM NO", "CLAIM #", "CLAIM ID", "PAYER CLAIM #", "PAYER CLAIM NO.",
               "PLAN CLAIM NO.", "PLAN CLAIM NO", "PLAN CLAIM #", "PLAN CLAIM NUMBER", "ICN",
               "PAYER CLAIM CONTROL NUMBER", "PAYER CLAIM CONTROL #", "CLAIM CONTROL NUMBER", "CLAIM CONTROL #",
               # A state's internal / transaction control number.
               "ICN / TCN", "ICN/TCN", "TCN",
               # A letter's "claim reference": the payer's number for it.
               "CLAIM REFERENCE", "CLAIM REFERENCE #", "CLAIM REF", "CLAIM REF #", "CLAIM REF NO.",
               "PAYER REFERENCE", "PAYER REF", "PAYER REF #", "PAYER REF NO."),
    # Said by the amounts (`finish`), read only so that its word is no other column's.
    "status": ("CLAIM STATUS", "STATUS"),
    "account": ("PATIENT ACCOUNT", "YOUR ACCOUNT", "YOUR ACCOUNT #", "YOUR ACCT", "PATIENT ACCT #", "PATIENT ACCT",
                "PT ACCT #", "PT ACCT", "ACCOUNT #", "ACCOUNT NO.", "PATIENT CONTROL #", "PATIENT CONTROL NO.", "PATIENT CONTROL NO", "PATIENT CONTROL NUMBER",
                "PT CONTROL NO.", "PT CONTROL NO", "PT CONTROL #", "ACCOUNT NUMBER", "ACCT #", "ACCT NO.", "ACCT"),
    # "Claim BR123...": the claim's number when nothing names it better and an identifier follows ("CLAIM 1 OF 4"
    # is a count, "Claim billed 96.00" a total).
    "claim": ("CLAIM", "CLM"),
    # "PT" alone: the patient only where a name shaped "LAST, FIRST" follows ("PT RESP 25.00" is a total).
    "pt": ("PT",),
}
_CLAIM_LABELS = Labels(CLAIM_WORDINGS)
_PROVIDER_LABEL_WORDS = {"REASON", "CODE", "REFERENCE", "REF", "MEMBER", "MBR", "AMOUNT", "RECIPIENT", "TYPE",
                         "TRANSACTION"}
# ("kind": the adjustment's kind in a word, "RECOUPMENT", "PAYOUT": its reason code says it, nothing to read.)
_PROVIDER_LABELS = Labels({"kind": ("TRANSACTION TYPE", "TYPE"), "reason": ("REASON", "CODE"),
                           "ref": ("REFERENCE", "REF #", "REF"),
                           "member": ("MEMBER ID", "PATIENT ID", "RECIPIENT ID", "MEMBER", "MBR", "RECIPIENT"),
                           "amount": ("AMOUNT",)})
# A claim's totals: "Claim Total(s)", or "Claim" and then the amounts by their labels ("Claim billed 96.00 ...").
_CLAIM_TOTAL = re.compile(r"^(?:CLAIM TOTALS?|CLM TOT(?:ALS?)?|TOTAL (?:THIS |FOR )?CLAIM|TOTALS FOR CLAIM|"
                          r"CLAIM SUBTOTAL|SUBTOTAL|"
                          # "Totals: 245.00 billed / ...": within a claim, totals its amounts' words name.
                          r"TOTALS?(?=:? .*\b(?:BILLED|CHARGED?|CHARGES|ALLOWED|PAID)\b)|"
                          r"CLAIM(?= (?:BILLED|CHARGES?|CHARGED|SUBMITTED|PAID)\b))\b:?",
                          re.I)
_REMARKS = re.compile(r"^(?:REMARK CODES|REMARKS|REMARK|RARC|RMK|REM)\b:? (?P<codes>.+)$", re.I)
# Remark codes after a line's other facts on one row ("Adjusted: CO-45 80.15   Remarks: N123"): labelled, colon and all.
_REMARKS_AFTER = re.compile(r"\s(?:REMARK CODES|REMARKS|REMARK|RARC)\s?:\s?(?P<codes>\S.*)$", re.I)
# A letter names its payer after its addressee: "Administered for BLUE RIVER HEALTH PLAN", "on behalf of ...".
_ON_BEHALF = re.compile(r"\b(?:ADMINISTERED (?:FOR|ON BEHALF OF)|PROCESSED (?:FOR|ON BEHALF OF)|ON BEHALF OF) "
                        r"(?P<name>[A-Z][A-Za-z0-9&.,' -]*[A-Za-z.])\s*$", re.I)
# A service line's number said in words before its dates ("Line 1 Oct 06 2026 ..."); its digit as OCR may read it.
_LINE_LEAD = re.compile(r"^(?:LINE|LN)\.? ?#? ?(?P<n>[\dOoQD@©lLIi|]{1,3})[.:]? (?=\S)", re.I)
# A quantity said as a multiplier ("x1", "X 2" read as "X2"), as a letter prints it.
_TIMES = re.compile(r"[xX×](?P<n>[\dIl|]{1,3})")
_THROUGH = ("-", "TO", "THRU", "THROUGH")
_PROVIDER_ADJ = re.compile(r"^(?:PROVIDER[- ]LEVEL ADJUSTMENTS|PROVIDER ADJUSTMENTS|OTHER ADJUSTMENTS|PLB|"
                           r"NON-?CLAIM(?: SPECIFIC)? (?:FINANCIAL TRANSACTIONS|ADJUSTMENTS)|FINANCIAL TRANSACTIONS|"
                           r"(?:PAYMENT|VOUCHER|CHECK) ADJUSTMENTS|"
                           r"ADJUSTMENTS TO (?:THIS |THE )?(?:PAYMENT|CHECK|REMITTANCE|VOUCHER))\b", re.I)
_CHECK_TOTAL = re.compile(r"^(?:CHECK TOTAL|TOTAL (?:PLAN )?PAID|PAYMENT TOTAL|TOTAL PAYMENT|REMITTANCE TOTAL|"
                          r"VOUCHER TOTAL|WARRANT TOTAL|NET AMOUNT|NET PAID|"
                          r"TOTAL (?:OF )?(?:THIS )?(?:REMITTANCE|CHECK|VOUCHER|WARRANT|PAYMENT))\b",
                          re.I)
# The total that names the payment itself (not "Total paid": the claims' paid, before any provider adjustment).
_PAYMENT_TOTAL = re.compile(r"^(?:CHECK|PAYMENT|REMITTANCE|VOUCHER|WARRANT|EFT) TOTAL\b|^NET (?:AMOUNT|PAID)\b|"
                            r"^TOTAL (?:OF )?(?:THIS )?(?:CHECK|PAYMENT|REMITTANCE|VOUCHER|WARRANT|EFT)\b", re.I)
# A claim's, a service's or an adjustment's number alone on its row ("=== Claim 1 of 4 ===", "Service 2"): a
# card's heading, nothing to read.
# (A scan may read the rules about it as a few glyphs: "s== Claim 5 of 7", "Claim 4 of 7 =5=".)
_COUNTER = re.compile(r"^(?:\S{1,4}\s)?\W*(?:CLAIM|SERVICE|LINE|ITEM|ADJUSTMENT)\s+#?\d{1,3}(?:\s+OF\s+\d{1,4})?"
                      r"(?:\s\S{1,4})?\W*$", re.I)
# A row that is one label and its value ("Charge Amount:   145.00"): a card's row, where a layout prints a service
# line's values one to a row.
_CARD_ROW = re.compile(r"^(?P<label>[A-Za-z][A-Za-z(){}\[\]/ .#&-]{1,40}?) ?: ?(?=\S)")
# A provider-level adjustment on a row of its own, led by its mnemonic ("PROV ADJ L6 REF 790515 AMT -6.93").
_PLB_ROW = re.compile(r"^PROV(?:IDER)?\.? ADJ(?:USTMENT)?\.?:? (?=\S)", re.I)
# A status's section of the claims ("*** DENIED CLAIMS ***") and its count and subtotal ("DENIED CLAIMS : 4  TOTAL
# PAID : 0.00"): each claim's amounts say its status, the check's sum what the sections add up to.
_SECTION = re.compile(r"^(?:\S{1,4}\s)?\W+(?:[A-Z]+ ){1,2}CLAIMS?\W+(?:\s\S{1,4})?$|"  # (its word a scan may misread)
                      r"^(?:[A-Z]+ ){1,2}CLAIMS? ?:? ?\d{1,4}(?:\s+TOTAL\s[A-Z ]{1,20}?\s?:?\s?\$?[\d,]+\.\d\d)?$", re.I)
# The marks that set a heading off ("*** FINANCIAL TRANSACTIONS ***", "== ... =="), either side.
_DECORATION = re.compile(r"^[^\w\s]{2,}\s*|\s*[^\w\s]{2,}$")  # (a scan may read a star as «)
# A sum over the whole check by one amount's word ("TOTAL CHARGED 1,796.00"), at its foot.
# (Other totals may follow on its row: "Total charged ..... $2,649.25   Total paid ..... $872.88".)
_DOCUMENT_TOTAL = re.compile(r"^TOTAL (?:CHARGED|CHARGES|BILLED|ALLOWED|SUBMITTED)\b\s*:?\s*\$?[\d,]+\.\d\d"
                             r"(?: TOTAL [A-Z]+(?: [A-Z]+)?\s*:?\s*\$?[\d,]+\.\d\d)*$", re.I)
_NONE = re.compile(r"^(?:NONE|NO (?:PROVIDER[- ]LEVEL |PROVIDER |PAYMENT |CHECK |OTHER )?ADJUSTMENTS\b.*)$", re.I)
_DOTTED_SURE = 95.0
_SPECKED_AMOUNT = re.compile(r"(\d\.\d\d)\d(?!\S)")
_LINE_NUMBER = re.compile(r"\d{1,3}")


def _dotted(text: str) -> bool:
    """Whether `text` holds a glyph a typewriter face's dotted zero reads as (6, 8 or 9)."""
    return any(c in dotted_zero.LOOKALIKES for c in text)


# A line number's digits as OCR may read them ("O1", "@1", "OL", "Ql"): only where a date follows.
_LINE_NO_LOOKALIKES = str.maketrans({**{c: "0" for c in "OoQD@©®G"}, **{c: "1" for c in "lLIi|"}})
_BOX_BAR = re.compile(r"[|¦]")
_EDGE_LEAD = re.compile(r"^[\[\]{}|¦]{1,3}\s+(?=\S)")
_EDGE_TRAIL = re.compile(r"(?<=\S)\s+[\[\]{}|¦]{1,3}$")


# A label's dotted leader ("PAYEE NAME .........: "), as a scan may read it: specks among its dots, its colon
# read as "!", "|", ";" or lost ("...........+..!", ".........4...1"); a lone colon after it.
_LEADER = re.compile(r"(?<!\S)\.{3}\S*(?:\s[:;!|¦](?=\s|$))?")


def _without_leaders(row: Line) -> Line:
    """A row whose labels lead to their values by dots: each leader a colon (the row as long as it was). A leader
    is a word that opens with three dots and is mostly dots."""
    def colon(leader: re.Match[str]) -> str:
        word = leader.group().split()[0]
        return ":".ljust(len(leader.group())) if word.count(".") >= 0.6 * len(word) else leader.group()

    text = _LEADER.sub(colon, row.text)
    return row if text == row.text else row.with_text(text)


def _specks_mended(row: Line) -> Line:
    """What a scan does to a row that its shape undoes, the row as long: an adjustment's amount split at its
    point ("C04=96 00": the point put back); a speck after a procedure code read as a point or a comma ("A4253.":
    blanked; the code's glyphs were read unsure, so it stays in doubt)."""
    text = _SPLIT_AFTER_CODE.sub(r"\1.\2", row.text)
    if row.conf(0, len(text)) < CERTAIN:
        text = _SPECK_AFTER_CODE.sub(r"\1 ", text)
    return row if text == row.text else row.with_text(text)


def _unboxed(row: Line) -> Line:
    """A row of a table drawn in ASCII boxes ("| 20260924 | E0431 | RR | 1 | 62.40 |"): its cells' values set
    end to end, a column's gap between each two (a blank cell none), every word keeping its confidence; any other
    row as it is."""
    text = row.text
    if not text.startswith(("|", "¦")) or len(_BOX_BAR.findall(text)) < (2 if text.endswith(("|", "¦")) else 3):
        # A scan's box edge read as a glyph or two at either end ("[| 20260815 E0470 ...", "... ADJUSTMENTS {|").
        lead, trail = _EDGE_LEAD.match(text), _EDGE_TRAIL.search(text)
        if lead is None and trail is None:
            return row
        start, end = lead.end() if lead else 0, trail.start() if trail else len(text)
        return row.part(start, end) if start < end else row
    bars = [m.start() for m in _BOX_BAR.finditer(text)] + [len(text)]
    parts = []
    for start, end in zip(bars, bars[1:]):
        cell = text[start + 1:end]
        if cell.strip():
            at = start + 1 + len(cell) - len(cell.lstrip())
            parts.append(row.part(at, at + len(cell.strip())))
    return Line.joined(parts) if parts else row.with_text(" " * len(text))
_GLOSSARY = re.compile(r"^(?:(?:CLAIM )?(?:ADJUSTMENT |REASON |REMARK |CARC |RARC )+CODES? (?:GLOSSARY|DESCRIPTIONS?|"
                       r"DEFINITIONS?|LEGEND)|GLOSSARY(?: OF (?:TERMS|CODES))?|CODE (?:GLOSSARY|DESCRIPTIONS|LEGEND))"
                       r"\W*$", re.I)
# A glossary's entry: a code, then words that say what it means (no amount).
_GLOSSARY_ENTRY = re.compile(r"^(?:[A-Z]{2}-?[A-Z]?\d{1,3}|[A-Z]{1,2}\d{1,4})\s+(?=[A-Za-z(])(?!.*\d\.\d\d)")
_RULE = re.compile(r"^[-_—=+|¦~*. ]{10,}$")  # a rule, or a box's edge ("+------+------+")

_AMOUNT = re.compile(rf"^\$?(?P<v>{AMT})$")
_ANY_AMOUNT = re.compile(r"\d\.\d\d\b")
_AMOUNT_LIKE = re.compile(r"\d\.\S\S(?!\S)")
_PAYMENT_TOLD = re.compile(r"\b(?:REMITTANCE|REMIT|CHECK|EFT|TRACE|PAYMENT|VOUCHER|WARRANT)\b")
_DATE_FORMS = (
    re.compile(r"(?P<m>\d\d)[/-](?P<d>\d\d)[/-](?P<y>\d{4}|\d\d)(?!\d)"),
    re.compile(r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d\d)(?P=sep)(?P<d>\d\d)(?!\d)"),
    re.compile(r"(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<d>\d{1,2}),? (?P<y>\d{4})(?!\d)"),
    # (A scan may space a hyphen off its neighbours: "17 Aug -2026".)
    re.compile(r"(?P<d>\d{1,2})(?: ?- ?| )(?P<mon>[A-Za-z]{3})[a-z]*(?: ?- ?| )(?P<y>\d{4}|\d\d)(?!\d)"),
)
_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                                       "DEC"), start=1)}
# Month first, or the year first (ISO, "2026-04-02"), as print programs give them.
_DAY = r"(?:\d\d[/-]\d\d[/-]\d{2,4}|\d{4}-\d\d-\d\d|\d{4}/\d\d/\d\d)"
_RANGE = re.compile(rf"^(?P<a>{_DAY})[-~](?P<b>{_DAY})$")
# An adjustment: a group code, its reason, its amount ("CO-45 43.37", "PR2 16.00", "OA-23: 5.00;"); never
# "CR 1 100.00", which is a modifier, the units and the billed amount.
# A small print's C read as a currency sign, alone or beside a bracket or the C itself ("€045", "(€045", "C€045").
_SPECK_AFTER_CODE = re.compile(r"(?<!\S)([A-Z]\d{4})[.,'`](?=\s)")
_SPLIT_AFTER_CODE = re.compile(r"(=\d{1,3}(?:,\d{3})*) (\d\d)(?!\S)")
_C_READS = ("€", "£", "(€", "(£", "C€", "C£", "¢", "¢€", "(¢", "C¢")
# (A group's second letter read small: "Co45", "Pr3".)
# (Its O read twice: "CoO", "COO".)
# (Its O read as itself and a lookalike: "CO0", "O0A".)
_GROUP = (r"C[oO][oO]|CO[GQD0@©6]|CO|PR|O[GQD0@©6]A|[GQD0@©6]OA|OA|PI|CR|C[GQD0@©6]{1,2}|C[GQD0@©6][oO]|"
          r"[GQD0@©6]{1,2}A|co|pr|oa|Co|Pr|Oa|c[GQD0@©6oO]{1,2}|"
          r"(?:\(?[€£¢]|C[€£¢]|¢€)[OGQD0@©6]{1,2}|"
          # its letters doubled or read small ("CcOo-16", "CCO-45")
          r"C[cC][oO0][oO0]?")
# "CO-45 43.37", "CO45: 43.37", and an export's "CO45:43.37" (its colon the only space between them); a scan's
# speck after the code read as a point ("C045. 80.15").
_ADJ = re.compile(rf"(?<![\w.])(?P<grp>{_GROUP})(?:[-/]|(?<=CO|PR|OA|PI|co|pr|oa|Co|Pr|Oa|cO|pR|oA|oO|Oo|oo|OO|CQ|CG|CD|C0|C@|C6|cQ|cG|c0|€O|£O|¢O|QO|GO|DO|0O) )?(?P<rc>[A-Z]?\d{{1,3}}|[A-Z]\d?)"
                  rf"(?:[:;=] ?| = ?| |\. )\$?(?P<amt>{AMT})[;,]?(?![\w.])")  # (". ": a speck after the code)
# An adjustment whose amount a scan garbled past reading ("C097 95.e@e"): its group, reason and the amount's place.
_ADJ_GARBLED = re.compile(rf"(?<![\w.])(?P<grp>{_GROUP})[-/]?(?P<rc>[A-Z]?\d{{1,3}})(?:[:;] ?| )"
                          r"(?P<amt>[^\s.]{1,9}\.[^\s.]{2,3})[;,]?(?!\S)")
# A group code's O read as one or two lookalikes ("CG-45", "CG6-45"): the group the O gives, its code under review.
_O_GLYPHS = "GQD0@©6"
_GROUP_READ_AS = {**{f"{c}{a}{b}": "CO" for c in ("C", *_C_READS) for a in (*_O_GLYPHS, "O")
                     for b in ("", *_O_GLYPHS, "O") if f"{c}{a}{b}" != "CO"}, "COO": "CO",
                  **{f"{a}{b}A": "OA" for a in _O_GLYPHS for b in ("", *_O_GLYPHS)},
                  **{f"O{a}A": "OA" for a in _O_GLYPHS}, **{f"{a}OA": "OA" for a in _O_GLYPHS}, "OOA": "OA",
                  **{f"CC{a}{b}": "CO" for a in ("O", "0") for b in ("", "O", "0")}}


def group_read_as(text: str) -> str | None:
    """The adjustment group a scan's reading of one stands for ("C0", "C0O", "O0A"), or None if it is none."""
    upper = text.upper()
    return upper if upper in ("CO", "PR", "OA", "PI", "CR") else _GROUP_READ_AS.get(upper)
# An amount cell whose glyphs give no reading ("€.0@"): its column's value is for the line's arithmetic to find.
_GARBLED_AMOUNT = re.compile(r"^[^\s.]{1,9}\.[^\s.]{2}$")
_REMARK_CODE = re.compile(r"^(?:M|MA|N)\d{1,3}$")
_CODE = re.compile(r"^[A-Z]\d{4}$")
# A HCPCS code as a scan may read it ("E043]", "A4253°", "KO0001", "§€0143"): five to seven glyphs, three digits
# among them, no date's slash or amount's point.
_CODE_SHAPE = re.compile(r"(?=(?:[^\d@©]*[\d@©]){3})[^\s./]{5,7}")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
# A date however misread: slashed or ISO, or six or eight digits (a zero read as a lookalike: "@92226").
_DATE_SHAPE = re.compile(r"^(?:\S\S[/-]\S\S[/-]\S\S(?:\S\S)?|\S{4}-\S\S-\S\S|[\d@OQD©]{6}|[\d@OQD©]{8}|"
                         # a date or range a speck gave a glyph too many ("069/601/2026", "10/098/26-11/06/26")
                         r"\S{2,3}/\S{2,3}/\S{2,5}[-~]\S{2,3}/\S{2,3}/\S{2,5}|"
                         r"[\dOQD@©lI|]{2,3}/[\dOQD@©lI|]{2,3}/[\dOQD@©lI|]{2,5}|"
                         # a month or day of one digit (its zero not printed, or lost: "7/11/2026")
                         r"\d{1,2}/\d{1,2}/\d{4})$")
# A date whose month or day has one digit: read, in doubt (a print that drops the zero, or a scan that lost a digit).
_SHORT_DATE = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$")
_FIELD_OF = {"copay_coins": "coinsurance", "copay": "coinsurance", "patient_share": "coinsurance"}
# The columns that print a line's deductible or coinsurance (what the member owes parted into both), and the PR
# reasons that say them where no column does.
_SHARE_ROLES = {"deductible": ("deductible", "patient_share"),
                "coinsurance": ("coinsurance", "copay", "copay_coins", "patient_share")}
_SHARE_REASONS = {"deductible": balance.DEDUCTIBLE_REASONS, "coinsurance": balance.COINSURANCE_REASONS}
# A claim's totals, by the line amounts each sums.
_TOTAL_OF = {"billed": ("billed",), "allowed": ("allowed",), "paid": ("paid",),
             "patient_responsibility": ("deductible", "coinsurance", "adjustments")}
# A title alone on the first row ("PAYMENT SUMMARY", "REMITTANCE ADVICE FOR ..."), and the payee it is for.
_TITLE_ONLY = re.compile(r"^(?:ELECTRONIC |PROVIDER |STANDARD )?(?:PAYMENT|REMITTANCE|PROVIDER|CHECK|EFT) "
                         r"(?:SUMMARY|ADVICE|STATEMENT|VOUCHER|NOTICE|REPORT|DETAIL)\b")
_TITLE_FOR = re.compile(r"\bFOR (?P<name>[A-Z][A-Z0-9&.,' -]*?[A-Z.])\s*(?:\(|\bNPI\b|$)")
# The check told in a sentence, as a practice-management program prints it.
_PAYMENT_SENTENCE = re.compile(
    rf"^(?P<what>REMITTANCE|CHECK|EFT|PAYMENT|TRACE)(?: (?:NUMBER|NO\.?|#))? (?P<number>[A-Z0-9-]*\d[A-Z0-9-]*) "
    rf"(?:DATED|ISSUED(?: ON)?|ON) (?P<date>.+?) (?:FOR|IN THE AMOUNT OF|TOTALING|TOTALLING) \$?(?P<amount>{AMT})"
    r"(?: \((?P<how>CHECK|EFT|ACH|CHK)\))?\W*$", re.I)
_SPELLED_DATE = _DATE_FORMS[2]  # "Oct 01, 2026"
# A spelled date as a scan may read it: a zero of its day or year read as a lookalike ("Oct @5 2026").
# (A speck read as a capital before the month's own, "OQct", is no part of it; nor one read as a zero's lookalike
# before the day's two digits, "Sep O01".)
_SPELLED_LOOSE = re.compile(r"(?<![A-Za-z])(?:[A-Z](?=[A-Z][a-z]{2}))?(?P<mon>[A-Za-z]{3})[a-z]*\.? "
                            r"(?P<d>[\dOoQD@©]{1,2}|[OoQD@©]\d\d),? (?P<y>[\dOoQD@©]{4,5})(?![\dOoQD@©])")
# The same, day first ("21-Sep-2026"), its hyphens maybe spaced off ("17 Aug -2026").
_DAY_FIRST_LOOSE = re.compile(r"(?<![\w-])(?P<d>[\dOoQD@©]{1,2})(?: ?- ?| )(?P<mon>[A-Za-z]{3})(?: ?- ?| )"
                              r"(?P<y>[\dOoQD@©]{4})(?![\dOoQD@©])")
_ZERO_LOOKALIKES = str.maketrans({c: "0" for c in "OoQD@©"})
# A code joined to its modifiers ("E1390-RR-KX"), the code as OCR may garble it ("£1390-RR", "E0Q431-RR"); never a
# date ("2026-10-01": all digits before the first hyphen).
_JOINED_CODE = re.compile(r"(?<!\S)(?:HC:)?(?=\S*[^\d\s:-])[^\s:-]{5,7}(?:[-:][A-Z0-9]{2})+(?!\S)")
# A point read as a comma ("CO45:43,37,"): a comma before two digits and no third is no thousands' comma.
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d\d(?!\d))")
# A speck read as a comma before the point ("45,.38"): the amount, the comma's place kept at its end.
_COMMA_BEFORE_POINT = re.compile(r"(\d),\.(\d\d)(?!\d)")
# An adjustment's amount a speck after it gave a third decimal ("CO197:95.008"): the amount, the speck blanked.
_SPECKED_ADJUSTMENT = re.compile(r"((?<![\w.])\S{2,3}\d{1,3}(?:[:=]| )\$?\d[\d,]*\.\d\d)\d(?!\S)")
_THIRD_DECIMAL = re.compile(r"(?<![\w.])\d[\d,]*\.\d{3}(?!\S)")
# A slash or a cell's bar between values (as a scan may read a bar: "{|", "l]"): no value; a bar read onto a
# value's end ("1]"), no part of it.
_LONE_SLASH = re.compile(r"(?<=\s)(?:[/|¦]|[{}\[\]]?[|¦][{}\[\]]?)(?=\s|$)|(?<=\d)[\]\[|¦}{](?=\s|$)")
# An adjustment's group and reason with no amount, as an "EOB codes" column lists them ("CO45 PR3"); the amounts
# follow on a detail row.
_BARE_CODE = re.compile(rf"^(?P<grp>{_GROUP})-?(?P<rc>[A-Z]?\d{{1,3}})$")
# A label leading a row of adjustments ("EOB CODE DETAIL: CO45 158.48 PR3 25.00").
# (Its first letter may be read as a sign or a speck: "£OB CODE DETAIL:".)
_ADJ_WORD = re.compile(r"^(?:ADJ(?:USTMENTS?)?|ADJ\.|CARC)\s(?=\S)", re.I)  # "Adj CO 45 94.83": no colon
_LEAD_LABEL = re.compile(r"^[^\sA-Za-z0-9]?[A-Za-z][A-Za-z /.#-]{0,40}:\s")
_IN_BRACKETS = re.compile(r"(?<![\w.])\((?P<dollar>\$)?(?P<v>[\d,]*\d\.\d\d)\)(?![\w.])")
_SIGN_AFTER = re.compile(r"(?<![\w.,$-])(?P<v>\$?[\d,]*\d\.\d\d)-(?!\S)")
_LAST_FIRST = re.compile(r"[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*)*, [A-Za-z][A-Za-z'. -]*")
_IDENTIFIER = re.compile(r"[A-Z0-9][A-Z0-9-]{3,}")  # a member id, claim or account number: four or more
_IDENTIFIER_END = re.compile(r"[,;()\[\]{}]|:(?:\s|$)")
# A word that joins a claim's number to its patient ("Claim BR123 for KIM, PAVEL"), before the name.
_JOINING_WORD = re.compile(r"^(?:for|of|re:?|patient:?)\s+(?=\S+,)", re.I)
# ... as a scan may read one: a zero as "@" or "©" (so read, it is in doubt where it is kept: `_identifiers`).
_IDENTIFIER_READ = re.compile(r"[A-Z0-9@©][A-Z0-9@©-]{3,}")
_ONE = {"I": "1", "l": "1", "|": "1"}  # a lone one as OCR reads it


def detect(upper: str) -> bool:
    """A remittance: a row of column headers naming billed and paid amounts (no order or CMN prints one), and a
    remittance title or, where a print program titles it otherwise ("PAYMENT SUMMARY FOR ... MEDICAL SUPPLY"),
    the payment it reports (a check, an EFT, a remittance); a letter that prints no column headers names each
    amount by its word instead ("Charged 145.00 Allowed 64.85 ... We paid 39.85"). Told before the forms: a
    supplier's name holds words an order holds too ("SUPPLY")."""
    told = TITLES.search(upper) or _PAYMENT_TOLD.search(upper)
    rows = upper.splitlines()
    return bool(told) and (any(_table_header(row) is not None or _amounts_row(row) is not None for row in rows)
                           or any(stacked_header(Line.plain(a), Line.plain(b)) is not None
                                  for a, b in zip(rows, rows[1:]) if not re.search(r"\d", a))
                           or _cards_present(rows) or any(inline_parts(Line.plain(row)) for row in rows))


def _cards_present(rows: list[str]) -> bool:
    """Service lines printed as cards: rows in a run, each one label and its value, that name a line's billed and
    paid amounts and its date or code."""
    named: set[str] = set()
    for row in rows:
        card = card_roles(row)
        named = named | set(card[0]) if card else set()
        if {"billed", "paid"} <= named and named & {"dates", "from", "code"}:
            return True
    return False


def inline_parts(row: Line) -> list[tuple[list[str], Line]] | None:
    """A service line printed on one row with each value after its label or mnemonic ("DOS 100126 PROC E1390 MOD
    RR UNITS 1 CHG 289.25 ALLOW 168.57 ... PAID 143.57 ADJ CO45 120.68"): each label's role and its value (up to
    the next label); None for any other row: the row must start with a label, every label must have a value,
    none may be said twice, and the billed and paid amounts and the dates or the code must be among them."""
    spans = sorted(_role_spans(row.text))
    if not spans or spans[0][0] != 0:
        return None
    parts: list[tuple[list[str], Line]] = []
    for (start, end, role), following in zip(spans, [*spans[1:], (len(row.text) + 1, 0, "")]):
        value = row.part(end + 1, following[0] - 1) if following[0] - 1 > end + 1 else None
        if value is None or not value.text.strip() or role not in _CARD_RANK:
            return None
        parts.append(([role], value))
    roles = [held[0] for held, _ in parts]
    if len(set(roles)) != len(roles) or not {"billed", "paid"} <= set(roles) or not {"dates", "code"} & set(roles):
        return None
    return parts


# What a service line's card may print, one to a row; and where each goes in the row it is read as (the dates,
# the code, its modifiers, the units, the amounts as the card orders them, the adjustments).
_CARD_RANK = {"dates": 0, "from": 0, "code": 1, "mods": 2, "units": 3, "adjustments": 5,
              **{role: 4 for role in _AMOUNT_ROLES}}


def card_roles(text: str) -> tuple[list[str], int] | None:
    """What a card's row holds ("Procedure/Modifiers: E0439 / RR": the code and its modifiers) and where its value
    starts; None for a row that is no card's (a label naming no part of a service line, or several)."""
    match = _CARD_ROW.match(text)
    if match is None:
        return None
    roles = roles_in(re.sub(r"[(){}\[\]]", "", match["label"].upper()).replace("/", " "))
    if roles == ["code", "mods"] or (len(roles) == 1 and roles[0] in _CARD_RANK):
        return roles, match.end()
    return None


def date_of(text: str) -> dt.date | None:
    """A date as payers print them: MM/DD/YY(YY), MM-DD-YY(YY), YYYY-MM-DD, "Nov 20, 2026", "20-NOV-2026";
    None when the text is no date or no calendar holds it."""
    return _date(text, whole=True)


def date_starting(text: str) -> dt.date | None:
    """The date a label's value starts with ("Nov 20, 2026 Trace ...")."""
    return _date(text, whole=False)


def _date(text: str, *, whole: bool) -> dt.date | None:
    for form in _DATE_FORMS:
        match = form.fullmatch(text) if whole else form.match(text)
        if match is None:
            continue
        parts = match.groupdict()
        month = _MONTHS.get(parts["mon"].upper()[:3], 0) if parts.get("mon") else int(parts["m"])
        year = int(parts["y"]) + (2000 if len(parts["y"]) == 2 else 0)
        try:
            return dt.date(year, month, int(parts["d"]))
        except ValueError:
            return None
    return None


_ROLE_OF = {w: key for key, ws in COLUMN_WORDS.items() for w in ws}
_COLUMN_RE = re.compile(r"(?<!\S)(" + "|".join(re.escape(w) for w in sorted(_ROLE_OF, key=len, reverse=True))
                        + r")(?!\S)")


_ONE_WORD = sorted({w for w in _ROLE_OF if " " not in w and len(w) >= 4})
_SHORT_WORDS = sorted({w for w in _ROLE_OF if re.fullmatch(r"[A-Z]{3,4}", w)})


def roles_in(text: str) -> list[str]:
    """What the column header words of a row name, left to right (words naming nothing are passed over)."""
    return [role for _, _, role in sorted(_role_spans(re.sub(r"\s+", " ", text)))]


def label_role(text: str) -> str | None:
    """The one column a row's label names where the label is nothing but its wording ("Plan paid", "Service
    date:", "Charge ....."): a table printed across names each of its rows so."""
    label = text.strip().rstrip(":. ")
    spans = _role_spans(label)
    if len(spans) != 1:
        return None
    start, end, role = spans[0]
    return role if not (label[:start] + label[end:]).strip(" :.") else None


def _role_spans(text: str) -> list[tuple[int, int, str]]:
    """Each word or wording on a row that names a column, with where it stands and what it names. A word the OCR
    got one letter wrong ("Capay", "Charqed") still names its column: a column lost would shift every amount
    after it."""
    # A speck read as a quote or an apostrophe on a header word ("PLAN PAYS’") is no part of it (blanked, so
    # that every other character keeps its place).
    upper = re.sub(r"[’‘'`\"]", " ", text.upper())
    spans = [(m.start(), m.end(), _ROLE_OF[m.group(1)]) for m in _COLUMN_RE.finditer(upper)]
    for word in re.finditer(r"\S{4,}", upper):
        if any(s <= word.start() < e for s, e, _ in spans):
            continue
        close = difflib.get_close_matches(word.group(), _ONE_WORD, n=2, cutoff=0.8)
        if len(close) == 1 or (close and _ROLE_OF[close[0]] == _ROLE_OF[close[-1]]):
            spans.append((word.start(), word.end(), _ROLE_OF[close[0]]))
    if len(spans) >= 3:
        # Among a row's column headers, a short one a small print lost a letter of ("BED" for DED, "bos" for
        # DOS) names the one column it is a letter from that no other header on the row names ("BOS" is a letter
        # from DOS and from NOS, the units, which "UNITS" names).
        named = {role for _, _, role in spans}
        for word in re.finditer(r"(?<!\S)[A-Z]{3,}(?!\S)", upper):
            if any(s <= word.start() < e for s, e, _ in spans):
                continue
            # (A letter off in a short word; two in a word of six or more: "ATTOWED" for ALLOWED.)
            most = 1 if len(word.group()) < 6 else 2
            roles = {_ROLE_OF[w] for w in _SHORT_WORDS + _ONE_WORD if len(w) == len(word.group())
                     and 0 < sum(a != b for a, b in zip(w, word.group())) <= most} - named
            if len(roles) == 1:
                spans.append((word.start(), word.end(), roles.pop()))
    return spans


def amount_labels(text: str) -> list[tuple[int, int, str]]:
    """The words on a row that name an amount, each with its span and role (`_role_spans`)."""
    return [span for span in _role_spans(text) if span[2] in _AMOUNT_ROLES]


def _named_amounts(text: str) -> dict[str, Named] | None:
    """The row's amounts by the words beside them (`named_amounts`); None when a word or an amount is left over."""
    named = amounts_named(text, amount_labels(text), garbled_amount)
    return {n.role: n for n in named} if named else None


def garbled_amount(text: str) -> Decimal | None:
    """An amount a scan misread ("©.00", "143.O2"): its least reading, for the line's arithmetic to check."""
    if not _GARBLED_AMOUNT.match(text) or _CODE.match(text):
        return None
    readings = loose_line.amount_readings(text)
    return readings[0] if readings else None


def _amounts_row(text: str) -> dict[str, Named] | None:
    """A service line's amounts printed each by its word, on a row of their own ("Charged 145.00 Allowed 64.85
    Deductible 0.00 Member owes 25.00 We paid 39.85"): at least the billed, the allowed and the paid."""
    named = _named_amounts(text)
    return named if named is not None and {"billed", "allowed", "paid"} <= named.keys() else None


def stacked_header(upper: Line, lower: Line) -> list[str] | None:
    """The roles of column headers stacked over two rows ("Billed" over "Amount", "Plan" over "Paid", "Adj" over
    "Code"), None when the two rows make no table's header together that the lower does not alone. The lower
    row is cut into cells at its wide gaps (`_cells`), the upper into words (two columns' words may stand a
    space apart: "Plan Adj"), and the two joined in order: a word or two of the upper row qualify the lower
    cell they make one column's wording with, the most columns named taken (`_joined`); a lower cell that needs
    no qualifier names its column alone; an upper word that joins nothing ("Date of" over "Svc From") is
    passed over."""
    if _table_header(lower.text) is not None:
        return None  # a header alone (the row above it is a claim's labels, say): nothing to join
    roles, joined = _joined(upper.text.upper().split(), _cells(lower))
    if not joined or _table_header(" ".join(_HEADER_WORD[r] for r in roles)) is None:
        return None
    return roles


# A column wording for each role, to test a joined row as `_table_header` tests a printed one.
_HEADER_WORD = {role: words[0] for role, words in COLUMN_WORDS.items()}


def _cells(row: Line) -> list[str]:
    """A row's header cells: its text cut at the gaps wider than a space (at every space where it knows none),
    a cell whose words name two columns ("Paid Code", a space apart) cut into its words."""
    text = row.text.upper()
    cuts = sorted(row.wide) if row.wide else [m.start() for m in re.finditer(" ", text)]
    bounds = [-1, *cuts, len(text)]
    cells = [text[a + 1:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a + 1:b].strip()]
    return [part for cell in cells for part in (cell.split() if len(roles_in(cell)) > 1 else [cell])]


def _one_role(text: str) -> str | None:
    roles = roles_in(text.replace("/ ", "/"))
    return roles[0] if len(roles) == 1 else None


def _joined(upper: list[str], lower: list[str]) -> tuple[list[str], bool]:
    """The roles of a lower row of header cells, each qualified by the upper words above it where they make one
    column's wording: the alignment (in order) naming the most columns, a joined wording counting twice a lone
    one; whether any was joined."""
    @functools.lru_cache(maxsize=None)
    def best(i: int, j: int) -> tuple[int, tuple[str, ...], bool]:
        if j == len(lower):
            return 0, (), False
        alone = _one_role(lower[j])
        score, roles, joined = best(i, j + 1)
        options = [(score + (alone is not None), ((alone,) if alone else ()) + roles, joined)]
        if i < len(upper):
            options.append(best(i + 1, j))  # an upper word that qualifies nothing below it
        for words in (1, 2):
            if i + words <= len(upper) and (both := _one_role(f"{' '.join(upper[i:i + words])} {lower[j]}")):
                score, roles, _ = best(i + words, j + 1)
                options.append((score + 2, (both, *roles), True))
        return max(options, key=lambda o: o[0])

    _, roles, joined = best(0, 0)
    return list(roles), joined


def _table_header(text: str) -> list[str] | None:
    """The roles of a row of column headers; None when the row is not one (billed, paid, and the dates or
    the code or no amount printed, among at least four columns)."""
    roles = roles_in(text)
    has_dates = any(r in roles for r in ("dates", "from"))
    # A row of totals names amounts too ("Billed 100.00 Allowed 80.00 ..."): headers print none.
    named_only = has_dates or "code" in roles or not _ANY_AMOUNT.search(text)
    # (A service line whose every value follows its mnemonic names its columns too, each with its value.)
    if "billed" in roles and "paid" in roles and named_only and len(set(roles)) >= 4 \
            and inline_parts(Line.plain(text)) is None:
        return roles
    return None


@dataclass
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]


@dataclass
class _Table:
    """The column headers in force: which amount each amount on a service line is."""
    roles: list[str]

    @property
    def amounts(self) -> list[str]:
        return [r for r in self.roles if r in _AMOUNT_ROLES]

    @property
    def code_first(self) -> bool:
        """Whether the headers put the procedure before the dates ("Ln Proc Mods From Thru ...")."""
        dates = [i for i, r in enumerate(self.roles) if r in ("dates", "from")]
        return bool(dates) and any(r in ("code", "mods") for r in self.roles[:dates[0]])


def parse(lines: Iterable[Line]) -> tuple[Remittance, dict[int, object], list[str]]:
    """The remittance row by row: header fields until the first claim, then each claim (its row, the table's
    headers, service lines, remarks, totals), then provider-level adjustments. A row that reads as none of
    these inside a claim puts the claim under review."""
    reading = _Reading()
    glossary = False
    for row in lines:
        row = _specks_mended(_without_leaders(_unboxed(row)))
        text = row.text
        if not text or PAGE_FOOTER.match(text) or _RULE.match(text):
            continue
        # A glossary of the codes used ("CO-45 Charge exceeds fee schedule ..."): what they mean, no adjustment.
        glossary = bool(_GLOSSARY.match(text)) or (glossary and bool(_GLOSSARY_ENTRY.match(text)))
        if glossary:
            continue
        reading.row(row)
    reading.finish()
    return reading.remit, {}, reading.trust.review


@dataclass
class _Reading:
    remit: Remittance = field(default_factory=lambda: Remittance(payer=Payer(), payee=Payee(), payment=Payment()))
    trust: Trust = field(default_factory=Trust)
    claim: RemittanceClaim | None = None
    table: _Table | None = None
    totals_read: set[int] = field(default_factory=set)
    in_plb: bool = False
    first_row: bool = True
    # An identifier's 6, 8 or 9 was read without near certainty: the document may be in a typewriter face
    # whose dotted zero reads so, at any confidence (`finish` then doubts every code holding one).
    dotted_face: bool = False
    # Half a claim's header (its name, or its identifiers) waiting for the row that holds the other half.
    half_header: tuple[Line, dict[str, Labelled]] | None = None
    plb_columns: list[str] | None = None
    payer_next: bool = False  # the first row was the title alone: the payer is named on the next
    # A claim's header printed in columns: its labels on a row of their own, in this order, each claim's values
    # on a row below them (`_columnar_claim`).
    claim_columns: list[str] | None = None
    # A line's adjustment codes its "EOB codes" column listed, by the line's path, until their amounts are read.
    codes_listed: dict[str, list[str]] = field(default_factory=dict)
    # The claim totals' columns whose printed total sums none of the lines: taken from the lines.
    from_lines: set[str] = field(default_factory=set)
    # A service line read with no amounts and no columns to hold them: its amounts are named on the row below
    # ("Charged 145.00 Allowed 64.85 ..."); its path until they are read.
    amounts_due: str | None = None
    # An export's table prints each service line's claim on its own row, in these columns before the line's
    # (`_line_with_its_claim`): no claim header rows.
    claims_on_lines: list[str] | None = None
    # A row of header words held for the row below it (`row`): half a header stacked over two rows, maybe.
    held: Line | None = None
    # A service line's card read so far (`_card_add`): each row with what it holds and where its value starts.
    card: list[tuple[Line, list[str], int]] = field(default_factory=list)
    # A provider-level adjustment's card read so far: its rows, and the field each names.
    plb_card: list[tuple[Line, str]] = field(default_factory=list)
    scanned: bool = False  # a row was read by OCR (a text layer prints what it says: no glyph to read back)
    # A member id or claim number whose label was followed by two words: the two joined, by claim and field.
    split_read: dict[tuple[int, str], str] = field(default_factory=dict)
    # Rows under the table's headers that no claim holds yet: a report that prints each claim's service lines
    # first and its identifiers after them (`lines_first`) gives them to the claim whose row follows.
    pending: list[Line] = field(default_factory=list)
    lines_first: bool = False
    heading: str | None = None  # the party the first row named, where a label named the payer otherwise
    number_by_ra: bool = False  # the payment's number is the remittance advice's (no check number printed)
    date_by_bare: bool = False  # the payment's date is the one after a bare "DATE" (no other label dated it)
    payee_next: bool = False  # "PAY TO THE ORDER OF" alone: the payee is named on the next row
    # A claim's totals printed on its identifiers' row, under these columns after the identifiers' (in order).
    claim_amounts: list[str] = field(default_factory=list)
    # Service lines whose table prints no deductible or no coinsurance column: those amounts are their PR
    # adjustments' (`_finish`).
    unprinted: list[tuple[ServiceLine, set[str]]] = field(default_factory=list)

    def row(self, row: Line) -> None:
        """A row read in order; one of header words that names columns but no table's header alone is held for
        the row below it: the two may be one header stacked over two rows."""
        if self.card and not (self.table is None and self.claim is not None and card_roles(row.text)):
            self._card_flush()
        if self.plb_card and not (self.in_plb and _plb_card_field(row.text)):
            self._plb_card_flush()
        self.scanned = self.scanned or row.conf(0, len(row.text)) < CERTAIN
        held, self.held = self.held, None
        if held is not None:
            if (roles := stacked_header(held, row)) is not None:
                self._table_starts(roles, row.text)
                return
            self._row(held)
        if not self.first_row and not self.payer_next and not re.search(r"\d", row.text) \
                and roles_in(row.text.upper()) and _table_header(row.text) is None and not _CARD_ROW.match(row.text):
            self.held = row
            return
        self._row(row)

    def _row(self, row: Line) -> None:
        text = row.text
        if self.first_row:
            self.first_row = False
            if self._payer(row):
                return
        elif self.payer_next:
            self.payer_next = False
            if self._payer_below_title(row):
                return
        if (roles := _table_header(text)) is not None:
            self._table_starts(roles, text)
            return
        if _COUNTER.match(text) or _SECTION.match(text):
            return
        if _PROVIDER_ADJ.match(_DECORATION.sub("", text)):  # (as a heading may be set off: "*** ... ***")
            self._amounts_not_named()
            self.in_plb, self.claim = True, None
            return
        if (plb := _PLB_ROW.match(text)) is not None:
            self._amounts_not_named()
            self.in_plb, self.claim = True, None
            self._provider_adjustment(row.tail(plb.end()))
            return
        if _CHECK_TOTAL.match(text) or _NONE.match(text):
            if not self.remit.claims and self.remit.payment.amount is None:
                self._header(row)  # before any claim, a "Payment Total" is the check's amount, a header field
            elif self.remit.payment.amount is None and _PAYMENT_TOTAL.match(text):
                self._payment_total(row)
            return  # the claims' sum, which balancing checks
        if (columns := _claim_columns(text)) is not None:
            self.claim_columns, self.claim_amounts = columns, _claim_amount_columns(text)
            return
        if _DOCUMENT_TOTAL.match(text) and (self.in_plb or len(self.remit.claims) - 1 in self.totals_read):
            return  # "TOTAL CHARGED 1,796.00" after the claims' own totals: the whole check's, which nothing posts
        if self.claims_on_lines and not self.in_plb and self._line_with_its_claim(row):
            return
        half, self.half_header = self.half_header, None
        if self._claim_start(row, half):
            return
        if half is not None:  # the row before was no half of a claim's header after all
            self._other(half[0])
        self._other(row)

    def _table_starts(self, roles: list[str], text: str) -> None:
        self.table = _Table(roles)
        self.claims_on_lines = _claim_columns_before_lines(text)
        if self.half_header is not None:
            # Half a claim's header and then the table's headers: a claim whose other half was not read
            # (in doubt), never rows of the claim before it.
            self._new_claim([self.half_header])
            self.half_header = None
            index = len(self.remit.claims) - 1
            if self.remit.claims[index].patient_name is None:
                self.trust.review.append(f"claims.{index}.patient_name")

    def _other(self, row: Line) -> None:
        """A row that starts no claim: a header field, a provider-level adjustment, or a row of the claim."""
        if self.in_plb:
            if (columns := _plb_columns(row.text)) is not None:
                self.plb_columns = columns  # the section's own column headers
            elif (key := _plb_card_field(row.text)) is not None:
                self._plb_card_add(row, key)
            elif "amount" in header_values(row.text):
                pass  # the check's amount again at the foot ("... Payment Amount 25.62"), which balancing checks
            else:
                self._provider_adjustment(row)
        elif self.claim is None:
            if self._header(row):
                return
            if self.table is not None and (self.lines_first or self.pending or _looks_like_a_line(row.text)):
                self.pending.append(row)  # a claim's row may follow its lines (`_new_claim`)
            elif self.remit.claims:
                self.trust.review.append("document")
        elif not self._claim_row(row):
            self.trust.review.append(f"claims.{len(self.remit.claims) - 1}")

    def _payer(self, row: Line) -> bool:
        """The first row names the payer, before the document's title; or it is the title alone ("PAYMENT
        SUMMARY FOR <payee> (NPI ...)"), the payee it is for told in it, the payer on the row below."""
        if self._payer_after_title(row) or (TITLES.search(row.text.upper()) is None
                                             and (self._payer_before_title_cell(row) or self._payer_before_label(row))):
            return True
        if _TITLE_ONLY.match(row.text.upper()):
            self.payer_next = True
            if (told := _TITLE_FOR.search(row.text.upper())) is not None:
                self.remit.payee.name = row.text[told.start("name"):told.end("name")]
                self.trust.check("payee.name", row.conf(told.start("name"), told.end("name")))
            return False  # its NPI, if any, is read as a header field
        match = TITLES.search(row.text.upper())
        # A title the vocabulary lacks: the name before its words, in doubt (the title's first word may have
        # been the name's last) unless a column's gap stands between them.
        unknown_title = match is None and (name := _before_title_words(row.text)) != row.text \
            and not row.wide_after(len(name))
        name = (row.text[: match.start()] if match else _before_title_words(row.text)).strip(" -–|¦[]{}")
        if not name or header_values(name):
            return False
        # A department after the payer's name ("BLUE RIVER HEALTH PLAN / CLAIMS ADMINISTRATION"): the name is
        # the part before it.
        name = name.partition(" / ")[0]
        if sum(c.isalpha() for c in name) < 2:
            return False  # no name: a rule, a box's edge, a number
        self.remit.payer.name = name
        # A word of a title left on the name ("... HEALTH PLAN ELECTRONIC" before "REMITTANCE ADVICE") is the
        # title's qualifier more likely than the payer's: the name is in doubt.
        self.trust.check("payer.name", row.conf(0, len(name)),
                         not _TITLE_WORDS & set(name.upper().split()) and not unknown_title)
        return True

    def _payer_after_title(self, row: Line) -> bool:
        """A title of two or more words naming a kind of paper first on the row and the payer after it
        ("PAYMENT REMITTANCE DETAIL    Blue River Health Plan"): sure where a column's gap parts them."""
        words = row.text.split(" ")
        lead = 0
        while lead < len(words) and words[lead].upper() in _KIND_WORDS:
            lead += 1
        title = " ".join(words[:lead])
        name = " ".join(words[lead:])
        if lead < 2 or not name or any(c.isdigit() for c in name) or header_values(name) \
                or _ANY_LABEL.search(name) or TITLES.search(name.upper()):
            return False
        self.remit.payer.name = name.upper()  # as the other layouts print it (and the 835 carries it)
        self.trust.check("payer.name", row.conf(len(title) + 1, len(row.text)), row.wide_after(len(title)))
        return True

    def _payer_before_title_cell(self, row: Line) -> bool:
        """The payer in the first row's first cell, a title in a cell after it ("BLUE RIVER HEALTH PLAN    CLAIM
        PAYMENT REGISTER    RUN 111926"): a cell ending in a word that names a kind of paper, with two of them."""
        bounds = [-1, *sorted(row.wide), len(row.text)]
        cells = [(a + 1, b) for a, b in zip(bounds, bounds[1:])]
        if len(cells) < 2:
            return False
        for start, end in cells[1:]:
            words = row.text[start:end].upper().split()
            if len(words) >= 2 and words[-1] in _KIND_WORDS and sum(w in _KIND_WORDS for w in words) >= 2:
                name = row.text[cells[0][0]:cells[0][1]].strip().partition(" / ")[0]  # "... / CLAIMS DEPT"
                if not name or any(c.isdigit() for c in name) or header_values(name):
                    return False
                self.remit.payer.name = name.upper()
                self.trust.check("payer.name", row.conf(cells[0][0], cells[0][1]))
                return True
        return False

    def _payer_before_label(self, row: Line) -> bool:
        """The payer first on the first row, a column's gap before the header's first label ("BLUE RIVER HEALTH
        PLAN        CHECK NO. 905001157", a check's face): the name, and the labels' values read as any header's."""
        values = header_values(row.text)
        if not values:
            return False
        at = min(found.label_at if found.label_at >= 0 else found.start for found in values.values())
        name = row.text[:at].strip()
        if not re.fullmatch(r"[A-Za-z][A-Za-z&.,' -]*[A-Za-z.]", name) or len(name.split()) < 2 \
                or not row.wide_after(len(row.text[:at].rstrip())):
            return False
        self.remit.payer.name = name.upper()
        self.trust.check("payer.name", row.conf(0, len(name)), not _TITLE_WORDS & set(name.upper().split()))
        self._header(row)
        return True

    def _payer_below_title(self, row: Line) -> bool:
        """The payer's name below a title: the row's first cell (before a bar, or its address), when it holds
        no label and no digit."""
        name = re.split(r"\s[|¦]\s|\s{2,}|,|\bP\.?O\.? BOX\b", row.text, maxsplit=1, flags=re.I)[0].strip()
        if not name or any(c.isdigit() for c in name) or header_values(name) or _ANY_LABEL.search(name):
            return False
        self.remit.payer.name = name.upper()  # as the other layouts print it (and the 835 carries it)
        self.trust.check("payer.name", row.conf(0, len(name)))
        return True

    def _header(self, row: Line) -> bool:
        remit, trust = self.remit, self.trust
        if self._payment_told(row) or self._payer_on_behalf(row):
            return True
        if _PAY_TO_ORDER.fullmatch(row.text.strip()):
            self.payee_next = True  # the payee's name on the row below, as a check prints it
            return True
        if self.payee_next:
            self.payee_next = False
            # The payee's name, as far as the first word that holds a digit or a guard (its amount beside it), or
            # the first wide gap (the amount stands across the check, maybe garbled past holding either: "RIG BOK").
            edge = min((at for at in row.wide if at > 0), default=len(row.text))
            name = re.split(r"\s(?=\S*[\d*$])", row.text[:edge], maxsplit=1)[0].strip()
            if name and not any(c.isdigit() for c in name) and not header_values(name):
                remit.payee.name = name
                trust.check("payee.name", row.conf(0, len(name)))
        values = header_values(row.text)
        for key, found in values.items():
            conf = row.conf(found.start, found.end) if not found.doubt else 0.0
            if key == "payee" and (number := _NPI_UNDER_NAME.search(found.value)):
                # "Provider NPT 2545515969": the NPI's label misread, its number read as the provider's name.
                if remit.payee.npi is None and is_npi(number.group()):
                    remit.payee.npi = number.group()
                    trust.review.append("payee.npi")
            elif key == "payee":
                remit.payee.name = found.value
                trust.check("payee.name", conf)
            elif key == "npi":
                npi = found.value.split()[0]
                remit.payee.npi = npi
                trust.check("payee.npi", conf, is_npi(npi))
            elif key == "date" or (key == "bare_date" and (remit.payment.date is None or self.date_by_bare)):
                remit.payment.date = date_starting(found.value) or compact_date(found.value.split()[0])
                trust.check("payment.date", conf, remit.payment.date is not None)
                self.date_by_bare = key == "bare_date"
            elif key == "number":
                remit.payment.number = found.value.split()[0]
                trust.check("payment.number", conf)
                self.number_by_ra = False
            elif key == "ra_number" and (remit.payment.number is None or self.number_by_ra) and found.value.split():
                remit.payment.number = found.value.split()[0]
                self.number_by_ra = True
                trust.review.append("payment.number")
            elif key == "amount" and (match := _AMOUNT.match(_signed(found.value).replace("$", "").split()[0])):
                remit.payment.amount = money(match["v"])
                trust.check("payment.amount", conf)
            elif key == "payer":
                if remit.payer.name and remit.payer.name.upper() != found.value.upper():
                    # The first row named another party than the payer: the one the page is printed for, the
                    # payee, where no label names it (`_finish`).
                    self.heading = remit.payer.name.partition(" - ")[0].strip()
                if "payer.name" in trust.review:
                    trust.review.remove("payer.name")  # the first row's guess, now told by its label
                remit.payer.name = found.value.upper()  # as the other layouts print it (and the 835 carries it)
                trust.check("payer.name", conf)
            elif key == "paid_on" and remit.payment.date is None and (day := date_starting(found.value)):
                remit.payment.date = day
                trust.check("payment.date", conf)
            elif key == "method":
                # As the 835 says it (BPR04: CHK, ACH, ...), or a word that says check or EFT ("Check"); any
                # other (a card, say) is not guessed at (`_finish` puts it under review).
                said = found.value.split()[0].upper() if found.value.split() else ""
                method = said if said in _METHOD_CODES else method_of(found.value.upper())
                if method is not None or remit.payment.method is None:
                    remit.payment.method = method
        if "number" in values and remit.payment.method is None:
            remit.payment.method = method_of(row.text[: values["number"].start].upper())
        return bool(values)

    def _payment_total(self, row: Line) -> None:
        """The check's amount told only at the foot ("Check total 1,096.67"), where no header gave it."""
        signed = _signed(row.text)
        amounts = list(re.finditer(rf"(?<!\S)\$?(?P<v>{AMT})(?!\S)", signed))
        if len(amounts) != 1:
            return  # none, or more than one: which is the check's cannot be told
        found = amounts[0]
        self.remit.payment.amount = money(found["v"])
        self.trust.check("payment.amount", row.conf(found.start("v"), found.end("v")))

    def _payer_on_behalf(self, row: Line) -> bool:
        """A letter's payer, named after its addressee ("Administered for BLUE RIVER HEALTH PLAN"): the name the
        first row gave before the title was then the addressee's, the payee's."""
        told = _ON_BEHALF.search(row.text)
        if told is None:
            return False
        remit, review = self.remit, self.trust.review
        if remit.payer.name and remit.payee.name is None:
            remit.payee.name = remit.payer.name
            if "payer.name" in review:
                review[review.index("payer.name")] = "payee.name"
        remit.payer.name = told["name"].upper()
        self.trust.check("payer.name", row.conf(told.start("name"), told.end("name")))
        return True

    def _payment_told(self, row: Line) -> bool:
        """The check told in a sentence: "Remittance 867089708 dated May 3, 2026 for $25.62 (check)"."""
        told = _PAYMENT_SENTENCE.match(row.text)
        if told is None or (day := date_of(told["date"])) is None:
            return False
        payment, trust = self.remit.payment, self.trust
        payment.number, payment.date, payment.amount = told["number"], day, money(told["amount"])
        for name in ("number", "date", "amount"):
            trust.check(f"payment.{name}", row.conf(told.start(name), told.end(name)))
        payment.method = method_of(f"{told['what']} {told['how'] or ''}".upper())
        return True

    def _claim_start(self, row: Line, half: tuple[Line, dict[str, Labelled]] | None) -> bool:
        """A claim's header: the patient's name and the claim's number or account, on one row or on two in a
        row (either first); a row with one half waits for the next."""
        values = _claim_values(row.text)
        named, identified = "name" in values, bool({"number", "account"} & values.keys())
        if not values and set(_CLAIM_LABELS.values(row.text)) == {"status"}:
            return True  # "Claim Status: Processed as Primary": the amounts say it
        if values and not named and half is None and self._claim_continued(row, values):
            return True
        if not (named or identified) and self.claim_columns and self.claim_amounts \
                and (ending := _totals_at_the_end(row.text, self.claim_amounts)) is not None:
            return self._claim_with_totals(row, *ending)
        if not (named or identified) and self.claim_columns and not _ANY_AMOUNT.search(row.text):
            if (columnar := _columnar_claim(row.text, self.claim_columns)) is not None:
                self._columnar_claim_starts(row, *columnar)
                return True
        if named and identified:
            # Half a header above it that names what this row does not ("Claim BR123  Status: Paid" over the
            # patient's row): the claim's two rows.
            joined = half is not None and not half[1].keys() & values.keys()
            if half is not None and not joined:
                self._other(half[0])
            self._new_claim([half, (row, values)] if joined and half else [(row, values)])
            return True
        if not (named or identified) or any(_AMOUNT.fullmatch(word) for word in row.text.split()):
            return False  # half a header prints no amounts
        if half is not None and ("name" in half[1]) != named:
            self._new_claim([half, (row, values)])
            return True
        self.half_header = (row, values)
        return True

    def _columnar_claim_starts(self, row: Line, values: dict[str, Labelled], doubt: bool) -> None:
        """A claim from its row under claim-header labels (`_columnar_claim`); `doubt`: the row's words did not
        fall one to a column, so every identifier is in doubt."""
        self._new_claim([(row, values)])
        if doubt:
            index = len(self.remit.claims) - 1
            self.trust.review.extend(f"claims.{index}.{attr}" for _, attr in _CLAIM_ATTRS)

    def _claim_with_totals(self, row: Line, identifiers: str, totals: dict[str, Named]) -> bool:
        """A claim's row under claim-header labels that ends in its totals ("BR6291... BROWN, ANA BRX594...
        389165-1  281.00  140.79  90.79"): its identifiers by the columns, its totals by theirs."""
        assert self.claim_columns is not None
        if (columnar := _columnar_claim(identifiers, self.claim_columns)) is None:
            return False
        self._columnar_claim_starts(row, *columnar)
        index = len(self.remit.claims) - 1
        if {"billed", "allowed", "paid"} <= totals.keys():
            # (A total not printed would be its lines' sum, which the claim's lines are not yet read to give.)
            _named_totals(self.remit.claims[index], totals)
            self.totals_read.add(index)
            self.trust.review.extend(f"claims.{index}.{_TOTAL_ATTR[role]}" for role, found in totals.items()
                                     if found.mended and role in _TOTAL_ATTR)
        return True

    def _line_with_its_claim(self, row: Line) -> bool:
        """A service line printed after its claim's identifiers, in the columns the table's headers name before
        the line's: the same claim as the row above when its identifiers say so, else a new claim."""
        columns = self.claims_on_lines
        assert columns is not None
        tokens = _tokens(row.text)
        after = list(enumerate(tokens))[len(columns):]
        # A date a scan garbled ("10/O1/26") only where no date reads whole.
        at = next((i for i, t in after if date_of(t.text) or _RANGE.match(t.text)),
                  next((i for i, t in after if _DATE_SHAPE.match(t.text)), None))
        if at is None:
            return False
        columnar = _columnar_claim(row.text[: tokens[at].start].rstrip(), columns)
        if columnar is None:
            return False
        values, doubt = columnar
        if not self._same_claim(row, values):
            self._new_claim([(row, values)])
            index = len(self.remit.claims) - 1
            if doubt:  # a column's word lost or one too many: which is which cannot be told
                self.trust.review.extend(f"claims.{index}.{attr}" for _, attr in _CLAIM_ATTRS)
            elif not row.wide_after(values["name"].end):
                # The name runs to the next column with no more than a space: it filled its column and may
                # have been cut there ("HERNANDEZ-LOPEZ, IN").
                self.trust.review.append(f"claims.{index}.patient_name")
        if not self._claim_row(row.tail(tokens[at].start)):
            self.trust.review.append(f"claims.{len(self.remit.claims) - 1}")
        return True

    def _same_claim(self, row: Line, values: dict[str, Labelled]) -> bool:
        """Whether a line's identifiers are the claim above's: its claim number read alike, or, where either row
        lacks the number, every other identifier alike (one patient's claims differ by their numbers alone). An
        identifier read otherwise on the claim's own line is in doubt."""
        claim = self.claim
        if claim is None:
            return False
        read = {attr: _claim_value(key, values[key]) for key, attr in _CLAIM_ATTRS if key in values}
        differ = [attr for attr, value in read.items() if getattr(claim, attr) != value]
        others = [attr for attr in read if attr != "payer_claim_number"]
        # A name that differs from the claim's only as a scan misreads ("KIM, INGRIO"), read without certainty.
        name = values.get("name")
        misread_name = "patient_name" in differ and name is not None and row.conf(name.start, name.end) < CERTAIN \
            and _misread_of(claim.patient_name or "", read["patient_name"])
        others_differ = set(others) & set(differ) - ({"patient_name"} if misread_name else set())
        if "payer_claim_number" in read and claim.payer_claim_number:
            number = values["number"]
            unsure = row.conf(number.start, number.end) < CERTAIN
            # A scan's misread of the number ("8BR3763..." for BR3763...) is a glyph or two off, another claim
            # of the same patient a number apart; on a row whose member and account are the claim's, any one
            # glyph read otherwise inside the number (a patient's claims numbered in turn differ at its end).
            misread = unsure and _misread_of(claim.payer_claim_number, read["payer_claim_number"])
            inside = unsure and {"member_id", "account_number"} <= set(others) \
                and _one_glyph_inside(claim.payer_claim_number, read["payer_claim_number"])
            same = "payer_claim_number" not in differ or (
                (misread or inside) and len(others) >= 2 and not others_differ)
        else:
            same = len(others) >= 2 and not others_differ
        if same:
            self.trust.review.extend(f"claims.{len(self.remit.claims) - 1}.{attr}" for attr in differ)
        return same

    def _claim_continued(self, row: Line, values: dict[str, Labelled]) -> bool:
        """A claim's header carried on to a row below it ("Member ID: ... Claim Number: ..." under the patient's):
        only identifiers the claim lacks, before any of its lines."""
        claim = self.claim
        attrs = {attr for key, attr in _CLAIM_ATTRS if key in values}
        if claim is None or claim.lines or not attrs or any(getattr(claim, attr) for attr in attrs):
            return False
        self._identifiers(claim, len(self.remit.claims) - 1, [(row, values)])
        return True

    def _new_claim(self, rows: list[tuple[Line, dict[str, Labelled]]]) -> None:
        self._amounts_not_named()
        claim = RemittanceClaim()
        self._identifiers(claim, len(self.remit.claims), rows)
        self.remit.claims.append(claim)
        self.claim, self.in_plb = claim, False
        pending, self.pending = self.pending, []
        if not pending:
            return
        # Service lines before the claim's row: a report may print each claim's lines first and its identifiers
        # (and its totals) after them; or a claim's own row was lost to a scan and these are its lines. Only the
        # claim's totals on its row, summing these lines to the cent, say the first (then every claim's row closes
        # the lines since the one before); else they are no claim's, and a person is told.
        index = len(self.remit.claims) - 1
        totals = next((t for row, _ in rows if (t := _totals_after_identifiers(row.text)) is not None), None)
        if not self.lines_first and totals is None:
            self.trust.review.append("document")
            return
        kept = len(self.trust.review)
        for row in pending:
            if not self._claim_row(row):
                self.trust.review.append(f"claims.{index}")
        if not self.lines_first and not all(_column_sum(claim, role) == found.value for role, found in totals.items()
                                            if role in ("billed", "paid")):
            claim.lines = []  # not its lines: read again as no claim's
            del self.trust.review[kept:]
            self.trust.review.append("document")
            return
        self.lines_first = True
        if totals is not None:
            _named_totals(claim, totals)
            self.totals_read.add(index)
        self._amounts_not_named()
        self.claim = None

    def _identifiers(self, claim: RemittanceClaim, index: int, rows: list[tuple[Line, dict[str, Labelled]]]) -> None:
        """The claim's patient and identifiers from its header's rows, each trusted as its glyphs were read."""
        for key, attr in _CLAIM_ATTRS:
            row, found = next(((r, v[key]) for r, v in rows if key in v), (rows[0][0], None))
            if found is None:
                continue
            value = _claim_value(key, found)
            conf = row.conf(found.start, found.end) if not found.doubt else 0.0
            words = found.value.split()
            if key in ("member", "number") and len(words) == 2 and all(w.isalnum() for w in words):
                self.split_read[(index, attr)] = "".join(words)  # maybe one identifier a scan parted (`_finish`)
            setattr(claim, attr, value)
            if key == "name":
                self.trust.check_name(f"claims.{index}.{attr}", value, conf)
            else:
                # A 6, 8 or 9 read without near certainty may be a typewriter face's dotted zero ("BR...416" for
                # "BR...410"): nothing in the remittance's arithmetic holds an identifier, so it is in doubt.
                lookalike = conf < _DOTTED_SURE and _dotted(value)
                self.dotted_face = self.dotted_face or lookalike
                self.trust.check(f"claims.{index}.{attr}", conf, bool(_IDENTIFIER.fullmatch(value)) and not lookalike)
        if any(_unknown_identifier(row.text, found) for row, found in rows):
            # An identifier printed under a label the vocabulary lacks ("Payer Ref: BR935..."): whichever of the
            # claim's identifiers was not read may be it, so none missing is taken for not printed.
            self.trust.review.extend(f"claims.{index}.{attr}" for attr in ("member_id", "payer_claim_number",
                                                                           "account_number")
                                     if getattr(claim, attr) is None)

    def _claim_row(self, row: Line) -> bool:
        """A service line, its remark codes, the claim's totals, or adjustments carried to a row of their own."""
        claim = self.claim
        assert claim is not None
        if self.table is None and (card := card_roles(row.text)) is not None:
            self._card_add(row, *card)
            return True
        if self.table is None and (parts := inline_parts(row)) is not None:
            self._labelled_line(parts)
            return True
        text = _plain(row.text)
        # A spelled date `_plain` could read only by mending its month ("Qct"): the line it opens is in doubt.
        numbered = _LINE_LEAD.match(row.text)
        spelled = _SPELLED_LOOSE.match(row.text, numbered.end() if numbered else 0)
        mended_month = spelled is not None and date_of(spelled.group()) is None
        if (match := _REMARKS.match(text)) and claim.lines:
            self._remarks(row, match)
            return True
        if (after := _REMARKS_AFTER.search(text)) and claim.lines:
            self._remarks(row, after)
            text = text[: after.start()]
            if not text.strip():
                return True
        if _CLAIM_TOTAL.match(text):
            return self._claim_totals(row)
        if self.amounts_due is not None and (named := _amounts_row(text)) is not None:
            self._named_line_amounts(named)
            return True
        first, _, rest = text.partition(" ")
        rest = rest.lstrip()  # a line's number said in words leaves its place blank (`_plain`)
        second = rest.split(" ", 1)[0]
        dated = date_of(first) or _RANGE.match(first) or (self.table and _DATE_SHAPE.match(first))
        # A line number's zero read as a lookalike ("@1", "O01") before the dates is a line number all the same.
        number_first = not dated and _LINE_NUMBER.fullmatch(first.translate(_LINE_NO_LOOKALIKES)) and (
            date_of(second) or _RANGE.match(second) or ((self.table or numbered) and _DATE_SHAPE.match(second)))
        if self.table is not None and self.table.code_first and not (dated or number_first):
            # Headers that put the procedure before the dates: a row that opens with a code's shape (after its
            # line's number, maybe) is a service line, its dates read first all the same (`_service_line`).
            dated = _CODE_SHAPE.fullmatch(first)
            number_first = not dated and _LINE_NUMBER.fullmatch(first.translate(_LINE_NO_LOOKALIKES)) \
                and _CODE_SHAPE.fullmatch(second)
        if dated or number_first:
            read = self._service_line(row, text, numbered=bool(number_first))  # a line-number column first
            if mended_month:  # "Qct 26, 2026", "Oct @5 2026": the date the lookalikes give, in doubt
                self.trust.review.append(f"claims.{len(self.remit.claims) - 1}.lines.{len(claim.lines) - 1}"
                                         ".service_date")
            return read
        # An adjustment carried to a row of its own; on a scan its amount may end in a speck read as a digit
        # ("PR-3 25.006"): the speck is blanked (same length, so confidences keep their place) and the amount
        # is in doubt, for the line's arithmetic to settle.
        specked = _SPECKED_AMOUNT.sub(r"\1 ", text) if row.conf(0, len(text)) < CERTAIN else text
        lead = _LEAD_LABEL.match(specked) or _ADJ_WORD.match(specked)
        after = lead.end() if lead else 0
        garbled: list[int] = []  # where amounts garbled past reading stood
        if claim.lines and not (_ADJ.search(specked, after) and not _ADJ.sub("", specked[after:]).strip(" ;")) \
                and row.conf(0, len(text)) < CERTAIN:
            # A scan's adjustment whose amount was garbled past reading ("CO97 95.e@e"): its code, and 0.00 in
            # the amount's place for the line's arithmetic to put right (repair), in doubt.
            for match in _ADJ_GARBLED.finditer(specked, after):
                if not _AMOUNT.fullmatch(match["amt"]):
                    start, end = match.span("amt")
                    specked = specked[:start] + "0.00".ljust(end - start) + specked[end:]
                    garbled.append(start)
        if claim.lines and (adjustments := list(_ADJ.finditer(specked, after))) \
                and not _ADJ.sub("", specked[after:]).strip(" ;"):
            path = f"claims.{len(self.remit.claims) - 1}.lines.{len(claim.lines) - 1}"
            first = len(claim.lines[-1].adjustments)
            claim.lines[-1].adjustments.extend(self._adjustments(row, adjustments, path, first))
            listed = self.codes_listed.pop(path, None)
            if listed is not None and sorted(listed) != sorted(f"{a.group}{a.reason}" for a in claim.lines[-1].adjustments):
                self.trust.review.append(f"{path}.adjustments")  # the codes column and their amounts disagree
            if specked != text:
                self.trust.review.extend(f"{path}.adjustments.{first + n}.amount" for n, adj in enumerate(adjustments)
                                         if _SPECKED_AMOUNT.search(text[adj.start("amt"):adj.end("amt") + 1])
                                         or adj.start("amt") in garbled)
            return True
        return False

    def _card_add(self, row: Line, roles: list[str], start: int) -> None:
        """A row of a service line's card; one naming what the card already holds starts the next line's."""
        if any(set(roles) & set(held) for _, held, _ in self.card):
            self._card_flush()
        self.card.append((row, roles, start))

    def _card_flush(self) -> None:
        """A service line's card read as the row a table would have printed: its values set end to end in a
        table's order (dates, code, modifiers, units, amounts, adjustments) under the roles their labels name.
        A card without its dates or its code puts its claim in doubt."""
        card, self.card = self.card, []
        if self.claim is not None and card:
            self._labelled_line([(held, row.tail(start)) for row, held, start in card])

    def _labelled_line(self, labelled: list[tuple[list[str], Line]]) -> None:
        """A service line whose values were each printed after their label (a card's rows, or one row of
        mnemonics): read as the row a table would have printed, its values end to end in a table's order
        (dates, code, modifiers, units, amounts, adjustments) under the roles their labels name. Without its
        dates or its code it puts its claim in doubt."""
        labelled = sorted(labelled, key=lambda part: _CARD_RANK[part[0][0]])
        if {"dates", "from"}.isdisjoint(labelled[0][0]) or not any("code" in held for held, _ in labelled):
            self.trust.review.append(f"claims.{len(self.remit.claims) - 1}")
            return
        parts, roles = [], []
        for held, value in labelled:
            if "code" in held or "mods" in held:  # "E0439 / RR", "E0439, RR"
                value = value.with_text(re.sub(r"[/,]", " ", value.text))
            if "adjustments" in held:  # "CO 45 = 76.43 | PR 3 = 25.00"; "None"
                if value.text.strip().upper() in ("NONE", "N/A", "-"):
                    continue
                value = value.with_text(re.sub(r"[|\[\]{}]", " ", value.text))
            parts.append(value)
            roles.extend(held)
        row = Line.joined(parts)
        saved, self.table = self.table, _Table(roles)
        try:
            self._service_line(row, _plain(row.text))
        finally:
            self.table = saved

    def _plb_card_add(self, row: Line, key: str) -> None:
        """A row of a provider-level adjustment's card ("Reason Code: L6", "Amount: -6.93"); its amount ends it."""
        if any(key == held for _, held in self.plb_card):
            self._plb_card_flush()
        self.plb_card.append((row, key))
        if key == "amount":
            self._plb_card_flush()

    def _plb_card_flush(self) -> None:
        card, self.plb_card = self.plb_card, []
        if card:
            self._provider_adjustment(Line.joined(row for row, _ in card))

    def _remarks(self, row: Line, match: re.Match[str]) -> None:
        """The last service line's remark codes."""
        claim = self.claim
        assert claim is not None
        codes = match["codes"].split()
        claim.lines[-1].remarks.extend(codes)
        path = f"claims.{len(self.remit.claims) - 1}.lines.{len(claim.lines) - 1}.remarks"
        self.trust.check(path, row.conf(match.start("codes"), match.end("codes")),
                         all(_REMARK_CODE.match(c) for c in codes))

    def _named_line_amounts(self, named: dict[str, Named]) -> None:
        """The amounts of the service line above, each named by its word. What the member owes is their
        coinsurance (and copay) where no column tells those apart; whether it counts the deductible too is the
        line's arithmetic's to say (allowed less what the member owes is what was paid)."""
        claim = self.claim
        assert claim is not None
        values = _share_parted({role: n.value for role, n in named.items()}, claim.lines[-1].adjustments)
        _fill(claim.lines[-1], values)
        path = f"claims.{len(self.remit.claims) - 1}.lines.{len(claim.lines) - 1}"
        self.trust.review.extend(f"{path}.{_FIELD_OF.get(n.role, n.role)}" for n in named.values() if n.mended)
        self.amounts_due = None

    def _amounts_not_named(self) -> None:
        """A service line whose amounts were to follow and did not (misread, or lost): it is in doubt whole."""
        if self.amounts_due is not None:
            self.trust.review.append(self.amounts_due)
            self.amounts_due = None

    def _adjustments(self, row: Line, matches: list[re.Match[str]], path: str, first: int) -> list[Adjustment]:
        out = []
        for offset, adj in enumerate(matches):
            # On a scan a group may read in lower case ("c045"): the group it names, under review.
            group = _GROUP_READ_AS.get(adj["grp"].upper(), adj["grp"].upper())
            # No reason code starts with a zero: "CO04" is CO-4 with its hyphen read as one (in doubt).
            reason = adj["rc"].lstrip("0") if re.fullmatch(r"0\d{1,2}", adj["rc"]) else adj["rc"]
            if row.conf(adj.start("grp"), adj.end("rc")) < 80 or group != adj["grp"] or reason != adj["rc"]:
                self.trust.review.append(f"{path}.adjustments.{first + offset}.code")
            if row.conf(adj.start("amt"), adj.end("amt")) < 80:
                self.trust.review.append(f"{path}.adjustments.{first + offset}.amount")
            out.append(Adjustment(group=group, reason=reason, amount=money(adj["amt"])))
        return out

    def _service_line(self, row: Line, plain: str, numbered: bool = False) -> bool:
        """A service line from its row (`plain`: the row's text as `_plain` gives it)."""
        claim, trust = self.claim, self.trust
        assert claim is not None
        self._amounts_not_named()
        path = f"claims.{len(self.remit.claims) - 1}.lines.{len(claim.lines)}"
        text = _join_split_amounts(plain)
        adjustments = _line_adjustments(text)
        for adj in adjustments:
            text = text[: adj.start()] + " " * (adj.end() - adj.start()) + text[adj.end():]
        cells = _tokens(text)
        line = ServiceLine(adjustments=self._adjustments(row, adjustments, path, 0))
        if numbered:
            cells.pop(0)
        if self.table is not None and self.table.code_first:
            cells = _dates_first(cells)
        first = cells.pop(0)
        printed = _RANGE.match(first.text)["a"] if _RANGE.match(first.text) else first.text  # type: ignore[index]
        line.service_date = date_of(printed) or compact_date(printed)
        trust.check(f"{path}.service_date", row.conf(first.start, first.end), line.service_date is not None)
        if line.service_date is None and (compact := compact_date(printed.translate(DIGIT_LOOKALIKES)
                                                                   .replace("©", "0"))):
            line.service_date = compact  # its zero read as a lookalike: in doubt (checked above)
        if line.service_date is None and (short := _SHORT_DATE.match(printed)):
            try:  # (under review all the same: checked above)
                line.service_date = dt.date(int(short["y"]), int(short["m"]), int(short["d"]))
            except ValueError:
                pass
        if line.service_date is None:
            line.service_date = dotted_zero.mended_date(printed)  # "10/61/26": under review all the same
        while cells and (_DATE_SHAPE.match(cells[0].text) or cells[0].text.upper() in _THROUGH):
            cells.pop(0)  # the through date (however misread): the first date is the one posted
        if cells:
            self._procedure(row, line, cells.pop(0), path)
        # Adjustment codes with no amount after the line's amounts ("... 196.52 CO45 PR3"): a codes column,
        # whose amounts a detail row gives.
        last_amount = max((i for i, c in enumerate(cells) if _AMOUNT_LIKE.search(c.text + " ")), default=None)
        if last_amount is not None and last_amount + 1 < len(cells) and all(
                _BARE_CODE.match(c.text) for c in cells[last_amount + 1:]):
            self.codes_listed[path] = [_bare_code(c.text) for c in cells[last_amount + 1:]]
            del cells[last_amount + 1:]
        # Remark codes after the amounts and adjustments, in a column of their own ("... CO151:62.40  MA130").
        if last_amount is not None and last_amount + 1 < len(cells) and all(
                _REMARK_CODE.match(c.text) for c in cells[last_amount + 1:]):
            remarks = cells[last_amount + 1:]
            line.remarks = [c.text for c in remarks]
            trust.check(f"{path}.remarks", row.conf(remarks[0].start, remarks[-1].end))
            del cells[last_amount + 1:]
        expected = len(self.table.amounts) if self.table else 0
        cells, misread = _units_with_decimals(cells, self.table, expected)
        if misread:
            trust.review.append(f"{path}.units")
        amounts = _amount_cells(cells, expected)
        between = [c for c in cells if not any(c is a for a, _ in amounts)]
        if self.table is not None and "description" in self.table.roles:
            between = self._less_description(between, path)
        self._modifiers_and_units(row, line, between, path)
        self._amounts(line, amounts, path)
        self._specked_adjustment(row, line, path)
        claim.lines.append(line)
        if self.table is None and not amounts:
            self.amounts_due = path  # no columns: the amounts are named on a row of their own below
        return True

    def _procedure(self, row: Line, line: ServiceLine, cell: _Token, path: str) -> None:
        """The HCPCS code; one whose glyphs had to be read otherwise ("EO47O", "KOQ823") is under review."""
        if _CODE.match(cell.text):
            line.procedure = cell.text
            conf = row.conf(cell.start, cell.end)
            # A typewriter's dotted zero reads as a 6, 8 or 9 ("E0470" as "E6470"), and every such reading is
            # a HCPCS shape too: on a scan, a code with those digits is sure only when its glyphs were.
            dotted = conf < CERTAIN and conf < _DOTTED_SURE and _dotted(cell.text[1:])
            self.trust.check(f"{path}.procedure", conf, is_hcpcs(cell.text) and not dotted)
            return
        # A speck or a stray glyph read before or after the code ("§E0143", "£E1392", "A4253)"), its E read as a
        # euro sign ("§€0143"): the code within, in doubt.
        within = re.sub(r"^€", "E", re.sub(r"^[^\w€]+|[^\w]+$", "", cell.text))
        readings = {within} if _CODE.match(within) else loose_line.code_readings(cell.text)
        # No single reading ("KO9001"): the code as printed, for the billing system's line to settle.
        line.procedure = readings.pop() if len(readings) == 1 else cell.text.upper()
        self.trust.review.append(f"{path}.procedure")
        if "-" in cell.text:  # modifiers joined to a code too garbled to part them from it: not read
            self.trust.review.append(f"{path}.modifiers")

    def _specked_adjustment(self, row: Line, line: ServiceLine, path: str) -> None:
        """An adjustment's amount on the line's row that a speck gave a third decimal ("PR3 25.600", read as
        25.60 by `_plain`): of the readings with one decimal left out, the one the line's arithmetic holds (in
        doubt); none or several, as read (in doubt)."""
        if row.conf(0, len(row.text)) >= CERTAIN or line.billed - balance.line_adjustments(line) == line.paid:
            return
        for token in _THIRD_DECIMAL.findall(row.text):
            at = next((i for i, a in enumerate(line.adjustments) if f"{a.amount:.2f}" == token[:-1]), None)
            if at is None:
                continue
            others = sum((a.amount for i, a in enumerate(line.adjustments) if i != at), Decimal(0))
            held = [r for r in loose_line.amount_readings(token) if line.billed - others - r == line.paid]
            if len(held) == 1:
                line.adjustments[at].amount = held[0]
            self.trust.review.append(f"{path}.adjustments.{at}.amount")
            return

    def _less_description(self, cells: list[_Token], path: str) -> list[_Token]:
        """The cells between a code and its amounts less the service's description: its words start at the first
        that is neither a modifier's nor a count's shape (or at the two-character word before it that is no
        modifier: "O2 CONCENTRATOR", then in doubt) and run to the units, the last count before the amounts (a
        description may print a number, or a word cut at its column's edge: "TEST STRIPS 5", "OXYGEN SY")."""
        words = [i for i, c in enumerate(cells) if not _MODIFIER.match(c.text) and not _count_shaped(c.text)]
        if not words:
            return cells
        first = words[0]
        if first and _MODIFIER.match(cells[first - 1].text) and cells[first - 1].text not in DME_MODIFIERS:
            first -= 1
            self.trust.review.append(f"{path}.modifiers")
        units = [c for c in cells[first + 1:] if _count_shaped(c.text)][-1:]
        return [*cells[:first], *units]

    def _modifiers_and_units(self, row: Line, line: ServiceLine, cells: list[_Token], path: str) -> None:
        """Between the code and the amounts: modifiers (two characters, at least one a letter) and the units."""
        cells = [part for c in cells for part in _modifiers_parted(c)]
        units = [_Token(_ONE.get(c.text, c.text), c.start, c.end) for c in cells
                 if re.fullmatch(r"\d{1,3}", c.text) or c.text in _ONE]
        for cell in cells:
            if times := _TIMES.fullmatch(cell.text):  # "x1": a quantity as a letter says it
                count = "".join(_ONE.get(c, c) for c in times["n"])
                units.append(_Token(count, cell.start, cell.end))
                if count != times["n"]:
                    self.trust.review.append(f"{path}.units")
        mods = [c for c in cells if _MODIFIER.match(c.text) and not c.text.isdigit() and not _TIMES.fullmatch(c.text)]
        if len(units) != 1 or len(units) + len(mods) != len(cells):
            self.trust.review.append(f"{path}.units")
            self.trust.review.append(f"{path}.modifiers")
        if units:
            line.units = int(units[-1].text)
            self.trust.check(f"{path}.units", row.conf(units[-1].start, units[-1].end))
        line.modifiers = [m.text for m in mods]
        if mods:
            self.trust.check(f"{path}.modifiers", row.conf(mods[0].start, mods[-1].end))

    def _amounts(self, line: ServiceLine, cells: list[tuple[_Token, Decimal | None]], path: str) -> None:
        """The amounts in the order the column headers give; a count that does not fit puts them all in doubt,
        an amount read from lookalike glyphs ("@.0@") its own column."""
        roles = self.table.amounts if self.table else []
        if len(cells) != len(roles):
            # Which column an amount belongs to cannot be told, nor whether an adjustment was read as one:
            # the whole line is in doubt.
            self.trust.review.append(path)
            return
        values: dict[str, Decimal] = {}
        for role, (cell, value) in zip(roles, cells):
            values[role] = value if value is not None else money(cell.text.lstrip("$"))
            if value is not None:
                self.trust.review.append(f"{path}.{_FIELD_OF.get(role, role)}")
        _fill(line, _share_parted(values, line.adjustments))
        # What no column of the table prints is the line's PR adjustments' to say (`_finish`, once all are read).
        unprinted = {attr for attr, shares in _SHARE_ROLES.items() if not set(shares) & set(roles)}
        if unprinted:
            self.unprinted.append((line, unprinted))

    def _claim_totals(self, row: Line) -> bool:
        """The claim's totals: amounts by the words beside them ("Claim paid 39.85 of 145.00 charged (64.85
        allowed)"), or after their labels, or in the table's column order."""
        claim = self.claim
        assert claim is not None
        self._amounts_not_named()
        rest = _join_split_amounts(_CLAIM_TOTAL.sub("", _signed(row.text)))
        if self.scanned and self.table is not None:
            rest = _THIRD_DECIMAL.sub(self._third_decimal_read, rest)
        if (named := _named_amounts(rest)) is not None:
            _named_totals(claim, named)
            self.from_lines.clear()
            self.totals_read.add(len(self.remit.claims) - 1)
            return True
        cells = _tokens(rest)
        columns = self.table.amounts if self.table else []
        unlabelled = [c for c in cells if _AMOUNT.match(c.text)] if not any(
            not _AMOUNT.match(c.text) for c in cells) else []
        if unlabelled and len(unlabelled) < len(columns):
            # Fewer totals than amount columns, none labelled ("476.00 272.14 222.14" under five columns): each is
            # the column whose lines it sums, in the columns' order.
            positional = iter(self._summed_columns([money(_AMOUNT.match(c.text)["v"]) for c in unlabelled]))  # type: ignore[index]
        else:
            positional = iter(columns)
        words: list[str] = []
        values: dict[str, Decimal] = {}
        for cell in cells:
            match = _AMOUNT.match(cell.text)
            if not match:
                words.append(cell.text)
                continue
            role = _role_of(" ".join(words)) if words else next(positional, None)
            words = []
            if role is not None and role not in values:
                values[role] = _column_sum(claim, role) if role in self.from_lines else money(match["v"])
        self.from_lines.clear()
        if "billed" in values:
            claim.billed = values["billed"]
        if "allowed" in values:
            claim.allowed = values["allowed"]
        if "paid" in values:
            claim.paid = values["paid"]
        if "patient_share" in values:
            claim.patient_responsibility = values["patient_share"]
        self.totals_read.add(len(self.remit.claims) - 1)
        return True

    def _third_decimal_read(self, match: re.Match[str]) -> str:
        """A claim total a scan gave a third decimal ("62.480": a speck after it, or a dotted zero read as a zero
        and a lookalike) read as the one of its readings some amount column of the claim's lines sums to; the
        total so read is in doubt. Else as printed (no amount: its column unread)."""
        claim = self.claim
        assert claim is not None and self.table is not None
        text = match.group().replace(",", "")
        readings = {text[:-1]} | {text[:i] + text[i + 1:] for i, c in enumerate(text)
                                  if c in dotted_zero.LOOKALIKES and "0" in text[i - 1:i] + text[i + 1:i + 2]}
        sums = {_column_sum(claim, role): role for role in self.table.amounts}
        fits = {reading for reading in readings if _AMOUNT.match(reading) and money(reading) in sums}
        if len(fits) != 1:
            return match.group()
        reading = fits.pop()
        role = sums[money(reading)]
        self.trust.review.append(f"claims.{len(self.remit.claims) - 1}.{role if role in ('billed', 'allowed') else 'paid'}")
        return reading

    def _summed_columns(self, totals: list[Decimal]) -> list[str | None]:
        """The amount column each total sums over the claim's lines, in the columns' order. A total that sums
        none (misread, or a line is) stands for the one column left between its neighbours' when there is one:
        that column's value is then its lines' sum, under review (their own arithmetic has held each line)."""
        claim = self.claim
        assert claim is not None and self.table is not None
        columns = self.table.amounts
        found: list[int | None] = []
        at = 0
        for total in totals:
            index = next((i for i in range(at, len(columns)) if _column_sum(claim, columns[i]) == total), None)
            found.append(index)
            if index is not None:
                at = index + 1
        out: list[str | None] = []
        for n, index in enumerate(found):
            if index is not None:
                out.append(columns[index])
                continue
            low = max((i for i in found[:n] if i is not None), default=-1) + 1
            high = min((i for i in found[n + 1:] if i is not None), default=len(columns))
            role = columns[low] if high - low == 1 else None
            # Else the one column between them whose lines' sum it is but for a glyph or two (or for dotted
            # zeros): a line's misread, or the total's; the total kept as printed, in doubt, for the lines' own arithmetic to settle.
            near = [columns[i] for i in range(low, high)
                    if balance.glyphs_apart(totals[n], _column_sum(claim, columns[i]))
                    or balance.zeros_apart(totals[n], _column_sum(claim, columns[i]))]
            # The one column left whose lines' sum a misread parts from the total, where a line does not balance
            # (a line of its misread, then): the total kept as printed too.
            lines_hold = all(line.billed - balance.line_adjustments(line) == line.paid for line in claim.lines)
            printed = (role is None and len(near) == 1) or (role is not None and near == [role] and not lines_hold)
            role = near[0] if printed else role
            out.append(role)
            attr = role if role in ("billed", "allowed") else "paid"  # the claim's total in doubt
            self.trust.review.append(f"claims.{len(self.remit.claims) - 1}.{attr}")
            if role is not None and not printed:
                self.from_lines.add(role)
        return out

    def _provider_adjustment(self, row: Line) -> None:
        """A provider-level adjustment: its reason code (labelled, or the row's first word), its reference
        (labelled, or the word after the reason), the member where named, and its amount (the row's last)."""
        remit = self.remit
        cells = _tokens(_signed(row.text))
        amount = next((c for c in reversed(cells) if _AMOUNT.match(c.text)), None)
        values = {key: found.value.strip("()").split()[0] for key, found in _PROVIDER_LABELS.values(
            _blank(row.text, amount)).items() if found.value.strip("()")}
        words = [c.text for c in cells if c is not amount]
        if self.plb_columns and not values:
            # Under the section's column headers: each word is its column's. A row short of a word cannot say
            # which column it lacks (a missing member or a missing reference), so it is in doubt.
            named = [c for c in self.plb_columns if c != "amount"]
            members = {shape_of(c.member_id) for c in remit.claims if c.member_id}
            if len(words) == len(named) - 1 and "member" in named and not (
                    set(words[1:]) & {w for w in words if shape_of(w) in members or is_mbi(w)}):
                named.remove("member")  # no word shaped as a member id: the row names no member
            values = dict(zip(named, words))
            if len(words) != len(named):
                self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")
        elif not values and len(words) > 2:
            # No labels, no column headers: the reason, the reference, and a word after them that is a member
            # only when shaped as one; a word more, or one shaped as none, leaves the row to a person.
            members = {shape_of(c.member_id) for c in remit.claims if c.member_id}
            if len(words) == 3 and (is_mbi(words[2]) or shape_of(words[2]) in members):
                values = {"member": words[2]}
            else:
                self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")
        elif values and "member" not in values:
            # Labelled, but an identifier after them no label names ("REF 798... 3AM0HV7AP39"): the member when
            # shaped as one (an MBI, or as the claims' member ids), else a word no column says is in doubt.
            taken = {v for v in values.values()}
            loose = [w for w in (w.strip(":;,.()") for w in words[1:])
                     if any(c.isdigit() for c in w) and len(w) >= 6 and w not in taken]
            members = {shape_of(c.member_id) for c in remit.claims if c.member_id}
            shaped = [w for w in loose if is_mbi(w) or shape_of(w) in members]
            if len(loose) == 1 and shaped:
                values["member"] = shaped[0]
            elif loose:
                self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")
        reason = values.get("reason") or (words[0] if words else "")
        # Reason codes are printed in capitals; a scan's small capitals or a lower-case print read as "wo" is
        # the code "WO" (the check's arithmetic then confirms the amount), put in doubt all the same.
        recased = reason != reason.upper() and bool(re.fullmatch(r"[A-Za-z0-9]{2}", reason))
        reason = reason.upper() if recased else reason
        # A speck a scan read as a glyph after the code ("L6é"): codes are two capitals or digits.
        if re.fullmatch(r"[A-Z0-9]{2}[^A-Za-z0-9\s]", reason):
            reason, recased = reason[:2], True
        unlabelled = [w for w in words[1:2] if w.isalnum() and w.upper() not in _PROVIDER_LABEL_WORDS]
        ref = values.get("ref") or (unlabelled[0] if unlabelled else None)
        if amount is None or not re.fullmatch(r"[A-Z0-9]{2}", reason):
            self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments)}")
            return
        member = values.get("member")
        remit.provider_adjustments.append(ProviderAdjustment(
            reason=reason, reference=ref, member_id=None if member in (None, "-", "N/A", "n/a") else member,
            amount=money(_AMOUNT.match(amount.text)["v"])))  # type: ignore[index]
        conf = row.conf(0, len(row.text))
        if recased:
            self.trust.review.append(f"provider_adjustments.{len(remit.provider_adjustments) - 1}.reason")
        # A member read by OCR is either an MBI or shaped as this payer's member ids on the claims above.
        shaped = member is None or conf >= CERTAIN or is_mbi(member) or shape_of(member) in {
            shape_of(c.member_id) for c in remit.claims if c.member_id}
        # As for the claims' identifiers: a dotted zero read as a 6, 8 or 9, or as a letter an MBI may hold
        # ("5QN9GQ6MN77" for 5QN9G06MN77), keeps every shape; below near certainty the member is in doubt.
        lookalike = member is not None and conf < _DOTTED_SURE and (_dotted(member) or bool(set(member) & set("QD")))
        self.trust.check(f"provider_adjustments.{len(remit.provider_adjustments) - 1}", conf, shaped and not lookalike)

    def finish(self) -> None:
        if self.card:
            self._card_flush()
        if self.plb_card:
            self._plb_card_flush()
        if self.held is not None:
            self._row(self.held)
            self.held = None
        if self.pending:
            # Rows under the table's headers that no claim's row ever took: lines of no claim.
            self.trust.review.append("claims" if self.lines_first else "document")
            self.pending = []
        self._finish()

    def _finish(self) -> None:
        """A claim whose totals were not printed totals its lines; its status follows what it paid. An
        identifier the document prints for other claims but that was not found for one is under review."""
        identifiers = ("account_number", "member_id", "payer_claim_number")
        self.trust.review.extend(unread_identifiers(self.remit.claims, identifiers))
        printed = [attr for attr in identifiers if any(getattr(c, attr) for c in self.remit.claims)]
        for (index, attr), joined in self.split_read.items():
            # An identifier a scan parted in two ("BRX6 24874473"): joined where its first word alone is not
            # shaped as the other claims print it and the two joined are; in doubt all the same.
            claims = self.remit.claims
            shapes = [shape_of(getattr(c, attr) or "") for i, c in enumerate(claims) if i != index and getattr(c, attr)]
            common = max(set(shapes), key=shapes.count) if shapes else None
            if common and shapes.count(common) >= 0.75 * len(shapes) and shape_of(joined) == common \
                    and shape_of(getattr(claims[index], attr) or "") != common:
                setattr(claims[index], attr, joined)
                self.trust.review.append(f"claims.{index}.{attr}")
        for attr in printed:
            for index in out_of_shape(self.remit.claims, attr):
                self.trust.review.append(f"claims.{index}.{attr}")
            if self.scanned:
                # Put back where three in five claims share a shape (in doubt all the same): a scan that misread
                # a payer's prefix on a third of its claims still leaves the shape to most of them.
                for index in out_of_shape(self.remit.claims, attr, most=0.6):
                    if _glyphs_back(self.remit.claims, index, attr):
                        self.trust.review.append(f"claims.{index}.{attr}")
        if self.remit.payee.name is None and self.heading:
            # A supplier's own report (or one printed for it) heads its pages with the supplier's name and names
            # the payer by a label: the heading's party is the payee's, inferred (in doubt).
            self.remit.payee.name = self.heading
            self.trust.review.append("payee.name")
        if self.remit.payment.method is None:
            # No word says check or EFT (or the number's label that would was not read): never a guess.
            self.trust.review.append("payment.method")
        if self.dotted_face:
            # In that face a zero reads as 6, 8 or 9 at 95% and more (CO-50 read as CO-56, posted so): no
            # arithmetic holds a reason code, so each that holds one of them is in doubt, however sure the read.
            self.trust.review.extend(
                f"claims.{c}.lines.{n}.adjustments.{a}.code" for c, claim in enumerate(self.remit.claims)
                for n, line in enumerate(claim.lines) for a, adj in enumerate(line.adjustments)
                if _dotted(adj.reason))
        for line, attrs in self.unprinted:
            for attr in attrs:
                setattr(line, attr, balance.pr_amount(line, _SHARE_REASONS[attr]))
        review = set(self.trust.review)
        for index, claim in enumerate(self.remit.claims):
            if index not in self.totals_read:
                claim.billed = sum((line.billed for line in claim.lines), Decimal("0.00"))
                claim.allowed = sum((line.allowed for line in claim.lines), Decimal("0.00"))
                claim.paid = sum((line.paid for line in claim.lines), Decimal("0.00"))
                claim.patient_responsibility = _patient_share(claim)
                # A sum of amounts in doubt is in doubt.
                self.trust.review.extend(
                    f"claims.{index}.{total}" for total, parts in _TOTAL_OF.items()
                    if any(f"claims.{index}.lines.{n}.{part}" in review for n in range(len(claim.lines))
                           for part in parts))
            elif claim.patient_responsibility == 0 and _patient_share(claim):
                claim.patient_responsibility = _patient_share(claim)
            if any(f"claims.{index}.lines.{n}" in review for n in range(len(claim.lines))):
                # A line whose amounts could not be told apart (zeros, which balance) leaves no total of its
                # claim sure, printed or summed: which column a printed total sums cannot be told either.
                self.trust.review.extend(f"claims.{index}.{total}" for total in _TOTAL_OF)
            claim.status = status_for(claim.paid)  # type: ignore[assignment]
        self._deductions_signed()

    def _deductions_signed(self) -> None:
        """Provider adjustments a report prints as the deposit's deductions ("-99.75" for a recoupment withheld)
        are the 835's the other way round (withheld is positive): where the check comes out, to the cent, only
        with every one of them so, they are (the check's sum settles it)."""
        remit = self.remit
        adjustments = remit.provider_adjustments
        if not adjustments or remit.payment.amount is None:
            return
        due = balance.check_due(remit)
        flipped = due + 2 * sum((p.amount for p in adjustments), Decimal("0.00"))  # each adjustment signed otherwise
        if due != remit.payment.amount and flipped == remit.payment.amount:
            for adjustment in adjustments:
                adjustment.amount = -adjustment.amount


# Letters a scan reads for digits, where the shape says a digit stands.
# (The shared lookalike table's capitals, and the L and G a capital-only identifier may hold.)
_DIGIT_OF = {**{chr(k): v for k, v in DIGIT_LOOKALIKES.items() if not chr(k).islower()}, "L": "1", "G": "6"}


def _glyphs_back(claims: list[RemittanceClaim], index: int, attr: str) -> bool:
    """An identifier out of the shape its neighbours share, put back where its glyphs say how (still in doubt):
    a letter read where the shape has a digit ("794449-S" among ######-#) that is a digit's lookalike, the digit;
    a digit read where every neighbour prints the same letter ("8R1406..." among BR...), when the two are
    lookalikes, that letter; a speck read as one glyph more ("8BR1406...", "BRS5429..."), gone. Only where one
    reading fits the shape and the letters every neighbour starts with."""
    value = getattr(claims[index], attr) or ""
    others = [v for i, c in enumerate(claims) if i != index and (v := getattr(c, attr))]
    shapes = [shape_of(v) for v in others]
    if not shapes:
        return False
    common = max(set(shapes), key=shapes.count)
    shared = os.path.commonprefix([v for v in others if shape_of(v) == common])
    prefix = shared[:len(shared) - len(shared.lstrip(string.ascii_uppercase))]
    readings = set()
    if len(value) == len(common):
        mended = "".join(
            _DIGIT_OF.get(c, c) if want == "9" and not c.isdigit()
            else prefix[i] if want == "A" and c.isdigit() and frozenset((c, prefix[i:i + 1])) in _LOOKALIKE_PAIRS
            else c
            for i, (c, want) in enumerate(zip(value, common)))
        readings.add(mended)
    elif len(value) == len(common) + 1:
        readings = {value[:i] + value[i + 1:] for i in range(len(value))}
    readings = {r for r in readings if shape_of(r) == common and r.startswith(prefix)}
    if len(readings) != 1 or (mended := readings.pop()) == value:
        return False
    setattr(claims[index], attr, mended)
    return True


# A number of five digits or more is no part of a provider's name: its id, under a label misread.
_NPI_UNDER_NAME = re.compile(r"(?<!\S)\d{5,}(?!\S)")
# Words that say what kind of paper a title names ("PAYMENT DETAIL EXPORT", "REMITTANCE REGISTER").
_KIND_WORDS = _TITLE_WORDS | {"DETAIL", "DETAILS", "EXPORT", "REPORT", "REGISTER", "LISTING", "REMIT", "POSTING"}


def _before_title_words(text: str) -> str:
    """A first row's payer before a title the vocabulary lacks: the row less its last words, when two or more of
    them are words that name a kind of paper and no other word follows them ("BLUE RIVER HEALTH PLAN PAYMENT
    DETAIL EXPORT"); the row as it is otherwise."""
    words = text.split(" ")
    cut = len(words)
    while cut > 1 and words[cut - 1].upper() in _KIND_WORDS:
        cut -= 1
    return " ".join(words[:cut]) if len(words) - cut >= 2 else text


_BARE_CHECK = re.compile(r"(?<![\w#/])(?:CHECK|EFT)\s+(?P<v>\d{5,})(?![\w.,])")
_BARE_AMOUNT = re.compile(rf"(?<![\w#])(?:AMOUNT|AMT|TOTAL)\b\s*[:#]?\s*(?P<v>\$?{AMT})(?!\S)")


_SPLIT_AMOUNT = re.compile(r"\$?(\d{1,3}(?:,\d{3})*|\d+) (\d\d)(?!\S)")
_PAY_TO_ORDER = re.compile(r"PAY TO THE ORDER OF:?", re.I)
_GUARDED_AMOUNT = re.compile(r"(?<!\S)\$?\*{2,}\$?(?P<v>\d[\d ,.]{0,12}\d)\**(?!\S)")
_PAYMENT_BY = re.compile(r"(?<!\S)PAYMENT ?: ?(?P<v>CHECK|CHK|EFT|ACH|WARRANT)(?!\S)")


def header_values(text: str) -> dict[str, Labelled]:
    """The header fields' labelled values on a row; a payee or payer that is a title's words ("PROVIDER PAYMENT
    STATEMENT", "INSURANCE PAYMENT POSTING REPORT") is none."""
    values = HEADER_LABELS.values(text)
    if "number" not in values and (bare_number := _BARE_CHECK.search(text.upper())) is not None:
        # "Deposit: CHECK 602419977 dated ...": the word alone before a number is its label (alone before
        # anything else it is a method's value, "Payment Type CHECK").
        stop = min((v.label_at for v in values.values() if v.label_at > bare_number.start()), default=len(text))
        if bare_number.end("v") <= stop:
            values["number"] = Labelled(bare_number["v"], bare_number.start("v"), bare_number.end("v"), False,
                                        bare_number.start())
    if "number" in values and values["number"].doubt and not re.search(r"\d", values["number"].value.split(" ")[0]):
        del values["number"]  # a label known by its likeness alone, before no number: "PAYMENT: CHECK"
    if "bare_date" in values:
        before = text[: values["bare_date"].label_at].split()
        if before and before[-1].isalpha():
            del values["bare_date"]  # "Run date", "Print date": not the payment's
    if "amount" in values and (split := _SPLIT_AMOUNT.match(values["amount"].value)) is not None:
        # An amount a scan split at its point ("$806 38"): joined, in doubt (the check's sum may settle it).
        found = values["amount"]
        values["amount"] = Labelled(f"{split[1]}.{split[2]}", found.start, found.end, True, found.label_at)
    if "amount" not in values and (guarded := _GUARDED_AMOUNT.search(text)) is not None:
        # A check's amount guarded by asterisks ("***1,078.06***"): nothing else on a check is printed so. A
        # scan may space it at its comma or point ("***1 078. 06***"): joined, in doubt.
        joined = guarded["v"].replace(" ", "")
        if re.fullmatch(AMT, joined):
            values["amount"] = Labelled(joined, guarded.start("v"), guarded.end("v"), joined != guarded["v"],
                                        guarded.start())
    if "method" not in values and (said := _PAYMENT_BY.search(text.upper())) is not None:
        # "PAYMENT: CHECK": the word alone is the method's label where a method's word follows it.
        values["method"] = Labelled(said["v"], said.start("v"), said.end("v"), False, said.start())
    if "payee" in values and set(values["payee"].value.upper().split()) <= _TITLE_WORDS:
        del values["payee"]
    if "payer" in values and set(values["payer"].value.upper().split()) <= _KIND_WORDS:
        del values["payer"]  # "... INSURANCE PAYMENT POSTING REPORT": a title's words, no payer
    if "payer" in values and any(label.start == values["payer"].label_at and label.end > values["payer"].start
                                 for _, label in _CLAIM_LABELS.every_header(text)):
        del values["payer"]  # "Payer Claim Control No.": a claim's caption, no payer's label
    if "number" in values and "amount" not in values and (
            bare := _BARE_AMOUNT.search(text.upper(), values["number"].end)) is not None:
        # "Check # 327427915  Issued 09/30/2026  Amount $1,096.67": on the row that names the check, an amount
        # after the word "Amount" (or "Total") is the check's; the value before it stops at that word.
        for key, found in list(values.items()):
            if found.start < bare.start() < found.end:
                cut = text[found.start:bare.start()].rstrip(" :;,")
                values[key] = Labelled(cut, found.start, found.start + len(cut), found.doubt, found.label_at)
        values["amount"] = Labelled(bare["v"], bare.start("v"), bare.end("v"), False, bare.start())
    return values


def _claim_values(text: str) -> dict[str, Labelled]:
    """A claim header's labelled values, by meaning where a label says less than its value: an identifier
    holds a digit ("Claim Status: Paid", "Claim billed 96.00" name none), a "Member" followed by an identifier
    is the member's id, not a name, and a name printed in a cell of its own with no label ("Acct 123-4 | KIM,
    PAVEL | Member ...") is the patient's."""
    values = _CLAIM_LABELS.values(text)
    values.pop("status", None)  # the amounts say it
    pt = values.pop("pt", None)
    if pt is not None and "name" not in values and _LAST_FIRST.fullmatch(pt.value):
        values["name"] = pt
    bare = values.pop("claim", None)
    if bare is not None and "number" not in values and _IDENTIFIER_READ.fullmatch(bare.value.split()[0]):
        values["number"] = bare
    for key in ("number", "account", "member"):
        if key in values and not any(c.isdigit() for c in values[key].value.split()[0]):
            del values[key]
    name = values.get("name")
    if name is not None and "member" not in values and any(c.isdigit() for c in name.value) \
            and _IDENTIFIER.fullmatch(name.value.split()[0]):
        values["member"] = values.pop("name")
    if "name" not in values:
        for key, found in list(values.items()):
            first, _, rest = found.value.partition(" ")
            # (A cell's bar a scan read as glyphs after the name, "FISCHER, ANITA {|", is no part of it.)
            rest = re.sub(r"[\s{}\[\]|¦!]+$", "", rest)
            if key != "name" and "member" not in values and (tail := _NAME_THEN_ID.fullmatch(rest)):
                # "... CHEN, MARCO ID BRX988621964": the cells' bars a scan lost; the member's after "ID".
                at = found.start + len(first) + 1 + tail.start("v")
                values["member"] = Labelled(tail["v"], at, at + len(tail["v"]), found.doubt)
                rest = tail["name"]
            # "Claim BR123 for KIM, PAVEL (...": the word that joins a claim to its patient is no part of the name.
            rest = _JOINING_WORD.sub("", rest)
            if key != "name" and _LAST_FIRST.fullmatch(rest):
                # A cell's border not read on a scan: the name printed after the identifier, unlabelled.
                at = found.start + len(first) + 1
                values[key] = Labelled(first, found.start, found.start + len(first), found.doubt)
                values["name"] = Labelled(rest, at, at + len(rest))
                break
    if "name" not in values and values:
        # A letter names the patient first and the identifiers after ("KIM, PAVEL (member BRX123, your account
        # 123-4) claim reference BR9..."): the words before the first label, when shaped as a name.
        first_label = min((v.label_at for v in values.values() if v.label_at >= 0), default=0)
        # (A scan may read its bracket as a brace: "KIM, HELGA {member ...".)
        if _LAST_FIRST.fullmatch(name := text[:first_label].strip(" ([{<")):
            at = text.index(name)
            values["name"] = Labelled(name, at, at + len(name))
    if "name" not in values and values:
        bars = [0, *(i for m in _CELL_BAR.finditer(text) for i in m.span()), len(text)]
        cells = list(zip(bars[::2], bars[1::2])) if len(bars) > 2 else []
        for start, end in cells:
            cell = text[start:end].strip()
            taken = any(start <= v.start < end for v in values.values())
            if not taken and _LAST_FIRST.fullmatch(cell):
                at = text.index(cell, start)
                values["name"] = Labelled(cell, at, at + len(cell))
                break
    if "member" not in values and (bare_id := _CELL_ID.search(text)) is not None \
            and any(c.isdigit() for c in bare_id["v"]):
        # "... | ID BRX520484726 | ...": a cell of its own that says "ID" before an identifier is the member's
        # (the one identifier a claim's header does not name by the claim or the account).
        values["member"] = Labelled(bare_id["v"], bare_id.start("v"), bare_id.end("v"), False, bare_id.start("id"))
    return values


def _unknown_identifier(text: str, found: dict[str, Labelled]) -> bool:
    """Whether a row holds a value shaped as an identifier (a digit in it) after a label no field's wording
    names."""
    taken = {v.label_at for v in found.values()}
    labels = [m for m in _ANY_LABEL.finditer(text)]
    for index, label in enumerate(labels):
        stop = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[label.end():stop].split()
        if label.start() not in taken and value and any(c.isdigit() for c in value[0]) \
                and _IDENTIFIER.fullmatch(value[0].upper()) and not _CLAIM_LABELS.values(label.group()):
            return True
    return False


_CELL_ID = re.compile(r"(?:^|[|¦][\[\]{}]?\s?)(?P<id>ID)\s?[:#]?\s?(?P<v>[A-Z0-9][A-Z0-9-]{3,})(?=\s|$)", re.I)
_NAME_THEN_ID = re.compile(r"(?P<name>.+?)\s+ID\s?[:#]?\s?(?P<v>[A-Z0-9@©][A-Z0-9@©-]*\d[A-Z0-9@©-]*)", re.I)
_CLAIM_COLUMN_FILLER = re.compile(r"[\s/#:.-]*")
_ACCOUNT_COLUMN = re.compile(r"(?<!\S)ACCOUNT(?!\S)")
# Glyphs a scan reads one for the other; a 6, 8 or 9 for a dotted zero, never for each other.
_LOOKALIKE_PAIRS = {frozenset(p) for p in ("0O", "0@", "0Q", "0D", "0©", "06", "08", "09", "1I", "1L", "1|", "8B",
                                            "5S", "2Z", "OQ", "OD", "6G", "0G")}


def _misread_of(one: str, other: str) -> bool:
    """Whether two reads of one identifier differ only as a scan misreads: a glyph or two read as their lookalikes
    ("BR7@67" for BR7067), or a speck read as one glyph more ("8BR3763", "BRG3763" for BR3763), or one glyph as
    two ("68R3763"; a payer's numbers keep their length). Two numbers a digit apart ("...0001", "...0002": one
    patient's claims numbered in turn) are two numbers."""
    one, other = one.upper(), other.upper()
    if len(one) != len(other):
        short, long_ = sorted((one, other), key=len)
        # (A glyph more, or one read as two: "68R5333..." for BR5333...)
        return len(long_) == len(short) + 1 and any(long_[:i] + long_[i + 1:] == short
                                                    or long_[:i] + long_[i + 2:] == short[:i] + short[i + 1:]
                                                    for i in range(len(long_)))
    pairs = [frozenset((a, b)) for a, b in zip(one, other) if a != b]
    return 0 < len(pairs) <= 2 and all(p in _LOOKALIKE_PAIRS for p in pairs)


def _one_glyph_inside(one: str, other: str) -> bool:
    """Whether two reads of a number differ in one glyph, and not in its last two."""
    apart = [i for i, (a, b) in enumerate(zip(one, other)) if a != b]
    return len(one) == len(other) and len(apart) == 1 and apart[0] < len(one) - 2


_CLAIM_ATTRS = (("name", "patient_name"), ("member", "member_id"), ("number", "payer_claim_number"),
                ("account", "account_number"))


def _looks_like_a_line(text: str) -> bool:
    """A row shaped as a service line whatever the table: a date first and amounts after it."""
    first = text.split()[0] if text.split() else ""
    return bool(date_of(first) or _RANGE.match(first) or _DATE_SHAPE.match(first)) \
        and len(_ANY_AMOUNT.findall(text)) >= 2


_TOTAL_ATTR = {"billed": "billed", "allowed": "allowed", "paid": "paid", "patient_share": "patient_responsibility"}


def _named_totals(claim: RemittanceClaim, named: dict[str, Named]) -> None:
    """A claim's totals as their words name them; a total not printed is its lines' sum (the patient's share
    aside: `_finish` takes it from the PR adjustments)."""
    for role, attr in (("billed", "billed"), ("allowed", "allowed"), ("paid", "paid"),
                       ("patient_share", "patient_responsibility")):
        if role in named:
            setattr(claim, attr, named[role].value)
        elif role != "patient_share":
            setattr(claim, attr, _column_sum(claim, role))


def _totals_after_identifiers(text: str) -> dict[str, Named] | None:
    """A claim's totals printed on its row after its identifiers, each by its word ("...): charge 272.40 paid
    121.16"): the longest tail of the row that is nothing but named amounts, with the paid among them."""
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S", text)]
    for start in starts:
        named = _named_amounts(text[start:])
        if named is not None and "paid" in named:
            return named
    return None


def _claim_value(key: str, found: Labelled) -> str:
    """A claim identifier's value as kept: the name whole, an account with a scan's spaces taken out, any
    other identifier its first word; an identifier ends where a comma, a bracket or a colon does (no identifier
    holds one: "(Acct 331532-9, Ins ID BRX543980320): charge ...")."""
    if key == "name":
        return found.value
    value = _IDENTIFIER_END.split(found.value)[0]
    return re.sub(r"\s+", "", value) if key == "account" else (value.split() or [found.value])[0]


def _claim_columns_before_lines(text: str) -> list[str] | None:
    """The claim's identifiers a table's header row names before the service line's columns ("PATIENT  MEMBER
    ID  CLAIM #  ACCT #  DOS  PROC ..."), in order, when it names the patient and an identifier there."""
    first_column = min((start for start, _, _ in _role_spans(text)), default=len(text))
    keys: list[str] = []
    headers = _CLAIM_LABELS.every_header(text)
    taken = [(label.start, label.end) for _, label in headers]
    # A header row names its columns in a word where a value's label says more: "ACCOUNT" heads the patient's
    # account; "CLAIM" alone the claim's number (in a header row nothing follows it to make it a total's word).
    headers += [("account", Labelled(m.group(), m.start(), m.end())) for m in _ACCOUNT_COLUMN.finditer(text.upper())
                if not any(s < m.end() and m.start() < e for s, e in taken)]
    headers = [("number" if key == "claim" else key, label) for key, label in sorted(headers, key=lambda h: h[1].start)]
    for key, label in headers:
        if label.end > first_column or key == "status":
            continue
        if key == "name" and "name" in keys and "member" not in keys:
            # A table names its patient once: "MEMBER" after "PATIENT" heads the member's id (its "ID" misread).
            key = "member"
        if key not in keys:
            keys.append(key)
    return keys if "name" in keys and {"number", "account", "member"} & set(keys) else None


def _claim_columns(text: str) -> list[str] | None:
    """The fields a row of claim-header labels names, in order ("CLAIM STATUS  ICN / TCN  RECIPIENT  RECIPIENT ID
    PATIENT ACCT"), when the row holds nothing but those labels (and, after them, the claim's totals' column
    headers: `_claim_amount_columns`) and names the patient and an identifier."""
    found = _CLAIM_LABELS.headers(text)
    if "name" not in found or not {"number", "account", "member"} & found.keys() or "claim" in found:
        return None
    rest = text
    for label in found.values():
        rest = rest[: label.start] + " " * (label.end - label.start) + rest[label.end:]
    last = max(label.end for label in found.values())
    for start, end, role in _role_spans(rest):
        if role in _AMOUNT_ROLES and start >= last:
            rest = rest[:start] + " " * (end - start) + rest[end:]
    if not _CLAIM_COLUMN_FILLER.fullmatch(rest):
        return None
    return [key for key, _ in sorted(found.items(), key=lambda item: item[1].start)]


def _claim_amount_columns(text: str) -> list[str]:
    """The claim's totals' columns a row of claim-header labels names after them ("ICN  RECIPIENT NAME ...
    PATIENT ACCT  BILLED  ALLOWED  PAID"), in order."""
    last = max((label.end for label in _CLAIM_LABELS.headers(text).values()), default=len(text))
    return [role for start, _, role in sorted(_role_spans(text)) if role in _AMOUNT_ROLES and start >= last]


def _totals_at_the_end(text: str, columns: list[str]) -> tuple[str, dict[str, Named]] | None:
    """A claim's identifiers' row that ends in its totals, one to each of `columns`: the identifiers' part and
    the totals by column (an amount a scan garbled read as its least reading, `mended`); None when the row
    does not end in exactly that many amounts after words that hold none."""
    tokens = _tokens(text)
    if len(tokens) <= len(columns):
        return None
    head, tail = tokens[: -len(columns)], tokens[-len(columns):]
    if any(_AMOUNT.match(t.text) for t in head):
        return None
    named: dict[str, Named] = {}
    for role, token in zip(columns, tail):
        if (sure := _AMOUNT.match(token.text)) is not None:
            named[role] = Named(role, money(sure["v"]), token.start, token.end)
        elif (sure := _AMOUNT.match(_SPECKED_AMOUNT.sub(r"\1", token.text))) is not None:
            # A speck read as a third decimal ("118.062"): in doubt.
            named[role] = Named(role, money(sure["v"]), token.start, token.end, mended=True)
        elif (garbled := garbled_amount(token.text)) is not None:  # glyphs a scan misread: in doubt
            named[role] = Named(role, garbled, token.start, token.end, mended=True)
        else:
            return None
    return text[: head[-1].end], named


def _columnar_claim(text: str, columns: list[str]) -> tuple[dict[str, Labelled], bool] | None:
    """A claim's values under a row of claim-header labels, by what each word is, in the columns' order: the
    status a word, an identifier holds a digit, the name ("LAST, FIRST") every word up to the next identifier.
    None when the row holds no such name; `doubt` when its words do not fall exactly one to a column."""
    tokens = _tokens(text)
    for index in range(len(tokens) - 1, 0, -1):
        # An identifier the OCR split at its hyphen ("707899 -3"): one word.
        if re.fullmatch(r"-\d{1,3}", tokens[index].text) and tokens[index - 1].text[-1:].isdigit():
            tokens[index - 1:index + 1] = [_Token(tokens[index - 1].text + tokens[index].text,
                                                  tokens[index - 1].start, tokens[index].end)]
    values: dict[str, Labelled] = {}
    at, doubt = 0, False
    for index, key in enumerate(columns):
        if at >= len(tokens):
            doubt = True
            break
        token = tokens[at]
        if key == "status":
            doubt |= any(c.isdigit() for c in token.text)
            at += 1
        elif key == "name":
            previous = columns[index - 1] if index else None
            while previous in values and at < len(tokens) and tokens[at].text.isdigit():
                # An identifier a scan split in two ("BR80656888 208") before the name: one word, in doubt.
                joined = values[previous]
                values[previous] = Labelled(joined.value + tokens[at].text, joined.start, tokens[at].end, True)
                doubt, at = True, at + 1
                token = tokens[at] if at < len(tokens) else token
            stop = at
            while stop < len(tokens) and not any(c.isdigit() for c in tokens[stop].text):
                stop += 1
            if index == len(columns) - 1:
                stop = len(tokens)
            name = text[token.start:tokens[stop - 1].end] if stop > at else ""
            # A hyphenated name a scan spaced at its hyphen ("HERNANDEZ -LOPEZ"): joined, in doubt.
            joined = re.sub(r" ?- ?", "-", name)
            if not _LAST_FIRST.fullmatch(joined):
                return None
            values["name"] = Labelled(joined, token.start, tokens[stop - 1].end, joined != name)
            at = stop
        else:
            doubt |= not any(c.isdigit() for c in token.text)
            values[key] = Labelled(token.text, token.start, token.end, doubt)
            at += 1
    if "name" not in values:
        return None
    return values, doubt or at != len(tokens)


def _plb_card_field(text: str) -> str | None:
    """The one field a provider-level adjustment's card row names ("Reference: 7905157329193"), if it is one."""
    if _CARD_ROW.match(text) is None:
        return None
    keys = list(_PROVIDER_LABELS.values(text))
    return keys[0] if len(keys) == 1 else None


def _plb_columns(text: str) -> list[str] | None:
    """The fields a provider-level adjustments table's header row names, in order; None for any other row."""
    found = sorted((f.start, key) for key, f in _PROVIDER_LABELS.headers(text).items())
    words = set(re.sub(r"[#:.]", " ", text.upper()).split())
    if "amount" not in {key for _, key in found} or not words <= _PROVIDER_LABEL_WORDS | {"ID", "NUMBER", "NO"}:
        return None
    return [key for _, key in found]


def _plain(text: str) -> str:
    """A claim's row in the shapes the reader knows, every character where it was (so confidences keep their
    place): a line's number said in words as the number alone ("Line 1" as "1     "), a date spelled out as ISO
    ("Oct 01, 2026" as "2026-10-01  "), a code joined to its modifiers by hyphens apart ("E1390-RR-KX" as
    "E1390 RR KX"), a slash between adjustments blanked."""
    if numbered := _LINE_LEAD.match(text):
        text = numbered["n"].ljust(numbered.end()) + text[numbered.end():]

    def iso(spelled: re.Match[str]) -> str:
        if day := date_of(spelled.group()):
            return day.isoformat().ljust(len(spelled.group()))
        return (_spelled_mended(spelled) or spelled.group()).ljust(len(spelled.group()))

    text = _DAY_FIRST_LOOSE.sub(iso, _SPELLED_LOOSE.sub(iso, text))
    # "E1390-RR", "E1390:RR" (the 835's composite, its "HC:" qualifier blanked): the code and its modifiers.
    text = _JOINED_CODE.sub(lambda m: re.sub(r"^HC:", "   ", m.group()).replace("-", " ").replace(":", " "), text)
    text = _DECIMAL_COMMA.sub(".", text)
    text = _COMMA_BEFORE_POINT.sub(r"\1.\2 ", text)
    text = _SPECKED_ADJUSTMENT.sub(r"\1 ", text)
    return _LONE_SLASH.sub(" ", _signed(text))


def _spelled_mended(spelled: re.Match[str]) -> str | None:
    """A spelled date a scan misread, as the reader takes it: ISO when its lookalikes give one date (the month's
    O read "Q", a zero of the day read "@", a dotted zero read "9"), else its digits as MM/DD/YYYY for the
    line's date to be read in doubt (a date's shape, no date); None when no month is named (no date at all)."""
    month = _MONTHS.get(spelled["mon"].upper()) or _month_of_lookalike(spelled["mon"])
    if not month:
        return None
    day, year = spelled["d"].translate(_ZERO_LOOKALIKES), spelled["y"].translate(_ZERO_LOOKALIKES)
    if len(year) == 5:
        # A zero read twice, once as its dotted lookalike ("20626"): the one year that is not so.
        years = {r for n, readings in dotted_zero.mendings(year, 1, doubled=True) for r in readings if len(r) == 4}
        if len(years) != 1:
            return None
        year = years.pop()
    numeric = f"{month:02d}/{int(day):02d}/{year}"
    found = date_of(numeric) or dotted_zero.mended_date(numeric)
    return found.isoformat() if found else numeric


def _month_of_lookalike(mon: str) -> int:
    """The one month a month's name with its O read as a lookalike ("Qct") can be; 0 when none or several."""
    mon = mon.upper()
    candidates = {name for name in _MONTHS if len(name) == len(mon) and all(
        a == b or (b == "O" and a in "QD0@©") for a, b in zip(mon, name))}
    return _MONTHS[candidates.pop()] if len(candidates) == 1 and mon not in _MONTHS else 0


def _signed(text: str) -> str:
    """A negative amount as the reader takes it ("$-0.91"): the sign before the dollar sign ("-$0.91") or after
    the amount, as mainframe reports print it ("0.91-"); same length, so confidences keep their place."""
    text = _SIGN_AFTER.sub(lambda m: f"-{m['v']}", text)
    # An accountant's negative, in parentheses ("($6.93)"), as a browser prints a portal's: the brackets blanked.
    text = _IN_BRACKETS.sub(lambda m: f"{m['dollar'] or ''}-{m['v']} ", text)
    return text.replace("-$", "$-")


def compact_date(text: str) -> dt.date | None:
    """A date printed without separators where a label or a column says it is one: MMDDYY, MMDDCCYY or
    CCYYMMDD (the 835's); None for any other text."""
    if not re.fullmatch(r"\d{6}|\d{8}", text):
        return None
    if len(text) == 8 and text[:2] in ("19", "20"):
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        month, day, year = int(text[:2]), int(text[2:4]), int(text[4:])
        year += 2000 if year < 100 else 0
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _line_adjustments(text: str) -> list[re.Match[str]]:
    """A service line's adjustments; one printed with a space between its group and reason ("CO 45 43.37") only
    after an amount (however garbled: "245.@0"): before the amounts "CO 1 96.00" may be a modifier, the units
    and the billed amount."""
    out = []
    for match in _ADJ.finditer(text):
        spaced = " " in text[match.end("grp"):match.start("rc")]
        if spaced and not _AMOUNT_LIKE.search(text[: match.start()]):
            continue
        out.append(match)
    return out


def _join_split_amounts(text: str) -> str:
    """"96 00", "245 .00" or "245. 00" where the OCR split an amount at its point, joined again (same length:
    confidences keep their place); only before another amount, so that units and an amount ("1 96.00") stay
    apart."""
    ahead = rf"(?= +\$?{AMT}(?!\S))"
    text = re.sub(rf"(?<!\S)(\$?\d+)(?: \.|\. )([\dOoQD@©]{{2}}){ahead}", r"\1.\2 ", text)
    # Right to left: an amount joined makes the one split before it an amount's neighbour ("245 00 168 57 0.00").
    while (joined := re.sub(rf"(?<!\S)(\$?\d+) ([\dOoQD@©]{{2}}){ahead}", r"\1.\2", text)) != text:
        text = joined
    # After an adjustment's code, which an amount always follows ("CO-45 45 38"), and at the row's end after
    # the amounts (its last amount, "25 62").
    # (The code as a scan reads it: "C045 45 38".)
    text = re.sub(rf"(?<!\S)((?:{_GROUP})[-/]?[A-Z]?\d{{1,3}}:? )(\d+) (\d\d)(?!\S)", r"\1\2.\3", text)
    return re.sub(r"(?<=\d\.\d\d )(\$?\d+) (\d\d)\s*$", r"\1.\2", text)


def _bare_code(text: str) -> str:
    """A listed adjustment code as its group and reason ("C045" read for "CO45": "CO45")."""
    match = _BARE_CODE.match(text)
    assert match is not None
    return _GROUP_READ_AS.get(match["grp"].upper(), match["grp"].upper()) + match["rc"]


def _units_with_decimals(cells: list[_Token], table: "_Table | None", expected: int) -> tuple[list[_Token], bool]:
    """A quantity printed with decimals ("1.00") where the column headers put the units before the amounts and
    the row holds one amount more than the columns: the units, as a whole number; in doubt (True) when its
    decimals were misread ("1.06")."""
    if table is None or "units" not in table.roles or not table.amounts:
        return cells, False
    if table.roles.index("units") > table.roles.index(table.amounts[0]):
        return cells, False
    # Counted as printed, however garbled ("9.900"): a garbled amount is still a column.
    amounts = [i for i, c in enumerate(cells) if _AMOUNT.match(c.text) or re.fullmatch(r"\S*\.\S{2,3}", c.text)]
    if len(amounts) != expected + 1 or not (units := re.fullmatch(r"(\d{1,3})\.(\S\S?)", cells[amounts[0]].text)):
        return cells, False
    if any(re.fullmatch(r"\d{1,3}", c.text) or c.text in _ONE for c in cells[:amounts[0]]):
        return cells, False  # the units are printed whole before it: the extra amount is something else
    first = cells[amounts[0]]
    return [*cells[:amounts[0]], _Token(units[1], first.start, first.end), *cells[amounts[0] + 1:]], \
        units[2] not in ("00", "0")


_JOINED_MODIFIERS = re.compile(r"[A-Z0-9]{2}(?:/[A-Z0-9]{2})+")


def _modifiers_parted(cell: _Token) -> list[_Token]:
    """A cell of modifiers a slash joins ("RR/KX", "NU/KX"): each its own cell; any other cell as it is."""
    if not _JOINED_MODIFIERS.fullmatch(cell.text) or not any(c.isalpha() for c in cell.text):
        return [cell]
    return [_Token(part, cell.start + 3 * i, cell.start + 3 * i + 2) for i, part in enumerate(cell.text.split("/"))]


def _dates_first(cells: list[_Token]) -> list[_Token]:
    """A service line printed code first ("E0439 RR 05/30/26 06/28/26 1 245.00 ..."): its dates (the first date's
    shape among the cells before the amounts, and a through date after it) moved before the code, the order the
    rest of the reading takes; the cells as they are where no date stands there."""
    at = next((i for i, c in enumerate(cells[:6]) if date_of(c.text) or _RANGE.match(c.text)
               or _DATE_SHAPE.match(c.text)), None)
    if not at:
        return cells
    end = at + 1
    while end < len(cells) and (_DATE_SHAPE.match(cells[end].text) or cells[end].text.upper() in _THROUGH):
        end += 1
    return [*cells[at:end], *cells[:at], *cells[end:]]


def _amount_cells(cells: list[_Token], expected: int) -> list[tuple[_Token, Decimal | None]]:
    """The amount cells, each with the value it was read as when its glyphs were not digits (else None).
    Lookalikes ("@.0@", "0.0O") are taken only where the amounts as printed do not fill the columns."""
    strict = [(c, None) for c in cells if _AMOUNT.match(c.text)]
    if len(strict) == expected:
        return strict  # type: ignore[return-value]
    loose: list[tuple[_Token, Decimal | None]] = []
    garbled = 0
    for cell in cells:
        if _AMOUNT.match(cell.text):
            loose.append((cell, None))
        elif "." in cell.text and (readings := loose_line.amount_readings(cell.text)):
            # Several readings ("0.600": which zero was read twice?): the least; the line's arithmetic then
            # tells whether it holds (extractors.remittance.repair), and the column is under review.
            loose.append((cell, readings[0]))
        elif re.fullmatch(r"\$?\d[\d,]*\.\d", cell.text):
            # A last digit lost ("0.0", "$210.0"): under review all the same.
            loose.append((cell, money(cell.text.lstrip("$") + "0")))
        elif _GARBLED_AMOUNT.match(cell.text) and not _CODE.match(cell.text):
            # No reading at all: a placeholder under review; the column's value is whatever the line's other
            # amounts and its adjustments make it (repair), or the line does not balance.
            loose.append((cell, Decimal("0.00")))
            garbled += 1
    return loose if len(loose) == expected and garbled <= 1 else strict  # type: ignore[return-value]


def _blank(text: str, cell: "_Token | None") -> str:
    """The row with one cell blanked (same length), so that a label's value does not run into it."""
    return text if cell is None else text[: cell.start] + " " * (cell.end - cell.start) + text[cell.end:]


_METHOD_CODES = ("CHK", "ACH", "BOP", "FWT", "NON")


def _count_shaped(text: str) -> bool:
    """A cell that may be a line's units: a number of three digits at most, a lone one as OCR reads it, "x2"."""
    return bool(re.fullmatch(r"\d{1,3}", text)) or text in _ONE or bool(_TIMES.fullmatch(text))


def method_of(label: str) -> str | None:
    """How the payment was made, where the number's label says it alone: a check, or an EFT (ACH); never a
    guess between the two ("Check/EFT #")."""
    words = set(re.findall(r"[A-Z]+", label))
    check = bool(words & {"CHECK", "CHK", "CK", "WARRANT"})
    eft = bool(words & {"EFT", "ACH", "TRACE"})
    return "CHK" if check and not eft else "ACH" if eft and not check else None


def _column_sum(claim: RemittanceClaim, role: str) -> Decimal:
    """What the claim's lines hold in one amount column, summed."""
    return sum((getattr(line, _FIELD_OF.get(role, role)) for line in claim.lines), Decimal("0.00"))


def _patient_share(claim: RemittanceClaim) -> Decimal:
    return sum((a.amount for line in claim.lines for a in line.adjustments if a.group == "PR"), Decimal("0.00"))


def _role_of(words: str) -> str | None:
    roles = roles_in(words)
    return roles[0] if len(roles) == 1 else None


def _share_parted(values: dict[str, Decimal], adjustments: list[Adjustment]) -> dict[str, Decimal]:
    """A line's amounts with what the member owes ("Member Resp") told apart as deductible and coinsurance, where
    no column tells them apart: by the line's PR adjustments when they add up to it (PR-1 the deductible, PR-2
    and PR-3 the coinsurance and copay: two prints of one fact agreeing), else all coinsurance, less a deductible
    column's amount where the line's arithmetic says the share counts it (allowed less the share is paid)."""
    share = values.pop("patient_share", None)
    if share is None or {"copay_coins", "coinsurance", "copay"} & values.keys():
        return values
    pr = {reason: sum((a.amount for a in adjustments if a.group == "PR" and a.reason == reason), Decimal("0.00"))
          for reason in ("1", "2", "3")}
    told = sum((a.amount for a in adjustments if a.group == "PR"), Decimal("0.00"))
    if told == share and values.get("deductible", pr["1"]) == pr["1"] and share:
        return {**values, "deductible": pr["1"], "coinsurance": pr["2"] + pr["3"]}
    deductible = values.get("deductible", Decimal("0.00"))
    # (A share smaller than the deductible column does not count it: a misread column, "9.00" for 0.00.)
    with_deductible = deductible and share >= deductible and values.get("allowed", Decimal("0.00")) - share == \
        values.get("paid")
    return {**values, "coinsurance": share - deductible if with_deductible else share}


def _fill(line: ServiceLine, values: dict[str, Decimal]) -> None:
    zero = Decimal("0.00")
    line.billed = values.get("billed", zero)
    line.allowed = values.get("allowed", zero)
    line.deductible = values.get("deductible", zero)
    line.paid = values.get("paid", zero)
    line.coinsurance = values.get("copay_coins", zero) + values.get("coinsurance", zero) + values.get("copay", zero)
