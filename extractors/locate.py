"""Where on the page each field was read: the boxes a person checks a value against.

The readers turn lines of text into fields; this module finds each field's
value again among the page's words, with their boxes, so that a validation
view can outline it (docs/extract-contract.md, `fields`). It reads by the
document's own structure, not by a layout's coordinates: a claim is the rows
from the one that prints its identifiers to the next claim's; a service line
is the claim's next row that prints its code (or date) and billed amount; a
field is the word in that row (or the rows that follow it, before the next
line) that prints its value. A value printed once there gets its word's box;
one printed several times (three "0.00" columns) gets its row's box, which is
true if coarse; a value not found (put right by the arithmetic, say) gets none.

It walks the rows once, in order, so a document of a thousand pages is located
page by page without keeping them (`text_rows` reads a PDF's text layer again,
which costs a fraction of the first read).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from .lines import CERTAIN, _STRAY, fix_word
from .models import FieldBox
from .words import Word

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page, from its top left


@dataclass(frozen=True)
class Token:
    text: str  # normalised for comparison: upper case, without "$", thousands commas or trailing punctuation
    page: int
    box: Box
    conf: float  # 0..100


class Row(list[Token]):
    """A line of the page's words, with where each text stands in it (looked up for every field: built once)."""

    _index: dict[str, list[int]] | None = None
    _sure: bool | None = None

    def positions(self, text: str) -> list[int]:
        if self._index is None:
            self._index = {}
            for position, token in enumerate(self):
                self._index.setdefault(token.text, []).append(position)
        return self._index.get(text, [])

    @property
    def sure(self) -> bool:
        """Read from a text layer: every word as printed, none with lookalikes to fold."""
        if self._sure is None:
            self._sure = all(token.conf >= CERTAIN for token in self)
        return self._sure


@dataclass(frozen=True)
class Found:
    page: int
    box: Box
    confidence: float | None  # 0..1; None where the value stands in its row more than once

    def as_json(self) -> dict[str, Any]:
        return {"page": self.page, "box": [round(v, 4) for v in self.box],
                "confidence": None if self.confidence is None else round(self.confidence, 3)}


def as_boxes(found: dict[str, Found]) -> dict[str, FieldBox]:
    """The contract's `fields`, rounded as they travel."""
    return {path: FieldBox(**where.as_json()) for path, where in found.items()}


_GROUPED_AMOUNT = re.compile(r"-?[\d,]+\.\d\d")


def _norm(text: str) -> str:
    text = text.upper()
    if "$" in text:
        text = text.replace("$", "")
    text = text.rstrip(";:,.").strip('()"')  # "(NPI 2265611980)", a CSV's quoted cell
    return text.replace(",", "") if "," in text and _GROUPED_AMOUNT.fullmatch(text) else text


def _union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# --- rows from a text layer or from OCR words -------------------------------------------------------------

