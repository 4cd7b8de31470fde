"""Lines of a page with a confidence for every character span, from a text layer or from OCR.

Parsers match regular expressions on `Line.text` and ask `Line.conf` for the
confidence of the characters a field came from: a text layer is certain
(100), an OCR word carries Tesseract's confidence, and a word the OCR fixes
below had to change is trusted less than what Tesseract read as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Match

from .words import Word

CERTAIN = 100.0
FIXED_CONF = 70.0  # a word changed by a confusion fix: probably right, never certain


@dataclass
class Line:
    text: str
    # (start, end, confidence) for each word of `text`
    spans: list[tuple[int, int, float]] = field(default_factory=list)
    # Where a space of `text` stands for a wider gap on the page (two characters' width or more): a column's
    # edge a value did not reach.
    wide: frozenset[int] = frozenset()
    # Where each word of `text` starts (its index) and in which column of the page's row, counted in characters
    # from the row's first: a fixed-width print's fields are told by their columns. Empty where not known.
    columns: tuple[tuple[int, int], ...] = ()
    # Where the row's first word stands on the page, in characters from the page's left edge (its text's leading
    # spaces; an OCR'd row's first word's left by the row's pitch): rows compared by where their words stand.
    # None where not known.
    indent: int | None = None

    @classmethod
    def plain(cls, text: str) -> "Line":
        expanded = text.expandtabs()
        stripped = text.strip()
        compact, wide, columns = "", set(), []
        for match in re.finditer(r"(\S+)(\s*)", stripped.expandtabs()):
            columns.append((len(compact), match.start()))
            compact += match[1]
            if match[2]:
                if len(match[2]) >= 2:
                    wide.add(len(compact))
                compact += " "
        return cls(compact, [(0, len(compact), CERTAIN)] if compact else [], frozenset(wide), tuple(columns),
                   len(expanded) - len(expanded.lstrip()))

    @classmethod
    def from_words(cls, words: Iterable[Word]) -> "Line":
        kept = [w for w in words if not _STRAY.match(w.text)]  # a speck read as punctuation is no word
        # A character's width on this line, for the gaps between words to be told in characters.
        widths = sorted(w.width / len(w.text) for w in kept if w.text)
        char = widths[len(widths) // 2] if widths else 0
        # A character's pitch, for columns: a word's ink runs from its first glyph's left to its last's right,
        # short of its cells by about 0.4 of one (measured on a monospaced print: columns within a fraction of
        # one across a row of a hundred; ink over length fell three short).
        pitches = sorted(w.width / (len(w.text) - 0.4) for w in kept if len(w.text) >= 3)
        pitch = pitches[len(pitches) // 2] if pitches else char
        text, spans, wide, columns = "", [], set(), []
        for number, word in enumerate(kept):
            fixed = fix_word(word.text)
            conf = word.conf if fixed == word.text else min(word.conf, FIXED_CONF)
            if number and word.left - (kept[number - 1].left + kept[number - 1].width) > _WIDE_GAP * char:
                wide.add(len(text))
            column = round((word.left - kept[0].left) / pitch) if pitch else 0
            # Two label words the OCR glued with a speck ("Amount.Billed", "Plan-Paid") are two words.
            for part in _split_label(fixed):
                if text:
                    text += " "
                columns.append((len(text), column))
                spans.append((len(text), len(text) + len(part), max(conf, 0.0)))
                text += part
                column += len(part) + 1
        indent = round(kept[0].left / pitch) if kept and pitch else None
        return cls(text, spans, frozenset(wide), tuple(columns), indent)

    def column(self, index: int) -> int | None:
        """The page column of the character at `index` (None where the line does not know its columns)."""
        found = next(((at, column) for at, column in reversed(self.columns) if at <= index), None)
        return None if found is None else found[1] + index - found[0]

    def tail(self, start: int) -> "Line":
        """The line from character `start` on, each word with its confidence and each wide gap."""
        spans = [(max(s, start) - start, e - start, c) for s, e, c in self.spans if e > start]
        columns = tuple((at - start, column) for at, column in self.columns if at >= start)
        return Line(self.text[start:], spans, frozenset(w - start for w in self.wide if w >= start), columns)

    @classmethod
    def joined(cls, parts: Iterable["Line"]) -> "Line":
        """Lines set end to end, a wide gap between each two, every word keeping its confidence: values a layout
        prints one to a row (a service line's card) read as one row."""
        text, spans, wide = "", [], set()
        for part in parts:
            if text:
                wide.add(len(text))
                text += " "
            spans.extend((s + len(text), e + len(text), c) for s, e, c in part.spans)
            wide.update(w + len(text) for w in part.wide)
            text += part.text
        return cls(text, spans, frozenset(wide))

    def with_text(self, text: str) -> "Line":
        """The line with its characters replaced one for one (as long as it was): words and gaps where they were."""
        assert len(text) == len(self.text)
        return Line(text, self.spans, self.wide, self.columns, self.indent)

    def part(self, start: int, end: int) -> "Line":
        """Characters start..end of the line, each word (or its piece) with its confidence."""
        tail = self.tail(start)
        cut = end - start
        spans = [(s, min(e, cut), c) for s, e, c in tail.spans if s < cut]
        return Line(tail.text[:cut], spans, frozenset(w for w in tail.wide if w < cut))

    def wide_after(self, end: int) -> bool:
        """Whether the gap after the characters up to `end` is wider than a space (or the line ends there)."""
        return end >= len(self.text) or end in self.wide

    def conf(self, start: int, end: int) -> float:
        """The lowest confidence of the words that characters start..end touch."""
        touched = [c for s, e, c in self.spans if s < end and e > start]
        return min(touched) if touched else CERTAIN

    def group_conf(self, match: Match[str], *groups: str) -> float:
        confs = [self.conf(*match.span(g)) for g in groups if match.group(g) is not None]
        return min(confs) if confs else CERTAIN


# A gap between two words more than this many characters wide is more than a space: two spaces or a column's
# edge (a word's box is its ink, narrower than its characters' cells, so a single space measures over one).
_WIDE_GAP = 1.6

# Confusions Tesseract makes on these documents, fixed only where the shape of the word leaves one reading.
DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "@": "0", "Q": "0", "D": "0", "©": "0", "l": "1", "I": "1",
                                   "i": "1", "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"})
