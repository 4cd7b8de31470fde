"""Blue River Health Plan's provider EOB, printed twenty ways (`family_of`, stable per check):

- "br-block": the plan's own print program: a claim per block, the header's fields as "Label: value", the
  copay and coinsurance in one "Copay/Coins" column, adjustments as "CO-45 43.37; PR-3 25.00";
- "br-grid": the remittance advice of the clearing house the plan moved its small payments to: other label
  wording ("Pay To", "Check No.", dashed four-digit dates), the paid amount before the patient's share, the
  copay and coinsurance in columns of their own, separate from/thru date columns, adjustments without
  separators;
- "br-detail": the plan's newer claim-detail print, drawn after the reader by meaning was written: a payment
  line of "Check Effective Date: Nov 20, 2026", four-digit service years, "Svc Date", "Submitted",
  "Approved", "Net Paid", adjustments separated by commas, provider-level adjustments with the amount before
  the member. It was kept out of tuning until its scans were worked on (2026-12-05), so it is no longer the
  held-out family;
- "br-era": the electronic remittance the plan pays by ACH, printed from its portal: the trace number for a
  check number, ISO dates, a claim's header split over two lines, a line number column, each adjustment on a
  row of its own under its service line ("Grp/Rsn" and "Adj Amt" columns), the paid amount last,
  provider-level adjustments as a small table with its own headers. Held out at first (2026-12-05), then read
  by meaning, so no longer held out;
- "br-summary": a payment summary as a practice-management vendor's print module lays it out, drawn after
  br-era was read: the check told in a sentence at the top ("Remittance 867089708 dated May 3, 2026 for
  $25.62"), the claim's header cells between bars, dates spelled "Apr 02, 2026", dollar signs on every
  amount, the code and modifiers joined by hyphens, adjustments as "CO45 $45.38 / PR3 $25.00". Held out
  until its first contact was measured (refused whole: taken for an order), then read by meaning
  (2026-12-05, second session);
- "br-voucher": a claims administrator's mainframe voucher: a "PROVIDER VOUCHER" title, header fields behind
  dotted leaders ("VOUCHER NO........"), six-digit dates (MMDDYY), a "COINS/COPAY" column and a "PLAN PAYS"
  one, reason codes as "CO 45 43.37, PR 3 25.00", negative amounts with the sign after ("0.91-"). Held out
  until its first contact was measured (refused whole: taken for an order), then read by meaning (2026-12-05,
  third session);
- "br-state": the plan's managed-Medicaid line of business, printed in the state's remittance advice format:
  a warrant instead of a check ("WARRANT", "ISSUED", "NET WARRANT AMOUNT") under a run date that is not the
  payment's, "RECIPIENT" for the member, "ICN / TCN", the claim's status first on its row, quantities with
  decimals ("1.00"), the adjustments named in an "EOB CODES" column with their amounts on a detail row below,
  non-claim financial transactions at the foot. Held out until its first contact was measured (read as a
  remittance, nothing of it right, 0 silent), then read by meaning (2026-12-05, fourth session);
- "br-tpa": the plan's self-funded employer groups, paid by a third-party administrator whose letter goes to the
  supplier: the supplier's name as the letter's addressee, the payer named in "administered for ... by ...",
  the payment told in a sentence ("Check 123 issued October 6, 2026 for $1,455.77"), each claim in a sentence
  of its own (patient, member and account in parentheses), each service line stacked over three rows (what
  was done, the amounts after their words, the adjustments), dates spelled without commas. Held out until its
  first contact was measured (refused whole: no title, no column headers the detector knew), then read by
  meaning (2026-12-06: amounts named by the words beside them, the payer named "administered for");
- "br-export": the payment detail a practice-management vendor's export prints for the plan's checks: one row
  per service line with the patient, member, claim and account repeated on every row (no claim header rows, no
  claim totals), the code and its modifiers joined by hyphens, adjustments as "CO45:34.26, PR3:25.00", the
  header's labels abbreviated ("Chk #", "Chk Date", "Chk Amt"), in a smaller print to fit its width. Held out
  until its first contact was measured (read as a remittance with no claim: 1% of its fields), then read by
  meaning (2026-12-06, second session: a claim's identifiers in the columns before its line's, its name cut at
  its column's edge put in doubt, the label's short forms);
- "br-loops": a clearinghouse's print of the 835 itself, segment by segment: each row led by its segment's
  name (BPR, TRN, CLP, NM1, SVC, CAS, AMT, LQ), the values after short qualifiers ("CHG", "PMT", "B6" for the
  allowed amount), dates as CCYYMMDD, the code and its modifiers joined by colons after "HC:", the deductible
  and coinsurance told only by the PR adjustments, the report's own print date above the payment's. Held out
  until its first contact was measured (refused whole: no title, no column headers the detector knew), then
  read by meaning (2026-12-06, third session: segments known by their ids, values by their qualifiers or their
  place in the 835);
- "br-stacked": the remittance the plan's DME benefit manager prints: column headers stacked over two rows
  ("Billed" over "Amount", "Date of" over "Svc From"), two-digit years, the check's amount as "Amount Paid",
  the payer's claim number as its "Payer Ref", each adjustment's code and amount in columns of their own with
  a line's further adjustments on rows below it, the net check amount at the foot after the provider
  adjustments. Held out until its first contact was measured (taken for a written order: refused whole), then
  read by meaning (2026-12-06, third session: headers stacked over two rows joined into their columns);
- "br-portal": the plan's provider portal's payment detail as a browser prints it: the header as a two-column
  list of labels and values with no colons ("Payment Type    Check"), the print's own date and the page's
  address above it, dates as "21-Sep-2026", a dollar sign on every amount and negative ones in parentheses,
  each service's description printed between its code and its units, a "Member Resp" column for the
  patient's share, reason codes as "CO-45 $43.37; PR-3 $25.00", each claim opened by its payer claim number
  and status. Held out until its first contact was measured (read as a remittance, none balanced: 92.53% of
  a text print's fields, 61.74% of a scan's), then read by meaning (2026-12-07: a portal's title, "Payment
  Total" before the claims, a description column between the code and the units, a member's share told apart
  by the PR adjustments, accountants' negatives); printed smaller since, to fit the page as a browser does;
- "br-cards": a payer portal's claim detail as its "print this page" lays it out: no table at all, every value
  after its own label, each service line a card of one label a row ("Procedure/Modifiers:  E0439 / RR",
  "Charge Amount:", "Payment:"), the deductible, coinsurance and copay each on its own row, dates of service
  as a range, the payment date year first ("2026/06/25"), "Tax ID/NPI", adjustments as "CO 45 = 76.43 | PR 3
  = 25.00", a claim counted "Claim 1 of 4", the provider-level adjustments as cards too and the net payment
  at the foot. Held out until its first contact was measured (taken for a written order: refused whole), then
  read by meaning (2026-12-07: a card's rows read as the row a table would print, a provider adjustment's
  card, a claim's header carried on to a second row, a title first and the payer after it);
- "br-inline": an older claims system's green-bar print: every value after its mnemonic on the same row ("DOS
  100126 PROC E1390 MOD RR UNITS 1 CHG 289.25 ALLOW 168.57 DED 0.00 COINS 25.00 PAID 143.57 ADJ CO45 120.68
  PR3 25.00"), no column headers at all, six-digit dates, the claim's identifiers as "PT", "MBR", "ACCT" and
  "CLM", the header's as "CHK NO", "CHK DT", "CHK AMT", the claim's totals and the provider adjustments after
  mnemonics too. Held out until its first contact was measured (refused whole: no title or column header the
  detector knew), then read by meaning (2026-12-07, second session: a row of labelled values read as the row a
  table would print; "PT", "MBR", "CLM" before a name or an identifier; the payer before a title's cell);
- "br-ledger": a remittance register as a billing service prints it: one table for the whole check with the
  column headers once at the top, the patient, member, account and claim printed on a claim's first line only
  (blank on the lines below it), "Svc Date", "HCPCS", "Qty", "Charge", "Deduct", adjustments as "CO45=120.68
  PR3=25.00", no claim totals, the check as "Check # ... Issued ... Amount $...", the provider adjustments as a
  short list at the foot. Held out until its first contact was measured (text 35.79% / 62.98% of fields, scans
  7.77% / 14.91%, none acted on), then read by meaning (2026-12-07, third session: a header row's bare "Account"
  and "Claim" head those columns; modifiers joined by a slash; an amount after a bare "Amount" on the row of the
  check's number is the check's);
- "br-clearinghouse": a clearinghouse's remittance view: its title names the payee ("REMITTANCE VIEW - <payee>"),
  the payer after "Payer:", the check as "Trace: ... Paid: <date> ... Method: CHK ... Total: $...", each claim
  on one row of cells ("Claim <number> | <patient> | ID <member> | Acct <account> | Status 1", the 835's claim
  status code), a line's number and its procedure before its dates ("Ln Proc Mods From Thru"), two-digit years,
  the member's share in one "Pt Resp" column, "RARC:" remarks, claim totals as "Totals: 185.00 billed / ...",
  the provider adjustments after "Provider Level Adjustments (PLB)". Held out until its first contact was
  measured (text 16.98% / 15.43% of fields, scans 8.54% / 11.05%, none of 21 acted on, none silent), then read by
  meaning (2026-12-07, third session: "Payer:" names the payer whatever the first row says; "Paid:", "Total:",
  "Trace:" on the payment's row; "ID" in a claim's cell is the member's; headers that put the procedure before
  the dates; "Totals:" with its amounts' words);
- "br-eop": a payer's explanation of payment: the payee and the payment side by side in two columns ("Pay To:",
  "Provider ID (NPI):" on the left, "Payment No:", "Payment Date:" (ISO), "Payment Amount: ... USD" on the
  right), each claim's identifiers as captions over their values ("Patient", "Patient ID", "Patient Control
  No.", "Payer Claim Control No."), each line's dates as an ISO range, the service as the 835's composite
  ("E0601:RR:KX"), deductible, coinsurance and copay in columns of their own, each adjustment on a row of its own
  under its line ("Adj CO 45  94.83"), "Remark" codes, "Claim Total", the provider adjustments in a small table,
  and a reason code glossary at the foot (each code used, with its meaning: no adjustment). It says nothing of how
  the money came. Held out until its first contact was measured (text 4.90% / 2.27% of fields, scans 1.44% /
  2.92%, none of 22 acted on, none silent), then read by meaning (2026-12-07, third session: captions with "No."
  for "Number" and "Patient ID" for the member's; the 835's composite "E0601:RR:KX"; "Adj" before an adjustment;
  a glossary's entries are no adjustments; "Payer Claim ..." is a claim's caption, no payer's label);
- "br-boxed": a mainframe's print kept as a PDF: ASCII boxes ("+----+", "|") about the title and every table,
  the header as dotted-leader labels ("PAYEE NAME.........: ..."), dates as the 835 keeps them (CCYYMMDD:
  "20260902"), the claim's identifiers two to a row ("CLAIM..............: BR... PATIENT CONTROL NBR: ..."),
  the service lines in a boxed table with "UN" for units and "CO45 94.83" adjustments, a claim total row, the
  provider adjustments in a boxed table of their own. Held out until its first contact was measured (text
  98.21% / 98.56% of fields but the payer's name read as the box's edge, unflagged, in 15 of the 17 acted on;
  scans 92.20% / 94.14%, none silent), then read by meaning (2026-12-07, third session: a boxed row read by its
  cells; a box's edge never a name; dotted leaders a colon however a scan reads them; "UN" for units);
- "br-footer": the supplier's own practice-management program's payment posting report of the check: the
  supplier's name before the title, the payer after "Insurance:", the check told in a sentence ("Deposit: CHECK
  ... dated ... amount ..."), the service lines first and each claim's identifiers after them, on a row of its own
  that closes the claim ("Claim BR... for GARCIA, DANIEL (Acct ..., Ins ID ...): charge 185.00 paid 65.17"), the
  provider adjustments as "Provider adjustment WO ref ... -99.75". Held out until its first contact was measured
  (text 27.48% / 19.10% of fields, scans 22.42% / 21.83%, none of 25 acted on, none silent), then read by meaning
  (2026-12-07, fourth session: lines before their claim's row go to the claim after them; a claim's totals on its
  row; "Ins ID"; "Insurance:"; a deposit's deductions signed as the 835 carries them);
- "br-sections": a state-style remittance statement: the header as "RA NUMBER", "RA DATE" (dd-MON-yyyy), "NET
  AMOUNT"; the claims grouped under their status ("*** PAID CLAIMS ***", "*** DENIED CLAIMS ***", "*** ADJUSTED
  CLAIMS ***"), each claim a row of a claims table of its own (ICN, recipient, recipient id, account and the
  claim's billed, allowed and paid under that table's headers) over its service lines' table (its own headers,
  two-digit years, "CO45=34.26" codes), each section's count and total, the provider adjustments as "FINANCIAL
  TRANSACTIONS" (recoupments). Held out until its first contact was measured (text 1.66%, scans 1.62% of
  fields, none of 8 acted on, none silent), then read by meaning (2026-12-07, fifth session: a claims table's
  headers with the claim's totals' columns after its identifiers'; "RA NUMBER" (the payment's, in doubt, where no
  check number is printed), "RA DATE", "NET AMOUNT", "PAYMENT: CHECK"; a status's section and its count);
- "br-stub": a check with its stub, as a plan's check-writing run prints it: the check's face first (the payer
  and its address, "CHECK NO.", the date spelled "OCT 30, 2026", "PAY TO THE ORDER OF" over the supplier's name
  and NPI, the amount guarded by asterisks "***1,078.06***"), a perforation, then the stub: one header over two
  rows for the whole stub (the claim's columns: patient, account, member, claim; the line's: code, modifiers,
  from and thru dates, quantity, charged, allowed, deductible, coinsurance, copay, paid, then the adjustments'
  group, reason and amount), each claim's row and its lines under it, each further adjustment on a row of its
  own under the line's, negative amounts with a trailing minus ("25.00-"), a claim total row, "ADJUSTMENTS TO
  PAYMENT" for the provider-level ones. Held out until its first contact was measured, then read by meaning
  (2026-12-07, fifth session: the payer before the check's first label; "PAY TO THE ORDER OF" over the payee; a
  bare "DATE" no word qualifies; an amount guarded by asterisks; "NET PAID" at the foot; a whole check's "TOTAL
  CHARGED" after the claims' own totals);
- "br-pipes": a clearinghouse's flat file printed as it is stored: every record one row of fields parted by
  bars, its kind first ("HDR", "CLM", "SVC", "ADJ", "PLB", "TRL"), a row of each kind's field names above the
  first of them ("#CLM|ICN|PATIENT|MEMBER ID|PATIENT ACCT|CHARGE|PAID|PT RESP"), dates as CCYYMMDD, each service
  line's adjustments as records of their own under it (group, reason, amount), amounts with no thousands'
  separator. Drawn before anything was changed for it and kept out of all tuning since (HELD_OUT, reported
  apart by bench/extract.py). Read by what its names rows declare (2026-12-07, sixth session:
  `extractors.remittance.records`) once its first contact was measured;
- "br-csv": a payer portal's remittance download, comma-separated as a spreadsheet saves it and printed as is:
  the payment's facts as "name,value" rows ("EFT/Check #", "Paid Date" as CCYY-MM-DD), one header row for the
  detail, one row per service line with its claim's identifiers repeated on each, the copay in a column apart
  from the coinsurance, each adjustment's group, reason and amount in three columns and every further adjustment
  on a row of its own with the other cells empty, text quoted only where it holds a comma ("MORALES, BARBARA"),
  provider-level adjustments under a header of their own, totals as "name,value" rows at the foot. Drawn before
  anything was changed for it (first contact: text taken for a written order and refused whole, scans read as one;
  none acted on), then read by the records reader's tables and "name,value" rows (2026-12-07, sixth session);
- "br-fixed": a payer's fixed-width flat file as its mainframe prints it: a record layout first (each record
  type's one-letter code and its fields' names, each with its width in parentheses: "C  CLAIM NO(14)
  PATIENT(24) ..."), then one record to a row, its code in the first column and each field padded to its
  width, no delimiter but the padding, dates as MMDDCCYY, amounts right-aligned with no thousands' separator.
  Drawn before anything was changed for it (first contact: text 0 of 2 and scans 0 of 4 in the bench, all
  refused or taken for a written order, none silent), then read by the records reader from its layout's names
  and widths (2026-12-07, seventh session);
- "br-letter": a small plan's explanation of benefits written as a letter: the check's facts in the letter's
  opening sentence ("Enclosed is check number ... dated ... in the amount of ..."), each claim a paragraph of
  sentences (the patient, member ID and account in its first; each service's date, code, modifiers, units,
  charge, allowed amount and payment in one sentence; each adjustment said in words with its code in
  parentheses), no table and no column anywhere. Drawn after the others (its checks taken alike from every
  family's) and kept out of all tuning (HELD_OUT, reported apart by bench/extract.py) until its first contact
  was measured (text refused whole or read into claims failing every rule, scans refused; none acted on, none
  silent); then read by a reader of letters (`extractors.remittance.letter`, 2026-12-07, eighth session);
- "br-across": a portal's claim detail view printed: the payment's facts as labels with dot leaders ("Check #
  ...... 606603318"), each claim one heading row (its number, the patient, "Member", "Acct") and its service
  lines side by side in columns ("Line 1", "Line 2", ...; five to a block, a further block under it), each field
  one row across them ("Service date", "Procedure" with its modifiers, "Quantity", "Charge", "Allowed",
  "Deductible", "Plan paid"), each line's adjustments down its own column, the claim's totals in a sentence.
  Drawn after the others (its checks taken alike from every family's but br-letter's) and kept out of all
  tuning until its first contact was measured (text and scans refused whole; none acted on, none silent);
  then read by turning each table printed across back into its rows (`extractors.remittance.transposed`,
  2026-12-07, ninth session);
- "br-kinds": a commercial EOB's line-item report: one row per service line, its claim's patient, member ID,
  claim number and account on the claim's first line only, the amounts each adjustment kind makes in a column of
  its own ("Contract", "Not Cov", "Deduct", "Coins", "Copay") and the group-reason codes, no amounts, listed at
  the end of the row with the remark codes ("CO45 PR3 N130"); two-digit years; the claim's totals under its
  lines. Drawn after the others (its checks taken alike from every family's but the later ones') and kept out
  of all tuning (HELD_OUT, reported apart by bench/extract.py).

About a third of them come out of the payer's mailroom scanner: image-only
PDFs with no text layer, which the extractors must read by OCR.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
import zlib
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


_DEALT = ("br-block", "br-grid", "br-detail", "br-era", "br-summary", "br-voucher", "br-state", "br-tpa",
          "br-export", "br-loops", "br-stacked", "br-portal", "br-cards", "br-inline", "br-ledger",
          "br-clearinghouse", "br-eop", "br-boxed", "br-footer", "br-sections", "br-stub", "br-pipes", "br-csv",
          "br-fixed")
# Layouts drawn after the deal above take their share of checks from every family alike, the rest of the checks
# printed as before (the worlds the tests and benches were measured on keep their documents).
_LATER = ("br-letter", "br-across", "br-kinds")
FAMILIES = _DEALT + _LATER
HELD_OUT = "br-kinds"
# A family printed smaller than the rest to fit its width (points: the text PDF's, the scan's).
# A wide print shrunk to fit the page, as a browser prints a portal's page (the widest rows run to ~140 columns).
_SMALL_PRINT = {"br-export": (5.8, 6.2), "br-portal": (6.2, 6.6), "br-inline": (6.4, 6.8), "br-ledger": (5.8, 6.0),
               "br-clearinghouse": (6.4, 6.8),
               "br-eop": (6.4, 6.8), "br-boxed": (6.4, 6.8), "br-sections": (6.4, 6.8),
               "br-stub": (6.4, 6.8), "br-csv": (5.4, 5.6),
               "br-fixed": (6.0, 6.2), "br-kinds": (5.6, 5.8)}


def family_of(check_number: str) -> str:
    """Stable per check: the same EOB is always printed the same way. Each layout drawn after the deal takes its
    share by a hash of its own, after those drawn before it took theirs, so no earlier layout's checks move."""
    if zlib.crc32(f"eob-later:{check_number}".encode()) % 25 == 24:
        return "br-letter"  # (the first drawn after the deal, when there were 25 layouts)
    for index, name in enumerate(_LATER[1:], start=len(_DEALT) + 2):
        if zlib.crc32(f"eob-later:{name}:{check_number}".encode()) % index == 0:
            return name
    return _DEALT[zlib.crc32(f"eob:{check_number}".encode()) % len(_DEALT)]


