"""A remittance written as a letter: no table, no column, no record; each sentence tells one thing (the
payment, a claim, a service, an adjustment, remarks, a provider-level adjustment, a total) and each value in it
is named by the words beside it ("you charged $245.00; we allowed $168.57 and paid $143.57"), a code by its
shape ("E0439", "(CO-45)", "N130").

Each sentence is read into the record a flat file would print for it and built into claims by the records
reader's walk (`records.Reading`): what a claim's lines do not print is derived as it is for every layout, and
the balancing rules judge the whole. A sentence that tells an amount and none of those things is not guessed at:
what it stands in is in doubt.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..lines import DIGIT_LOOKALIKES, Line
from ..models import Remittance
from ..validators import is_npi
from .by_columns import (CLAIM_WORDINGS, HEADER_LABELS, Labels, amount_labels, garbled_amount, group_read_as,
                         method_of)
from .common import AMT, PAGE_FOOTER
from .named_amounts import amounts_named
from .records import Reading, Record, Value

# A sentence ends at a stop, a colon or a question before a space (an amount's point is followed by digits);
# not after an initial or a short title ("J.", "Dr.", "St.").
_END = re.compile(r"(?<=[.:!?])\s+")
_SHORT_WORD_END = re.compile(r"(?:^|\s)(?:[A-Z]|[A-Z][a-z]|No|St|Dr|Mr|Mrs|Ms|Jr|Sr)\.$")
_SALUTATION = re.compile(r"^(?:Dear\b|To whom\b|Re\s*:|RE\s*:)", re.I)
_CLOSING = re.compile(r"^(?:Sincerely|Regards|Respectfully|Yours|Best regards|Thank you)\b", re.I)
_AMOUNT_THEN_START = re.compile(r"\$?\d[\d,]*\.\d\d(?![\w.])(\s+)(?=\$?\d[\d,]*\.\d\d(?![\w.])|[A-Z][a-z]+\b)")
_CAPITALISED = re.compile(r"[A-Z][a-z]+\b")

_AMOUNT = re.compile(rf"(?<![\w.])\$?(?P<v>{AMT})(?![\w])")
_PROCEDURE = re.compile(r"(?<![\w-])(?P<v>[A-V]\d{4})(?![\w-])")
# A modifier: two letters or digits, a capital among its letters ("Kx" as a scan reads KX, never "on" or "of").
_MODIFIER = re.compile(r"(?=.?[A-Z0-9])[A-Za-z0-9]{2}")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d\d(?![\d,]))")  # a point a scan read as a comma ("$196,52")
# A claim adjustment's group and reason ("CO-45", "PR 3", "(OA-23)").
_ADJUSTMENT_CODE = re.compile(r"(?<![\w-])(?P<v>(?P<g>CO|PR|OA|PI|CR|C[O0@QD©]{1,2}|[O0@QD©]{1,2}A)[- ]?"
                              r"(?P<r>[A-Z]?\d{1,3}))(?![\w-])")
_REMARK_CODE = re.compile(r"(?<![\w-])(?:MA|M|N)\d{1,3}(?![\w-])")
_REMARKS_WORD = re.compile(r"\bremarks?\b|\bremark codes?\b|\bRARC\b", re.I)
_UNITS = re.compile(r"(?<![\w.])(?P<v>\d{1,3}) (?:units?|items?|rentals?|months?)\b|"
                    r"\b(?:units?|qty|quantity)\s*:?\s*(?P<w>\d{1,3})(?![\w.])", re.I)
_UNIT_WORD = re.compile(r"\b(?:units?|qty|quantity)\b", re.I)
_DATE = re.compile(r"(?<![\w/])(?:\d{1,2}/\d{1,2}/(?:\d{4}|\d\d)|\d{4}-\d\d-\d\d|"
                   r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4})(?![\w/])", re.I)
_IDENTIFIER = re.compile(r"[A-Z0-9][A-Z0-9-]*\d[A-Z0-9-]*")  # a claim, member or account number: a digit in it
# What a provider-level adjustment says: the payment itself is adjusted (not a claim's line).
_PAYMENT_ADJUSTED = re.compile(r"\b(?:this|the|your) (?:payment|check|remittance)\b.*\b(?:adjust|withh[eo]ld|"
                               r"recoup|offset|reduc|deduct|increas|add)|\b(?:adjust|withh[eo]ld|recoup|offset|"
                               r"reduc|deduct|increas)\w* (?:this|the|your) (?:payment|check|remittance)\b", re.I)
_PLB_REASON = re.compile(r"\((?P<v>[A-Z0-9]{2})\b|\breason:? (?P<w>[A-Z0-9]{2})\b")
_REFERENCE = re.compile(r"\b(?:reference|ref\.?)(?: number| no\.?| #)?:? (?P<v>[A-Z0-9][A-Z0-9-]{3,})", re.I)
_PLB_MEMBER = re.compile(r"\bmember(?: ID)?:? (?P<v>[A-Z0-9][A-Z0-9-]{3,})", re.I)
_TOTALS = re.compile(r"\b(?:in all|in total|total\w*|altogether|all told|summary)\b", re.I)
_JOINING = re.compile(r"^(?:for|of|re:?|patient:?|member:?)\s+", re.I)
_NAME = re.compile(r"[^\W\d_]+(?:[ ,.'-]+[^\W\d_]+)*\.?")
_CLAIM_LABELS = Labels(CLAIM_WORDINGS)
_CLAIM_TOTALS = {"billed": "billed", "allowed": "allowed", "paid": "paid", "patient_share": "patient_responsibility"}
_SAYS_CHECK = re.compile(r"\b(?:check|cheque)\b", re.I)
_SAYS_EFT = re.compile(r"\b(?:EFT|ACH|electronic funds?|direct deposit|electronic payment|trace)\b", re.I)


def detect(text: str) -> bool:
    """A letter telling a payment: its number said in a sentence ("check number 606603318"), a claim, and prose
    (most words in lower case: a table's headers and a record's names are capitals); no table found first."""
    if not re.search(r"\b(?:check|EFT|payment|trace|voucher|warrant)\s+(?:number|no\.?|#)\s*:?\s*[A-Z0-9-]*\d", text,
                     re.I) or not re.search(r"\bclaims?\b", text, re.I):
        return False
    words = re.findall(r"[A-Za-z]{2,}", text)
    lower = sum(1 for w in words if w.islower())
    return len(words) >= 40 and lower >= 0.45 * len(words) and len(re.findall(r"\$\s?\d", text)) >= 2


def sentences(body: Line, row_starts: Iterable[int] = ()) -> list[Line]:
    """The body's sentences, in order. A sentence ends at a stop, a colon or a question mark before a space; a
    scan may lose the stop after an amount, so a sentence also ends after an amount that another amount or a
    capitalised word follows ("paid $143.57 $120.68 the charge ...", "owes $25.00 In total ..."), and before a
    row that starts with a capitalised word under a row that ends without a stop. A label that ends in a colon
    ("Remarks:") stays with what it labels."""
    text = body.text
    cuts: list[tuple[int, int]] = []
    for match in _END.finditer(text):
        if not _SHORT_WORD_END.search(text[:match.start()]):
            cuts.append((match.start(), match.end()))
    cuts.extend(m.span(1) for m in _AMOUNT_THEN_START.finditer(text))
    for at in row_starts:
        before = text[:at].rstrip()
        if before and before[-1].isalnum() and _CAPITALISED.match(text, at):
            cuts.append((len(before), at))
    out: list[Line] = []
    start, pending = 0, None
    for cut_start, cut_end in sorted(set(cuts)):
        if cut_start < start:
            continue
        piece = text[start:cut_start]
        if piece.endswith(":") and len(piece.split()) <= 2:
            pending = start if pending is None else pending
        else:
            begin = pending if pending is not None else start
            if text[begin:cut_start].strip():
                out.append(body.part(begin, cut_start))
            pending = None
        start = cut_end
    begin = pending if pending is not None else start
    if text[begin:].strip():
        out.append(body.part(begin, len(text)))
    return out


def parse(lines: Iterable[Line]) -> tuple[Remittance, dict[int, object], list[str]]:
    """The letter: its head (the letterhead and the inside address) above the salutation, or above the first row
    of prose where it has none; its body, sentence by sentence, down to the closing ("Sincerely")."""
    rows = [row for row in lines if row.text.strip() and not PAGE_FOOTER.match(row.text.strip())]
    opening = next((i for i, row in enumerate(rows) if _SALUTATION.match(row.text.strip())), None)
    if opening is None:
        opening = next((i for i, row in enumerate(rows) if _prose(row.text)), len(rows))
    # (The salutation's row stays in the body: the letter may go on after it on the same row.)
    head, body_rows = rows[:opening], rows[opening:]
    closing = next((i for i, row in enumerate(body_rows) if _CLOSING.match(row.text.strip())), len(body_rows))
    reading = _Letter()
    reading.letterhead(head)
    parts = [Line(row.text.strip(), _shifted(row)) for row in body_rows[:closing]]
    body = Line.joined(parts)
    row_starts, at = [], 0
    for part in parts:
        row_starts.append(at)
        at += len(part.text) + 1
    for sentence in sentences(body, row_starts[1:]):
        reading.sentence(sentence)
    reading.finish()
    return reading.remit, {}, reading.trust.review


def _shifted(row: Line) -> list[tuple[int, int, float]]:
    """A row's word spans after its leading spaces are cut."""
    cut = len(row.text) - len(row.text.lstrip())
    return [(max(s - cut, 0), e - cut, c) for s, e, c in row.spans if e > cut]


