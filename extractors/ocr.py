"""OCR for scans and faxes: the preprocessing that matters, then Tesseract with word confidences.

Preprocessing (`prepare`): a fax (under 250 dpi; fine mode is 200 dpi and often
204 x 196) is despeckled at its own resolution (fax noise is dots of one or two
pixels), rescaled to 300 dpi (Tesseract's sweet spot) with a little smoothing,
deskewed in grey (the angle whose row profile is sharpest, searched to ±4 degrees)
and binarised (Otsu); a 300 dpi scan is binarised, despeckled and deskewed as it
is. One Tesseract per page with
OMP_THREAD_LIMIT=1, pages spread over the cores by the caller.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import numpy as np
import pytesseract
from PIL import Image, ImageChops, ImageFilter

from .exceptions import ExtractError
from .pages import Page

TARGET_DPI = 300
MAX_SKEW = 4.0
MIN_ROTATION = 0.4  # below this Tesseract's own line finding copes; rotating costs more than it saves
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrFailed(ExtractError):
    """Tesseract could not run (missing, crashed or timed out)."""


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0..100
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line) as Tesseract numbers them
    glyphs: tuple[Glyph, ...] = ()  # per character, when read with `glyph_words`


@dataclass(frozen=True)
class Glyph:
    """One character as Tesseract read it, with the other characters it weighed for the same ink."""

    text: str
    conf: float
    choices: tuple[tuple[str, float], ...]  # (character, confidence), as Tesseract lists them

    def candidates(self, floor: float) -> dict[str, float]:
        """Every character read or weighed here at `floor` confidence or more, with its best confidence."""
        out: dict[str, float] = {}
        for text, conf in ((self.text, self.conf), *self.choices):
            if conf >= floor and conf > out.get(text, -1.0):
                out[text] = conf
        return out


def _otsu(gray: Image.Image) -> int:
    """The grey level that best splits ink from paper (Otsu), from the image's histogram."""
    hist = np.asarray(gray.histogram()[:256], dtype=np.float64)
    total = hist.sum()
    cum = np.cumsum(hist)
    cum_mean = np.cumsum(hist * np.arange(256))
    mean_all = cum_mean[-1] / total
    w0 = cum / total
    w1 = 1 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 - cum_mean / total) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


def skew_angle(image: Image.Image, *, inverted: bool = False) -> float:
    """Degrees to rotate by so text lines are level: the angle whose row profile is sharpest.

    Searched on a copy about 700 pixels wide, first every degree, then every 0.15 around the best.
    """
    small = image.convert("L")
    scale = 700 / max(small.size)
    if scale < 1:
        small = small.resize((int(small.width * scale), int(small.height * scale)), Image.Resampling.BOX)
    ink = small if inverted else ImageChops.invert(small)

    def sharpness(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float64)
        rows = rotated.sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 0.6, coarse + 0.61, 0.15), key=sharpness)
    return float(round(fine, 2))


SPECKLE_MIN_INK = 3      # of the 9 pixels around an ink pixel (itself included), at a fax's own resolution
SPECKLE_MIN_INK_300 = 5  # of the 25 around it, on a page at 300 dpi


def despeckle(gray: Image.Image, threshold: int) -> Image.Image:
    """Paper where a low-resolution scan has lone dots: ink pixels with fewer than SPECKLE_MIN_INK inked in
    their 3x3.

    Done at the scan's own resolution, where a fax dot is one or two pixels and the thinnest stroke of
    small print has at least two inked neighbours along it; after rescaling, dots and strokes blur together.
    """
    ink = gray.point(lambda v: 255 if v <= threshold else 0)
    dense = ink.filter(ImageFilter.BoxBlur(1)).point(lambda v: 255 if v >= SPECKLE_MIN_INK * 255 / 9 - 0.5 else 0)
    specks = ImageChops.subtract(ink, dense)
    return ImageChops.lighter(gray, specks)


def despeckle_300(ink: Image.Image) -> Image.Image:
    """Clear scanner noise on a 300 dpi page: ink pixels with fewer than SPECKLE_MIN_INK_300 inked in their 5x5.

    `ink` is 255 where the page is black. A stroke of the smallest print is 3 pixels wide at 300 dpi, so
    every pixel of it has 9 or more inked neighbours; a dot has at most 4.
    """
    dense = ink.filter(ImageFilter.BoxBlur(2)).point(
        lambda v: 255 if v >= SPECKLE_MIN_INK_300 * 255 / 25 - 0.5 else 0)
    return ImageChops.multiply(ink, dense)


SMOOTHING = 0.67    # Gaussian radius in 300-dpi pixels per unit of rescale: rounds off a fax's stair-stepped edges
LOW_RES_DPI = 250   # below this a scan is rescaled and smoothed; at 300 dpi it is read as it is


