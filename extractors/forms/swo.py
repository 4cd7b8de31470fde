"""The standard written order (42 CFR 410.38), read from a fax by its labels."""

from __future__ import annotations

import re

from .. import dictionary
from ..models import Swo, SwoItem, SwoPatient
from ..words import Word
from . import by_meaning, values
from .cmn import _Reader
from .layout import Form, Hit
from .rules import DEFAULT_RULES, SWO_RULE_FIELDS, RuleSet, verdict
from .values import CONF_OK, SIGNATURE_INK, SIGNATURE_INK_DOUBT, SIGNED_INK, SIGNED_INK_DOUBT


def detect(text: str) -> bool:
    # OCR splits and joins words in large titles ("WRIT TEN"): compare letters only.
    return "STANDARDWRITTENORDER" in re.sub(r"[^A-Z]", "", text.upper()) or by_meaning.is_order(text)


def _description(described: list[Word]) -> values.Read[str]:
    """An item's description from its words: specks at either end dropped, hyphenated words joined."""
    # Leading specks read as a stray mark or letter are not part of the description.
    while described and (not re.search(r"[A-Z0-9]{2}", described[0].text) and described[0].conf < CONF_OK):
        described = described[1:]
    words: list[str] = []
    for w in described:
        lead = re.match(r"[^A-Z0-9]*", w.text).group()  # type: ignore[union-attr]
        text = re.sub(r"[^A-Z0-9-]+$", "", w.text[len(lead):])
        if words and (words[-1].endswith("-") or "-" in lead):
            # "SEMI-" "ELECTRIC" or "SEMI" "-ELECTRIC": one hyphenated word the OCR split
            words[-1] = words[-1].rstrip("-") + "-" + text
        elif text:
            words.append(text)
    words = [w.rstrip("-") for w in words]
    # Trailing specks read as short lower-case words are not part of an upper-case description.
    while words and (not words[-1] or words[-1] != words[-1].upper() or len(words[-1]) < 2):
        words.pop()
    if not words:
        return values.nothing()
    text = " ".join(words)
    conf = min(w.conf for w in described)
    if dictionary.all_known(text):
        return values.Read(text, conf, True, described[0])
    # A word the OCR's own dictionary does not know ("FOLOING") may be a misread or a brand name: one
    # read of it is not enough, however confident (reads that agree still settle it).
    return values.Read(text, min(conf, CONF_OK - 1), True, described[0], True)


def read(form: Form, rules: RuleSet = DEFAULT_RULES) -> Swo:
    """An order read by its labels where the office's form prints them, and by meaning where it writes
    the order as a letter (`by_meaning`): each element found either way, never guessed between two."""
    r = _Reader(form)
    swo = Swo()
    _order_date(r, form, swo)
    _patient(r, form, swo)
    practitioner_hit = _first_found(form, _PRACTITIONER_LABELS)
    if form.find("HCPCS DESCRIPTION") is not None:
        _table_items(r, form, swo, practitioner_hit)
    else:
        _item_lines(r, form, swo)
    if not swo.items:
        r.review.append("items")
    _practitioner(r, form, swo, practitioner_hit)
    _signature(r, form, swo, practitioner_hit)
    r.settle()
    if swo.order_date is not None and values.unpadded_among_padded(w.text for line in form.lines for w in line):
        r.review.append("order_date")  # one page, two ways of printing a date: one of them misread
    for path, value in (("order_date", swo.order_date), ("patient.name", swo.patient.name),
                        ("patient.mbi", swo.patient.mbi), ("practitioner.name", swo.practitioner.name)):
        if value is None:
            r.review.append(path)
    swo.problems = rules.swo_problems(swo)
    swo.review, swo.valid = verdict(r.review, swo.problems, SWO_RULE_FIELDS)
    return swo


_DATE_LABELS = ("Order Date:", "Date of Order:", "Date Ordered:")
_NAME_LABELS = ("Beneficiary Name:", "Patient Name:", "Patient:", "Beneficiary:", "Re:")
_MBI_LABELS = ("Medicare ID (MBI):", "MBI:", "Medicare ID:", "Medicare number")
# An EHR says "provider" for the practitioner ("Authorizing provider: Funmi Oyelaran, MD  NPI ...").
_PRACTITIONER_LABELS = ("Treating Practitioner:", "Ordering Practitioner:", "Ordering Physician:", "Practitioner:",
                        "Physician:", "Authorizing Provider:", "Ordering Provider:", "Treating Provider:",
                        "Referring Provider:")
_SIGNATURE_LABELS = ("Practitioner Signature:", "Physician Signature:", "Signature:")


def _first_found(form: Form, labels: tuple[str, ...]) -> Hit | None:
    return next((hit for label in labels if (hit := form.find(label)) is not None), None)


