"""A CMN printed as rows of a label and its value: the CMS-484's content without its boxes or its wording.

Ordering platforms and EHR summaries print the oxygen CMN their own way: a label on the left, its value
to the right ("Medicare Beneficiary Identifier   7DD4J86WN70"), the equipment and the diagnoses as lists
under a heading, Section B as questions with their answers in a column, answers in words ("Yes", "Not
applicable", "At rest"), dates spelled out, the practitioner first name first, an electronic signature.
`cmn.read` hands a page here when the form's own box titles are not on it. Each row's label says by its
words which field the value is (`_FIELDS`: keywords, not one layout's wording), and the value is read by
its type; every value is read again from its cell as on the form (`cmn._Reader`), and a field not found,
or found twice, is left to a person.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any, Callable

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..models import Cmn, OxygenTest
from ..words import Word
from . import by_meaning, values
from .layout import BOX_CROSSED, BOX_EMPTY, Form

# A label's keywords and the field its value is, the first that matches (so the MBI's "Medicare
# beneficiary identifier" is not the beneficiary's name, nor question 6's "4 LPM" the flow rate).
_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((key, re.compile(pattern)) for key, pattern in (
    ("mbi", r"\bMBI\b|MEDICARE (BENEFICIARY )?(ID|IDENTIFIER|NUMBER|NO)\b|^MEDICARE$|BENEFICIARY IDENTIFIER|HICN"),
    ("npi", r"\bNPI\b"),
    ("dob", r"DATE OF BIRTH|\bDOB\b|BIRTH ?DATE"),
    # The certification's date on a row of its own, apart from its type (which says whose date it is).
    ("cert_date", r"CERT(IFICATION)? DATE|DATE OF CERTIFICATION|CERTIFIED ON"),
    ("certification", r"CERTIFICATION|\bCERT\b"),  # "CERT TYPE" as billing programs print it
    ("place", r"PLACE OF SERVICE|\bPOS\b"),
    # "LON": the length of need as an intake sheet shortens it.
    ("need", r"LENGTH OF NEED|\bLON\b|DURATION OF NEED"),
    ("skip", r"GREATER THAN 4|4 LPM|NAME OF PERSON|IF OTHER THAN"),  # question 6 and Section B's author
    # PaO2, its 2 read as Z or lost ("PAO? MM HG": the unit says which).
    ("pao2", r"\bP[AO]?O[2Z]\b|\bPA?O\b.*\bMM\b|BLOOD GAS|\bABG\b"),
    ("sao2", r"SATURATION|\bS[AP]O2\b|\b[O0]2 ?SAT"),
    ("test_date", r"DATE OF (THE )?TEST|TEST DATE|TESTED ON"),
    ("circumstance", r"CIRCUMSTANCE|PERFORMED"),
    ("condition", r"CONDITION"),
    ("portable", r"PORTABLE|MOBILE|AMBULATORY"),
    ("flow", r"\bFLOW\b|\bLPM\b|LITERS PER MINUTE"),
    ("q7", r"EDEMA|\bCHF\b"),
    ("q8", r"COR PULMONALE|PULMONARY HYPERTENSION"),
    ("q9", r"HEMATOCRIT|\bHCT\b"),
    ("nsc", r"^((SUPPLIER|VENDOR) )?NSC\b|\bSUPPLIER (NUMBER|NO)\b"),
    ("supplier", r"\bSUPPLIER\b|\bVENDOR\b|\bDME (COMPANY|PROVIDER)\b"),  # "DME vendor", a hospital's word
    # "MD", "Pt": the clinic's own shorthand, a label of their own ("MD:"), never inside a longer one.
    ("physician", r"PHYSICIAN|PRACTITIONER|PRESCRIBER|ORDERED BY|ORDERING PROVIDER|TREATING PROVIDER|ATTENDING"
                  r"|^((ORDERING|TREATING|REFERRING) )?(MD|DR)$"),
    ("patient", r"\bBENEFICIARY\b|\bPATIENT( NAME)?$|^PATIENT\b|\bMEMBER NAME\b|^PT( NAME)?$"),
))
# A heading over a list: the equipment's HCPCS codes, the diagnoses' ICD-10 codes.
_ITEMS = re.compile(r"\b(EQUIPMENT|ITEMS?|HCPCS)\b")
_DIAGNOSES = re.compile(r"\bDIAGNOS[IE]S|\bICD|\bDX\b|^OX\b")  # "DX", its D read as O at a row's start
# A list's entry: numbered ("2.", "2)"), or opening with a code-like word (a letter and digits).
_LIST_ENTRY = re.compile(r"^(\(?\d{1,2}[.)]|\S?[A-Z0-9][A-Z0-9.,]*\d)")
_ANSWER_WORDS = (("D", re.compile(r"^(NOT APPLICABLE|DOES NOT APPLY|N/?A|D)\b")), ("Y", re.compile(r"^(YES|Y)\b")),
                 ("N", re.compile(r"^(NO|N)\b")))
_CONDITIONS = (("rest", re.compile(r"\bREST\b")), ("exercise", re.compile(r"\bEXERCIS|\bEXERTION")),
               ("sleep", re.compile(r"\bA?SLEEP")))
_CIRCUMSTANCES = ((1, re.compile(r"CHRONIC STABLE|OUTPATIENT")), (2, re.compile(r"DISCHARGE|INPATIENT")),
                  # "Other" alone, or after its box read as a short word of its own ("OU Other").
                  (3, re.compile(r"OTHER CIRCUMSTANCE|^(?:\S{1,3} )?OTHER$")))
# A signature line's label printed under the line ("Signature of ordering physician", "Physician signature").
# (A speck a fax leaves before the caption may be read as a quote glued to its first word: "‘Signature"; the
# caption's small print its I as another glyph: "Stgnature". The words after it say which signature it is.)
_INKED_SIGNATURE = re.compile(r"^[^A-Z0-9]*(S[A-Z1!|]GNATURE OF (THE )?(ORDERING |TREATING |ATTENDING )?(PHYSICIAN|"
                              r"PRACTITIONER|PRESCRIBER)|((ORDERING|TREATING|ATTENDING|REFERRING) )?(PHYSICIAN|"
                              r"PRACTITIONER|PRESCRIBER)'?S? S[A-Z1!|]GNATURE)\b")
# The date's D of a typewriter face reads as an O ("SIGNATURE OATE"), "signed" as "signea": no other words
# are spelled so.
_SIGNED_DATE = re.compile(r"DATE SIGN\w*|SIGNED ON|SIGNATURE [DO0]ATE\b|DATE OF SIGNATURE")
_TYPES = (("initial", "INITIAL"), ("revised", "REVISED"), ("recertification", "RECERT"))


def applies(form: Form) -> bool:
    """A CMN without the CMS-484's own boxes: no patient's and no physician's box title on the page, nor
    Section B's instruction."""
    return all(form.find(title) is None for title in ("PATIENT NAME, ADDRESS", "PHYSICIAN NAME, ADDRESS",
                                                      "ANSWER QUESTIONS 1-9"))


def _text(words: list[Word]) -> str:
    return re.sub(r"\s+", " ", " ".join(w.text for w in words)).upper().strip()


def _leader(word: Word) -> bool:
    """A dotted leader between a question and its answer ("HEMATOCRIT > 56% ........ N"): dots, with a few
    specks read as other marks or digits ("......2-222-."), or a piece of one read as letters ("eee", "cee" at
    a low confidence)."""
    text = word.text
    if "..." in text and sum(not c.isalnum() for c in text) >= 0.6 * len(text):
        return True
    if re.fullmatch(r"[.ceo]{2,}", text) and word.conf < 65:
        return True
    # A piece read at almost no confidence, of dots and the marks and letters dots read as ("22.2...", "0.2.22.",
    # "ses"): no value reads so.
    return (word.conf < 30 and bool(re.fullmatch(r"[.,:;'`~_\-ceosa0-9]{2,}", text))
            and bool(re.search(r"[.ceosa]", text)))