def prepare(image: Image.Image, dpi: float | None) -> tuple[Image.Image, Image.Image]:
    """The 1-bit page for Tesseract, deskewed, and the grey page it came from (same geometry).

    A fax (200 dpi, black and white): despeckle at its own resolution, rescale to 300 dpi with a little
    smoothing, deskew the grey image, binarise (Otsu). Rescaled as it is, a fax's letters keep jagged
    edges that Tesseract misreads (D as 0, S as 5); smoothing before the threshold and rotating grey keeps
    the strokes whole (measured on the sandbox's faxes: codes read exactly 78% before, 88% after).
    A page scanned at 300 dpi or more: binarise, despeckle, deskew; smoothing its small print would
    merge letters (measured: scanned remittances fell from 93% to 73% of fields right with it).
    """
    gray = image.convert("L")
    if not dpi:
        dpi = image.width / 8.5  # no resolution recorded (a bare PNG): assume a letter-width page
    if dpi < LOW_RES_DPI:
        factor = TARGET_DPI / dpi
        gray = despeckle(gray, _otsu(gray))
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.BICUBIC)
        gray = gray.filter(ImageFilter.GaussianBlur(SMOOTHING * factor))
        threshold = _otsu(gray)
        angle = skew_angle(gray.point(lambda v: 255 if v <= threshold else 0), inverted=True)
        if abs(angle) >= MIN_ROTATION:
            gray = gray.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
        threshold = _otsu(gray)
        return gray.point(lambda v: 255 if v > threshold else 0, mode="1"), gray
    if abs(dpi - TARGET_DPI) > 5:
        factor = TARGET_DPI / dpi
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS)
    threshold = _otsu(gray)
    ink = despeckle_300(gray.point(lambda v: 255 if v <= threshold else 0))
    angle = skew_angle(ink, inverted=True)
    if abs(angle) >= MIN_ROTATION:
        ink = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=True, fillcolor=0)
    page = ink.point(lambda v: 0 if v else 255, mode="1")
    return page, page.convert("L")


def _uncompressed(image: Image.Image) -> Image.Image:
    """The image marked to be handed to Tesseract as PNM, written as it is: pytesseract writes PNG otherwise,
    whose compression took 0.15 s of a CMN's 5.5 s in a profile (mostly the grey sheets of cells)."""
    image = image.copy()
    image.format = "PPM"
    return image


def words(image: Image.Image, *, psm: int = 6, timeout: float = 120, alphabet: str | None = None) -> list[Word]:
    """Tesseract's words with confidences; with `alphabet`, Tesseract may read only those characters."""
    config = f"--psm {psm} --dpi {TARGET_DPI}"
    if alphabet:
        config += f" -c tessedit_char_whitelist={alphabet}"
    try:
        data = pytesseract.image_to_data(_uncompressed(image), lang="eng", config=config,
                                         output_type=pytesseract.Output.DICT, timeout=timeout)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError) as exc:
        raise OcrFailed(f"OCR failed: {type(exc).__name__}") from None
    out = []
    for i, text in enumerate(data["text"]):
        if text and text.strip():
            out.append(Word(text.strip(), float(data["conf"][i]), data["left"][i], data["top"][i], data["width"][i],
                            data["height"][i], (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return out


_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (\d+)")
_CONF = re.compile(r"x_confs? ([\d.]+)")


def glyph_words(image: Image.Image, *, psm: int = 6, timeout: float = 120) -> list[Word]:
    """Tesseract's words with each character's alternatives (its LSTM's choices; hOCR).

    Word confidence is low on strings no dictionary knows however clear the print; a character's
    alternatives say which glyph was in doubt and between what, which a format can then settle.
    """
    config = f"--psm {psm} --dpi {TARGET_DPI} -c lstm_choice_mode=2 -c hocr_char_boxes=1"
    try:
        hocr = pytesseract.image_to_pdf_or_hocr(_uncompressed(image), lang="eng", config=config, extension="hocr",
                                                timeout=timeout)
        root = ElementTree.fromstring(hocr)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError,
            ElementTree.ParseError) as exc:
        raise OcrFailed(f"OCR failed: {type(exc).__name__}") from None
    out = []
    for number, element in enumerate(e for e in root.iter() if e.get("class") == "ocrx_word"):
        title = element.get("title", "")
        box, wconf = _BBOX.search(title), _WCONF.search(title)
        glyphs: list[Glyph] = []
        for child in element:
            if child.get("class") != "ocrx_cinfo":
                continue
            if child.get("id", "").startswith("lstm_choices") and glyphs:
                choices = tuple((c.text or "", float(m.group(1))) for c in child
                                if (m := _CONF.search(c.get("title", ""))))
                glyphs[-1] = Glyph(glyphs[-1].text, glyphs[-1].conf, choices)
            elif (m := _CONF.search(child.get("title", ""))) and child.text:
                glyphs.append(Glyph(child.text, float(m.group(1)), ()))
        text = "".join(g.text for g in glyphs).strip()
        if not text or box is None:
            continue
        x0, y0, x1, y1 = (int(v) for v in box.groups())
        # hOCR numbers lines differently from image_to_data: each word stands on its own "line" here
        # (callers place words by their boxes).
        out.append(Word(text, float(wconf.group(1)) if wconf else 0.0, x0, y0, x1 - x0, y1 - y0, (0, 0, number),
                        tuple(glyphs)))
    return out


def lines_of(found: list[Word]) -> list[list[Word]]:
    """Words grouped into Tesseract's lines, top to bottom."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in found:
        grouped.setdefault(word.line, []).append(word)
    ordered = sorted(grouped.values(), key=lambda ws: (min(w.top for w in ws), min(w.left for w in ws)))
    return [sorted(ws, key=lambda w: w.left) for ws in ordered]


def read_page(page: Page, *, psm: int = 6) -> tuple[Image.Image, list[Word]]:
    """The preprocessed page image and Tesseract's words on it (boxes in that image's pixels)."""
    image, _, found = read_scan(page, psm=psm)
    return image, found


def read_scan(page: Page, *, psm: int = 6) -> tuple[Image.Image, Image.Image, list[Word]]:
    """As `read_page`, with the grey page image too (same geometry), for reading cells again."""
    if page.image is None:
        raise OcrFailed(f"page {page.number} has neither text nor an image")
    image, grey = prepare(page.image, page.dpi)
    return image, grey, words(image, psm=psm)


def page_words(page: Page, *, psm: int = 6) -> list[Word]:
    return read_page(page, psm=psm)[1]


def page_text(page: Page) -> str:
    return "\n".join(" ".join(w.text for w in line) for line in lines_of(page_words(page)))
