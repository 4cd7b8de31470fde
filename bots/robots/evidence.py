"""The page of a remittance a claim is on, cut out as its own PDF for the item a person opens."""

from __future__ import annotations

import io

import pypdfium2 as pdfium


class RemittancePages:
    """A remittance's pages, their text read once when an item first needs a claim's page: a remittance of a
    few hundred claims was read again in full for each claim (each claim's search cost as much as the document
    had pages), though a claim that posts cleanly files nothing to attach it to."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            source = pdfium.PdfDocument(self.pdf)
            try:
                texts = []
                for index in range(len(source)):
                    textpage = source[index].get_textpage()
                    texts.append(textpage.get_text_range())
                    textpage.close()
                self._texts = texts
            finally:
                source.close()
        return self._texts

    def pages_with(self, needle: str) -> list[int]:
        """The 0-based indexes of the pages whose text contains `needle`."""
        return [index for index, text in enumerate(self.texts()) if needle in text] if needle else []

    def with_text(self, needle: str) -> bytes | None:
        """A PDF of the pages whose text contains `needle`; None for a scan (no text layer) or when nothing
        matches."""
        found = self.pages_with(needle)
        if not found:
            return None
        source = pdfium.PdfDocument(self.pdf)
        out = pdfium.PdfDocument.new()
        try:
            out.import_pages(source, found)
            buffer = io.BytesIO()
            out.save(buffer)
            return buffer.getvalue()
        finally:
            out.close()
            source.close()


def pages_with(pdf: bytes, needle: str) -> bytes | None:
    """A PDF of the pages of `pdf` whose text contains `needle` (see RemittancePages.with_text)."""
    return RemittancePages(pdf).with_text(needle)