def _glued_answer(word: Word) -> Word | None:
    """The answer a leader ran into ("..............N"), as a word of its own where it stands."""
    found = re.fullmatch(r"([.·…\-_,'`]*\.{3,})([A-Za-z0-9/%]{1,12})", word.text)  # the dots, then the answer
    if found is None:
        return None
    # The leader's last dots read as zeros, twos or small letters before the answer ("....0000202N"); all of it
    # such marks is the answer itself ("......20").
    specks = re.match(r"[02eco]*", found[2]).end()  # type: ignore[union-attr]
    if 0 < specks < len(found[2]):
        lead = len(found[1]) + specks
        return replace(word, text=found[2][specks:], left=round(word.left + word.width * lead / len(word.text)),
                       width=max(round(word.width * (1 - lead / len(word.text))), 1), glyphs=word.glyphs[lead:])
    share = len(found[1]) / len(word.text)
    return replace(word, text=found[2], left=round(word.left + word.width * share),
                   width=max(round(word.width * (1 - share)), 1), glyphs=word.glyphs[len(found[1]):])


def split_row(form: Form, line: list[Word]) -> tuple[list[Word], list[Word]]:
    """A row's label and its value: either side of a dotted leader; else the words before the first wide gap
    (the value column's edge; a question may hold a colon of its own), or else up to a word ending in a colon;
    all label when none."""
    leaders = [i for i, w in enumerate(line) if _leader(w)]
    glued = [(i, tail) for i, w in enumerate(line) if (tail := _glued_answer(w)) is not None]
    if glued and glued[-1][0] < len(line) - 1 and re.fullmatch(r"[02eco]+", glued[-1][1].text):
        # Dots and specks read as zeros and small letters, the answer a word of its own after them.
        leaders = sorted({*leaders, glued.pop()[0]})
    if glued:
        at, tail = glued[-1]
        return line[:min([at, *leaders])], [tail, *line[at + 1:]]
    if leaders and (any("..." in line[i].text for i in leaders) or len(leaders) >= 3):
        # What stands between the first and the last piece of the leader is the leader too ("2." for dots).
        return line[:leaders[0]], line[leaders[-1] + 1:]
    cells = cells_of(form, line)
    if len(cells) > 1:
        return cells[0], [word for cell in cells[1:] for word in cell]
    for index, word in enumerate(line[:-1]):
        if word.text.endswith(":"):
            return line[:index + 1], line[index + 1:]
    return line, []


def cells_of(form: Form, line: list[Word]) -> list[list[Word]]:
    """A row's words in cells, split at every wide gap (the value column's edge, a web form's next box). A
    speck in a gap ("... failure? = No") is no word: the gap is measured between words."""
    # A "word" a quarter of a character tall is a rule's dash read as letters ("SS" at 3 pixels): a speck too.
    words = [w for w in line if re.search(r"[A-Za-z0-9]", w.text) and w.height >= form.char_h / 4]
    cells: list[list[Word]] = []
    for word in words:
        if cells and word.left - (cells[-1][-1].left + cells[-1][-1].width) > 2.2 * form.char_h:
            cells.append([])
        if not cells:
            cells.append([])
        cells[-1].append(word)
    return cells


def _code_pieces(words: list[Word]) -> list[Word]:
    """A list's words parted at its separators ("J84.10 /I27.20", "E1390,E0431") and a HCPCS code's
    modifier ("E1390-RR"): one word per code."""
    out = []
    for word in words:
        out.extend(replace(word, text=part) for part in re.split(r"[/,;]|-(?=[A-Z0-9]{2}\b)", word.text) if part)
    return out


def _label_key(text: str) -> str | None:
    """The field a label names, or the list a heading opens ("items", "diagnoses")."""
    key = field_of(text)
    if key is not None:
        return key
    return "items" if _ITEMS.search(text) else "diagnoses" if _DIAGNOSES.search(text) else None


# A label as small print comes back from a fax: its words run together, a box's edge read into its first
# letter, a letter or two lost or changed. Each key's usual wording, to find in such a label within an edit
# or two (`_misread_label_key`); the longest found wins, so "PHYSICIAN NPI" is the NPI, not the physician.
_LABEL_WORDING: dict[str, tuple[str, ...]] = {
    "mbi": ("MEDICARE ID", "MEDICARE NUMBER", "BENEFICIARY IDENTIFIER"), "dob": ("BIRTH DATE", "DATE OF BIRTH"),
    "npi": ("PHYSICIAN NPI", "PRACTITIONER NPI", "PROVIDER NPI"), "certification": ("CERTIFICATION",),
    "place": ("PLACE OF SERVICE",), "need": ("LENGTH OF NEED", "NEED MONTHS"), "pao2": ("PAO2 MM HG",),
    "sao2": ("O2 SATURATION",), "test_date": ("TEST DATE",), "nsc": ("SUPPLIER NSC",), "supplier": ("SUPPLIER",),
    "physician": ("PHYSICIAN", "PRACTITIONER"), "patient": ("PATIENT",), "diagnoses": ("ICD10 DIAGNOSES", "DIAGNOSES"),
    # The form's title, no field: its "CERTIFICATE" is two edits from "CERTIFICATION".
    "skip": ("CERTIFICATE OF MEDICAL NECESSITY",),
}
# Glyphs a fax's OCR trades for one another, made one before comparing.
_SKELETON = str.maketrans("0125", "OIZS")


def _skeleton(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper()).translate(_SKELETON)


_GLUED_MIN = 10  # letters of a label's wording (its skeleton) found wherever it stands in the text


def _edits_within(wanted: str, text: str, starts: set[int]) -> int:
    """The fewest edits that make a stretch of `text` read `wanted` (all of `text` when it is shorter); the
    stretch opens a word of the label (`starts`), or one glyph into it (a box's edge read as a letter), so
    "OUTPATIENT" never holds "PATIENT"."""
    if len(text) < len(wanted):
        return int(Levenshtein.distance(wanted, text))
    if len(wanted) >= _GLUED_MIN:
        # A wording this long is no other label's part: found inside words a fax glued ("RG THOFNEEDIMONTHS").
        starts = set(range(len(text)))
    found = fuzz.partial_ratio_alignment(wanted, text)
    return min((int(Levenshtein.distance(wanted, text[start:found.dest_end + b]))
                for a in range(-2, 3) if (start := max(found.dest_start + a, 0)) in starts or start - 1 in starts
                for b in range(-2, 3)), default=len(wanted))


def _misread_label_key(text: str) -> str | None:
    """The key whose wording a garbled label holds within an edit per five letters, each of its words there
    too (so "ORDERING PRACTITIONER" lacks the NPI's "NPI", however few letters that is); None when none does,
    or when two keys' wordings of the same length do (not guessed). Failing that, the same with an "h" read
    as the "li" it may be (a serif face's "Suppher")."""
    return _key_within(text) or (_key_within(text.upper().replace("H", "LI")) if "H" in text.upper() else None)


