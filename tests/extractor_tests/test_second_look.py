"""A scanned page's identifiers read again alone (`extractors.second_look`), with the real Tesseract: a digit the
page's read got wrong at a trusted confidence is in doubt, a word both reads agree on keeps its confidence."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from extractors import extract, second_look
from extractors.second_look import DISAGREED, contradicts, doubted
from extractors.words import Word
from sandbox.documents import pdf, scan
from sandbox.documents.scan import font
from test_remittances_by_columns import OTHER_PAYER


def _printed(*texts: str) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
    """A 300 dpi strip of typewritten words, and each word's box."""
    image = Image.new("L", (2400, 160), 255)
    draw = ImageDraw.Draw(image)
    face = font(10, mono=True, dpi=300)
    boxes, x = [], 40
    for text in texts:
        left, top, right, bottom = draw.textbbox((x, 60), text, font=face)
        draw.text((x, 60), text, fill=0, font=face)
        boxes.append((left, top, right - left, bottom - top))
        x = right + 60
    return image, boxes


def _word(text: str, box: tuple[int, int, int, int], conf: float = 86.0) -> Word:
    return Word(text, conf, *box, (1, 1, 1))


def test_a_digit_the_page_misread_is_in_doubt_and_an_agreed_word_is_not() -> None:
    # The page's read of "521435-2" was "522435-2" at 86 (a voucher's patient account, posted silently once).
    image, boxes = _printed("PT", "CONTROL", "521435-2", "BRX624874473")
    found = [_word("PT", boxes[0], 96), _word("CONTROL", boxes[1], 95), _word("522435-2", boxes[2]),
             _word("BRX624874473", boxes[3], 92)]
    after = doubted(found, image)
    assert after[2].conf == DISAGREED and after[2].text == "522435-2"  # the text stays; the doubt is its confidence
    assert [w.conf for i, w in enumerate(after) if i != 2] == [96, 95, 92]


def test_only_trusted_identifiers_are_read_again() -> None:
    image, boxes = _printed("521435-2", "THOMPSON")
    # Already in doubt (below 80) or not an identifier (no digit): left as read, whatever the ink says.
    found = [_word("522435-2", boxes[0], 70.0), _word("THOMPSEN", boxes[1], 90.0)]
    assert doubted(found, image) == found


@pytest.mark.parametrize(("page", "alone", "contradicted"), [
    ("522435-2", "521435-2", True),       # a digit for another digit
    ("BRX624874473", "BRY624874473", True),  # a letter for another letter
    ("691926", "091926", True),           # the page's 6 may be a dotted zero: in doubt
    ("092326", "692326", False),          # the zero read alone as a 6: the dotted face, not a doubt
    ("E0260", "E9260", False),
    ("C045", "co45", False),              # case and a letter for its digit lookalike
    ("6EM2TN5GG94", "6EM2TNSGG94", False),
    ("A7030", "A730", False),             # a glyph lost at the crop's edge
    ("646997", "646997-5", False),
    ("A7030", "47030", False),            # a letter for a digit: a shape the readers check themselves
])
def test_what_contradicts_a_read(page: str, alone: str, contradicted: bool) -> None:
    assert contradicts(page, alone) is contradicted


def test_a_scanned_remittance_puts_an_identifier_the_second_read_contradicts_in_review(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring: a scanned remittance's page words go through the second look before any reader sees them,
    and the doubt reaches the field read from the word (the misread itself is the Tesseract case above)."""
    path = tmp_path / "scan.pdf"
    image = scan.degrade(scan.text_page(OTHER_PAYER, size=7.4, margin=24, dpi=300), random.Random(5),
                         scan.Noise(skew_deg=0.0, speckle=0.0, blur=0.3, bilevel=True))
    path.write_bytes(pdf.image_pages([image], dpi=300, title="SCAN"))
    first = extract(path)
    assert first.ocr and first.claims[0].account_number == "100001-1"
    assert "claims.0.account_number" not in first.review

    real = second_look.second_reads

    def account_read_otherwise(found: list[Word], page: Image.Image) -> dict[int, str]:
        return {i: ("100007-1" if found[i].text == "100001-1" else text) for i, text in real(found, page).items()}

    monkeypatch.setattr(second_look, "second_reads", account_read_otherwise)
    again = extract(path)
    assert again.claims[0].account_number == "100001-1"
    assert "claims.0.account_number" in again.review
