"""`extract(path)`: open, detect the document type from its content, read, validate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from PIL import Image

from .exceptions import ExtractError, ReaderFailed, UnknownDocumentType, UnknownRemittanceLayout
from .forms.rules import DEFAULT_RULES, RuleSet
from .lines import Line, from_text
from . import locate
from .models import Document, Remittance
from .pages import Page, kind_of, pages
from .remittance import balance, by_columns, commercial, letter, records, repair, segments, spr, transposed

DETECT_PAGES = 3  # a title must appear within the first pages


class _Counted:
    """Page lines in reading order, counting pages as they stream past; an OCR'd page's words are kept (as
    rows with their boxes) for `locate`, a text page's are read again from the file."""

    def __init__(self, first: list[tuple[Page, "_Reading"]], rest: Iterator[Page]) -> None:
        self.first = [(page, looked_again(reading)) for page, reading in first]
        self.rest = rest
        self.pages = len(first)
        self.ocr = any(page.text is None for page, _ in first)
        self.ocr_rows = {page.number: reading.rows for page, reading in first if reading.rows}

    def lines(self) -> Iterator[Line]:
        for _, reading in self.first:
            yield from reading.lines
        for page in self.rest:
            self.pages += 1
            reading = read(page, look_again=True)
            if page.text is None:
                self.ocr = True
                self.ocr_rows[page.number] = reading.rows
            yield from reading.lines


@dataclass
class _Reading:
    lines: list[Line]
    image: Image.Image | None = None
    words: list[Any] | None = None
    grey: Image.Image | None = None
    rows: list[locate.Row] | None = None  # the OCR'd words with their boxes, for `locate`
    page_number: int = 0


def read(page: Page, *, look_again: bool = False) -> _Reading:
    """A page's lines; an OCR'd page's with its words, and with `look_again` its identifiers read a second
    time (`second_look`: a remittance's, which no arithmetic holds)."""
    if page.text is not None:
        return _Reading(from_text(page.text))
    from .ocr import read_scan

    image, grey, words = read_scan(page)
    if look_again:
        from .second_look import doubted

        words = doubted(words, image)
    return _with_lines(_Reading([], image, words, grey, page_number=page.number))


def _with_lines(reading: _Reading) -> _Reading:
    from .ocr import lines_of

    assert reading.image is not None and reading.words is not None
    grouped = lines_of(reading.words)
    reading.lines = [Line.from_words(ws) for ws in grouped]
    reading.rows = locate.ocr_rows(grouped, reading.page_number, reading.image.size)
    return reading


def looked_again(reading: _Reading) -> _Reading:
    """An OCR'd page's reading with its identifiers' second read (`second_look`); a text page's as it is."""
    if reading.image is None or reading.words is None:
        return reading
    from .second_look import doubted

    words = doubted(reading.words, reading.image)
    if words == reading.words:
        return reading  # nothing in doubt: the lines read from them stand
    reading.words = words
    return _with_lines(reading)


def detect(text: str) -> str:
    upper = text.upper()
    if spr.MARKER in upper:
        return "spr"
    if commercial.MARKER in upper:
        return "commercial"
    if records.detect(upper):
        return "records"  # a flat file printed as stored: records read by the field names rows declare
    if segments.detect(upper):
        return "segments"  # the 835 printed segment by segment, read by what each segment means
    if letter.detect(text):
        return "letter"  # a letter: each sentence tells one thing, each value named by the words beside it
    if by_columns.detect(upper) or transposed.detect(upper):
        return "columns"  # a remittance in a layout no reader was written for: read by its labels and columns
    # The form readers bring the OCR stack (OpenCV, numpy: 30 MiB) with them: loaded only past the
    # remittance titles, so reading a text remittance never loads it.
    from .forms import cmn, swo

    if cmn.detect(upper):
        return "cmn"
    if _remittance_told(upper):
        # A payment, its claims and their amounts that no remittance reader knows how to read: refused whole
        # (a person reads it), never taken for an order that names a code and a patient too.
        raise UnknownRemittanceLayout("a remittance in a layout no reader knows (a payment, claims and their "
                                      "amounts); send it to a person whole")
    if swo.detect(upper):
        return "swo"
    raise UnknownDocumentType("not a remittance, CMN or written order (no known title on the first pages)")


