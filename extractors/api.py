"""`extract(path)`: open, detect the document type from its content, read, validate."""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Iterator

from .exceptions import UnknownDocumentType
from .models import Document
from .pages import Page, pages
from .remittance import balance, commercial, spr


class _Counted:
    """Page lines in reading order, counting pages as they stream past."""

    def __init__(self, first: Page, rest: Iterator[Page]) -> None:
        self.first = first
        self.rest = rest
        self.pages = 0
        self.ocr = False

    def lines(self) -> Iterator[str]:
        for page in chain([self.first], self.rest):
            self.pages += 1
            text = page.text
            if text is None:
                from .ocr import page_text

                text = page_text(page)
                self.ocr = True
            yield from text.splitlines()


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
    if first.text is None:
        from .ocr import page_text

        first.text = page_text(first)
        scanned = True
    else:
        scanned = False
    kind = detect(first.text)
    counted = _Counted(first, stream)
    if kind in ("spr", "commercial"):
        parser = spr.parse if kind == "spr" else commercial.parse
        remit, printed, review = parser(counted.lines())
        remit.review = review
        balance.check(remit, printed)  # type: ignore[arg-type]
        remit.pages, remit.ocr = counted.pages, scanned or counted.ocr
        return remit
    raise UnknownDocumentType(f"reading {kind.upper()} documents is not built yet")