def text_rows(path: Path, ocr_rows: dict[int, list[Row]] | None = None) -> Iterator[Row]:
    """The rows of a PDF's pages in reading order, each word with its box from the text layer; a page that
    had none (a scan inside the PDF) from its OCR rows, kept by the first read."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                if len(text.strip()) < 20 or textpage.count_chars() != len(text):
                    yield from (ocr_rows or {}).get(index + 1, [])
                    continue
                width, height = page.get_size()
                yield from _rows_of_text(text, textpage, index + 1, width, height)
                textpage.close()
            finally:
                page.close()
    finally:
        document.close()


def _rows_of_text(text: str, textpage: Any, number: int, width: float, height: float) -> Iterator[Row]:
    offset = 0
    for line in text.split("\n"):
        row = Row()
        for match in re.finditer(r"\S+", line):
            for part_start, part_end in _parts(match.group()):
                start, end = offset + match.start() + part_start, offset + match.start() + part_end - 1
                first, last = textpage.get_charbox(start), textpage.get_charbox(end)
                left, bottom, right, top = min(first[0], last[0]), min(first[1], last[1]), max(first[2], last[2]), \
                    max(first[3], last[3])
                row.append(Token(_norm(match.group()[part_start:part_end]), number,
                                 (left / width, 1 - top / height, right / width, 1 - bottom / height), CERTAIN))
        offset += len(line) + 1
        if row:
            yield row


_JOINED_CODE = re.compile(r"[A-Z]\d{4}(?:[-:][A-Z0-9]{2})+")  # "E1390-RR-KX", "E1390:RR" (a composite, no qualifier)


_CODE_AND_AMOUNT = re.compile(r"[A-Z]{2}[A-Z0-9]?\d{0,3}[:=](?=\$?-?\d)")
# Modifiers joined by a slash ("RR/KX"), each holding a letter (a group and reason "CO/45" is one code).
_JOINED_MODIFIERS = re.compile(r"[A-Z0-9]*[A-Z][A-Z0-9]*(?:/[A-Z0-9]*[A-Z][A-Z0-9]*)+")


# The 835's composite of a service: its qualifier, the code and its modifiers ("HC:E0431:RR").
_COMPOSITE = re.compile(r"[A-Z]{2}[:>^][A-Z0-9]{5}(?:[:>^][A-Z0-9]{2})*")


# A flat file's delimiter inside a printed word ("CLM|BR1617...|MORALES,", "E1390,RR,1,289.25"): a bar, a
# semicolon, a comma (but the one of an amount that groups its thousands, "1,078.06", alone in its word).
_DELIMITER = re.compile(r"[|¦;,]")


def _delimited(word: str) -> bool:
    bare = word.rstrip(",")
    if _GROUPED_AMOUNT.fullmatch(bare.replace("$", "")):
        return False
    return bool(re.search(r"[|¦;]", bare)) or bare.count(",") >= 2 or bool(re.search(r",(?!\d{3}(?!\d))", bare))


def _parts(word: str) -> list[tuple[int, int]]:
    """Where the values of a printed word stand in it: a flat file's fields parted by its delimiter, a code
    joined to its modifiers ("E1390-RR-KX", "HC:E1390:RR:KX") or modifiers joined ("RR/KX") are a value each, an
    adjustment's code joined to its amount ("CO45:120.68", "CO45=120.68") two; any other word is one."""
    if len(word) > 1 and _delimited(word):
        out, start = [], 0
        for cut in [*_DELIMITER.finditer(word), None]:
            end = cut.start() if cut is not None else len(word)
            if end > start:
                out += [(start + a, start + b) for a, b in _parts(word[start:end])]
            start = cut.end() if cut is not None else end
        return out
    if (code := _CODE_AND_AMOUNT.match(word)) is not None:
        return [(0, code.end() - 1), (code.end(), len(word))]
    if _JOINED_MODIFIERS.fullmatch(word):
        return [(m.start(), m.end()) for m in re.finditer(r"[^/]+", word)]
    if _COMPOSITE.fullmatch(word):
        return [(m.start(), m.end()) for m in re.finditer(r"[^:>^]+", word)]
    if not _JOINED_CODE.fullmatch(word):
        return [(0, len(word))]
    return [(m.start(), m.end()) for m in re.finditer(r"[^-:]+", word)]


def ocr_rows(lines: Sequence[Sequence[Word]], number: int, size: tuple[int, int]) -> list[Row]:
    """OCR'd words grouped in lines (`ocr.lines_of`), as rows; words mended as the readers mend them."""
    width, height = size
    rows = []
    for words in lines:
        row = Row()
        for w in words:
            if _STRAY.match(w.text):
                continue
            text = fix_word(w.text)
            for start, end in _parts(text):  # each part's box its share of the word's width
                left = w.left + w.width * start / len(text)
                right = w.left + w.width * end / len(text)
                row.append(Token(_norm(text[start:end]), number,
                                 (left / width, w.top / height, right / width, (w.top + w.height) / height),
                                 max(w.conf, 0.0)))
        if row:
            rows.append(row)
    return rows


# --- what a value looks like in print ------------------------------------------------------------------------

def _forms(value: Any) -> list[list[str]]:
    """The ways a value is printed, each as the words it takes."""
    if isinstance(value, bool) or value is None:
        return []
    return _printed(type(value), value)  # type: ignore[return-value]


