"""The 835 itself, printed segment by segment: read by what each segment means.

Clearinghouses print the electronic remittance as they received it: a row per
segment, led by the segment's id (BPR the payment, TRN its number, CLP a claim,
NM1 a person, SVC a service line, CAS its adjustments, AMT B6 its allowed
amount, LQ HE a remark, DTM a date, PLB the provider-level adjustments). Each
print program words the rest its own way: elements after short qualifiers
("CHG 210.00", "PMT 0.00"), or bare in the order the 835 gives them, or the
raw X12 itself ("CLP*775141-5*4*210*0*0*12*BR889~"). So a segment is known by
its id (a scan's lookalike glyph allowed where one id alone fits), its values
by their qualifier where one is printed and otherwise by the element's place
in the 835 and its shape. What the 835 does not print as a column is what it
means: the deductible is the PR-1 adjustments, the coinsurance and copay the
PR-2 and PR-3 ones, a claim's allowed amount its lines' B6 amounts.

Rows that are no segment (the report's title and header block) are read by the
header labels every remittance reader knows; the report's own print date is
no label's and is passed over. What does not read goes under `review`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable

from .. import dotted_zero
from ..lines import CERTAIN, DIGIT_LOOKALIKES, Line
from ..models import Adjustment, ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from ..validators import is_hcpcs, is_npi
from . import balance
from .by_columns import HEADER_LABELS, TITLES, compact_date, date_of
from .common import Walk, status_for

ZERO = Decimal("0.00")

# The 835's segments a remittance's meaning is in, and those read past (envelope, addresses, counts).
_READ = ("BPR", "TRN", "DTM", "N1", "CLP", "NM1", "SVC", "CAS", "AMT", "LQ", "PLB")
_PASSED = ("ISA", "GS", "ST", "REF", "N3", "N4", "PER", "RDM", "LX", "TS3", "TS2", "MIA", "MOA", "QTY", "SE", "GE",
           "IEA", "CUR")
# Ids that are words too ("ST LOUIS"): a segment only in the raw X12, where an element separator follows.
_RAW_ONLY = {"ST", "SE", "GS", "GE", "CUR", "PER", "QTY"}
# A scan's lookalikes folded to one glyph before ids are compared ("NMI" is NM1, "CIP" is CLP read so).
_FOLD = str.maketrans({"0": "O", "Q": "O", "D": "O", "1": "I", "L": "I", "|": "I", "5": "S", "8": "B", "6": "G",
                       "€": "C", "£": "E"})
_FOLDED = {sid.translate(_FOLD): sid for sid in (*_READ, *_PASSED)}
_BARS = re.compile(r"\s[|¦]\s|~")
_RAW = re.compile(r"^(?P<id>[A-Z][A-Z0-9]{1,2})\*")

_AMOUNT = re.compile(r"^\$?-?[\d,]*\d\.\d\d-?$")
_SPECKED = re.compile(r"^-?[\d,]*\d\.\d\d\d$")
_RAW_AMOUNT = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)$")
_IDENTIFIER = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,}$")
_STATUS = re.compile(r"^\d{1,2}$")
_DATE_TEXT = re.compile(r"^(?:\d{8}|\d{6}|\d\d/\d\d/\d{2,4}|\d{4}-\d\d-\d\d)(?:-\d{8})?$")
_GROUPS = ("CO", "PR", "OA", "PI", "CR")
_REASON = re.compile(r"^(?:[A-Z]?\d{1,3}|[A-Z]\d?)$")
# A service's procedure as the 835 composes it: a qualifier ("HC" for HCPCS), the code, its modifiers.
# (A scan's lookalikes in the code are the reader's to put right: "£0470", "E@431", "KQ001".)
_COMPOSITE = re.compile(r"^(?:(?P<q>HC|AD|ER|IV|N4|NU|WK|ZZ)[:>^])?(?P<code>[^\s:>^]{5,6})(?P<mods>(?:[:>^][A-Z0-9]{2})*)$")
_CODE_LOOKALIKES = str.maketrans({**{c: "0" for c in "OoQD@©"}, "l": "1", "I": "1", "|": "1", "S": "5"})
_METHODS = {"CHK": "CHK", "CHECK": "CHK", "ACH": "ACH", "EFT": "ACH", "FWT": "ACH", "BOP": "BOP", "NON": "NON"}
_ID_QUALIFIERS = {"MI", "HN", "II", "34", "XX", "C", "N", "MR", "FI", "24", "ID"}
_PERSON = {"QC": "patient", "IL": "insured"}
_PLB_REASON = re.compile(r"^[A-Z0-9]{2}$")

# Qualifiers a print program sets before a segment's values, by the field they name.
_BPR_LABELS = {"PAYMENT": "amount", "PAID": "amount", "AMOUNT": "amount", "AMT": "amount", "TOTAL": "amount",
               "PMT": "amount", "METHOD": "method", "MTHD": "method", "TYPE": "method", "ISSUED": "date",
               "DATE": "date", "EFFECTIVE": "date", "EFF": "date", "SETTLED": "date", "PAYDATE": "date"}
_TRN_LABELS = {"CHECK/EFT": "number", "CHECK": "number", "CHK": "number", "EFT": "number", "TRACE": "number",
               "NUMBER": "number", "NO": "number", "#": "number", "CHECK#": "number", "TRN02": "number"}
_CLP_LABELS = {"ACCT": "account", "ACCOUNT": "account", "PCN": "account", "ACCT#": "account", "CTL": "account",
               "STAT": "status", "STATUS": "status", "STS": "status",
               "CHG": "billed", "CHRG": "billed", "CHARGE": "billed", "CHARGES": "billed", "BILLED": "billed",
               "SUBMITTED": "billed", "PMT": "paid", "PAID": "paid", "PAYMENT": "paid", "PAY": "paid",
               "PTRESP": "responsibility", "PATRESP": "responsibility", "PTRSP": "responsibility",
               "RESP": "responsibility", "PR": "responsibility", "ICN": "number", "CCN": "number", "DCN": "number",
               "TCN": "number", "CLAIM": "number", "CLM": "number", "FILING": "filing", "FIL": "filing"}
_SVC_LABELS = {"CHG": "billed", "CHRG": "billed", "CHARGE": "billed", "BILLED": "billed", "SUBMITTED": "billed",
               "PMT": "paid", "PAID": "paid", "PAYMENT": "paid", "PAY": "paid", "UNITS": "units", "UNIT": "units",
               "UNT": "units", "QTY": "units", "UN": "units", "DOS": "date", "DATE": "date", "SVCDATE": "date",
               "ALLOWED": "allowed", "ALLOW": "allowed"}
_PLB_LABELS = {"REF": "reference", "REFERENCE": "reference", "AMT": "amount", "AMOUNT": "amount",
               "MBR": "member", "MEMBER": "member"}
# The 835's own element order where no qualifier is printed, with the shape each element must have.
_CLP_ORDER = (("account", "identifier"), ("status", "status"), ("billed", "amount"), ("paid", "amount"),
              ("responsibility", "amount"), ("filing", "any"), ("number", "identifier"))
_SVC_ORDER = (("composite", "any"), ("billed", "amount"), ("paid", "amount"), ("revenue", "any"), ("units", "count"))


def detect(upper: str) -> bool:
    """The 835 printed segment by segment: rows led by a claim's segment (CLP) and a service's (SVC or CAS),
    and the payment's (BPR or TRN) or a remittance's title."""
    led = {seg.id for row in upper.splitlines() for seg in _segments(Line.plain(row))}
    return "CLP" in led and bool(led & {"SVC", "CAS"}) and bool(led & {"BPR", "TRN"} or TITLES.search(upper))


@dataclass
class _Part:
    text: str
    start: int
    end: int


@dataclass
class _Segment:
    id: str
    row: Line
    parts: list[_Part]
    raw: bool  # X12 elements: each in its place, an empty one kept
    id_doubt: bool = False  # the id known by its likeness to one

    def conf(self, part: _Part | None) -> float:
        return self.row.conf(part.start, part.end) if part is not None else CERTAIN

    def element(self, index: int) -> _Part | None:
        """The raw segment's element at its 835 position (1-based), or None where it is empty or absent."""
        part = self.parts[index - 1] if 0 < index <= len(self.parts) else None
        return part if part is not None and part.text else None