def _prose(text: str) -> bool:
    words = re.findall(r"[A-Za-z]{2,}", text)
    return len(words) >= 6 and sum(w.islower() for w in words) >= len(words) / 2


def _value(match: re.Match[str], group: str = "v", doubt: bool = False) -> Value:
    return Value(match[group], match.start(group), match.end(group), doubt)


class _Letter(Reading):
    """The records reader's walk, fed a sentence at a time."""

    totals_read: bool = False

    def letterhead(self, head: list[Line]) -> None:
        """The payer by its letterhead (the first row), the payee by the inside address (a name over a street, the
        rows after the letter's date), the payee's NPI by its label (any wording the header labels know)."""
        remit, trust = self.remit, self.trust
        if head and _NAME.fullmatch(head[0].text.strip()):
            remit.payer.name = head[0].text.strip().upper()
            trust.check("payer.name", head[0].conf(0, len(head[0].text)))
        else:
            trust.review.append("payer.name")
        dated = next((i for i, row in enumerate(head) if _DATE.fullmatch(row.text.strip())), None)
        after = head[dated + 1] if dated is not None and dated + 1 < len(head) else None
        # The inside address: a name, then its street (a number first).
        street = head[dated + 2] if dated is not None and dated + 2 < len(head) else None
        if after is not None and _NAME.fullmatch(after.text.strip()) and street is not None \
                and re.match(r"\s*\d", street.text):
            remit.payee.name = after.text.strip()
            trust.check("payee.name", after.conf(0, len(after.text)))
        for row in head:
            labelled = HEADER_LABELS.values(row.text)
            if (npi := labelled.get("npi")) is not None and remit.payee.npi is None:
                digits = npi.value.translate(DIGIT_LOOKALIKES)
                remit.payee.npi = digits
                trust.check("payee.npi", row.conf(npi.start, npi.end), is_npi(digits) and not npi.doubt)
        if remit.payee.name is None:
            trust.review.append("payee.name")
        if remit.payee.npi is None:
            trust.review.append("payee.npi")

    def sentence(self, line: Line) -> None:
        line = line.with_text(_DECIMAL_COMMA.sub(".", line.text))
        text = line.text
        amounts = list(_AMOUNT.finditer(text))
        if self.remit.payment.number is None and not self.remit.claims and (record := _payment(line, amounts)):
            self.record("payment", record)
        elif (code := _ADJUSTMENT_CODE.search(text)) and len(amounts) == 1 and not _PROCEDURE.search(text):
            # (A group read through a lookalike, "C0-45", is the group, in doubt: the balancing rules settle it.)
            group = group_read_as(code["g"]) or code["g"]
            said = Value(f"{group}-{code['r']}", code.start("v"), code.end("v"), group != code["g"])
            self.record("adjustment", Record(line, {"code": said, "amount": _value(amounts[0])}, False))
        elif _REMARKS_WORD.search(text) and not amounts:
            codes = list(_REMARK_CODE.finditer(text))
            if codes:
                joined = Value(" ".join(c.group() for c in codes), codes[0].start(), codes[-1].end(), False)
                self.record("remark", Record(line, {"remarks": joined}, False))
        elif (procedure := _PROCEDURE.search(text)) and amounts:
            self.record("service", _service(line, procedure))
        elif (claim := _claim(line)) is not None:
            self.totals_read = False
            self.record("claim", claim)
        elif amounts and _PAYMENT_ADJUSTED.search(text) and len(amounts) == 1:
            self.record("provider", _provider(line, amounts[0]))
        elif amounts and _TOTALS.search(text):
            self._totals(line)
        elif amounts:
            # An amount told by a sentence that tells none of the things a remittance holds: what it stands in
            # is in doubt.
            self.trust.review.append(self.claim_path if self.claim is not None else "document")

    def _totals(self, line: Line) -> None:
        """A claim's totals ("In all we paid ... of ... charged; the member owes ...") while its lines were the
        last read and none were told for it yet; else the check's ("In total you charged ... and we paid ...")."""
        named = amounts_named(line.text, amount_labels(line.text), garbled_amount)
        roles = {n.role: n for n in named} if named else {}
        if self.claim is not None and self.claim.lines and not self.totals_read:
            self.totals_read = True
            if named is None:
                self.trust.review.append(self.claim_path)
            said = Record(line, {}, False)
            for role, attr in _CLAIM_TOTALS.items():
                if (n := roles.get(role)) is not None:
                    value = Value(line.text[n.start:n.end], n.start, n.end, n.mended)
                    setattr(self.claim, attr, self._amount(f"{self.claim_path}.{attr}", said, value))
                    self.printed.add(attr)
            return
        paid = roles.get("paid")
        if paid is None:
            self.trust.review.append("payment.amount")
            return
        self.record("trailer", Record(line, {"total_paid": Value(line.text[paid.start:paid.end], paid.start,
                                                                 paid.end, paid.mended)}, False))