@functools.lru_cache(maxsize=8192)
def _printed(_: type, value: Any) -> list[list[str]]:
    """(Cached by type and value: a remittance prints "0.00" and its dates hundreds of times; the lists are
    only read.)"""
    if isinstance(value, Decimal):
        return [[f"{value:.2f}"]]
    if isinstance(value, dt.date):
        return [[value.strftime(f)] for f in ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%m-%d-%Y", "%m-%d-%y", "%m%d%y", "%m%d",
                                                      "%Y%m%d")] + \
            [[value.strftime(month).upper(), day, str(value.year)] for day in {str(value.day), f"{value.day:02d}"}
             for month in ("%b", "%B")]
    if isinstance(value, int):
        return [[str(value)], [f"{value}.00"]]  # a count printed as a quantity ("QTY 1.00")
    return [[_norm(part) for part in str(value).split()]] if str(value).strip() else []


def _at(row: Row, form: list[str], dated: bool, start: int = 0, end: int | None = None
        ) -> list[tuple[int, list[Token]]]:
    """The runs of tokens in the row (its tokens start..end) that print this form, each with its first token's
    place (a date may lead a range: "08/29/26-09/27/26")."""
    end = len(row) if end is None else min(end, len(row))
    if dated and len(form) == 1:
        return [(place, [row[place]]) for place in range(start, end) if row[place].text.startswith(form[0])]
    out = []
    for place in row.positions(form[0]):
        words = row[place:place + len(form)]
        if start <= place < end and len(words) == len(form) and all(t.text == f for t, f in zip(words[1:], form[1:])):
            out.append((place, words))
    return out


_FOLD = str.maketrans("OQDILSBZG", "000115826")


def _folded(rows: Sequence[Row], value: Any) -> list[tuple[int, Row]]:
    """An identifier the reader read again from its cell ("6JU5HC0YY55") where the page's words read it with
    lookalikes ("6JUSHCOYY5S"): the same word once lookalikes are folded together."""
    if not isinstance(value, str) or all(row.sure for row in rows):
        return []
    text = value.upper()
    if len(text) < 5 or " " in text:
        return []
    want = text.translate(_FOLD)
    return [(index, [token]) for index, row in enumerate(rows) if not row.sure for token in row
            if len(token.text) == len(text) and token.text.translate(_FOLD) == want]


def find(rows: Sequence[Row], value: Any) -> Found | None:
    """Where the value stands in these rows: its words when printed once; the row when printed more than once
    in one row; None when not found or found in several rows. A word found only with lookalikes folded has no
    confidence: its glyphs were read otherwise there."""
    if isinstance(value, list):
        parts = [find(rows, v) for v in value]
        if not value or any(p is None for p in parts) or len({p.page for p in parts if p}) != 1:
            return None
        return Found(parts[0].page, _union(p.box for p in parts if p), _lowest(p.confidence for p in parts if p))
    hits = [(index, run) for form in _forms(value) for index, row in enumerate(rows)
            for _, run in _at(row, form, isinstance(value, dt.date))]
    folded = not hits
    if folded:
        hits = _folded(rows, value)
    if not hits:
        return None
    if len(hits) == 1:
        _, run = hits[0]
        return Found(run[0].page, _union(t.box for t in run), None if folded else min(t.conf for t in run) / 100)
    if len({index for index, _ in hits}) == 1:
        row = rows[hits[0][0]]
        return Found(row[0].page, _union(t.box for t in row), None)
    return None


def _lowest(values: Iterable[float | None]) -> float | None:
    known = [v for v in values]
    return None if any(v is None for v in known) else min(known)  # type: ignore[type-var]


# --- a remittance, claim by claim -----------------------------------------------------------------------------

HEADER_ROWS = 12  # the payer, payee and payment stand in the first rows
LOOK_AHEAD = 3  # claims a walk may skip when one's opening row cannot be found


def remittance(remit: Any, rows: Iterable[Row]) -> dict[str, Found]:
    """Each field of a remittance (`models.Remittance`) found in its rows, walked once in order."""
    out: dict[str, Found] = {}
    rows = list(rows)
    _header(remit, rows[:HEADER_ROWS], out)
    walk = _ClaimWalk(remit, out)
    for row in _openings_first(remit.claims, rows):
        walk.row(row)
    walk.finish()
    return out


