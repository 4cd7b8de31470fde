"""The page of a remittance a claim is on, cut out as its own PDF for the item a person opens."""

from __future__ import annotations

import io

import pypdfium2 as pdfium


def pages_with(pdf: bytes, needle: str) -> bytes | None:
    """A PDF of the pages whose text contains `needle`; None for a scan (no text layer) or when nothing matches."""
    if not needle:
        return None
    source = pdfium.PdfDocument(pdf)
    try:
        found = []
        for index in range(len(source)):
            page = source[index]
            text = page.get_textpage().get_text_range()
            if needle in text:
                found.append(index)
        if not found:
            return None
        out = pdfium.PdfDocument.new()
        out.import_pages(source, found)
        buffer = io.BytesIO()
        out.save(buffer)
        out.close()
        return buffer.getvalue()
    finally:
        source.close()