def _key_within(text: str) -> str | None:
    seen, starts = "", set()
    for word in text.split():
        starts.add(len(seen))
        seen += _skeleton(word)
    if len(seen) < 5:
        return None
    found = [(len(wanted), key) for key, wordings in _LABEL_WORDING.items() for wording in wordings
             if len(wanted := _skeleton(wording)) >= 6 and _edits_within(wanted, seen, starts) <= len(wanted) // 5
             and all(_edits_within(part, seen, set(range(len(seen)))) <= max(1, len(part) // 4)
                     for part in map(_skeleton, wording.split()))]
    if not found:
        return None
    longest = max(length for length, _ in found)
    keys = {key for length, key in found if length == longest}
    return keys.pop() if len(keys) == 1 else None


def _labels_above_values(form: Form, number: int, line: list[Word] | None = None, *, step: int = 1
                         ) -> list[tuple[str, list[Word]]] | None:
    """A row of labels alone whose values stand on the row below, each under its label (a web form's boxes),
    or with `step` -1 on the row above (captions printed under their values' rules): each label's field with
    the words of that row from its left edge to the next label's. None when the row holds anything but labels,
    or the values' row is labels too. `line`: the row's words read again."""
    if not 0 <= number + step < len(form.lines):
        return None
    cells = cells_of(form, form.lines[number])
    if line is not None:
        cells = _on_cells(form, cells, line)
    else:
        line = form.lines[number]
    keys = [_refined(_label_key(text) or _misread_label_key(text), text) for text in map(_text, cells)]
    # Every cell a label; one the OCR garbled past knowing may stand among three or more (its value is not
    # taken). A speck of a cell (a box's dashed edge read as letters) is no label and no text. A row of
    # labels garbled past knowing, every one of them, gives its values by their kind (`_kind_of_value`).
    kept = [key for key, cell in zip(keys, cells) if key is not None or not _speck(cell)]
    garbled = bool(kept) and all(_garbled_label(cell) for key, cell in zip(keys, cells) if key is None
                                 and not _speck(cell))
    by_kind_alone = not any(keys) or kept.count(None) > (len(kept) >= 3)
    if (by_kind_alone and not garbled) or len(_text(line)) > 120 or any(len(cell) > 7 for cell in cells) \
            or _SECTION.match(_text(line)):
        return None  # (a sentence is no label: "... typed for the supplier"; nor a section's heading)
    if keys in (["items"], ["diagnoses"]):
        return None  # a list's heading alone: its entries follow on rows of their own
    under = cells_of(form, form.lines[number + step])
    if not under or any(_label_key(_text(cell)) is not None and field_of(_text(cell)) != "skip" for cell in under):
        return None
    slack = form.char_h
    # A value may start up to two characters before its label: a box's side read glued to it ("||12" as "1112").
    lefts = [cell[0].left - 2 * slack for cell in cells]
    if any(len(cell) > 6 for cell in under) or (len(cells) == 1 and len(under) > 1):
        return None  # a sentence below a heading (an attestation), not a box's value
    out: list[tuple[str, list[Word]]] = [(key or "skip", []) for key in keys]
    sided = [False] * len(out)  # a value that began with its box's side (in doubt)
    rights = [cell[-1].left + cell[-1].width + slack for cell in cells]
    for cell in under:  # a value's words stay together: its place is where it starts
        while len(cell) > 1 and _edge_glyph(cell[0]):
            cell = cell[1:]  # a box's side read as a glyph at almost no confidence before the value ("7 2JT7...")
        column = max((i for i, left in enumerate(lefts) if cell[0].left >= left), default=None)
        lone = len(re.sub(r"[^A-Za-z0-9]", "", _text(cell))) <= 1
        if (column is None or cell[0].left > rights[column]) and _speck(cell) and (
                lone or column is None or column == len(cells) - 1):
            continue  # a box's edge read as a glyph ("7", "J") outside every label's reach: no value
        if column is None or cell[0].left > rights[column]:
            # A value left of every label, or past its label's end (the next label's first word lost, so
            # its left edge is not known): not this shape, or which label it is under is not known.
            return None
        if (edged := _past_the_box_side(cell, cells[column], form.char_h)) is not None:
            cell, sided[column] = edged, True
        out[column][1].extend(cell)
    repeated = {key for key, _ in out if key != "skip" and sum(k == key for k, _ in out) > 1}
    if repeated:
        # One label read as another's ("PHYSICIAN NPI" with its NPI garbled: "PHYSICIAN ... NE"): which value
        # is the field's is not known from the labels; their values' kinds may tell.
        out = [("skip" if key in repeated else key, value) for key, value in out]
    if garbled or repeated:
        out = _named_by_kind(out)
    if by_kind_alone:
        # A row taken for labels only as garbled ones: what it names is a guess, for fields nothing else read.
        out = [(key if key == "skip" or key.endswith("?") else f"{key}?", value) for key, value in out]
    if not any(value for key, value in out if key != "skip"):
        return None  # no value under any label named
    return [(f"{key}!" if side and key != "skip" and not key.endswith("?") else key, value)
            for (key, value), side in zip(out, sided)]


def _past_the_box_side(value: list[Word], label: list[Word], char_h: float) -> list[Word] | None:
    """A value whose first glyph is a stroke ("1", "|", "l", "I", a slash) standing half a character or more
    left of its label, where a web form prints the two in line: its box's side read glued to it ("|6" as "16",
    a silent 16 for 6 months; "\\6"). The value without that glyph, or None when it starts in line."""
    first = value[0]
    if len(first.text) < 2 or first.text[0] not in "1|lI![\\/" or first.left > label[0].left - char_h / 2:
        return None
    share = first.width / len(first.text)
    trimmed = replace(first, text=first.text[1:], left=round(first.left + share),
                      width=max(round(first.width - share), 1), glyphs=first.glyphs[1:])
    return [trimmed, *value[1:]]


def _edge_glyph(word: Word) -> bool:
    """One glyph read at almost no confidence: what a box's broken side gives, no value's word."""
    return len(re.sub(r"[^A-Za-z0-9]", "", word.text)) <= 1 and word.conf < 30


def _garbled_label(cell: list[Word]) -> bool:
    """A cell the page read as letters it was unsure of: a small label a fax garbled ("PsupeueR")."""
    return any(w.conf < _GARBLED_CONF and re.search(r"[A-Za-z]{3,}", w.text) for w in cell) \
        and not any(c.isdigit() for w in cell for c in w.text)


_BUSINESS = re.compile(r"\b(SUPPLY|SUPPLIES|MEDICAL|HOME|HEALTH|CARE|INC|LLC|CORP|DME|OXYGEN|RESPIRATORY|PHARMACY)\b")


def _kind_of_value(value: list[Word]) -> str | None:
    """The field a value is by its own shape, where only one field has that shape on a CMN: a certification
    ("INITIAL 2026-11-05"), a birth date (eighteen years ago or more; the form's other dates are recent), the
    HCPCS codes, the ICD-10 codes, a practitioner (a name and a credential), a supplier (a business's name),
    a ten-digit number (the NPI or the NSC: told by its neighbour, `_named_by_kind`). None when not one."""
    # A box's edge beside its value reads as a lone bar ("1856722073 I"): not part of what the value is.
    while len(value) > 1 and re.fullmatch(r"[|Il1\[\]!][.,;:'_~-]*|[.,;:'_~-]+", value[-1].text):
        value = value[:-1]
    while len(value) > 1 and re.fullmatch(r"[|Il\[\]!][.,;:'_~-]*|[.,;:'_~-]+", value[0].text):
        value = value[1:]
    text = _text(value)
    if not text:
        return None
    if re.match(r"(INITIAL|REVISED|RECERT)", text):
        return "certification"
    dated = by_meaning.long_date_in(value)
    if dated.value is not None:
        return "dob" if dated.value.year <= dt.date.today().year - 18 and len(value) <= 3 else None
    pieces = [w for w in _code_pieces(value) if re.search(r"\d", w.text)]
    if pieces and len(values.hcpcs_in(pieces)) == len(pieces):
        return "items"
    if pieces and len([c for c in values.icd10_in(pieces) if c.value]) == len(pieces) \
            and all(re.search(r"\.", w.text) for w in pieces):
        return "diagnoses"
    if re.fullmatch(r"\D?\d{10}\D?", text):
        return "ten digits"
    if re.search(r"\d", text):
        return None
    if by_meaning.CREDENTIAL_AT_END.search(text):
        return "physician"
    if _BUSINESS.search(text):
        return "supplier"
    return None


def _named_by_kind(out: list[tuple[str, list[Word]]]) -> list[tuple[str, list[Word]]]:
    """Labels garbled past knowing named by their values' kinds; each such key marked "?" (`_labelled` keeps
    the value for a person to confirm). A ten-digit number is the NPI beside a practitioner and the NSC
    beside a supplier; a kind found twice in the row names neither."""
    kinds = [_kind_of_value(value) if key == "skip" else key for key, value in out]
    named: list[tuple[str, list[Word]]] = []
    filled = [i for i, (_key, value) in enumerate(out) if value]  # a label with nothing under it is no neighbour
    for index, ((key, value), kind) in enumerate(zip(out, kinds)):
        if key != "skip" or kind is None or kinds.count(kind) > 1:
            named.append((key, value))
            continue
        if kind == "ten digits":
            at = filled.index(index)
            beside = {kinds[filled[i]] for i in (at - 1, at + 1) if 0 <= i < len(filled)}
            kind = "npi" if beside == {"physician"} else "nsc" if beside == {"supplier"} else None
        named.append((f"{kind}?", value) if kind else (key, value))
    return named


def _speck(cell: list[Word]) -> bool:
    """A cell of three glyphs at most: what a box's dashed edge or a speck of the fax gives, no label."""
    return len(re.sub(r"[^A-Za-z0-9]", "", _text(cell))) <= 3


def _on_cells(form: Form, cells: list[list[Word]], found: list[Word]) -> list[list[Word]]:
    """A row read again, cut into cells where either read sees a gap: the read again has the letters, and a
    box's dashed edge may be read as letters in it, bridging two labels; the page's read may see that gap."""
    gaps = [(a[-1].left + a[-1].width, b[0].left) for a, b in zip(cells, cells[1:])]
    out: list[list[Word]] = []
    for cell in cells_of(form, found):
        out.append([cell[0]])
        for before, word in zip(cell, cell[1:]):
            if any(before.left + before.width / 2 < end and word.left + word.width / 2 > start for start, end in gaps):
                out.append([])
            out[-1].append(word)
    return out


def _best_labels(candidates: list[list[tuple[str, list[Word]]] | None]) -> list[tuple[str, list[Word]]] | None:
    """Of a row's reads as labels over values (None: not so), the one with the most fields its labels name and
    given a value (then the most named by the values' kinds, then the fewest cells named nothing; the first
    among equals, the page's own read)."""
    found = [stacked for stacked in candidates if stacked is not None]
    return max(found, key=lambda stacked: (
        sum(key != "skip" and not key.endswith("?") and bool(value) for key, value in stacked),
        sum(key.endswith("?") and bool(value) for key, value in stacked),  # named by the values' kinds
        -sum(key == "skip" for key, _ in stacked)), default=None)


# A word the page's read was unsure of, long enough to be a label's: its row may be small labels misread.
_GARBLED = re.compile(r"[A-Za-z]{4,}")
_GARBLED_CONF = 60
# Rows read again at most, per page (a Tesseract run each, and one for all of them stacked).
_LABEL_REREADS = 16


def _unnamed_value(stacked: list[tuple[str, list[Word]]]) -> bool:
    """Labels over values with a value under a label not named (or named by its kind alone): a read again
    may name it."""
    return any((key == "skip" or key.endswith("?")) and value for key, value in stacked)


def _labels_rows(form: Form) -> tuple[dict[int, list[tuple[str, list[Word]]]], int]:
    """Each row that is labels over values (or, on a page of captions, under them), with the words of the
    values' row under each label; and the step from a labels' row to its values' row (1: below, -1: above).
    Rows that may be so but did not read as such (a word of letters read unsure), or read so with a value
    under a label not named, are read again enlarged, and the read that names most is taken."""
    either = {step: {n: _labels_above_values(form, n, step=step) for n in range(len(form.lines))} for step in (1, -1)}
    step = _values_step(either)
    plain = either[step]
    wanted = [n for n, stacked in plain.items() if 0 <= n + step < len(form.lines)
              and cells_of(form, form.lines[n + step]) and (
                  (stacked is not None and _unnamed_value(stacked)) or (stacked is None and any(
                      w.conf < _GARBLED_CONF and _GARBLED.search(w.text) for w in form.lines[n])))]
    again = form.reread_lines(wanted[:_LABEL_REREADS]) if wanted else {}
    rows = {n: _best_labels([stacked, *(_labels_above_values(form, n, read, step=step) for read in again.get(n, []))])
            for n, stacked in plain.items()}
    return {n: stacked for n, stacked in rows.items() if stacked is not None}, step


def _values_step(either: dict[int, dict[int, list[tuple[str, list[Word]]] | None]]) -> int:
    """Where a page's labels have their values: on the row below (1, a web form's boxes), or on the row above
    (-1, a typed form's captions under their rules). Told by what the values are: each label's value taken
    either way (`either`: each step's rows of labels with their values), the way whose values fit their
    labels' fields the better (a date of birth under "Date of birth", ten digits under an NPI's label, a
    business under the supplier's) is the page's; below when neither fits better."""
    fits = {step: sum(_fit(stacked) for stacked in rows.values() if stacked is not None)
            for step, rows in either.items()}
    return -1 if fits[-1] > max(fits[1], 0) else 1


_DATED = ("dob", "cert_date", "test_date")
# A section's heading ("SECTION B - PHYSICIAN'S ANSWERS"): it opens the rows under it, it labels none of them.
_SECTION = re.compile(r"(SECTION|PART)\s+[A-D1-4]\b")


def _fit(stacked: list[tuple[str, list[Word]]]) -> int:
    """How well a row's values fit the fields their labels name: one for each value of its field's kind, less
    one for each of another's (a name under a birth date's label, ten digits under the supplier's)."""
    score = 0
    for key, value in stacked:
        key = key.rstrip("?!")
        if key == "skip" or not value:
            continue
        dated = by_meaning.long_date_in(value)
        if dated.value is not None:
            born = dated.value.year <= dt.date.today().year - 18
            score += 1 if key in _DATED and (key == "dob") == born else -1
            continue
        if key in _DATED:
            score -= 1  # no date where a date is asked
            continue
        if key == "mbi":
            score += 1 if values.mbi_in(value).value is not None else -1
            continue
        kind = _kind_of_value(value)
        if kind == "ten digits":
            score += 1 if key in ("npi", "nsc") else -1
        elif kind is not None:
            score += 1 if kind == key else -1
    return score


def field_of(label: str) -> str | None:
    letters = re.sub(r"[^A-Z0-9/ ]", " ", label)
    letters = re.sub(r"\s+", " ", letters).strip()
    return next((key for key, pattern in _FIELDS if pattern.search(letters)), None)


def answer_in(words: list[Word]) -> values.Read[str]:
    """Y, N or D from an answer in words ("Yes", "Not applicable", "Does not apply") or as the letter."""
    text = _text(words).strip(" .:;")
    for letter, pattern in _ANSWER_WORDS:
        if pattern.match(text):
            return values.Read(letter, min(w.conf for w in words), True, words[0])
    return values.nothing()


def _word_choice(choices: tuple[tuple[Any, re.Pattern[str]], ...], low: int, high: int
                 ) -> Callable[[list[Word]], values.Read[Any]]:
    """An answer named in words ("At rest") or by its number ("(1) Chronic stable state"): the number
    printed wins where both are, and the words must then agree with it."""
    def parse(words: list[Word]) -> values.Read[Any]:
        if not words:
            return values.nothing()
        text = _text(words)
        named = [value for value, pattern in choices if pattern.search(text)]
        number = values.integer_in(words[:1], low, high)
        if number.value is not None and number.ok:
            by_number = choices[number.value - 1][0] if len(choices) >= number.value else None
            agrees = not named or named == [by_number]
            return values.Read(by_number, number.conf, agrees, words[0])
        if len(named) == 1:
            return values.Read(named[0], min(w.conf for w in words), True, words[0])
        return values.nothing()
    return parse


def _condition_in(words: list[Word]) -> values.Read[str]:
    return _word_choice(_CONDITIONS, 1, 3)(words)


def _circumstance_in(words: list[Word]) -> values.Read[int]:
    return _word_choice(_CIRCUMSTANCES, 1, 3)(words)


def months_in(words: list[Word]) -> values.Read[int]:
    """A length of need in months: "6 months", "99", "Lifetime (99 months)" (the CMS-484's 99)."""
    if not words:
        return values.nothing()
    if "LIFETIME" in _text(words):
        number = values.first_integer(words[1:], 1, 99) if len(words) > 1 else values.nothing()
        if number.value not in (None, 99):
            return values.Read(number.value, number.conf, False, words[0])  # "lifetime" and another number
        return values.Read(99, min(w.conf for w in words), True, words[0])
    sided = re.fullmatch(r"[/|\\\[](\d{1,2})", words[0].text)
    if sided:
        # A box's side read glued before the number ("/12"): the number, in doubt.
        return values.Read(int(sided[1]), min(words[0].conf, values.CONF_OK - 1), True, words[0])
    read = values.first_integer(words, 1, 99)
    ones = re.fullmatch(r"(1{1,2}?)(\d{1,2})", words[0].text)  # the fewest ones taken off
    if not read.ok and ones and int(words[0].text) > 99 and 1 <= int(ones[2]) <= 99:
        # No length of need has three digits: a box's sides read as ones before it ("1112" for ||12), in doubt.
        return values.Read(int(ones[2]), min(words[0].conf, values.CONF_OK - 1), True, words[0])
    return read


def _supplier_in(words: list[Word]) -> values.Read[str]:
    """The supplier's name, before any parenthesis ("... SUPPLY (NSC 1234567890)"); a mark glued inside it
    ("MEDICAL. SUPPLY": a speck read as a point; not an abbreviation's, "ST.") puts it in doubt, however
    often read so, and the name is offered without it (a speck is likelier than a long word abbreviated)."""
    name: list[Word] = []
    for word in words:
        if word.text.startswith("("):
            break
        name.append(word)
    specked = [re.fullmatch(r"[A-Za-z]{4,}[.,;:]", w.text) is not None for w in name[:-1]] + [False]
    if any(specked):
        read = values.text_in([replace(w, text=w.text[:-1]) if cut else w for w, cut in zip(name, specked)])
        return values.Read(read.value.upper(), min(read.conf, values.CONF_OK - 1), False, read.word, True) \
            if read.value is not None else read
    read = values.text_in(name)
    # As the billing system keeps it: a supplier printed "Summit Home Medical Supply" is SUMMIT HOME MEDICAL SUPPLY.
    return replace(read, value=read.value.upper()) if read.value is not None else read


def _nsc_in(words: list[Word]) -> values.Read[str]:
    """The supplier's ten-digit NSC number: after the word NSC, or the one such number under its label."""
    for index, word in enumerate(words):
        if "NSC" in word.text.upper():
            for candidate in words[index:index + 3]:
                digits = re.sub(r"\D", "", candidate.text)
                if len(digits) == 10:
                    return values.Read(digits, candidate.conf, True, candidate)
            return values.nothing()
    alone = [w for w in words if re.fullmatch(r"\D?\d{10}\D?", w.text)]
    if len(alone) == 1:
        return values.Read(re.sub(r"\D", "", alone[0].text), alone[0].conf, True, alone[0])
    return values.nothing()


def read_into(r: Any, form: Form, cmn: Cmn) -> None:
    """Every row of the page read by its label's meaning into `cmn` (values confirmed by `r`, a
    `cmn._Reader`); lists under their headings; the signature by its words."""
    form.mend_ruled_lines()
    # A line of specks alone (a box's side read as a backslash, or as "i]", between a row of labels and its
    # values) holds nothing to read, and would part the labels from the values under them.
    form.lines = [line for line in form.lines if not _specks_alone(line)]
    test = OxygenTest()
    cmn.test = test
    seen: dict[str, int] = {}
    section: str | None = None
    hcpcs: list[values.Read[str]] = []
    icd10: list[values.Read[str]] = []
    by_kind: list[tuple[str, list[Word]]] = []  # values named by their kind, their labels past reading
    labels_rows, step = _labels_rows(form)
    # Each row of values with its labels (a web form's boxes: the label small above its value; a typed form's
    # captions under their rules), and the labels' rows, read with them.
    labelled: dict[int, list[tuple[str, list[Word]]]] = {}
    for number, stacked in sorted(labels_rows.items()):
        if number in labelled or number + step in labelled or label_pairs(form, form.lines[number]) is not None:
            continue  # a row already read as values, or whose values are another row's labels; a row of pairs
        if all(key == "skip" or key.endswith("?") for key, _ in stacked):
            # Labels past reading: their values' row is read as any row (its values may say what they are),
            # and the values' kinds kept for the fields nothing else read.
            by_kind.extend(pair for pair in stacked if pair[0].endswith("?"))
            continue
        labelled[number + step] = stacked
        labelled[number] = []
    for number, line in enumerate(form.lines):
        text = _text(line)
        if number in labelled:
            for key, value in labelled[number]:
                if key.endswith("?"):
                    by_kind.append((key, value))  # after every field its label names (`_labelled`)
                else:
                    _labelled(r, cmn, test, key, value, seen, hcpcs, icd10)
            continue
        if (pairs := label_pairs(form, line)) is not None:
            # Two or more "LABEL: value" pairs on the row (a billing program's printout, two to a row).
            for key, value in pairs:
                _labelled(r, cmn, test, key, value, seen, hcpcs, icd10)
            section = None
            continue
        if _signature(r, form, cmn, line, text, seen):
            continue
        label, value = split_row(form, line)
        label_text = _text(label)
        key = _refined(field_of(label_text), label_text)
        if key is None and value and len(label) == 1 and len(label_text) <= 12 \
                and (ahead := field_of(_text(value))) not in (None, "skip"):
            # The answer typed before its question ("58   1a. Arterial blood gas PO2 (mm Hg)"): the short first
            # cell names nothing, the rest of the row names the field.
            label, value, key, label_text = value, label, ahead, _text(value)
        if key is None and value and (misread := _misread_label_key(label_text)) in _PATHS \
                and misread not in ("items", "diagnoses"):
            key = misread  # "Suppher": the label's letters read as others ("li" as "h") before its value
        if not value and key in _SPELLED and (start := _options_start(key, line)) is not None:
            # A long question runs up to its boxes with no gap to part them: the options start the value.
            label, value = line[:start], line[start:]
        if not value:
            # A heading opens a list; a row that is a list's entry holds its code.
            if _ITEMS.search(text) and key is None:
                section = "items"
                continue
            if _DIAGNOSES.search(text) and key is None:
                section = "diagnoses"
                continue
        if section in ("items", "diagnoses") and key is None:
            _list_entry(r, line, text, section, hcpcs if section == "items" else icd10)
        if key is None and any(re.search(r"\d", w.text) for w in value) \
                and (heading := _label_key(label_text)) in ("items", "diagnoses") and field_of(_text(value)) is None:
            # A list's heading with its codes on the same row ("Equipment (HCPCS)  E0439 - oxygen concentrator").
            _labelled(r, cmn, test, heading, value, seen, hcpcs, icd10)
            section = None
            continue
        if key is None or key == "skip" or not value:
            continue  # no field, or a field's label left blank (the field is then missing, in doubt)
        typed = key == "certification" and _type_named(value) is not None
        if field_of(_text(value)) is not None and not typed:
            # What stands right of the label names a field too: a row of labels (their values printed
            # elsewhere, above or below), not a label and its value. Nothing of it is taken. (A certification's
            # type may name itself: "Initial certification".)
            continue
        section = None
        seen[key] = seen.get(key, 0) + 1
        _field(r, cmn, test, key, value)
    for key, value in by_kind:
        _labelled(r, cmn, test, key, value, seen, hcpcs, icd10)
    r.then(lambda: _lists(r, cmn, hcpcs, icd10))  # once the entries read again are settled
    if not seen.get("signature"):
        # No row says whether it was signed (a hand's ink is not looked for here): a person looks.
        r.review.append("signature_present")
    for key in ("mbi", "patient", "physician", "npi", "dob", "supplier", "nsc"):
        if seen.get(key, 0) > 1:
            r.review.extend(_PATHS[key])  # two rows say they are it: which is not guessed


def _specks_alone(line: list[Word]) -> bool:
    """A line of marks, or of two glyphs at most read unsurely: no label, no value."""
    glyphs = sum(c.isalnum() for w in line for c in w.text)
    return glyphs == 0 or (glyphs <= 2 and all(w.conf < 60 for w in line))


def label_pairs(form: Form, line: list[Word]) -> list[tuple[str, list[Word]]] | None:
    """The row's "LABEL: value" pairs, each the key its label names and its value, when the row holds two or
    more (each a cell of its own, its label ending in a colon); None for any other row. A cell that opens
    with no label belongs to the value before it (a value with a wide gap of its own)."""
    pairs: list[tuple[str, list[Word]]] = []
    for cell in cells_of(form, line):
        # (A colon's lower dot lost or doubled, "Supplier;", is still the label's colon.)
        at = next((i for i, w in enumerate(cell[:5]) if w.text.endswith((":", ";"))), None)
        label = _text(cell[:at + 1]) if at is not None else ""
        if at is None or (key := _refined(_label_key(label), label)) is None:
            if not pairs:
                return None
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + cell)
            continue
        pairs.append((key, cell[at + 1:]))
    return pairs if len(pairs) >= 2 else None