def _payment(line: Line, amounts: list[re.Match[str]]) -> Record | None:
    """The sentence that tells the payment: its number by its label ("check number", "EFT trace number"), its
    date (the sentence's one date), its amount (the sentence's one amount, or the one "the amount of" names)."""
    text = line.text
    labelled = HEADER_LABELS.values(text)
    number = labelled.get("number")
    if number is None:
        return None
    found = _IDENTIFIER.match(number.value.upper())
    if found is None:
        return None
    values = {"number": Value(number.value[:found.end()], number.start, number.start + found.end(), number.doubt)}
    dates = list(_DATE.finditer(text))
    if len(dates) == 1:
        values["date"] = Value(dates[0].group(), dates[0].start(), dates[0].end(), False)
    said = [m for m in amounts if re.search(r"\bamount of\s*$|\btotal(?:ing|ling)?\s*$|\bfor\s*$",
                                            text[:m.start()], re.I)]
    chosen = amounts[0] if len(amounts) == 1 else said[0] if len(said) == 1 else None
    if chosen is not None:
        values["amount"] = _value(chosen)
    label = text[max(number.start - 30, 0):number.start].upper()
    method = method_of(label) or ("CHK" if _SAYS_CHECK.search(text) and not _SAYS_EFT.search(text) else
                                  "ACH" if _SAYS_EFT.search(text) and not _SAYS_CHECK.search(text) else None)
    return Record(line, values, False, method)