def _segments(row: Line) -> list[_Segment]:
    """The segments a row holds: one led by its id, or several between bars or X12 terminators."""
    out = []
    for piece in _pieces(row.text):
        text, offset = piece
        raw = _RAW.match(text)
        if raw:
            sid = _FOLDED.get(raw["id"].translate(_FOLD))
            if sid is None:
                continue
            parts, at = [], offset + raw.end()
            for element in text[raw.end():].rstrip("~").split("*"):
                parts.append(_Part(element.strip(), at, at + len(element)))
                at += len(element) + 1
            out.append(_Segment(sid, row, parts, True))
            continue
        words = [_Part(m.group(), offset + m.start(), offset + m.end()) for m in re.finditer(r"\S+", text)]
        if not words:
            continue
        sid, doubt = _segment_id(words[0].text)
        if sid is None or sid in _RAW_ONLY:
            continue
        # Segments run on in one row where the print's bars were lost (a scan drops a lone bar as a speck): a
        # new one starts at an id whose next word is what that segment starts with.
        starts = [0, *(i for i in range(1, len(words) - 1) if _starts_segment(words[i].text, words[i + 1].text))]
        for first, end in zip(starts, [*starts[1:], len(words)]):
            if first:
                sid, doubt = _segment_id(words[first].text)
            out.append(_Segment(sid, row, words[first + 1:end], False, doubt))  # type: ignore[arg-type]
    return out


