"""What OCR reads: words with their boxes and confidences, and each word's characters with the others
Tesseract weighed. Plain data, apart from `ocr` so that the text readers use them without loading the
OCR stack (OpenCV, numpy, the Tesseract engine).
"""

from __future__ import annotations

from dataclasses import dataclass


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
