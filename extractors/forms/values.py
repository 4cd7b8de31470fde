"""Reading typed values out of OCR words, with the fixes their shape allows and a verdict on each."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Generic, Iterable, TypeVar

from .. import dotted_zero, icd10
from ..lines import fix_word
from ..validators import is_hcpcs, is_icd10, is_mbi, is_npi
from ..words import Word

T = TypeVar("T")
CONF_OK = 80.0
DATE_CONF = 88.0
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "@": "0", "I": "1", "l": "1", "i": "1", "|": "1",
                           "L": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "g": "9",
                           "q": "9", "A": "4", "T": "7"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "4": "A", "7": "T"})
_ICD_FIRST_LOOKALIKES = {"$": "S", "3": "J", ")": "J", "}": "J", "{": "J", "]": "J"}  # symbols read where the letter stands
_ICD_FIRST = str.maketrans(_ICD_FIRST_LOOKALIKES)


@dataclass
class Read(Generic[T]):
    value: T | None
    conf: float
    ok: bool = True  # passed its format or check-digit test
    word: Word | None = field(default=None, compare=False)  # where on the page it was read
    guessed: bool = False  # a character was changed to fit the format (which look-alike was meant is a guess)

    @property
    def sure(self) -> bool:
        return self.value is not None and self.ok and self.conf >= CONF_OK


def nothing() -> Read[T]:
    return Read(None, 0.0, False)


def _conf(words: Iterable[Word]) -> float:
    confs = [w.conf for w in words]
    return min(confs) if confs else 0.0


def date_in(words: list[Word], *, century: str = "either") -> Read[dt.date]:
    """A date as digits: MM/DD/YYYY, YYYY-MM-DD, or MM/DD/YY as billing programs print it. A two-digit
    year's century comes from what the date is (`century`): "recent" for a form's own dates (a
    certification, a test, a signature: this century), "born" for a birth date (last century when this
    one's would be in the future, else in doubt: a patient born in 1926 or 2026), "either" when not known
    (in doubt)."""
    for word in words:
        # "_11/10/2026": a date written on its line keeps a piece of the line.
        text = _zero_padded(fix_word(word.text).strip(".,;:)(_~|"))
        if short := re.fullmatch(r"(\d\d/\d\d/)(\d\d)", text.translate(_TO_DIGIT)):
            return _two_digit_year(short[1], int(short[2]), word, century, exact=short[0] == text)
        candidate = text if re.fullmatch(r"\d\d/\d\d/\d{4}", text) else text.translate(_TO_DIGIT)
        if iso := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", candidate):  # year first, as web forms print it
            exact = candidate == text
            candidate = f"{iso[2]}/{iso[3]}/{iso[1]}"
            text = candidate if exact else text  # a lookalike read as a digit stays a guess
        if re.fullmatch(r"\d\d/\d\d/\d{4}", candidate):
            month, day, year = (int(x) for x in candidate.split("/"))
            try:
                value = dt.date(year, month, day)
            except ValueError:
                return _dotted_zero_date(candidate, word)
            if not 1900 < year < 2100:
                return _dotted_zero_date(candidate, word)
            conf = word.conf if candidate == text else min(word.conf, 70.0)
            # One wrong digit makes another real date: a date must be read with more confidence.
            return Read(value, conf if conf >= DATE_CONF else min(conf, CONF_OK - 1), True, word, candidate != text)
    return nothing()


# Month, day and year, parted by slashes or by dashes ("11-05-2026"), with or without the zeros.
_MONTH_DAY_YEAR = re.compile(r"(?<!\d)(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d\d)(?!\d)")


def _zero_padded(text: str) -> str:
    """ "3/2/1942" or "03-02-1942" as "03/02/1942": a practice system prints month and day without their zeros,
    or parts them by dashes. (A page that prints both with and without zeros has one misread:
    `unpadded_among_padded`.)"""
    found = _MONTH_DAY_YEAR.fullmatch(text)
    if found is None:
        return text
    month, day, year = found[1], found[3], found[4]
    if any(len(part) == 2 and part.startswith("0") for part in (month, day)) and min(len(month), len(day)) == 1:
        return text  # "1/05/2026": a zero printed beside one lost, left to fail the format
    return f"{int(month):02d}/{int(day):02d}/{year}"


def unpadded_among_padded(texts: Iterable[str]) -> bool:
    """Dates printed with their zeros ("03/02/1942") and without ("3/2/1942") on one page: one print program
    prints one way, so a digit of one of them was lost or added in the reading."""
    padded = unpadded = False
    for text in texts:
        for found in _MONTH_DAY_YEAR.finditer(text):
            if len(found[1]) == 1 or len(found[3]) == 1:
                unpadded = True
            elif found[1].startswith("0") or found[3].startswith("0"):
                padded = True
    return padded and unpadded


def _two_digit_year(month_day: str, year: int, word: Word, century: str, *, exact: bool) -> Read[dt.date]:
    this_year = dt.date.today().year
    if century == "recent":
        full, sure = 2000 + year, 2000 + year <= this_year + 1  # a form dated years ahead is misread
    elif 2000 + year > this_year + (0 if century == "born" else 1):
        full, sure = 1900 + year, century == "born"  # this century's would be in the future
    else:
        full, sure = (1900 + year, False) if century == "born" else (2000 + year, False)
    read = date_in([replace(word, text=f"{month_day}{full}")])
    if read.value is None or (sure and exact):
        return read
    return Read(read.value, min(read.conf, CONF_OK - 1), read.ok, word, True)  # a century or a digit guessed


DOTTED_ZERO_CONF = 50.0  # below every vote's floor: a date mended so stays for a person whatever else agrees


def _dotted_zero_date(digits: str, word: Word) -> Read[dt.date]:
    """A date no calendar holds ("86/17/1959", "89/17/2826"): the typewriter's dotted zero read as 6, 8 or 9
    (`dotted_zero.mended_date`); always in doubt (which glyph was the zero is a guess). Nothing otherwise."""
    found = dotted_zero.mended_date(digits)
    if found is not None:
        return Read(found, min(word.conf, DOTTED_ZERO_CONF), True, word, True)
    return Read(None, word.conf, False)


def opens_range(words: list[Word]) -> bool:
    """The words open a range ("1-99", "1-" "99", "1" "-99"): a hint the form prints, not a value written in."""
    if not words:
        return False
    first, following = words[0].text, words[1].text if len(words) > 1 else ""
    return bool(re.fullmatch(r"\W*\d+-\d*\W*", first)) or (first[-1:].isdigit() and following.startswith("-"))


def first_integer(words: list[Word], low: int, high: int) -> Read[int]:
    """The number the first word is, unless it opens a range."""
    return nothing() if opens_range(words[:2]) else integer_in(words[:1], low, high)


def integer_in(words: list[Word], low: int, high: int) -> Read[int]:
    for index, word in enumerate(words):
        if opens_range(words[index:index + 2]):
            return nothing()  # "1-99": the range a form prints as a hint, not a value written in
        text = word.text.strip(".,;:)(%-_'\"“”‘’{}[]")
        if text in ("|", "l", "I"):
            return Read(1, min(word.conf, 70.0), low <= 1 <= high, word, True)  # a lone one, read as a bar
        candidate = text if text.isdigit() else text.translate(_TO_DIGIT)
        if candidate.isdigit():
            value = int(candidate)
            conf = word.conf if candidate == text else min(word.conf, 70.0)
            return Read(value, conf, low <= value <= high, word, candidate != text)
    return nothing()


# Ink in the signature area (share of the area): the signature line and what fax noise survives the
# despeckle come to about 0.025 on an unsigned form; a signed one holds 0.055 or more.
SIGNED_INK = 0.04
SIGNED_INK_DOUBT = (0.031, 0.052)
# The same without the rule a name is signed on (`Form.signature_ink`). Measured on 60 faxed CMNs of both
# families (seeds 77, 78): unsigned at most 0.0009, signed at least 0.0075 (an EHR's form, whose rule sits
# lower and cuts the signature's band) and 0.07 (the office form).
SIGNATURE_INK = 0.004
SIGNATURE_INK_DOUBT = (0.002, 0.0065)


AGREE_MIN_CONF = 60.0  # both reads at least this sure before their agreement counts
_MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"
# What may stand at each of an MBI's eleven positions (CMS's format).
MBI_SHAPE = ("123456789", _MBI_LETTERS, _MBI_LETTERS + "0123456789", "0123456789", _MBI_LETTERS,
             _MBI_LETTERS + "0123456789", "0123456789", _MBI_LETTERS, _MBI_LETTERS, "0123456789", "0123456789")
MBI_ALPHABET = "0123456789" + _MBI_LETTERS  # what an MBI is written with
HCPCS_SHAPE = ("ABCEGHJKLMPQRSTUV",) + ("0123456789",) * 4  # a level II code: its letter, four digits
GUESSED_CONF = 55.0  # a value whose characters were changed to fit its format: reads that agree do not make it sure


def agreed(first: Read[int], again: Word | None, low: int, high: int) -> Read[int]:
    """A number read in its line and read again on its own (digits only): agreement makes it sure;
    disagreement sends it to a person; a number only the second read found is kept if read clearly."""
    second = integer_in([again], low, high) if again is not None else nothing()
    if first.value is None:
        # Only the second read saw a number: better than nothing, but a person confirms it.
        return first if second.value is None else Read(second.value, min(second.conf, CONF_OK - 1), second.ok)
    if second.value is None:
        return first
    if second.value == first.value:
        if min(first.conf, second.conf) >= AGREE_MIN_CONF:
            return Read(first.value, max(first.conf, second.conf, CONF_OK), first.ok and second.ok)
        return first  # two weak reads of the same shapes agreeing prove little
    likelier = first if first.conf >= second.conf else second
    return Read(likelier.value, min(likelier.conf, CONF_OK - 1), likelier.ok)


def confirmed(first: Read[T], second: Read[T]) -> Read[T]:
    """A value read on the page and read again from its cell alone: the same value from both, one of them
    read with confidence, is sure; different values go to a person (the likelier kept); a value only one
    read found is kept as that read made it, and only the page's read can make it sure."""
    if second.value is None:
        return first
    if first.value is None:
        return Read(second.value, min(second.conf, CONF_OK - 1), second.ok, second.word)
    if first.value == second.value:
        # Two reads of different images agreeing, both fairly sure or one of them sure of itself (Tesseract
        # gives a lone digit on a busy line a confidence near 0 however clear it is).
        if first.ok and second.ok and (max(first.conf, second.conf) >= CONF_OK
                                       or min(first.conf, second.conf) >= AGREE_MIN_CONF):
            return Read(first.value, max(first.conf, second.conf, CONF_OK), True, first.word)
        return first
    # Different values: the one that passed its checks (a list with no unreadable code), else the surer.
    likelier = max((first, second), key=lambda r: (r.ok, r.conf))
    return Read(likelier.value, min(likelier.conf, CONF_OK - 1), likelier.ok, likelier.word)


UNANIMOUS = 4  # images of a value (the page, the cell's renderings, its glyphs set apart) all reading it alike
VOTES = 3  # reads of different images that must agree, none saying otherwise, to outvote low confidence
# The best of agreeing reads at least this sure when one of them read the value as printed, with no
# character changed to fit the format; AGREE_MIN_CONF when every one had a character changed (a 9 read as
# O in every rendering becomes the same wrong 0 each time; one rendering showing the 0 itself settles it).
VOTE_MIN_CONF = 45.0


def settled(first: Read[T], again: list[Read[T]], constrained: Read[T] | None = None,
            glyphs: Iterable[Read[T]] = (), spaced: Read[T] | None = None,
            spaced_glyphs: Read[T] | None = None) -> Read[T]:
    """`by_reads` (below); failing that, a code whose zeros a dotted-zero face made 6s and 8s in some reads
    (`_dotted_zeros_outvoted`)."""
    glyphs = list(glyphs)
    read = by_reads(first, again, constrained, glyphs, spaced, spaced_glyphs)
    if read.sure and _objected_by_the_limited_read(read, first, again, constrained):
        return Read(read.value, CONF_OK - 1, read.ok, read.word, read.guessed)
    if read.sure and _only_weak_alike_reads(read, first, again, constrained, spaced):
        return Read(read.value, CONF_OK - 1, read.ok, read.word, read.guessed)
    if read.sure:
        return read
    return _dotted_zeros_outvoted(first, again, glyphs, (constrained, spaced, spaced_glyphs)) or read


def _objected_by_the_limited_read(read: Read[T], first: Read[T], again: list[Read[T]],
                                  constrained: Read[T] | None) -> bool:
    """The alphabet-limited read passes its checks and says another value, and no usual read of the value
    was fairly sure: renderings of one faxed cell may all take a 9 for a 0 ("...TA02" at 55 and 52 twice,
    where the limited read and the page saw "...TA92"); a vote of weak reads is no answer to that."""
    if constrained is None or constrained.value is None or not constrained.ok or constrained.value == read.value:
        return False
    return max((r.conf for r in (first, *again) if r.value == read.value and r.ok), default=0.0) < CONF_OK


def _only_weak_alike_reads(read: Read[T], first: Read[T], again: list[Read[T]], constrained: Read[T] | None,
                           spaced: Read[T] | None) -> bool:
    """No read of the whole cell fairly sure, and both witnesses apart (the alphabet-limited read, the glyphs
    set apart) asked and neither reading anything that passes: renderings of one faxed cell may all take a
    serif 9 for a 5 alike, glyph by glyph too ("6JU5..." at 41 to 55, glyphs at 80, for "6JU9..."), and a
    vote of weak reads of one image that nothing else could read is no proof. (Where no witness was asked,
    the vote stands as `by_reads` says.)"""
    if constrained is None or spaced is None:
        return False
    witnesses = [w for w in (constrained, spaced) if w.value is not None and w.ok]
    best = max((r.conf for r in (first, *again) if r.value == read.value and r.ok), default=0.0)
    return not witnesses and best < CONF_OK


def _zeros_read_otherwise(value: str, other: str) -> bool:
    """`other` is `value` with one or more of its zeros read as a dotted zero's lookalikes (6, 8, 9), nothing
    else changed."""
    return len(value) == len(other) and value != other and all(
        a == b or (a == "0" and b in dotted_zero.LOOKALIKES) for a, b in zip(value, other))


def _dotted_zeros_outvoted(first: Read[T], again: list[Read[T]], glyphs: list[Read[T]],
                           others: tuple[Read[T] | None, ...]) -> Read[T] | None:
    """A code with a zero that some reads took for a 6, 8 or 9 (the dot inside a zero of some faces): sure
    when `VOTES` usual reads and every rendering read glyph by glyph say the zero, and the reads that say
    otherwise differ from it only there, and not alike (a 6 in one, an 8 in another: they cannot both be the
    glyph; a real 6 is read as one 6, not as two different digits)."""
    usual = [r for r in (first, *again) if r.value is not None and r.ok]
    read_by_glyphs = [g for g in glyphs if g.value is not None]
    for candidate in usual:
        value = candidate.value
        if not isinstance(value, str) or "0" not in value:
            continue
        agreeing = [r for r in usual if r.value == value]
        if len(agreeing) < VOTES or len(read_by_glyphs) < 2 or any(g.value != value for g in read_by_glyphs):
            continue
        objecting = [r for r in (*usual, *others) if r is not None and r.value is not None and r.ok
                     and r.value != value]
        if (len({r.value for r in objecting}) >= 2
                and all(isinstance(r.value, str) and _zeros_read_otherwise(value, r.value) for r in objecting)):
            return Read(value, CONF_OK, True, agreeing[0].word)
    return None


def by_reads(first: Read[T], again: list[Read[T]], constrained: Read[T] | None = None,
             glyphs: Iterable[Read[T]] = (), spaced: Read[T] | None = None,
             spaced_glyphs: Read[T] | None = None) -> Read[T]:
    """A value read on the page and again from its cell in several renderings (grey first).

    The page read and the grey reread settle it as `confirmed` does. Failing that, a vote: `VOTES` or more
    reads that pass their checks and agree, the best of them fairly sure, make the value sure: Tesseract's
    confidence is low on strings no dictionary knows (an MBI, an ICD-10 code) however clear the print,
    while the same misread from three different images of a cell is rare (though not unheard of when
    every read is weak: a 9 taken for an O three times). One read that passes its checks may say
    otherwise only when it is less sure than the best of the agreeing reads, the page read included (read
    from the grey page at fax resolution it is the surest read of a code more often than not: a J43.9 it
    read at 86 was I43.9 in all three renderings, at 80 at best). A read that found nothing, or nothing
    that passes its checks, neither votes nor objects.

    `constrained` is a read of the cell with Tesseract allowed only the characters the format uses (no O,
    S, I, L, B or Z in an MBI): it cannot take a 9 for an O, so where the other reads had to turn an O
    into a 0, its agreement is what says the glyph was a zero (given one fairly sure read besides).

    `glyphs` are the rereads read glyph by glyph (`by_glyphs`): when they all come to one value, one of
    them with every glyph sure, and another read agrees, the value is sure whatever Tesseract's
    confidence in the whole word. A glyph read that comes to another value is a doubt.

    `spaced` is a read of the cell with its glyphs set apart, each read for itself and not from its
    neighbours (`spaced_glyphs`: the same read glyph by glyph). It misreads more than the others (a
    glyph cut in two, two that touch) but not in the same way: where a 9 reads as O or S in every
    other rendering, it is the one that sees the 9. So it is a witness apart, when it passes its checks:
    - every glyph of it sure, and a read of another image agreeing (a usual read, the alphabet-limited
      one, a usual rendering read glyph by glyph): sure;
    - read as printed (no character changed): with the alphabet-limited read agreeing, sure; in the
      vote, it is the read that saw the value as printed (the lower floor); and where `UNANIMOUS` images
      (the page, the renderings, it) read the value alike, at least `UNANIMOUS` - 1 of them as printed,
      and no read of any kind says otherwise, sure however low Tesseract's confidence;
    - saying otherwise: a value every read had to have changed to fit is not sure, nor is a value only
      the alphabet-limited read made sure unless the spaced read saw that value as printed.
    """
    read = _settled(first, again, constrained, glyphs)
    if spaced is None or spaced.value is None or not spaced.ok:
        return read
    if read.sure and constrained is not None and (spaced.guessed or spaced.value != read.value):
        unconstrained = _settled(first, again, None, glyphs)
        if not unconstrained.sure:
            # Sure only by the alphabet-limited read, which must choose among what the format allows (a 9
            # every read saw as O becomes the 0 it allows): the glyphs read apart had to have a character
            # changed too, or say otherwise, so nothing saw the value as printed.
            constrained, read = None, unconstrained
    if read.sure:
        usual = [r for r in (first, *again) if r.value == read.value and r.ok]
        if spaced.value != read.value and all(r.guessed for r in usual):
            return Read(read.value, CONF_OK - 1, True, read.word, True)
        return read
    if (spaced_glyphs is not None and spaced_glyphs.sure and spaced_glyphs.value == spaced.value
            and any(r is not None and r.ok and r.value == spaced.value
                    for r in (first, *again, constrained, *glyphs))):
        return Read(spaced.value, CONF_OK, True, spaced.word)
    if not spaced.guessed:
        if constrained is not None and constrained.ok and constrained.value == spaced.value:
            return Read(spaced.value, CONF_OK, True, spaced.word)
        voted = _settled(first, again, constrained, glyphs, seen=spaced.value)
        if voted.sure:
            return voted
        # Every image that gave a value gave this one (the page, each rendering of the cell, its glyphs
        # set apart), UNANIMOUS or more, UNANIMOUS - 1 of them as printed, and no read of any kind says
        # otherwise: the order forms' dotted zero keeps Tesseract's confidence low (it weighs a 6) in each.
        images = [r for r in (first, *again, spaced) if r.value is not None and r.ok]
        others = [r for r in (constrained, *glyphs, spaced_glyphs) if r is not None and r.value is not None and r.ok]
        if (len(images) >= UNANIMOUS and sum(not r.guessed for r in images) >= UNANIMOUS - 1
                and all(r.value == spaced.value for r in images + others)):
            return Read(spaced.value, CONF_OK, True, spaced.word)
    return read


def _settled(first: Read[T], again: list[Read[T]], constrained: Read[T] | None,
             glyphs: Iterable[Read[T]], seen: T | None = None) -> Read[T]:
    """`settled` without the spaced read. `seen` is a value the spaced read saw as printed: reads that
    agree on it vote with the lower floor, as if one of them had needed no character changed."""
    read = confirmed(first, again[0] if again else nothing())
    if read.sure:
        agreeing = max(r.conf for r in (first, *again[:1]) if r.value == read.value)
        if all(r.conf <= agreeing for r in again[1:] if r.value is not None and r.ok and r.value != read.value):
            return read
        # Another rendering read otherwise, surer than either read that agreed (a 0 the enlarged cell shows
        # plainly, read as 6 twice at 66 and 79): their agreement is not enough; the vote below decides.
        read = Read(read.value, min(read.conf, CONF_OK - 1), read.ok, read.word, read.guessed)
    valid = [r for r in (first, *again) if r.value is not None and r.ok]
    for candidate in valid:
        agreeing = [r for r in valid if r.value == candidate.value]
        others = [r for r in valid if r.value != candidate.value]
        if len(agreeing) < VOTES or len(others) > 1:
            continue
        best = max(r.conf for r in agreeing)
        seen_so = candidate.value == seen or any(not r.guessed for r in agreeing)
        if not seen_so and any(not r.guessed for r in others):
            # Every read of it had a character changed to fit, the same way ("Danie!" read as DANIEI three
            # times), and a read as printed says otherwise: a repeated guess outvotes no read.
            continue
        floor = VOTE_MIN_CONF if seen_so else AGREE_MIN_CONF
        if best < floor or (others and not best > others[0].conf):
            continue
        witness = next((r.word for r in agreeing if r.word is not None), None)
        return Read(candidate.value, max(best, CONF_OK), True, witness)
    plain = [r for r in valid if r.sure and not r.guessed]
    for candidate in plain:
        if (sum(r.value == candidate.value for r in plain) >= 2
                and all(r.guessed for r in valid if r.value != candidate.value)):
            # Two reads sure of the value as printed, and what says otherwise was changed to fit, or is
            # no word ("FOLOING" twice against FOLDING twice).
            return Read(candidate.value, max(r.conf for r in plain if r.value == candidate.value), True,
                        candidate.word)
    if (constrained is not None and read.value is not None and read.ok and constrained.ok
            and constrained.value == read.value
            and max(r.conf for r in (first, *again) if r.value == read.value) >= GUESSED_CONF):
        # Tesseract's confidence in a whitelisted read means little (often 0): one of the other reads must
        # have seen the value fairly clearly (a changed MBI's confidence is capped at GUESSED_CONF).
        return Read(read.value, CONF_OK, True, read.word)
    read_glyphs = [g for g in glyphs if g.value is not None]
    if any(g.sure for g in read_glyphs) and len({g.value for g in read_glyphs}) == 1:
        # Every rendering read glyph by glyph came to the same value, one of them with no glyph in doubt,
        # and a read of the usual kind agrees.
        value = read_glyphs[0].value
        agreeing = [r for r in (first, *again, constrained) if r is not None and r.value == value and r.ok]
        if agreeing:
            return Read(value, CONF_OK, True, agreeing[0].word)
    return read


def mbi_by_format(raw: str) -> str:
    """An eleven-character read turned into what the MBI format allows at each position (an O where only a
    digit may stand is a 0). Which digit a letter stood for is a guess: the caller keeps the value in doubt."""
    fixed = []
    for char, allowed in zip(raw.upper(), MBI_SHAPE):
        if allowed.isdigit():
            fixed.append(char.translate(_TO_DIGIT))
        elif allowed.isalpha():
            fixed.append(char.translate(_TO_LETTER))
        else:  # letter or digit: only the letters the format never uses are turned into digits
            fixed.append(char if char in allowed else char.translate(_TO_DIGIT))
    return "".join(fixed)


def mbi_in(words: list[Word]) -> Read[str]:
    """An MBI: each position is a digit or a letter by the CMS format, which settles most confusions. An
    MBI OCR split in two ("2TE3DC6] K76") is read from the two words together."""
    for word in [*words, *_neighbours_joined(words)]:
        raw = re.sub(r"[^A-Za-z0-9]", "", word.text).upper()
        bracket_free = True
        if len(raw) != 11:
            # A J in small print often reads as a bracket: "4AD2)85F}24".
            raw = re.sub(r"[^A-Za-z0-9]", "", re.sub(r"[)}\]]", "J", word.text)).upper()
            bracket_free = False
        if len(raw) != 11:
            continue
        value = mbi_by_format(raw)
        # Each change above is forced by the format (no O, I, S, B, Z or L in an MBI; digits where only
        # digits stand), but which digit a letter stood for is a guess: a 9 in a fax's sans face reads
        # as S or O time after time, so agreeing reads do not make a changed MBI sure. A bracket taken
        # for a J is a guess too.
        guessed = not bracket_free or value != raw
        return Read(value, min(word.conf, GUESSED_CONF) if guessed else word.conf, is_mbi(value), word, guessed)
    return nothing()


def _neighbours_joined(words: list[Word]) -> list[Word]:
    """Each two neighbouring words made one (the first's confidence the lower's), for a code split in two."""
    return [Word(a.text + b.text, min(a.conf, b.conf), a.left, min(a.top, b.top), b.left + b.width - a.left,
                 max(a.top + a.height, b.top + b.height) - min(a.top, b.top), a.line)
            for a, b in zip(words, words[1:])]


GLYPH_FLOOR = 10.0  # an alternative Tesseract weighed below this confidence is not one it took seriously


def by_glyphs(words: list[Word], shape: tuple[str, ...]) -> Read[str]:
    """A code read glyph by glyph from Tesseract's alternatives, each position limited to what the format
    allows there (`shape`). A character read or weighed that the position does not allow stands for its
    look-alike if that is allowed (an O where a digit stands is a 0; where a letter or a digit may stand,
    an O is still a 0, never a Q). Sure when every glyph comes to exactly one allowed character: an I
    weighing L and 1 where only a digit stands is a 1; an O weighing 9 there is in doubt (a 9 in a fax's
    sans face reads as O or S, most often weighing the 9, so `settled` wants every rendering to agree),
    as is a Q weighing O where a letter or a digit may stand, and any glyph count other than the
    format's (a glyph read twice)."""
    glyphs = [g for w in words for g in w.glyphs
              if any(c.isalnum() for c in g.candidates(GLYPH_FLOOR))]
    if len(glyphs) != len(shape):
        return nothing()
    chosen, sure = [], True
    for glyph, allowed in zip(glyphs, shape):
        options: dict[str, float] = {}
        for text, conf in glyph.candidates(GLYPH_FLOOR).items():
            text = text.upper()
            meant = {text} if text in allowed else {text.translate(_TO_DIGIT), text.translate(_TO_LETTER)}
            for char in meant & set(allowed):
                options[char] = max(conf, options.get(char, 0.0))
        if not options:
            return Read(None, 0.0, False)
        chosen.append(max(options, key=lambda c: options[c]))
        # However sure Tesseract is of its best reading: the typewriter's dotted zero is read as a 6 at 96
        # while weighing 0 at 27. Any other allowed character weighed at all is a doubt.
        sure = sure and len(options) == 1
    value = "".join(chosen)
    return Read(value, CONF_OK if sure else CONF_OK - 1, True, words[0] if words else None)


def npi_in(words: list[Word]) -> Read[str]:
    for word in words:
        raw = re.sub(r"[^0-9A-Za-z]", "", word.text)
        candidate = raw.translate(_TO_DIGIT)
        if len(candidate) == 10 and candidate.isdigit():
            # The check digit catches every single misread digit: a passing NPI is trusted.
            ok = is_npi(candidate)
            return Read(candidate, max(word.conf, CONF_OK) if ok else word.conf, ok, word)
        if len(candidate) == 11 and candidate.isdigit():
            # A digit too many: a dotted zero read as the zero and its dot ("06" for 0). The one reading with a
            # 6, 8 or 9 beside a zero dropped whose check digit holds, in doubt (which glyph went is a guess).
            whole = {candidate[:i] + candidate[i + 1:] for i, c in enumerate(candidate)
                     if c in dotted_zero.LOOKALIKES and "0" in candidate[max(i - 1, 0):i] + candidate[i + 1:i + 2]}
            whole = {value for value in whole if is_npi(value)}
            if len(whole) == 1:
                return Read(whole.pop(), min(word.conf, CONF_OK - 1), True, word, True)
    return nothing()


_ZERO_LIKE = "0OoQD@"


def _dotted_zero_split(text: str) -> str:
    """A six-character code whose dotted zero read as two glyphs ("KO0001"): the five-character reading with
    one of two neighbouring zero look-alikes dropped, when that is a HCPCS shape; the text otherwise."""
    if len(text) != 6 or not text[0].isalpha():
        return text
    for i in range(1, 5):
        if text[i] in _ZERO_LIKE and text[i + 1] in _ZERO_LIKE:
            joined = text[:i] + "0" + text[i + 2:]
            if joined[1:].translate(_TO_DIGIT).isdigit():
                return joined
    return text


def hcpcs_in(words: list[Word]) -> list[Read[str]]:
    out = []
    for word in words:
        raw = word.text.strip(".,;:°'\"‘’“”-_")
        fixed = fix_word(word.text).strip(".,;:°'\"‘’“”-_")
        text = _dotted_zero_split(fixed)
        if len(text) == 5 and text[0] in "£€":
            text = "E" + text[1:]
        # A word whose "digits" are letters other than a zero's lookalikes, more than one of them, is a word (a
        # label's letters glued: "PT00B" for "PT DOB"), not a code misread.
        # (A typewriter's dotted zero reads "e" too.)
        if len(text) == 5 and text[0].isalpha() and sum(not c.isdigit() and c not in _ZERO_LIKE + "e"
                                                         for c in text[1:]) <= 1:
            # Only digits follow the letter; the order forms' typewriter face has a dotted zero that reads as "e".
            candidate = text[0].upper() + text[1:].translate(_TO_DIGIT).replace("e", "0")
            if is_hcpcs(candidate):
                # Guessed: a digit that was read as something else ("KO001", "Ke0e1"; fix_word already
                # mends some of them, so the word as read is what tells).
                out.append(Read(candidate, word.conf if candidate == fixed else min(word.conf, 75.0), True, word,
                                candidate[1:] != raw[1:]))
    return out


def _one_word(before: Word, word: Word, lead: str) -> Word:
    """Two words OCR split made one again: `lead` (what of the first belongs to it) and the second."""
    return Word(lead + word.text, min(before.conf, word.conf), before.left, before.top,
                word.left + word.width - before.left, max(before.height, word.height), before.line)


def _joined_at_the_point(words: list[Word]) -> list[Word]:
    """A code OCR split at its decimal point ("J43" ".9") made one word again: a word that starts with a
    point and digits belongs to the word before it."""
    out: list[Word] = []
    for word in words:
        if out and re.fullmatch(r"\.[0-9A-Z]{1,4}[,;]?", word.text.upper()) and "." not in out[-1].text:
            out[-1] = _one_word(out[-1], word, out[-1].text)
        else:
            out.append(word)
    return out


def _letter_rejoined(words: list[Word]) -> list[Word]:
    """A code OCR split after its letter ("J 84.10", "} 44.9", "| 96.11") made one word again: a lone letter or
    a symbol read where one stands, followed by digits with a point (a bar between two whole codes is no
    letter: the code after it opens with its own)."""
    out: list[Word] = []
    for word in words:
        before = out[-1] if out else None
        if (before is not None and re.fullmatch(r"[A-Z)}\]$|]", before.text.strip("(;:,")) and before.text
                and re.fullmatch(r"\d{2}\.[0-9A-Z]{1,4}[,;]?", word.text.upper())):
            out[-1] = _one_word(before, word, before.text.strip("(;:,"))
        else:
            out.append(word)
    return out


def _parted_at_slashes(words: list[Word]) -> list[Word]:
    """Codes a slash separates that OCR read as one word ("/J84.10", "J43.9/J44.9"): each code a word of its
    own where it stands. Only where every part opens with a letter: a slash before digits may be a letter
    itself (an I read so)."""
    out: list[Word] = []
    for word in words:
        parts = [(m.start(), m.group()) for m in re.finditer(r"[^/]+", word.text)]
        if "/" not in word.text or not parts or not all(re.match(r"[A-Za-z]\d", text) for _, text in parts):
            out.append(word)
            continue
        share = word.width / max(len(word.text), 1)
        for start, text in parts:
            out.append(replace(word, text=text, left=round(word.left + start * share),
                               width=max(round(len(text) * share), 1),
                               glyphs=word.glyphs[start:start + len(text)] if word.glyphs else ()))
    return out


def icd10_in(words: list[Word]) -> list[Read[str]]:
    out = []
    for word in _joined_at_the_point(_letter_rejoined(_parted_at_slashes(words))):
        # "J84,10": a speck-sized period. A bracket closes a code, or is its J ("(J44.9)"; ")43.9"): kept first.
        text = word.text.strip(".,;:").lstrip("(").rstrip(")").upper().replace(",", ".")
        if len(text) < 3:
            continue
        # The first character is a letter: digits and brackets that look like one are read as it
        # (J reads as 3, ) or } in small print).
        rest = text[1].translate(_TO_DIGIT) + text[2:]
        candidate = text[0].translate(_TO_LETTER).translate(_ICD_FIRST) + rest
        if not icd10.is_billable(candidate) and text[0] in _FIRST_LETTERS:
            # A glyph that may be several letters ("|": I, J or L): the one that makes a code the classification
            # holds ("|96.11" is J96.11: no I96.11 or L96.11 exists).
            billable = {letter + rest for letter in _FIRST_LETTERS[text[0]] if icd10.is_billable(letter + rest)}
            candidate = billable.pop() if len(billable) == 1 else candidate
        if is_icd10(candidate):
            # The first character must be a letter: turning "1" into I there is the format's doing, not a guess.
            # A symbol there is a guess that every rendering repeats ("$" is an S, or a J whose hook met its
            # bar: J84.10 has read as $84.10 three times), so agreement cannot make it sure (GUESSED_CONF).
            symbol = text[0] in _ICD_FIRST_LOOKALIKES or not text[0].isalnum()
            guessed = symbol or candidate[1:] != text[1:]
            conf = min(word.conf, GUESSED_CONF) if symbol else min(word.conf, 75.0) if guessed else word.conf
            # A code the classification does not hold is a misread ("A84.10", J84.10's hook lost): kept, so the
            # list is not short of it, but not one a read may be sure of, nor vote or object with.
            out.append(Read(candidate, conf, icd10.is_billable(candidate), word, guessed))
    return out


# The letters an ICD-10 code's first glyph may be when read as this character (a code opens with a letter): a
# typewriter J reads as 3, as I or as a bracket, a small sans-serif J as S; a B as 8 or 3; an S as 5 or $. A
# letter not here is itself.
_FIRST_LETTERS = {"3": "JBE", "1": "IJLT", "I": "IJLT", "L": "LI", "|": "IJL", "J": "JI", ")": "J", "}": "J",
                  "]": "J", "{": "J", "$": "SJ", "S": "SJ", "5": "S", "8": "B", "B": "B", "0": "DO", "O": "DO",
                  "D": "DO"}


def _first_glyph(read: Read[str]) -> str:
    raw = read.word.text.strip(".,;:(").upper() if read.word is not None else ""
    return raw[0] if raw else str(read.value)[0]


def icd10_letter_by_classification(reads: list[Read[str] | None]) -> Read[str] | None:
    """An ICD-10 code whose reads agree on all but its first glyph, a letter read as a digit, a bracket or
    another letter (a typewriter J as 3 in some renderings and as I in others): the letters each read's glyph
    may stand for, taken together, of which exactly one makes a code the classification holds. `VOTES` reads
    must agree on the rest, one of them fairly sure, and no read saying another rest may be a code with any
    of its glyph's letters. None when that does not settle it (the classification not at hand, a B and a J
    both making a code)."""
    seen = [r for r in reads if r is not None and isinstance(r.value, str) and len(r.value) >= 3]
    rests: dict[str, list[Read[str]]] = {}
    for read in seen:
        rests.setdefault(read.value[1:], []).append(read)  # type: ignore[index]
    if not rests:
        return None
    rest, agreeing = max(rests.items(), key=lambda item: len(item[1]))

    def letters(read: Read[str]) -> set[str]:
        glyph = _first_glyph(read)
        return set(_FIRST_LETTERS.get(glyph, glyph))

    if len(agreeing) < VOTES or max(r.conf for r in agreeing) < VOTE_MIN_CONF:
        # Too few reads to settle it: where the code as read is none the classification holds ("S43.9") and
        # one letter its glyph may be makes one (J43.9), that code, in doubt (a person confirms it).
        alone = [letter + rest for letter in sorted(set.union(*(letters(r) for r in agreeing)))
                 if letter.isalpha() and icd10.is_billable(letter + rest)]
        if len(alone) == 1 and len(rests) == 1 and all(
                r.value == alone[0] for r in agreeing if icd10.is_billable(str(r.value))):
            return Read(alone[0], CONF_OK - 1, True, agreeing[0].word, True)
        return None

    for read in seen:
        other = str(read.value)[1:]
        if other != rest and any(icd10.is_billable(letter + other) for letter in letters(read)):
            return None  # another code the reads may be
    possible = set.intersection(*(letters(r) for r in agreeing))
    codes = [letter + rest for letter in sorted(possible) if letter.isalpha() and icd10.is_billable(letter + rest)]
    if len(codes) != 1 or not icd10.billable_codes():
        return None
    return Read(codes[0], CONF_OK, True, agreeing[0].word)


def text_in(words: list[Word]) -> Read[str]:
    cleaned = [w for w in words if re.search(r"[A-Za-z0-9]", w.text)]
    # Fax noise at the end of a line reads as a short low-confidence word ("rn", "7", "yo"): not the value.
    while len(cleaned) > 1 and len(cleaned[-1].text.strip("|_~.,;:'\"")) <= 2 and cleaned[-1].conf < 60:
        cleaned.pop()
    if not cleaned:
        return nothing()
    value = " ".join(w.text.strip("|_~") for w in cleaned).strip(" ,.;:")
    conf = _conf(cleaned)
    if re.search(r"[A-Z]-[A-Z]", value) and conf < 90:
        conf = min(conf, CONF_OK - 1)  # a speck between two words reads as a hyphen
    return Read(value, conf, bool(value))


def name_in(words: list[Word]) -> Read[str]:
    """`LAST, FIRST` as printed."""
    read = text_in(words)
    if read.value is None:
        return read
    if not re.search(r"[A-Za-z]{2}", read.value):
        return nothing()  # no name: a number under a label read as a name's (an NPI's label lost its "NPI")
    # A capital I at the end of a word often reads as "!" ("MA!"): no name holds one.
    match = re.search(r"([A-Z][A-Z'-]+(?:-[A-Z]+)?),\s*([A-Z][A-Z'-]+)", read.value.upper().replace("!", "I"))
    if not match:
        return Read(read.value, read.conf, False)
    # In a name printed in mixed case a capital I (or a bar, a 1) after a small letter is a small l misread
    # ("DanieI" for Daniel): the letter is a guess, however sure the read.
    lookalike = re.search(r"[a-z][I|1]", read.value) is not None
    conf = min(read.conf, CONF_OK - 1) if lookalike else read.conf
    name = f"{match.group(1)}, {match.group(2)}"
    if re.search(r"[a-z]", read.value):
        # Small letters run together ("Ingnd" for Ingrid): every read of the cell makes the same mistake, so
        # no agreement of reads settles it; the word list fails it, as a check digit would.
        from ..names import likely_misread

        if likely_misread(name.replace(",", " ")):
            return Read(name, min(conf, CONF_OK - 1), False, guessed=True)
    return Read(name, conf, True, guessed="!" in read.value or lookalike)