def _service(line: Line, procedure: re.Match[str]) -> Record:
    """A service told in a sentence: its code, the modifiers after it, its units, its date, its amounts each
    by its word."""
    text = line.text
    values = {"procedure": _value(procedure)}
    at, mods = procedure.end(), []
    while (word := re.match(r"[ ,]*(?P<v>\S+?)[,;]?(?=\s|$)", text[at:])) is not None \
            and _MODIFIER.fullmatch(word["v"]) and not _UNIT_WORD.match(text[at + word.end():].strip()):
        mods.append((at + word.start("v"), at + word.end("v")))
        at += word.end()
    if mods:
        said = " ".join(text[s:e] for s, e in mods)
        values["modifiers"] = Value(said.upper(), mods[0][0], mods[-1][1], not said.isupper() and not said.isdigit())
    units = _UNITS.search(text)
    if units is not None:
        group = "v" if units["v"] else "w"
        values["units"] = Value(units[group], units.start(group), units.end(group), False)
    elif _UNIT_WORD.search(text):
        values["units"] = Value("", 0, 0, True)  # units said and not read
    date = _DATE.search(text)
    if date is not None:
        values["from"] = Value(date.group(), date.start(), date.end(), False)
    named = amounts_named(text, amount_labels(text), garbled_amount)
    for n in named or []:
        key = {"patient_share": "responsibility", "copay_coins": "coinsurance"}.get(n.role, n.role)
        values[key] = Value(text[n.start:n.end], n.start, n.end, n.mended)
    return Record(line, values, named is None)