def _refined(key: str | None, label: str) -> str | None:
    """A label the expressions take for the practitioner's or the supplier's is the NPI's or the NSC's when its
    wording says so ("Practitioner NPL": the NPI's label with its I misread, not a second practitioner)."""
    if key in ("physician", "supplier") and (closer := _misread_label_key(label)) in ("npi", "nsc"):
        return closer
    return key


# The fields each key stores (a key named by its value's kind, "?", leaves them for a person to confirm).
_PATHS = {"certification": ("certification_type", "initial_date"), "cert_date": ("initial_date",), "dob": ("patient.dob",), "items": ("hcpcs",),
          "diagnoses": ("icd10",), "physician": ("physician.name",), "supplier": ("supplier.name",),
          "npi": ("physician.npi",), "nsc": ("supplier.nsc",), "mbi": ("patient.mbi",), "patient": ("patient.name",),
          "place": ("place_of_service",), "need": ("length_of_need_months",), "pao2": ("test.pao2_mmhg",),
          "sao2": ("test.sao2_percent",), "test_date": ("test.date",), "circumstance": ("q2_circumstance",),
          "condition": ("test.condition",), "portable": ("portable",), "flow": ("flow_rate_lpm",),
          "q7": ("q7_edema",), "q8": ("q8_cor_pulmonale",), "q9": ("q9_hematocrit",)}