def in_order(remit: Any, rows: Iterable[Row]) -> dict[str, Found]:
    """Each field of a remittance written as prose (a letter: values run on from row to row, several service
    lines to a row), found in its words read as one stream: each claim from its number on, each of its lines
    from its code to the next line's, each value the first printing of it there (an adjustment's amount the
    last before its code); a value the letter never prints (a line's deductible with no PR-1) has no box."""
    out: dict[str, Found] = {}
    rows = list(rows)
    _header(remit, rows[:HEADER_ROWS], out)
    stream = Row(token for row in rows for token in row)
    walk = _Stream(stream, out)
    claims = remit.claims
    starts = [walk.first(claim.payer_claim_number or claim.account_number, 0, len(stream)) for claim in claims]
    done = 0
    for index, claim in enumerate(claims):
        start = starts[index]
        if start is None or start < done:
            continue
        end = next((s for s in starts[index + 1:] if s is not None and s > start), len(stream))
        walk.claim(f"claims.{index}", claim, start, end)
        done = end
    for index, plb in enumerate(remit.provider_adjustments):
        anchor = walk.first(plb.reference, done, len(stream)) if plb.reference else None
        if anchor is not None:
            for name in ("reason", "reference", "member_id", "amount"):
                walk.take(f"provider_adjustments.{index}.{name}", getattr(plb, name), max(anchor - 8, done),
                          anchor + 8)
    return out


class _Stream:
    """A prose remittance's words in order, and the fields found in them so far."""

    def __init__(self, stream: Row, out: dict[str, Found]) -> None:
        self.stream, self.out = stream, out
        self.used: set[int] = set()  # the words a field's box took: two fields of one value take two printings

    def claim(self, prefix: str, claim: Any, start: int, end: int) -> None:
        for name in ("payer_claim_number", "patient_name", "member_id", "account_number"):
            self.take(f"{prefix}.{name}", getattr(claim, name), start, end)
        codes = [self.first(line.procedure, start, end) if line.procedure else None for line in claim.lines]
        reached, line_at = start, start
        for number, line in enumerate(claim.lines):
            code = codes[number]
            if code is None or code < line_at:
                continue
            line_at = code
            line_end = next((c for c in codes[number + 1:] if c is not None and c > line_at), end)
            reached = max(reached, self.line(f"{prefix}.lines.{number}", line, line_at, line_end))
        # The claim's totals after its last line's words, before the next claim; a claim of one line totals what
        # its line prints (a total the letter does not tell, its allowed amount, is its line's).
        for name in ("billed", "allowed", "paid", "patient_responsibility"):
            self.take(f"{prefix}.{name}", getattr(claim, name), reached + 1, end)
            if f"{prefix}.{name}" not in self.out and len(claim.lines) == 1 and name != "patient_responsibility" \
                    and f"{prefix}.lines.0.{name}" in self.out:
                self.out[f"{prefix}.{name}"] = self.out[f"{prefix}.lines.0.{name}"]

    def line(self, prefix: str, line: Any, start: int, end: int) -> int:
        """A service line's fields between its code and the next line's; the place of the last word taken."""
        reached = start
        for name in ("procedure", "service_date", "modifiers", "units", "billed", "allowed", "paid", "remarks"):
            reached = max(reached, self.take(f"{prefix}.{name}", getattr(line, name), start, end) or start)
        shares = {"deductible": ("1",), "coinsurance": ("2", "3")}
        for index, adj in enumerate(line.adjustments):
            code = next((at for form in (f"{adj.group}-{adj.reason}", f"{adj.group}{adj.reason}")
                         if (at := self.take(f"{prefix}.adjustments.{index}.group", form, start, end)) is not None),
                        None)
            if code is None:
                continue
            self.out[f"{prefix}.adjustments.{index}.reason"] = self.out[f"{prefix}.adjustments.{index}.group"]
            reached = max(reached, code)
            runs = self._runs(adj.amount, start, code)
            if not runs:
                continue
            self._box(f"{prefix}.adjustments.{index}.amount", *runs[-1])
            amount = self.out[f"{prefix}.adjustments.{index}.amount"]
            # A line's deductible or coinsurance the letter tells only as its one PR adjustment's amount.
            for name, reasons in shares.items():
                told = [a for a in line.adjustments if a.group == "PR" and a.reason in reasons]
                if told == [adj] and getattr(line, name) == adj.amount:
                    self.out[f"{prefix}.{name}"] = amount
        return reached

    def first(self, value: Any, start: int, end: int) -> int | None:
        """Where the value is first printed from `start` on (before `end`)."""
        runs = self._runs(value, start, end)
        return runs[0][0] if runs else None

    def take(self, path: str, value: Any, start: int, end: int) -> int | None:
        """The value's first printing from `start` on, boxed under its path; the place of its last word."""
        if value is None or value == []:
            return None
        if isinstance(value, list):  # (each of a list's values the first after the one before)
            found, at = [], start
            for one in value:
                runs = self._runs(one, at, end)
                if not runs:
                    return None
                found.append(runs[0])
                at = runs[0][0] + len(runs[0][1])
            for place, words in found:
                self._box(path, place, words)
            self.out[path] = _as_found([t for _, words in found for t in words])
            return at - 1
        runs = self._runs(value, start, end)
        if not runs:
            return None
        place, words = runs[0]
        self._box(path, place, words)
        return place + len(words) - 1

    def _runs(self, value: Any, start: int, end: int) -> list[tuple[int, list[Token]]]:
        """Where in the words start..end the value is printed and no field's box stands yet, in order."""
        found = [run for form in _forms(value) for run in _at(self.stream, form, isinstance(value, dt.date), start, end)]
        return sorted((run for run in found if not self.used.intersection(range(run[0], run[0] + len(run[1])))),
                      key=lambda item: item[0])

    def _box(self, path: str, place: int, words: list[Token]) -> None:
        """The words at `place` boxed under the path, and no other field's any more."""
        self.used.update(range(place, place + len(words)))
        self.out[path] = _as_found(words)


