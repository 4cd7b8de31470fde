"""A scanned form as words with positions: find a label, read what stands beside or below it, look for ink.

Labels are found by fuzzy word matching (OCR garbles small print: "Cettification"
still finds "Certification"), and values are taken relative to the label, so
a form printed at another scale or offset reads the same.
"""

from __future__ import annotations

import difflib
import functools
import re
import string
from dataclasses import dataclass
from typing import Any, Sequence

import cv2
import numpy as np
from PIL import Image

from ..ocr import glyph_words, lines_of, words
from ..preprocess import SPECKLE_MIN_INK_CELL, TARGET_DPI, despeckle_300, rules
from ..words import Glyph, Word


@functools.lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> float:
    if a == b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.ratio() if matcher.quick_ratio() >= 0.5 else 0.0


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9#/%]", "", text.upper())


@dataclass(frozen=True)
class Box:
    left: int      # page pixels
    right: int
    fill: float    # share of the inside that is ink: about 0 when empty, 0.5 or more when crossed


_MARGIN = 20  # white pixels around a cell read on its own
# A word the page read garbled: below this confidence (a rule's dashes read as "~", "OO"; print under it as "BS").
_GARBLED_WORD = 50.0
_BETTER_BY = 10.0  # how much surer, on average, a line's read without the rules must be to replace the page's
_UNREAD_SURE = 80.0  # a row read again is kept when read this surely on average,
_CLEAR_WORD = 90.0  # or when half its characters stand in words read this surely (an MBI of lookalikes beside a name),
_MENDED_SURE = 65.0  # or, a garbled line's row read again, this sure on average (and surer than the page's)
_OPENING_SURE = 50.0  # or, a garbled line's, when it opens with a word read clearly and is this sure on average
_ENLARGED = 1.5  # the third rendering of a cell read again (see `Form.reread`)
GREY, CLEARED, ENLARGED, SPACED = range(4)  # the renderings of a cell read again, in `Form.reread`'s order
BOX_EDGE = 0.85  # a box's side is a column inked over at least this share of the tallest one in the band
BOX_CROSSED = 0.3  # an X fills about 0.6 of a box's inside, a check mark less
BOX_EMPTY = 0.08   # an empty box's inside, after the despeckle, is paper but for a stray speck


def _components(ink: np.ndarray) -> list[np.ndarray]:
    """The 8-connected pieces of a small ink mask, each as a mask of the same size, in the order their
    first pixels come reading row by row."""
    count, labels = cv2.connectedComponents(ink.astype(np.uint8), connectivity=8)
    if count <= 1:
        return []
    found, first = np.unique(labels, return_index=True)
    return [labels == label for _, label in sorted(zip(first, found)) if label != 0]