def _check_facts(store: Store, remit: Any) -> tuple[Any, dt.date, Decimal]:
    """The payer, the payment date and the amount as printed (a misprint included)."""
    payer = store.one("SELECT * FROM payers WHERE key = ?", remit["payer_key"])
    return payer, dt.date.fromisoformat(remit["remit_date"]), dec(remit["amount"]) + dec(remit["misprint"])


def _claims(store: Store, remit: Any) -> list[Any]:
    return store.all("SELECT * FROM remit_claims WHERE remit_id = ? ORDER BY seq", remit["id"])


def _lines(store: Store, remit_claim: Any) -> list[tuple[Any, list[dict[str, Any]]]]:
    """A claim's service lines, each with its adjustments."""
    rows = store.all("SELECT * FROM remit_lines WHERE remit_claim_id = ? ORDER BY line_no", remit_claim["id"])
    return [(row, json.loads(row["adjustments"])) for row in rows]


def _plbs(store: Store, remit: Any) -> list[Any]:
    """The check's provider-level adjustments, in the order the payer printed them."""
    return store.all("SELECT * FROM plb WHERE remit_id = ? ORDER BY id", remit["id"])


def _copay(adjustments: list[dict[str, Any]]) -> Decimal:
    return sum((dec(a["amount"]) for a in adjustments if (a["group"], a["reason"]) == ("PR", "3")), Decimal(0))


def _adjustments_text(adjustments: list[dict[str, Any]], separator: str) -> str:
    return separator.join(f"{a['group']}-{a['reason']} {dec(a['amount']):.2f}" for a in adjustments)


def lines_for(store: Store, remit: Any) -> list[str]:
    drawers = {"br-block": _block_lines, "br-grid": _grid_lines, "br-detail": _detail_lines, "br-era": _era_lines,
               "br-summary": _summary_lines, "br-voucher": _voucher_lines, "br-state": _state_lines,
               "br-tpa": _tpa_lines, "br-export": _export_lines, "br-loops": _loops_lines,
               "br-stacked": _stacked_lines, "br-portal": _portal_lines, "br-cards": _cards_lines,
               "br-inline": _inline_lines, "br-ledger": _ledger_lines, "br-clearinghouse": _clearinghouse_lines,
               "br-eop": _eop_lines, "br-boxed": _boxed_lines,
               "br-footer": _footer_lines, "br-sections": _sections_lines, "br-stub": _stub_lines,
               "br-pipes": _pipes_lines, "br-csv": _csv_lines,
               "br-fixed": _fixed_lines, "br-letter": _letter_lines, "br-across": _across_lines,
               "br-kinds": _kinds_lines}
    return drawers[family_of(remit["check_number"])](store, remit)


def _block_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{payer['name']}  -  PROVIDER EXPLANATION OF BENEFITS",
           f"{payer['address']}",
           "",
           f"Payee: {catalog.SUPPLIER['name']}    NPI: {supplier_npi_of(store)}",
           f"Payment Date: {date:%m/%d/%Y}    Payment Number: {remit['check_number']}    Payment Method: CHK",
           f"Payment Amount: {_amt(printed)}",
           "-" * 118]
    for rc in _claims(store, remit):
        out.append(f"Patient: {rc['patient_name']}    Member ID: {rc['member_id'] or ''}    "
                   f"Claim Number: {rc['icn'] or ''}    Patient Account: {rc['account_number']}")
        out.append(f"  {'Service Dates':<19}{'Code':<7}{'Mods':<8}{'Units':>5} {'Amount Billed':>14} {'Allowed':>10} "
                   f"{'Deductible':>11} {'Copay/Coins':>12} {'Plan Paid':>10}  Adjustments")
        for line, adjustments in _lines(store, rc):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            adj_text = _adjustments_text(adjustments, "; ")
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
    plbs = _plbs(store, remit)
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