# What a segment's first element is, where a row runs several together.
_LEADS = {"CAS": re.compile(r"^(?:CO|PR|OA|PI|CR)$"), "AMT": re.compile(r"^[A-Z][A-Z0-9]?\S?$"),
          "LQ": re.compile(r"^(?:HE|RX)$"), "DTM": re.compile(r"^\d{3}$"), "NM1": re.compile(r"^(?:QC|IL|74|82)$"),
          "SVC": re.compile(r"^[A-Z]{2}[:>^]")}


def _starts_segment(word: str, after: str) -> bool:
    sid = _FOLDED.get(word.upper().translate(_FOLD))
    if sid == "CAS":
        after = _group(after) or ""
    return sid in _LEADS and not _AMOUNT.match(after) and bool(_LEADS[sid].match(after.upper()))


def _group(word: str) -> str | None:
    """An adjustment's group code, its O read as a lookalike ("0A", "C0") put right."""
    upper = word.upper()
    folded = upper[0].translate(_GROUP_FOLD) + upper[1:].translate(_GROUP_FOLD) if upper else ""
    return folded if folded in _GROUPS and len(upper) == 2 else None


_GROUP_FOLD = str.maketrans({"0": "O", "@": "O", "Q": "O", "D": "O", "€": "C", "£": "C", "1": "I", "|": "I"})


def _pieces(text: str) -> list[tuple[str, int]]:
    """The row cut at bars and terminators, each piece with where it starts."""
    out, start = [], 0
    for bar in _BARS.finditer(text):
        out.append((text[start:bar.start()], start))
        start = bar.end()
    out.append((text[start:], start))
    return [(piece.strip(), at + len(piece) - len(piece.lstrip())) for piece, at in out if piece.strip()]


def _segment_id(word: str) -> tuple[str | None, bool]:
    """The segment a row's first word names: itself, its lookalike glyphs folded, or one letter off the one
    three-letter id it is nearest (in doubt)."""
    upper = word.upper().rstrip(":")
    if upper in _READ or upper in _PASSED:
        return upper, False
    # A speck read as a bracket, a point or a glyph glued to the id ("CLP)", "SVC.", "NM12"): the id, in doubt.
    if (bare := upper.rstrip(")]}.,;'")) != upper and (bare in _READ or bare in _PASSED):
        return bare, True
    if len(upper) == 4 and upper[:3] in _READ:
        return upper[:3], True
    folded = upper.translate(_FOLD)
    if folded in _FOLDED:
        return _FOLDED[folded], upper != word
    if len(folded) != 3:
        return None, False
    near = {sid for f, sid in _FOLDED.items() if len(f) == 3 and sum(a != b for a, b in zip(f, folded)) == 1}
    return (near.pop(), True) if len(near) == 1 else (None, False)


def _labelled(seg: _Segment, labels: dict[str, str]) -> tuple[dict[str, _Part], list[_Part]]:
    """A printed segment's values after their qualifiers ("CHG 210.00", "CHG: 210.00", "CHG=210.00"), and the
    parts no qualifier took, in order."""
    values: dict[str, _Part] = {}
    rest: list[_Part] = []
    parts = seg.parts
    index = 0
    while index < len(parts):
        part = parts[index]
        upper = part.text.upper()
        glued = re.match(r"^([A-Z#/]+)[:=](\S+)$", upper)
        key = labels.get(glued[1]) if glued else labels.get(upper.rstrip(":="))
        if key is not None and glued:
            values.setdefault(key, _Part(part.text[glued.start(2):], part.start + glued.start(2), part.end))
        elif key is not None and index + 1 < len(parts) and parts[index + 1].text.upper().rstrip(":") not in labels:
            values.setdefault(key, parts[index + 1])
            index += 1
        else:
            rest.append(part)
        index += 1
    return values, rest


