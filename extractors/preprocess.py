"""Cleaning a scan or fax for Tesseract: despeckle, rescale to 300 dpi, deskew, binarise.

A fax (under 250 dpi; fine mode is 200 dpi and often 204 x 196) is despeckled at
its own resolution (fax noise is dots of one or two pixels), rescaled to 300 dpi
(Tesseract's sweet spot) with a little smoothing, deskewed in grey (the angle
whose row profile is sharpest, searched to ±4 degrees) and binarised (Otsu); a
300 dpi scan is binarised, despeckled and deskewed as it is. The page is then
read whole from `for_page_read`'s image (a fax at fax resolution, in grey; a
signature's scrawl left out), its cells again from the 300 dpi page.

The pixel work is OpenCV's: on a fax page PIL's resize, Gaussian blur and rotation
took 0.43 s of a page's 0.55 s of preparing, OpenCV's take about 0.07 s
(`bench/extract.py` prints the whole pipeline beside bare Tesseract).
"""

from __future__ import annotations

import math

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
FAX_READ_DPI = 200  # a fax's page is read whole at fax resolution (its cells are read again at 300 dpi)
# A signature's scrawl: a piece of ink at least this tall (points; the tallest form print is 14 pt type),
# at most SCRAWL_MAX_HEIGHT, at least SCRAWL_MIN_WIDTH times as wide as tall, and mostly paper inside its box.
SCRAWL_MIN_HEIGHT = 16.0
SCRAWL_MAX_HEIGHT = 108.0
SCRAWL_MIN_WIDTH = 2.0
SCRAWL_MAX_FILL = 0.25
FRAME_EDGE = 0.7    # a piece with ink along this much of three of its box's sides is a printed frame
FRAME_TILT = math.tan(math.radians(0.6))  # how far off level a deskewed page's rules may still be

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


def scan_dpi(image: Image.Image, dpi: float | None) -> float:
    """The scan's resolution: as recorded, or (a bare PNG records none) that of a letter-width page."""
    return dpi or image.width / 8.5


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
    dpi = scan_dpi(image, dpi)
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