def _grid_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{payer['name']:<70}REMITTANCE ADVICE",
           f"{payer['address']}",
           "",
           f"{'Pay To: ' + catalog.SUPPLIER['name']:<70}Provider NPI {supplier_npi_of(store)}",
           f"Check Date {date:%m-%d-%Y}      Check No. {remit['check_number']}      Check Amount {printed:,.2f}",
           "=" * 118]
    for rc in _claims(store, remit):
        out.append(f"Member Name: {rc['patient_name']:<28} Subscriber ID: {rc['member_id'] or '':<14} "
                   f"Pt Acct #: {rc['account_number']:<11} Claim ID: {rc['icn'] or ''}")
        out.append(f"  {'From':<9}{'Thru':<9}{'Proc':<6}{'Mod':<9}{'Qty':>3} {'Charges':>10} {'Allowed':>10} {'Paid':>10} "
                   f"{'Deduct':>8} {'Copay':>8} {'Coins':>8}   Adj Reason")
        sums = {"billed": Decimal(0), "allowed": Decimal(0), "paid": Decimal(0), "deduct": Decimal(0),
                "copay": Decimal(0), "coins": Decimal(0)}
        for line, adjustments in _lines(store, rc):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            copay = _copay(adjustments)
            coins = dec(line["coinsurance"]) - copay
            row = {"billed": dec(line["billed"]), "allowed": dec(line["allowed"]), "paid": dec(line["paid"]),
                   "deduct": dec(line["deductible"]), "copay": copay, "coins": coins}
            for key, value in row.items():
                sums[key] += value
            adj_text = _adjustments_text(adjustments, "  ")
            out.append(f"  {frm:%m/%d/%y} {to:%m/%d/%y} {line['hcpcs']:<6}{line['modifiers']:<9}{line['units']:>3} "
                       f"{row['billed']:>10.2f} {row['allowed']:>10.2f} {row['paid']:>10.2f} {row['deduct']:>8.2f} "
                       f"{copay:>8.2f} {coins:>8.2f}   {adj_text}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"  Remarks {' '.join(remarks)}")
        out.append(f"  {'Claim Total':<35} {sums['billed']:>10.2f} {sums['allowed']:>10.2f} {sums['paid']:>10.2f} "
                   f"{sums['deduct']:>8.2f} {sums['copay']:>8.2f} {sums['coins']:>8.2f}   "
                   f"Member Resp {dec(rc['patient_responsibility']):.2f}")
        out.append("-" * 118)
    out.append("Provider Adjustments")
    plbs = _plbs(store, remit)
    for p in plbs:
        out.append(f"  {p['reason']:<4} Ref {p['reference']:<20} Member {p['member_id'] or '-':<14} {dec(p['amount']):>10.2f}")
    if not plbs:
        out.append("  No provider adjustments this check")
    out.append(f"Check Total {printed:,.2f}")
    return out


def _detail_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{'':<30}{payer['name']}",
           f"{'':<30}PROVIDER REMITTANCE ADVICE",
           f"Payee Name: {catalog.SUPPLIER['name']}",
           f"Payee NPI: {supplier_npi_of(store)}",
           f"Check Number: {remit['check_number']}   Check Effective Date: {date:%b} {date.day}, {date.year}   "
           f"Total Payment: ${printed:,.2f}",
           "_" * 118]
    for rc in _claims(store, remit):
        out.append(f"Patient: {rc['patient_name']:<30} Member #: {rc['member_id'] or '':<14} "
                   f"Payer Claim #: {rc['icn'] or '':<15} Patient Control #: {rc['account_number']}")
        out.append(f" {'Svc Date':<11}{'HCPCS':<7}{'Modifiers':<11}{'Units':>5} {'Submitted':>10} {'Approved':>10} "
                   f"{'Deductible':>10} {'Coinsurance':>11} {'Copay':>7} {'Net Paid':>10}  Reason Codes")
        for line, adjustments in _lines(store, rc):
            copay = _copay(adjustments)
            adj_text = _adjustments_text(adjustments, ", ")
            out.append(f" {dt.date.fromisoformat(line['dos_from']):%m/%d/%Y} {line['hcpcs']:<7}{line['modifiers']:<11}"
                       f"{line['units']:>5} {dec(line['billed']):>10.2f} {dec(line['allowed']):>10.2f} "
                       f"{dec(line['deductible']):>10.2f} {dec(line['coinsurance']) - copay:>11.2f} {copay:>7.2f} "
                       f"{dec(line['paid']):>10.2f}  {adj_text}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f" Remarks: {', '.join(remarks)}")
        out.append(f" Totals for Claim:  Submitted {dec(rc['billed']):.2f}   Approved {dec(rc['allowed']):.2f}   "
                   f"Net Paid {dec(rc['paid']):.2f}   Patient Resp {dec(rc['patient_responsibility']):.2f}")
        out.append("")
    out.append("Provider Level Adjustments")
    for p in _plbs(store, remit):
        out.append(f" {p['reason']}  {p['reference']}  {dec(p['amount']):.2f}  (member {p['member_id'] or 'n/a'})")
    out.append(f"Total Payment: ${printed:,.2f}")
    return out


def _era_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    out = [f"{payer['name'].upper():<64}ELECTRONIC REMITTANCE ADVICE",
           f"{payer['address']:<64}Provider Copy",
           "",
           f"Provider Name {catalog.SUPPLIER['name']:<40}  Provider NPI {supplier_npi_of(store)}",
           f"Payment Method ACH    Trace Number {remit['check_number']}    Issue Date {date:%Y-%m-%d}    "
           f"Payment Amount {printed:,.2f}",
           "~" * 118]
    for n, rc in enumerate(claims, start=1):
        out.append(f"CLAIM {n} OF {len(claims)}   Payer Claim Control # {rc['icn'] or ''}   "
                   f"Patient Account # {rc['account_number']}")
        out.append(f"  Patient {rc['patient_name']:<32} Member ID {rc['member_id'] or ''}")
        out.append(f"  {'Ln':>2}  {'Service Dates':<21}  {'Proc':<6}{'Mod':<7}{'Units':>5} {'Billed':>9} {'Allowed':>9} "
                   f"{'Ded':>7} {'Coins':>7} {'Copay':>7}  {'Grp/Rsn':<8}{'Adj Amt':>8} {'Paid':>9}")
        for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            copay = _copay(adjustments)
            first = adjustments[0] if adjustments else None
            grp = f"{first['group']}-{first['reason']}" if first else ""
            amt = f"{dec(first['amount']):.2f}" if first else ""
            out.append(f"  {ln:>2}  {frm:%Y-%m-%d} {to:%Y-%m-%d}  {line['hcpcs']:<6}{line['modifiers']:<7}"
                       f"{line['units']:>5} {dec(line['billed']):>9.2f} {dec(line['allowed']):>9.2f} "
                       f"{dec(line['deductible']):>7.2f} {dec(line['coinsurance']) - copay:>7.2f} {copay:>7.2f}  "
                       f"{grp:<8}{amt:>8} {dec(line['paid']):>9.2f}")
            for more in adjustments[1:]:
                out.append(f"  {'':>2}  {'':<21}  {'':<6}{'':<7}{'':>5} {'':>9} {'':>9} {'':>7} {'':>7} {'':>7}  "
                           f"{more['group'] + '-' + more['reason']:<8}{dec(more['amount']):>8.2f}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"        Remark codes {' '.join(remarks)}")
        out.append(f"  Claim billed {dec(rc['billed']):.2f}   allowed {dec(rc['allowed']):.2f}   "
                   f"patient responsibility {dec(rc['patient_responsibility']):.2f}   claim paid {dec(rc['paid']):.2f}")
        out.append("")
    plbs = _plbs(store, remit)
    out.append("PROVIDER LEVEL ADJUSTMENTS")
    out.append(f"  {'Code':<6}{'Reference':<22}{'Member ID':<16}{'Amount':>10}")
    for p in plbs:
        out.append(f"  {p['reason']:<6}{p['reference']:<22}{p['member_id'] or '':<16}{dec(p['amount']):>10.2f}")
    total_paid = sum((dec(rc["paid"]) for rc in claims), Decimal(0))
    out.append(f"Claims paid {total_paid:,.2f}    Payment Amount {printed:,.2f}")
    return out


def _dollars(value: Decimal) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _summary_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    out = [f"PAYMENT SUMMARY FOR {catalog.SUPPLIER['name']} (NPI {supplier_npi_of(store)})",
           f"{payer['name'].title()} | {payer['address']}",
           f"Remittance {remit['check_number']} dated {date:%b %d, %Y} for {_dollars(printed)} (check)",
           "-" * 118]
    for rc in claims:
        out.append(f"Acct {rc['account_number']} | {rc['patient_name']} | Member {rc['member_id'] or 'none'} | "
                   f"Claim {rc['icn'] or 'none'}")
        out.append(f"  {'Date':<13}{'Service':<15}{'Qty':>4} {'Charged':>10} {'Allowed':>10} {'Deductible':>11} "
                   f"{'Coinsurance':>12} {'Paid':>10}   Adjustment Detail")
        for line, adjustments in _lines(store, rc):
            service = "-".join([line["hcpcs"], *line["modifiers"].split()])
            detail = " / ".join(f"{a['group']}{a['reason']} {_dollars(dec(a['amount']))}" for a in adjustments)
            out.append(f"  {dt.date.fromisoformat(line['dos_from']):%b %d, %Y}  {service:<15}{line['units']:>4} "
                       f"{_dollars(dec(line['billed'])):>10} {_dollars(dec(line['allowed'])):>10} "
                       f"{_dollars(dec(line['deductible'])):>11} "
                       f"{_dollars(dec(line['coinsurance'])):>12} {_dollars(dec(line['paid'])):>10}   "
                       f"{detail}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"  Remarks {' '.join(remarks)}")
        out.append(f"  Subtotal charged {_dollars(dec(rc['billed']))}  allowed {_dollars(dec(rc['allowed']))}  "
                   f"paid {_dollars(dec(rc['paid']))}  patient owes {_dollars(dec(rc['patient_responsibility']))}")
        out.append("")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("Adjustments to this payment")
        for p in plbs:
            member = f" for member {p['member_id']}" if p["member_id"] else ""
            out.append(f"  {p['reason']} ref {p['reference']}{member}: {_dollars(dec(p['amount']))}")
    out.append(f"Total of this remittance {_dollars(printed)}")
    return out


def _mainframe(value: Decimal) -> str:
    """An amount as a mainframe report prints it: no dollar sign, a negative with its sign after ("0.91-")."""
    return f"{-value:,.2f}-" if value < 0 else f"{value:,.2f}"


def _voucher_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    rule = "=" * 118
    out = [rule, f"{payer['name'].upper()} / CLAIMS ADMINISTRATION{'PROVIDER VOUCHER':>{118 - len(payer['name']) - 24}}",
           rule,
           f"VOUCHER NO........ {remit['check_number']:<24}PAYEE............. {catalog.SUPPLIER['name']}",
           f"VOUCHER DATE...... {date:%m%d%y}{'':<18}PAYEE NPI......... {supplier_npi_of(store)}",
           f"VOUCHER AMOUNT.... {_mainframe(printed):<24}",
           ""]
    for rc in claims:
        out.append(f"PATIENT: {rc['patient_name']:<28} SUBSCRIBER NO: {rc['member_id'] or 'N/A':<16} "
                   f"PT CONTROL NO: {rc['account_number']:<10} PLAN CLAIM NO: {rc['icn'] or 'N/A'}")
        out.append(f"{'FROM':<7}{'THRU':<7} {'HCPCS':<6}{'MODS':<7}{'UNITS':>5} {'CHARGE':>10} {'ALLOWED':>10} "
                   f"{'DEDUCT':>8} {'COINS/COPAY':>11} {'PLAN PAYS':>10}  CARC")
        for line, adjustments in _lines(store, rc):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            carc = ", ".join(f"{a['group']} {a['reason']} {_mainframe(dec(a['amount']))}" for a in adjustments)
            out.append(f"{frm:%m%d%y} {to:%m%d%y} {line['hcpcs']:<6}{line['modifiers']:<7}{line['units']:>5} "
                       f"{_mainframe(dec(line['billed'])):>10} {_mainframe(dec(line['allowed'])):>10} "
                       f"{_mainframe(dec(line['deductible'])):>8} {_mainframe(dec(line['coinsurance'])):>11} "
                       f"{_mainframe(dec(line['paid'])):>10}  {carc}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<15}REMARK {' '.join(remarks)}")
        out.append(f"TOTAL THIS CLAIM  CHARGE {_mainframe(dec(rc['billed']))}  ALLOWED {_mainframe(dec(rc['allowed']))}  "
                   f"PLAN PAYS {_mainframe(dec(rc['paid']))}  PATIENT {_mainframe(dec(rc['patient_responsibility']))}")
        out.append("-" * 118)
    plbs = _plbs(store, remit)
    if plbs:
        out.append("VOUCHER ADJUSTMENTS")
        for p in plbs:
            out.append(f"  {p['reason']:<4}REF {p['reference']:<20}MBR {p['member_id'] or 'N/A':<16}"
                       f"{_mainframe(dec(p['amount'])):>12}")
    out.append(f"VOUCHER TOTAL {_mainframe(printed)}")
    return out


def _state_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    title = "MANAGED MEDICAID REMITTANCE ADVICE"
    out = [f"{payer['name']:<60}{title:>56}",
           f"{'':<60}{'RUN DATE ' + format(date + dt.timedelta(days=2), '%m/%d/%Y') + '   PAGE 1':>56}",
           f"PROVIDER  {catalog.SUPPLIER['name']:<50}PROVIDER ID {supplier_npi_of(store)}",
           f"WARRANT  {remit['check_number']:<14}ISSUED {date:%m/%d/%Y}    NET WARRANT AMOUNT  {_amt(printed)}",
           "",
           f"{'CLAIM STATUS':<14}{'ICN / TCN':<17}{'RECIPIENT':<26}{'RECIPIENT ID':<16}PATIENT ACCT",
           f"   LN  {'DATES OF SVC':<23}{'PROC':<7}{'MOD':<5}{'QTY':>5} {'BILLED AMT':>11} {'ALLOWED AMT':>12} "
           f"{'DEDUCT':>7} {'COPAY/COINS':>12} {'PAID AMT':>9}   EOB CODES",
           "-" * 116]
    for rc in _claims(store, remit):
        out.append(f"{rc['status'].upper():<14}{rc['icn'] or '':<17}{rc['patient_name']:<26}{rc['member_id'] or '':<16}"
                   f"{rc['account_number']}")
        for number, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            codes = " ".join(f"{a['group']}{a['reason']}" for a in adjustments)
            out.append(f"   {number:02d}  {frm:%m/%d/%y} - {to:%m/%d/%y}    {line['hcpcs']:<7}{line['modifiers']:<5}"
                       f"{line['units']:>5.2f} {dec(line['billed']):>11,.2f} {dec(line['allowed']):>12,.2f} "
                       f"{dec(line['deductible']):>7,.2f} {dec(line['coinsurance']):>12,.2f} {dec(line['paid']):>9,.2f}   "
                       f"{codes}")
            if adjustments:
                out.append(f"{'':<40}EOB CODE DETAIL: " + "  ".join(
                    f"{a['group']}{a['reason']} {dec(a['amount']):,.2f}" for a in adjustments))
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<40}RARC: {' '.join(remarks)}")
        out.append(f"{'':<7}{'CLAIM TOTALS':<40}{dec(rc['billed']):>11,.2f} {dec(rc['allowed']):>12,.2f} "
                   f"{'':>20} {dec(rc['paid']):>9,.2f}")
        out.append("")
    plbs = _plbs(store, remit)
    out.append("NON-CLAIM SPECIFIC FINANCIAL TRANSACTIONS")
    if plbs:
        out.append(f"   {'REASON':<8}{'REFERENCE':<22}{'RECIPIENT ID':<16}{'AMOUNT':>12}")
        for p in plbs:
            out.append(f"   {p['reason']:<8}{p['reference']:<22}{p['member_id'] or '':<16}{dec(p['amount']):>12,.2f}")
    else:
        out.append("   NONE")
    out.append(f"WARRANT TOTAL {_amt(printed)}")
    return out


def _tpa_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{catalog.SUPPLIER['name']:<70}EXPLANATION OF PAYMENT",
           f"{'Attn: Accounts Receivable':<70}Administered for {payer['name']}",
           f"{'':<70}by LAKESHORE BENEFIT ADMINISTRATORS",
           f"Provider NPI {supplier_npi_of(store)}",
           "",
           f"Check {remit['check_number']} issued {date:%B} {date.day}, {date.year} for {_amt(printed)}",
           ""]
    for rc in _claims(store, remit):
        out.append(f"{rc['patient_name']}  (member {rc['member_id'] or 'not on file'}, your account "
                   f"{rc['account_number']})  claim reference {rc['icn'] or 'none'}")
        for number, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            units = line["units"]
            out.append(f"    Line {number}  {frm:%b %d %Y} through {to:%b %d %Y}  {line['hcpcs']} "
                       f"{line['modifiers'].strip()}  x{units}".replace("  x", " x"))
            out.append(f"        Charged {dec(line['billed']):,.2f}   Allowed {dec(line['allowed']):,.2f}   "
                       f"Deductible {dec(line['deductible']):,.2f}   Member owes {dec(line['coinsurance']):,.2f}   "
                       f"We paid {dec(line['paid']):,.2f}")
            parts = []
            if adjustments:
                parts.append("Adjusted: " + "; ".join(f"{a['group']}-{a['reason']} {dec(a['amount']):,.2f}"
                                                      for a in adjustments))
            remarks = json.loads(line["remarks"])
            if remarks:
                parts.append("Remarks: " + " ".join(remarks))
            if parts:
                out.append("        " + "   ".join(parts))
        out.append(f"    Claim paid {dec(rc['paid']):,.2f} of {dec(rc['billed']):,.2f} charged "
                   f"({dec(rc['allowed']):,.2f} allowed)")
        out.append("")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("Other adjustments to this payment")
        for p in plbs:
            out.append(f"    {p['reason']}  ref {p['reference']}  member {p['member_id'] or 'n/a'}  "
                       f"{dec(p['amount']):,.2f}")
    out.append(f"Total of this payment {_amt(printed)}")
    return out


EXPORT_NAME_WIDTH = 19  # the export's patient column: a longer name is cut there
# The families whose patient column cuts a longer name, and where.
NAME_WIDTHS = {"br-export": EXPORT_NAME_WIDTH, "br-ledger": 19, "br-sections": 22, "br-fixed": 24}


def _export_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{payer['name']:<100}PAYMENT DETAIL EXPORT",
           f"Pay to {catalog.SUPPLIER['name']}   NPI {supplier_npi_of(store)}",
           f"Chk # {remit['check_number']}   Chk Date {date:%m/%d/%Y}   Chk Amt {printed:,.2f}",
           "",
           f"{'PATIENT':<20}{'MEMBER ID':<14}{'CLAIM #':<15}{'ACCT #':<10}{'DOS':<9}{'PROC-MODS':<13}{'QTY':>3}"
           f"{'BILLED':>10}{'ALLOWED':>10}{'DED':>7}{'COINS':>7}{'PAID':>10}  ADJ / RARC"]
    for rc in _claims(store, remit):
        for line, adjustments in _lines(store, rc):
            frm = dt.date.fromisoformat(line["dos_from"])
            code = "-".join([line["hcpcs"], *line["modifiers"].split()])
            adj = ", ".join(f"{a['group']}{a['reason']}:{dec(a['amount']):.2f}" for a in adjustments)
            remarks = " ".join(json.loads(line["remarks"]))
            out.append(f"{rc['patient_name'][:EXPORT_NAME_WIDTH]:<20}{rc['member_id'] or '':<14}{rc['icn'] or '':<15}"
                       f"{rc['account_number']:<10}{frm:%m/%d/%y} {code:<13}{line['units']:>3}"
                       f"{dec(line['billed']):>10,.2f}{dec(line['allowed']):>10,.2f}{dec(line['deductible']):>7.2f}"
                       f"{dec(line['coinsurance']):>7.2f}{dec(line['paid']):>10,.2f}  {adj}{'  ' + remarks if remarks else ''}")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("")
        out.append("PROVIDER ADJUSTMENTS")
        for p in plbs:
            out.append(f"{p['reason']:<4}{p['reference']:<22}{p['member_id'] or '':<16}{dec(p['amount']):>10,.2f}")
    out.append("")
    out.append(f"TOTAL PAID {printed:,.2f}")
    return out


