"""A flat file printed as stored: records whose kinds a row of field names declares, read by those names.

Clearinghouses and practice-management exports print remittance data as records, one to a row, the fields parted
by a delimiter (a bar, a semicolon, a tab), the record's kind first ("CLM", "SVC", "ADJ") and, above the first
of each kind, a row of that kind's field names ("#CLM|ICN|PATIENT|MEMBER ID|..."). The tags are the program's own;
what a record is, its names say: a record naming a procedure is a service line, one naming a patient, an account
or a claim number a claim, a group and a reason an adjustment, a reason and an amount with no group a
provider-level adjustment, remark codes a line's remarks, the payment's number or amount the payment, totals and
a count the trailer. Each name is known by the wordings every remittance reader knows (`by_columns`) and calls
for a shape its value must have.

A scan garbles the delimiters (a bar read "]", "{", "/" or lost to a space) and the tags ("ADI" for ADJ): a row's
words are fitted to its kind's names by their shapes, the fitting that needs the fewest lost delimiters winning
(`_fit`). A field two equally good fittings read differently, or whose words fit its shape only through a scan's
lookalikes, is in doubt; so is a record whose row did not fit its names.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Iterable

from ..lines import CERTAIN, DIGIT_LOOKALIKES, Line
from ..models import Adjustment, ProviderAdjustment, Remittance, RemittanceClaim, ServiceLine
from ..validators import is_hcpcs, is_npi
from .balance import COINSURANCE_REASONS, DEDUCTIBLE_REASONS, pr_amount
from .by_columns import CLAIM_WORDINGS, COLUMN_WORDS, HEADER_WORDINGS, compact_date, date_of, group_read_as, method_of
from .common import Walk, status_for

ZERO = Decimal("0.00")

# Field names by the field they name. The wordings every reader knows, and those only a record's names use.
_OWN_WORDINGS: dict[str, tuple[str, ...]] = {
    "group": ("GROUP CODE", "ADJ GROUP", "CAS GROUP", "GROUP", "GRP"),
    "reason": ("REASON CODE", "ADJ REASON", "ADJUSTMENT REASON", "REASON", "RSN", "CARC"),
    "code": ("ADJ CODE", "ADJUSTMENT CODE", "GRP/RC", "GROUP/REASON", "GRP/RSN"),
    "amount": ("ADJ AMOUNT", "ADJ AMT", "ADJUSTMENT AMOUNT", "AMOUNT", "AMT"),
    "remarks": ("REMARK CODES", "REMARK CODE", "REMARKS", "REMARK", "RARC", "RARCS"),
    "reference": ("REFERENCE NUMBER", "REFERENCE NO", "REFERENCE", "REF NO", "REF #", "REF"),
    "line": ("LINE NUMBER", "LINE NO", "LINE #", "LINE", "LN", "SEQ"),
    "count": ("CLAIM COUNT", "NUMBER OF CLAIMS", "CLAIMS", "COUNT"),
    "total_charge": ("TOTAL CHARGE", "TOTAL CHARGES", "TOTAL CHARGED", "TOTAL BILLED", "TOTAL SUBMITTED"),
    "total_paid": ("TOTAL PAID", "TOTAL PAYMENT", "TOTAL NET PAID"),
    "pos": ("PLACE OF SERVICE", "POS"),
    "to": ("TO",),
    "account": ("ACCOUNT",),  # (alone, a record's name only: a page's "ACCOUNT" heads more than its number)
}
_HEADER_KEYS = {"payee": "payee", "npi": "npi", "date": "date", "bare_date": "date", "number": "number",
                "amount": "amount", "ra_number": "number", "method": "method", "payer": "payer", "payer_id": "other"}
_CLAIM_KEYS = {"name": "patient", "member": "member", "number": "claim_number", "status": "status",
               "account": "account", "claim": "claim_number"}
_COLUMN_KEYS = {"dates": "from", "from": "from", "thru": "to", "code": "procedure", "mods": "modifiers",
                "description": "other", "units": "units", "billed": "billed", "allowed": "allowed",
                "deductible": "deductible", "copay_coins": "coinsurance", "coinsurance": "coinsurance",
                "copay": "copay", "paid": "paid", "patient_share": "responsibility"}


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.upper().replace(".", "").replace(":", "").split())


def _vocabulary() -> dict[tuple[str, ...], str]:
    """Each wording (as words) to its key; a record's own wordings first, then the claim's, the header's and the
    columns' (the first to claim a wording keeps it)."""
    out: dict[tuple[str, ...], str] = {}
    sources = [(_OWN_WORDINGS, {k: k for k in _OWN_WORDINGS}), (CLAIM_WORDINGS, _CLAIM_KEYS),
               (HEADER_WORDINGS, _HEADER_KEYS), (COLUMN_WORDS, _COLUMN_KEYS)]
    for wordings, keys in sources:
        for role, phrases in wordings.items():
            if role in keys:
                for phrase in phrases:
                    out.setdefault(_words(phrase), keys[role])
                    # "CHECK/EFT #" is "EFT/CHECK #" too.
                    swapped = re.sub(r"^(\w+)/(\w+)", r"\2/\1", phrase)
                    out.setdefault(_words(swapped), keys[role])
    return out


_VOCABULARY = _vocabulary()
_LONGEST = max(len(w) for w in _VOCABULARY)

# What each key's value must look like, and the keys a record may leave empty.
_AMOUNT_KEYS = {"amount", "billed", "allowed", "paid", "responsibility", "deductible", "coinsurance", "copay",
                "total_charge", "total_paid"}
_SHAPE_OF = {**{k: "money" for k in _AMOUNT_KEYS}, "date": "date", "from": "date", "to": "date", "npi": "npi",
             "line": "count", "units": "count", "count": "count", "procedure": "procedure", "modifiers": "modifiers",
             "group": "group", "reason": "reason", "plb_reason": "plb_reason", "code": "code", "remarks": "remarks",
             "number": "identifier",
             "claim_number": "identifier", "member": "identifier", "account": "identifier", "reference": "identifier",
             "patient": "name", "payer": "name", "payee": "name", "method": "word", "status": "any", "pos": "count",
             "other": "any"}
_OPTIONAL = {"member", "claim_number", "modifiers", "remarks", "reference", "other", "to", "line", "pos", "status",
             "copay", "method"}

# Each delimiter a print may part its fields by, and the glyphs a scan reads it as (a bar's slash only where it is
# no date's); quotes set off a cell that holds the delimiter ("MORALES, BARBARA" in a comma-separated file).
_GLYPHS = {"|": "|¦[]{}()!/", ";": ";:", ",": ","}
_DELIMITERS = re.compile(r"[|¦;,\t]")
_QUOTES = '"“”'
_QUOTED = re.compile(r'["“”][^"“”]*["“”]')  # (a scan may close a quote with an opening one)
# Two values a scan read as one word, the delimiter between them read as a glyph: "20260614|118.02" as
# "202606141118.02" (perhaps the delimiter before them too: "|20261119|1144.56" as "120261119111144.56"), a line's
# number and its date "1|20261023" as "1120261023".
_GLUED = (re.compile(r"^(?:[|!lI1](?=\d{8}[|!lI1]))?(?P<a>\d{8}|-?[\d,]*\d\.\d\d)[|!lI1](?P<b>-?[\d,]*\d\.\d\d)$"),
          re.compile(r"^(?P<a>\d{1,3})[|!lI1](?P<b>(?:19|20)\d{6})$"))