def _claim(line: Line) -> Record | None:
    """A claim told in a sentence: its number after the word claim ("Claim BR501... for PETERSEN, BARBARA"),
    its member ID and account by their labels, the patient by a name's shape after the number (or its label)."""
    text = line.text
    labelled = _CLAIM_LABELS.values(text)
    values: dict[str, Value] = {}
    for key, field in (("number", "claim_number"), ("claim", "claim_number"), ("member", "member"),
                       ("account", "account")):
        label = labelled.get(key)
        if label is None or field in values:
            continue
        found = _IDENTIFIER.match(label.value.upper())
        if found is None:
            continue
        values[field] = Value(label.value[:found.end()], label.start, label.start + found.end(), label.doubt)
        rest = label.value[found.end():]
        name = _JOINING.sub("", rest.strip(" ,;:"))
        if field == "claim_number" and name and _NAME.fullmatch(name.strip(" ,")):
            begin = label.start + found.end() + rest.index(name)
            name = name.strip(" ,")
            values["patient"] = Value(name, begin, begin + len(name), False)
    if (named := labelled.get("name")) is not None and "patient" not in values and _NAME.fullmatch(named.value):
        values["patient"] = Value(named.value, named.start, named.end, named.doubt)
    if "claim_number" not in values and "account" not in values:
        return None
    return Record(line, values, False)


def _provider(line: Line, amount: re.Match[str]) -> Record:
    """A provider-level adjustment told in a sentence: its amount, its reason's code (in brackets or after the
    word reason), a reference and a member by their words."""
    text = line.text
    values = {"amount": _value(amount)}
    if (reason := _PLB_REASON.search(text)) is not None:
        group = "v" if reason["v"] else "w"
        values["plb_reason"] = _value(reason, group)
    if (reference := _REFERENCE.search(text)) is not None:
        values["reference"] = _value(reference)
    if (member := _PLB_MEMBER.search(text)) is not None:
        values["member"] = _value(member)
    return Record(line, values, False)

