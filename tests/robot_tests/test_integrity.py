"""A download is read only when it is whole: damage the sandbox's corrupt-download fault makes is caught."""

from __future__ import annotations

import io

from PIL import Image

from bots.runtime import integrity
from sandbox.documents import pdf, scan


def _damaged(body: bytes, at: int) -> bytes:
    # As the sandbox's corrupt_pdf_rate fault does: 512 bytes changed, the length kept.
    return body[:at] + bytes(b ^ 0x5A for b in body[at:at + 512]) + body[at + 512:]


def _remittance() -> bytes:
    lines = [f"ACNT 10000{n}-1  ICN 2126{n:09d}  E1390 RR  11/0{1 + n % 9}/26  {100 + n}.00  {80 + n}.00"
             for n in range(400)]
    return pdf.text_pages([lines[k:k + 60] for k in range(0, len(lines), 60)], title="SPR")


def test_a_text_remittance_is_proved_whole_and_no_damage_passes_for_whole() -> None:
    body = _remittance()
    assert integrity.check(body, "application/pdf") == integrity.Verdict(True)
    verdicts = [integrity.check(_damaged(body, at), "application/pdf") for at in range(0, len(body) - 512, 53)]
    assert len(verdicts) > 100
    assert not any(v.whole for v in verdicts)  # never "whole": damaged, or unknown (then downloaded again)
    assert sum(v.damaged for v in verdicts) / len(verdicts) > 0.95
    assert integrity.check(body[: len(body) // 2] + body[-40:], "application/pdf").damaged


def test_a_fax_without_a_checksum_is_not_proved_whole_from_one_copy() -> None:
    page = Image.new("L", (1700, 2200), 255)
    image_pdf = pdf.image_pages([page.convert("1")])
    assert integrity.check(image_pdf, "application/pdf").whole is None
    tiff = scan.tiff_g4([page.convert("1")])
    assert integrity.check(tiff, "image/tiff").whole is None
    assert integrity.check(tiff[: len(tiff) // 3], "image/tiff").damaged


def test_an_image_that_does_not_decode_is_damaged() -> None:
    out = io.BytesIO()
    Image.new("L", (200, 200), 128).save(out, format="TIFF", compression="tiff_deflate")
    body = out.getvalue()
    assert integrity.check(body, "image/tiff").whole is None
    assert integrity.check(_damaged(body, 8), "image/tiff").damaged


def test_two_copies_of_a_pdf_made_on_each_request_agree_and_a_damaged_one_does_not() -> None:
    # A portal that makes the PDF on each request stamps it with the time: the bytes differ, the document not.
    page = Image.new("L", (850, 1100), 255)
    first = pdf.image_pages([page.convert("1")], title="EOB")
    stamped = first.replace(b"/Producer", b"/CreationDate (D:20261204151510Z) /ModDate (D:20261204151510Z) /Producer")
    restamped = first.replace(b"/Producer", b"/CreationDate (D:20261204151511Z) /ModDate (D:20261204151511Z) /Producer")
    assert stamped != restamped
    assert integrity.fingerprint(stamped, "application/pdf") == integrity.fingerprint(restamped, "application/pdf")
    assert integrity.fingerprint(_damaged(stamped, len(stamped) // 2), "application/pdf") != \
        integrity.fingerprint(stamped, "application/pdf")