_MONEY = re.compile(r"^-?\$?[\d,]*\d\.\d\d-?$")
_MONEY_SPLIT = re.compile(r"^-?\$?[\d,]*\d(?: | ?\. | \.)\d\d$")  # "145 00", "45. 38": the point lost or set apart
_SHAPES = {
    "date": re.compile(r"^(?:\d{8}|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d\d-\d\d)$"),
    "npi": re.compile(r"^\d{10}$"),
    "count": re.compile(r"^\d{1,3}$"),
    "procedure": re.compile(r"^[A-Z]\d{4}$"),
    # (Run together, "RRKH", where a fixed-width print packs them into one field.)
    "modifiers": re.compile(r"^[A-Z0-9]{2}(?:[, ]*[A-Z0-9]{2})*$"),
    "group": re.compile(r"^(?:CO|PR|OA|PI|CR)$"),
    "reason": re.compile(r"^(?:[A-Z]?\d{1,3}|[A-Z]\d?)$"),
    "plb_reason": re.compile(r"^[A-Z0-9]{2}$"),  # a provider-level adjustment's reason: "WO", "L6", "72"
    "code": re.compile(r"^(?:CO|PR|OA|PI|CR)[- ]?(?:[A-Z]?\d{1,3}|[A-Z]\d?)$"),
    "remarks": re.compile(r"^[A-Z]{1,2}\d{1,3}(?:[, ]+[A-Z]{1,2}\d{1,3})*$"),
    # An identifier has a digit: a name's word never passes for one.
    "identifier": re.compile(r"^(?=\S*\d)[A-Z0-9][A-Z0-9-]{2,}$"),
    "name": re.compile(r"^[^\W\d_]+(?:[ ,.'&-]+[^\W\d_]+)*\.?$"),
    "word": re.compile(r"^[A-Za-z][A-Za-z/-]*$"),
}
_LOOKALIKES = {"date": DIGIT_LOOKALIKES, "npi": DIGIT_LOOKALIKES, "count": DIGIT_LOOKALIKES,
               "money": DIGIT_LOOKALIKES,
               "group": str.maketrans({"0": "O", "@": "O", "Q": "O", "€": "C", "£": "C", "(": "C", "¢": "C"}),
               "procedure": str.maketrans({"O": "0", "o": "0", "@": "0", "Q": "0", "D": "0", "l": "1", "I": "1",
                                           "S": "5"})}
_CODE_LETTER = str.maketrans({"£": "E", "€": "E"})  # a procedure's letter as a scan may read it
_METHODS = {"CHECK": "CHK", "CHK": "CHK", "CK": "CHK", "EFT": "ACH", "ACH": "ACH", "WIRE": "FWT", "FWT": "FWT"}
_TAG_FOLD = str.maketrans({"0": "O", "Q": "O", "D": "O", "1": "I", "L": "I", "J": "I", "|": "I", "5": "S", "8": "B",
                           "6": "G", "€": "C", "£": "E"})
# Costs of a fitting: a lost delimiter, a value fitted only through lookalikes, one that fits nothing, a field
# the record needs left empty, a word left over.
_LOST, _LIKE, _MISFIT, _EMPTY, _LEFT_OVER = 1.0, 0.5, 3.0, 2.0, 3.0
_MOST_FITTINGS = 32


@dataclass(frozen=True)
class _Item:
    text: str  # a word, or "" for a delimiter
    start: int
    end: int
    doubt: bool = False  # a word cut out of a longer one
    glued: bool = False  # a delimiter right after another, no space between (a scan's "|]")

    @property
    def bar(self) -> bool:
        return not self.text


@dataclass
class Value:
    text: str
    start: int
    end: int
    doubt: bool

    def __bool__(self) -> bool:
        return bool(self.text)


@dataclass
class _Kind:
    tag: str
    keys: list[str]
    meaning: str = ""
    # A fixed-width print's: each field's width as its layout declares it ("CLAIM NO(15)"); None where
    # delimiters part the fields.
    widths: list[int] | None = None
    method: str | None = None  # how the money came, where the payment number's name says it alone ("CHECK NO")


def _key_run(words: list[str]) -> list[str]:
    """The field names in one cell: several where every word falls in a known wording (a scan lost the
    delimiters between them: "PATIENT ACCT CHARGE ALLOWED"), else one, the longest wording in it ("Service From"
    names the from date); a cell no wording knows is an unknown field."""
    keys, index, whole = [], 0, True
    while index < len(words):
        for size in range(min(_LONGEST, len(words) - index), 0, -1):
            key = _VOCABULARY.get(tuple(words[index:index + size]))
            if key is not None:
                keys.append((size, key))
                index += size
                break
        else:
            whole = False
            index += 1
    if whole and keys:
        return [key for _, key in keys]
    return [max(keys)[1]] if keys else ["other"]


def _cells(text: str) -> list[str]:
    """A row's cells between delimiters (of any kind: a names row says which its print uses), quoted ones whole."""
    cells, last = [], 0
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    for match in re.finditer(r"[|¦\[\]{}()!;,\t]", text):
        if any(a < match.start() < b for a, b in quoted):
            continue
        cells.append(text[last:match.start()])
        last = match.end()
    cells.append(text[last:])
    return [c.strip().strip(_QUOTES).strip() for c in cells]


def _names_row(text: str) -> _Kind | None:
    """A row of field names: its kind's tag ("" for a table whose rows carry none) and the keys its names call
    for, or None where the row is not one (most of its words are no field's name, or it holds a value)."""
    legend = _legend_row(text)
    if legend is not None:
        return legend
    marked = text[:1] in "#*>"
    # Names parted by delimiters, or marked as names ("#CLM ..."): a table's column heads are neither.
    if not marked and len(_DELIMITERS.findall(text)) < 2:
        return None
    cells = _cells(text)
    head = cells[0].split()
    if not head:
        return None
    if marked or _VOCABULARY.get(_words(cells[0])) is None:
        tag = head[0].lstrip("#*>")
        cells[0] = " ".join(head[1:])
    else:
        tag = ""  # the first cell is a name: the table's rows carry no tag
    named = [(cell, _words(cell)) for cell in cells if cell.strip()]
    if (not tag and marked) or not named or \
            any(_MONEY.match(w) or re.fullmatch(r"\d{6,}", w) for _, ws in named for w in ws):
        return None
    runs = [(cell, _key_run(list(ws))) for cell, ws in named]
    keys = [k for _, run in runs for k in run]
    known = sum(k != "other" for k in keys)
    # One name is a names row only where marked as one ("#RMK|REMARK CODES").
    if known < (1 if marked else 2) or known < 0.75 * len(keys):
        return None
    return _kind(tag.upper(), keys, method=_method_named(runs))


# A fixed-width print's record layout: a kind's tag, then each field's name with its width ("C  CLAIM NO(15)
# PATIENT(25) ..."); a scan may read the parentheses as brackets or braces.
# (A scan may lose the tag, read a width's digit as its lookalike, "2@", or a parenthesis twice, "(4)}".)
_WIDTH = r"\s?[(\[{]\s?(\S{1,3}?)\s?[)\]}]+"
_LEGEND = re.compile(rf"^(?:([A-Z0-9]{{1,4}})[_.,:;'`]?\s+)?((?:[A-Z][A-Z0-9 #./&-]*?{_WIDTH}\s*)+)$")
_LEGEND_FIELD = re.compile(rf"([A-Z][A-Z0-9 #./&-]*?){_WIDTH}")