def _labelled(r: Any, cmn: Cmn, test: OxygenTest, key: str, value: list[Word], seen: dict[str, int],
              hcpcs: list[values.Read[str]], icd10: list[values.Read[str]]) -> None:
    """A value its label names (above it, or before it on a row of pairs): a field, or a list's codes."""
    if key.endswith("!"):
        # Its value began with its box's side, taken off: what is left is read, and a person confirms it.
        key = key[:-1]
        r.review.extend(_PATHS.get(key, ()))
    if key.endswith("?"):
        # Named by the value's kind, the label past reading: kept for a person to confirm, and only where no
        # label named the field.
        key = key[:-1]
        if seen.get(key) or (key == "items" and hcpcs) or (key == "diagnoses" and icd10):
            return
        r.review.extend(_PATHS.get(key, ()))
    if key in ("items", "diagnoses"):
        section = "items" if key == "items" else "diagnoses"
        parse = values.hcpcs_in if key == "items" else values.icd10_in
        # A modifier or a separator is no code.
        pieces = [w for w in _code_pieces(value) if re.search(r"\d", w.text) and len(w.text) >= 3]
        shared = {(w.left, w.width) for w in pieces if sum((x.left, x.width) == (w.left, w.width) for x in pieces) > 1}
        for piece in pieces:
            codes = [c for c in parse([piece]) if c.value]
            if codes and (codes[0].sure or (piece.left, piece.width) in shared):
                # Sure, or one of several codes a word ran together ("J44.9,I27.20"), whose box holds them all.
                (hcpcs if key == "items" else icd10).extend(codes)
            elif (piece.left, piece.width) in shared:
                r.review.append(_LIST_PATH[section])  # a code not read as one
            else:
                _confirm_code(r, piece, section, hcpcs if key == "items" else icd10, codes[0] if codes else None)
    elif key != "skip" and value:
        seen[key] = seen.get(key, 0) + 1
        _field(r, cmn, test, key, value)


