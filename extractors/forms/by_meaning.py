"""An order's elements found by what they are, wherever a page puts them (a letter, an EHR printout).

The written order's labelled form is read by its labels (`swo.read`); an office that writes the
order as a letter prints the same elements of 42 CFR 410.38 in sentences. Each is found here by
its own shape: the MBI by the CMS format, each item by its HCPCS code and the quantity beside it,
the order's date as the one date on the page that no label calls another date (birth, signature,
a fax's stamp), the practitioner as the name a credential follows ("SMITH, JOHN, MD"), the
signature as ink in the space above that name. Where a shape is not unique (two dates, two MBIs)
nothing is guessed: the field is left for a person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ..words import Word
from . import values
from .layout import Form

_MONTHS = {name: number for number, name in enumerate(
    ("JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER",
     "DECEMBER"), 1)}
_LONG_DATE = re.compile(r"\b([A-Z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
# The day first, as hospitals and most of the world write it: "02-Nov-2026", "2 November 2026", "02 NOV 2026".
_DAY_FIRST = re.compile(r"\b(\d{1,2})[\s\-/.]([A-Z]{3,9})\.?[\s\-/.,]+(\d{4})\b")
# A date on a line that says it is another date: a birth date, the signature's, a fax's own stamp.
_OTHER_DATE = re.compile(r"\b(DOB|D\.O\.B|BIRTH|BORN|SIGNED|SIGNATURE|EXPIRES?|PRINTED|FAXED|FAX|RECEIVED|PAGE)\b")
CREDENTIAL_AT_END = re.compile(r",?\s*\b(MD|M\.D|DO|D\.O|NP|PA|PA-C|APRN|DPM)$")  # read with its end's specks cut
# A signature an EHR or a platform records in words, and one it says is still to come.
E_SIGNED = re.compile(r"ELECTRONICALLY SIGNED|SIGNED ELECTRONICALLY|DIGITALLY SIGNED|\bE-?SIGNED\b|\bE-?SIGNATURE")
UNSIGNED = re.compile(r"AWAITING|NOT (YET )?SIGNED|UNSIGNED|PENDING SIGNATURE|SIGNATURE PENDING")
_QUANTITY = re.compile(r"^(QTY|QUANTITY|QTY\.|#)[:.]?$")


def long_date_in(words: list[Word], *, century: str = "either") -> values.Read[dt.date]:
    """A date written out ("October 14, 2026", "Oct. 14 2026", the day first: "14-Oct-2026"), or as digits (`values.date_in`, a two-digit
    year's `century` as it says)."""
    numeric = values.date_in(words, century=century)
    if numeric.value is not None:
        return numeric
    text = " ".join(w.text for w in words).upper()
    found = [(m[1], m[2], m[3]) for m in _LONG_DATE.finditer(text)] + [
        (m[2], m[1], m[3]) for m in _DAY_FIRST.finditer(text)]
    for month_name, day, year in found:
        month = next((n for name, n in _MONTHS.items() if name.startswith(month_name) and len(month_name) >= 3),
                     None)
        if month is None:
            continue
        try:
            value = dt.date(int(year), month, int(day))
        except ValueError:
            return values.Read(None, 0.0, False)
        conf = min(w.conf for w in words)
        return values.Read(value, conf if conf >= values.DATE_CONF else min(conf, values.CONF_OK - 1),
                           1900 < value.year < 2100, words[0])
    return values.nothing()


def recent_date_in(words: list[Word]) -> values.Read[dt.date]:
    """A form's own date (a certification's, a test's, a signature's): a two-digit year is this century's."""
    return long_date_in(words, century="recent")


def birth_date_in(words: list[Word]) -> values.Read[dt.date]:
    return long_date_in(words, century="born")


def the_one_date(form: Form) -> tuple[values.Read[dt.date], list[Word]]:
    """The one date on the page that no label calls another date (birth, signature, a fax stamp), and the
    words it was read from; nothing when there is none or more than one (a letter's date is the order's
    only when it stands alone)."""
    found: dict[dt.date, tuple[values.Read[dt.date], list[Word]]] = {}
    for line in form.lines:
        if _OTHER_DATE.search(" ".join(w.text for w in line).upper()):
            continue
        for start in range(len(line)):
            words = line[start:start + 3]
            read = long_date_in(words)
            if read.value is not None and read.word is words[0]:
                used = words if not values.date_in(words[:1]).value else words[:1]
                found.setdefault(read.value, (read, used))
    if len(found) != 1:
        return values.nothing(), []
    return next(iter(found.values()))


def the_one_mbi(form: Form) -> values.Read[str]:
    """The one MBI on the page, by its format; nothing when none or two different ones are."""
    reads = [values.mbi_in(line) for line in form.lines]
    found = {r.value: r for r in reads if r.value is not None and r.ok}
    return next(iter(found.values())) if len(found) == 1 else values.nothing()


@dataclass
class ItemLine:
    code: values.Read[str]
    described: list[Word]  # the words that describe the item, as printed
    quantity: values.Read[int]
    line: int


def item_lines(form: Form) -> list[ItemLine]:
    """Each line naming one HCPCS code: the item it orders, its description the words around the code
    (a list's dash, the word HCPCS and commas left out), its quantity the number after QTY/QUANTITY."""
    out = []
    for index, line in enumerate(form.lines):
        codes = values.hcpcs_in(line)
        if len(codes) != 1 or codes[0].word is None:
            continue
        at = line.index(codes[0].word)
        quantity = values.nothing()
        counted = -1
        for position, word in enumerate(line):
            if _QUANTITY.match(word.text.upper()) and position + 1 < len(line):
                quantity, counted = values.integer_in(line[position + 1:position + 2], 1, 999), position
                break
        if counted < 0 and at > 0 and (column := _quantity_column(form, index)) is not None:
            # A table's row: the quantity is the number standing under its column's header ("Qty").
            under = [w for w in line[:at] if w.left < column[1] and w.left + w.width > column[0]]
            if len(under) == 1 and re.fullmatch(r"[\dIl|]{1,3}", under[0].text):
                quantity, counted = values.integer_in(under, 1, 999), line.index(under[0])
                if not column[2]:  # a header read one letter off ("ety"): the count, in doubt
                    quantity = values.Read(quantity.value, quantity.conf, False, quantity.word)
                line = line[:counted] + line[counted + 1:]
                at = line.index(codes[0].word)
        before = [w for w in line[:at] if _describes(w)]
        while before and re.fullmatch(r"\(?\d{1,2}[).]?", before[0].text.strip()):
            before = before[1:]  # the list's own numbering ("1)", "2.")
        after = [w for w in line[at + 1:counted if counted > at else None] if _describes(w)]
        described = before or after
        out.append(ItemLine(codes[0], upper_words(described), quantity, index))
    return out


def _quantity_column(form: Form, index: int) -> tuple[float, float, bool] | None:
    """Where a quantity column's header stands (left, right, a character's room either side, and whether it
    was read as printed), on one of the three rows above an item's; None when none of them heads a column
    "Qty" or "Quantity". A small bold header may be read a letter off ("ety" for Qty): taken only as the first
    word of a row of headers (no digits, a few words), and never as sure."""
    for above in range(index - 1, max(index - 4, -1), -1):
        row = form.lines[above]
        for word in row:
            text = word.text.upper().rstrip(":.")
            if re.fullmatch(r"QTY|QUANTITY", text):  # ("#" heads a numbering, never a count)
                return word.left - form.char_h, word.left + word.width + form.char_h, True
        first = row[0].text.upper() if row else ""
        headers = len(row) <= 6 and not any(c.isdigit() for w in row for c in w.text)
        if headers and len(first) == 3 and sum(a != b for a, b in zip(first, "QTY")) == 1:
            return row[0].left - form.char_h, row[0].left + row[0].width + form.char_h, False
        # Read two letters off ("ay"), where another header of the row is known the same way ("tem" for Item).
        if headers and 2 <= len(first) <= 3 and Levenshtein.distance(first, "QTY") <= 2 and any(
                Levenshtein.distance(w.text.upper().strip(":."), known) <= 1
                for w in row[1:] for known in _ITEM_HEADERS):
            return row[0].left - form.char_h, row[0].left + row[0].width + form.char_h, False
    return None


_ITEM_HEADERS = ("ITEM", "ITEMS", "DESCRIPTION", "CODE", "HCPCS")


def _describes(word: Word) -> bool:
    """Whether a word beside an item's code may describe it: not a list's dash, nor the word HCPCS or CODE."""
    return bool(word.text.strip("-•*·,.:;")) and word.text.upper().strip(",.:;") not in ("HCPCS", "CODE")


def upper_words(words: list[Word]) -> list[Word]:
    """The words in capitals, commas and colons at their ends left out (a letter writes "oxygen
    concentrator," where a form prints "OXYGEN CONCENTRATOR")."""
    return [Word(w.text.upper().strip(",;:"), w.conf, w.left, w.top, w.width, w.height, w.line, w.glyphs)
            for w in words]


_ORDERING = re.compile(r"\b(DISPENSE|SUPPLY|ORDER|ORDERED|PRESCRIBE|PRESCRIPTION|RX)\b")
_HCPCS_WORD = re.compile(r"\b[A-Z](?=[0-9OIL]{4,5}\b)[0-9OIL]*\d[0-9OIL]*\b")  # "K0001"; "KO001", "KO0001" as OCR reads it
_BENEFICIARY = re.compile(r"\b(MEDICARE|MBI|PATIENT|BENEFICIARY)\b")


def is_order(text: str) -> bool:
    """A page that orders equipment without the form's title: it asks to dispense, supply or order,
    names a HCPCS code and the beneficiary (the NPI may be missing: that is a problem of the order,
    not a reason not to read it)."""
    upper = text.upper()
    return bool(_ORDERING.search(upper) and _HCPCS_WORD.search(upper) and _BENEFICIARY.search(upper))


def practitioner_line(form: Form) -> int | None:
    """The line that names the practitioner as a letter signs off: a name followed by a credential
    ("SMITH, JOHN, MD"), the last such line on the page (a letterhead's name stands first)."""
    found = None
    for index, line in enumerate(form.lines):
        text = " ".join(w.text for w in line).upper().rstrip(" .,;:'\"-_~|")
        if CREDENTIAL_AT_END.search(text) and values.name_in(line).ok:
            found = index
    return found


def practitioner_in(words: list[Word]) -> values.Read[str]:
    """`LAST, FIRST` from a practitioner printed either way: "VASQUEZ, ELENA, MD" or, first name first,
    "Elena Vasquez, MD" (a credential after the name says it is a person's name in its natural order)."""
    # The name ends at its credential: what follows on the row is another field's ("MD  NPI 1862551185").
    ends = next((i for i, w in enumerate(words) if i and is_credential(w)), len(words) - 1)
    words = words[:ends + 1]
    kept = [w for w in words if not (is_credential(w) or w.text.upper().strip(",.") == "DR")]
    if not kept:
        return values.nothing()
    credential = len(kept) < len(words)
    text = " ".join(w.text.strip(",") for w in kept).upper()
    if "," not in " ".join(w.text for w in kept).rstrip(",") and credential:
        parts = text.split()
        if 2 <= len(parts) <= 3 and all(re.fullmatch(r"[A-Z][A-Z'-]*\.?", p) for p in parts):
            conf = min(w.conf for w in kept)
            return values.Read(f"{parts[-1]}, {parts[0]}", conf, True, kept[0])
    return values.name_in(kept)


def name_before_credential(words: list[Word]) -> values.Read[str]:
    """`LAST, FIRST` from a signing line, its credential left out."""
    return values.name_in([w for w in words if not is_credential(w)])


_CREDENTIAL_WORD = re.compile(r"(MD|M\.D\.|DO|D\.O\.|NP|PA|PA-C|APRN|DPM)\.?")


def is_credential(word: Word) -> bool:
    """A practitioner's credential printed as a word of its own ("MD", "M.D.", "PA-C,")."""
    return bool(_CREDENTIAL_WORD.fullmatch(word.text.upper().strip(",")))


def signature_band(form: Form, name_line: int) -> tuple[float, float, float, float] | None:
    """The space a signature stands in above the practitioner's name: from the line above to the name,
    as wide as a signature; None when the name has no line above it or stands right under it."""
    if name_line == 0:
        return None
    above_top, above_bottom = form.line_band(name_line - 1)
    top, _ = form.line_band(name_line)
    if top - above_bottom < form.char_h * 1.5:
        return None  # no room for a hand between the two lines
    left = min(w.left for w in form.lines[name_line]) - form.char_h
    return left, above_bottom, left + 24 * form.char_h, top