def _legend_row(text: str) -> _Kind | None:
    """A record layout's row: the kind's tag ("" where a scan lost it) and each field's name and width (None
    where unreadable), where most of the names are known."""
    match = _LEGEND.match(text.strip().upper())
    if match is None:
        return None
    fields = [(name.strip(), width.translate(DIGIT_LOOKALIKES)) for name, width in _LEGEND_FIELD.findall(match[2])]
    runs = [(name, _key_run(list(_words(name)))) for name, _ in fields]
    # Each name is one field: a name whose words make several is none of them.
    keys = [run[0] if len(run) == 1 else "other" for _, run in runs]
    if sum(k != "other" for k in keys) < 0.75 * len(keys):
        return None
    widths = [int(width) if width.isdigit() else 0 for _, width in fields]
    return _kind(match[1] or "", keys, widths=widths, method=_method_named(runs))


def _method_named(runs: list[tuple[str, list[str]]]) -> str | None:
    """How the money came, where the payment number's name says it alone ("CHECK NO": a check)."""
    return next((method_of(name.upper()) for name, run in runs if run == ["number"]), None)


def _meaning(keys: list[str]) -> str:
    """What a kind of record is, by what its names name."""
    has = set(keys)
    if "procedure" in has:
        return "service"
    if has & {"patient", "claim_number", "account"}:
        return "claim"
    if "group" in has or "code" in has:
        return "adjustment"
    if "reason" in has and "amount" in has or "reference" in has:
        return "provider"
    if "remarks" in has:
        return "remark"
    if has & {"number", "payer", "payee", "npi", "method"}:
        return "payment"
    if has & {"total_charge", "total_paid", "count"}:
        return "trailer"
    return "unknown"


def _kind(tag: str, keys: list[str], *, widths: list[int] | None = None, method: str | None = None) -> _Kind:
    meaning = _meaning(keys)
    if meaning == "provider":
        keys = ["plb_reason" if k == "reason" else k for k in keys]  # the PLB's reasons are its own
    return _Kind(tag, keys, meaning, widths, method if meaning == "payment" else None)


_Named = list[tuple[str, "_Kind | None"]]  # each row's text and the kind its names declare, if any


def _names_rows(rows: Iterable[str]) -> _Named:
    """Each row with its names row's reading (`_names_row`), found once for the whole print."""
    return [(text, _names_row(text.strip())) for text in rows]


def kinds_in(rows: Iterable[str]) -> dict[str, _Kind]:
    """The tagged kinds the names rows declare (a table's untagged kind holds the rows under its names row)."""
    return _kinds_of(_names_rows(rows))


def _kinds_of(named: _Named) -> dict[str, _Kind]:
    kinds: dict[str, _Kind] = {}
    for index, (_, found) in enumerate(named):
        if found is not None and found.tag and found.tag not in kinds:
            kinds[found.tag] = found
        elif found is not None and found.widths is not None and not found.tag:
            kinds[f" {index}"] = found  # a layout's row whose tag a scan lost: its records are known by fit
    return kinds


def _delimiter_of(named: _Named) -> str:
    """The delimiter the names rows part their names by: the one they hold most of."""
    counts = {"|": 0, ";": 0, ",": 0}
    for text, found in named:
        if found is not None:
            for mark in counts:
                counts[mark] += text.count(mark) + (text.count("¦") if mark == "|" else 0)
    return max(counts, key=lambda mark: counts[mark])


def detect(upper: str) -> bool:
    """Records of kinds their names rows declare: a claim's identifiers and a service line's among them, and
    rows of values under them."""
    named = _names_rows(upper.splitlines())
    keys = {k for _, found in named if found is not None for k in found.keys}
    if "procedure" not in keys or not keys & {"patient", "claim_number", "account"}:
        return False
    kinds = _kinds_of(named)
    untagged = any(found is not None and not found.tag for _, found in named)
    return any((_tag_of(Line.plain(row), kinds) is not None
                or untagged and len(_DELIMITERS.findall(row)) >= 3 and _ANY_AMOUNT.search(row))
               for row, found in named if found is None)


_ANY_AMOUNT = re.compile(r"\d\.\d\d(?!\d)")


def _tag_of(row: Line, kinds: dict[str, _Kind]) -> tuple[_Kind, int, bool] | None:
    """The row's kind, where its record's data starts, and whether the tag was known only by its likeness."""
    match = re.match(r'\s*([^\s|¦\[\]{}()!/;,"“”]+)', row.text)
    if match is None:
        return None
    word = match[1].upper()
    if word in kinds:
        return kinds[word], match.end(1), False
    # A scan's lookalike glyph in the tag ("ADI"), or one glyph more or less ("ADIJ"): the one kind that near.
    # A one-letter tag (a fixed-width print's "C") is near only its lookalikes: any short word is a glyph off it.
    near = [k for k in kinds.values()
            if (_one_glyph_off if len(k.tag) > 1 else str.__eq__)(k.tag.translate(_TAG_FOLD),
                                                                  word.translate(_TAG_FOLD))]
    if len(near) == 1:
        return near[0], match.end(1), True
    # The tag glued to its first value ("CLMBR8054..."): a kind's tag leading a longer word.
    glued = [k for k in kinds.values() if len(k.tag) > 1 and word.startswith(k.tag) and len(word) > len(k.tag) + 2]
    if len(glued) == 1:
        return glued[0], match.start(1) + len(glued[0].tag), True
    return None


def _first_column(rows: list[Line], tags: list["tuple[_Kind, int, bool] | None"]) -> int | None:
    """The column a fixed-width print's first field starts in, after its tag: where most of its tagged rows'
    first value stands (a row whose first field is empty, or right-aligned, starts further on)."""
    starts = []
    for row, tagged in zip(rows, tags):
        if tagged is not None and tagged[0].widths is not None and not tagged[2]:
            after = re.compile(r"\S").search(row.text, tagged[1])
            if after is not None and (column := row.column(after.start())) is not None:
                starts.append(column)
    return max(set(starts), key=starts.count) if starts else None


def _fields_at(row: Line, widths: list[int], first_column: int | None,
               shift: int = 0) -> list[tuple[int, int]] | None:
    """Each field's first and last column (from the first field's, by the declared widths), where the row knows
    its columns (`shift` columns on, where the row's own start is not its tag's)."""
    if first_column is None or not row.columns or not all(widths):
        return None
    edges = list(itertools.accumulate(widths, initial=first_column))
    # Widths the row's own columns belie ("BILLED(160)" for 10: the row ends long before its last field, or runs
    # past the layout's end) say nothing of where its fields stand.
    if row.text.strip() and (end := row.column(len(row.text.rstrip()) - 1)) is not None and \
            not edges[-2] - 2 <= shift + end <= edges[-1] + 2:
        return None
    return [(edges[f], edges[f + 1] - 1) for f in range(len(widths))]


def _fit_fixed(row: Line, offset: int, kind: _Kind, first_column: int | None, shift: int,
               scanned: bool) -> tuple[list[Value], bool]:
    """A fixed-width record's words fitted to its kind's names, widths and (where the row keeps them) columns."""
    assert kind.widths is not None
    fields_at = _fields_at(row, kind.widths, first_column, shift)
    items = _spaced_items(row, offset, fields_at, shift)
    centres: list[float | None] | None = None
    if fields_at is not None:
        centres = [None if item.bar else _middle(row, item.start, item.end, shift) for item in items]
    return _fit(items, kind.keys, row.text, kind.widths, scanned, fields_at, centres)