_NUMERIC_SHAPES = (
    re.compile(r"^\d\d/\d\d/\d\d(\d\d)?$"),                       # a date
    re.compile(r"^\d\d/\d\d/\d\d-\d\d/\d\d/\d\d$"),                # a date range
    re.compile(r"^\$?-?\d{1,3}(,\d{3})*\.\d\d;?$"),                  # an amount
    re.compile(r"^\$?-?\d+\.\d\d;?$"),
)
_GROUPS = {"CO", "PR", "OA", "PI", "CR"}
_GROUP_LOOKALIKES = str.maketrans({"0": "O", "@": "O", "Q": "O", "€": "C", "£": "C", "(": "C", "1": "I", "l": "I",
                                   "|": "I"})
_ADJ_WORD = re.compile(r"^(?P<g>\S{2,3})-(?P<r>[0-9A-Z]{1,4})(?P<semi>;?)$")


def _numeric(word: str) -> bool:
    return any(p.match(word) for p in _NUMERIC_SHAPES)


_STRAY = re.compile(r"^(?:[.,'`‘’:;_~=—–-]+|[^\w\s$#&/])$")
_HCPCS_SHAPE = re.compile(r"^[A-V][0-9OoQIlSBZ]{4}$")
_GLUED_LABELS = re.compile(r"^([A-Z][a-z]{2,})[.\-]([A-Z][a-z]{2,}:?)$")


def _split_label(word: str) -> list[str]:
    match = _GLUED_LABELS.match(word)
    return [match.group(1), match.group(2)] if match else [word]


def fix_word(word: str) -> str:
    """The reading of an OCR word that fits the documents' vocabulary, or the word as read."""
    if len(word) > 1 and word[0] in ".,'`‘’" and word[1].isalnum():
        word = word[1:]  # ".ID:" -> "ID:"
    if re.match(r"^[A-Za-z]+[-:.]*:[-:.]*$", word) or re.match(r"^[A-Za-z]+:?\.$", word):
        word = re.sub(r"[-:.]+$", "", word) + (":" if ":" in word else "")  # "Status-:" / "Totals::" -> "Status:"
    if len(word) > 2 and word[0] in "-~" and word[1:].isalpha():
        word = word[1:]  # "-Amount" -> "Amount"
    if re.match(r"^\$?\d+:\d\d;?$", word):
        word = word.replace(":", ".")  # "3:14" -> "3.14"
    # A hyphen read as a tilde (none is printed): an adjustment's ("PR~2"), an account's ("513116~1"), a negative
    # amount's ("~42.88").
    if re.match(r"^[A-Za-z0-9]+~[0-9A-Za-z]+;?$", word) or re.match(r"^~\$?[\d,]*\d\.\d\d$", word):
        word = word.replace("~", "-")
    # A speck after an amount read as a bracket no bracket opened ("174.22)").
    stripped = word.rstrip(".,'`:°\"" + (")" if "(" not in word else ""))
    if stripped != word and stripped and (_numeric(stripped) or _numeric(stripped.translate(DIGIT_LOOKALIKES))):
        word = stripped  # "127.35." -> "127.35", "07/21/26-07/21/26." -> "07/21/26-07/21/26"
    candidate = re.sub(r"^(\$?-?[\d,]*\d),(\d\d)(;?)$", r"\1.\2\3", word)  # 145,00 -> 145.00
    if candidate != word and not re.match(r"^\$?-?\d{1,3}(,\d{3})+;?$", word) and _numeric(candidate):
        return candidate
    if not _numeric(word):
        mapped = word.translate(DIGIT_LOOKALIKES)
        if mapped != word and _numeric(mapped) and sum(c.isdigit() for c in word) >= len(word) // 2:
            return mapped
    if _HCPCS_SHAPE.match(word) and not word[1:].isdigit():
        return word[0] + word[1:].translate(DIGIT_LOOKALIKES)  # "KO001" -> "K0001"
    if len(word) == 5 and word[0] in "£€" and word[1:].translate(DIGIT_LOOKALIKES).isdigit():
        return "E" + word[1:].translate(DIGIT_LOOKALIKES)  # the pound and euro signs are a bold E misread
    if match := _ADJ_WORD.match(word):
        group = match["g"].translate(_GROUP_LOOKALIKES).upper()  # "c0-45" -> "CO-45" as "C0-45"
        if match["g"] not in _GROUPS:
            # "C0" -> "CO"; "COQ" / "C0O" (a doubled or stray letter) -> "CO"
            readings = {group} | {group[:i] + group[i + 1:] for i in range(len(group))} if len(group) == 3 else {group}
            found = [g for g in readings if g in _GROUPS]
            if len(found) == 1:
                return f"{found[0]}-{match['r']}{match['semi']}"
    return word


def from_text(text: str) -> list[Line]:
    return [Line.plain(raw) for raw in text.splitlines() if raw.strip()]
