"""The Medicare standard paper remittance (SPR), laid out as docs/domain/remittances.md describes.

Contractors print it with their own print programs: the same blocks and columns, worded, punctuated and
spaced their own way. Three are drawn here, chosen per check (`family_of`):

- "mac-a": "PROVIDER #: 1234567893", four-digit years, the check's totals beside their labels on one line;
- "mac-b": "PROVIDER # 1234567893" (no colon), two-digit years, the totals as a row of labels over a row of
  values, remark codes after the claim's control number;
- "mac-c": kept out of the readers' tuning (reported apart by bench/extract.py): its own header labels and
  totals wording.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..world import catalog
from ..world.store import Store, dec
from . import pdf

BODY_LINES = 52  # lines of claims per page, below the header
COLUMNS = ("PERF PROV  SERV DATE      POS NOS PROC  MODS          BILLED    ALLOWED     DEDUCT      COINS "
           "GRP/RC-AMT           PROV PD")


@dataclass(frozen=True)
class PrintProgram:
    name: str
    provider: str       # the payee's NPI label
    date: str           # the check date's label
    year: str           # strftime of the check date
    check: str          # the check number's label
    totals: str         # "inline" | "rows" | "words"
    remark_prefix: bool  # remarks follow "CNTL #:<account>"
    thousands: bool = True


FAMILIES = {
    "mac-a": PrintProgram("mac-a", "PROVIDER #: ", "DATE: ", "%m/%d/%Y", "CHECK/EFT #: ", "inline", False),
    "mac-b": PrintProgram("mac-b", "PROVIDER # ", "DATE: ", "%m/%d/%y", "CHECK/EFT #: ", "rows", True),
    "mac-c": PrintProgram("mac-c", "PROVIDER NO. ", "CHECK DATE ", "%m/%d/%Y", "EFT TRACE # ", "words", False,
                          thousands=False),
}
HELD_OUT = "mac-c"


def family_of(check_number: str) -> PrintProgram:
    """Stable per check: the same remittance is always printed the same way."""
    names = sorted(FAMILIES)
    return FAMILIES[names[zlib.crc32(f"spr:{check_number}".encode()) % len(names)]]


def _amt(value: Decimal) -> str:
    return f"{value:,.2f}"


def _line(perf: str, dos_from: dt.date, dos_to: dt.date, pos: str, units: int, hcpcs: str, mods: str,
          billed: Decimal, allowed: Decimal, deduct: Decimal, coins: Decimal, first_adj: str, paid: Decimal) -> str:
    return (f"{perf:<10} {dos_from:%m%d} {dos_to:%m%d%y}  {pos:>3} {units:>3} {hcpcs:<5} {mods:<11} "
            f"{_amt(billed):>10} {_amt(allowed):>10} {_amt(deduct):>10} {_amt(coins):>10} {first_adj:<19} {_amt(paid):>10}")


def _adj(adj: dict[str, Any]) -> str:
    return f"{adj['group']}-{adj['reason']:<4}{_amt(dec(adj['amount'])):>12}"


def claim_lines(store: Store, remit_claim: Any, supplier_npi: str, program: PrintProgram = FAMILIES["mac-a"]) -> list[str]:
    out = [f"NAME {remit_claim['patient_name']:<26} HIC {remit_claim['member_id'] or '':<12} "
           f"ACNT {remit_claim['account_number']:<10} ICN {remit_claim['icn'] or '':<15} ASG Y  MOA MA01"]
    totals = {"billed": Decimal(0), "allowed": Decimal(0), "deduct": Decimal(0), "coins": Decimal(0),
              "adj": Decimal(0), "paid": Decimal(0)}
    pt_resp = Decimal("0.00")
    for line in store.all("SELECT * FROM remit_lines WHERE remit_claim_id = ? ORDER BY line_no", remit_claim["id"]):
        adjustments = json.loads(line["adjustments"])
        first = _adj(adjustments[0]) if adjustments else ""
        billed, allowed, paid = dec(line["billed"]), dec(line["allowed"]), dec(line["paid"])
        deduct, coins = dec(line["deductible"]), dec(line["coinsurance"])
        out.append(_line(supplier_npi, dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"]),
                         line["pos"], line["units"], line["hcpcs"], line["modifiers"], billed, allowed, deduct, coins,
                         first, paid))
        for extra in adjustments[1:]:
            out.append(" " * 94 + _adj(extra))
        remarks = json.loads(line["remarks"])
        if remarks:
            control = f"CNTL #:{remit_claim['account_number']} " if program.remark_prefix else ""
            out.append(f"{control}REM: " + " ".join(remarks))
        totals["billed"] += billed
        totals["allowed"] += allowed
        totals["deduct"] += deduct
        totals["coins"] += coins
        totals["adj"] += sum((dec(a["amount"]) for a in adjustments), Decimal(0))
        totals["paid"] += paid
        pt_resp += sum((dec(a["amount"]) for a in adjustments if a["group"] == "PR"), Decimal(0))
    out.append(f"PT RESP {_amt(pt_resp):>10}   CLAIM TOTALS {_amt(totals['billed']):>26} {_amt(totals['allowed']):>10} "
               f"{_amt(totals['deduct']):>10} {_amt(totals['coins']):>10} {_amt(totals['adj']):>19} {_amt(totals['paid']):>10}")
    out.append(f"{'ADJ TO TOTALS: PREV PD 0.00  INTEREST 0.00  LATE FILING CHARGE 0.00':<110}NET {_amt(totals['paid']):>10}")
    out.append("")
    return out


def render(store: Store, remit_id: int) -> bytes:
    remit = store.one("SELECT * FROM remittances WHERE id = ?", remit_id)
    if remit is None:
        raise KeyError(remit_id)
    payer = store.one("SELECT * FROM payers WHERE key = ?", remit["payer_key"])
    supplier_npi = supplier_npi_of(store)
    program = family_of(remit["check_number"])
    body: list[str] = []
    claims = store.all("SELECT * FROM remit_claims WHERE remit_id = ? ORDER BY seq", remit_id)
    for rc in claims:
        body.extend(claim_lines(store, rc, supplier_npi, program))
    plbs = store.all("SELECT * FROM plb WHERE remit_id = ? ORDER BY id", remit_id)
    paid = sum((dec(rc["paid"]) for rc in claims), Decimal(0))
    billed = sum((dec(rc["billed"]) for rc in claims), Decimal(0))
    allowed = sum((dec(rc["allowed"]) for rc in claims), Decimal(0))
    plb_total = sum((dec(p["amount"]) for p in plbs), Decimal(0))
    printed_check = dec(remit["amount"]) + dec(remit["misprint"])
    amt = _amt if program.thousands else (lambda v: f"{v:.2f}")
    if program.totals == "inline":
        body.append(f"TOTALS:  # OF CLAIMS {len(claims):>5}   BILLED AMT {amt(billed):>12}   ALLOWED AMT {amt(allowed):>12}"
                    f"   PROV PD AMT {amt(paid):>12}   PROV ADJ AMT {amt(plb_total):>10}   CHECK AMT {amt(printed_check):>12}")
    elif program.totals == "rows":
        body.append("TOTALS:  # OF CLAIMS    BILLED AMT    ALLOWED AMT    PROV PD AMT    PROV ADJ AMT      CHECK AMT")
        body.append(f"         {len(claims):>11} {amt(billed):>13} {amt(allowed):>14} {amt(paid):>14} {amt(plb_total):>15}"
                    f" {amt(printed_check):>14}")
    else:
        body.append(f"TOTALS  CLAIMS {len(claims)}  BILLED {amt(billed)}  ALLOWED {amt(allowed)}  PROVIDER PAID {amt(paid)}"
                    f"  PROVIDER ADJ {amt(plb_total)}  CHECK AMOUNT {amt(printed_check)}")
    body.append("")
    body.append("PROVIDER ADJ DETAILS:  PLB REASON CODE   FCN              HIC           AMOUNT")
    for p in plbs:
        body.append(f"                       {p['reason']:<17} {p['reference']:<16} {p['member_id'] or '':<13} "
                    f"{_amt(dec(p['amount'])):>10}")
    if not plbs:
        body.append("                       NONE")
    chunks = [body[i:i + BODY_LINES] for i in range(0, len(body), BODY_LINES)] or [[]]
    date = dt.date.fromisoformat(remit["remit_date"])
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        if number == 1:
            header = [f"{payer['name']:<60}MEDICARE REMITTANCE ADVICE",
                      payer["address"],
                      "",
                      f"{catalog.SUPPLIER['name']:<60}{program.provider}{supplier_npi}",
                      f"{catalog.SUPPLIER['address']:<60}PAGE #: {number} OF {len(chunks)}",
                      f"{catalog.SUPPLIER['city']:<60}{program.date}{date.strftime(program.year)}",
                      f"{'':<60}{program.check}{remit['check_number']}",
                      ""]
        else:
            header = [f"{payer['name']:<60}MEDICARE REMITTANCE ADVICE",
                      f"{program.provider}{supplier_npi}   PAGE #: {number} OF {len(chunks)}   "
                      f"{program.date}{date.strftime(program.year)}   {program.check}{remit['check_number']}", ""]
        pages.append(header + [COLUMNS, ""] + chunk)
    return pdf.text_pages(pages, title=f"Remittance {remit['check_number']}")


def supplier_npi_of(store: Store) -> str:
    from ..world import ids
    import random

    return ids.npi(random.Random(int(store.meta("seed")) ^ 0x5EED))