def _kind_by_fit(row: Line, kinds: dict[str, _Kind], scanned: bool,
                 first_column: int | None) -> tuple[_Kind, int, int] | None:
    """A fixed-width record whose tag a scan lost or garbled ("S$", or none): the one kind whose fields its
    values fit, by shape and width, all but one at most, none it needs left empty, at least three (the record
    then in doubt, as a tag known by its likeness)."""
    first = re.match(r"\s*\S+", row.text)
    offsets = [0] + ([first.end()] if first is not None and len(first[0].strip()) <= 2 else [])
    found = []
    for kind in kinds.values():
        if kind.widths is None:
            continue
        # (The fewest misfits first: a garbled tag is no first value.)
        fits: list[tuple[int, int, int]] = []
        for offset in offsets:
            # (A row that lost its tag starts at its first field: its columns count from there.)
            shift = first_column or 0 if offset == 0 else 0
            values, left_over = _fit_fixed(row, offset, kind, first_column, shift, scanned)
            pairs = list(zip(kind.keys, values))
            misfits = sum(_fitted(v.text, key)[0] >= _MISFIT for key, v in pairs if v)
            fitting = sum(bool(v) and _fitted(v.text, key)[0] < _MISFIT for key, v in pairs)
            if not left_over and misfits <= 1 and fitting >= 3 and all(v or key in _OPTIONAL for key, v in pairs):
                fits.append((misfits, offset, shift))
        if fits:
            _, offset, shift = min(fits)
            found.append((kind, offset, shift))
    return found[0] if len(found) == 1 else None


def _one_glyph_off(tag: str, word: str, *, replaced: bool = False) -> bool:
    """Whether the word is the tag but for one glyph more or less (or, `replaced`, one glyph other)."""
    if tag == word:
        return True
    if replaced and len(word) == len(tag):
        return sum(a != b for a, b in zip(tag, word)) == 1
    if len(word) == len(tag) + 1:
        return any(word[:i] + word[i + 1:] == tag for i in range(len(word)))
    if len(word) + 1 == len(tag):
        return any(tag[:i] + tag[i + 1:] == word for i in range(len(tag)))
    return False


def _items(text: str, offset: int, scanned: bool, glyphs: str = _GLYPHS["|"]) -> list[_Item]:
    """The words and delimiters of a record's row after its tag (a delimiter inside quotes is the cell's), a
    word a scan glued across a delimiter cut."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    apart = re.escape(glyphs + _QUOTES)
    token = re.compile(rf"\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|[^\s{apart}]+" if "/" in glyphs else rf"[^\s{apart}]+")
    items: list[_Item] = []
    last = offset

    def delimiters(gap: str, at: int) -> None:
        for index, char in enumerate(gap):
            if char in glyphs and not any(a < at + index < b for a, b in quoted):
                glued = index > 0 and gap[index - 1] in glyphs and scanned
                items.append(_Item("", at + index, at + index + 1, glued=glued))

    matches = list(token.finditer(text, offset))
    for index, match in enumerate(matches):
        delimiters(text[last:match.start()], last)
        word, start = match[0], match.start()
        if index and _decimal_comma(text, matches[index - 1], match, glyphs, scanned) and items[-2:-1] and \
                items[-1].bar:
            # "0,00" where the file parts its fields by commas: a scan's comma for the amount's point.
            items[-2:] = [_Item(f"{matches[index - 1][0]}.{word}", matches[index - 1].start(), match.end(),
                                doubt=True)]
            last = match.end()
            continue
        glued_match = next((m for p in _GLUED if (m := p.match(word))), None) if scanned else None
        if glued_match is not None:
            a_end = start + glued_match.end("a")
            items.append(_Item(glued_match["a"], start + glued_match.start("a"), a_end,
                               doubt=glued_match.start("a") > 0))
            items.append(_Item("", a_end, a_end + 1))
            items.append(_Item(glued_match["b"], a_end + 1, match.end(), doubt=True))
        else:
            items.append(_Item(word, start, match.end()))
        last = match.end()
    delimiters(text[last:], last)
    return items


def _spaced_items(row: Line, offset: int, fields_at: list[tuple[int, int]] | None = None,
                  shift: int = 0) -> list[_Item]:
    """A fixed-width row's words after its tag, a wide gap between two taken for a field's edge (a delimiter):
    the padding of a value that did not fill its field. A value that fills its field leaves one space before
    the next: that edge the fitting finds by the values' shapes and the fields' widths (a lost delimiter). Where
    the row's columns put two words of a name either side of a wide gap in one field, the gap is inside it (a
    scan's "GARCIA,  LINDA"; figures are never joined so: a scan's columns are measured, a column or so out)."""
    items: list[_Item] = []
    last = None
    for match in re.finditer(r"\S+", row.text[offset:]):
        start, end = match.start() + offset, match.end() + offset
        if last is not None and any(last <= at < start for at in row.wide) and not (
                fields_at is not None and not re.search(r"\d", items[-1].text + match[0])
                and _same_field(row, (items[-1].start, items[-1].end), (start, end), fields_at, shift)):
            items.append(_Item("", last, last + 1))
        items.append(_Item(match[0], start, end))
        last = end
    return items


def _middle(row: Line, start: int, end: int, shift: int) -> float | None:
    """The middle column of the row's characters start..end (None where the row does not know its columns)."""
    column = row.column(start)
    return None if column is None else shift + column + (end - start - 1) / 2


def _field_of(row: Line, span: tuple[int, int], fields_at: list[tuple[int, int]], shift: int) -> int | None:
    middle = _middle(row, *span, shift)
    if middle is None:
        return None
    return next((f for f, (low, high) in enumerate(fields_at) if low <= middle <= high), None)


def _same_field(row: Line, before: tuple[int, int], after: tuple[int, int], fields_at: list[tuple[int, int]],
                shift: int) -> bool:
    field_at = _field_of(row, before, fields_at, shift)
    return field_at is not None and field_at == _field_of(row, after, fields_at, shift)


def _fitted(text: str, key: str) -> tuple[float, bool, str]:
    """How well a value fits its name's shape: (cost, in doubt, the value with a scan's lookalikes put right)."""
    shape = _SHAPE_OF.get(key, "any")
    if shape == "any":
        return 0.0, False, text
    if not text:
        return (0.0, False, text) if key in _OPTIONAL else (_EMPTY, True, text)
    upper = text.upper()
    pattern = _MONEY if shape == "money" else _SHAPES[shape]
    if pattern.match(text if shape == "name" else upper):
        return 0.0, False, text
    if shape == "money" and _MONEY_SPLIT.match(upper):
        return _LIKE, True, re.sub(r"[ .]+(?=\d\d$)", ".", upper)
    if shape == "identifier" and pattern.match(joined := re.sub(r"\s*-\s*", "-", upper)):
        return _LIKE, True, joined  # "958864 -5": a gap read before the hyphen
    if shape == "identifier" and re.fullmatch(r"\S*\d\S* \S*\d\S*", upper) and pattern.match(
            joined := upper.replace(" ", "")):
        # "BR7 1836764949": a gap read inside it; dearer than a delimiter lost between two values.
        return _LOST + _LIKE, True, joined
    table = _LOOKALIKES.get(shape)
    if table is not None:
        # A procedure's letter is no digit's lookalike: only the digits after it are put right.
        mended = (upper[0].translate(_CODE_LETTER) + upper[1:].translate(table) if shape == "procedure"
                  else upper.translate(table))
        if pattern.match(mended):
            # A group is one of five: a lookalike that makes one of them makes only that one ("0A", "C0").
            return (0.0, False, mended) if shape == "group" and len(upper) == 2 else (_LIKE, True, mended)
        if shape == "group" and pattern.match(once := re.sub(r"O+", "O", mended)):
            return _LIKE, True, once  # "CO0": its O read twice
    if shape == "group" and (read_as := group_read_as(upper)) is not None:
        return _LIKE, True, read_as  # a glyph too many ("C€0"): the columns reader's table of lookalikes
    return _MISFIT, True, text