def _loops_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    printed_on = date + dt.timedelta(days=3)  # the clearinghouse prints the report after the payment's date
    out = [f"ERA 835 DETAIL REPORT{'':<60}PRINTED {printed_on:%m/%d/%Y}",
           f"PAYER: {payer['name']:<40}PAYER ID: BRHP1",
           f"PAYEE: {catalog.SUPPLIER['name']:<40}NPI: {supplier_npi_of(store)}",
           f"BPR  METHOD CHK   PAYMENT {printed:.2f}   ISSUED {date:%Y%m%d}",
           f"TRN  CHECK/EFT {remit['check_number']}",
           "-" * 100]
    for rc in _claims(store, remit):
        status = "1" if dec(rc["paid"]) > 0 else "4"
        out.append(f"CLP  ACCT {rc['account_number']}  STAT {status}  CHG {dec(rc['billed']):.2f}  "
                   f"PMT {dec(rc['paid']):.2f}  PTRESP {dec(rc['patient_responsibility']):.2f}  ICN {rc['icn'] or ''}")
        out.append(f"     NM1 QC {rc['patient_name']}  MI {rc['member_id'] or ''}")
        for line, adjustments in _lines(store, rc):
            code = ":".join(["HC", line["hcpcs"], *line["modifiers"].split()])
            out.append(f"     SVC {code}  CHG {dec(line['billed']):.2f}  PMT {dec(line['paid']):.2f}  "
                       f"UNITS {line['units']}  DOS {dt.date.fromisoformat(line['dos_from']):%Y%m%d}")
            parts = [f"CAS {a['group']} {a['reason']} {dec(a['amount']):.2f}" for a in adjustments]
            parts.append(f"AMT B6 {dec(line['allowed']):.2f}")
            parts += [f"LQ HE {code}" for code in json.loads(line["remarks"])]
            out.append("         " + " | ".join(parts))
    for p in _plbs(store, remit):
        out.append(f"PLB  {p['reason']}  REF {p['reference']}  {p['member_id'] or ''}  AMT {dec(p['amount']):.2f}")
    out.append("-" * 100)
    out.append(f"TOTAL PAYMENT {printed:,.2f}")
    return out


def _stacked_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    widths = (9, 9, 7, 7, 4, 10, 10, 11, 9, 10, 8, 9)
    top = ("Date of", "Date of", "", "", "", "Billed", "Allowed", "", "Copay/", "Plan", "Adj", "Adj")
    bottom = ("Svc From", "Svc Thru", "HCPCS", "Mods", "Qty", "Amount", "Amount", "Deductible", "Coins", "Paid",
              "Code", "Amount")

    def cells(values: tuple[str, ...]) -> str:
        # Text columns to the left, amounts to the right, as the benefit manager's report writer sets them.
        return "  " + " ".join(v.rjust(w) if i >= 4 and i != 10 else v.ljust(w)
                               for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    out = [f"{payer['name']:<72}PROVIDER REMITTANCE",
           f"DME Benefit Services, {payer['address']}",
           "",
           f"Payee: {catalog.SUPPLIER['name']:<44}Payee NPI: {supplier_npi_of(store)}",
           f"Check No: {remit['check_number']:<16}Check Date: {date:%m/%d/%y}        Amount Paid: ${printed:,.2f}",
           "=" * 118]
    for rc in claims:
        out.append(f"Patient: {rc['patient_name']:<30}Subscriber No: {rc['member_id'] or '':<15}"
                   f"Acct: {rc['account_number']:<11}Payer Ref: {rc['icn'] or ''}")
        out.append(cells(top))
        out.append(cells(bottom))
        for line, adjustments in _lines(store, rc):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            first = adjustments[0] if adjustments else None
            out.append(cells((f"{frm:%m/%d/%y}", f"{to:%m/%d/%y}", line["hcpcs"], line["modifiers"],
                              str(line["units"]), f"{dec(line['billed']):.2f}", f"{dec(line['allowed']):.2f}",
                              f"{dec(line['deductible']):.2f}", f"{dec(line['coinsurance']):.2f}",
                              f"{dec(line['paid']):.2f}", f"{first['group']}{first['reason']}" if first else "",
                              f"{dec(first['amount']):.2f}" if first else "")))
            for more in adjustments[1:]:
                out.append(cells(("",) * 10 + (f"{more['group']}{more['reason']}", f"{dec(more['amount']):.2f}")))
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"    Remarks: {', '.join(remarks)}")
        out.append(cells(("Claim", "Total", "", "", "", f"{dec(rc['billed']):.2f}", f"{dec(rc['allowed']):.2f}",
                          "", "", f"{dec(rc['paid']):.2f}", "", "")))
        out.append("")
    plbs = _plbs(store, remit)
    out.append("PROVIDER ADJUSTMENTS")
    out.append(f"  {'Reason':<8}{'Reference':<20}{'Member':<16}{'Amount':>10}")
    for p in plbs:
        out.append(f"  {p['reason']:<8}{p['reference']:<20}{p['member_id'] or '':<16}{dec(p['amount']):>10.2f}")
    if not plbs:
        out.append("  None")
    total_paid = sum((dec(rc["paid"]) for rc in claims), Decimal(0))
    adjusted = sum((dec(p["amount"]) for p in plbs), Decimal(0))
    out.append(f"Total Claims Paid {total_paid:,.2f}    Provider Adjustments {adjusted:,.2f}    "
               f"Net Check Amount {printed:,.2f}")
    return out