def _in_order(values: dict[str, _Part], rest: list[_Part], order: tuple[tuple[str, str], ...]) -> None:
    """The values no qualifier named, taken in the 835's element order where each has the element's shape."""
    queue = list(rest)
    for key, shape in order:
        if key in values or not queue:
            continue
        if _shaped(queue[0].text, shape):
            values[key] = queue.pop(0)


def _values(seg: _Segment, labels: dict[str, str], order: tuple[tuple[str, str], ...]) -> dict[str, _Part]:
    """A segment's values by field: the raw X12's by their places; a print's by their qualifiers, the rest in the
    835's order where shaped so."""
    if seg.raw:
        return {key: part for index, (key, _) in enumerate(order, start=1) if (part := seg.element(index)) is not None}
    values, rest = _labelled(seg, labels)
    _in_order(values, rest, order)
    return values


def _shaped(text: str, shape: str) -> bool:
    return {"amount": bool(_AMOUNT.match(text)), "identifier": bool(_IDENTIFIER.match(text.upper())),
            "status": bool(_STATUS.match(text)), "count": bool(re.fullmatch(r"\d{1,3}(?:\.0+)?", text)),
            "any": True}[shape]


def _money(part: _Part | None, raw: bool) -> Decimal | None:
    """An amount as printed ("1,450.00", "7.34-") or as the 835 carries it ("210", "26.6")."""
    if part is None:
        return None
    text = part.text.replace("$", "").replace(",", "")
    if text.endswith("-") and not text.startswith("-"):
        text = "-" + text[:-1]
    if not raw and _SPECKED.match(text):
        text = text[:-1]  # a speck after the cents read as a third decimal ("245.600"): in doubt where read
    if not (_RAW_AMOUNT.match(text) if raw else _AMOUNT.match(text)):
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _procedure(read: str) -> str | None:
    """A HCPCS code as a scan read it: a bold E read as a currency sign, a zero as a lookalike glyph, or a
    dotted zero read as two glyphs ("E0@260"), when dropping one of them leaves the one code it can be."""
    code = {"£": "E", "€": "E"}.get(read[0], read[0]) + read[1:].translate(_CODE_LOOKALIKES)
    if len(code) == 5:
        return code
    found = {code[:i] + code[i + 1:] for i in range(1, len(code))
             if read[i] in "OoQD@©" and "0" in code[i - 1:i] + code[i + 1:i + 2]}
    found = {c for c in found if is_hcpcs(c)}
    return found.pop() if len(found) == 1 else None


def _as_printed(part: _Part | None, raw: bool) -> bool:
    """Whether an amount read as it stands, nothing taken off it."""
    return part is not None and _money(part, raw) is not None and not _SPECKED.match(part.text.replace("$", ""))


def _date(part: _Part | None) -> tuple[dt.date | None, bool]:
    """A date as the 835 carries it (CCYYMMDD), or as a print program turns it; a range's first day. A date
    no calendar holds, read by OCR, is the one real date the fewest dotted zeros put back make ("20261609"),
    in doubt (the second value False)."""
    if part is None:
        return None, False
    text = part.text.split("-")[0] if re.fullmatch(r"\d{8}-\d{8}", part.text) else part.text
    day = compact_date(text) or date_of(text)
    if day is not None or not re.fullmatch(r"\d{8}", text):
        return day, day is not None
    for _, readings in dotted_zero.mendings(text):
        found = {d for d in map(compact_date, readings) if d is not None}
        if found:
            return (found.pop(), False) if len(found) == 1 else (None, False)
    return None, False


def derived_in_doubt(remit: Remittance, review: list[str]) -> list[str]:
    """What the 835 does not print but the reader derives, in doubt where what it was derived from is (after
    the OCR's repairs): a line's deductible and coinsurance from its adjustments, a claim's allowed amount from
    its lines'."""
    out = []
    for c_index, claim in enumerate(remit.claims):
        for l_index, _ in enumerate(claim.lines):
            path = f"claims.{c_index}.lines.{l_index}"
            if any(r == f"{path}.adjustments" or r.startswith(f"{path}.adjustments.") for r in review):
                out.extend([f"{path}.deductible", f"{path}.coinsurance"])
            if f"{path}.allowed" in review or path in review:
                out.append(f"claims.{c_index}.allowed")
    return [p for p in dict.fromkeys(out) if p not in review]