def _decimal_comma(text: str, before: re.Match[str], after: re.Match[str], glyphs: str, scanned: bool) -> bool:
    """Two digits after one comma right after a run of digits, a delimiter or the row's end next: a scan's
    comma read for an amount's point, in a comma-separated file."""
    return (scanned and glyphs == _GLYPHS[","] and text[before.end():after.start()] == ","
            and before[0].isdigit() and len(before[0]) <= 6 and re.fullmatch(r"\d\d", after[0]) is not None
            and (after.end() == len(text) or text[after.end()] in glyphs + " ")
            and (before.start() == 0 or text[before.start() - 1] in glyphs + " "))


def _span_text(row: str, words: tuple[_Item, ...]) -> str:
    """What the words print, as printed between the first and the last (a quoted cell's comma kept)."""
    if not words:
        return ""
    if len(words) == 1:
        return words[0].text
    return " ".join(row[words[0].start:words[-1].end].translate({ord(q): " " for q in _QUOTES}).split())


def _fit(items: list[_Item], keys: list[str], row: str, widths: list[int] | None = None,
         scanned: bool = False, fields_at: list[tuple[int, int]] | None = None,
         centres: list[float | None] | None = None) -> tuple[list[Value], bool]:
    """The row's words as the kind's fields: each field a run of words between delimiters (a lost one costs),
    each fitted to its shape (and, in a fixed-width print, to its width, and to its columns where the row's are
    known: `fields_at`, each item's middle column in `centres`); the best fittings' fields (those they disagree on
    in doubt), and whether words were left over after the last field (the row is not its names' whole)."""
    items_t = tuple(items)
    n, m = len(items_t), len(keys)
    # A value longer than its field is no value of it (a scan may read a glyph more).
    room = [w + (1 if scanned else 0) if w else 999 for w in widths] if widths is not None else None

    def cost_of(i: int, j: int, f: int) -> float:
        text = _span_text(row, items_t[i:j])
        cost = _fitted(text, keys[f])[0]
        if room is not None and f < len(room) and len(text) > room[f]:
            cost += _MISFIT
        if fields_at is not None and centres is not None and f < len(fields_at):
            # A word whose middle stands in another field's columns is not this one's (a column's slack
            # either side: a scan's columns are measured).
            low, high = fields_at[f]
            if any((c := centres[k]) is not None and not low - 1 <= c <= high + 1 for k in range(i, j)):
                cost += _MISFIT
        return cost

    @lru_cache(maxsize=None)
    def best(i: int, f: int) -> float:
        return min((cost for cost, _ in _moves(i, f)), default=float("inf"))

    def closed(cost: float, j: int, f: int, span: tuple[int, int]) -> tuple[float, tuple[int, int, tuple[int, int]]]:
        """Field f ending before item j: closed by the row's end, by a delimiter, or by one lost (it costs)."""
        if j == n:
            return cost + best(n, f + 1), (n, f + 1, span)
        if items_t[j].bar:
            return cost + best(j + 1, f + 1), (j + 1, f + 1, span)
        return cost + _LOST + best(j, f + 1), (j, f + 1, span)

    def _moves(i: int, f: int) -> list[tuple[float, tuple[int, int, tuple[int, int] | None]]]:
        """Each way on from here: (its whole cost, (next i, next f, the field's words))."""
        if f == m:
            left = sum(1 for item in items_t[i:] if not item.bar)
            return [(left * _LEFT_OVER, (n, m, None))]
        out: list[tuple[float, tuple[int, int, tuple[int, int] | None]]] = []
        if i < n and items_t[i].bar and items_t[i].glued:
            out.append((best(i + 1, f), (i + 1, f, None)))  # "|]": one delimiter read twice
        out.append(closed(cost_of(i, i, f), i, f, (i, i)))  # the field empty
        j = i
        while j < n and not items_t[j].bar:
            j += 1
            out.append(closed(cost_of(i, j, f), j, f, (i, j)))
        return out

    start = 1 if items_t and items_t[0].bar else 0
    fittings: list[list[tuple[int, int]]] = []
    left_over = False

    def walk(i: int, f: int, spans: list[tuple[int, int]]) -> None:
        nonlocal left_over
        if len(fittings) >= _MOST_FITTINGS:
            return
        if f == m:
            fittings.append(spans)
            left_over = left_over or any(not item.bar for item in items_t[i:])
            return
        goal = best(i, f)
        for cost, (ni, nf, span) in _moves(i, f):
            if abs(cost - goal) < 1e-9:
                walk(ni, nf, spans + [span] if span is not None else spans)

    walk(start, 0, [])
    values, misfits = [], set()
    for f, key in enumerate(keys):
        readings = {fitting[f] for fitting in fittings if f < len(fitting)}
        i, j = min(readings) if readings else (n, n)
        words = items_t[i:j]
        cost, doubt, text = _fitted(_span_text(row, words), key)
        if cost >= _MISFIT:
            misfits.add(f)
        doubt = doubt or len({" ".join(x.text for x in items_t[a:b]) for a, b in readings}) > 1
        doubt = doubt or any(item.doubt for item in words)
        start_at = words[0].start if words else 0
        end_at = words[-1].end if words else 0
        values.append(Value(text, start_at, end_at, doubt))
    for f, value in enumerate(values):
        # A field left empty beside one whose words fit nothing may be where those words belong ("RR|1" read
        # "RRJ1": the modifiers are not empty, they are in the units' misfit).
        if not value and (f - 1 in misfits or f + 1 in misfits):
            value.doubt = True
    return values, left_over


def _money(value: Value) -> Decimal | None:
    text = value.text.upper().replace("$", "").replace(",", "")
    if _MONEY_SPLIT.match(text):
        text = re.sub(r"[ .]+(?=\d\d$)", ".", text)
    text = text.translate(DIGIT_LOOKALIKES)
    negative = text.endswith("-") or text.startswith("-")
    text = text.strip("-")
    if not re.fullmatch(r"\d+\.\d\d", text):
        return None
    amount = Decimal(text)
    return -amount if negative else amount


def _date(value: Value) -> dt.date | None:
    text = value.text.translate(DIGIT_LOOKALIKES)
    return compact_date(text) if re.fullmatch(r"\d{8}", text) else date_of(text)