_PAYMENT_WORD = re.compile(r"\b(?:REMITTANCE|REMIT|CHECK|EFT|TRACE|PAYMENT|VOUCHER|WARRANT|PAID)\b")
_MONEY = re.compile(r"\d\.\d\d\b")


def _remittance_told(upper: str) -> bool:
    """A page that tells a payment and its claims' amounts (five amounts or more: an order or a CMN prints a
    charge or two at most)."""
    return bool(_PAYMENT_WORD.search(upper) and re.search(r"\bCLAIMS?\b", upper)) and len(_MONEY.findall(upper)) >= 5


def _by_columns(lines: Iterable[Line]) -> tuple[Remittance, dict[int, object], list[str]]:
    """The columns reader, each table printed across (a line to a column) turned into its rows first."""
    return by_columns.parse(transposed.rows(lines))


_REMITTANCE_READERS = {"spr": spr.parse, "commercial": commercial.parse, "columns": _by_columns,
                       "segments": segments.parse, "records": records.parse,
                       "letter": letter.parse}


def extract(path: Path | str, rules: RuleSet = DEFAULT_RULES) -> Document:
    path = Path(path)
    stream = pages(path)
    try:
        document, ocr_rows, kind = _extract(stream, rules)
        if isinstance(document, Remittance):
            rows = (locate.text_rows(path, ocr_rows) if kind_of(path) == "pdf"
                    else (row for number in sorted(ocr_rows) for row in ocr_rows[number]))
            # A letter's values run on from row to row: found in its words in order, not row by row.
            found = locate.in_order(document, rows) if kind == "letter" else locate.remittance(document, rows)
            document.fields = locate.as_boxes(found)
        return document
    except ExtractError:
        raise
    except (ValueError, ArithmeticError, IndexError, KeyError, OSError) as exc:
        # A reader bug must not take the robot down with it: one typed error, naming the cause.
        raise ReaderFailed(f"{path.name}: the reader failed ({type(exc).__name__}); "
                           "send the file to the RPA admin team") from exc
    finally:
        stream.close()  # closes the PDF even when reading stopped half-way


def _extract(stream: Iterator[Page], rules: RuleSet) -> tuple[Document, dict[int, list[locate.Row]], str]:
    """The document read, the OCR'd pages' rows (for `locate`) and the kind its content was told for."""
    seen: list[tuple[Page, _Reading]] = []
    kind = None
    told: UnknownRemittanceLayout | None = None  # a page's refusal that says more than "no known title"
    # A fax may open with a cover sheet: look for a title on the first few pages.
    for page in stream:
        reading = read(page)
        seen.append((page, reading))
        try:
            kind = detect("\n".join(line.text for line in reading.lines))
            break
        except UnknownDocumentType as refused:
            told = told or (refused if isinstance(refused, UnknownRemittanceLayout) else None)
            if len(seen) >= DETECT_PAGES or page.text is not None:
                raise (told or refused) from None
    if kind is None:
        raise UnknownDocumentType("not a remittance, CMN or written order (no known title on the first pages)")
    page, reading = seen[-1]
    if kind in _REMITTANCE_READERS:
        parser = _REMITTANCE_READERS[kind]
        counted = _Counted(seen, stream)
        remit, printed, review = parser(counted.lines())
        remit.pages, remit.ocr = counted.pages, counted.ocr
        if remit.ocr:
            allowed_less_share = kind == "commercial" or (
                kind in ("columns", "segments", "records", "letter") and repair.pays_allowed_less_share(remit))
            review.extend(repair.repair(remit, paid_is_allowed_less_share=allowed_less_share,
                                        allowed_read=kind != "segments"))
        if kind == "segments":
            review.extend(segments.derived_in_doubt(remit, review))
        remit.review = review
        balance.check(remit, printed)  # type: ignore[arg-type]
        return remit, counted.ocr_rows, kind
    if reading.image is None or reading.words is None:
        raise UnknownDocumentType(f"a {kind.upper()} with a text layer: only faxed (scanned) forms are read")
    from .forms import cmn, swo
    from .forms.layout import Form

    form = Form(reading.image, reading.words, reading.grey)
    document = cmn.read(form, rules) if kind == "cmn" else swo.read(form, rules)
    remaining = sum(1 for _ in stream)  # the pages after the form (attachments) are counted, not read
    document.pages = len(seen) + remaining
    document.ocr = True
    document.fields = locate.as_boxes(locate.form(document, reading.rows or []))
    return document, {}, kind