def scrawls(ink: np.ndarray, dpi: float) -> np.ndarray:
    """Where a page has a signature's scrawl (true there): ink that is not print, for the page read to skip.

    Tesseract takes a scrawl for glyphs or, worse, drops the line it stands on with the words beside it
    ("PHYSICIAN'S SIGNATURE", the date): measured on the sandbox's faxes, a form in twenty lost its
    signature line at fax resolution. A scrawl is a piece of ink taller than any print on a form, much
    wider than tall, mostly paper inside its box, and not a printed frame (a box is inked along its
    sides; a scrawl touches its box at a few points, and an underline it crosses at one side). Whether a
    form is signed is still judged from all the ink (`forms.layout.Form.ink_ratio`).
    """
    # Looked for on a copy at half the resolution, 2 x 2 pixels to one, inked where any was: a quarter
    # of the pixels to label (a page's labelling was a third of its cost here), and a stroke stays whole.
    height, width = (side // 2 * 2 for side in ink.shape)
    half = cv2.resize(ink[:height, :width].astype(np.uint8), (width // 2, height // 2),
                      interpolation=cv2.INTER_AREA) > 0
    dpi /= 2
    count, labels, stats, _ = cv2.connectedComponentsWithStats(half.astype(np.uint8), connectivity=8)
    points = dpi / 72
    w, h, area = (stats[:, column].astype(np.int64) for column in (cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT,
                                                                      cv2.CC_STAT_AREA))
    shaped = ((SCRAWL_MIN_HEIGHT * points <= h) & (h <= SCRAWL_MAX_HEIGHT * points) & (w >= SCRAWL_MIN_WIDTH * h)
              & (area <= SCRAWL_MAX_FILL * w * h))
    found = []
    for index in np.nonzero(shaped[1:])[0] + 1:  # label 0 is the paper
        x, y, w, h = (int(v) for v in stats[index][:4])
        piece = labels[y:y + h, x:x + w] == index
        # A side of a frame is a rule (a pixel or two here), off level by what deskewing leaves (under
        # MIN_ROTATION and its own error): along a long side that is several pixels.
        across, down = 2 + math.ceil(w * FRAME_TILT), 2 + math.ceil(h * FRAME_TILT)
        sides = (piece[:across].any(axis=0).mean(), piece[-across:].any(axis=0).mean(),
                 piece[:, :down].any(axis=1).mean(), piece[:, -down:].any(axis=1).mean())
        if sum(side >= FRAME_EDGE for side in sides) < 3:
            found.append(index)
    out = np.zeros(ink.shape, dtype=bool)
    if found:
        out[:height, :width] = cv2.resize(np.isin(labels, found).astype(np.uint8), (width, height),
                                          interpolation=cv2.INTER_NEAREST) > 0
        out &= ink
    return out


RULE_INCHES = 0.6  # a straight run of ink this long is a form's rule or a box's side, never a glyph's stroke
RULE_GAP_INCHES = 0.2  # the gaps a fax breaks a rule with (a dashed rule's too)
RULE_CLEAR_INCHES = 0.03  # how far above and below a rule the paper is looked at
RULE_THICK_INCHES = 0.04  # a rule is no thicker than this (a line of print is several times as tall)
RULE_CLEAR_INK = 0.12  # a rule has paper beside it: at most this share of ink just above or just below
RULE_INKED = 0.35  # a rule, however broken, is inked along at least this share of its length (a leader: 0.25)
RULE_DASHED_INKED = 0.15  # a rule of dashes, not dots (a 300 dpi scan's hairline: 0.22), at least this share


def rules(ink: np.ndarray, dpi: float) -> np.ndarray:
    """The ink of a form's rules (with their fringe): what Tesseract reads the row under a table's heading rule
    with and loses whole ("SpO2, room air  87 %" gone from the page read). Found by their length, thinness,
    the paper beside them and the ink along them, so print (a line's feet, a dotted leader) is kept."""
    mask = ink.astype(np.uint8)
    # A fax breaks a thin rule into dashes: bridged first, and what then runs long and stays thin is a rule
    # (a line of print bridged so is as tall as its letters, and is kept).
    # (Three rows tall: a rule left a little off level by the deskew steps a row between its dashes.)
    bridged = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, max(round(RULE_GAP_INCHES * dpi), 1)), np.uint8))
    across = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((1, max(round(RULE_INCHES * dpi), 1)), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(across, connectivity=8)
    thin = np.zeros(count, dtype=bool)
    clear = max(round(RULE_CLEAR_INCHES * dpi), 1)
    for index in range(1, count):
        x, y, w, h = (int(v) for v in stats[index, :4])
        if h > max(round(RULE_THICK_INCHES * dpi), 1):
            continue
        # Paper just above and just below it, along most of its length: a rule. A line of print's foot (its
        # letters bridged along the baseline) has the letters above it.
        above = mask[max(y - clear, 0):y, x:x + w]
        below = mask[y + h:y + h + clear, x:x + w]
        # And inked along most of its length: a dotted leader's dots, bridged as well, are mostly paper between.
        # A finely dashed rule (a hairline a 300 dpi scan breaks) is inked less, but its pieces are dashes,
        # several times as long as they are tall, where a leader's are dots.
        inked = mask[y:y + h, x:x + w].any(axis=0).mean()
        enough = inked >= RULE_INKED or (inked >= RULE_DASHED_INKED and _dashed(mask[y:y + h, x:x + w]))
        thin[index] = enough and (not above.size or above.mean() < RULE_CLEAR_INK) and (
            not below.size or below.mean() < RULE_CLEAR_INK)
    across = thin[labels].astype(np.uint8) & mask
    # (A box's sides are left: taken out with the rules, a box's small label alone between them was skipped by
    # Tesseract's page read on a CMS-484 from another office, its patient's name with it.)
    found = across.astype(bool)
    if not found.any():
        return found
    return cv2.dilate(found.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def _dashed(run: np.ndarray) -> bool:
    """Whether a run's pieces of ink are dashes (most at least three times as wide as tall), not dots."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(run.astype(np.uint8), connectivity=8)
    if count < 4:
        return False
    widths, heights = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    return bool(np.median(widths / np.maximum(heights, 1)) >= 3)


def for_page_read(image: Image.Image, grey: Image.Image, dpi: float) -> tuple[Image.Image, float]:
    """The image Tesseract reads a page `prepare`d from a scan at `dpi` (`scan_dpi`) from, and the factor
    from its pixels to the prepared page's.

    A fax: the smoothed, deskewed grey page brought back to fax resolution, Tesseract binarising it
    itself. Its recogniser reads a line from the grey, and at fax resolution finds the lines faster
    (the 300 dpi page, needed to read small cells again, costs 1.18 times as much to read whole).
    Measured on five sandbox worlds' faxes (400 forms): wrong fields 83 -> 48 with the scrawls left
    out too, silent errors none either way. A 300 dpi scan is read from its cleaned 1-bit image.
    In both, a signature's scrawl is left out (`scrawls`); from a 300 dpi scan, the form's rules too (`rules`).
    (From a fax's page too, they gave a hospital's table its rows back, 73% to 97% of its fields right, but a
    CMS-484 from another office lost a field or two to Tesseract's page read in every variant tried.)
    """
    if dpi < LOW_RES_DPI:
        gray = np.asarray(grey)
        factor = FAX_READ_DPI / TARGET_DPI
        # Area averaging: linear, a fifth of the cost, read worse (seeds 77, 78, 5: 8 more fields wrong of 4,320).
        small = cv2.resize(gray, (round(gray.shape[1] * factor), round(gray.shape[0] * factor)),
                           interpolation=cv2.INTER_AREA)
        scrawl = scrawls(small <= otsu(small), FAX_READ_DPI)
        if scrawl.any():
            # its grey fringe too, or Tesseract binarises the fringe into a fainter scrawl
            scrawl = cv2.dilate(scrawl.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
            small = np.where(scrawl, np.uint8(255), small)
        return Image.fromarray(small), TARGET_DPI / FAX_READ_DPI
    ink = ~np.asarray(image, dtype=bool)
    left_out = scrawls(ink, TARGET_DPI) | rules(ink, TARGET_DPI)
    if not left_out.any():
        return image, 1.0
    return Image.fromarray(~(ink & ~left_out)), 1.0
