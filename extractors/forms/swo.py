"""The standard written order (42 CFR 410.38), read from a fax by its labels."""

from __future__ import annotations

import re

from ..models import Practitioner, Swo, SwoItem, SwoPatient
from . import values
from .cmn import _Reader
from .layout import Form
from .rules import DEFAULT_RULES, SWO_RULE_FIELDS, RuleSet, verdict

_QUANTITY = re.compile(r"^\d{1,3}$")


def detect(text: str) -> bool:
    return bool(re.search(r"STANDARD\s+WRITTEN\s+ORDER", text.upper()))


def read(form: Form, rules: RuleSet = DEFAULT_RULES) -> Swo:
    r = _Reader(form)
    swo = Swo()
    _, date_words = r.after("Order Date:")
    swo.order_date = r.keep("order_date", values.date_in(date_words))
    _, name_words = r.after("Beneficiary Name:")
    _, mbi_words = r.after("Medicare ID (MBI):")
    swo.patient = SwoPatient(name=r.keep("patient.name", values.name_in(name_words)),
                             mbi=r.keep("patient.mbi", values.mbi_in(mbi_words[:2])))

    # Items: the rows under the table header, until the practitioner's line.
    header = form.find("HCPCS DESCRIPTION")
    practitioner_hit = form.find("Treating Practitioner:")
    if header is not None:
        end = practitioner_hit.line if practitioner_hit else min(header.line + 8, len(form.lines))
        for index in range(header.line + 1, end):
            row = form.lines[index]
            codes = values.hcpcs_in(row[:1])
            if not codes:
                continue
            quantity = values.integer_in(row[-1:], 1, 999) if _QUANTITY.match(row[-1].text.strip(".,")) else values.nothing()
            path = f"items.{len(swo.items)}"
            item = SwoItem(hcpcs=codes[0].value,
                           description=" ".join(w.text for w in row[1:-1]).strip() or None,
                           quantity=quantity.value)
            if not codes[0].sure:
                r.review.append(f"{path}.hcpcs")
            if not quantity.sure:
                r.review.append(f"{path}.quantity")
            swo.items.append(item)
    if not swo.items:
        r.review.append("items")
    if practitioner_hit:
        swo.practitioner = Practitioner(name=r.keep("practitioner.name",
                                                    values.name_in(form.words_after(practitioner_hit))))
    npi_hit = form.find("NPI:", after=practitioner_hit) if practitioner_hit else form.find("NPI:")
    if npi_hit:
        npi_words = form.words_after(npi_hit)
        read_npi = values.npi_in(npi_words[:2])
        if read_npi.value is None and not [w for w in npi_words if re.search(r"\d", w.text)]:
            swo.practitioner.npi = None  # the field is empty on the form
        else:
            swo.practitioner.npi = r.keep("practitioner.npi", read_npi)
    else:
        r.review.append("practitioner.npi")

    signature_hit = form.find("Practitioner Signature:")
    if signature_hit:
        line = form.lines[signature_hit.line]
        left = form.label_x(signature_hit)[1] + form.char_h
        top = min(w.top for w in line) - form.char_h
        bottom = max(w.top + w.height for w in line) + form.char_h * 0.6
        ratio = form.ink_ratio(left, top, left + 14 * form.char_h, bottom)
        swo.signature_present = ratio > 0.02
        if 0.008 < ratio < 0.03:
            r.review.append("signature_present")
    else:
        r.review.append("signature_present")

    for path, value in (("order_date", swo.order_date), ("patient.name", swo.patient.name),
                        ("patient.mbi", swo.patient.mbi), ("practitioner.name", swo.practitioner.name)):
        if value is None:
            r.review.append(path)
    swo.problems = rules.swo_problems(swo)
    swo.review, swo.valid = verdict(r.review, swo.problems, SWO_RULE_FIELDS)
    return swo