def parse(lines: Iterable[Line]) -> tuple[Remittance, dict[int, object], list[str]]:
    """The print row by row: each segment read into the remittance; a row that is no segment read by its
    header labels."""
    reading = _Reading()
    for row in lines:
        text = row.text
        if not text or re.match(r"^(?:Page \d+ of \d+|[-_—=]{10,})$", text, re.I):
            continue
        segments = _segments(row)
        if not segments:
            reading.header_row(row)
        for seg in segments:
            reading.segment(seg)
    reading.finish()
    return reading.remit, {}, reading.trust.review


@dataclass
class _Reading(Walk):
    claim_date: dt.date | None = None  # a claim's statement date (DTM 232), for lines that print none
    # The current claim's lines no AMT B6 (nor a qualifier on the SVC row) gave an allowed amount.
    allowed_unread: set[int] = field(default_factory=set)
    scanned: bool = False  # read by OCR: a segment missing may be one garbled

    def segment(self, seg: _Segment) -> None:
        handler = getattr(self, f"_{seg.id.lower()}", None)
        if handler is not None:
            handler(seg)

    def header_row(self, row: Line) -> None:
        """A row of the header block (or its foot) by its labels: the payer, the payee and NPI, the check."""
        remit, trust = self.remit, self.trust
        values = HEADER_LABELS.values(row.text)  # the payer's own among them: the 835's N1 PR as a label
        for key, found in values.items():
            conf = 0.0 if found.doubt else row.conf(found.start, found.end)
            first = found.value.split()[0] if found.value.split() else ""
            if key == "payer" and remit.payer.name is None:
                remit.payer.name = found.value.upper()
                trust.check("payer.name", conf)
            elif key == "payee" and remit.payee.name is None:
                remit.payee.name = found.value
                trust.check("payee.name", conf)
            elif key == "npi" and remit.payee.npi is None:
                remit.payee.npi = first
                trust.check("payee.npi", conf, is_npi(first))
            elif key == "amount" and (amount := _money(_Part(first, 0, 0), False)) is not None:
                self.printed_total = amount
            elif key == "number" and remit.payment.number is None:
                remit.payment.number = first
                trust.check("payment.number", conf)
            elif key == "date" and remit.payment.date is None:
                remit.payment.date = date_of(found.value) or compact_date(first)
                trust.check("payment.date", conf, remit.payment.date is not None)
        if not values and self.remit.claims:
            # A row inside the claims that is no segment and no label: it may have been the claim's own (its
            # NM1 with a speck after the id): the claim is in doubt whole.
            trust.review.append(self.claim_path if self.claim is not None else "document")

    # The payment: how much, how, when (BPR), and its number (TRN); the payer and payee (N1).
    def _bpr(self, seg: _Segment) -> None:
        payment, trust = self.remit.payment, self.trust
        if seg.raw:
            amount, method, date = seg.element(2), seg.element(4), seg.element(16)
        else:
            values, rest = _labelled(seg, _BPR_LABELS)
            amount = values.get("amount") or next((p for p in rest if _AMOUNT.match(p.text)), None)
            method = values.get("method") or next((p for p in rest if p.text.upper() in _METHODS), None)
            date = values.get("date") or next((p for p in rest if _DATE_TEXT.match(p.text)), None)
        payment.amount = _money(amount, seg.raw)
        trust.check("payment.amount", seg.conf(amount), _as_printed(amount, seg.raw))
        if method is not None:
            payment.method = _METHODS.get(method.text.upper())
            trust.check("payment.method", seg.conf(method), payment.method is not None)
        if date is not None:
            payment.date, sure = _date(date)
            trust.check("payment.date", seg.conf(date), sure)

    def _trn(self, seg: _Segment) -> None:
        if seg.raw:
            number = seg.element(2)
        else:
            values, rest = _labelled(seg, _TRN_LABELS)
            # Unlabelled, the trace's type ("1", a check or EFT) comes before its number.
            number = values.get("number") or next((p for p in rest if p.text not in ("1", "2")), None)
        if number is None or self.remit.payment.number is not None:
            return
        self.remit.payment.number = number.text
        self.trust.check("payment.number", seg.conf(number), bool(_IDENTIFIER.match(number.text.upper())))

    def _n1(self, seg: _Segment) -> None:
        """"N1 PR <payer>", "N1 PE <payee> XX <NPI>"."""
        parts = [p for p in seg.parts if p.text] if seg.raw else seg.parts
        if not parts or parts[0].text.upper() not in ("PR", "PE"):
            return
        words = parts[1:]
        npi = None
        if len(words) >= 2 and words[-2].text.upper() in ("XX", "NPI"):
            npi, words = words[-1], words[:-2]
        if not words:
            return
        name = " ".join(p.text for p in words)
        conf = min(seg.conf(p) for p in words)
        if parts[0].text.upper() == "PR":
            self.remit.payer.name = name.upper()
            self.trust.check("payer.name", conf)
        else:
            self.remit.payee.name = name
            self.trust.check("payee.name", conf)
            if npi is not None:
                self.remit.payee.npi = npi.text
                self.trust.check("payee.npi", seg.conf(npi), is_npi(npi.text))

    def _dtm(self, seg: _Segment) -> None:
        """A date by its qualifier: 472 (or 150) a service's, 232 a claim's statement, 405 the payment's
        production."""
        parts = [p for p in seg.parts if p.text]
        if len(parts) < 2:
            return
        qualifier, (day, sure) = parts[0].text, _date(parts[1])
        if qualifier in ("472", "150") and self.line is not None:
            self.line.service_date = day
            self.trust.check(f"{self.line_path}.service_date", seg.conf(parts[1]), sure)
        elif qualifier == "232" and self.claim is not None:
            self.claim_date = day
        elif qualifier == "405" and self.remit.payment.date is None:
            self.remit.payment.date = day
            self.trust.check("payment.date", seg.conf(parts[1]), sure)

    # A claim (CLP) and its patient (NM1 QC).
    def _clp(self, seg: _Segment) -> None:
        values = _values(seg, _CLP_LABELS, _CLP_ORDER)
        self._close_claim()
        claim = RemittanceClaim()
        self.remit.claims.append(claim)
        self.claim, self.line, self.claim_date = claim, None, None
        self.allowed_unread = set()
        path, trust = self.claim_path, self.trust
        for key, attr in (("account", "account_number"), ("number", "payer_claim_number")):
            part = values.get(key)
            setattr(claim, attr, part.text if part is not None else None)
            trust.check(f"{path}.{attr}", seg.conf(part), part is None or bool(_IDENTIFIER.match(part.text.upper())))
        for key, attr in (("billed", "billed"), ("paid", "paid"), ("responsibility", "patient_responsibility")):
            amount = _money(values.get(key), seg.raw)
            setattr(claim, attr, amount if amount is not None else ZERO)
            trust.check(f"{path}.{attr}", seg.conf(values.get(key)), _as_printed(values.get(key), seg.raw))
        status = values.get("status")
        claim.status = status_for(claim.paid)  # type: ignore[assignment]
        # The 835's claim status says it too: 4 denied, 22 a reversal, the others processed.
        said = {"4": "denied", "22": "reversed"}.get(status.text, "paid") if status is not None else None
        if status is not None and said != claim.status and not (said == "paid" and claim.paid == 0):
            trust.review.append(f"{path}.status")
        if seg.id_doubt:
            trust.review.append(path)

    def _nm1(self, seg: _Segment) -> None:
        claim = self.claim
        parts = [p for p in seg.parts if p.text] if seg.raw else seg.parts
        if claim is None or not parts or parts[0].text.upper() not in _PERSON:
            return
        who = _PERSON[parts[0].text.upper()]
        words = parts[1:]
        if words and words[0].text in ("1", "2"):
            words = words[1:]  # the entity's type: a person
        ident = None
        for index, word in enumerate(words):
            if word.text.upper().rstrip(":") in _ID_QUALIFIERS and index + 1 < len(words):
                ident, words = words[index + 1], words[:index]
                break
        path, trust = self.claim_path, self.trust
        if who == "patient" and words:
            texts = [w.text for w in words]
            commas = any("," in t for t in texts)
            name = " ".join(texts) if commas else f"{texts[0]}, {' '.join(texts[1:])}" if len(texts) > 1 else texts[0]
            claim.patient_name = name
            # Last name first: with no comma to say where it ends, more than two words leave it a guess.
            trust.check_name(f"{path}.patient_name", name, min(seg.conf(w) for w in words))
            if not commas and len(texts) > 2:
                trust.review.append(f"{path}.patient_name")
        if ident is not None and (who == "patient" or claim.member_id is None):
            claim.member_id = ident.text
            trust.check(f"{path}.member_id", seg.conf(ident), bool(_IDENTIFIER.match(ident.text.upper())))

    # A service line (SVC) and what follows it: its adjustments (CAS), allowed amount (AMT B6), remarks (LQ HE).
    def _svc(self, seg: _Segment) -> None:
        if self.claim is None:
            self.trust.review.append("document")
            return
        values = _values(seg, _SVC_LABELS, _SVC_ORDER)
        line = ServiceLine(service_date=None, place_of_service=None, procedure=None, modifiers=[], units=1,
                           billed=ZERO, allowed=ZERO, deductible=ZERO, coinsurance=ZERO, paid=ZERO)
        self.claim.lines.append(line)
        self.line = line
        self.allowed_unread.add(len(self.claim.lines) - 1)
        self.scanned = self.scanned or seg.row.conf(0, len(seg.row.text)) < CERTAIN
        path, trust = self.line_path, self.trust
        composite = values.get("composite")
        # A speck before the composite ("_HC:E2402:RR") is no part of it.
        text = composite.text.lstrip("_.,'`-~").upper() if composite is not None else ""
        match = _COMPOSITE.match(text)
        if match is not None:
            read = match["code"]
            code = _procedure(read)
            line.procedure = code
            line.modifiers = [m for m in re.split(r"[:>^]", match["mods"]) if m]
            trust.check(f"{path}.procedure", seg.conf(composite),
                        code is not None and is_hcpcs(code) and code == read)
            trust.check(f"{path}.modifiers", seg.conf(composite))
        else:
            trust.review.extend([f"{path}.procedure", f"{path}.modifiers"])
        for key in ("billed", "paid", "allowed"):
            if key in values or key != "allowed":
                amount = _money(values.get(key), seg.raw)
                setattr(line, key, amount if amount is not None else ZERO)
                trust.check(f"{path}.{key}", seg.conf(values.get(key)), _as_printed(values.get(key), seg.raw))
        if "allowed" in values:
            self.allowed_unread.discard(len(self.claim.lines) - 1)
        units = values.get("units")
        if units is not None:
            count = re.fullmatch(r"(\d{1,3})(?:\.0+)?", units.text.translate(DIGIT_LOOKALIKES))
            line.units = int(count.group(1)) if count else 1
            trust.check(f"{path}.units", seg.conf(units), count is not None)
        if (date := values.get("date")) is not None:
            line.service_date, sure = _date(date)
            trust.check(f"{path}.service_date", seg.conf(date), sure)
        if seg.id_doubt:
            trust.review.append(path)

    def _cas(self, seg: _Segment) -> None:
        """A group and its reasons with their amounts: "CAS CO 45 43.37", "CAS PR 1 10.00 2 5.00",
        "CAS*PR*1*10**2*5~" (each reason's quantity may follow its amount)."""
        line, trust = self.line, self.trust
        if line is None:
            # Adjustments told for the claim and not for a line: nothing a line balances by holds them.
            trust.review.append(self.claim_path if self.claim is not None else "document")
            return
        path = self.line_path
        parts = seg.parts
        group = _group(parts[0].text) if parts else None
        if group is None:
            trust.review.append(f"{path}.adjustments")
            return
        if seg.raw:
            triples = [(parts[i], parts[i + 1] if i + 1 < len(parts) else None) for i in range(1, len(parts), 3)
                       if parts[i].text]
        else:
            triples = []
            index = 1
            while index + 1 < len(parts):
                triples.append((parts[index], parts[index + 1]))
                index += 2
                # A quantity after the amount: a count that is not followed by an amount of its own.
                if index < len(parts) and parts[index].text.isdigit() and not (
                        index + 1 < len(parts) and _AMOUNT.match(parts[index + 1].text)):
                    index += 1
            if index < len(parts):
                trust.review.append(f"{path}.adjustments")
        for reason, amount_part in triples:
            amount = _money(amount_part, seg.raw)
            if not _REASON.match(reason.text.upper()) or amount is None:
                trust.review.append(f"{path}.adjustments")
                continue
            index = len(line.adjustments)
            line.adjustments.append(Adjustment(group=group, reason=reason.text.upper(), amount=amount))
            trust.check(f"{path}.adjustments.{index}.code", min(seg.conf(parts[0]), seg.conf(reason)),
                        group == parts[0].text)
            trust.check(f"{path}.adjustments.{index}.amount", seg.conf(amount_part),
                        _as_printed(amount_part, seg.raw))

    def _amt(self, seg: _Segment) -> None:
        parts = [p for p in seg.parts if p.text]
        # A line's amounts: B6 the allowed, the only one of them whose qualifier starts with a B (KH, T, T2, ZK-ZO
        # are the others), so a scan's "BO" or "B6é" is B6 in doubt. A claim's (AU, D8, ...) repeat its totals.
        qualifier = parts[0].text.upper() if len(parts) >= 2 else ""
        if self.line is None or not qualifier.startswith("B") or len(qualifier) > 3:
            return
        amount = _money(parts[1], seg.raw)
        self.line.allowed = amount if amount is not None else ZERO
        self.allowed_unread.discard(len(self.claim.lines) - 1)  # type: ignore[union-attr]
        self.trust.check(f"{self.line_path}.allowed", min(seg.conf(parts[0]), seg.conf(parts[1])),
                         _as_printed(parts[1], seg.raw) and qualifier == "B6")

    def _lq(self, seg: _Segment) -> None:
        parts = [p for p in seg.parts if p.text]
        if self.line is None or len(parts) < 2 or parts[0].text.upper() != "HE":
            return
        self.line.remarks.append(parts[1].text.upper())
        self.trust.check(f"{self.line_path}.remarks", seg.conf(parts[1]))

    # The provider-level adjustments (PLB): each a reason and reference, and an amount.
    def _plb(self, seg: _Segment) -> None:
        self._close_claim()
        self.claim = self.line = None
        if seg.raw:
            # PLB01 the provider, PLB02 the fiscal period's end, then pairs of "reason:reference" and amount.
            pairs = [(seg.parts[i], seg.parts[i + 1] if i + 1 < len(seg.parts) else None)
                     for i in range(2, len(seg.parts), 2) if seg.parts[i].text]
            for composite, amount_part in pairs:
                reason, _, reference = composite.text.partition(":")
                self._provider_adjustment(seg, reason, reference or None, None, _money(amount_part, True),
                                          [composite, amount_part])
            return
        values, rest = _labelled(seg, _PLB_LABELS)
        # The provider's NPI and the fiscal period's date lead the 835's PLB; a print may keep them.
        rest = [p for p in rest if not is_npi(p.text) and not _DATE_TEXT.match(p.text)]
        amount = values.get("amount") or next((p for p in reversed(rest) if _AMOUNT.match(p.text)), None)
        rest = [p for p in rest if p is not amount]
        reason = next((p for p in rest if _PLB_REASON.match(p.text.split(":")[0].upper())), None)
        ref_text = None
        if reason is not None and ":" in reason.text:
            reason_text, _, ref_text = reason.text.partition(":")
        else:
            reason_text = reason.text if reason is not None else ""
        rest = [p for p in rest if p is not reason]
        reference = values.get("reference") or (None if ref_text else next(iter(rest), None))
        rest = [p for p in rest if p is not reference]
        member = values.get("member") or next(iter(rest), None)
        self._provider_adjustment(seg, reason_text, ref_text or (reference.text if reference else None),
                                  member.text if member is not None else None, _money(amount, False),
                                  [reason, reference, member, amount])

    def _provider_adjustment(self, seg: _Segment, reason: str, reference: str | None, member: str | None,
                             amount: Decimal | None, parts: list[_Part | None]) -> None:
        adjustments = self.remit.provider_adjustments
        path = f"provider_adjustments.{len(adjustments)}"
        if not reason or amount is None:
            self.trust.review.append(path)
            return
        adjustments.append(ProviderAdjustment(reason=reason.upper(), reference=reference, member_id=member,
                                              amount=amount))
        self.trust.check(path, min(seg.conf(p) for p in parts), bool(_PLB_REASON.match(reason.upper())))

    def _close_claim(self) -> None:
        """The claim read so far: its lines' dates from its statement where they print none; its allowed amount
        its lines'."""
        claim = self.claim
        if claim is None:
            return
        for index, line in enumerate(claim.lines):
            if index in self.allowed_unread:
                # No B6 printed: the allowed amount is what was paid and what the member owes (the charge less
                # the contractual adjustments); on a scan the B6 may have been there and garbled.
                line.allowed = line.paid + sum((a.amount for a in line.adjustments if a.group == "PR"), ZERO)
                if self.scanned:
                    self.trust.review.append(f"{self.claim_path}.lines.{index}.allowed")
            if line.service_date is None:
                line.service_date = self.claim_date
                if line.service_date is None:
                    self.trust.review.append(f"{self.claim_path}.lines.{index}.service_date")
            line.deductible = balance.pr_amount(line, balance.DEDUCTIBLE_REASONS)
            line.coinsurance = balance.pr_amount(line, balance.COINSURANCE_REASONS)
        claim.allowed = sum((line.allowed for line in claim.lines), ZERO)

    def finish(self) -> None:
        self._close_claim()
        self.finish_claims()

