"""Cleaning a scan for Tesseract: the skew found and undone, specks cleared, print kept."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from extractors.preprocess import (despeckle, despeckle_300, for_page_read, prepare, rotated, scan_dpi, scrawls,
                                   skew_angle)
from sandbox.documents import scan


def _page_of_lines(width: int = 1700, height: int = 2200) -> Image.Image:
    """A page of text-like lines: dashes of ink a letter high, in rows, with paper between."""
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    rng = np.random.default_rng(4)
    for top in range(150, height - 150, 60):
        x = 120
        while x < width - 200:
            length = int(rng.integers(20, 160))
            draw.rectangle((x, top, x + length, top + 22), fill=0)
            x += length + int(rng.integers(12, 40))
    return page


@pytest.mark.parametrize("tilt", [-3.0, -1.2, 0.0, 0.9, 2.55])
def test_the_skew_found_is_the_turn_that_levels_the_lines(tilt: float) -> None:
    page = _page_of_lines().rotate(tilt, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    ink = np.asarray(page) < 128
    assert skew_angle(ink) == pytest.approx(-tilt, abs=0.16)  # the search's fine step is 0.15 degree


def test_a_page_turned_by_the_skew_found_is_level_again() -> None:
    page = np.asarray(_page_of_lines().rotate(2.0, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255))
    level = rotated(page, skew_angle(page < 128), interpolation=cv2.INTER_NEAREST, fill=255)
    assert level.shape[0] >= page.shape[0] and level.shape[1] >= page.shape[1]  # nothing cut off at the corners
    assert abs(skew_angle(level < 128)) <= 0.15
    assert (level < 128).sum() == pytest.approx((page < 128).sum(), rel=0.02)  # the ink kept, not cropped


def test_a_blank_page_has_no_skew() -> None:
    assert skew_angle(np.zeros((2200, 1700), dtype=bool)) == 0.0


def test_lone_dots_are_cleared_and_thin_strokes_kept() -> None:
    fax = np.full((60, 60), 255, dtype=np.uint8)
    fax[10, 10] = 0                 # a speck of one pixel
    fax[20, 20:22] = 0              # a speck of two
    fax[30:50, 30] = 0              # a stroke one pixel wide: each pixel has two inked neighbours along it
    cleaned = despeckle(fax, 128)
    assert cleaned[10, 10] == 255 and (cleaned[20, 20:22] == 255).all()
    assert (cleaned[31:49, 30] == 0).all()

    scan = np.zeros((60, 60), dtype=bool)
    scan[5:7, 5:7] = True           # a dot of 4 pixels at 300 dpi
    scan[20:40, 20:23] = True       # a stroke 3 pixels wide
    kept = despeckle_300(scan)
    assert not kept[5:7, 5:7].any() and kept[20:40, 20:23].all()


def test_a_skewed_fax_comes_out_level_at_300_dpi_in_black_and_white() -> None:
    fax = _page_of_lines().rotate(-2.5, resample=Image.Resampling.NEAREST, expand=True, fillcolor=255)
    page, grey = prepare(fax.point(lambda v: 0 if v < 128 else 255), 200)
    assert page.mode == "1" and page.size == grey.size
    assert page.width >= round(fax.width * 1.5) and page.height >= round(fax.height * 1.5)  # 300 dpi, turned
    assert abs(skew_angle(np.asarray(page) == 0)) <= 0.15


def _form_with_a_signature(dpi: int) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A 200 dpi form part: a line of print, a printed frame (slightly off level, as deskewing leaves it),
    an underlined signature line with a scrawl across it. Returns the page and the scrawl's box."""
    page = scan.Page(dpi)
    page.text(36, 40, "PHYSICIAN'S SIGNATURE", 10)
    page.text(440, 40, "DATE 11/06/2026", 10)
    page.line(170, 52, 420, 52)
    page.signature(180, 40, random.Random(7))
    page.box(36, 120, 540, 38)
    page.text(44, 126, "HCPCS     DESCRIPTION        QUANTITY", 9, mono=True)
    image = page.image.rotate(0.3, resample=Image.Resampling.NEAREST, fillcolor=255)
    return image, (page.px(165), page.px(12), page.px(425), page.px(64))  # the underline's ends, turned


@pytest.mark.parametrize("dpi", [200, 300])
def test_a_signature_scrawl_is_found_and_print_and_frames_are_not(dpi: int) -> None:
    image, (left, top, right, bottom) = _form_with_a_signature(dpi)
    ink = np.asarray(image) < 128
    found = scrawls(ink, dpi)
    ys, xs = np.nonzero(found)
    assert len(ys), "the scrawl was not found"
    assert left <= xs.min() and xs.max() <= right and top <= ys.min() and ys.max() <= bottom
    assert found.sum() > 0.5 * ink[top:bottom, left:right].sum()  # the scrawl, not a corner of it
    assert not scrawls(np.asarray(_page_of_lines()) < 128, 200).any()  # lines of print