def _field(r: Any, cmn: Cmn, test: OxygenTest, key: str, value: list[Word]) -> None:
    if key == "cert_date" and _type_named(value) is not None:
        key = "certification"  # "Certification / date" over "INITIAL 2026-11-15": the type and its date
    # The cell read again is the value's words' box: a speck far right of it (": " at 8) would widen it over the
    # blank line, whose rereads then find nothing or noise.
    cell = r.cell_of(*([w for w in value if re.search(r"[A-Za-z0-9]", w.text)] or value), grow=0.5)

    def confirm(path: str, parse: Callable[[list[Word]], values.Read[Any]], store: Callable[[Any], None],
                **kwargs: Any) -> None:
        r.confirm(path, parse(value), cell, parse, store, **kwargs)

    if key == "mbi":
        confirm("patient.mbi", values.mbi_in, lambda v: setattr(cmn.patient, "mbi", v),
                alphabet=values.MBI_ALPHABET, shape=values.MBI_SHAPE)
    elif key == "npi":
        confirm("physician.npi", values.npi_in, lambda v: setattr(cmn.physician, "npi", v))
    elif key == "dob":
        confirm("patient.dob", by_meaning.birth_date_in, lambda v: setattr(cmn.patient, "dob", v), required=False)
    elif key == "certification":
        kind = _type_named(value)
        if kind is None and not any(re.search(r"\d/|\d-|/\d|-\d", w.text) for w in value):
            # Neither a type nor a date after the word: a title ("Home oxygen certification  Encounter 7733"),
            # not the field's row (a type never read is asked for once all rows are read).
            return
        cmn.certification_type = kind  # type: ignore[assignment]
        if kind is None:
            r.review.append("certification_type")
        elif kind == "initial" and any(re.search(r"\d", w.text) for w in value):
            # "INITIAL 11/02/26"; "Initial certification" alone has its date on a row of its own (cert_date).
            confirm("initial_date", by_meaning.recent_date_in, lambda v: setattr(cmn, "initial_date", v))
    elif key == "cert_date":
        # Whose date it is, the certification's type says (read on its own row, before or after this one):
        # placed once every value is settled.
        read: dict[str, Any] = {}
        confirm("initial_date", by_meaning.recent_date_in, lambda v: read.__setitem__("date", v))
        r.then(lambda: _place_cert_date(cmn, read.get("date")))
    elif key == "place":
        confirm("place_of_service", lambda ws: values.integer_in(ws[:1], 1, 99),
                lambda v: setattr(cmn, "place_of_service", None if v is None else f"{int(v):02d}"), required=False)
    elif key == "need":
        confirm("length_of_need_months", months_in, lambda v: setattr(cmn, "length_of_need_months", v),
                required=False)
    elif key == "pao2":
        confirm("test.pao2_mmhg", lambda ws: values.integer_in(ws[:1], 20, 120),
                lambda v: setattr(test, "pao2_mmhg", v), required=False)
        _test_row_rest(r, test, value)
    elif key == "sao2":
        confirm("test.sao2_percent", lambda ws: values.integer_in(ws[:1], 50, 100),
                lambda v: setattr(test, "sao2_percent", v), required=False)
        _test_row_rest(r, test, value)
    elif key == "test_date":
        confirm("test.date", by_meaning.recent_date_in, lambda v: setattr(test, "date", v), required=False)
    elif key in _CHOICES and _options_named(key, value) >= 2:
        # Every option printed, each after its check box: the one crossed says the answer (read from the ink,
        # once). No boxes to tell it: which of the words printed is the answer is not guessed.
        path, parse = _CHOICES[key]
        boxed = _boxed_choice(r.form, value, parse, _SPELLED.get(key)) or values.Read(None, 0.0, False)
        _store_choice(cmn, test, path, r.keep(path, boxed, required=key not in ("circumstance", "condition")))
    elif key == "circumstance":
        confirm("q2_circumstance", _circumstance_in, lambda v: setattr(cmn, "q2_circumstance", v), required=False)
    elif key == "condition":
        confirm("test.condition", _condition_in, lambda v: setattr(test, "condition", v), required=False)
    elif key == "flow":
        confirm("flow_rate_lpm", lambda ws: values.integer_in(ws[:1], 1, 15), lambda v: setattr(cmn, "flow_rate_lpm", v))
    elif key in ("portable", "q7", "q8", "q9"):
        attr = {"portable": "portable", "q7": "q7_edema", "q8": "q8_cor_pulmonale", "q9": "q9_hematocrit"}[key]
        confirm(attr, answer_in, lambda v, attr=attr: setattr(cmn, attr, v))
    elif key == "nsc":
        confirm("supplier.nsc", _nsc_in, lambda v: setattr(cmn.supplier, "nsc", v))
    elif key == "supplier":
        confirm("supplier.name", _supplier_in, lambda v: setattr(cmn.supplier, "name", v))
        if (nsc := _nsc_in(value)).value is not None or nsc.word is not None:  # else under a label of its own
            cmn.supplier.nsc = r.keep("supplier.nsc", nsc)
    elif key == "physician":
        confirm("physician.name", by_meaning.practitioner_in, lambda v: setattr(cmn.physician, "name", v))
    elif key == "patient":
        confirm("patient.name", values.name_in, lambda v: setattr(cmn.patient, "name", v))