def _as_found(run: list[Token]) -> Found:
    pages = {t.page for t in run}
    first = [t for t in run if t.page == run[0].page] if len(pages) > 1 else run
    return Found(first[0].page, _union(t.box for t in first), min(t.conf for t in first) / 100)


def _openings_first(claims: Sequence[Any], rows: list[Row]) -> list[Row]:
    """The rows in the order the walk reads a claim: its identifiers' row, then its lines. A report that prints
    each claim's lines first and its identifiers after them (its first line printed before the first claim's
    row) has each claim's row moved before the rows since the claim before it; boxes stay where they were
    printed."""
    if not claims or not claims[0].lines:
        return rows
    opening = next((i for i, row in enumerate(rows) if _opens(claims[0], row)), None)
    first_line = next((i for i, row in enumerate(rows) if _prints_line(claims[0].lines[0], row)), None)
    # (An export prints the claim on each of its lines: its first line's row is the claim's row, no line before it.)
    if opening is None or first_line is None or first_line >= opening:
        return rows
    out, segment, claim = rows[:first_line], [], 0
    for row in rows[first_line:]:
        if claim < len(claims) and _opens(claims[claim], row, claims[claim - 1] if claim else None):
            out += [row, *segment]
            segment, claim = [], claim + 1
        else:
            segment.append(row)
    return out + segment


def _header(remit: Any, head: list[Row], out: dict[str, Found]) -> None:
    for path, value in (("payer.name", remit.payer.name), ("payer.id", remit.payer.id),
                        ("payee.name", remit.payee.name), ("payee.npi", remit.payee.npi),
                        ("payment.method", remit.payment.method), ("payment.number", remit.payment.number),
                        ("payment.date", remit.payment.date), ("payment.amount", remit.payment.amount)):
        if value is not None and (found := _first(head, value)) is not None:
            out[path] = found


def _first(rows: list[Row], value: Any) -> Found | None:
    """The value in the first row that prints it (the header names the payment once; totals repeat it)."""
    for row in rows:
        if (found := find([row], value)) is not None:
            return found
    return None


