"""The CMS-484 oxygen CMN, read from a fax by its labels."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any, Callable

from .. import dotted_zero
from ..models import Cmn, CmnPatient, OxygenTest, Supplier
from ..words import Word
from . import cmn_rows, values
from .values import SIGNATURE_INK, SIGNATURE_INK_DOUBT
from .layout import BOX_CROSSED, BOX_EMPTY, Form, Hit
from .rules import DEFAULT_RULES, RuleSet, verdict

TITLE = "CERTIFICATE OF MEDICAL NECESSITY"
OXYGEN_HCPCS = {"E0424", "E0425", "E0430", "E0431", "E0433", "E0434", "E0435", "E0439", "E0440", "E0441", "E0442",
                "E0443", "E0444", "E0447", "E1390", "E1391", "E1392", "E1405", "E1406", "K0738"}


Cell = tuple[float, float, float, float]


@dataclass
class _Pending:
    """A value read on the page, waiting for its cell to be read again (see `_Reader.settle`)."""

    path: str
    first: values.Read[Any]
    cell: Cell | None
    parse: Callable[[list[Word]], values.Read[Any]]
    store: Callable[[Any], None]
    required: bool
    alphabet: str | None  # also read the cell with Tesseract allowed only these characters
    shape: tuple[str, ...] | None  # also read each rendering glyph by glyph, each position limited so
    # What else settles the value when the reads alone do not (given every read: the page's, each rendering's,
    # the alphabet-limited one); None when it does not.
    otherwise: Callable[[list[values.Read[Any] | None]], values.Read[Any] | None] | None = None


@dataclass
class _Number:
    """A small number read on its line, waiting to be read again on its own (see `_Reader.settle`)."""

    path: str
    first: values.Read[int]
    cell: Cell | None
    low: int
    high: int
    store: Callable[[Any], None]
    required: bool


SPECK_CONF = 10.0  # a page read below this that no reread finds is a speck (`_Reader.settle`)


class _Reader:
    def __init__(self, form: Form) -> None:
        self.form = form
        self.review: list[str] = []
        self._pending: list[_Pending] = []
        self._numbers: list[_Number] = []
        self._then: list[Callable[[], None]] = []

    def then(self, step: Callable[[], None]) -> None:
        """Run `step` once every value waiting is settled (a list whose entries were read again)."""
        self._then.append(step)

    def confirm_number(self, path: str, first: values.Read[int], cell: Cell | None, low: int, high: int,
                       store: Callable[[Any], None], *, required: bool = True) -> None:
        """Keep a small number once its cell has been read again alone, digits only (`values.agreed`);
        without a cell, as first read."""
        self._numbers.append(_Number(path, first, cell, low, high, store, required))

    def confirm(self, path: str, first: values.Read[Any], cell: Cell | None,
                parse: Callable[[list[Word]], values.Read[Any]], store: Callable[[Any], None], *,
                required: bool = True, alphabet: str | None = None, shape: tuple[str, ...] | None = None,
                otherwise: Callable[[list[values.Read[Any] | None]], values.Read[Any] | None] | None = None
                ) -> None:
        """Keep a value once its cell has been read again (see `settle`): `store` receives it. With an
        `alphabet`, the cell is also read with Tesseract allowed only those characters; with a `shape`
        (what each position of a code may hold), each rereading is also read glyph by glyph; `otherwise`
        is asked what the reads make of it when they do not settle it alone."""
        self._pending.append(_Pending(path, first, cell, parse, store, required, alphabet, shape, otherwise))

    def settle(self) -> None:
        """Read every cell waiting for confirmation again, in one go, and keep what the reads make of it:
        the small numbers first (`confirm_number`, one Tesseract run for all), then the other values."""
        numbers, self._numbers = self._numbers, []
        again = self.form.reread_numbers([n.cell for n in numbers])
        for n, word in zip(numbers, again):  # a number with no cell has no second read: `agreed` keeps the first
            n.store(self.keep(n.path, values.agreed(n.first, word, n.low, n.high), required=n.required))
        pending, self._pending = self._pending, []
        rereads = self.form.reread([p.cell for p in pending], [p.shape is not None for p in pending])
        constrained: list[list[Word] | None] = [None] * len(pending)
        for alphabet in {p.alphabet for p in pending if p.alphabet}:
            found = self.form.reread_in([p.cell if p.alphabet == alphabet else None for p in pending], alphabet)
            for index, p in enumerate(pending):
                if p.alphabet == alphabet:
                    constrained[index] = found[index]
        for p, renderings, limited in zip(pending, rereads, constrained):
            *usual, spaced = renderings
            again = [p.parse(found) for found in usual]
            limited_read = p.parse(limited) if limited is not None else None
            settled = values.settled(p.first, again, limited_read,
                                     [values.by_glyphs(found, p.shape) for found in usual] if p.shape else (),
                                     p.parse(spaced) if p.shape else None,
                                     values.by_glyphs(spaced, p.shape) if p.shape else None)
            if not settled.sure and p.otherwise is not None:
                settled = p.otherwise([p.first, *again, limited_read]) or settled
            if (not p.required and not settled.sure and p.first.conf < SPECK_CONF and len(usual) >= 2
                    and not any(usual)):
                # A mark the page read at almost no confidence where no rendering of its cell finds a word at
                # all: a speck (a leader's last dot read as "5"), not a value written in; the field is blank.
                settled = values.nothing()
            p.store(self.keep(p.path, settled, required=p.required))
        steps, self._then = self._then, []
        for step in steps:
            step()

    def cell_after(self, hit: Hit | None, width: float, *, x_max: float | None = None
                   ) -> Cell | None:
        """Where a label's value stands: right of the label on its line, `width` characters wide."""
        if hit is None:
            return None
        form = self.form
        top, bottom = form.line_band(hit.line)
        left = form.label_x(hit)[1] + form.char_h * 0.2
        right = left + width * form.char_h
        return left, top, min(right, x_max) if x_max is not None else right, bottom

    def cell_of(self, *found: Word | None, grow: float = 1.0) -> Cell | None:
        """The box of a value's words, grown by `grow` characters left and right and a third of one up
        and down (a misread may have cut a letter off)."""
        present = [w for w in found if w is not None]
        if not present:
            return None
        pad = self.form.char_h * grow
        return (min(w.left for w in present) - pad, min(w.top for w in present) - self.form.char_h / 3,
                max(w.left + w.width for w in present) + pad,
                max(w.top + w.height for w in present) + self.form.char_h / 3)

    def confirm_words(self, path: str, found: list[Word], parse: Callable[[list[Word]], values.Read[Any]],
                      store: Callable[[Any], None]) -> None:
        """`confirm` a value read from these words, rereading the box they stand in (specks left out)."""
        self.confirm(path, parse(found), self.cell_of(*(w for w in found if w.text.strip("|_~.,;:'\""))), parse,
                     store)

    def keep(self, path: str, read: values.Read[Any], *, required: bool = True) -> Any:
        """The value if it is sure; otherwise the value as read, listed for review (or None, if allowed)."""
        if read.value is None:
            if required:
                self.review.append(path)
            return None
        if not read.sure:
            self.review.append(path)
        return read.value

    def after(self, label: str, **kwargs: Any) -> tuple[Hit | None, list[Word]]:
        hit = self.form.find(label)
        return hit, (self.form.words_after(hit, **kwargs) if hit else [])

    def value_after(self, label: str, parse: Callable[[list[Word]], values.Read[Any]], take: int | None = None,
                    *, after: Hit | None = None) -> tuple[values.Read[Any], Hit | None]:
        """The value after the first place the label is followed by one (a box heading may repeat the label),
        and that place (the best match for the label when none has a value); only below `after`'s line when
        given."""
        hits = self.form.find_all(label, after=after)
        for hit in hits:
            words = self.form.words_after(hit)
            read = parse(words[:take] if take else words)
            if read.value is not None:
                return read, hit
        return values.nothing(), (hits[0] if hits else None)

    def _typed_letter(self, hit: Hit, boxes: list[Any], path: str, store: Callable[[Any], None] | None) -> str | None:
        """An answer an EHR typed as a letter where the form has no boxes ("N 7. Does the patient..."): kept
        like any value, once its cell read again alone (Y, N and D allowed) agrees."""
        if boxes or store is None:
            return None
        word = _lone_letter(self.form.words_before(hit))
        if word is None:
            return None
        letter = word.text.strip(".,:;")
        self.confirm(path, values.Read(letter, word.conf, True, word), self.cell_of(word, grow=0.4), _letter_in,
                     store, alphabet="YND")
        return letter

    def checked_letter(self, question: str, path: str, store: Callable[[Any], None] | None = None) -> str | None:
        """Which of the Y / N / D boxes on a question's line holds a mark.

        The OCR reads a box and its letter as one word: an X-like glyph before the letter
        ("XIN", "BIN") is a marked box, a bracket-like one ("L]Y", "[D", "OD") an empty box;
        otherwise the ink inside the box left of the letter decides.
        """
        hit = self.form.find(question)
        if hit is None:
            self.review.append(path)
            return None
        top, bottom = self.form.line_band(hit.line)
        boxes = self.form.boxes(0, top, self.form.lines[hit.line][hit.first].left, bottom)
        if len(boxes) == 3:
            # The form prints the boxes in the order Y, N, D.
            letter = _one_marked({"Y": boxes[0].fill, "N": boxes[1].fill, "D": boxes[2].fill})
            if letter is not None:
                return letter
        typed = self._typed_letter(hit, boxes, path, store)
        if typed is not None:
            return typed
        marks: dict[str, float] = {}
        confs: dict[str, float] = {}
        for word in self.form.words_before(hit):
            text = word.text.strip(".,:;_~‘’'\"-")
            if not text:
                continue
            letter = text[-1].upper().replace("¥", "Y")
            if letter not in ("Y", "N", "D") or letter in marks:
                continue
            prefix = text[:-1].upper()
            confs[letter] = word.conf
            if any(c in prefix for c in _MARK_GLYPHS):
                marks[letter] = 1.0
            elif prefix and all(c in _EMPTY_BOX_GLYPHS for c in prefix):
                marks[letter] = 0.0
            else:
                marks[letter] = self.form.box_left_of(word)
        marked = [letter for letter, ink in marks.items() if ink >= 0.12]
        # Sure only when all three boxes were seen, one clearly marked and the others clearly empty.
        clear = (len(marks) == 3 and len(marked) == 1 and marks[marked[0]] >= CHECKED_INK
                 and all(ink <= EMPTY_INK for letter, ink in marks.items() if letter != marked[0]))
        if clear and confs[marked[0]] >= _MARK_CONF:
            return marked[0]
        self.review.append(path)
        return max(marks, key=lambda k: marks[k]) if marks else None


