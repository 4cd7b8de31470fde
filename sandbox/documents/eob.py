"""Blue River Health Plan's provider EOB: its own layout, a claim per block, labels instead of columns.

About a third of them come out of the payer's mailroom scanner: image-only
PDFs with no text layer, which the extractors must read by OCR.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from decimal import Decimal
from typing import Any

from ..world import catalog
from ..world.store import Store, dec
from . import pdf, scan
from .spr import supplier_npi_of

LINES_PER_PAGE = 56
SCANNED_SHARE = 0.35
SCAN_DPI = 300


def _amt(value: Decimal) -> str:
    return f"${value:,.2f}"


def is_scanned(check_number: str) -> bool:
    """Stable per check: the same EOB is always scanned or always not."""
    return int(hashlib.sha256(check_number.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < SCANNED_SHARE


def lines_for(store: Store, remit: Any) -> list[str]:
    payer = store.one("SELECT * FROM payers WHERE key = ?", remit["payer_key"])
    date = dt.date.fromisoformat(remit["remit_date"])
    printed = dec(remit["amount"]) + dec(remit["misprint"])
    out = [f"{payer['name']}  -  PROVIDER EXPLANATION OF BENEFITS",
           f"{payer['address']}",
           "",
           f"Payee: {catalog.SUPPLIER['name']}    NPI: {supplier_npi_of(store)}",
           f"Payment Date: {date:%m/%d/%Y}    Payment Number: {remit['check_number']}    Payment Method: CHK",
           f"Payment Amount: {_amt(printed)}",
           "-" * 118]
    for rc in store.all("SELECT * FROM remit_claims WHERE remit_id = ? ORDER BY seq", remit["id"]):
        out.append(f"Patient: {rc['patient_name']}    Member ID: {rc['member_id'] or ''}    "
                   f"Claim Number: {rc['icn'] or ''}    Patient Account: {rc['account_number']}")
        out.append(f"  {'Service Dates':<19}{'Code':<7}{'Mods':<8}{'Units':>5} {'Amount Billed':>14} {'Allowed':>10} "
                   f"{'Deductible':>11} {'Copay/Coins':>12} {'Plan Paid':>10}  Adjustments")
        for line in store.all("SELECT * FROM remit_lines WHERE remit_claim_id = ? ORDER BY line_no", rc["id"]):
            adjustments = json.loads(line["adjustments"])
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            adj_text = "; ".join(f"{a['group']}-{a['reason']} {dec(a['amount']):.2f}" for a in adjustments)
            out.append(f"  {frm:%m/%d/%y}-{to:%m/%d/%y}  {line['hcpcs']:<7}{line['modifiers']:<8}{line['units']:>5} "
                       f"{dec(line['billed']):>14.2f} {dec(line['allowed']):>10.2f} {dec(line['deductible']):>11.2f} "
                       f"{dec(line['coinsurance']):>12.2f} {dec(line['paid']):>10.2f}  {adj_text}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"  Remark Codes: {' '.join(remarks)}")
        out.append(f"  Claim Totals:  Amount Billed {dec(rc['billed']):.2f}   Allowed {dec(rc['allowed']):.2f}   "
                   f"Plan Paid {dec(rc['paid']):.2f}   Your Responsibility {dec(rc['patient_responsibility']):.2f}   "
                   f"Claim Status: {rc['status'].upper()}")
        out.append("")
    plbs = store.all("SELECT * FROM plb WHERE remit_id = ? ORDER BY id", remit["id"])
    out.append("Other Adjustments (provider level):")
    if plbs:
        for p in plbs:
            out.append(f"  Reason {p['reason']}   Reference {p['reference']}   Member {p['member_id'] or '-'}   "
                       f"Amount {dec(p['amount']):.2f}")
    else:
        out.append("  None")
    out.append(f"Total Plan Paid on Claims: {sum((dec(r['paid']) for r in store.all('SELECT paid FROM remit_claims WHERE remit_id = ?', remit['id'])), Decimal(0)):.2f}"
               f"    Payment Amount: {printed:.2f}")
    return out


def render(store: Store, remit_id: int) -> bytes:
    remit = store.one("SELECT * FROM remittances WHERE id = ?", remit_id)
    if remit is None:
        raise KeyError(remit_id)
    lines = lines_for(store, remit)
    chunks = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    pages = [chunk + ["", f"Page {n} of {len(chunks)}"] for n, chunk in enumerate(chunks, start=1)]
    if not is_scanned(remit["check_number"]):
        return pdf.text_pages(pages, title=f"EOB {remit['check_number']}", font_size=7.2, leading=9.5)
    rng = random.Random(remit["check_number"])
    # The mailroom scans paper EOBs at 300 dpi, black and white, a little crooked.
    noise = scan.Noise(skew_deg=1.5, speckle=0.0001, blur=0.5, bilevel=True)
    images = [scan.degrade(scan.text_page(page, size=7.4, margin=24, dpi=SCAN_DPI), rng, noise) for page in pages]
    return pdf.image_pages(images, dpi=SCAN_DPI, title="SCAN")