class _ClaimWalk:
    """Rows in order: a claim starts at the row printing its identifiers; its service lines follow; whatever
    rows come after its last line and before the next claim hold its totals (or, after the last claim, the
    provider-level adjustments)."""

    def __init__(self, remit: Any, out: dict[str, Found]) -> None:
        self.claims = remit.claims
        self.plbs = remit.provider_adjustments
        self.out = out
        self.claim = -1  # the claim being walked
        self.line = 0  # its next service line
        self.rows: list[Row] = []  # the claim's rows so far
        self.line_rows: list[int] = []  # where in them each service line started
        self.cards: set[int] = set()  # the service lines printed as cards, one value to a row

    def row(self, row: Row) -> None:
        # The next claim opens here; or one a little further, when the next one's identifiers were not printed
        # as read (a garbled row): the claims between keep no boxes.
        opened = False
        for following in range(self.claim + 1, min(self.claim + 1 + LOOK_AHEAD, len(self.claims))):
            if _opens(self.claims[following], row, self.claims[self.claim] if self.claim >= 0 else None):
                self._close()
                self.claim, self.line, self.rows, self.line_rows, self.cards = following, 0, [], [], set()
                opened = True
                break
        if self.claim < 0:
            return
        claim = self.claims[self.claim]
        # The row that opens a claim is its first line's too where an export prints the claim on every line:
        # told by the line's code there (a claim's header may print its billed total and its dates).
        first_line = opened and claim.lines and claim.lines[0].procedure is not None \
            and find([row], claim.lines[0].procedure) is not None
        if self.line < len(claim.lines) and (self.rows or first_line):
            if _prints_line(claim.lines[self.line], row):
                self.line_rows.append(len(self.rows))
                self.line += 1
            elif _opens_card(claim.lines[self.line], row):
                self.cards.add(self.line)
                self.line_rows.append(len(self.rows))
                self.line += 1
        self.rows.append(row)

    def finish(self) -> None:
        self._close()

    def _close(self) -> None:
        if self.claim < 0:
            return
        claim, rows, prefix = self.claims[self.claim], self.rows, f"claims.{self.claim}"
        first_line = self.line_rows[0] if self.line_rows else len(rows)
        ids = rows[:max(first_line, 1)][:3]
        for name in ("patient_name", "member_id", "account_number", "payer_claim_number"):
            self._put(f"{prefix}.{name}", ids, getattr(claim, name))
        # Lines no row of their own prints may stand side by side, a column each (`_across`).
        across = self._across(claim, prefix, rows) if len(self.line_rows) < len(claim.lines) else None
        if across is not None:
            after = rows[across + 1:]
        else:
            bounds = self.line_rows + [len(rows)]
            for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
                line = claim.lines[number]
                # The line's own row first; what it does not print, in the rows before the next line (remarks,
                # adjustments on a row of their own) but not past the claim's totals; a card's rows, each its own.
                scope = rows[start:min(end, start + (CARD_ROWS if number in self.cards else 3))]
                self._line(f"{prefix}.lines.{number}", line, [rows[start]], scope)
            after = rows[self.line_rows[-1] + 1:] if self.line_rows else []
        # A claim's row may print its totals before its lines (the 835's CLP): there first, then the rows after
        # its lines. With no totals there (an export prints none; the rows after may be the provider
        # adjustments'), a claim of one line totals what its line prints; the sums of several lines are printed
        # nowhere.
        places = [rows[:first_line], after[:4], rows if len(claim.lines) == 1 else []]
        for name in ("billed", "allowed", "paid", "patient_responsibility"):
            for place in places:
                if f"{prefix}.{name}" not in self.out:
                    self._put(f"{prefix}.{name}", place, getattr(claim, name), first=True)
        if self.claim == len(self.claims) - 1:
            self._plbs(after)

    def _across(self, claim: Any, prefix: str, rows: list[Row]) -> int | None:
        """A claim whose lines stand side by side (a table printed across: a row for each field, a column for
        each line): each line's values found in its own column, from the row above its code that prints its
        date down to the next block's. The last row any line's value stands on; None where no rows print every
        line's code left to right."""
        blocks, done = [], 0
        for index, row in enumerate(rows):
            lefts = _codes_across(claim.lines[done:], row)
            if lefts:
                blocks.append((index, done, lefts))
                done += len(lefts)
            if done == len(claim.lines):
                break
        if done < len(claim.lines):
            return None
        last = 0
        for number, (code_row, line_from, lefts) in enumerate(blocks):
            # The block's rows: from the one after the block before it's code row to the next block's code row.
            floor = blocks[number - 1][0] + 1 if number else 0
            end = blocks[number + 1][0] if number + 1 < len(blocks) else len(rows)
            for offset, left in enumerate(lefts):
                right = lefts[offset + 1] if offset + 1 < len(lefts) else 1.0
                column = {i: Row(t for t in rows[i] if left - _COLUMN_SLACK <= t.box[0] < right - _COLUMN_SLACK)
                          for i in range(floor, end)}
                line = claim.lines[line_from + offset]
                start = code_row
                while start > floor and line.service_date is not None and find([column[start - 1]], line.service_date):
                    start -= 1
                scope = [column[i] for i in range(start, end) if column[i]]
                self._line(f"{prefix}.lines.{line_from + offset}", line, [column[code_row]], scope)
                boxes = {found.box for found in self._line_found(f"{prefix}.lines.{line_from + offset}", line)}
                last = max([last, *(i for i in range(start, end) if any(t.box in boxes for t in column[i]))])
        return last

    def _line_found(self, prefix: str, line: Any) -> Iterator[Found]:
        """What `_line` found of the line's fields."""
        paths = [f"{prefix}.{name}" for name in _LINE_FIELDS] + [
            f"{prefix}.adjustments.{index}.{name}" for index in range(len(line.adjustments))
            for name in ("group", "amount")]
        return (found for path in paths if (found := self.out.get(path)) is not None)

    def _line(self, prefix: str, line: Any, own: list[Row], scope: list[Row]) -> None:
        for name in _LINE_FIELDS:
            value = getattr(line, name)
            if value in (None, []):
                continue
            # Else the first row of its scope that prints it (a letter names the amounts on the row below the
            # line's, and the patient's share again among the adjustments); else, on a scan, the line's row
            # (a misread put right stands there). A text layer's value printed nowhere (a deductible the
            # adjustments tell) has no box.
            found = find(own, value) or _first(scope, value) or (None if own[0].sure else _row(own[0]))
            if found is not None:
                self.out[f"{prefix}.{name}"] = found
        for index, adj in enumerate(line.adjustments):
            code = self._code(own, adj.group, adj.reason) or self._code(scope, adj.group, adj.reason)
            if code is not None:
                self.out[f"{prefix}.adjustments.{index}.group"] = self.out[f"{prefix}.adjustments.{index}.reason"] = code
            beside_code = next((found for row in scope if self._code([row], adj.group, adj.reason)
                                and (found := find([row], adj.amount)) is not None), None)
            self.out[f"{prefix}.adjustments.{index}.amount"] = (find(own, adj.amount) or beside_code
                                                               or find(scope, adj.amount) or _row(own[0]))

    @staticmethod
    def _code(rows: list[Row], group: str, reason: str) -> Found | None:
        for form in (f"{group}-{reason}", f"{group}{reason}", f"{group}/{reason}"):
            if (found := find(rows, form)) is not None:
                return found
        return find(rows, f"{group} {reason}")

    def _plbs(self, rows: list[Row]) -> None:
        for index, plb in enumerate(self.plbs):
            at = next((i for i, r in enumerate(rows) if plb.reference and find([r], plb.reference)), None)
            if at is None:
                at = next((i for i, r in enumerate(rows) if find([r], plb.amount)), None)
            if at is None:
                continue
            for name in ("reason", "reference", "member_id", "amount"):
                # Its row; else, where a card prints one value a row ("Reason Code: L6" over "Reference: ..."),
                # the rows about it.
                value = getattr(plb, name)
                if value is not None and (found := find([rows[at]], value) or _first(rows[max(at - 1, 0):at + 4],
                                                                                     value)):
                    self.out[f"provider_adjustments.{index}.{name}"] = found

    def _put(self, path: str, rows: list[Row], value: Any, *, first: bool = False) -> None:
        if value is None or not rows:
            return
        found = _first(rows, value) if first else find(rows, value)
        if found is not None:
            self.out[path] = found


