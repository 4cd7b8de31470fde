"""OCR for scans and faxes: the page cleaned (`preprocess.prepare`), then Tesseract with word confidences.

One Tesseract per page with OMP_THREAD_LIMIT=1, pages spread over the cores by the caller.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from PIL import Image

from . import tesseract
from .exceptions import OcrFailed
from .pages import Page
from .preprocess import TARGET_DPI, for_page_read, prepare, scan_dpi
from .words import Glyph, Word


def words(image: Image.Image, *, psm: int = 6, timeout: float = 120, alphabet: str | None = None,
          scale: float = 1.0) -> list[Word]:
    """Tesseract's words with confidences; with `alphabet`, Tesseract may read only those characters.
    `scale`: the image is at 300 / `scale` dpi, and the boxes are given in 300 dpi pixels."""
    extra = {"tessedit_char_whitelist": alphabet} if alphabet else {}
    tsv = tesseract.recognize(image, psm=psm, dpi=round(TARGET_DPI / scale), timeout=timeout, **extra)
    out = []
    # Tesseract's TSV rows: level, page, block, paragraph, line, word, left, top, width, height, conf, text.
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, paragraph, line = (int(c) for c in cells[2:5])
        left, top, width, height = (round(int(c) * scale) for c in cells[6:10])
        out.append(Word(cells[11].strip(), float(cells[10]), left, top, width, height, (block, paragraph, line)))
    return out


_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_WCONF = re.compile(r"x_wconf (\d+)")
_CONF = re.compile(r"x_confs? ([\d.]+)")


def glyph_words(image: Image.Image, *, psm: int = 6, timeout: float = 120) -> list[Word]:
    """Tesseract's words with each character's alternatives (its LSTM's choices; hOCR).

    Word confidence is low on strings no dictionary knows however clear the print; a character's
    alternatives say which glyph was in doubt and between what, which a format can then settle.
    """
    hocr = tesseract.recognize(image, psm=psm, dpi=TARGET_DPI, output="hocr", timeout=timeout, lstm_choice_mode="2",
                               hocr_char_boxes="1")
    try:
        root = ElementTree.fromstring(f"<hocr>{hocr}</hocr>")  # the page's element, without a document around it
    except ElementTree.ParseError:
        raise OcrFailed("OCR failed: Tesseract's hOCR could not be read") from None
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
        # hOCR numbers lines differently from the TSV: each word stands on its own "line" here
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
    """As `read_page`, with the grey page image too (same geometry), for reading cells again. The page is
    read whole from `preprocess.for_page_read`'s image; the words' boxes are in the prepared page's pixels."""
    if page.image is None:
        raise OcrFailed(f"page {page.number} has neither text nor an image")
    image, grey = prepare(page.image, page.dpi)
    seen, scale = for_page_read(image, grey, scan_dpi(page.image, page.dpi))
    return image, grey, words(seen, psm=psm, scale=scale)


def page_words(page: Page, *, psm: int = 6) -> list[Word]:
    return read_page(page, psm=psm)[1]


def page_text(page: Page) -> str:
    return "\n".join(" ".join(w.text for w in line) for line in lines_of(page_words(page)))