def _portal_money(value: Decimal) -> str:
    return f"(${-value:,.2f})" if value < 0 else f"${value:,.2f}"


def _portal_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    described = {p.hcpcs: p.description for p in catalog.PRODUCTS}
    out = [f"{payer['name']} Provider Portal{'':<50}Printed {date + dt.timedelta(days=2):%m/%d/%Y} 3:14 PM",
           f"https://providers.blueriverhealth.example/payments/{remit['check_number']}",
           "Payment Detail",
           f"{'Payee':<24}{catalog.SUPPLIER['name']}",
           f"{'Payee NPI':<24}{supplier_npi_of(store)}",
           f"{'Payment #':<24}{remit['check_number']}",
           f"{'Payment Date':<24}{date:%d-%b-%Y}",
           f"{'Payment Type':<24}Check",
           f"{'Payment Total':<24}{_portal_money(printed)}",
           "-" * 118]
    for rc in claims:
        paid = dec(rc["paid"])
        status = "Paid" if paid > 0 else "Denied" if paid == 0 else "Reversed"
        out.append(f"Claim {rc['icn'] or ''}    Status: {status}")
        out.append(f"Patient {rc['patient_name']}    Member # {rc['member_id'] or ''}    "
                   f"Patient Acct # {rc['account_number']}")
        out.append(f"{'Line':<6}{'Service Date':<14}{'Service':<12}{'Description':<28}{'Units':>5} {'Charged':>10} "
                   f"{'Allowed':>10} {'Member Resp':>12} {'Paid':>10}  Reason Codes")
        for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            share = sum((dec(a["amount"]) for a in adjustments if a["group"] == "PR"), Decimal(0))
            service = f"{line['hcpcs']} {line['modifiers']}".strip()
            reasons = "; ".join(f"{a['group']}-{a['reason']} {_portal_money(dec(a['amount']))}" for a in adjustments)
            out.append(f"{ln:<6}{dt.date.fromisoformat(line['dos_from']):%d-%b-%Y}   {service:<12}"
                       f"{described.get(line['hcpcs'], '')[:27]:<28}{line['units']:>5} "
                       f"{_portal_money(dec(line['billed'])):>10} {_portal_money(dec(line['allowed'])):>10} "
                       f"{_portal_money(share):>12} {_portal_money(dec(line['paid'])):>10}  {reasons}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<6}Remark codes: {', '.join(remarks)}")
        out.append(f"{'':<6}Claim totals: Charged {_portal_money(dec(rc['billed']))}   Allowed "
                   f"{_portal_money(dec(rc['allowed']))}   Member Resp {_portal_money(dec(rc['patient_responsibility']))}"
                   f"   Paid {_portal_money(paid)}")
        out.append("")
    plbs = _plbs(store, remit)
    out.append("Payment Adjustments")
    if plbs:
        out.append(f"{'Code':<8}{'Reference':<20}{'Member #':<16}{'Amount':>12}")
        for p in plbs:
            out.append(f"{p['reason']:<8}{p['reference']:<20}{p['member_id'] or '':<16}"
                       f"{_portal_money(dec(p['amount'])):>12}")
    else:
        out.append("No payment adjustments")
    return out


def _pr_by_reason(adjustments: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The patient's share by reason: PR-1 (deductible), PR-2 (coinsurance), PR-3 (copay)."""
    return {r: sum((dec(a["amount"]) for a in adjustments if (a["group"], a["reason"]) == ("PR", r)), Decimal(0))
            for r in ("1", "2", "3")}


def _card_row(label: str, value: object, width: int = 24) -> str:
    return f"{'':<4}{label + ':':<{width}}{value}"


def _cards_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    out = [f"PAYMENT REMITTANCE DETAIL{'':<50}{payer['name'].title()}",
           "",
           f"{'Remit To:':<20}{catalog.SUPPLIER['name']:<40}{'Tax ID/NPI:':<20}{supplier_npi_of(store)}",
           f"{'Check/EFT Number:':<20}{remit['check_number']:<40}{'Issue Date:':<20}{date:%Y/%m/%d}",
           f"{'Total Amount:':<20}{'$' + format(printed, ',.2f'):<40}{'Payment Method:':<20}Check",
           ""]
    for number, rc in enumerate(claims, start=1):
        out.append(f"=== Claim {number} of {len(claims)} ===")
        out.append(f"{'Patient Name:':<20}{rc['patient_name']:<40}{'Patient Account:':<20}{rc['account_number']}")
        out.append(f"{'Member ID:':<20}{rc['member_id'] or '':<40}{'Claim Number:':<20}{rc['icn'] or ''}")
        out.append(f"{'Claim Status:':<20}{'Processed as Primary' if dec(rc['paid']) > 0 else 'Denied'}")
        for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            frm, to = dt.date.fromisoformat(line["dos_from"]), dt.date.fromisoformat(line["dos_to"])
            pr = _pr_by_reason(adjustments)
            out.append(f"  Service {ln}")
            out += [_card_row("Date(s) of Service", f"{frm:%m/%d/%Y} - {to:%m/%d/%Y}"),
                    _card_row("Procedure/Modifiers", " / ".join([line["hcpcs"], *line["modifiers"].split()])),
                    _card_row("Quantity", line["units"]),
                    _card_row("Charge Amount", f"{dec(line['billed']):,.2f}"),
                    _card_row("Allowed Amount", f"{dec(line['allowed']):,.2f}"),
                    _card_row("Deductible", f"{pr['1']:,.2f}"),
                    _card_row("Co-insurance", f"{pr['2']:,.2f}"),
                    _card_row("Copay", f"{pr['3']:,.2f}"),
                    _card_row("Payment", f"{dec(line['paid']):,.2f}"),
                    _card_row("Adjustments", " | ".join(f"{a['group']} {a['reason']} = {dec(a['amount']):,.2f}"
                                                       for a in adjustments) or "None")]
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(_card_row("Remarks", " ".join(remarks)))
        out.append(f"  Claim Total Charge {dec(rc['billed']):,.2f}   Claim Payment {dec(rc['paid']):,.2f}   "
                   f"Patient Resp {dec(rc['patient_responsibility']):,.2f}")
        out.append("")
    plbs = _plbs(store, remit)
    out.append("Provider Level Adjustments")
    for n, p in enumerate(plbs, start=1):
        out.append(f"  Adjustment {n}")
        out += [_card_row("Reason Code", p["reason"]), _card_row("Reference", p["reference"])]
        if p["member_id"]:
            out.append(_card_row("Member ID", p["member_id"]))
        out.append(_card_row("Amount", f"{dec(p['amount']):,.2f}"))
    if not plbs:
        out.append("  None")
    paid = sum((dec(rc["paid"]) for rc in claims), Decimal(0))
    out.append(f"Total Claims Paid: {paid:,.2f}   Provider Adjustments: "
               f"{-sum((dec(p['amount']) for p in plbs), Decimal(0)):,.2f}   Net Payment: {printed:,.2f}")
    return out


def _inline_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    out = [f"{payer['name']}{'':<10}CLAIM PAYMENT REGISTER{'':<10}RUN {date + dt.timedelta(days=1):%m%d%y}",
           f"PAYEE {catalog.SUPPLIER['name']}  NPI {supplier_npi_of(store)}",
           f"CHK NO {remit['check_number']}  CHK DT {date:%m%d%y}  CHK AMT {printed:.2f}",
           "=" * 110]
    for rc in claims:
        out.append(f"PT {rc['patient_name']}  MBR {rc['member_id'] or ''}  ACCT {rc['account_number']}  "
                   f"CLM {rc['icn'] or ''}")
        for line, adjustments in _lines(store, rc):
            pr = _pr_by_reason(adjustments)
            mods = f" MOD {'/'.join(line['modifiers'].split())}" if line["modifiers"] else ""
            adj = " ".join(f"{a['group']}{a['reason']} {dec(a['amount']):.2f}" for a in adjustments)
            out.append(f"  DOS {dt.date.fromisoformat(line['dos_from']):%m%d%y} PROC {line['hcpcs']}{mods} "
                       f"UNITS {line['units']} CHG {dec(line['billed']):.2f} ALLOW {dec(line['allowed']):.2f} "
                       f"DED {pr['1']:.2f} COINS {pr['2'] + pr['3']:.2f} PAID {dec(line['paid']):.2f}"
                       + (f" ADJ {adj}" if adj else ""))
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"  RMK {' '.join(remarks)}")
        out.append(f"  CLM TOT CHG {dec(rc['billed']):.2f} ALLOW {dec(rc['allowed']):.2f} PAID {dec(rc['paid']):.2f}"
                   f" PT RESP {dec(rc['patient_responsibility']):.2f}")
    for p in _plbs(store, remit):
        member = f" MBR {p['member_id']}" if p["member_id"] else ""
        out.append(f"PROV ADJ {p['reason']} REF {p['reference']}{member} AMT {dec(p['amount']):.2f}")
    paid = sum((dec(rc["paid"]) for rc in claims), Decimal(0))
    out.append(f"TOTAL PAID {paid:.2f}  CHK AMT {printed:.2f}")
    return out


def _ledger_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [payer["name"],
           f"{'REMITTANCE REGISTER':<60}Run date {date:%m/%d/%Y}",
           f"Provider: {catalog.SUPPLIER['name']} (NPI {supplier_npi_of(store)})",
           f"Check # {remit['check_number']}   Issued {date:%m/%d/%Y}   Amount ${printed:,.2f}",
           "",
           f"{'Patient':<20}{'Member':<14}{'Account':<10}{'Claim':<15}{'Svc Date':<12}{'HCPCS':<7}{'Mod':<7}"
           f"{'Qty':>3}{'Charge':>9}{'Allowed':>9}{'Deduct':>8}{'Coins':>8}{'Paid':>9}  Adjustments"]
    for rc in _claims(store, remit):
        for n, (line, adjustments) in enumerate(_lines(store, rc)):
            pr = _pr_by_reason(adjustments)
            who = (f"{rc['patient_name'][:NAME_WIDTHS['br-ledger']]:<20}{rc['member_id'] or '':<14}"
                   f"{rc['account_number']:<10}{rc['icn'] or '':<15}") if n == 0 else " " * 59
            adj = " ".join(f"{a['group']}{a['reason']}={dec(a['amount']):.2f}" for a in adjustments)
            out.append(f"{who}{dt.date.fromisoformat(line['dos_from']):%m/%d/%Y}  {line['hcpcs']:<7}"
                       f"{'/'.join(line['modifiers'].split()):<7}{line['units']:>3}{dec(line['billed']):>9.2f}"
                       f"{dec(line['allowed']):>9.2f}{pr['1']:>8.2f}{pr['2'] + pr['3']:>8.2f}{dec(line['paid']):>9.2f}"
                       f"  {adj}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<59}Remarks: {' '.join(remarks)}")
    out.append("")
    out.append(f"Check total {printed:,.2f}")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("Provider adjustments")
        for p in plbs:
            out.append(f"  {p['reason']}  {p['reference']}  {p['member_id'] or ''}  {dec(p['amount']):.2f}")
    return out


_CLAIM_STATUS_CODES = {"paid": "1", "denied": "4", "reversed": "22"}  # the 835's CLP02, as a clearinghouse shows it