_AMOUNT_WORD = re.compile(r"-?\d[\d,]*\.\d\d")


def _row(row: Row) -> Found:
    """The row a line was read from: where a value not printed as read (a misread the arithmetic put right)
    stands, without saying which word."""
    return Found(row[0].page, _union(t.box for t in row), None)


def _opens(claim: Any, row: Row, walked: Any = None) -> bool:
    """The row prints the claim's payer claim number or its account (identifiers no other row repeats); only its
    number where the claim walked before it is the same patient's (their account is on both)."""
    shared = walked is not None and claim.payer_claim_number and claim.account_number == walked.account_number
    return any(v and find([row], v) for v in (claim.payer_claim_number, None if shared else claim.account_number))


CARD_ROWS = 14  # a service line's card: a row for each of its values


def _opens_card(line: Any, row: Row) -> bool:
    """The row opens a service line's card: it prints the line's date of service under a label that says so
    ("Date(s) of Service: 03/23/2026 - 03/23/2026") and no amount (each has a row of its own below)."""
    return line.service_date is not None and find([row], line.service_date) is not None and any(
        t.text.startswith(("DATE", "DOS", "SERVICE")) for t in row) and not any(
        _AMOUNT_WORD.fullmatch(t.text) for t in row)


_LINE_FIELDS = ("service_date", "place_of_service", "procedure", "modifiers", "units", "billed", "allowed",
                "deductible", "coinsurance", "paid", "remarks")
