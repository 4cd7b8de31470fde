"""OCR for scans and faxes: the page cleaned (`preprocess.prepare`), then Tesseract with word confidences.

One Tesseract per page with OMP_THREAD_LIMIT=1, pages spread over the cores by the caller.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import pytesseract
from PIL import Image

from .exceptions import ExtractError
from .pages import Page
from .preprocess import TARGET_DPI, prepare

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