def _clearinghouse_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"REMITTANCE VIEW - {catalog.SUPPLIER['name']}{'':<30}Generated {date + dt.timedelta(days=1):%m/%d/%Y} 07:12",
           f"Payer: {payer['name']}",
           f"Payee: {catalog.SUPPLIER['name']}      NPI: {supplier_npi_of(store)}",
           f"Trace: {remit['check_number']}      Paid: {date:%m/%d/%Y}      Method: CHK      Total: ${printed:,.2f}",
           "=" * 112]
    for rc in _claims(store, remit):
        paid = dec(rc["paid"])
        status = _CLAIM_STATUS_CODES["paid" if paid > 0 else "denied" if paid == 0 else "reversed"]
        out.append(f"Claim {rc['icn'] or ''} | {rc['patient_name']} | ID {rc['member_id'] or ''} | "
                   f"Acct {rc['account_number']} | Status {status}")
        out.append(f"{'Ln':<4}{'Proc':<7}{'Mods':<7}{'From':<10}{'Thru':<10}{'Units':>5}{'Billed':>10}{'Allowed':>10}"
                   f"{'Pt Resp':>10}{'Paid':>10}   Adj Codes")
        for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            share = sum((dec(a["amount"]) for a in adjustments if a["group"] == "PR"), Decimal(0))
            codes = " | ".join(f"{a['group']}-{a['reason']} {dec(a['amount']):.2f}" for a in adjustments)
            start, end = (dt.date.fromisoformat(line[k] or line["dos_from"]) for k in ("dos_from", "dos_to"))
            out.append(f"{ln:>2}  {line['hcpcs']:<7}{line['modifiers']:<7}{start:%m/%d/%y}  {end:%m/%d/%y}  "
                       f"{line['units']:>5}{dec(line['billed']):>10.2f}{dec(line['allowed']):>10.2f}{share:>10.2f}"
                       f"{dec(line['paid']):>10.2f}   {codes}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<4}RARC: {' '.join(remarks)}")
        out.append(f"Totals: {dec(rc['billed']):.2f} billed / {dec(rc['allowed']):.2f} allowed / {paid:.2f} paid / "
                   f"{dec(rc['patient_responsibility']):.2f} pt resp")
        out.append("-" * 112)
    plbs = _plbs(store, remit)
    if plbs:
        out.append("Provider Level Adjustments (PLB)")
        for p in plbs:
            out.append(f"  {p['reason']} {p['reference']} {p['member_id'] or ''} {dec(p['amount']):.2f}")
    return out


# What a payer's glossary says of each code it used (the CARC and RARC lists' wording, shortened).
_GLOSSARY = {"CO-45": "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.",
             "PR-1": "Deductible amount.", "PR-2": "Coinsurance amount.", "PR-3": "Co-payment amount.",
             "CO-4": "The procedure code is inconsistent with the modifier used, or a required modifier is missing.",
             "CO-16": "Claim/service lacks information or has submission/billing error(s).",
             "CO-18": "Exact duplicate claim/service.", "OA-18": "Exact duplicate claim/service.",
             "CO-50": "These are non-covered services because this is not deemed a medical necessity by the payer.",
             "CO-97": "The benefit for this service is included in the payment/allowance for another service.",
             "CO-151": "Payment adjusted because the payer deems the information submitted does not support this "
                       "many/frequency of services.",
             "CO-197": "Precertification/notification/authorization/pre-treatment absent.",
             "CO-253": "Sequestration - reduction in federal payment.",
             "MA130": "Your claim contains incomplete and/or invalid information, and no appeal rights are afforded.",
             "N519": "Invalid combination of HCPCS modifiers.",
             "N115": "This decision was based on a Local Coverage Determination (LCD).",
             "N130": "Consult plan benefit documents/guidelines for information about restrictions for this service.",
             "N290": "Missing/incomplete/invalid rendering provider primary identifier.",
             "MA01": "Alert: If you do not agree with what we approved for these services, you may appeal.",
             "MA18": "Alert: The claim information is also being forwarded to the patient's supplemental insurer."}


def _eop_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{payer['name']}",
           "EXPLANATION OF PAYMENT",
           "",
           f"{'Pay To: ' + catalog.SUPPLIER['name']:<56}Payment No: {remit['check_number']}",
           f"{'Provider ID (NPI): ' + supplier_npi_of(store):<56}Payment Date: {date.isoformat()}",
           f"{'':<56}Payment Amount: {printed:,.2f} USD",
           ""]
    used: list[str] = []
    for rc in _claims(store, remit):
        out.append(f"{'Patient':<26}{'Patient ID':<16}{'Patient Control No.':<22}Payer Claim Control No.")
        out.append(f"{rc['patient_name']:<26}{rc['member_id'] or '':<16}{rc['account_number']:<22}{rc['icn'] or ''}")
        out.append(f"  {'Line':<6}{'Service Dates':<25}{'Service':<16}{'Qty':>4}{'Submitted':>11}{'Allowed':>10}"
                   f"{'Deductible':>12}{'Coinsurance':>13}{'Copay':>8}{'Provider Paid':>15}")
        for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            pr = _pr_by_reason(adjustments)
            start, end = (dt.date.fromisoformat(line[k] or line["dos_from"]) for k in ("dos_from", "dos_to"))
            service = ":".join([line["hcpcs"], *line["modifiers"].split()])
            out.append(f"  {ln:<6}{start.isoformat()} - {end.isoformat():<12}{service:<16}{line['units']:>4}"
                       f"{dec(line['billed']):>11.2f}{dec(line['allowed']):>10.2f}{pr['1']:>12.2f}{pr['2']:>13.2f}"
                       f"{pr['3']:>8.2f}{dec(line['paid']):>15.2f}")
            for a in adjustments:
                code = f"{a['group']}-{a['reason']}"
                used.append(code)
                out.append(f"{'':<8}Adj {a['group']} {a['reason']:<5}{dec(a['amount']):>10.2f}")
            remarks = json.loads(line["remarks"])
            used.extend(remarks)
            if remarks:
                out.append(f"{'':<8}Remark {' '.join(remarks)}")
        out.append(f"  {'Claim Total':<51}{dec(rc['billed']):>11.2f}{dec(rc['allowed']):>10.2f}{'':<33}"
                   f"{dec(rc['paid']):>15.2f}")
        out.append("")
    out += _provider_table(store, remit, "Provider Adjustments", ".2f")
    out.append("Reason Code Glossary")
    for code in dict.fromkeys(used):
        out.append(f"  {code:<8}{_GLOSSARY.get(code, 'See the X12 code list.')}")
    return out


def _leader(label: str, value: object, width: int = 19) -> str:
    return f"{(label + ' ').ljust(width, '.')}: {value}"


def _boxed_row(cells: list[str], widths: list[int], right: set[int]) -> str:
    return "|" + "|".join(f" {c:>{w}} " if i in right else f" {c:<{w}} " for i, (c, w) in enumerate(zip(cells, widths))) + "|"


def _boxed_rule(widths: list[int]) -> str:
    return "+" + "+".join("-" * (w + 2) for w in widths) + "+"


def _boxed_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    title = f"| {payer['name']:<40}{'PROVIDER PAYMENT REGISTER':<40}|"
    out = ["+" + "-" * (len(title) - 2) + "+", title, "+" + "-" * (len(title) - 2) + "+",
           _leader("PAYEE NAME", catalog.SUPPLIER["name"]), _leader("PAYEE NPI", supplier_npi_of(store)),
           _leader("PAYMENT METHOD", "CHK"), _leader("CHECK NUMBER", remit["check_number"]),
           _leader("ISSUE DATE", f"{date:%Y%m%d}"), _leader("TOTAL PAYMENT", f"{printed:.2f}"), ""]
    widths = [8, 5, 5, 2, 8, 8, 7, 7, 8, 24]
    heads = ["SVC DATE", "PROC", "MOD", "UN", "CHARGE", "ALLOWED", "DEDUCT", "COINS", "PAID", "ADJUSTMENTS"]
    amounts = {3, 4, 5, 6, 7, 8}
    for rc in _claims(store, remit):
        out.append(f"{_leader('CLAIM', rc['icn'] or ''):<46}{_leader('PATIENT CONTROL NBR', rc['account_number'])}")
        out.append(f"{_leader('PATIENT', rc['patient_name']):<46}{_leader('SUBSCRIBER ID', rc['member_id'] or '')}")
        out += [_boxed_rule(widths), _boxed_row(heads, widths, set()), _boxed_rule(widths)]
        for line, adjustments in _lines(store, rc):
            pr = _pr_by_reason(adjustments)
            adj = " ".join(f"{a['group']}{a['reason']} {dec(a['amount']):.2f}" for a in adjustments)
            out.append(_boxed_row([f"{dt.date.fromisoformat(line['dos_from']):%Y%m%d}", line["hcpcs"],
                                   line["modifiers"], str(line["units"]), f"{dec(line['billed']):.2f}",
                                   f"{dec(line['allowed']):.2f}", f"{pr['1']:.2f}", f"{pr['2'] + pr['3']:.2f}",
                                   f"{dec(line['paid']):.2f}", adj], widths, amounts))
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"  REMARKS: {' '.join(remarks)}")
        out.append(_boxed_rule(widths))
        out.append(f"CLAIM TOTAL  CHARGE {dec(rc['billed']):.2f}  ALLOWED {dec(rc['allowed']):.2f}  "
                   f"PAID {dec(rc['paid']):.2f}  PT RESP {dec(rc['patient_responsibility']):.2f}")
        out.append("")
    plbs = _plbs(store, remit)
    if plbs:
        pw = [6, 20, 16, 10]
        out += ["PROVIDER LEVEL ADJUSTMENTS", _boxed_rule(pw),
                _boxed_row(["REASON", "REFERENCE", "MEMBER", "AMOUNT"], pw, set()), _boxed_rule(pw)]
        for p in plbs:
            out.append(_boxed_row([p["reason"], p["reference"], p["member_id"] or "", f"{dec(p['amount']):.2f}"],
                                  pw, {3}))
        out.append(_boxed_rule(pw))
    return out


def _footer_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{catalog.SUPPLIER['name']} - INSURANCE PAYMENT POSTING REPORT",
           f"Insurance: {payer['name']}",
           f"Deposit: CHECK {remit['check_number']} dated {date:%m/%d/%Y} amount {printed:,.2f}",
           f"Provider NPI {supplier_npi_of(store)}",
           "",
           f"{'DOS':<12}{'Code':<7}{'Mod':<7}{'Units':<7}{'Charge':>9}{'Allowed':>10}{'Deduct':>8}{'Coins':>8}"
           f"{'Paid':>9}   Adjustments"]
    for rc in _claims(store, remit):
        for line, adjustments in _lines(store, rc):
            pr = _pr_by_reason(adjustments)
            adj = ", ".join(f"{a['group']}{a['reason']} {dec(a['amount']):.2f}" for a in adjustments)
            out.append(f"{dt.date.fromisoformat(line['dos_from']):%m/%d/%Y}  {line['hcpcs']:<7}{line['modifiers']:<7}"
                       f"{line['units']:<7}{dec(line['billed']):>9.2f}{dec(line['allowed']):>10.2f}{pr['1']:>8.2f}"
                       f"{pr['2'] + pr['3']:>8.2f}{dec(line['paid']):>9.2f}   {adj}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<12}Remarks {' '.join(remarks)}")
        out.append(f"   Claim {rc['icn'] or ''} for {rc['patient_name']} (Acct {rc['account_number']}, Ins ID "
                   f"{rc['member_id'] or ''}): charge {dec(rc['billed']):.2f} paid {dec(rc['paid']):.2f}")
        out.append("")
    for p in _plbs(store, remit):
        member = f" member {p['member_id']}" if p["member_id"] else ""
        out.append(f"Provider adjustment {p['reason']} ref {p['reference']}{member} {-dec(p['amount']):.2f}")
    return out


# The statement's sections, in the order it prints them, by what the claim was paid.
SECTIONS = (("PAID CLAIMS", lambda paid: paid > 0), ("DENIED CLAIMS", lambda paid: paid == 0),
            ("ADJUSTED CLAIMS", lambda paid: paid < 0))


def section_order(claims: list[Any]) -> list[Any]:
    """The claims as a statement grouped by status prints them: paid, then denied, then adjusted (reversals),
    each in the check's order."""
    return [rc for _, belongs in SECTIONS for rc in claims if belongs(dec(rc["paid"]))]