_COLUMN_SLACK = 0.004  # a column's words start this far left of its code at most (a fraction of the page)


def _codes_across(lines: Sequence[Any], row: Row) -> list[float]:
    """Where the row prints the codes of these lines (the first of them on), left to right after a label: the
    left edge of each code found in turn (empty where the first is not printed so)."""
    lefts: list[float] = []
    if any(_AMOUNT_WORD.fullmatch(t.text) for t in row):
        return lefts  # a line's own row (its code and its amounts), not a row of codes across
    at = 1  # (a label first: a line's own row starts with its date or its code)
    for line in lines:
        if line.procedure is None:
            break
        place = next((p for p in row.positions(_norm(line.procedure)) if p >= at), None)
        if place is None:
            break
        lefts.append(row[place].box[0])
        at = place + 1
    return lefts


def _prints_line(line: Any, row: Row) -> bool:
    """The row prints the line's billed amount and its code or, where the code was misread (read otherwise than
    printed, "£1390-RR"), its date of service; or, where a letter names the amounts on the row below, its code
    and its date and no amount at all."""
    keys = [k for k in (line.procedure, line.service_date) if k is not None]
    if find([row], line.billed) is not None:
        return any(find([row], k) is not None for k in keys)
    return len(keys) == 2 and all(find([row], k) is not None for k in keys) and not any(
        _AMOUNT_WORD.fullmatch(t.text) for t in row)


# --- a faxed form -------------------------------------------------------------------------------------------

_MARKED = {"certification_type", "condition", "portable", "q2_circumstance", "q7_edema", "q8_cor_pulmonale",
           "q9_hematocrit", "signature_present"}


def form(document: Any, rows: list[Row]) -> dict[str, Found]:
    """Each field of a CMN or written order found on its page: where its value is printed once."""
    out: dict[str, Found] = {}
    for path, value in _leaves(document.model_dump(exclude={"problems", "review", "pages", "ocr", "fields",
                                                            "valid", "document_type", "form"})):
        if path.rpartition(".")[2] in _MARKED:
            continue  # read from a check mark or a circled answer: the word printed there is the form's own label
        if isinstance(value, int) and value < 10:  # (no bools: `_leaves` leaves them out)
            continue  # a small number ("1", "2") is printed all over a form: no one place is it
        if isinstance(value, str) and len(value) < 2:
            continue  # a Y/N answer likewise
        if (found := find(rows, value)) is not None:
            out[path] = found
    return out


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for index, inner in enumerate(value):
            yield from _leaves(inner, f"{prefix}.{index}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            if inner is not None:
                yield f"{prefix}.{index}", inner
    elif value is not None and not isinstance(value, bool):
        yield prefix, value