def _letter_in(words: list[Word]) -> values.Read[str]:
    word = _lone_letter(words)
    if word is None:
        return values.nothing()
    return values.Read(word.text.strip(".,:;"), word.conf, True, word)


def _lone_letter(words: list[Word]) -> Word | None:
    """The one answer letter typed left of a question ("N 7. Does the patient..."), when that is all there is
    besides the question's number."""
    numbers = [i for i, w in enumerate(words) if re.fullmatch(r"\d{1,2}[.,]?", w.text.strip())]
    rest = words[:numbers[0]] if numbers else words  # what follows the question's number is its own text
    if len(rest) == 1 and rest[0].text.strip(".,:;") in ("Y", "N", "D"):
        return rest[0]
    return None


def _one_marked(fills: dict[str, float]) -> str | None:
    """The one box clearly crossed while every other is clearly empty; None when it is not that clear."""
    marked = [name for name, fill in fills.items() if fill >= BOX_CROSSED]
    if len(marked) == 1 and all(fill <= BOX_EMPTY for name, fill in fills.items() if name != marked[0]):
        return marked[0]
    return None


_MARK_GLYPHS = set("XKB%®×*#")
CHECKED_INK = 0.3   # share of a checkbox's inside that is ink when it is marked
EMPTY_INK = 0.2     # at most this much for an empty one (outline creep, specks)
_MARK_CONF = 50.0  # a box read from a word Tesseract barely recognised is not trusted
_EMPTY_BOX_GLYPHS = set("[]()|LJICO0ULIY{}")