def _glyph_masks(ink: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """The glyphs of a one-line cell, left to right: (first column, mask of that column range).

    Pieces of ink one above another (a broken stroke, a dot) are one glyph: a piece whose middle falls
    within another's columns joins it. Glyphs that touch ("FT", "TT" by their bars) are cut where the
    ink is thinnest near where the usual glyph width says a boundary falls, if it is as thin as a bar
    there (a W is wide too, but its strokes cross its middle)."""
    spans: list[list[Any]] = []  # [first column, end column, mask]
    for mask in sorted(_components(ink), key=lambda m: np.flatnonzero(m.any(axis=0)).mean()):
        columns = np.flatnonzero(mask.any(axis=0))
        a, b, middle = int(columns[0]), int(columns[-1]) + 1, columns.mean()
        host = next((span for span in spans if span[0] <= middle < span[1]
                     or a <= (span[0] + span[1]) / 2 < b), None)
        if host is None:
            spans.append([a, b, mask])
        else:
            host[0], host[1], host[2] = min(host[0], a), max(host[1], b), host[2] | mask
    if not spans:
        return []
    spans.sort(key=lambda span: span[0])
    pitch = sorted(b - a for a, b, _ in spans)[len(spans) // 2]
    out: list[tuple[int, np.ndarray]] = []
    for a, b, mask in spans:
        profile = mask[:, a:b].sum(axis=0)
        count = int((b - a) / pitch + 0.25) if b - a > 1.6 * pitch else 1  # wide letters: "TT" is 2.5 digits
        cuts = [0]
        for k in range(1, count):
            guess = (b - a) * k // count
            lo, hi = max(guess - pitch // 3, cuts[-1] + 1), min(guess + pitch // 3, b - a - 1)
            if hi >= lo:
                cut = lo + int(np.argmin(profile[lo:hi + 1]))
                if profile[cut] <= 0.2 * profile.max():
                    cuts.append(cut)
        cuts.append(b - a)
        out.extend((a + c0, mask[:, a + c0:a + c1]) for c0, c1 in zip(cuts, cuts[1:]))
    return out


def _grown(mask: np.ndarray) -> np.ndarray:
    """A mask and the pixels next to it (a glyph's grey edge lies just outside its thresholded ink)."""
    return cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT,
                      borderValue=0).astype(bool)


def _rows_of(found: Sequence[Word], char_h: float) -> list[list[Word]]:
    """Words read from one image parted into rows of print, each row left to right: a word joins the row whose
    last word (the nearest on its left) stands at its height, so a row a little off level stays one row (and
    a word whose box a rule's remnant made tall, by the overlap of their boxes)."""
    def apart(word: Word, last: Word) -> float:
        overlap = min(word.top + word.height, last.top + last.height) - max(word.top, last.top)
        if overlap >= min(word.height, last.height) / 2:
            return 0.0
        return abs(word.top + word.height / 2 - (last.top + last.height / 2))

    def from_row(word: Word, row: list[Word]) -> float:
        # Its last word, or its last word of two letters or more: a box's side read as a glyph ("l", "|"),
        # taller and lower than the print, breaks no row of labels in two.
        worded = next((w for w in reversed(row) if sum(c.isalnum() for c in w.text) >= 2), row[-1])
        return min(apart(word, row[-1]), apart(word, worded))

    rows: list[list[Word]] = []
    for word in sorted(found, key=lambda w: w.left):
        near = [row for row in rows if from_row(word, row) <= char_h * 0.6]
        if near:
            min(near, key=lambda row: from_row(word, row)).append(word)
        else:
            rows.append([word])
    return sorted(rows, key=lambda row: sum(w.top + w.height / 2 for w in row) / len(row))


def _dashes(ink: np.ndarray, char_h: float) -> np.ndarray:
    """Pieces of a dashed rule: ink at least one and a half characters long
    across or down whose most columns (or rows) hold only a stroke's width of it. A straight dash, a box's
    corner ("[", a dash across and a tick down), a side's dash standing taller than any letter; never a
    word, whose letters fill their columns."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    thin = max(char_h / 4, 2)
    found = np.zeros(count, bool)
    for n in range(1, count):
        left, top, width, height = (int(v) for v in stats[n, :4])
        if max(width, height) < 1.5 * char_h:
            continue
        piece = labels[top:top + height, left:left + width] == n
        across = piece.sum(axis=0) if width >= height else piece.sum(axis=1)
        found[n] = (across <= thin).mean() >= 0.8
    return found[labels]


def _dashed_columns(ink: np.ndarray, char_h: float) -> np.ndarray:
    """A table's column rule a fax broke into ticks (or drew dashed): pieces of ink a stroke thin, one under
    another less than a character apart, for four lines of print or more. Left on the page (a box's side kept
    its small label read); taken out of a row read again, where a tick before an answer read "'oN" for "N". (A
    letter is a piece of its own, wider than a stroke but for an "l" or an "i", which stand further apart
    than that one row under another.)"""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    width, height = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    # A tick, or where a row's rule crosses it (a small "+").
    thin = ((width <= max(char_h / 5, 2)) & (height <= 1.5 * char_h)) | ((width <= char_h / 2) & (height <= char_h / 2))
    thin[0] = False
    ticks = thin[labels].astype(np.uint8)
    bridged = cv2.morphologyEx(ticks, cv2.MORPH_CLOSE, np.ones((max(round(char_h), 3), 1), np.uint8))
    down = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((max(round(4 * char_h), 3), 1), np.uint8))
    # Each piece the run goes through, whole (a tick stepping a pixel aside: a rule not quite upright).
    on_run = np.zeros(count, bool)
    on_run[np.unique(labels[cv2.dilate(down, np.ones((1, 3), np.uint8)).astype(bool) & ticks.astype(bool)])] = True
    on_run[0] = False
    return on_run[labels]


def _long_runs(ink: np.ndarray, char_h: float) -> np.ndarray:
    """Ink running level for a character and a half: a rule's dash where it touches print (a box's corner
    joined to its label's first letter), which no letter's stroke is."""
    return cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN,
                            np.ones((1, max(round(1.5 * char_h), 3)), np.uint8)).astype(bool)


def _cut_stubs(ink: np.ndarray, char_h: float) -> np.ndarray:
    """Pieces of ink a crop cut off at its top or bottom edge that are no letter's size: a dashed vertical
    rule's ticks, a neighbouring row's descenders. Beside a row of print, Tesseract read "SCHMIDT," at 31
    with a box's tick before it and at 97 without."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    top, height = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_HEIGHT]
    at_edge = (top == 0) | (top + height >= ink.shape[0])
    small = (height <= char_h / 2) & (stats[:, cv2.CC_STAT_WIDTH] <= char_h / 3)
    cut = at_edge & small
    cut[0] = False
    return cut[labels]


def _same_row(a: Sequence[Word], b: Sequence[Word], char_h: float) -> bool:
    """Whether two lines of words stand on the same row of print and across the same columns."""
    middle_a = sum(w.top + w.height / 2 for w in a) / len(a)
    middle_b = sum(w.top + w.height / 2 for w in b) / len(b)
    # Across the same columns: their spans meet (a row's right half read alone is the same row).
    return abs(middle_a - middle_b) <= char_h / 2 and max(w.left + w.width for w in a) > min(w.left for w in b) \
        and max(w.left + w.width for w in b) > min(w.left for w in a)


def _read_surely(row: Sequence[Word]) -> bool:
    """A row read again that is print, not the halves of its neighbours' letters (read at low confidence)."""
    total = sum(len(w.text) for w in row)
    clear = sum(len(w.text) for w in row if w.conf >= _CLEAR_WORD)
    return _sureness(row) >= _UNREAD_SURE or (total > 0 and clear >= total / 2)


def _opens_clearly(row: Sequence[Word]) -> bool:
    """A row whose first word of three letters or more (its first or second) is read clearly and which is half
    sure in all: a label ("Medicare #", "Attending NPI") before a value read unsurely; not the halves of a
    neighbour's letters."""
    # A question's number before its label ("8  Cor pulmonale") is not the label's first word.
    first = next((w for w in row[:2] if sum(c.isalpha() for c in w.text) >= 3), None)
    return first is not None and first.conf >= _CLEAR_WORD and _sureness(row) >= _OPENING_SURE


def _confidence(line: Sequence[Word]) -> float:
    """A line's confidence in all: each character weighing its word's confidence."""
    return sum(w.conf * len(w.text) for w in line)


def _sureness(line: Sequence[Word]) -> float:
    """A line's confidence, each word weighing as many characters as it has."""
    total = sum(len(w.text) for w in line)
    return sum(w.conf * len(w.text) for w in line) / total if total else 0.0


def _joined(found: list[Word], cell: tuple[float, float, float, float], index: int) -> Word:
    """The words of a spaced rendering (one per piece of ink) as one word standing in the cell. A piece
    about one glyph wide, or read as one letter in both cases ("Ww", "Xx": a W is wide), is one glyph,
    however many Tesseract saw in it ("O0O" for a 0): they become one glyph, the surest, weighing every
    character any of them read or weighed. Two glyphs read alike ("TT" whose bars touch) stay two."""
    widths = sorted(w.width for w in found)
    pitch = widths[len(widths) // 2] if widths else 1
    glyphs: list[Glyph] = []
    for word in found:
        marks = [g for g in word.glyphs if any(c.isalnum() for c in g.text)]
        one_letter = len({g.text.upper() for g in marks}) == 1 and len({g.text for g in marks}) > 1
        if len(marks) > 1 and (word.width < 1.5 * pitch or one_letter):
            best = max(marks, key=lambda g: g.conf)
            weighed = tuple((g.text, g.conf) for g in marks if g is not best)
            glyphs.append(Glyph(best.text, best.conf, weighed + tuple(c for g in marks for c in g.choices)))
        else:
            glyphs.extend(word.glyphs)
    left, top, right, bottom = cell
    return Word("".join(g.text for g in glyphs), min((w.conf for w in found), default=0.0), round(left), round(top),
                round(right - left), round(bottom - top), (-1, -1, index), tuple(glyphs))


@dataclass(frozen=True)
class Hit:
    line: int            # index into Form.lines
    first: int           # index of the label's first word in that line
    last: int            # index of its last word
    score: float


class Form:
    def __init__(self, image: Image.Image, words: Sequence[Word], grey: Image.Image | None = None) -> None:
        self.image = image
        self.grey = grey if grey is not None else image.convert("L")  # cells are read again from it
        self.ink = np.asarray(image.convert("L")) < 128
        self.lines: list[list[Word]] = lines_of(list(words))
        heights = sorted(w.height for w in words if w.height > 5)
        self.char_h = heights[len(heights) // 2] if heights else 30
        self._ruled: np.ndarray | None = None
        self._grey: np.ndarray | None = None

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
                    # on a tie the nearer token: a garbled short word ("o" for "a") must not skip its neighbour
                    ratio, j = max(candidates, key=lambda c: (c[0], -c[1]))
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

    def _clip(self, left: float, top: float, right: float, bottom: float) -> tuple[int, int, int, int] | None:
        """A cell's box inside the page, or None when it is too small or holds no ink."""
        h, w = self.ink.shape
        box = (max(int(left), 0), max(int(top), 0), min(int(right), w), min(int(bottom), h))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4 or not self.ink[box[1]:box[3], box[0]:box[2]].any():
            return None
        return box

    @staticmethod
    def _on_margin(crop: Image.Image, box: tuple[int, int, int, int]) -> tuple[Image.Image, tuple[int, int]]:
        """The crop on a white margin, and where the padded image's origin lies on the page."""
        pad = Image.new("L", (crop.width + 2 * _MARGIN, crop.height + 2 * _MARGIN), 255)
        pad.paste(crop, (_MARGIN, _MARGIN))
        return pad, (box[0] - _MARGIN, box[1] - _MARGIN)

    def _cell(self, left: float, top: float, right: float, bottom: float) -> tuple[Image.Image, tuple[int, int]] | None:
        """A cell's ink, cleared harder of specks than the page was (a digit's stroke has 9+ inked
        neighbours of 25; specks are most of what a small cell holds besides its value), on a white margin."""
        box = self._clip(left, top, right, bottom)
        if box is None:
            return None
        # Cleared within the cell alone: past its edge the edge pixels repeat, the page around it does not count.
        ink = self.ink[box[1]:box[3], box[0]:box[2]] & ~self._ruled_in(box)
        cleaned = despeckle_300(ink, SPECKLE_MIN_INK_CELL)
        if not cleaned.any():
            return None
        return self._on_margin(Image.fromarray(np.where(cleaned, np.uint8(0), np.uint8(255))), box)

    def _grey_cell(self, left: float, top: float, right: float, bottom: float
                   ) -> tuple[Image.Image, tuple[int, int]] | None:
        """A cell of the grey page (before the threshold: Tesseract binarises it afresh), on a white margin."""
        box = self._clip(left, top, right, bottom)
        if box is None:
            return None
        grey = self._grey_pixels()[box[1]:box[3], box[0]:box[2]]
        return self._on_margin(Image.fromarray(np.where(self._ruled_in(box), np.uint8(255), grey)), box)

    def ruled(self) -> np.ndarray:
        """The page's rules (a table's, a signature's line, a column rule a fax broke into ticks, where the rows'
        rules cross it its ticks alone): taken out of every row and cell read again, where a date written on its
        line read at 0 with the line. Found once per page."""
        if self._ruled is None:
            found = rules(self.ink, TARGET_DPI)
            self._ruled = found | _dashed_columns(self.ink & ~found, self.char_h)
        return self._ruled

    def _ruled_in(self, box: tuple[int, int, int, int]) -> np.ndarray:
        """The rules within a cell with their grey fringe (the grey page is the fax brought to 300 dpi: a rule's
        fringe reaches two pixels past its ink)."""
        found = self.ruled()[box[1]:box[3], box[0]:box[2]]
        return cv2.dilate(found.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) if found.any() else found

    def _grey_pixels(self) -> np.ndarray:
        if self._grey is None:
            self._grey = np.asarray(self.grey)
        return self._grey

    def _enlarged_cell(self, left: float, top: float, right: float, bottom: float
                       ) -> tuple[Image.Image, tuple[int, int]] | None:
        """The grey cell enlarged by `_ENLARGED` (the origin stays the padded cell's on the page)."""
        crop = self._grey_cell(left, top, right, bottom)
        if crop is None:
            return None
        image, origin = crop
        return image.resize((round(image.width * _ENLARGED), round(image.height * _ENLARGED)),
                            Image.Resampling.BICUBIC), origin

    def _spaced_cell(self, left: float, top: float, right: float, bottom: float
                     ) -> tuple[Image.Image, tuple[int, int]] | None:
        """The grey cell with its glyphs set apart, a line's height between each two: Tesseract reads a
        string no dictionary knows partly from its neighbours ("9UM8" comes back "QUMB" even in clean
        print), and a glyph standing alone is read for itself. A glyph is a connected piece of the ink
        cleared of specks (a J's hook reaches under the glyph before it, so columns alone would not part
        them), shown alone: the grey pixels on and next to its ink, the rest white."""
        cleaned = self._cell(left, top, right, bottom)
        grey = self._grey_cell(left, top, right, bottom)
        if cleaned is None or grey is None:
            return None
        image, origin = grey
        pieces = _glyph_masks(np.asarray(cleaned[0]) < 128)
        if not pieces:
            return None
        pixels = np.asarray(image)
        gap = image.height
        sheet = Image.new("L", (sum(m.shape[1] for _, m in pieces) + gap * (len(pieces) + 1), image.height), 255)
        x = gap
        for a, mask in pieces:
            near = _grown(mask)
            alone = np.where(near, pixels[:, a:a + mask.shape[1]], 255).astype(np.uint8)
            sheet.paste(Image.fromarray(alone), (x, 0))
            x += mask.shape[1] + gap
        return sheet, origin

    def reread_numbers(self, cells: Sequence[tuple[float, float, float, float] | None]) -> list[Word | None]:
        """Read small cells again on their own, digits only: Tesseract drops a lone digit on a busy line
        ("1" under QUANTITY, the "2" answering question 3), and reads it when shown nothing else. The
        cells stand side by side on one line, far apart, read in one Tesseract run as a line (the fixed
        cost of a run is most of what reading a small cell costs). Per cell, the surest word with a digit,
        in page coordinates, or None."""
        crops = [(index, crop) for index, cell in enumerate(cells)
                 if cell is not None and (crop := self._cell(*cell)) is not None]
        out: list[Word | None] = [None] * len(cells)
        if not crops:
            return out
        height = max(image.height for _, (image, _) in crops)
        gap = 2 * height  # wide enough that no word runs from one cell into the next
        sheet = Image.new("L", (sum(image.width for _, (image, _) in crops) + gap * (len(crops) - 1), height), 255)
        slots = []
        x = 0
        for index, (image, origin) in crops:
            y = (height - image.height) // 2
            sheet.paste(image, (x, y))
            slots.append((index, x, x + image.width, y, origin))
            x += image.width + gap
        for word in words(sheet, psm=7, alphabet=string.digits):
            if not any(c.isdigit() for c in word.text):
                continue
            middle = word.left + word.width / 2
            for index, x0, x1, y0, (dx, dy) in slots:
                if x0 <= middle < x1:
                    best = out[index]
                    if best is None or word.conf > best.conf:
                        out[index] = Word(word.text, word.conf, dx + word.left - x0, dy + word.top - y0, word.width,
                                          word.height, (-1, -1, -1))
                    break
        return out

    def reread(self, cells: Sequence[tuple[float, float, float, float] | None],
               spaced: Sequence[bool] = ()) -> list[list[list[Word]]]:
        """Read value cells again, each alone on its line, in three renderings: the grey page (`GREY`,
        binarised afresh by Tesseract), the page's ink cleared harder of specks (`CLEARED`), and the grey
        page enlarged by half (`ENLARGED`); and a fourth for the cells `spaced` asks it for (codes read
        glyph by glyph): the grey cell with its glyphs set apart (`SPACED`), read as one word (the cell's
        box; its glyphs in order). Returns, per cell, the words of each rendering (page coordinates),
        each with its glyphs and the characters Tesseract weighed for them (about 2% slower than words
        alone); a rendering not asked for is an empty list.

        A value read several times from different images is trusted when the reads agree (see
        `values.settled`); a disagreement goes to a person. Every rendering of every cell is stacked into
        one image, so the rereading costs one Tesseract run, not one per field: the fixed cost of a
        Tesseract run (loading its model) is most of what reading a small cell costs. Which cells stand
        beside a cell on the sheet changes how Tesseract reads it (it sizes a block's lines by all of
        them): a sheet of the grey renderings alone reads codes worse than the whole sheet does.
        """
        render = {GREY: (self._grey_cell, 1.0), CLEARED: (self._cell, 1.0), ENLARGED: (self._enlarged_cell, _ENLARGED),
                  SPACED: (self._spaced_cell, 1.0)}
        pieces = [(index, rendering, *crop, scale)
                  for rendering, (rendered, scale) in render.items()
                  for index, cell in enumerate(cells)
                  if cell is not None and (rendering != SPACED or (index < len(spaced) and spaced[index]))
                  and (crop := rendered(*cell)) is not None]
        out: list[list[list[Word]]] = [[[] for _ in render] for _ in cells]
        for (index, rendering), found in self._read_stacked(pieces, glyphs=True).items():
            if rendering == SPACED:
                found = [_joined(found, cells[index], index)]  # type: ignore[arg-type]
            out[index][rendering] = found
        return out

    def reread_in(self, cells: Sequence[tuple[float, float, float, float] | None], alphabet: str
                  ) -> list[list[Word]]:
        """Read value cells once more from the grey page, Tesseract allowed only `alphabet` (one run for all):
        a read that cannot answer with a letter the value's format forbids must choose among the rest."""
        pieces = [(index, 0, *crop, 1.0) for index, cell in enumerate(cells)
                  if cell is not None and (crop := self._grey_cell(*cell)) is not None]
        out: list[list[Word]] = [[] for _ in cells]
        for (index, _), found in self._read_stacked(pieces, alphabet=alphabet).items():
            out[index] = found
        return out

    def reread_lines(self, indices: Sequence[int], enlarge: float = 2.0) -> dict[int, list[list[Word]]]:
        """Lines read again whole from the grey page, enlarged: small print the page's read garbles (a web
        form's 6-point labels over their boxes, a box's dashed edge read into the first letter) is read when
        its letters are bigger. Two reads, as each reads some lines the other garbles: all the lines stacked
        in one Tesseract run, and each line alone as one line. Per line, each read's words in page
        coordinates."""
        pieces, out = [], {}
        for index in indices:
            line = self.lines[index]
            top, bottom = self.line_band(index)
            box = self._clip(min(w.left for w in line) - self.char_h / 3, top,
                             max(w.left + w.width for w in line) + self.char_h / 3, bottom)
            if box is None:
                continue
            crop = self.grey.crop(box)
            big = crop.resize((round(crop.width * enlarge), round(crop.height * enlarge)), Image.Resampling.LANCZOS)
            # The margin is white pixels of the enlarged image: on the page it is `_MARGIN / enlarge` wide.
            pieces.append((index, 0, self._on_margin(big, box)[0],
                           (box[0] - round(_MARGIN / enlarge), box[1] - round(_MARGIN / enlarge)), enlarge))
            out[index] = [[Word(w.text, w.conf, box[0] + round(w.left / enlarge), box[1] + round(w.top / enlarge),
                                round(w.width / enlarge), round(w.height / enlarge), (-1, -1, index))
                           for w in words(big, psm=7)]]
        for (index, _), found in self._read_stacked(pieces).items():
            out[index].insert(0, found)
        return out

    def mend_ruled_lines(self) -> list[int]:
        """Lines the page read garbled, and rows of print it read no word of, read again alone without the
        form's rules; kept where that read is surer. Returns the indices of the lines it put in `lines`.

        Tesseract reads the row under a table's heading rule with the rule ("SpO2, room air  89 %" came back
        "$p02, room air BS 89% OO ~") or drops it whole, and a date written on a dashed rule at no confidence.
        Taking the rules out of the whole page before its read gave those rows back, but changed how Tesseract
        found the lines of a form from another office and lost it a field: here the page's read stands, and
        only a line with a word below `_GARBLED_WORD`, or a band of ink no word covers, is read again."""
        ruled = self.ruled()
        boxes = self._garbled_boxes(ruled)
        boxes.extend((-1 - k, box) for k, box in enumerate(self._unread_bands(ruled)))
        return self._keep_surer(self._read_stacked(self._without_rules(boxes, ruled)))

    def _garbled_boxes(self, ruled: np.ndarray) -> list[tuple[int, tuple[int, int, int, int]]]:
        """Each line with a word read garbled, and its box: its words', and the unread ink right of them."""
        boxes: list[tuple[int, tuple[int, int, int, int]]] = []
        unworded: np.ndarray | None = None
        for n, line in enumerate(self.lines):
            if not any(w.conf < _GARBLED_WORD for w in line):
                continue
            if unworded is None:
                unworded = self._unworded_ink(ruled)  # once per page, and only for a page with a garbled line
            top, bottom = self.line_band(n)
            right = max(self._unread_ink_right(line, top, bottom, unworded), max(w.left + w.width for w in line))
            box = self._clip(min(w.left for w in line) - self.char_h / 3, top, right + self.char_h / 3, bottom)
            if box is not None:
                boxes.append((n, box))
        return boxes

    def _without_rules(self, boxes: list[tuple[int, tuple[int, int, int, int]]], ruled: np.ndarray
                       ) -> list[tuple[int, int, Image.Image, tuple[int, int], float]]:
        """Each box of the grey page with the rules' ink, and a dashed rule's dashes the page's rule finding
        left (where print stands on the rule), made paper: pieces for `_read_stacked`."""
        grey = self._grey_pixels()
        pieces = []
        for n, (left, top, right, bottom) in boxes:
            ink = self.ink[top:bottom, left:right]
            gone = (ruled[top:bottom, left:right] | _dashes(ink, self.char_h) | _cut_stubs(ink, self.char_h)
                    | _long_runs(ink, self.char_h))
            # The grey page is the fax brought to 300 dpi: a rule's grey fringe reaches two pixels past its ink.
            gone = cv2.dilate(gone.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
            cleared = np.where(gone, np.uint8(255), grey[top:bottom, left:right])
            pieces.append((n, 0, *self._on_margin(Image.fromarray(cleared), (left, top, right, bottom)), 1.0))
        return pieces

    def _keep_surer(self, again: dict[tuple[int, int], list[Word]]) -> list[int]:
        """`lines` with the reads `again` (line index, or a negative number for a band no word covered) put in
        where surer; the indices of the lines put in."""
        replaced: set[int] = set()
        new: list[list[Word]] = []
        for (n, _), found in again.items():
            # A band may hold two rows of print close together (the page's read had run them into one line), or
            # the halves of its neighbours' letters: each row is a line of its own, kept when read surely.
            # A garbled line's row may also be kept when it opens with a label read clearly, its value unsure (an
            # identifier with a mark glued to it): the value keeps its low confidence, and a person its doubt.
            sure = [row for row in _rows_of(found, self.char_h)
                    if (_read_surely(row) or (n >= 0 and (_opens_clearly(row) or _sureness(row) >= _MENDED_SURE)))
                    and any(sum(c.isalnum() for c in w.text) >= 2 for w in row)]
            if n >= 0 and (not sure or _sureness([w for row in sure for w in row])
                           < _sureness(self.lines[n]) + _BETTER_BY):
                continue
            replaced.add(n)
            new.extend(sure)
        kept = [line for n, line in enumerate(self.lines) if n not in replaced]
        # One row read twice (a neighbour's, read again with a garbled line; a band's and a line's reads of it)
        # stands once: a row the page read surely as the page read it, else the read with the most confidence
        # in all (a row read whole over its right half alone, a code read over a code lost).
        added: list[list[Word]] = []
        for row in sorted(new, key=_confidence, reverse=True):
            page_twin = [line for line in kept if _same_row(row, line, self.char_h)]
            if any(_same_row(row, other, self.char_h) for other in added) or any(
                    _sureness(line) >= _UNREAD_SURE or _confidence(line) >= _confidence(row) for line in page_twin):
                continue
            added.append(row)
            kept = [line for line in kept if not any(line is twin for twin in page_twin)]
        new = added
        if not new and not replaced:
            return []
        self.lines = sorted(kept + new, key=lambda ws: (min(w.top for w in ws), min(w.left for w in ws)))
        return [n for n, line in enumerate(self.lines) if any(line is row for row in new)]

    def _unworded_ink(self, ruled: np.ndarray) -> np.ndarray:
        """The page's ink off its rules and outside every word's box: print the page read left without a word."""
        ink = self.ink & ~ruled
        for line in self.lines:
            for w in line:
                ink[max(w.top, 0):max(w.top + w.height, 0), max(w.left, 0):max(w.left + w.width, 0)] = False
        return ink

    def _unread_ink_right(self, line: list[Word], top: float, bottom: float, unworded: np.ndarray) -> float:
        """How far right of a line's last word its band holds a letter no word of the page covers (an answer
        standing on a table's rule, which the page read dropped; `unworded`: `_unworded_ink`): read again with
        the line. 0 when none."""
        top_, bottom_ = max(int(top), 0), int(bottom)
        start = int(max(w.left + w.width for w in line) + self.char_h / 2)
        ink = unworded[top_:bottom_, start:]
        if not ink.size:
            return 0.0
        count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
        letters = [int(stats[k, 0] + stats[k, 2]) for k in range(1, count)
                   if stats[k, cv2.CC_STAT_HEIGHT] >= self.char_h / 2 and stats[k, cv2.CC_STAT_WIDTH] >= self.char_h / 5]
        return float(start + max(letters)) if letters else 0.0

    def _unread_bands(self, ruled: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Boxes of rows of print the page read left without a word (a table's first row under its rule):
        ink, the rules and every word's box taken out, in bands a line of print high."""
        ink = self.ink & ~ruled
        pad = round(self.char_h / 4)
        for line in self.lines:
            for w in line:
                ink[max(w.top - pad, 0):w.top + w.height + pad, max(w.left - pad, 0):w.left + w.width + pad] = False
        # Letters, not specks: a row of print inks a character's height of rows, each across several letters.
        per_row = ink.sum(axis=1)
        inked = per_row >= self.char_h
        out = []
        start = None
        for y, on in enumerate(np.append(inked, False)):
            if on and start is None:
                start = y
            elif not on and start is not None:
                if self.char_h * 0.5 <= y - start <= self.char_h * 2.5:
                    columns = np.flatnonzero(ink[start:y].any(axis=0))
                    box = self._clip(columns[0] - pad, start - pad, columns[-1] + pad, y + pad)
                    if box is not None:
                        out.append(box)
                start = None
        return out

    @staticmethod
    def _read_stacked(pieces: list[tuple[int, int, Image.Image, tuple[int, int], float]], *,
                      alphabet: str | None = None, glyphs: bool = False) -> dict[tuple[int, int], list[Word]]:
        """Stack cell images (cell index, rendering, image, page origin, scale) into one sheet, read it
        once, and give each piece its words in page coordinates, left to right (with `glyphs`, each
        word's characters and the alternatives Tesseract weighed for them)."""
        out: dict[tuple[int, int], list[Word]] = {}
        if not pieces:
            return out
        sheet = Image.new("L", (max(p[2].width for p in pieces), sum(p[2].height for p in pieces)), 255)
        slots = []
        y = 0
        for index, rendering, image, origin, scale in pieces:
            sheet.paste(image, (0, y))
            slots.append((index, rendering, y, y + image.height, origin, scale))
            y += image.height
        for word in (glyph_words(sheet, psm=6) if glyphs else words(sheet, psm=6, alphabet=alphabet)):
            middle = word.top + word.height / 2
            for index, rendering, y0, y1, (dx, dy), scale in slots:
                if y0 <= middle < y1:
                    out.setdefault((index, rendering), []).append(Word(
                        word.text, word.conf, round(dx + word.left / scale), round(dy + (word.top - y0) / scale),
                        round(word.width / scale), round(word.height / scale), (-1, -1, index), word.glyphs))
                    break
        for found in out.values():
            found.sort(key=lambda w: w.left)
        return out

    # --- ink --------------------------------------------------------------------------
    def ink_ratio(self, left: float, top: float, right: float, bottom: float) -> float:
        h, w = self.ink.shape
        l, t = max(int(left), 0), max(int(top), 0)
        r, b = min(int(right), w), min(int(bottom), h)
        if r <= l or b <= t:
            return 0.0
        return float(self.ink[t:b, l:r].mean())

    def signature_ink(self, left: float, top: float, right: float, bottom: float) -> float:
        """Ink where a name is signed, without the rule it is signed on: a form prints the rule, an EHR may
        print it higher or lower, and its ink alone came close to a signature's (an unsigned form read as
        signed). A rule is a horizontal run of ink three characters long; no pen stroke is one."""
        h, w = self.ink.shape
        l, t = max(int(left), 0), max(int(top), 0)
        r, b = min(int(right), w), min(int(bottom), h)
        if r <= l or b <= t:
            return 0.0
        band = self.ink[t:b, l:r].astype(np.uint8)
        run = max(int(self.char_h * 3), 3)
        rules = cv2.morphologyEx(band, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
        rules = cv2.dilate(rules, np.ones((3, 1), np.uint8))  # the rule's ragged edges after a fax
        return float((band & (1 - rules)).mean())

    def boxes(self, left: float, top: float, right: float, bottom: float) -> list[Box]:
        """The square checkboxes drawn in a band, left to right, with how much of each one's inside is ink.

        Found from the ink, not from the OCR (which reads a box and its letter as anything from "XIN" to
        "[Jo"): a box's sides are the tallest inked columns in the band, in pairs about as far apart as
        they are tall. Letters and the strokes of a cross are shorter.
        """
        h, w = self.ink.shape
        l, t, r, b = max(int(left), 0), max(int(top), 0), min(int(right), w), min(int(bottom), h)
        band = self.ink[t:b, l:r]
        if band.size == 0:
            return []
        counts = band.sum(axis=0)
        tallest = int(counts.max())
        if tallest < self.char_h * 0.8:
            return []  # nothing in the band is as tall as a box
        sides: list[list[int]] = []
        for x in np.nonzero(counts >= BOX_EDGE * tallest)[0]:
            if sides and x - sides[-1][1] <= 2:
                sides[-1][1] = int(x)
            else:
                sides.append([int(x), int(x)])
        found: list[Box] = []
        i = 0
        while i < len(sides):
            first = sides[i]
            partners = [j for j in range(i + 1, len(sides)) if 0.6 * tallest <= sides[j][0] - first[1] <= 1.3 * tallest]
            if not partners:
                i += 1
                continue
            j = min(partners, key=lambda k: abs(sides[k][1] - first[0] - tallest))  # squarest
            x0, x1 = first[1] + 1, sides[j][0]
            column = np.nonzero(band[:, first[0]])[0]
            y0, y1 = int(column.min()), int(column.max())
            # Step past the top and bottom sides (their thickness varies with the fax's blur).
            while y0 < y1 and band[y0, x0:x1].mean() > 0.5:
                y0 += 1
            while y1 > y0 and band[y1, x0:x1].mean() > 0.5:
                y1 -= 1
            mx, my = max(1, (x1 - x0) // 8), max(1, (y1 - y0) // 8)
            inside = band[y0 + my:y1 - my + 1, x0 + mx:x1 - mx]
            found.append(Box(l + first[0], l + sides[j][1], float(inside.mean()) if inside.size else 0.0))
            i = j + 1
        return found

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