def _order_date(r: _Reader, form: Form, swo: Swo) -> None:
    """After its label; with no label, the one date on the page that no other label claims (a letter's date)."""
    date_hit = _first_found(form, _DATE_LABELS)
    labelled = values.date_in(form.words_after(date_hit)) if date_hit else values.nothing()
    if date_hit is None:
        # No label says where the order's date stands: only then is the page's one other date taken for it.
        dated, words = by_meaning.the_one_date(form)
        if dated.value is not None:
            r.confirm("order_date", dated, r.cell_of(*words), by_meaning.long_date_in,
                      lambda v: setattr(swo, "order_date", v))
            return
    r.confirm("order_date", labelled, r.cell_after(date_hit, 14), values.date_in,
              lambda v: setattr(swo, "order_date", v))


def _patient(r: _Reader, form: Form, swo: Swo) -> None:
    """The beneficiary's name after the first label that has a name after it; the MBI after its label,
    else the one MBI on the page (the format says what it is wherever it stands)."""
    swo.patient = SwoPatient()
    name_words: list[Word] = []
    for label in _NAME_LABELS:
        hit, words = r.after(label)
        if hit is not None and values.name_in(words).ok:
            name_words = words
            break
    r.confirm_words("patient.name", name_words, values.name_in, lambda v: setattr(swo.patient, "name", v))
    mbi_hit = _first_found(form, _MBI_LABELS)
    mbi = values.mbi_in(form.words_after(mbi_hit)[:2]) if mbi_hit else values.nothing()
    cell = r.cell_after(mbi_hit, 18)
    if mbi.value is None:
        mbi = by_meaning.the_one_mbi(form)
        cell = r.cell_of(mbi.word, grow=0.8) if mbi.word is not None else cell
    r.confirm("patient.mbi", mbi, cell, values.mbi_in, lambda v: setattr(swo.patient, "mbi", v),
              alphabet=values.MBI_ALPHABET, shape=values.MBI_SHAPE)


def _item_lines(r: _Reader, form: Form, swo: Swo) -> None:
    """Items written in sentences or a list: each line naming one HCPCS code (`by_meaning.item_lines`)."""
    for found in by_meaning.item_lines(form):
        path = f"items.{len(swo.items)}"
        description = _description(found.described)
        item = SwoItem(hcpcs=found.code.value, description=description.value, quantity=found.quantity.value)
        swo.items.append(item)
        r.confirm_number(f"{path}.quantity", found.quantity, r.cell_of(found.quantity.word, grow=0.4), 1, 999,
                         lambda v, item=item: setattr(item, "quantity", v))
        if found.described:
            r.confirm(f"{path}.description", description, r.cell_of(*found.described, grow=0.5),
                      lambda ws: _description(by_meaning.upper_words(ws)),
                      lambda v, item=item: setattr(item, "description", v))
        else:
            r.review.append(f"{path}.description")
        r.confirm(f"{path}.hcpcs", found.code, r.cell_of(found.code.word, grow=0.5),
                  lambda ws: next(iter(values.hcpcs_in(ws)), values.nothing()),
                  lambda v, item=item: setattr(item, "hcpcs", v), shape=values.HCPCS_SHAPE)


def _table_items(r: _Reader, form: Form, swo: Swo, practitioner_hit: Hit | None) -> None:
    """Items: the rows under the table header, until the practitioner's line. Columns are found by
    the header's words: the quantity is what stands under QUANTITY."""
    header = form.find("HCPCS DESCRIPTION")
    if header is not None:
        quantity_hit = form.find("QUANTITY")
        q_left = (form.lines[quantity_hit.line][quantity_hit.first].left - form.char_h
                  if quantity_hit and quantity_hit.line == header.line else None)
        end = practitioner_hit.line if practitioner_hit else min(header.line + 8, len(form.lines))
        header_left = form.lines[header.line][header.first].left
        for index in range(header.line + 1, end):
            full = form.lines[index]
            row = [w for w in full if w.text.strip("|_-.,:;~'\"")]
            codes = values.hcpcs_in(row[:2])
            if codes:
                start = row.index(codes[0].word)
            elif (len(row) >= 2 and abs(row[0].left - header_left) < 2 * form.char_h
                  and re.search(r"[A-Z]{3}", " ".join(w.text for w in row[1:]))):
                # A row with a description whose code did not read ("Ke0ee]"): the code is read again below.
                codes, start = [values.Read(None, 0.0, False, row[0])], 0
            else:
                continue
            if q_left is not None:
                described = [w for w in row[start + 1:] if w.left < q_left]
                # A lone "1" often comes back as "|" or "l": keep every mark under QUANTITY.
                counted = [w for w in full if w.left >= q_left and w.text.strip("_-.,:;~'\"")]
            else:
                described, counted = row[start + 1:-1], row[-1:]
            # Leading specks read as a stray mark or letter are not part of the description.
            while described and (not re.search(r"[A-Z0-9]{2}", described[0].text) and described[0].conf < CONF_OK):
                described = described[1:]
            description = _description(described)
            quantity = values.integer_in(counted[:1], 1, 999)
            path = f"items.{len(swo.items)}"
            item = SwoItem(hcpcs=codes[0].value, description=description.value, quantity=quantity.value)
            swo.items.append(item)
            q_cell: tuple[float, float, float, float] | None = None
            if q_left is not None:
                top, bottom = form.line_band(index)
                q_cell = (q_left, top, q_left + 10 * form.char_h, bottom)
            r.confirm_number(f"{path}.quantity", quantity, q_cell, 1, 999,
                             lambda v, item=item: setattr(item, "quantity", v))
            if described:
                cell = (described[0].left - form.char_h / 2, min(w.top for w in described) - form.char_h / 3,
                        described[-1].left + described[-1].width + form.char_h / 2,
                        max(w.top + w.height for w in described) + form.char_h / 3)
                r.confirm(f"{path}.description", description, cell, _description,
                          lambda v, item=item: setattr(item, "description", v))
            else:
                r.review.append(f"{path}.description")
            r.confirm(f"{path}.hcpcs", codes[0], r.cell_of(codes[0].word, grow=0.5),
                      lambda ws: next(iter(values.hcpcs_in(ws)), values.nothing()),
                      lambda v, item=item: setattr(item, "hcpcs", v), shape=values.HCPCS_SHAPE)


