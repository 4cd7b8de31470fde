"""The standard written order (42 CFR 410.38), read from a fax by its labels."""

from __future__ import annotations

import re

from .. import dictionary
from ..models import Swo, SwoItem, SwoPatient
from ..words import Word
from . import values
from .cmn import _Reader
from .layout import Form
from .rules import DEFAULT_RULES, SWO_RULE_FIELDS, RuleSet, verdict
from .values import CONF_OK, SIGNED_INK, SIGNED_INK_DOUBT



def detect(text: str) -> bool:
    # OCR splits and joins words in large titles ("WRIT TEN"): compare letters only.
    return "STANDARDWRITTENORDER" in re.sub(r"[^A-Z]", "", text.upper())


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
    r = _Reader(form)
    swo = Swo()
    date_hit, date_words = r.after("Order Date:")
    r.confirm("order_date", values.date_in(date_words), r.cell_after(date_hit, 14), values.date_in,
              lambda v: setattr(swo, "order_date", v))
    _, name_words = r.after("Beneficiary Name:")
    mbi_hit, mbi_words = r.after("Medicare ID (MBI):")
    swo.patient = SwoPatient()
    r.confirm_words("patient.name", name_words, values.name_in, lambda v: setattr(swo.patient, "name", v))
    r.confirm("patient.mbi", values.mbi_in(mbi_words[:2]), r.cell_after(mbi_hit, 18), values.mbi_in,
              lambda v: setattr(swo.patient, "mbi", v), alphabet=values.MBI_ALPHABET,
              shape=values.MBI_SHAPE)

    # Items: the rows under the table header, until the practitioner's line. Columns are found by
    # the header's words: the quantity is what stands under QUANTITY.
    header = form.find("HCPCS DESCRIPTION")
    practitioner_hit = form.find("Treating Practitioner:")
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
    if not swo.items:
        r.review.append("items")
    if practitioner_hit:
        r.confirm_words("practitioner.name", form.words_after(practitioner_hit), values.name_in,
                        lambda v: setattr(swo.practitioner, "name", v))
    npi_hit = form.find("NPI:", after=practitioner_hit) if practitioner_hit else form.find("NPI:")
    if npi_hit is None and practitioner_hit is not None:
        # A short label with one letter misread ("NPt:") scores below the usual bar; right under the
        # practitioner's line a weaker match will do (the number must still pass its check digit).
        near = form.find("NPI:", after=practitioner_hit, min_score=0.6)
        npi_hit = near if near is not None and near.line <= practitioner_hit.line + 2 else None
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

    signature_hit = form.find("Practitioner Signature:")
    if signature_hit:
        line = form.lines[signature_hit.line]
        left = form.label_x(signature_hit)[1] + form.char_h
        top = min(w.top for w in line) - form.char_h
        bottom = max(w.top + w.height for w in line) + form.char_h * 0.6
        ratio = form.ink_ratio(left, top, left + 14 * form.char_h, bottom)
        swo.signature_present = ratio > SIGNED_INK
        if SIGNED_INK_DOUBT[0] < ratio < SIGNED_INK_DOUBT[1]:
            r.review.append("signature_present")
    else:
        r.review.append("signature_present")

    r.settle()
    for path, value in (("order_date", swo.order_date), ("patient.name", swo.patient.name),
                        ("patient.mbi", swo.patient.mbi), ("practitioner.name", swo.practitioner.name)):
        if value is None:
            r.review.append(path)
    swo.problems = rules.swo_problems(swo)
    swo.review, swo.valid = verdict(r.review, swo.problems, SWO_RULE_FIELDS)
    return swo
