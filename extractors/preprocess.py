"""Cleaning a scan or fax for Tesseract: despeckle, rescale to 300 dpi, deskew, binarise.

A fax (under 250 dpi; fine mode is 200 dpi and often 204 x 196) is despeckled at
its own resolution (fax noise is dots of one or two pixels), rescaled to 300 dpi
(Tesseract's sweet spot) with a little smoothing, deskewed in grey (the angle
whose row profile is sharpest, searched to ±4 degrees) and binarised (Otsu); a
300 dpi scan is binarised, despeckled and deskewed as it is.

The pixel work is OpenCV's: on a fax page PIL's resize, Gaussian blur and rotation
took 0.43 s of a page's 0.55 s of preparing, OpenCV's take about 0.07 s
(`bench/extract.py` prints the whole pipeline beside bare Tesseract).
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

TARGET_DPI = 300
LOW_RES_DPI = 250   # below this a scan is rescaled and smoothed; at 300 dpi it is read as it is
MAX_SKEW = 4.0
MIN_ROTATION = 0.4  # below this Tesseract's own line finding copes; rotating costs more than it saves
SMOOTHING = 0.67    # Gaussian sigma in 300-dpi pixels per unit of rescale: rounds off a fax's stair-stepped edges
SPECKLE_MIN_INK = 3      # of the 9 pixels around an ink pixel (itself included), at a fax's own resolution
SPECKLE_MIN_INK_300 = 5  # of the 25 around it, on a page at 300 dpi
SPECKLE_MIN_INK_CELL = 9  # of the 25, in a cell read again on its own (`forms.layout.Form._cell`)
SKEW_SIDE = 700     # the longer side of the copy the skew is searched on

cv2.setNumThreads(1)  # one OCR process per core already: OpenCV's own threads would only contend


def otsu(gray: np.ndarray) -> int:
    """The grey level that best splits ink from paper (Otsu): ink is at or below it."""
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel().astype(np.float64)
    total = hist.sum()
    cum = np.cumsum(hist)
    cum_mean = np.cumsum(hist * np.arange(256))
    w0 = cum / total
    w1 = 1 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (cum_mean[-1] / total * w0 - cum_mean / total) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


def skew_angle(ink: np.ndarray) -> float:
    """Degrees to rotate by (counter-clockwise) so text lines are level: the angle whose row profile is
    sharpest, searched on a copy about SKEW_SIDE pixels long, every degree, then every 0.15 around the best.

    `ink` is true (or non-zero) where the page is black. Each inked pixel of the copy is projected onto
    the rows it would fall in after rotating, weighted by its ink: the image itself is never rotated.
    """
    small = ink.astype(np.uint8) * 255 if ink.dtype == bool else ink
    scale = SKEW_SIDE / max(small.shape)
    if scale < 1:
        small = cv2.resize(small, (int(small.shape[1] * scale), int(small.shape[0] * scale)),
                           interpolation=cv2.INTER_AREA)
    ys, xs = np.nonzero(small)
    if not len(ys):
        return 0.0
    weight = small[ys, xs].astype(np.float64)
    h, w = small.shape
    dx, dy = xs - (w - 1) / 2, ys - (h - 1) / 2

    def sharpness(angle: float) -> float:
        theta = np.radians(angle)
        rows = np.floor(dy * np.cos(theta) - dx * np.sin(theta) + h / 2).astype(np.int64)
        inside = (rows >= 0) & (rows < h)
        profile = np.bincount(rows[inside], weights=weight[inside], minlength=h)
        return float(np.sum(np.diff(profile) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 0.6, coarse + 0.61, 0.15), key=sharpness)
    return float(round(fine, 2))


def rotated(image: np.ndarray, angle: float, *, interpolation: int, fill: int) -> np.ndarray:
    """`image` turned `angle` degrees counter-clockwise about its middle, on a canvas grown to hold it all."""
    h, w = image.shape
    turn = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
    width, height = int(np.ceil(w * cos + h * sin)), int(np.ceil(w * sin + h * cos))
    turn[0, 2] += (width - w) / 2
    turn[1, 2] += (height - h) / 2
    return cv2.warpAffine(image, turn, (width, height), flags=interpolation, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def _ink_around(ink: np.ndarray, side: int) -> np.ndarray:
    """How many of the side x side pixels around each pixel (itself included) are ink; past the page's
    edge the edge pixels repeat."""
    return cv2.boxFilter(ink.astype(np.uint8), cv2.CV_16U, (side, side), normalize=False,
                         borderType=cv2.BORDER_REPLICATE)


def despeckle(gray: np.ndarray, threshold: int) -> np.ndarray:
    """Paper where a low-resolution scan has lone dots: ink pixels with fewer than SPECKLE_MIN_INK inked in
    their 3x3.

    Done at the scan's own resolution, where a fax dot is one or two pixels and the thinnest stroke of
    small print has at least two inked neighbours along it; after rescaling, dots and strokes blur together.
    """
    ink = gray <= threshold
    specks = ink & (_ink_around(ink, 3) < SPECKLE_MIN_INK)
    return np.where(specks, np.uint8(255), gray)


def despeckle_300(ink: np.ndarray, min_ink: int = SPECKLE_MIN_INK_300) -> np.ndarray:
    """Clear scanner noise on a 300 dpi page: ink pixels with fewer than `min_ink` inked in their 5x5.

    `ink` is true where the page is black. A stroke of the smallest print is 3 pixels wide at 300 dpi, so
    every pixel of it has 9 or more inked neighbours; a dot has at most 4. A small cell read again on its
    own is cleared harder (9: specks are most of what it holds besides its value).
    """
    return ink & (_ink_around(ink, 5) >= min_ink)


def prepare(image: Image.Image, dpi: float | None) -> tuple[Image.Image, Image.Image]:
    """The 1-bit page for Tesseract, deskewed, and the grey page it came from (same geometry).

    A fax (200 dpi, black and white): despeckle at its own resolution, rescale to 300 dpi with a little
    smoothing, deskew the grey image, binarise (Otsu). Rescaled as it is, a fax's letters keep jagged
    edges that Tesseract misreads (D as 0, S as 5); smoothing before the threshold and rotating grey keeps
    the strokes whole (measured on the sandbox's faxes: codes read exactly 78% before, 88% after).
    A page scanned at 300 dpi or more: binarise, despeckle, deskew; smoothing its small print would
    merge letters (measured: scanned remittances fell from 93% to 73% of fields right with it).
    """
    gray = np.asarray(image.convert("L"))
    if not dpi:
        dpi = gray.shape[1] / 8.5  # no resolution recorded (a bare PNG): assume a letter-width page
    factor = TARGET_DPI / dpi
    size = (round(gray.shape[1] * factor), round(gray.shape[0] * factor))
    if dpi < LOW_RES_DPI:
        gray = despeckle(gray, otsu(gray))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC)
        gray = cv2.GaussianBlur(gray, (0, 0), SMOOTHING * factor)
        angle = skew_angle(gray <= otsu(gray))
        if abs(angle) >= MIN_ROTATION:
            gray = rotated(gray, angle, interpolation=cv2.INTER_LINEAR, fill=255)
        return Image.fromarray(gray > otsu(gray)), Image.fromarray(gray)
    if abs(dpi - TARGET_DPI) > 5:
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LANCZOS4)
    ink = despeckle_300(gray <= otsu(gray))
    angle = skew_angle(ink)
    if abs(angle) >= MIN_ROTATION:
        ink = rotated(ink.astype(np.uint8), angle, interpolation=cv2.INTER_NEAREST, fill=0).astype(bool)
    page = Image.fromarray(~ink)
    return page, page.convert("L")
