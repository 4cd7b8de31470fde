"""OCR for scans and faxes: the preprocessing that matters, then Tesseract with word confidences.

Preprocessing, in order: grey, rescale to 300 dpi (Tesseract's sweet spot;
fax fine mode is 200 dpi and often 204 x 196), despeckle (3x3 median: fax
noise is isolated dots), deskew (the angle whose row profile is sharpest,
searched to ±4 degrees), binarise (Otsu). One Tesseract per page with
OMP_THREAD_LIMIT=1, pages spread over the cores by the caller.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytesseract
from PIL import Image, ImageFilter

from .exceptions import ExtractError
from .pages import Page

TARGET_DPI = 300
MAX_SKEW = 4.0
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


def _otsu(gray: np.ndarray) -> int:
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = gray.size
    cum = np.cumsum(hist)
    cum_mean = np.cumsum(hist * np.arange(256))
    mean_all = cum_mean[-1] / total
    w0 = cum / total
    w1 = 1 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 - cum_mean / total) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between))


def skew_angle(image: Image.Image) -> float:
    """Degrees to rotate by so text lines are level (coarse then fine search on a small copy)."""
    small = image.convert("L")
    scale = 1000 / max(small.size)
    if scale < 1:
        small = small.resize((int(small.width * scale), int(small.height * scale)), Image.Resampling.BILINEAR)
    ink = Image.eval(small, lambda v: 255 - v)

    def sharpness(angle: float) -> float:
        rotated = np.asarray(ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0), dtype=np.float64)
        rows = rotated.sum(axis=1)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.5, coarse + 0.51, 0.1), key=sharpness)
    return float(round(fine, 2))


def preprocess(image: Image.Image, dpi: float | None) -> Image.Image:
    gray = image.convert("L")
    if dpi and abs(dpi - TARGET_DPI) > 5:
        factor = TARGET_DPI / dpi
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS)
    gray = gray.filter(ImageFilter.MedianFilter(3))
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    array = np.asarray(gray)
    threshold = _otsu(array)
    return Image.fromarray(np.where(array > threshold, 255, 0).astype(np.uint8))


def words(image: Image.Image, *, psm: int = 6, timeout: float = 120) -> list[Word]:
    try:
        data = pytesseract.image_to_data(image, lang="eng", config=f"--psm {psm} --dpi {TARGET_DPI}",
                                         output_type=pytesseract.Output.DICT, timeout=timeout)
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError) as exc:
        raise OcrFailed(f"OCR failed: {type(exc).__name__}") from None
    out = []
    for i, text in enumerate(data["text"]):
        if text and text.strip():
            out.append(Word(text.strip(), float(data["conf"][i]), data["left"][i], data["top"][i], data["width"][i],
                            data["height"][i], (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return out


def lines_of(found: list[Word]) -> list[list[Word]]:
    """Words grouped into Tesseract's lines, top to bottom."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for word in found:
        grouped.setdefault(word.line, []).append(word)
    ordered = sorted(grouped.values(), key=lambda ws: (min(w.top for w in ws), min(w.left for w in ws)))
    return [sorted(ws, key=lambda w: w.left) for ws in ordered]


def page_words(page: Page, *, psm: int = 6) -> list[Word]:
    if page.image is None:
        raise OcrFailed(f"page {page.number} has neither text nor an image")
    return words(preprocess(page.image, page.dpi), psm=psm)


def page_text(page: Page) -> str:
    return "\n".join(" ".join(w.text for w in line) for line in lines_of(page_words(page)))
