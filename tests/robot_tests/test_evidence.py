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


def test_a_claims_item_carries_its_doubts_and_boxes_by_paths_within_the_claim_on_the_cut_out_pages() -> None:
    from bots.robots.eob_posting import _Evidence, _on_pages, claim_view
    from bots.robots.evidence import RemittancePages
    from bots.robots.base import Attachment

    from extractors.models import Remittance

    remit = Remittance.model_validate({
        "claims": [{"account_number": "111111-1", "lines": []}, {"account_number": "222222-2", "lines": []}],
             "review": ["claims.1.lines.0.paid", "claims.10.member_id"],
             "fields": {"claims.1.lines.0.paid": {"page": 2, "box": [0.1, 0.2, 0.3, 0.25], "confidence": 0.71},
                        "claims.0.lines.0.paid": {"page": 1, "box": [0.1, 0.2, 0.3, 0.25], "confidence": 1.0},
                        "claims.10.member_id": {"page": 3, "box": [0.1, 0.2, 0.3, 0.25], "confidence": 1.0}}})
    view = claim_view(remit, 1, ["claims.1.lines.0.paid"])
    assert view["review"] == ["lines.0.paid"] and list(view["fields"]) == ["lines.0.paid"]
    assert claim_view(remit, 1, ["claims.1"])["review"] == [""]  # the whole claim in doubt
    # Filed with the claim's own page cut out of a three-page remittance: page 2 is the cut-out's page 1.
    pdf = _pdf([["CHECK 123", "ACNT 111111-1"], ["ACNT 222222-2 BILLED 100.00"], ["ACNT 333333-3"]])
    evidence = _Evidence(RemittancePages(pdf), Attachment("EOB-123.pdf", pdf, "document"))
    item = _on_pages({"payload": {"extracted": view}}, evidence.page_numbers("222222-2"))
    assert item["payload"]["extracted"]["fields"]["lines.0.paid"]["page"] == 1
    assert view["fields"]["lines.0.paid"]["page"] == 2  # the claim's own copy is left as it was
    # Filed with the whole document (a scan): the pages stand.
    assert _on_pages({"payload": {"extracted": view}}, None)["payload"]["extracted"] is view