def _practitioner(r: _Reader, form: Form, swo: Swo, practitioner_hit: Hit | None) -> None:
    """The practitioner's name after its label, else the name a credential follows where a letter signs
    off ("SMITH, JOHN, MD"); the NPI after its label, passing its check digit."""
    if practitioner_hit:
        r.confirm_words("practitioner.name", _up_to_label(form.words_after(practitioner_hit)),
                        by_meaning.practitioner_in, lambda v: setattr(swo.practitioner, "name", v))
    signing = by_meaning.practitioner_line(form) if practitioner_hit is None else None
    if signing is not None:
        r.confirm_words("practitioner.name", form.lines[signing], by_meaning.name_before_credential,
                        lambda v: setattr(swo.practitioner, "name", v))
    npi_hit = form.find("NPI:", after=practitioner_hit) if practitioner_hit else form.find("NPI:")
    named = practitioner_hit or (Hit(signing, 0, 0, 1.0) if signing is not None else None)
    if npi_hit is None and named is not None:
        # A short label with one letter misread ("NPt:", "NP}") scores below the usual bar; right under the
        # practitioner's line a weaker match will do (the number must still pass its check digit).
        near = form.find("NPI:", after=Hit(named.line - 1, 0, 0, 1.0), min_score=0.6)
        npi_hit = near if near is not None and near.line <= named.line + 2 else None
    if npi_hit:
        npi_words = form.words_after(npi_hit)
        read_npi = values.npi_in(npi_words[:2])
        if read_npi.value is None and not [w for w in npi_words if re.search(r"\d", w.text)]:
            swo.practitioner.npi = None  # the field is empty on the form
        else:
            # Read again from its cell: a skewed line can cost the page read a digit, and the check digit
            # makes any read that passes it trustworthy.
            r.confirm("practitioner.npi", read_npi, r.cell_after(npi_hit, 14), values.npi_in,
                      lambda v: setattr(swo.practitioner, "npi", v))
    else:
        r.review.append("practitioner.npi")


def _up_to_label(words: list[Word]) -> list[Word]:
    """A value's words up to the next label on its row ("Funmi Oyelaran, MD  NPI 1862551185": the name)."""
    for index, word in enumerate(words):
        if re.fullmatch(r"NP[I1l!|]?|PHONE|FAX|TEL", word.text.upper().rstrip(":#")) or (
                index and word.text.endswith(":")):
            return words[:index]
    return words


def _signature(r: _Reader, form: Form, swo: Swo, practitioner_hit: Hit | None) -> None:
    """Ink right of the signature label; in a letter, ink in the space above the practitioner's signing
    line. Neither found: for a person."""
    said = [(by_meaning.E_SIGNED.search(text), by_meaning.UNSIGNED.search(text))
            for text in (" ".join(w.text for w in line).upper() for line in form.lines)]
    if any(signed or unsigned for signed, unsigned in said):
        # An EHR's order says in words whether it was signed ("Electronically signed by ...", "Order pending
        # signature"): both said is for a person.
        signed, unsigned = any(s for s, _ in said), any(u for _, u in said)
        swo.signature_present = signed and not unsigned
        if signed and unsigned:
            r.review.append("signature_present")
        return
    signature_hit = _first_found(form, _SIGNATURE_LABELS)
    if signature_hit:
        line = form.lines[signature_hit.line]
        left = form.label_x(signature_hit)[1] + form.char_h
        top = min(w.top for w in line) - form.char_h
        bottom = max(w.top + w.height for w in line) + form.char_h * 0.6
        ratio = form.ink_ratio(left, top, left + 14 * form.char_h, bottom)
        swo.signature_present = ratio > SIGNED_INK
        if SIGNED_INK_DOUBT[0] < ratio < SIGNED_INK_DOUBT[1]:
            r.review.append("signature_present")
        return
    signing = by_meaning.practitioner_line(form) if practitioner_hit is None else None
    band = by_meaning.signature_band(form, signing) if signing is not None else None
    if band is None:
        r.review.append("signature_present")
        return
    ratio = form.signature_ink(*band)
    swo.signature_present = ratio > SIGNATURE_INK
    if SIGNATURE_INK_DOUBT[0] < ratio < SIGNATURE_INK_DOUBT[1]:
        r.review.append("signature_present")
