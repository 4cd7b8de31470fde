"""The remittance the sandbox meant to print, built from its store (not from its renderer)."""

from __future__ import annotations

import json
from typing import Any

from extractors.remittance import balance
from sandbox.documents import eob
from sandbox.documents.spr import supplier_npi_of
from sandbox.world.store import Store, dec


def remittance(store: Store, remit_id: int) -> dict[str, Any]:
    remit = store.one("SELECT * FROM remittances WHERE id = ?", remit_id)
    payer = store.one("SELECT * FROM payers WHERE key = ?", remit["payer_key"])
    family = eob.family_of(remit["check_number"]) if remit["payer_key"] == "bluriver" else None
    claims, cut = [], []
    printed_claims = store.all("SELECT * FROM remit_claims WHERE remit_id = ? ORDER BY seq", remit_id)
    if family == "br-sections":
        printed_claims = eob.section_order(printed_claims)  # grouped by status, as the statement prints them
    for rc in printed_claims:
        lines = []
        for line in store.all("SELECT * FROM remit_lines WHERE remit_claim_id = ? ORDER BY line_no", rc["id"]):
            lines.append({
                "service_date": line["dos_from"],
                "place_of_service": line["pos"] if remit["payer_key"] == "medicare" else None,
                "procedure": line["hcpcs"], "modifiers": line["modifiers"].split(), "units": line["units"],
                "billed": line["billed"], "allowed": line["allowed"], "deductible": line["deductible"],
                "coinsurance": line["coinsurance"], "paid": line["paid"],
                "adjustments": [{"group": a["group"], "reason": a["reason"], "amount": f"{dec(a['amount']):.2f}"}
                                for a in json.loads(line["adjustments"])],
                "remarks": json.loads(line["remarks"])})
        paid = dec(rc["paid"])
        name = rc["patient_name"]
        width = eob.NAME_WIDTHS.get(family or "")
        if width is not None and len(name) >= width:
            # The column cuts a longer name: what the page says is the name's start, and a name that fills its
            # column may have been cut, which the reader says.
            name = name[:width]
            cut.append(f"claims.{len(claims)}.patient_name")
        claims.append({"patient_name": name, "member_id": rc["member_id"],
                       "account_number": rc["account_number"], "payer_claim_number": rc["icn"],
                       "status": "paid" if paid > 0 else ("denied" if paid == 0 else "reversed"),
                       "billed": rc["billed"], "allowed": rc["allowed"], "paid": rc["paid"],
                       "patient_responsibility": rc["patient_responsibility"], "lines": lines})
    balanced = dec(remit["misprint"]) == 0
    # The plan's electronic remittance is printed for payments it sends by ACH.
    by_ach = family == "br-era"
    # The claims administrator's voucher, the explanation of payment and a portal's download do not say how the
    # money came: nothing on the page to read.
    method = None if family in ("br-voucher", "br-eop", "br-csv") else "ACH" if by_ach else "CHK"
    return {
        "document_type": "remittance",
        "payer": {"name": payer["name"], "id": None},
        "payee": {"name": "SUMMIT HOME MEDICAL SUPPLY", "npi": supplier_npi_of(store)},
        "payment": {"method": method, "number": remit["check_number"], "date": remit["remit_date"],
                    "amount": f"{dec(remit['amount']) + dec(remit['misprint']):.2f}"},
        "claims": claims,
        "provider_adjustments": [{"reason": p["reason"], "reference": p["reference"], "member_id": p["member_id"],
                                  "amount": p["amount"]}
                                 for p in store.all("SELECT * FROM plb WHERE remit_id = ? ORDER BY id", remit_id)],
        "balanced": balanced,
        "problems": [] if balanced else ["UNBALANCED_PAYMENT"],
        # A reader cannot know what the page does not say, and says so.
        # A check that does not balance has all of it in doubt, the verdict too (a reader cannot tell the
        # payer's misprint from its own misreading).
        # A supplier's report names its payee only in its heading: read so, in doubt. A state's statement numbers
        # its remittance advice, no check: that number is the payment's, in doubt.
        "review": cut + (["payment.method"] if method is None else []) + (["payee.name"] if family == "br-footer" else [])
        + (["payment.number"] if family == "br-sections" else [])
        + ([] if balanced else ["payment.amount", *balance.UNVOUCHED]),
    }


def field_diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Dotted paths where two JSON values differ (counting fields, for accuracy)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in expected:
            out.extend(field_diff(expected[key], actual.get(key), f"{path}.{key}" if path else key))
        return out
    if isinstance(expected, list) and isinstance(actual, list) and expected and isinstance(expected[0], dict):
        if len(expected) != len(actual):
            return [f"{path} (length {len(actual)} != {len(expected)})"]
        out = []
        for index, (e, a) in enumerate(zip(expected, actual)):
            out.extend(field_diff(e, a, f"{path}.{index}"))
        return out
    return [] if expected == actual else [path]


def leaves(value: Any, path: str = "") -> list[str]:
    """Dotted paths of every field of a JSON value (a list of records counts field by field)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [p for i, v in enumerate(value) for p in leaves(v, f"{path}.{i}")]
    return [path]


REMITTANCE_PARTS = ("payer", "payee", "payment", "claims", "provider_adjustments")


def wrong_fields(want: dict[str, Any], got: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Every field of an expected remittance, and those read wrong (a list read at another length is wrong
    in every field of it)."""
    names = [p for key in REMITTANCE_PARTS for p in leaves(want[key], key)]
    wrong: list[str] = []
    for d in (p for key in REMITTANCE_PARTS for p in field_diff(want[key], got[key], key)):
        base = d.split(" (length")[0]
        wrong.extend([n for n in names if n.startswith(base + ".")] if "(length" in d else [d])
    return names, wrong


def covered(path: str, review: list[str]) -> bool:
    """Whether a field read wrong was said to be in doubt: a review path names it, a branch above it, or a
    field below it ("claims.0 (length ...)" counts as "claims.0")."""
    base = path.split(" (length")[0]
    # An adjustment's code in doubt ("...adjustments.0.code", as the reader says it and the queue shows it)
    # is its group and its reason.
    review = [*review, *(f"{r[:-5]}.{leaf}" for r in review if r.endswith(".code") for leaf in ("group", "reason"))]
    return any(base == r or base.startswith(r + ".") or r.startswith(base + ".") for r in review)
