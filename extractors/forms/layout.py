"""A scanned form as words with positions: find a label, read what stands beside or below it, look for ink.

Labels are found by fuzzy word matching (OCR garbles small print: "Cettification"
still finds "Certification"), and values are taken relative to the label, so
a form printed at another scale or offset reads the same.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from PIL import Image, ImageChops, ImageFilter

from ..ocr import Word, lines_of, words


@functools.lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.ratio() if matcher.quick_ratio() >= 0.5 else 0.0


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9#/%]", "", text.upper())


@dataclass(frozen=True)
class Hit:
    line: int            # index into Form.lines
    first: int           # index of the label's first word in that line
    last: int            # index of its last word
    score: float


class Form:
    def __init__(self, image: Image.Image, words: Sequence[Word]) -> None:
        self.image = image
        self.ink = np.asarray(image.convert("L")) < 128
        self.lines: list[list[Word]] = lines_of(list(words))
        heights = sorted(w.height for w in words if w.height > 5)
        self.char_h = heights[len(heights) // 2] if heights else 30

    # --- finding labels ---------------------------------------------------------------
    def find(self, label: str, *, after: Hit | None = None, min_score: float = 0.72) -> Hit | None:
        """The best place where the words of `label` appear in order on one line."""
        hits = self.find_all(label, after=after, min_score=min_score)
        return hits[0] if hits else None

    def find_all(self, label: str, *, after: Hit | None = None, min_score: float = 0.72) -> list[Hit]:
        """Every line where the words of `label` appear in order, best first (top first among equals).

        A label may also stand in a box's heading ("NSC or NPI #" above the supplier, "PT DOB: Sex: Ht:"
        above the patient's figures): callers that read a value take the first place that has one.
        """
        wanted = [_norm(t) for t in label.split() if _norm(t)]
        hits: list[Hit] = []
        start = after.line + 1 if after else 0
        for index in range(start, len(self.lines)):
            tokens = [_norm(w.text) for w in self.lines[index]]
            best: Hit | None = None
            for first in range(len(tokens)):
                if _similar(wanted[0], tokens[first]) < 0.6:
                    continue
                score, position = 0.0, first
                matched_last = first
                for want in wanted:
                    # each wanted word may match one of the next two tokens (OCR splits and inserts noise)
                    candidates = [(_similar(want, tokens[j]), j)
                                  for j in range(position, min(position + 2, len(tokens)))]
                    if not candidates:
                        score = 0
                        break
                    ratio, j = max(candidates)
                    score += ratio
                    position, matched_last = j + 1, j
                score /= max(len(wanted), 1)
                if score >= min_score and (best is None or score > best.score):
                    best = Hit(index, first, matched_last, score)
            if best is not None:
                hits.append(best)
        return sorted(hits, key=lambda h: (-h.score, h.line))

    # --- reading values ----------------------------------------------------------------
    def words_after(self, hit: Hit, *, until_x: float | None = None) -> list[Word]:
        line = self.lines[hit.line]
        out = line[hit.last + 1:]
        if until_x is not None:
            out = [w for w in out if w.left < until_x]
        return out

    def words_before(self, hit: Hit) -> list[Word]:
        return self.lines[hit.line][:hit.first]

    def line_below(self, hit: Hit, offset: int = 1, *, x_min: float | None = None,
                   x_max: float | None = None) -> list[Word]:
        index = hit.line + offset
        if not 0 <= index < len(self.lines):
            return []
        return [w for w in self.lines[index]
                if (x_min is None or w.left + w.width > x_min) and (x_max is None or w.left < x_max)]

    def label_x(self, hit: Hit) -> tuple[int, int]:
        line = self.lines[hit.line]
        return line[hit.first].left, line[hit.last].left + line[hit.last].width

    def line_band(self, index: int) -> tuple[float, float]:
        """The top and bottom of a line's words, padded by a third of a character."""
        line = self.lines[index]
        pad = self.char_h / 3
        return min(w.top for w in line) - pad, max(w.top + w.height for w in line) + pad

    def reread_number(self, left: float, top: float, right: float, bottom: float) -> Word | None:
        """Read a small cell again on its own, digits only: Tesseract drops a lone digit on a busy line
        ("1" under QUANTITY, the "2" answering question 3), and reads it when shown nothing else."""
        h, w = self.ink.shape
        box = (max(int(left), 0), max(int(top), 0), min(int(right), w), min(int(bottom), h))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4 or not self.ink[box[1]:box[3], box[0]:box[2]].any():
            return None
        crop = self.image.crop(box).convert("L")
        # Specks that the page's despeckle left are most of what a small cell holds besides the digit: clear
        # them harder here (a digit's stroke has 9+ inked neighbours of 25).
        ink = crop.point(lambda v: 255 if v < 128 else 0)
        dense = ink.filter(ImageFilter.BoxBlur(2)).point(lambda v: 255 if v >= 9 * 255 / 25 - 0.5 else 0)
        cleaned = ImageChops.multiply(ink, dense)
        if cleaned.getbbox() is None:
            return None
        pad = Image.new("L", (crop.width + 40, crop.height + 40), 255)
        pad.paste(cleaned.point(lambda v: 0 if v else 255), (20, 20))
        found = [word for word in words(pad, psm=7, digits=True) if any(c.isdigit() for c in word.text)]
        if not found:
            return None
        best = max(found, key=lambda word: word.conf)
        return Word(best.text, best.conf, box[0] + best.left - 20, box[1] + best.top - 20, best.width, best.height,
                    (-1, -1, -1))

    # --- ink --------------------------------------------------------------------------
    def ink_ratio(self, left: float, top: float, right: float, bottom: float) -> float:
        h, w = self.ink.shape
        l, t = max(int(left), 0), max(int(top), 0)
        r, b = min(int(right), w), min(int(bottom), h)
        if r <= l or b <= t:
            return 0.0
        return float(self.ink[t:b, l:r].mean())

    def box_left_of(self, word: Word, label: str | None = None) -> float:
        """Ink inside the checkbox drawn just left of `word` (an empty box is its outline only).

        When the OCR glued the box to the word ("LJREVISED"), the box is the word's own first square.
        """
        size = word.height * 1.3
        glued = label is not None and not _norm(word.text).startswith(_norm(label)[:2])
        right = word.left + size if glued else word.left - word.height * 0.25
        left = right - size
        top = word.top + word.height / 2 - size / 2
        inner = size * 0.22
        return self.ink_ratio(left + inner, top + inner, right - inner, top + size - inner)