def parse(lines: Iterable[Line]) -> tuple[Remittance, dict[int, object], list[str]]:
    """The print row by row: a names row declares a kind (a tagged one, or the table under it); each record is
    read by its kind's names; a "name, value" row by its name; a row of one cell and no figure is a heading."""
    rows = [row for row in lines if row.text.strip()]
    named = _names_rows(row.text for row in rows)
    kinds = _kinds_of(named)
    glyphs = _GLYPHS[_delimiter_of(named)]
    reading = Reading()
    tags = [_tag_of(row, kinds) for row in rows]  # each row's kind by its tag, found once
    first_column = _first_column(rows, tags)
    table: _Kind | None = None  # the untagged kind whose rows these are
    for row, (_, names), tagged in zip(rows, named, tags):
        text = row.text.strip()
        if re.match(r"^Page \d+ of \d+$", text, re.I):
            continue
        if names is not None:
            table = names if not names.tag and names.widths is None else table
            continue
        scanned = row.conf(0, len(row.text)) < CERTAIN
        shift = 0
        if tagged is not None:
            kind, offset, by_likeness = tagged
        elif (pair := _pair(row, glyphs, scanned, before_claims=not reading.remit.claims)) is not None:
            reading.record(*pair)
            continue
        elif len([c for c in _cells(text) if c]) <= 1 and not re.search(r"\d", text):
            continue  # a heading ("Provider Adjustments")
        elif table is not None:
            kind, offset, by_likeness = table, 0, False
        elif (fitting := _kind_by_fit(row, kinds, scanned, first_column)) is not None:
            kind, offset, shift = fitting
            by_likeness = True
        else:
            reading.stray(row)
            continue
        if kind.widths is not None:
            items = []  # (a fixed-width row's words are only its fitting's)
            values, left_over = _fit_fixed(row, offset, kind, first_column, shift, scanned)
        else:
            items = _items(row.text, offset, scanned, glyphs)
            values, left_over = _fit(items, kind.keys, row.text)
        # A tag known by its likeness is the kind's where every value has the shape its name calls for.
        record = Record(row, {}, left_over or (by_likeness and any(v.doubt for v in values)), kind.method)
        for key, value in zip(kind.keys, values):
            if key != "other" and key not in record.values:
                record.values[key] = value
        if kind is table and kind.meaning == "service" and _fits_poorly(record, left_over):
            # A row of a download's table that fits its names nowhere near: a further adjustment's row whose run
            # of empty cells the scan garbled ("preteen raeeed y PR, 3, 25.00") reads from its end; else the row
            # is lost, and the line it was under in doubt.
            tail = _adjustment_at_end(row, items)
            if tail is None:
                reading.stray(row)
                continue
            record = tail
        reading.record(kind.meaning, record)
    reading.finish()
    return reading.remit, {}, reading.trust.review


_MOST_DOUBTS = 4  # values in doubt in one row of a table past which the row is not taken to fit its names
_PR_LEAD = re.compile(r"^\W*(?:P[RKA]|[A-Za-z]R)(?![A-Za-z])", re.I)  # a lost row led by PR, misread
_FURTHER_ROW = {"group", "reason", "code", "amount", "remarks"}  # what a line's further row prints


_CLAIM_KEYS_ATTRS = {"claim_number": "payer_claim_number", "account": "account_number", "patient": "patient_name"}


def _claim_key(values: dict[str, "Value"]) -> str | None:
    """The surest of a claim's identifiers a kind of row prints (its values' keys)."""
    return next((key for key in _CLAIM_KEYS_ATTRS if key in values), None)


def _fits_poorly(record: "Record", left_over: bool) -> bool:
    """A row of a download's table that fits its names nowhere near: words left over, too many values in
    doubt, a further row of a line's (no code, no charge, no payment) printing what only a line's own row
    does, or a line's own row without its claim's surest identifier, or with it in doubt."""
    values = record.values
    if left_over or sum(bool(v) and v.doubt for v in values.values()) > _MOST_DOUBTS:
        return True
    if record.get("procedure", "billed", "paid") is None:
        return any(v for key, v in values.items() if key not in _FURTHER_ROW)
    key = _claim_key(values)
    return key is not None and (not values[key] or values[key].doubt and _fitted(values[key].text, key)[0] >= _MISFIT)


def _adjustment_at_end(row: Line, items: list[_Item]) -> "Record | None":
    """A group, a reason and an amount ending the row (remark codes may follow), each in doubt: what a
    further adjustment's row says where the cells before them were garbled."""
    words = [item for item in items if not item.bar]
    if words and _fitted(words[-1].text, "remarks")[0] == 0 and not _MONEY.match(words[-1].text):
        words = words[:-1]
    if len(words) < 3:
        return None
    values = {}
    for key, item in zip(("group", "reason", "amount"), words[-3:]):
        # (The garbled cells before a group may leave a glyph on it: "¢PR".)
        cost, _, text = _fitted(re.sub(r"^\W+(?=[A-Z]{2}$)", "", item.text) if key == "group" else item.text, key)
        if cost >= _MISFIT:
            return None
        values[key] = Value(text, item.start, item.end, True)
    return Record(row, values, False)


def _pair(row: Line, glyphs: str, scanned: bool, *, before_claims: bool) -> tuple[str, "Record"] | None:
    """A "name, value" row of the payment's or the totals' ("Paid Date,2026-07-03"): the name a known wording
    of the payment's or a total's, the value the shape it calls for. The name is the row's first cell whole, a
    delimiter after it ("Provider Adjustments" is a heading); on a scan, which may lose the delimiter, a
    payment's name is taken without one only above the claims, a total's (whose value is an amount) anywhere."""
    items = _items(row.text, 0, scanned, glyphs)
    words = [item for item in items if not item.bar]
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        after = items.index(words[size - 1]) + 1
        if any(item.bar for item in items[:after]):
            continue
        key = _VOCABULARY.get(_words(" ".join(item.text for item in words[:size])))
        meaning = "payment" if key in _PAYMENT_KEYS else "trailer" if key in _TOTAL_KEYS else None
        delimited = after < len(items) and items[after].bar
        if meaning is None or not (delimited or scanned and (before_claims or meaning == "trailer")):
            continue
        values, left_over = _fit([item for item in items if item.end > words[size - 1].end], [key], row.text)
        value = values[0]
        if left_over or not value or _fitted(row.text[value.start:value.end], key)[0] >= _MISFIT:
            return None
        return meaning, Record(row, {key: values[0]}, False)
    return None


_PAYMENT_KEYS = {"payer", "payee", "npi", "number", "date", "amount", "method"}
_TOTAL_KEYS = {"total_charge", "total_paid", "count"}


@dataclass
class Record:
    row: Line
    values: dict[str, Value]
    doubt: bool  # its tag known by likeness, or its row not fitting its names
    method: str | None = None  # how the money came, as its kind's names say

    def get(self, *keys: str) -> Value | None:
        return next((self.values[k] for k in keys if k in self.values and self.values[k]), None)

    def empty_in_doubt(self, fields: dict[str, str]) -> list[str]:
        """The fields (key -> its attribute) read empty where the row's fitting is not sure they are."""
        return [attr for key, attr in fields.items()
                if key in self.values and not self.values[key] and self.values[key].doubt]

    def conf(self, value: Value | None) -> float:
        if value is None:
            return CERTAIN
        return 0.0 if value.doubt else self.row.conf(value.start, value.end)


