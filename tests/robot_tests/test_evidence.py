"""A claim's item carries the page of the remittance the claim is on."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from bots.robots.evidence import pages_with
import samples


def _pdf(pages: list[list[str]]) -> bytes:
    out = pdfium.PdfDocument.new()
    for lines in pages:
        one = pdfium.PdfDocument(samples.text_pdf(lines))
        out.import_pages(one)
        one.close()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_the_page_holding_the_account_is_cut_out() -> None:
    pdf = _pdf([["CHECK 123 PAGE ONE", "ACNT 111111-1"], ["ACNT 222222-2 BILLED 100.00"], ["ACNT 333333-3"]])
    page = pages_with(pdf, "222222-2")
    assert page is not None
    doc = pdfium.PdfDocument(page)
    assert len(doc) == 1 and "222222-2" in doc[0].get_textpage().get_text_range()
    assert pages_with(pdf, "999999-9") is None
    assert pages_with(pdf, "") is None