def _type_named(value: list[Word]) -> str | None:
    """The certification type a value opens with ("INITIAL 11/02/26", "Initial certification"), if any."""
    first = _text(value[:1])
    return next((name for name, word in _TYPES if first.startswith(word)), None)


def _place_cert_date(cmn: Cmn, date: Any) -> None:
    attr = {"initial": "initial_date", "revised": "revised_date",
            "recertification": "recertification_date"}.get(cmn.certification_type or "")
    if attr is not None and getattr(cmn, attr) is None:
        setattr(cmn, attr, date)


def _test_row_rest(r: Any, test: OxygenTest, value: list[Word]) -> None:
    """A test's row of a table (test, result, date, condition: "SpO2, room air  88 %  02-Nov-2026  Asleep"):
    the date and the condition after the result, when the row holds them."""
    dated = next((i for i, w in enumerate(value) if by_meaning.recent_date_in([w]).value is not None), None)
    if dated is None:
        return
    date_words, after = value[dated:dated + 1], value[dated + 1:]
    r.confirm("test.date", by_meaning.recent_date_in(date_words), r.cell_of(*date_words, grow=0.5),
              by_meaning.recent_date_in, lambda v: setattr(test, "date", v), required=False)
    if after and _condition_in(after).value is not None:
        r.confirm("test.condition", _condition_in(after), r.cell_of(*after, grow=0.5), _condition_in,
                  lambda v: setattr(test, "condition", v), required=False)


def _after_box(parse: Callable[[list[Word]], values.Read[Any]]) -> Callable[[list[Word]], values.Read[Any]]:
    """`parse` of the words after a box, the box's own glyphs read into the first ("&KINo", "KlRest") cut off."""
    def parsed(words: list[Word]) -> values.Read[Any]:
        if not words:
            return values.nothing()
        first = re.sub(r"[^A-Za-z/,]", "", words[0].text)
        for start in range(len(first)):
            read = parse([replace(words[0], text=first[start:]), *words[1:]])
            if read.value is not None:
                return read
        return values.nothing()
    return parsed


_CHOICES: dict[str, tuple[str, Callable[[list[Word]], values.Read[Any]]]] = {
    "portable": ("portable", _after_box(answer_in)), "q7": ("q7_edema", _after_box(answer_in)),
    "q8": ("q8_cor_pulmonale", _after_box(answer_in)), "q9": ("q9_hematocrit", _after_box(answer_in)),
    "circumstance": ("q2_circumstance", _after_box(_circumstance_in)),
    "condition": ("test.condition", _after_box(_condition_in))}


def _options_named(key: str, words: list[Word]) -> int:
    """How many of a question's options its value names ("Yes No N/A": three; "Yes": one, an answer)."""
    # Letters only: a box's glyphs glued to its word ("KlYes", "(ClExercise") must not hide the word.
    text = re.sub(r"[^A-Z/ ]", "", _text(words))
    named = {"circumstance": (r"CHRONIC|OUTPATIENT", r"DISCHARGE|INPATIENT", r"OTHER"),
             "condition": (r"REST", r"EXERCIS", r"SLEEP")}.get(key, (r"YES", r"NO(?!T)", r"N/?A\b|NOT APPLICABLE"))
    return sum(bool(re.search(pattern, text)) for pattern in named)


# How each option of a question answered in boxes is spelled, to tell an option whose word is misread apart.
_YES_NO = {"Y": ("YES",), "N": ("NO",), "D": ("NA", "N/A")}
_SPELLED: dict[str, dict[Any, tuple[str, ...]]] = {
    "portable": _YES_NO, "q7": _YES_NO, "q8": _YES_NO, "q9": _YES_NO,
    "condition": {"rest": ("REST",), "exercise": ("EXERCISE",), "sleep": ("SLEEP",)}}


def _options_start(key: str, line: list[Word]) -> int | None:
    """Where a question's options start on its row: the first word that is an option's spelling (a box's
    glyph or two read into it, "OlYes"), with at least two of the question's options from there on."""
    spellings = {spelling for spelled in _SPELLED[key].values() for spelling in spelled}
    for index, word in enumerate(line[1:], start=1):
        letters = re.sub(r"[^A-Z/]", "", word.text.upper())
        if any(letters[cut:] in spellings for cut in range(3)) and _options_named(key, line[index:]) >= 2:
            return index
    return None


def _nearest_option(words: list[Word], spelled: dict[Any, tuple[str, ...]]) -> Any | None:
    """The option a misread word is nearest ("Ores": the box's glyph and Yes with its Y lost), when it is
    near one option alone; None otherwise."""
    letters = re.sub(r"[^A-Z/]", "", _text(words).upper())
    best: dict[Any, float] = {}
    for cut in (letters, letters[1:]):  # a box's glyph read into the word
        for value, spellings in spelled.items():
            for spelling in spellings:
                best[value] = max(best.get(value, 0.0), fuzz.ratio(cut, spelling))
    ranked = sorted(best.values(), reverse=True)
    if not ranked or ranked[0] < 60 or (len(ranked) > 1 and ranked[1] > ranked[0] - 20):
        return None
    return max(best, key=lambda value: best[value])