@dataclass
class Reading(Walk):
    printed: set[str] = field(default_factory=set)  # the current claim's and line's amounts printed as columns
    # The patient's share each PR reason's column printed for a line of the current claim (index -> reason ->
    # amount), and the rows lost under a line (index -> their texts).
    shares: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    lost: dict[int, list[str]] = field(default_factory=dict)

    def record(self, meaning: str, record: Record) -> None:
        handler = getattr(self, f"_{meaning}", None)
        if handler is not None:
            handler(record)

    def stray(self, row: Line) -> None:
        """A row of no declared kind: a record whose tag was lost. Inside a claim it may have been the line's
        (an adjustment, its remarks) or the claim's own: in doubt."""
        if self.line is not None and self.claim is not None:
            self.lost.setdefault(len(self.claim.lines) - 1, []).append(row.text)  # weighed when the claim closes
        elif self.claim is not None or len(re.findall(r"\d\.\d\d", row.text)) >= 2:
            self.trust.review.append(self.claim_path if self.claim is not None else "document")

    def _amount(self, path: str, record: Record, value: Value | None) -> Decimal:
        amount = _money(value) if value is not None else None
        self.trust.check(path, record.conf(value), value is None or amount is not None)
        return amount if amount is not None else ZERO

    def _payment(self, record: Record) -> None:
        """The payment's facts, from its record or from "name, value" rows; one told twice and differently is
        in doubt (the first kept)."""
        remit = self.remit
        readings = (("payer", remit.payer, "name", lambda v: v.text.upper(), lambda _: True),
                    ("payee", remit.payee, "name", lambda v: v.text, lambda _: True),
                    ("npi", remit.payee, "npi", lambda v: v.text, lambda got: is_npi(got)),
                    ("method", remit.payment, "method", lambda v: _METHODS.get(v.text.upper()), bool),
                    ("number", remit.payment, "number", lambda v: v.text.upper(), lambda _: True),
                    ("date", remit.payment, "date", _date, lambda got: got is not None),
                    ("amount", remit.payment, "amount", _money, lambda got: got is not None))
        for key, owner, attr, read, ok in readings:
            value = record.get(key) if key != "amount" else record.get("amount", "paid", "total_paid")
            if value is None:
                continue
            path = f"{'payer' if owner is remit.payer else 'payee' if owner is remit.payee else 'payment'}.{attr}"
            got = read(value)
            if getattr(owner, attr) is None:
                setattr(owner, attr, got)
                self.trust.check(path, record.conf(value), ok(got) and not value.doubt)
            elif getattr(owner, attr) != got:
                self.trust.review.append(path)
        if record.method is not None and remit.payment.method is None:
            remit.payment.method = record.method  # (the number's name said it: "CHECK NO")
        if record.doubt:
            self.trust.review.append("payment")

    def _opens_claim(self, record: Record) -> bool:
        """Whether a line's row that names its claim too (a download's row per line) names another claim than
        the one read so far: by the surest identifier its kind prints (the payer's claim number, else the
        account, else the patient), and only by that one."""
        key = _claim_key(record.values)
        if key is None or (value := record.get(key)) is None:
            return False
        attr = _CLAIM_KEYS_ATTRS[key]
        if self.claim is None or value.text.upper() == (getattr(self.claim, attr) or "").upper():
            return self.claim is None
        # The claim's number a glyph off on a row whose account (or member) is the claim's: the same claim, its
        # number read two ways (in doubt), not a claim of its own.
        others = [(k, a) for k, a in (("account", "account_number"), ("member", "member_id")) if k != key]
        same = any((v := record.get(k)) is not None and v.text.upper() == (getattr(self.claim, a) or "").upper()
                   for k, a in others)
        if same and _one_glyph_off(value.text.upper(), (getattr(self.claim, attr) or "").upper(), replaced=True):
            self.trust.review.append(f"{self.claim_path}.{attr}")
            return False
        return True

    def _claim(self, record: Record, *, identifiers_only: bool = False) -> None:
        self._close_claim()
        claim = RemittanceClaim()
        self.remit.claims.append(claim)
        self.claim, self.line = claim, None
        path, trust = self.claim_path, self.trust
        if (patient := record.get("patient")) is not None:
            claim.patient_name = patient.text
            trust.check_name(f"{path}.patient_name", patient.text, record.conf(patient))
        for key, attr in (("member", "member_id"), ("account", "account_number"),
                          ("claim_number", "payer_claim_number")):
            if (value := record.get(key)) is not None:
                setattr(claim, attr, value.text.upper())
                trust.check(f"{path}.{attr}", record.conf(value), not value.doubt)
        self.printed = set()
        # (A line's row that names its claim prints the line's amounts, not the claim's: its totals are its lines'.)
        for keys, attr in () if identifiers_only else (
                (("billed", "total_charge"), "billed"), (("allowed",), "allowed"), (("paid", "total_paid"), "paid"),
                (("responsibility",), "patient_responsibility")):
            value = record.get(*keys)
            if value is not None:
                setattr(claim, attr, self._amount(f"{path}.{attr}", record, value))
                self.printed.add(attr)
        if record.doubt:
            trust.review.append(path)
        trust.review.extend(f"{path}.{attr}" for attr in record.empty_in_doubt(
            {"member": "member_id", "claim_number": "payer_claim_number", "account": "account_number"}))

    def _service(self, record: Record) -> None:
        if self._opens_claim(record):
            self._claim(record, identifiers_only=True)
        if self.claim is None:
            self.trust.review.append("document")
            return
        if record.get("procedure", "billed", "paid") is None and self.line is not None:
            # A further row of the line's, its other cells empty: its next adjustment, its remarks.
            self._line_extras(record)
            return
        line = ServiceLine(service_date=None, place_of_service=None, procedure=None, modifiers=[], units=1)
        self.claim.lines.append(line)
        self.line = line
        path, trust = self.line_path, self.trust
        if (date := record.get("from", "date")) is not None:
            line.service_date = _date(date)
            trust.check(f"{path}.service_date", record.conf(date), line.service_date is not None)
        else:
            trust.review.append(f"{path}.service_date")
        code = record.get("procedure")
        if code is not None:
            line.procedure = code.text.upper()
            trust.check(f"{path}.procedure", record.conf(code), is_hcpcs(line.procedure))
        else:
            trust.review.append(f"{path}.procedure")
        if (mods := record.get("modifiers")) is not None:
            # (Two characters each: "RRKH" run together is RR and KH.)
            line.modifiers = [run[i:i + 2] for run in re.split(r"[, ]+", mods.text.upper()) if run
                              for i in range(0, len(run), 2)]
            trust.check(f"{path}.modifiers", record.conf(mods), not mods.doubt)
        if (units := record.get("units")) is not None:
            count = units.text.translate(DIGIT_LOOKALIKES)
            line.units = int(count) if count.isdigit() else 1
            trust.check(f"{path}.units", record.conf(units), count.isdigit() and not units.doubt)
        line_printed = set()
        for keys, attr in ((("billed",), "billed"), (("allowed",), "allowed"), (("deductible",), "deductible"),
                           (("paid", "amount"), "paid")):
            value = record.get(*keys)
            if value is not None:
                setattr(line, attr, self._amount(f"{path}.{attr}", record, value))
                line_printed.add(attr)
            elif attr in ("billed", "paid"):
                trust.review.append(f"{path}.{attr}")
        shares = {reason: self._amount(f"{path}.coinsurance", record, v)
                  for reason, v in (("2", record.get("coinsurance")), ("3", record.get("copay"))) if v is not None}
        if shares:
            line.coinsurance = sum(shares.values(), ZERO)
            line_printed.add("coinsurance")
        if "deductible" in line_printed:
            shares["1"] = line.deductible
        # Each PR reason's share where its own column printed it (a coinsurance column apart from a copay one).
        self.shares[len(self.claim.lines) - 1] = shares if "3" in shares else {}
        self.printed |= {f"line.{len(self.claim.lines) - 1}.{attr}" for attr in line_printed}
        if record.doubt:
            trust.review.append(path)
        trust.review.extend(f"{path}.{attr}" for attr in record.empty_in_doubt(
            {"modifiers": "modifiers", "from": "service_date", "procedure": "procedure", "units": "units"}))
        self._line_extras(record)

    def _line_extras(self, record: Record) -> None:
        """An adjustment and remarks a line's own row prints (a download's: a row per line, and a further row
        for each further adjustment)."""
        if any(key in record.values for key in ("code", "group", "reason")):
            self._adjustment(record)
        self._remark(record)

    def _adjustment(self, record: Record) -> None:
        line, trust = self.line, self.trust
        if record.get("code", "group", "reason", "amount") is None:
            return  # a line's row with no adjustment on it
        if line is None:
            # Adjustments told for the claim and not for a line: nothing a line balances by holds them.
            trust.review.append(self.claim_path if self.claim is not None else "document")
            return
        path = self.line_path
        code = record.get("code")
        group = record.get("group")
        reason = record.get("reason")
        if code is not None:
            compact = code.text.upper().replace(" ", "").replace("-", "")
            group_text, reason_text = compact[:2], compact[2:]
        else:
            group_text = group.text.upper() if group is not None else ""
            reason_text = reason.text.upper() if reason is not None else ""
        group_text = group_read_as(group_text) or group_text.translate(_LOOKALIKES["group"])
        amount = _money(value) if (value := record.get("amount")) is not None else None
        index = len(line.adjustments)
        if group_text not in ("CO", "PR", "OA", "PI", "CR") or not _SHAPES["reason"].match(reason_text) \
                or amount is None:
            trust.review.append(f"{path}.adjustments")
            return
        line.adjustments.append(Adjustment(group=group_text, reason=reason_text, amount=amount))
        parts = [v for v in (code, group, reason) if v is not None]
        trust.check(f"{path}.adjustments.{index}.code", min(record.conf(v) for v in parts),
                    not any(v.doubt for v in parts) and not record.doubt)
        trust.check(f"{path}.adjustments.{index}.amount", record.conf(value), not record.doubt)

    def _remark(self, record: Record) -> None:
        if self.line is None or (codes := record.get("remarks")) is None:
            return
        self.line.remarks.extend(c for c in re.split(r"[, ]+", codes.text.upper()) if c)
        self.trust.check(f"{self.line_path}.remarks", record.conf(codes), not codes.doubt and not record.doubt)

    def _provider(self, record: Record) -> None:
        self._close_claim()
        self.claim = self.line = None
        adjustments = self.remit.provider_adjustments
        path = f"provider_adjustments.{len(adjustments)}"
        reason, amount_value = record.get("plb_reason", "code"), record.get("amount", "paid")
        amount = _money(amount_value) if amount_value is not None else None
        if reason is None or amount is None:
            self.trust.review.append(path)
            return
        reference, member = record.get("reference"), record.get("member")
        adjustments.append(ProviderAdjustment(reason=reason.text.upper(),
                                              reference=reference.text.upper() if reference else None,
                                              member_id=member.text.upper() if member else None, amount=amount))
        parts = [v for v in (reason, reference, member, amount_value) if v is not None]
        self.trust.check(path, min(record.conf(v) for v in parts),
                         not any(v.doubt for v in parts) and not record.doubt
                         and bool(re.fullmatch(r"[A-Z0-9]{2}", reason.text.upper())))

    def _trailer(self, record: Record) -> None:
        self._close_claim()
        self.claim = self.line = None
        value = record.get("total_paid", "paid", "amount")
        if value is not None:
            self.printed_total = _money(value)

    def _lost_rows(self, index: int, rows: list[str]) -> None:
        """Rows under a line that fit no record: its further adjustments' rows, garbled. Where each is a patient
        share ("PR" legible at its start), and the line comes short by exactly what its PR columns (deductible,
        coinsurance, copay, each its own) print beyond its PR adjustments, those are the adjustments the rows
        held: put back, in doubt. Else the line is in doubt whole."""
        assert self.claim is not None
        line, path = self.claim.lines[index], f"{self.claim_path}.lines.{index}"
        shares = self.shares.get(index, {})
        missing = {reason: amount - sum((a.amount for a in line.adjustments if (a.group, a.reason) == ("PR", reason)),
                                        ZERO) for reason, amount in shares.items()}
        short = line.billed - sum((a.amount for a in line.adjustments), ZERO) - line.paid
        # (PR as a small print's scan may read it: "PK", "pa", "eR"; never CO's or OA's lookalikes.)
        legible = all(re.search(r"(?<![A-Z])P[RK](?![A-Z])", text, re.I) or _PR_LEAD.match(text) for text in rows)
        # As many of the columns' shares as rows were lost, that make up exactly what the line comes short by
        # (a column misread, "6.00" for 0.00, is no share: the balancing rules then say so).
        fits = [dict(chosen) for chosen in itertools.combinations(
                    [(reason, amount) for reason, amount in missing.items() if amount > 0], len(rows))
                if sum((amount for _, amount in chosen), ZERO) == short]
        if not legible or short <= 0 or len(fits) != 1:
            self.trust.review.append(path)
            return
        wanted = fits[0]
        for reason, amount in sorted(wanted.items()):
            line.adjustments.append(Adjustment(group="PR", reason=reason, amount=amount))
            at = f"{path}.adjustments.{len(line.adjustments) - 1}"
            self.trust.review.extend([f"{at}.code", f"{at}.amount"])
        if any(re.search(r"\b(?:MA|N|M)\d{1,3}\b", text) for text in rows):
            self.trust.review.append(f"{path}.remarks")  # a remark code legible on a lost row

    def _close_claim(self) -> None:
        """The claim read so far: what its records do not print, derived from what they do (a line's allowed
        amount its paid and the member's share, its deductible and coinsurance its PR adjustments; a claim's
        totals its lines')."""
        claim = self.claim
        if claim is None:
            return
        for index, rows in self.lost.items():
            self._lost_rows(index, rows)
        self.lost, self.shares = {}, {}
        for index, line in enumerate(claim.lines):
            printed = {attr for attr in ("allowed", "deductible", "coinsurance")
                       if f"line.{index}.{attr}" in self.printed}
            share = sum((a.amount for a in line.adjustments if a.group == "PR"), ZERO)
            if "allowed" not in printed:
                line.allowed = line.paid + share
            if "deductible" not in printed:
                line.deductible = pr_amount(line, DEDUCTIBLE_REASONS)
            if "coinsurance" not in printed:
                line.coinsurance = pr_amount(line, COINSURANCE_REASONS)
        for attr in ("billed", "allowed", "paid"):
            if attr not in self.printed:
                setattr(claim, attr, sum((getattr(line, attr) for line in claim.lines), ZERO))
        if "patient_responsibility" not in self.printed:
            claim.patient_responsibility = sum((a.amount for line in claim.lines for a in line.adjustments
                                                if a.group == "PR"), ZERO)
        claim.status = status_for(claim.paid)  # type: ignore[assignment]

    def finish(self) -> None:
        self._close_claim()
        if self.remit.payment.method is None:
            self.trust.review.append("payment.method")  # how the money came, where the print does not say
        self.finish_claims()