def _sections_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{payer['name']:<60}REMITTANCE STATEMENT",
           f"PROVIDER: {catalog.SUPPLIER['name']:<40}NPI: {supplier_npi_of(store)}",
           f"RA NUMBER: {remit['check_number']:<14}RA DATE: {date.strftime('%d-%b-%Y').upper():<14}PAYMENT: CHECK"
           f"{'':<6}NET AMOUNT: {printed:,.2f}",
           ""]
    claims = _claims(store, remit)
    for title, belongs in SECTIONS:
        members = [rc for rc in claims if belongs(dec(rc["paid"]))]
        if not members:
            continue
        out.append(f"*** {title} ***")
        for rc in members:
            out.append(f"{'ICN':<16}{'RECIPIENT NAME':<24}{'RECIPIENT ID':<15}{'PATIENT ACCT':<14}{'BILLED':>10}"
                       f"{'ALLOWED':>10}{'PAID':>10}")
            out.append(f"{rc['icn'] or '':<16}{rc['patient_name'][:NAME_WIDTHS['br-sections']]:<24}{rc['member_id'] or '':<15}"
                       f"{rc['account_number']:<14}{dec(rc['billed']):>10.2f}{dec(rc['allowed']):>10.2f}"
                       f"{dec(rc['paid']):>10.2f}")
            out.append(f"{'':<3}{'LN':<4}{'DOS':<10}{'PROC':<7}{'MODS':<7}{'UNITS':>5}{'BILLED':>10}{'ALLOWED':>10}"
                       f"{'DEDUCT':>8}{'COINS/COPAY':>13}{'PAID':>10}   ADJ CODES")
            for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
                pr = _pr_by_reason(adjustments)
                codes = " ".join(f"{a['group']}{a['reason']}={dec(a['amount']):.2f}" for a in adjustments)
                out.append(f"{'':<3}{ln:02d}  {dt.date.fromisoformat(line['dos_from']):%m/%d/%y}  "
                           f"{line['hcpcs']:<7}{line['modifiers']:<7}{line['units']:>5}{dec(line['billed']):>10.2f}"
                           f"{dec(line['allowed']):>10.2f}{pr['1']:>8.2f}{pr['2'] + pr['3']:>13.2f}"
                           f"{dec(line['paid']):>10.2f}   {codes}")
                remarks = json.loads(line["remarks"])
                if remarks:
                    out.append(f"{'':<7}REMARK CODES: {' '.join(remarks)}")
            out.append("")
        total = sum((dec(rc["paid"]) for rc in members), Decimal(0))
        out.append(f"    {title} : {len(members)}    TOTAL PAID : {total:,.2f}")
        out.append("")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("*** FINANCIAL TRANSACTIONS ***")
        out.append(f"{'TYPE':<14}{'REASON':<8}{'REFERENCE':<18}{'RECIPIENT ID':<15}{'AMOUNT':>10}")
        for p in plbs:
            kind = "RECOUPMENT" if dec(p["amount"]) > 0 else "PAYOUT"
            out.append(f"{kind:<14}{p['reason']:<8}{p['reference']:<18}{p['member_id'] or '':<15}"
                       f"{dec(p['amount']):>10.2f}")
        out.append("")
    out.append(f"NET AMOUNT: {printed:,.2f}")
    return out


def _minus(value: Decimal) -> str:
    """An amount as a mainframe's check run prints it: a negative one with its minus after it."""
    return f"{-value:,.2f}-" if value < 0 else f"{value:,.2f}"


