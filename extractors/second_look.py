"""Identifiers on a scanned page read a second time, each alone: a read the two do not agree on is in doubt.

Nothing in a remittance's arithmetic holds a patient's account, member id or claim number, so a digit
misread in one at a confidence the readers trust passes every check: "521435-2" read "522435-2" at 86
in a line of clear print. Tesseract reads a line with the line around it; cut out alone, the same ink
is read with no context, and the two reads disagree where a glyph was truly in doubt. Every such word of
a page goes on one sheet, read once (a page's second look costs one small Tesseract call, not one per word).
"""

from __future__ import annotations

import re

from PIL import Image

from .dotted_zero import LOOKALIKES
from .lines import CERTAIN, fix_word
from .remittance.common import MIN_CONF as TRUSTED  # below it an identifier is in doubt already: no second look
from .ocr import words as ocr_words
from .words import Word

# Ink kept around a word cut out: enough for the glyphs' edges, too little for a neighbour's.
PAD = 6
GAP = 24  # paper between two words on the sheet, so that Tesseract takes each for a line of its own
DISAGREED = 50.0  # the confidence a word keeps when its second read differs: below every reader's trust
# An identifier: letters, digits and hyphens, a digit among them (a claim, member or account number, a code,
# a six-digit date). Amounts and slashed dates are held by arithmetic and calendars, names by the word list.
_IDENTIFIER = re.compile(r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}")
_EDGE_PUNCT = ";:,."
# Glyphs one face prints alike, folded to one before two reads are compared.
_FOLD = str.maketrans({"O": "0", "Q": "0", "D": "0", "@": "0", "I": "1", "L": "1", "|": "1", "S": "5", "$": "5",
                       "B": "8", "Z": "2"})


def _candidate(word: Word) -> bool:
    text = fix_word(word.text).strip(_EDGE_PUNCT)
    return TRUSTED <= word.conf < CERTAIN and bool(_IDENTIFIER.fullmatch(text))


def contradicts(first: str, second: str) -> bool:
    """Whether a word's second read says another value of the same shape: a digit where the first read has
    another digit, a letter where it has another letter. A glyph gained or lost at a crop's edge, a case, a
    letter for its digit lookalike, and a zero the second read alone took for a 6, 8 or 9 (a typewriter
    face's dotted zero, `dotted_zero`) are how reading a word alone goes wrong, not doubts about the page's read;
    a shape changed is caught by the readers' own checks."""
    a = fix_word(first).strip(_EDGE_PUNCT).upper().translate(_FOLD)
    b = fix_word(second).strip(_EDGE_PUNCT).upper().translate(_FOLD)
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x == y or (x == "0" and y in LOOKALIKES):
            continue
        if (x.isdigit() and y.isdigit()) or (x.isalpha() and y.isalpha()):
            return True
    return False


def doubted(found: list[Word], image: Image.Image) -> list[Word]:
    """`found` (a page's words, boxes in `image`'s pixels) with every identifier whose second read, alone,
    differs from the page's given DISAGREED confidence."""
    out = list(found)
    for index, again in second_reads(found, image).items():
        if contradicts(found[index].text, again):
            word = found[index]
            out[index] = Word(word.text, min(word.conf, DISAGREED), word.left, word.top, word.width, word.height,
                              word.line, word.glyphs)
    return out


def second_reads(found: list[Word], image: Image.Image) -> dict[int, str]:
    """Each identifier's index in `found` and what it reads cut out alone."""
    chosen = [i for i, word in enumerate(found) if _candidate(word)]
    if not chosen:
        return {}
    crops = [image.crop((found[i].left - PAD, found[i].top - PAD, found[i].left + found[i].width + PAD,
                         found[i].top + found[i].height + PAD)) for i in chosen]
    sheet = Image.new("L", (max(c.width for c in crops) + 2 * GAP, sum(c.height + GAP for c in crops) + GAP), 255)
    slots: list[tuple[int, int]] = []
    y = GAP
    for crop in crops:
        sheet.paste(crop.convert("L"), (GAP, y))
        slots.append((y, y + crop.height))
        y += crop.height + GAP
    second: list[list[Word]] = [[] for _ in chosen]
    for word in ocr_words(sheet, psm=6):
        middle = word.top + word.height / 2
        for slot, (y0, y1) in enumerate(slots):
            if y0 <= middle < y1:
                second[slot].append(word)
                break
    return {index: "".join(w.text for w in sorted(second[slot], key=lambda w: w.left))
            for slot, index in enumerate(chosen)}