def _certification_by_labels(form: Form, types: dict[str, Hit | None], labels: dict[str, str]
                             ) -> tuple[str | None, bool]:
    """When the boxes were not found: the box left of each label, or a mark the OCR glued to the label;
    the likeliest type, and whether it is clear."""
    inks = {}
    for name, hit in types.items():
        if hit is not None:
            word = form.lines[hit.line][hit.first]
            # The OCR often reads a marked box as an X stuck to its label ("XINITIAL"): that is a mark too.
            glued = word.text.lstrip("[(|").upper()[:1] in ("X", "K", "%", "¥") and name != "recertification"
            inks[name] = max(form.box_left_of(word, labels[name]), 0.5 if glued else 0.0)
    ranked = sorted(inks.items(), key=lambda kv: -kv[1])
    # An empty box's outline and specks come to about 0.15; a marked one to 0.3 or more.
    clear = len(ranked) == 3 and ranked[0][1] >= CHECKED_INK and ranked[1][1] <= EMPTY_INK
    return (ranked[0][0] if ranked else None), clear


def _certification_by_dates(form: Form, types: dict[str, Hit | None]) -> str | None:
    """The certification type told by its dates: a revised or recertification form still shows the initial
    date, so the one of those two with a date decides, and the initial date alone means an initial form.
    None when the dates do not tell (both filled, a label not found, or no date at all)."""
    if any(hit is None for hit in types.values()):
        return None
    # Filled in or blank is all that is asked (the date itself is read and checked elsewhere): digits where
    # the blank form has "__/__/__", even where OCR misread one ("99/23/2026").
    dated = {name: bool(words := form.words_after(hit)[:1]) and sum(c.isdigit() for c in words[0].text) >= 4
             for name, hit in types.items() if hit is not None}
    later = [name for name in ("revised", "recertification") if dated[name]]
    if len(later) == 1:
        return later[0]
    if not later and dated["initial"]:
        return "initial"
    return None


def _dob_unlabelled(form: Form) -> values.Read[Any]:
    """The patient's birth date where its label was misread ("Pt 008 08/20/1956"): the date that ends the
    row of the place of service and HCPCS labels, or the row below them (the patient's figures stand
    there), kept in doubt: no label says what it is."""
    hcpcs_hit = form.find("HCPCS CODE")
    if hcpcs_hit is None:
        return values.nothing()
    for offset in (0, 1):
        row = form.line_below(hcpcs_hit, offset, x_min=form.label_x(hcpcs_hit)[1])
        found = values.date_in(row[-1:])
        if found.value is not None:
            return values.Read(found.value, min(found.conf, values.CONF_OK - 1), found.ok, found.word, True)
    return values.nothing()


def _unglued_codes(words: list[Word]) -> list[Word]:
    """The words with a label's end cut off where a value is glued to it ("(ICD-10):J43.9" is "J43.9"); a
    word that is all label goes."""
    out = []
    for word in words:
        # "):" as printed; ")" or ");" where OCR lost or changed the colon ("(ICD-10)J", "(ICD-10);}").
        match = re.fullmatch(r"(.*?\))([:;]?)(.*)", word.text)
        if match is None or not (match[2] == ":" or "ICD" in match[1].upper()):
            out.append(word)
            continue
        label, rest = match[1] + match[2], match[3]
        if rest:
            out.append(Word(rest, word.conf, word.left + word.width * len(label) / len(word.text), word.top,
                            word.width * len(rest) / len(word.text), word.height, word.line))
    return out


def _glued(form: Form, hit: Hit, label_word: str) -> list[Word]:
    """A value printed against its label's last word ("CODEE1390"): the rest of that word, as a word."""
    last = form.lines[hit.line][hit.last]
    text = last.text
    if text.upper().startswith(label_word) and len(text) > len(label_word):
        return [Word(text[len(label_word):], last.conf, last.left, last.top, last.width, last.height, last.line)]
    return []


