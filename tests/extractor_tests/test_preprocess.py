"""Cleaning a scan for Tesseract: the skew found and undone, specks cleared, print kept."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from extractors.preprocess import despeckle, despeckle_300, prepare, rotated, skew_angle


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