def _boxed_choice(form: Form, words: list[Word], parse: Callable[[list[Word]], values.Read[Any]],
                  spelled: dict[Any, tuple[str, ...]] | None = None) -> values.Read[Any] | None:
    """The answer of a row of check boxes, each before its option's words: the option after the one box
    clearly crossed while every other is clearly empty; in doubt (no value) when that is not clear. None
    when the value holds fewer than two boxes (not a choice in boxes)."""
    if not words:
        return None
    top = min(w.top for w in words) - form.char_h / 3
    bottom = max(w.top + w.height for w in words) + form.char_h / 3
    boxes = form.boxes(words[0].left - 2 * form.char_h, top, words[-1].left + words[-1].width, bottom)
    if len(boxes) < 2:
        return None
    crossed = [i for i, box in enumerate(boxes) if box.fill >= BOX_CROSSED]
    if len(crossed) != 1 or any(box.fill > BOX_EMPTY for i, box in enumerate(boxes) if i != crossed[0]):
        return values.Read(None, 0.0, False)
    options, named = [], []
    for index, box in enumerate(boxes):
        until = boxes[index + 1].left if index + 1 < len(boxes) else float("inf")
        after = [w for w in words if w.left + w.width > box.right and w.left < until]
        options.append(parse(after))
        # An empty box's word may be told by its likeness alone: it is not the answer, only another option.
        named.append(options[-1].value if options[-1].value is not None or index == crossed[0] or not spelled
                     else _nearest_option(after, spelled))
    read = options[crossed[0]]
    # The choice is the ink's. Its words are sure when every box's words name an option and no two the same
    # ("Yes", "No", "N/A" read as such, however faint; an empty box's nearly so): a misread word would have to
    # make another option.
    told_apart = None not in named and len(set(named)) == len(named)
    return values.Read(read.value, max(read.conf, values.CONF_OK) if told_apart else read.conf, read.ok, read.word)


def _store_choice(cmn: Cmn, test: OxygenTest, path: str, value: Any) -> None:
    if path == "test.condition":
        test.condition = value
    else:
        setattr(cmn, path, value)


_CODE_ALPHABET = {"items": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                  "diagnoses": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789."}


def _list_entry(r: Any, line: list[Word], text: str, section: str, codes_so_far: list[values.Read[str]]) -> None:
    """An entry of the equipment or diagnosis list: its code, at the entry's start. One read in doubt, or a
    word shaped like a code that did not read as one ("1S92" for E1392 under a fax's specks, "|44.9"), is read
    again alone (`_Reader.confirm`, with the code's alphabet and, for a HCPCS, its shape glyph by glyph) and
    kept only as the reads settle it; otherwise the list is in doubt."""
    parse = values.hcpcs_in if section == "items" else values.icd10_in
    path = "hcpcs" if section == "items" else "icd10"
    codes = [c for c in parse(line[:3]) if c.value]
    if len(codes) > 1 or (codes and codes[0].sure):
        codes_so_far.extend(codes)
        return
    word = codes[0].word if codes else next(
        (w for w in line[:3] if re.search(r"\d", w.text) and len(w.text.strip("|_~.,;:'\"")) >= 3
         and not re.fullmatch(r"\(?\d{1,2}[.)]?", w.text.strip())), None)
    if word is None:
        if _LIST_ENTRY.match(text):
            r.review.append(path)  # an entry of the list whose code did not read as one: the list may be short
        return
    _confirm_code(r, word, section, codes_so_far, codes[0] if codes else None)


_LIST_PATH = {"items": "hcpcs", "diagnoses": "icd10"}


def _confirm_code(r: Any, word: Word, section: str, codes_so_far: list[values.Read[str]],
                  first: values.Read[str] | None) -> None:
    """A code of the equipment or diagnosis list read in doubt, or a word shaped like one that did not read as
    one: its place in the list kept, and its word read again alone (`_Reader.confirm`, with the code's
    alphabet and, for a HCPCS, its shape glyph by glyph); kept only as the reads settle it."""
    parse = values.hcpcs_in if section == "items" else values.icd10_in
    at = len(codes_so_far)
    codes_so_far.append(first or values.nothing())

    def reread(words: list[Word]) -> values.Read[str]:
        return next((c for c in parse(_code_pieces(words)) if c.value), values.nothing())

    def store(value: str | None) -> None:
        # Unsure or unread, `keep` has listed the list for review already.
        codes_so_far[at] = values.Read(value, 100.0, True) if value else values.nothing()

    r.confirm(_LIST_PATH[section], codes_so_far[at], r.cell_of(word, grow=0.5), reread, store,
              alphabet=_CODE_ALPHABET[section], shape=values.HCPCS_SHAPE if section == "items" else None,
              otherwise=values.icd10_letter_by_classification if section == "diagnoses" else None)


def _lists(r: Any, cmn: Cmn, hcpcs: list[values.Read[str]], icd10: list[values.Read[str]]) -> None:
    """The codes of the equipment and diagnosis lists: sure only if every code is."""
    cmn.hcpcs = list(dict.fromkeys(c.value for c in hcpcs if c.value))
    if any(not c.sure for c in hcpcs):
        r.review.append("hcpcs")
    cmn.icd10 = list(dict.fromkeys(c.value for c in icd10 if c.value))
    if not cmn.icd10 or any(not c.sure for c in icd10):
        r.review.append("icd10")


def _signature(r: Any, form: Form, cmn: Cmn, line: list[Word], text: str, seen: dict[str, int]) -> bool:
    """A row that says whether the practitioner signed (an electronic signature, or that it is awaited),
    and its date; True when the row was one."""
    row = line
    if (lead := next((i for i, w in enumerate(line) if re.search(r"[A-Za-z0-9]", w.text)), 0)) > 0:
        line = line[lead:]  # a speck before the label (". PHYSICIAN SIGNATURE") is not where its ink starts
        text = _text(line)
    signed, unsigned = by_meaning.E_SIGNED.search(text), by_meaning.UNSIGNED.search(text)
    dated = _SIGNED_DATE.search(text)
    inked = _INKED_SIGNATURE.match(text)
    if inked and not dated:
        # "Physician signature: ____  Date: 11/1/2026": a date's label on the signature's row is the signing's.
        dated = re.compile(r"\bDATE\b").search(text, inked.end())
    if not (signed or unsigned or dated or inked):
        return False
    if signed or unsigned:
        seen["signature"] = seen.get("signature", 0) + 1
        if signed and unsigned:
            r.review.append("signature_present")
        cmn.signature_present = bool(signed) and not unsigned
    elif inked:
        # A signature line's label under its rule: the hand's ink is on the rule above it, up to the next
        # label on the row (the date's), however that label is worded.
        seen["signature"] = seen.get("signature", 0) + 1
        cells = cells_of(form, line)
        stop = cells[1][0].left if len(cells) > 1 else line[0].left + 20 * form.char_h
        top = min(w.top for w in line)
        ratio = form.signature_ink(line[0].left, top - 2.5 * form.char_h, stop - form.char_h, top)
        cmn.signature_present = ratio > values.SIGNATURE_INK
        if values.SIGNATURE_INK_DOUBT[0] < ratio < values.SIGNATURE_INK_DOUBT[1]:
            r.review.append("signature_present")
    if dated:
        # The date after its label on the row ("Date signed: Nov 07, 2026"); or, under a line to write on,
        # the date written on the line above the label.
        words = [w for w in line if w.left > _label_right(form, line, dated.end(), text)
                 and re.search(r"[A-Za-z0-9]", w.text)]  # a speck after the label is not a date written there
        while words and re.fullmatch(r"(SIGNED|DATE|ON|OF|SIGNATURE)\W?", words[0].text.upper()):
            words = words[1:]  # the label's own last words ("Physician signature  Date signed": "SIGNATURE DATE")
        if not words and inked:
            cells = cells_of(form, line)
            label_left = cells[-1][0].left
            number = next(i for i, ln in enumerate(form.lines) if ln is row)
            words = [w for w in (form.lines[number - 1] if number else [])
                     if w.left >= label_left - 2 * form.char_h and w.top > min(x.top for x in line) - 3 * form.char_h]
        if words:
            r.confirm("signature_date", by_meaning.recent_date_in(words), r.cell_of(*words, grow=0.5), by_meaning.recent_date_in,
                      lambda v: setattr(cmn, "signature_date", v), required=False)
    return True


def _label_right(form: Form, line: list[Word], end: int, text: str) -> float:
    """Where on the page the row's text up to `end` (a label's last character) stops."""
    count = len(text[:end].split())
    return line[count - 1].left + line[count - 1].width if 0 < count <= len(line) else 0.0