def _stub_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [f"{payer['name']:<70}CHECK NO.  {remit['check_number']}",
           f"{payer['address']:<70}DATE       {date.strftime('%b %d, %Y').upper()}",
           "",
           "PAY TO THE ORDER OF",
           f"    {catalog.SUPPLIER['name']:<66}{'***' + f'{printed:,.2f}' + '***':>16}",
           f"    NPI {supplier_npi_of(store)}",
           "",
           "- " * 20 + "DETACH AND RETAIN THIS STATEMENT" + " -" * 20,
           "",
           f"{'PATIENT NAME':<26}{'ACCOUNT NO':<14}{'MEMBER NO':<16}CLAIM NO",
           f"{'':<2}{'CODE':<7}{'MODS':<7}{'FROM':<11}{'THRU':<11}{'QTY':>4}{'CHARGED':>11}{'ALLOWED':>10}"
           f"{'DEDUCT':>8}{'COINS':>8}{'COPAY':>8}{'PAID':>10}  GRP RSN   ADJ AMT",
           ""]
    for rc in _claims(store, remit):
        out.append(f"{rc['patient_name']:<26}{rc['account_number']:<14}{rc['member_id'] or '':<16}{rc['icn'] or ''}")
        for line, adjustments in _lines(store, rc):
            pr = _pr_by_reason(adjustments)
            first, *more = adjustments or [None]
            row = (f"{'':<2}{line['hcpcs']:<7}{line['modifiers']:<7}"
                   f"{dt.date.fromisoformat(line['dos_from']):%m/%d/%Y} {dt.date.fromisoformat(line['dos_to']):%m/%d/%Y} "
                   f"{line['units']:>4}{_minus(dec(line['billed'])):>11}{_minus(dec(line['allowed'])):>10}"
                   f"{_minus(pr['1']):>8}{_minus(pr['2']):>8}{_minus(pr['3']):>8}{_minus(dec(line['paid'])):>10}")
            if first is not None:
                row += f"  {first['group']:<4}{first['reason']:<6}{_minus(dec(first['amount'])):>9}"
            out.append(row)
            for a in more:
                out.append(f"{'':<104}{a['group']:<4}{a['reason']:<6}{_minus(dec(a['amount'])):>9}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"{'':<4}REMARKS {' '.join(remarks)}")
        out.append(f"{'':<2}CLAIM TOTAL{'':<36}{_minus(dec(rc['billed'])):>11}{_minus(dec(rc['allowed'])):>10}"
                   f"{'':<34}{_minus(dec(rc['paid'])):>10}")
        out.append("")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("ADJUSTMENTS TO PAYMENT")
        for p in plbs:
            # Withheld from the check (the 835's positive amount) is printed as a deduction.
            out.append(f"{'':<2}{p['reason']:<6}{'OVERPAYMENT RECOVERY' if dec(p['amount']) > 0 else 'PAYMENT':<24}"
                       f"REF {p['reference']:<18}{p['member_id'] or '':<16}{_minus(-dec(p['amount'])):>10}")
        out.append("")
    out.append(f"{'TOTAL CHARGED':<20}{sum((dec(rc['billed']) for rc in _claims(store, remit)), Decimal(0)):>14,.2f}")
    out.append(f"{'NET PAID':<20}{printed:>14,.2f}")
    return out


def _pipes_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = ["#HDR|PAYER|PAYEE|NPI|PAYMENT TYPE|CHECK/EFT NO|PAYMENT DATE|PAYMENT AMOUNT",
           f"HDR|{payer['name']}|{catalog.SUPPLIER['name']}|{supplier_npi_of(store)}|CHECK|{remit['check_number']}|"
           f"{date:%Y%m%d}|{printed:.2f}",
           "#CLM|ICN|PATIENT|MEMBER ID|PATIENT ACCT|CHARGE|ALLOWED|PAID|PT RESP",
           "#SVC|LINE|FROM|TO|HCPCS|MODIFIERS|UNITS|CHARGE|ALLOWED|DEDUCTIBLE|COINSURANCE|PAID",
           "#ADJ|GROUP|REASON|AMOUNT",
           "#RMK|REMARK CODES"]
    for rc in _claims(store, remit):
        out.append(f"CLM|{rc['icn'] or ''}|{rc['patient_name']}|{rc['member_id'] or ''}|{rc['account_number']}|"
                   f"{dec(rc['billed']):.2f}|{dec(rc['allowed']):.2f}|{dec(rc['paid']):.2f}|"
                   f"{dec(rc['patient_responsibility']):.2f}")
        for ln, (line, adjustments) in enumerate(_lines(store, rc), start=1):
            pr = _pr_by_reason(adjustments)
            out.append(f"SVC|{ln}|{dt.date.fromisoformat(line['dos_from']):%Y%m%d}|"
                       f"{dt.date.fromisoformat(line['dos_to']):%Y%m%d}|{line['hcpcs']}|{','.join(line['modifiers'].split())}|"
                       f"{line['units']}|{dec(line['billed']):.2f}|{dec(line['allowed']):.2f}|{pr['1']:.2f}|"
                       f"{pr['2'] + pr['3']:.2f}|{dec(line['paid']):.2f}")
            for a in adjustments:
                out.append(f"ADJ|{a['group']}|{a['reason']}|{dec(a['amount']):.2f}")
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(f"RMK|{' '.join(remarks)}")
    plbs = _plbs(store, remit)
    if plbs:
        out.append("#PLB|REASON|REFERENCE|MEMBER ID|AMOUNT")
        for p in plbs:
            out.append(f"PLB|{p['reason']}|{p['reference']}|{p['member_id'] or ''}|{dec(p['amount']):.2f}")
    claims = _claims(store, remit)
    out.append("#TRL|CLAIMS|TOTAL CHARGE|TOTAL PAID")
    out.append(f"TRL|{len(claims)}|{sum((dec(rc['billed']) for rc in claims), Decimal(0)):.2f}|{printed:.2f}")
    return out


def _csv_row(cells: list[object]) -> str:
    """One row as a spreadsheet saves it: quoted only where a cell holds a comma or a quote."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _csv_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = [_csv_row(["Remittance Detail"]), _csv_row(["Payer", payer["name"]]),
           _csv_row(["Payee", catalog.SUPPLIER["name"]]), _csv_row(["Payee NPI", supplier_npi_of(store)]),
           _csv_row(["EFT/Check #", remit["check_number"]]), _csv_row(["Paid Date", f"{date:%Y-%m-%d}"]),
           _csv_row(["Payment Amount", f"{printed:.2f}"]), "",
           _csv_row(["Claim #", "Patient", "Member ID", "Account #", "Service From", "Procedure", "Modifiers",
                     "Units", "Billed", "Allowed", "Deductible", "Coinsurance", "Copay", "Paid", "Adj Group",
                     "Adj Reason", "Adj Amount", "Remarks"])]
    for rc in _claims(store, remit):
        for line, adjustments in _lines(store, rc):
            pr = _pr_by_reason(adjustments)
            first = adjustments[0] if adjustments else None
            out.append(_csv_row([
                rc["icn"] or "", rc["patient_name"], rc["member_id"] or "", rc["account_number"], line["dos_from"],
                line["hcpcs"], line["modifiers"], line["units"], f"{dec(line['billed']):.2f}",
                f"{dec(line['allowed']):.2f}", f"{pr['1']:.2f}", f"{pr['2']:.2f}", f"{pr['3']:.2f}",
                f"{dec(line['paid']):.2f}", first["group"] if first else "", first["reason"] if first else "",
                f"{dec(first['amount']):.2f}" if first else "", " ".join(json.loads(line["remarks"]))]))
            for a in adjustments[1:]:
                out.append(_csv_row([""] * 14 + [a["group"], a["reason"], f"{dec(a['amount']):.2f}", ""]))
    plbs = _plbs(store, remit)
    if plbs:
        out += ["", _csv_row(["Provider Adjustments"]), _csv_row(["Reason", "Reference", "Member ID", "Amount"])]
        out += [_csv_row([p["reason"], p["reference"], p["member_id"] or "", f"{dec(p['amount']):.2f}"])
                for p in plbs]
    claims = _claims(store, remit)
    out += ["", _csv_row(["Total Billed", f"{sum((dec(rc['billed']) for rc in claims), Decimal(0)):.2f}"]),
            _csv_row(["Total Paid", f"{printed:.2f}"])]
    return out


# The fixed-width file's record types: each field's name and width (an amount right-aligned in it).
_FIXED_LAYOUT = {"P": (("PAYER", 30), ("PAYEE", 30), ("NPI", 11), ("CHECK NO", 12), ("CHECK DATE", 10),
                       ("AMOUNT", 12)),
                 "C": (("CLAIM NO", 15), ("PATIENT", 25), ("MEMBER ID", 14), ("ACCOUNT", 10), ("BILLED", 10),
                       ("PAID", 10), ("PT RESP", 10)),
                 "S": (("FROM", 9), ("THRU", 9), ("PROC", 6), ("MODS", 7), ("UNITS", 6), ("BILLED", 10),
                       ("ALLOWED", 10), ("PAID", 10)),
                 "A": (("GRP", 4), ("RSN", 4), ("AMOUNT", 10)),
                 "R": (("REMARKS", 20),),
                 "L": (("RSN", 4), ("REFERENCE", 20), ("MEMBER ID", 14), ("AMOUNT", 10)),
                 "T": (("CLAIMS", 6), ("BILLED", 12), ("PAID", 12))}


def _fixed_row(code: str, values: list[object]) -> str:
    cells = []
    for (_, width), value in zip(_FIXED_LAYOUT[code], values):
        text = str(value)
        right = isinstance(value, Decimal)
        cells.append(f"{text:>{width - 1}} " if right else f"{text:<{width}}")
    return f"{code}  " + "".join(cells).rstrip()


def _fixed_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    out = ["RECORD LAYOUT"]
    out += [f"  {code}  " + " ".join(f"{name}({width})" for name, width in fields)
            for code, fields in _FIXED_LAYOUT.items()]
    out += ["", _fixed_row("P", [payer["name"], catalog.SUPPLIER["name"], supplier_npi_of(store),
                                 remit["check_number"], f"{date:%m%d%Y}", printed])]
    claims = _claims(store, remit)
    for rc in claims:
        out.append(_fixed_row("C", [rc["icn"] or "", rc["patient_name"][:NAME_WIDTHS["br-fixed"]],
                                    rc["member_id"] or "", rc["account_number"], dec(rc["billed"]), dec(rc["paid"]),
                                    dec(rc["patient_responsibility"])]))
        for line, adjustments in _lines(store, rc):
            out.append(_fixed_row("S", [f"{dt.date.fromisoformat(line['dos_from']):%m%d%Y}",
                                        f"{dt.date.fromisoformat(line['dos_to']):%m%d%Y}", line["hcpcs"],
                                        "".join(line["modifiers"].split()), line["units"], dec(line["billed"]),
                                        dec(line["allowed"]), dec(line["paid"])]))
            out += [_fixed_row("A", [a["group"], a["reason"], dec(a["amount"])]) for a in adjustments]
            remarks = json.loads(line["remarks"])
            if remarks:
                out.append(_fixed_row("R", [" ".join(remarks)]))
    out += [_fixed_row("L", [p["reason"], p["reference"], p["member_id"] or "", dec(p["amount"])])
            for p in _plbs(store, remit)]
    out.append(_fixed_row("T", [len(claims), sum((dec(rc["billed"]) for rc in claims), Decimal(0)), printed]))
    return out


# What a letter says each adjustment is, by its group and reason (its code follows in parentheses).
_SAID = {("CO", "45"): "the charge exceeds our fee schedule", ("PR", "1"): "applied to the member's deductible",
         ("PR", "2"): "the member's coinsurance", ("PR", "3"): "the member's copay",
         ("CO", "97"): "included in the payment for another service", ("CO", "197"): "no precertification",
         ("CO", "16"): "the claim lacks information", ("OA", "23"): "paid in part by another payer"}


def _wrapped(text: str, width: int = 104, indent: str = "") -> list[str]:
    """A sentence run of a paragraph broken at spaces to the page's width, as a word processor does."""
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = indent + word
        else:
            line = f"{line} {word}" if line else word
    return out + ([line] if line else [])


def _letter_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    out = [payer["name"], payer["address"], "", f"{date:%B} {date.day}, {date:%Y}", "",
           catalog.SUPPLIER["name"], catalog.SUPPLIER["address"], catalog.SUPPLIER["city"],
           f"Provider NPI {supplier_npi_of(store)}", "", "Dear Provider:", ""]
    out += _wrapped(f"Enclosed is check number {remit['check_number']} dated {date:%m/%d/%Y} in the amount of "
                    f"{_amt(printed)} for the {len(claims)} claim{'s' if len(claims) != 1 else ''} we processed, "
                    "explained below.") + [""]
    for rc in claims:
        member = f", member ID {rc['member_id']}" if rc["member_id"] else ""
        text = [f"Claim {rc['icn'] or ''} for {rc['patient_name']}{member}, your account {rc['account_number']}:"]
        for line, adjustments in _lines(store, rc):
            frm = dt.date.fromisoformat(line["dos_from"])
            mods = " ".join(line["modifiers"].split())
            units = f"{line['units']} unit{'s' if int(line['units']) != 1 else ''}"
            text.append(f"For {line['hcpcs']}{' ' + mods if mods else ''}, {units} on {frm:%m/%d/%Y}, you charged "
                        f"{_amt(dec(line['billed']))}; we allowed {_amt(dec(line['allowed']))} and paid "
                        f"{_amt(dec(line['paid']))}.")
            for a in adjustments:
                said = _SAID.get((a["group"], a["reason"]), "adjusted")
                text.append(f"{_amt(dec(a['amount']))} {said} ({a['group']}-{a['reason']}).")
            remarks = json.loads(line["remarks"])
            if remarks:
                text.append(f"Remarks: {', '.join(remarks)}.")
        text.append(f"In all we paid {_amt(dec(rc['paid']))} of {_amt(dec(rc['billed']))} charged; the member owes "
                    f"{_amt(dec(rc['patient_responsibility']))}.")
        out += _wrapped(" ".join(text)) + [""]
    for p in _plbs(store, remit):
        member = f" for member {p['member_id']}" if p["member_id"] else ""
        out += _wrapped(f"We have also adjusted this payment by {_amt(dec(p['amount']))} ({p['reason']}, reference "
                        f"{p['reference']}{member}).") + [""]
    total = sum((dec(rc["billed"]) for rc in claims), Decimal(0))
    out += _wrapped(f"In total you charged {_amt(total)} and we paid {_amt(printed)}.")
    out += ["", "Sincerely,", "", "Provider Services"]
    return out


def _provider_table(store: Store, remit: Any, heading: str, amount_format: str) -> list[str]:
    """The check's provider-level adjustments as a small table under its heading (nothing where it has none)."""
    plbs = _plbs(store, remit)
    if not plbs:
        return []
    return [heading, f"  {'Reason':<8}{'Reference':<20}{'Member':<16}{'Amount':>10}",
            *(f"  {p['reason']:<8}{p['reference']:<20}{p['member_id'] or '':<16}"
              f"{format(dec(p['amount']), amount_format):>10}" for p in plbs), ""]


_ACROSS = 5  # service lines side by side in one block; a claim with more continues in a block under it


def _across_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    out = [payer["name"], "PROVIDER REMITTANCE - CLAIM DETAIL VIEW", "",
           f"Payee ........ {catalog.SUPPLIER['name']:<40}Payee NPI ..... {supplier_npi_of(store)}",
           f"Check # ...... {remit['check_number']:<20}Issued ...... {date:%m/%d/%Y}      Amount ..... {_amt(printed)}",
           ""]
    fields = (("Service date", lambda line, _: f"{dt.date.fromisoformat(line['dos_from']):%m/%d/%Y}"),
              ("Procedure", lambda line, _: f"{line['hcpcs']} {' '.join(line['modifiers'].split())}".strip()),
              ("Quantity", lambda line, _: str(line["units"])),
              ("Charge", lambda line, _: f"{dec(line['billed']):,.2f}"),
              ("Allowed", lambda line, _: f"{dec(line['allowed']):,.2f}"),
              ("Deductible", lambda line, _: f"{dec(line['deductible']):,.2f}"),
              ("Plan paid", lambda line, _: f"{dec(line['paid']):,.2f}"))
    for rc in claims:
        member = f"   Member {rc['member_id']}" if rc["member_id"] else ""
        out.append(f"Claim {rc['icn'] or ''}   {rc['patient_name']}{member}   Acct {rc['account_number']}")
        lines = _lines(store, rc)
        for first in range(0, len(lines), _ACROSS):
            block = lines[first:first + _ACROSS]
            out.append(f"{'':<21}" + "".join(f"{'Line ' + str(first + i + 1):<17}" for i in range(len(block))))
            for label, value in fields:
                out.append(f"  {label:<19}" + "".join(f"{value(line, adj):<17}" for line, adj in block))
            # Each line's adjustments down its own column, the first on the label's row.
            for row in range(max((len(adj) for _, adj in block), default=0) or 1):
                cells = [f"{adj[row]['group']}-{adj[row]['reason']} {dec(adj[row]['amount']):,.2f}"
                         if row < len(adj) else "" for _, adj in block]
                out.append(f"  {'Adjustments' if row == 0 else '':<19}" + "".join(f"{c:<17}" for c in cells))
            remarks = [", ".join(json.loads(line["remarks"])) for line, _ in block]
            if any(remarks):
                out.append(f"  {'Remarks':<19}" + "".join(f"{r:<17}" for r in remarks))
        out.append(f"  Claim total: charged {_amt(dec(rc['billed']))}, paid {_amt(dec(rc['paid']))}, "
                   f"patient owes {_amt(dec(rc['patient_responsibility']))}")
        out.append("")
    out += _provider_table(store, remit, "Provider adjustments", ",.2f")
    total = sum((dec(rc["billed"]) for rc in claims), Decimal(0))
    out.append(f"Total charged ..... {_amt(total)}      Total paid ..... {_amt(printed)}")
    return out


# The kinds of adjustment a commercial EOB gives a column each, by the group and reason that make them.
_KIND_COLUMNS = (("Contract", lambda a: (a["group"], a["reason"]) == ("CO", "45")),
                 ("Not Cov", lambda a: a["group"] != "PR" and (a["group"], a["reason"]) != ("CO", "45")),
                 ("Deduct", lambda a: (a["group"], a["reason"]) == ("PR", "1")),
                 ("Coins", lambda a: (a["group"], a["reason"]) == ("PR", "2")),
                 ("Copay", lambda a: (a["group"], a["reason"]) == ("PR", "3")))


def _kinds_lines(store: Store, remit: Any) -> list[str]:
    payer, date, printed = _check_facts(store, remit)
    claims = _claims(store, remit)
    name_width = max((len(rc["patient_name"]) for rc in claims), default=10) + 2
    out = [f"{payer['name']:<60}EXPLANATION OF PROVIDER PAYMENT",
           f"Provider: {catalog.SUPPLIER['name']:<40}NPI: {supplier_npi_of(store)}",
           f"Payment: Check {remit['check_number']} issued {date:%m/%d/%y} for {_amt(printed)}",
           "",
           f"{'Patient':<{name_width}}{'Member ID':<14}{'Claim':<15}{'Account':<10}{'Svc Date':<10}{'Proc/Mod':<13}"
           f"{'Qty':>3}{'Billed':>9}{'Allowed':>9}"
           + "".join(f"{name:>9}" for name, _ in _KIND_COLUMNS) + f"{'Paid':>9}  Codes"]
    for rc in claims:
        for n, (line, adjustments) in enumerate(_lines(store, rc)):
            who = (f"{rc['patient_name']:<{name_width}}{rc['member_id'] or '':<14}{rc['icn'] or '':<15}"
                   f"{rc['account_number']:<10}") if n == 0 else " " * (name_width + 39)
            kinds = "".join(f"{sum((dec(a['amount']) for a in adjustments if kind(a)), Decimal(0)):>9,.2f}"
                            for _, kind in _KIND_COLUMNS)
            codes = " ".join([*(f"{a['group']}{a['reason']}" for a in adjustments), *json.loads(line["remarks"])])
            procedure = " ".join([line["hcpcs"], *line["modifiers"].split()])
            out.append(f"{who}{dt.date.fromisoformat(line['dos_from']):%m/%d/%y}  {procedure:<13}{line['units']:>3}"
                       f"{dec(line['billed']):>9,.2f}{dec(line['allowed']):>9,.2f}{kinds}"
                       f"{dec(line['paid']):>9,.2f}  {codes}")
        out.append(f"{'':<{name_width + 49}}Claim total{dec(rc['billed']):>14,.2f}{dec(rc['allowed']):>9,.2f}"
                   f"{'':>45}{dec(rc['paid']):>9,.2f}")
    out.append("")
    out += _provider_table(store, remit, "Payment adjustments", ",.2f")
    out.append(f"Payment total {_amt(printed)}")
    return out


def render(store: Store, remit_id: int) -> bytes:
    remit = store.one("SELECT * FROM remittances WHERE id = ?", remit_id)
    if remit is None:
        raise KeyError(remit_id)
    lines = lines_for(store, remit)
    chunks = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    pages = [chunk + ["", f"Page {n} of {len(chunks)}"] for n, chunk in enumerate(chunks, start=1)]
    text_size, scan_size = _SMALL_PRINT.get(family_of(remit["check_number"]), (7.2, 7.4))
    if not is_scanned(remit["check_number"]):
        return pdf.text_pages(pages, title=f"EOB {remit['check_number']}", font_size=text_size, leading=9.5)
    rng = random.Random(remit["check_number"])
    # The mailroom scans paper EOBs at 300 dpi, black and white, a little crooked.
    noise = scan.Noise(skew_deg=1.5, speckle=0.0001, blur=0.5, bilevel=True)
    images = [scan.degrade(scan.text_page(page, size=scan_size, margin=24, dpi=SCAN_DPI), rng, noise)
              for page in pages]
    return pdf.image_pages(images, dpi=SCAN_DPI, title="SCAN")