def _garbled_dob_label(words: list[Word]) -> float | None:
    """Where the patient's birth-date label starts on the codes' row when a fax garbled it past finding ("PT00B",
    "pT o08"): its letters' lookalikes, before a date."""
    for index, word in enumerate(words[:-1]):
        text = word.text.upper()
        pair = text + (words[index + 1].text.upper() if index + 2 < len(words) else "")
        dated = any(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", w.text) for w in words[index + 1:index + 3])
        if dated and (re.fullmatch(r"P[T7][DO0Q][O0Q][B8]", text) or re.fullmatch(r"P[T7][DO0Q][O0Q][B8]", pair)):
            return float(word.left)
    return None


def _unglued(word: Word, label_word: str) -> Word:
    """A word read again from a cell that holds the label's last word too: the value glued to it, or the word as
    it is (the label alone reads as no code)."""
    text = word.text
    if text.upper().startswith(label_word) and len(text) > len(label_word):
        return Word(text[len(label_word):], word.conf, word.left, word.top, word.width, word.height, word.line)
    return word


def _letter_rejoined(words: list[Word]) -> list[Word]:
    """A code whose letter stayed glued to its label while OCR set its digits apart ("CODEE" "1390"): the
    letter and the digits one word again."""
    if len(words) >= 2 and re.fullmatch(r"[A-Z]", words[0].text) and re.fullmatch(r"[0-9OIlSB]{4}", words[1].text):
        first, second = words[0], words[1]
        joined = Word(first.text + second.text, min(first.conf, second.conf), first.left, first.top,
                      second.left + second.width - first.left, max(first.height, second.height), first.line)
        return [joined, *words[2:]]
    return words


def _code_list(words: list[Word], parse: Callable[[list[Word]], list[values.Read[str]]]) -> values.Read[list[str]]:
    """The codes in a list of words (HCPCS, ICD-10), sure only if every code is and no code-like word
    failed to read as one (then the list may be short)."""
    codes = parse(words)
    found = [c.value for c in codes if c.value]
    if not found:
        return values.nothing()
    # (A date beside them is no code left unread: the patient's birth date where its label was garbled.)
    unread = [w for w in words if len(re.sub(r"[^A-Za-z0-9]", "", w.text)) >= 3 and re.search(r"\d", w.text)
              and not re.fullmatch(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", w.text)]
    conf = min(c.conf for c in codes)
    return values.Read(found, conf, all(c.ok for c in codes) and len(unread) <= len(codes), codes[0].word,
                       any(c.guessed for c in codes))


def _flow(words: list[Word]) -> values.Read[int]:
    """The flow rate: the last number before question 5, "2 LPM" or, glued, "2LPM"."""
    numbers = []
    for w in words:
        match = re.match(r"^\W*(\d{1,2})\W*(?:LPM)?\W*$", w.text.upper())
        if match:
            numbers.append(Word(match.group(1), w.conf, w.left, w.top, w.width, w.height, w.line))
    return values.integer_in(numbers[-1:], 1, 15)


def _result(r: _Reader, form: Form, hit: Hit, path: str, low: int, high: int, store: Callable[[Any], None]) -> None:
    """A test result between its label's words ("a) 57 mm Hg", "b) 89%"), read twice; something written
    there but unreadable goes to review, a blank does not (only one of the two tests is usually done)."""
    words = form.lines[hit.line][hit.first + 1:hit.last + 1]
    units = [w for w in words if re.fullmatch(r"(?i)mm\w?hg|mm|hg|%", w.text.strip(".,"))]
    inner = [_unit_off(w) for w in words if w not in units]
    written = [w for w in inner if w.text.strip("_-.~ ")]
    label = form.lines[hit.line][hit.first]
    top, bottom = form.line_band(hit.line)
    right = units[0].left if units else label.left + label.width + 5 * form.char_h
    cell = (label.left + label.width + form.char_h * 0.2, top, right, bottom)

    def parse(found: list[Word]) -> values.Read[int]:
        return values.integer_in([_unit_off(w) for w in found if w.text.strip("_-.~ ")][:1], low, high)

    r.confirm(path, values.integer_in(written, low, high), cell, parse, store, required=bool(written))


def _unit_off(word: Word) -> Word:
    """"58mm", "91%": the value glued to its unit; "51m": to the part of it a cell cut before the unit kept."""
    return replace(word, text=re.sub(r"(?i)(mm|hg|m|%)+$", "", word.text))


def _answer_column(form: Form, hit: Hit | None) -> tuple[float, float] | None:
    """The x range of Section B's answer column, from where its first answer ("a) .. mm Hg") starts."""
    if hit is None:
        return None
    left = form.lines[hit.line][hit.first].left
    return left - 2 * form.char_h, left + 12 * form.char_h


def _answer_number(form: Form, question: Hit, column: tuple[float, float] | None
                   ) -> tuple[values.Read[int], Cell | None]:
    """The 1, 2 or 3 written in the answer column on a question's line (noise elsewhere on it is not it),
    as read in the line, and the cell to read it again from on its own."""
    question_left = form.lines[question.line][question.first].left
    # The question's own number ("3.") stands just left of its text: it is not the answer.
    before = [w for w in form.words_before(question)
              if any(c.isdigit() for c in w.text) and w.left + w.width < question_left - 2 * form.char_h]
    if column is not None:
        inside = [w for w in before if w.left < column[1]]
        answer_left = column[0] + 2 * form.char_h
        before = sorted(inside, key=lambda w: abs(w.left - answer_left)) or before[-1:]
    else:
        before = before[-1:]
    first = values.integer_in(before[:1], 1, 3)
    if column is None:
        return first, None
    top, bottom = form.line_band(question.line)
    return first, (column[0], top, min(column[1], question_left - 3 * form.char_h), bottom)


_DATES = ("initial_date", "revised_date", "recertification_date", "patient.dob", "test.date", "signature_date")


def read(form: Form, rules: RuleSet = DEFAULT_RULES) -> Cmn:
    """The CMN's sections in the form's order; every value waiting to be read again is read in one go at the
    end (`_Reader.settle`), then the rules run on what was read."""
    r = _Reader(form)
    cmn = Cmn()
    if cmn_rows.applies(form):
        cmn_rows.read_into(r, form, cmn)  # the CMS-484's content printed as rows of a label and its value
    else:
        _section_a(r, form, cmn)
        _patient_and_supplier(r, form, cmn)
        _place_and_hcpcs(r, form, cmn)
        _physician(r, form, cmn)
        _need_and_diagnoses(r, form, cmn)
        _answers(r, form, cmn)
        _section_d(r, form, cmn)
    r.settle()
    if values.unpadded_among_padded(w.text for line in form.lines for w in line):
        # One page, two ways of printing a date: one of them was misread, which is not known.
        r.review.extend(path for path in _DATES if _get(cmn, path) is not None)
    # Nothing is left blank silently: a field that came back empty goes to a person, unless the
    # form allows it blank (the other test result, the dates of other certification types).
    for path in ("initial_date", "patient.name", "patient.mbi", "patient.dob", "supplier.name", "supplier.nsc",
                 "physician.name", "physician.npi", "place_of_service", "length_of_need_months", "test.date",
                 "test.condition", "q2_circumstance", "portable", "flow_rate_lpm", "q7_edema", "q8_cor_pulmonale",
                 "q9_hematocrit", "signature_date", "certification_type"):
        if _get(cmn, path) is None:
            r.review.append(path)
    if not cmn.hcpcs:
        r.review.append("hcpcs")
    results = ("test.pao2_mmhg", "test.sao2_percent")
    if cmn.test.pao2_mmhg is None and cmn.test.sao2_percent is None:
        r.review.extend(results)
    elif any(path in r.review for path in results):
        # One result in doubt and the other blank: which row was whose is in doubt too (a saturation's row whose
        # label went unread left it blank, silently, beside a PaO2 misread from a garbled row).
        r.review.extend(path for path in results if _get(cmn, path) is None)
    cmn.problems = rules.cmn_problems(cmn)
    cmn.review, cmn.valid = verdict(r.review, cmn.problems, rules.rule_fields(cmn))
    return cmn


def _section_a(r: _Reader, form: Form, cmn: Cmn) -> None:
    """Section A: the certification type and its date."""
    # Section A: certification type by which box is marked, with its date. The labels are looked for on
    # Section A's heading line and its neighbours only ("reviewed" in Section D is not REVISED).
    section_a = form.find("SECTION A Certification Type/Date")
    near = range(section_a.line - 1, section_a.line + 2) if section_a else range(0, min(8, len(form.lines)))
    labels = {"initial": "INITIAL", "revised": "REVISED", "recertification": "RECERT"}
    types = {name: next((h for h in form.find_all(label) if h.line in near), None) for name, label in labels.items()}
    if types["recertification"] is None:  # printed in full, which OCR's word matching takes whole
        types["recertification"] = next((h for h in form.find_all("RECERTIFICATION") if h.line in near), None)
    boxes = []
    if section_a is not None:
        top, bottom = form.line_band(section_a.line)
        boxes = form.boxes(form.label_x(section_a)[1], top, form.image.width, bottom)
    # The three boxes, found from the ink, in the form's order: initial, revised, recertification.
    marked = _one_marked(dict(zip(labels, (b.fill for b in boxes)))) if len(boxes) == 3 else None
    if marked is not None:
        cmn.certification_type = marked  # type: ignore[assignment]
    else:
        certification, clear = _certification_by_labels(form, types, labels)
        dated = _certification_by_dates(form, types)
        if dated is not None and (not clear or dated == certification):
            # An EHR prints no boxes: the type is the one whose date is filled in.
            certification, clear = dated, True
        cmn.certification_type = certification  # type: ignore[assignment]
        if not clear:
            r.review.append("certification_type")
    if types["initial"] is not None:
        r.confirm("initial_date", values.date_in(form.words_after(types["initial"])), r.cell_after(types["initial"], 14),
                  values.date_in, lambda v: setattr(cmn, "initial_date", v))
    else:
        r.review.append("initial_date")


def _patient_and_supplier(r: _Reader, form: Form, cmn: Cmn) -> None:
    """The patient's box (name, address, MBI, birth date) and the supplier's beside it."""
    # Patient and supplier sit side by side: split by where the supplier's box starts.
    patient_hit = form.find("PATIENT NAME, ADDRESS")
    supplier_hit = form.find("SUPPLIER NAME, ADDRESS")
    split = form.label_x(supplier_hit)[0] - form.char_h if supplier_hit else None
    if patient_hit:
        cmn.patient = CmnPatient(
            address=r.keep("patient.address", values.text_in(form.line_below(patient_hit, 2, x_max=split)),
                           required=False))
        r.confirm_words("patient.name", form.line_below(patient_hit, 1, x_max=split), values.name_in,
                        lambda v: setattr(cmn.patient, "name", v))
    else:
        r.review.extend(["patient.name", "patient.address"])
    # "MBI: ...", "MBI ...", "Medicare ID ...": the format (`mbi_in`) tells an MBI wherever its label is worded.
    mbi, mbi_hit = r.value_after("MBI:", values.mbi_in, take=2)
    for label in ("MBI", "MEDICARE ID"):
        if mbi.value is None:
            mbi, other_hit = r.value_after(label, values.mbi_in, take=2)
            # Nothing readable anywhere: the cell read again is after the label that is the MBI's own.
            mbi_hit = other_hit if mbi.value is not None or mbi_hit is None else mbi_hit
    mbi_cell = (r.cell_of(mbi.word, grow=0.8) if mbi.word is not None and mbi.value is not None
                else r.cell_after(mbi_hit, 18, x_max=split))
    r.confirm("patient.mbi", mbi, mbi_cell, values.mbi_in,
              lambda v: setattr(cmn.patient, "mbi", v), alphabet=values.MBI_ALPHABET,
              shape=values.MBI_SHAPE)
    dob, dob_hit = r.value_after("PT DOB:", values.date_in)
    if dob.value is None:
        dob = _dob_unlabelled(form)
        if dob.value is not None:
            r.review.append("patient.dob")  # however clearly read again: which date it is was not read
    r.confirm("patient.dob", dob, r.cell_of(dob.word) if dob_hit is None else r.cell_after(dob_hit, 14),
              values.date_in, lambda v: setattr(cmn.patient, "dob", v), required=False)
    if supplier_hit:
        cmn.supplier = Supplier(name=r.keep("supplier.name", values.text_in(form.line_below(supplier_hit, 1, x_min=split))))
    cmn.supplier.nsc = r.keep("supplier.nsc", r.value_after("NSC #:", values.text_in, take=1)[0])


def _place_and_hcpcs(r: _Reader, form: Form, cmn: Cmn) -> None:
    """The place of service and the HCPCS codes, below their labels or beside them."""
    # Place of service and HCPCS: the values on the line below their labels.
    pos_hit = form.find("PLACE OF SERVICE")
    hcpcs_hit = form.find("HCPCS CODE")
    # Values on the labels' own row when a code stands there (glued to its label or after it) and none below.
    same_line = bool(pos_hit and hcpcs_hit and pos_hit.line == hcpcs_hit.line
                     and _code_list(_letter_rejoined([*_glued(form, hcpcs_hit, "CODE"),
                                                      *form.words_after(hcpcs_hit)]), values.hcpcs_in).value
                     and not _code_list(form.line_below(hcpcs_hit, 1), values.hcpcs_in).value)
    if pos_hit and same_line:
        # An EHR prints each value after its label on one row ("PLACE OF SERVICE 12 HCPCS CODE E1390").
        assert hcpcs_hit is not None
        beside = form.words_after(pos_hit, until_x=form.label_x(hcpcs_hit)[0])
        first = values.integer_in([w for w in beside if any(c.isdigit() for c in w.text)][:1], 1, 99)
        top, bottom = form.line_band(pos_hit.line)
        r.confirm_number("place_of_service", first,
                         (form.label_x(pos_hit)[1], top, form.label_x(hcpcs_hit)[0] - form.char_h * 0.3, bottom), 1, 99,
                         lambda v: setattr(cmn, "place_of_service", None if v is None else f"{int(v):02d}"),
                         required=False)
    elif pos_hit:
        below = form.line_below(pos_hit, 1, x_max=form.label_x(hcpcs_hit)[0] - form.char_h if hcpcs_hit else None)
        digits = [w for w in below if any(c.isdigit() for c in w.text)]
        first = values.integer_in(digits[:1], 1, 99)
        pos_cell = None
        if pos_hit.line + 1 < len(form.lines):
            top, bottom = form.line_band(pos_hit.line + 1)
            left = form.label_x(pos_hit)[0] - form.char_h
            right = form.label_x(hcpcs_hit)[0] - 2 * form.char_h if hcpcs_hit else left + 12 * form.char_h
            pos_cell = (left, top, right, bottom)
        r.confirm_number("place_of_service", first, pos_cell, 1, 99,
                         lambda v: setattr(cmn, "place_of_service", None if v is None else f"{int(v):02d}"),
                         required=False)
    if hcpcs_hit and same_line:
        # The codes after the label on its own row, up to the patient's figures; the first may be glued to the
        # label ("CODEE1390").
        dob_label = form.find("PT DOB")
        right = (form.label_x(dob_label)[0] if dob_label and dob_label.line == hcpcs_hit.line
                 else _garbled_dob_label(form.words_after(hcpcs_hit)) or form.image.width)
        beside = _letter_rejoined([*_glued(form, hcpcs_hit, "CODE"), *form.words_after(hcpcs_hit, until_x=right)])
        top, bottom = form.line_band(hcpcs_hit.line)
        label_left = form.lines[hcpcs_hit.line][hcpcs_hit.last].left

        r.confirm("hcpcs", _code_list(beside, values.hcpcs_in), (label_left, top, right - form.char_h * 0.3, bottom),
                  lambda ws: _code_list(_letter_rejoined([_unglued(w, "CODE") for w in ws
                                                          if not w.text.upper().startswith("HCPCS")]) or [*ws],
                                        values.hcpcs_in), functools.partial(_store_codes, r, cmn))
    elif hcpcs_hit:
        below = form.line_below(hcpcs_hit, 1)
        cell = None
        if hcpcs_hit.line + 1 < len(form.lines):
            top, bottom = form.line_band(hcpcs_hit.line + 1)
            left = form.label_x(hcpcs_hit)[0] - form.char_h
            dob_label = form.find("PT DOB")
            right = form.label_x(dob_label)[0] - form.char_h if dob_label else left + 14 * form.char_h
            cell = (left, top, right, bottom)
            below = [w for w in below if w.left < right]  # the patient's figures share the line

        r.confirm("hcpcs", _code_list(below, values.hcpcs_in), cell, lambda ws: _code_list(ws, values.hcpcs_in),
                  functools.partial(_store_codes, r, cmn))
    else:
        r.review.append("hcpcs")


def _store_codes(r: _Reader, cmn: Cmn, codes: list[str] | None) -> None:
    """The HCPCS codes read; a code no oxygen CMN holds is in doubt, and where one of its 6s, 8s or 9s made a
    zero again gives the one oxygen code ("E1396": a fax's dotted zero read as 6, E1390), that code, still in
    doubt (which glyph was the zero is a guess the order on file settles)."""
    cmn.hcpcs = [_oxygen_code(code) for code in codes or []]
    if any(code not in OXYGEN_HCPCS for code in codes or []):
        r.review.append("hcpcs")


def _oxygen_code(code: str) -> str:
    if code in OXYGEN_HCPCS:
        return code
    for _, readings in dotted_zero.mendings(code[1:], most=2):
        found = {code[0] + reading for reading in readings} & OXYGEN_HCPCS
        if found:
            return found.pop() if len(found) == 1 else code
    return code


_CREDENTIALED = re.compile(r"^[A-Z][A-Z'-]+, [A-Z][A-Z'. -]*?,? (?:MD|M\.D\.?|DO|D\.O\.?|NP|PA|PA-C|APRN|DPM)\b")


def _credentialed_row(form: Form) -> int | None:
    """The one row above Section B that opens with a name and a credential (a practitioner's), or None."""
    section_b = form.find("SECTION B")
    rows = [index for index, line in enumerate(form.lines[:section_b.line if section_b else len(form.lines)])
            if _CREDENTIALED.match(" ".join(w.text for w in line).upper())]
    return rows[0] if len(rows) == 1 else None


def _physician(r: _Reader, form: Form, cmn: Cmn) -> None:
    """The physician's name and NPI."""
    physician_hit = form.find("PHYSICIAN NAME, ADDRESS")
    if physician_hit:
        r.confirm_words("physician.name", form.line_below(physician_hit, 1), values.name_in,
                        lambda v: setattr(cmn.physician, "name", v))
    elif (row := _credentialed_row(form)) is not None:
        # The label garbled past finding ("P ‘ AME, ADDR , TELEPHONE and NP! #"): the row in Section A that opens
        # with a name and a credential ("EASTWOOD, PAUL, MD NPI # ...") is the physician's, read as it would be.
        physician_hit = Hit(row - 1, 0, 0, 1.0)
        r.confirm_words("physician.name", form.lines[row], values.name_in, lambda v: setattr(cmn.physician, "name", v))
    # "NPI #: 1234567893", "NPI # ...", "NPI: ...", "NPI ...": the label worded as the office's system words it,
    # looked for from the physician's box down (the supplier's box may print its own NPI above).
    below = Hit(physician_hit.line - 1, 0, 0, 1.0) if physician_hit else None
    npi = r.value_after("NPI #:", values.npi_in, take=2, after=below)[0]
    if npi.value is None:
        npi = r.value_after("NPI", values.npi_in, take=2, after=below)[0]
    cmn.physician.npi = r.keep("physician.npi", npi)


def _need_and_diagnoses(r: _Reader, form: Form, cmn: Cmn) -> None:
    """Section B's first row: the length of need and the ICD-10 codes."""
    # Section B.
    months, months_hit = r.value_after("(# OF MONTHS):", lambda ws: values.integer_in(ws, 1, 99), take=1)
    if months_hit is None:
        # The label worded or spaced otherwise ("EST. LENGTH OF NEED (#OF MONTHS): 99"): the first number after it.
        # A label word OCR gave a digit ("(#0F") is not the number: the first word that is digits alone is.
        months, months_hit = r.value_after("LENGTH OF NEED", lambda ws: values.integer_in(
            [w for w in ws if re.fullmatch(r"\W*\d{1,2}\W*", w.text)][:1], 1, 99), take=4)
    # The cell read again is where the number was found: after a longer label ("EST. LENGTH OF NEED (#OF
    # MONTHS): 99") a few characters after its first words hold the rest of the label, not the number.
    months_cell = r.cell_of(months.word, grow=0.6) if months.word is not None else r.cell_after(months_hit, 4)
    if months.value is None and months_hit is not None and values.opens_range(r.form.words_after(months_hit)[:2]):
        # Nothing written, only the form's own hint ("1-99 (99=LIFETIME)"): a cell cut after the label would
        # read the hint's first digit again as if written in. Left empty (the rules then say it is missing).
        months_cell = None
    r.confirm("length_of_need_months", months, months_cell,
              lambda ws: values.first_integer(ws, 1, 99), lambda v: setattr(cmn, "length_of_need_months", v),
              required=False)
    icd_hit, icd_words = r.after("DIAGNOSIS CODES (ICD-10):")
    icd_cell = r.cell_after(icd_hit, 40, x_max=form.image.width) if icd_hit else None
    if icd_hit is not None:
        label_end = form.lines[icd_hit.line][icd_hit.last]
        if _unglued_codes([label_end]):
            # "(ICD-10):J43.9": the first code glued to its label. The cell read again takes in the label's
            # whole word, and each read is parsed past the label's "):" alike: a cell begun where the code
            # was guessed to start cut its first letter ("143.9"), or missed the code.
            icd_words = [*_unglued_codes([label_end]), *icd_words]
            if icd_cell is not None:
                icd_cell = (label_end.left - form.char_h * 0.2, *icd_cell[1:])
    first_codes = [c.word for c in values.icd10_in(_unglued_codes(icd_words)) if c.word is not None]
    # A code whose letter the page read lost ("(ICD-10)" "44.9" for J44.9: the letter between the label and its
    # digits read as nothing, or as the colon) is read again with the label's last word, each read parsed past
    # the label as a glued code is.
    lettered = not any(re.fullmatch(r"\d{2}\.[0-9A-Z]{1,4}", w.text.strip(",;")) for w in _unglued_codes(icd_words))
    if icd_cell is not None and icd_hit is not None and (not first_codes or not lettered):
        label_end = form.lines[icd_hit.line][icd_hit.last]
        icd_cell = (min(icd_cell[0], label_end.left - form.char_h * 0.2), *icd_cell[1:])
    elif icd_cell is not None and first_codes:
        # From where the first code was read (a cell begun at the label's edge cut a letter off it: "44.9").
        icd_cell = (min(icd_cell[0], min(w.left for w in first_codes) - form.char_h * 0.6), *icd_cell[1:])
    r.confirm("icd10", _code_list(icd_words, values.icd10_in), icd_cell,
              lambda ws: _code_list(_unglued_codes(ws), values.icd10_in), lambda v: setattr(cmn, "icd10", v or []))


def _answers(r: _Reader, form: Form, cmn: Cmn) -> None:
    """Section B's answers: the test, its date and conditions, portable, flow rate, questions 7-9."""
    test = OxygenTest()
    pao2_hit = form.find("a) mm Hg") or form.find("a) Hg")  # the unit glued ("mmuHg")
    if pao2_hit:
        _result(r, form, pao2_hit, "test.pao2_mmhg", 20, 120, lambda v: setattr(test, "pao2_mmhg", v))
    else:
        r.review.append("test.pao2_mmhg")  # not found is not the same as left blank
    sao2_hit = form.find("b) %")
    if sao2_hit:
        _result(r, form, sao2_hit, "test.sao2_percent", 50, 100, lambda v: setattr(test, "sao2_percent", v))
    else:
        r.review.append("test.sao2_percent")
    # The answers stand in a column left of the questions: the test date between the results and
    # question 2, the numbers of questions 2 and 3 left of their text.
    column = _answer_column(form, pao2_hit or sao2_hit)
    circumstance_hit = form.find("Was the test in Question 1 performed")
    condition_hit = form.find("Circle the one number for the condition")
    first_line = (sao2_hit or pao2_hit).line + 1 if (sao2_hit or pao2_hit) else 0
    last_line = circumstance_hit.line if circumstance_hit else first_line + 3
    test.date = None
    dated: values.Read[Any] = values.nothing()
    for index in range(first_line, min(last_line + 1, len(form.lines))):
        line = form.lines[index]
        left = [w for w in line if column is None or w.left < column[1]]
        dated = values.date_in(left)
        if dated.value is not None:
            break
    if dated.value is not None:
        r.confirm("test.date", dated, r.cell_of(dated.word), values.date_in, lambda v: setattr(test, "date", v),
                  required=False)
    if circumstance_hit:
        r.confirm_number("q2_circumstance", *_answer_number(form, circumstance_hit, column), 1, 3,
                         lambda v: setattr(cmn, "q2_circumstance", v), required=False)
    if condition_hit:
        r.confirm_number("test.condition", *_answer_number(form, condition_hit, column), 1, 3,
                         lambda v: setattr(test, "condition", {1: "rest", 2: "exercise", 3: "sleep"}.get(v or 0)),
                         required=False)
    cmn.test = test
    cmn.portable = r.checked_letter("you are ordering portable oxygen", "portable",  # type: ignore[assignment]
                                    lambda v: setattr(cmn, "portable", v))
    # The flow rate is the number left of question 5 ("... less than 1 LPM" in the question is not it).
    question5 = form.find("Enter the highest oxygen flow rate")
    if question5:
        # Nor is the question's own number, however OCR reads its point ("5.", "5:", "5,"): it stands against
        # the question's first word, where no answer is typed.
        starts = form.lines[question5.line][question5.first].left
        before = [w for w in form.words_before(question5) if w.text.upper().strip(".,:;") not in ("LPM", "5")
                  and w.left + w.width < starts - form.char_h * 1.5]
        flow = _flow(before)
        cell = r.cell_of(flow.word, grow=0.3)
        if cell is None and column is not None:
            top, bottom = form.line_band(question5.line)
            cell = (column[0], top, min(column[1], form.lines[question5.line][question5.first].left), bottom)
        r.confirm("flow_rate_lpm", flow, cell, _flow, lambda v: setattr(cmn, "flow_rate_lpm", v))
    else:
        r.review.append("flow_rate_lpm")
    cmn.q7_edema = r.checked_letter("Does the patient have dependent edema", "q7_edema",  # type: ignore[assignment]
                                    lambda v: setattr(cmn, "q7_edema", v))
    cmn.q8_cor_pulmonale = r.checked_letter("Does the patient have cor pulmonale",  # type: ignore[assignment]
                                            "q8_cor_pulmonale", lambda v: setattr(cmn, "q8_cor_pulmonale", v))
    cmn.q9_hematocrit = r.checked_letter("Does the patient have a hematocrit",  # type: ignore[assignment]
                                         "q9_hematocrit", lambda v: setattr(cmn, "q9_hematocrit", v))


def _section_d(r: _Reader, form: Form, cmn: Cmn) -> None:
    """Section D: the physician's signature and its date."""
    # Section D: a signature is ink where a name is signed, not text.
    signature_hit = form.find("PHYSICIAN'S SIGNATURE")
    if signature_hit:
        line = form.lines[signature_hit.line]
        label_right = form.label_x(signature_hit)[1]
        date_label = form.find("DATE", after=Hit(signature_hit.line - 1, 0, 0, 1.0))
        stop = (form.lines[date_label.line][date_label.first].left
                if date_label and date_label.line == signature_hit.line else label_right + 12 * form.char_h)
        top = min(w.top for w in line) - form.char_h
        bottom = max(w.top + w.height for w in line) + form.char_h * 0.4
        ratio = form.signature_ink(label_right + form.char_h, top, stop - form.char_h, bottom)
        cmn.signature_present = ratio > SIGNATURE_INK
        if SIGNATURE_INK_DOUBT[0] < ratio < SIGNATURE_INK_DOUBT[1]:
            r.review.append("signature_present")
        if date_label and date_label.line == signature_hit.line:
            dated = values.date_in(form.words_after(date_label))
        else:
            dated = values.nothing()
        if dated.value is None:
            # "DATE" misread ("pate", "sopate"): the date written right of the signature on its line.
            dated = values.date_in([w for w in line if w.left > label_right])
        cell = r.cell_of(dated.word)
        if cell is None:
            cell = (stop, top + form.char_h * 0.5, form.image.width, bottom)
        r.confirm("signature_date", dated, cell, values.date_in, lambda v: setattr(cmn, "signature_date", v),
                  required=False)
    else:
        r.review.extend(["signature_present", "signature_date"])


def _get(model: Any, path: str) -> Any:
    for part in path.split("."):
        model = getattr(model, part)
    return model


_OXYGEN_TEST = re.compile(r"\bS[AP]?O2\b|\bPAO2\b|SATURATION|QUALIFYING TEST|BLOOD GAS")


def detect(text: str) -> bool:
    """A CMN by its title or form number; or, its title lost (a rule under it can take the line with it), by
    what only a CMN holds: a certification and an oxygen test's result (an order names the equipment, not
    the test that qualifies for it)."""
    upper = text.upper()
    letters = re.sub(r"[^A-Z0-9]", "", upper)
    if "CERTIFICATEOFMEDICALNECESSITY" in letters or "CMS484" in letters:
        return True
    return "CERTIFICATION" in upper and bool(_OXYGEN_TEST.search(upper))
