"""`extract(path)`: open, detect the document type from its content, read, validate."""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Iterator

from .exceptions import UnknownDocumentType
from .lines import Line, from_text
from .models import Document
from .pages import Page, pages
from .remittance import balance, commercial, repair, spr


class _Counted:
    """Page lines in reading order, counting pages as they stream past."""

    def __init__(self, first: Page, first_lines: list[Line], rest: Iterator[Page]) -> None:
        self.first = first
        self.first_lines = first_lines
        self.rest = rest
        self.pages = 1
        self.ocr = first.text is None

    def lines(self) -> Iterator[Line]:
        yield from self.first_lines
        for page in self.rest:
            self.pages += 1
            if page.text is None:
                self.ocr = True
            yield from page_lines(page)


def page_lines(page: Page) -> list[Line]:
    if page.text is not None:
        return from_text(page.text)
    from .ocr import lines_of, page_words

    return [Line.from_words(words) for words in lines_of(page_words(page))]


def detect(text: str) -> str:
    upper = text.upper()
    if spr.MARKER in upper:
        return "spr"
    if commercial.MARKER in upper:
        return "commercial"
    if "CERTIFICATE OF MEDICAL NECESSITY" in upper:
        return "cmn"
    if "STANDARD WRITTEN ORDER" in upper:
        return "swo"
    raise UnknownDocumentType("not a remittance, CMN or written order (no known title on the first page)")


def extract(path: Path | str) -> Document:
    path = Path(path)
    stream = pages(path)
    try:
        return _extract(stream)
    finally:
        stream.close()  # closes the PDF even when reading stopped half-way


def _extract(stream: Iterator[Page]) -> Document:
    first = next(stream)
    first_lines = page_lines(first)
    kind = detect("\n".join(line.text for line in first_lines))
    counted = _Counted(first, first_lines, stream)
    if kind in ("spr", "commercial"):
        parser = spr.parse if kind == "spr" else commercial.parse
        remit, printed, review = parser(counted.lines())
        remit.pages, remit.ocr = counted.pages, counted.ocr
        if remit.ocr:
            review.extend(repair.repair(remit))
        remit.review = review
        balance.check(remit, printed)  # type: ignore[arg-type]
        return remit
    raise UnknownDocumentType(f"reading {kind.upper()} documents is not built yet")
