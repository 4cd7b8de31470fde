"""A name read by OCR that is one glyph confusion away from a word the OCR's own model knows, and is not
one itself ("DANTEL" beside DANIEL, "SCHMIOT" beside SCHMIDT), was most likely misread: its confidence
says nothing (Tesseract is as sure of DANTEL as of DANIEL), the word list does."""

from __future__ import annotations

import re

from . import dictionary

# Glyphs Tesseract takes for one another in print, both ways.
_CONFUSED = {"I": "TLJ1", "T": "I", "L": "I", "J": "I", "O": "DQC0", "D": "O", "Q": "O", "C": "OG", "G": "C",
             "E": "F", "F": "E", "U": "V", "V": "U", "N": "MH", "M": "N", "H": "N", "R": "P", "P": "R", "S": "5",
             "B": "8"}


# Small letters printed close that Tesseract reads as one ("ri" as "n": "Ingnd" for Ingrid), and back.
_RUN_TOGETHER = {"N": ("RI",), "M": ("RN", "NI"), "D": ("CL",), "H": ("LI",), "RI": ("N",), "RN": ("M",),
                 "CL": ("D",), "LI": ("H",)}


def likely_misread(name: str) -> bool:
    """Whether a word of the name is unknown to the model while one confusion away from a word it knows (one
    glyph for another, or two small letters run together as one)."""
    known = dictionary.known_words()
    if not known:
        return False  # no word list (Tesseract's tools missing): nothing to compare with
    for word in re.findall(r"[A-Z]{4,}", name.upper()):
        if word in known:
            continue
        for index, glyph in enumerate(word):
            if any(word[:index] + other + word[index + 1:] in known for other in _CONFUSED.get(glyph, "")):
                return True
            if any(word[:index] + other + word[index + len(seen):] in known
                   for seen, others in _RUN_TOGETHER.items() if word.startswith(seen, index) for other in others):
                return True
    return False