def test_a_fax_is_read_at_fax_resolution_in_grey_without_its_scrawl() -> None:
    image, (left, top, right, bottom) = _form_with_a_signature(200)
    page, grey = prepare(image.point(lambda v: 0 if v < 128 else 255), 200)
    seen, scale = for_page_read(page, grey, 200)
    assert scale == 1.5 and seen.mode == "L" and seen.size == (round(grey.width / 1.5), round(grey.height / 1.5))
    pixels = np.asarray(seen)
    assert len(np.unique(pixels)) > 2  # grey: Tesseract binarises it itself
    scrawl_band = pixels[top + 8:bottom - 14, left + 30:right - 30]
    assert (scrawl_band < 128).mean() < 0.002  # the scrawl is gone (the underline below it may stay)
    assert (pixels[:top, :left] < 128).any() or (pixels[top:bottom, :left] < 128).any()  # the label stays
    # A 300 dpi scan is read from its own 1-bit page, at its own scale, without the scrawl either.
    image300, box300 = _form_with_a_signature(300)
    page300, grey300 = prepare(image300, 300)
    seen300, scale300 = for_page_read(page300, grey300, 300)
    assert scale300 == 1.0 and seen300.mode == "1" and seen300.size == page300.size
    assert (np.asarray(seen300) == 0).sum() < (np.asarray(page300) == 0).sum()


def test_a_scan_without_a_recorded_resolution_is_taken_for_a_letter_width_page() -> None:
    assert scan_dpi(Image.new("L", (1700, 2200)), None) == 200  # a fax: read whole at fax resolution
    assert scan_dpi(Image.new("L", (2550, 3300)), None) == 300
    assert scan_dpi(Image.new("L", (1700, 2200)), 204.0) == 204.0


def test_a_forms_rules_are_found_and_print_is_not() -> None:
    """A table's heading rule broken into dashes by the fax, and lines of print (one in a box): the rule is
    found by its length, thinness and the paper beside it; the print (its letters' feet bridged along the
    baseline) is kept whole, and so are a box's sides."""
    from extractors.preprocess import rules

    page = scan.Page(200)
    page.text(40, 40, "Test        Result        Test date        Condition", 9, bold=True)
    page.text(40, 66, "SpO2, room air        87 %        26-Oct-2026        Asleep", 9.5)
    page.box(300, 120, 200, 40, width=1)
    page.text(306, 130, "Illinois Hill 11", 10)
    ink = np.asarray(page.image.convert("L")) < 128
    y_rule = round(54 * 200 / 72)
    ink[y_rule - 1:y_rule + 2, 100:1500] = False
    for x in range(100, 1500, 50):  # the rule as a fax leaves it: 30-pixel dashes, 20-pixel gaps
        ink[y_rule - 1:y_rule + 2, x:x + 30] = True
    found = rules(ink, 200)
    dashes = ink[y_rule, 100:1480]
    assert (found[y_rule, 100:1480] & dashes).sum() >= 0.99 * dashes.sum()  # every dash of the rule
    top, left = round(120 * 200 / 72), round(300 * 200 / 72)
    assert not found[top + 20:top + 90, left].any()  # the box's left side is left
    right = round(500 * 200 / 72)
    for baseline, (start, stop) in ((round(40 * 200 / 72) + 24, (0, 1700)), (round(66 * 200 / 72) + 25, (0, 1700)),
                                    (round(130 * 200 / 72) + 26, (left + 5, right - 5))):  # inside the box
        print_ink = ink[baseline - 12:baseline, start:stop]  # the print's lower half: none taken for a rule
        assert print_ink.any() and not (found[baseline - 12:baseline, start:stop] & print_ink).any()


def test_a_hairline_scanned_as_fine_dashes_is_a_rule_and_a_dotted_leader_is_not() -> None:
    """At 300 dpi a form's hairline comes back as dashes a quarter of it inked (8 by 1 every 26 pixels): a rule
    (a worksheet's answers standing on it read garbled with it); a leader's dots, as much of the run inked, are
    not."""
    from extractors.preprocess import rules

    ink = np.zeros((200, 1400), bool)
    for x in range(100, 1300, 26):
        ink[60, x:x + 8] = True            # the hairline's dashes
        ink[140:143, x:x + 3] = True       # a dotted leader's dots
        ink[140:143, x + 13:x + 16] = True
    found = rules(ink, 300)
    assert found[60, 100:1290].sum() >= 0.99 * ink[60, 100:1290].sum()
    assert not found[140:143].any()
