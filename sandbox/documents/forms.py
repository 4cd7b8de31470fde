"""The CMS-484 oxygen CMN and the standard written order, filled in and printed as a physician's office would.

Offices print them their own way; each office (by its practitioner) keeps one family (`family_of`):

- CMN "office": the form with its boxes, checked by hand;
- CMN "ehr": printed by an EHR: the values typed where the boxes would be (answers as letters, the HCPCS code
  on the place-of-service row, no certification boxes: the filled date tells the type), labels worded as
  each EHR words them;
- CMN "portal": printed by an electronic ordering platform: a serif face, a question-and-answer table, answers
  in words, dates spelled, people first name first, an electronic signature. Drawn after the readers and held
  out until its first contact was measured (12.70% of fields right, none silent), then read by meaning
  (`extractors/forms/cmn_rows.py`);
- CMN "grid": a web ordering form's printout: two columns of boxed fields with the label small above each
  value, ISO dates, check boxes with words for the answers, a condensed face, ink signed on a rule. Drawn
  after the portal family was read and held out until its first contact was measured;
- CMN "billing": the supplier's billing program's printout, "LABEL: VALUE" pairs two to a row, two-digit
  years, dotted leaders in Section B; held out until its first contact was measured (25.25%), then read;
- CMN "hospital": a hospital case-management system's ruled table, its own wording, dates day first, the
  oxygen test as a table. Held out until its first contact was measured (37.57%), then read; tuned since it
  holds the tuned families' 98% on the test world (2026-12-06);
- CMN "worksheet": a practice's intake worksheet, short labels with colons three pairs to a row, dates
  month/day/year without zeros, Section B as a ruled table. Held out until its first contact was measured
  (54.32%), then read (2026-12-06); reported apart (HELD_OUT) until a JPEG copy reads as well as the fax;
- CMN "captioned": a medical group's typed form, each value on a rule with its caption under it, dates
  month-day-year with dashes, Section B's answers typed before their numbered questions, the test's
  condition by its CMS-484 number. Held out until its first contact was measured (10.83%, 3.7% of fields
  silent), then read (2026-12-06);
- SWO "office": the practice's order form, items in a table;
- SWO "letter": a letter with the order's elements in its sentences. Kept out of the readers' tuning and
  reported apart by bench/extract.py (HELD_OUT);
- SWO "ehr": an EHR's ambulatory DME order, items as a table of quantity, item and code, the provider first
  name first, an electronic signature. Held out until its first contact was measured (49.07%), then read by
  meaning (2026-12-06: a "provider" is the practitioner, a quantity column's header says which number counts);
  reported apart (HELD_OUT) until it holds the tuned families' 98%.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import zlib
from typing import Any

from PIL import Image

from ..world import catalog
from . import pdf, scan


def _day(value: Any) -> dt.date:
    """A date as the world stores it (a date, or its ISO text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _d(value: Any) -> str:
    if not value:
        return ""
    day = _day(value)
    return day.strftime("%m/%d/%Y")


FAMILIES = {"cmn": ("office", "ehr", "portal", "grid", "billing", "hospital", "worksheet", "captioned"),
            "swo": ("office", "letter", "ehr")}
# The families reported apart, outside the golden tests' 98%: the written orders' EHR printout (read since its
# first contact, not yet to 98%), the letter, and the worksheet CMN, read (100% of the test world's three faxes) but not yet as
# well on a JPEG copy of one (three answers' labels lost to the compression). Every CMN family has been read since
# its first contact: with eight offices in the catalog, holding a ninth CMN family out needs a ninth office,
# which reshuffles every seeded world.
HELD_OUT: dict[str, tuple[str, ...]] = {"swo": ("letter", "ehr"), "cmn": ("worksheet",)}


def family_of(doc_type: str, fields: dict[str, Any]) -> str:
    """Stable per office: a practitioner's documents are always printed the same way. The catalog's
    practitioners are dealt out over the families in turn (in an order their names' hash gives), so that each
    family has its share of offices; a practitioner not in the catalog by the hash alone."""
    who = (fields.get("physician") or fields.get("practitioner") or {}).get("name", "")
    dealt = _dealt(doc_type)
    turn = dealt.index(who) if who in dealt else zlib.crc32(f"{doc_type}:{who}".encode())
    return FAMILIES[doc_type][turn % len(FAMILIES[doc_type])]


@functools.lru_cache(maxsize=None)
def _dealt(doc_type: str) -> tuple[str, ...]:
    """The catalog's practitioners in the order the families are dealt to them (once per document type)."""
    return tuple(sorted(catalog.PHYSICIANS, key=lambda name: zlib.crc32(f"{doc_type}:{name}".encode())))


def is_held_out(doc_type: str, fields: dict[str, Any] | None) -> bool:
    """Whether the document's print family is the one kept out of the readers' tuning (measured apart)."""
    return fields is not None and family_of(doc_type, fields) in HELD_OUT.get(doc_type, ())


def _office_rng(fields: dict[str, Any]) -> random.Random:
    """An office's own wording and spacing: the same on every document it sends."""
    who = fields.get("physician") or fields.get("practitioner") or {}
    return random.Random(zlib.crc32(f"office:{who.get('name', '')}".encode()))


def cmn_page(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    p = scan.Page(dpi)
    p.text(36, 30, "DEPARTMENT OF HEALTH AND HUMAN SERVICES", 7)
    p.text(36, 40, "CENTERS FOR MEDICARE & MEDICAID SERVICES", 7)
    p.text(430, 30, "Form Approved OMB No. 0938-0534", 7)
    p.text(120, 56, "CERTIFICATE OF MEDICAL NECESSITY  CMS-484 - OXYGEN", 13, bold=True)
    p.text(36, 80, "SECTION A   Certification Type/Date:", 9, bold=True)
    cert = f["certification_type"]
    p.check(250, 80, cert == "initial")
    p.text(262, 80, f"INITIAL  {_d(f['initial_date']) if cert == 'initial' else '__/__/____'}", 9)
    p.check(380, 80, cert == "revised")
    p.text(392, 80, "REVISED __/__/____", 9)
    p.check(500, 80, cert == "recertification")
    p.text(512, 80, "RECERT", 9)
    patient, physician = f["patient"], f["physician"]
    p.box(36, 96, 270, 74)
    p.text(40, 99, "PATIENT NAME, ADDRESS, TELEPHONE and MEDICARE ID", 6.5)
    p.text(44, 112, patient["name"], 10)
    p.text(44, 126, patient["address"], 9)
    p.text(44, 140, "(208) 555-0142", 9)
    p.text(44, 154, f"MBI: {patient['mbi']}", 10)
    p.box(306, 96, 270, 74)
    p.text(310, 99, "SUPPLIER NAME, ADDRESS, TELEPHONE and NSC or NPI #", 6.5)
    p.text(314, 112, f["supplier"]["name"], 10)
    p.text(314, 126, f"{catalog.SUPPLIER['address']}, {catalog.SUPPLIER['city']}", 9)
    p.text(314, 154, f"NSC #: {f['supplier']['nsc']}", 10)
    p.box(36, 170, 130, 36)
    p.text(40, 173, "PLACE OF SERVICE", 6.5)
    p.text(44, 186, f["place_of_service"] or "", 10)
    p.box(166, 170, 170, 36)
    p.text(170, 173, "HCPCS CODE", 6.5)
    p.text(174, 186, "  ".join(f["hcpcs"]), 10)
    p.box(336, 170, 240, 36)
    p.text(340, 173, "PT DOB;  Sex;  Ht.;  Wt.", 6.5)
    p.text(344, 186, f"PT DOB: {_d(patient.get('dob'))}   M   68 in   172 lbs", 9)
    p.box(36, 206, 540, 50)
    p.text(40, 209, "PHYSICIAN NAME, ADDRESS, TELEPHONE and NPI #", 6.5)
    p.text(44, 222, physician["name"], 10)
    p.text(44, 236, f"NPI #: {physician['npi'] or ''}", 10)
    p.text(300, 236, "TELEPHONE # (208) 555-0199", 9)

    p.text(36, 270, "SECTION B   Information in this section may not be completed by the supplier of the items/supplies.",
           8, bold=True)
    los = f["length_of_need_months"]
    p.text(36, 288, f"EST. LENGTH OF NEED (# OF MONTHS): {los if los is not None else ''}", 9)
    p.text(300, 288, f"DIAGNOSIS CODES (ICD-10): {'  '.join(f['icd10'])}", 9)
    test = f["test"]
    p.text(36, 308, "ANSWERS", 8, bold=True)
    p.text(100, 308, "ANSWER QUESTIONS 1-9. (Check Y for Yes, N for No, or D for Does Not Apply, unless otherwise noted.)", 7)
    y = 326
    pao2 = test["pao2_mmhg"]
    sao2 = test["sao2_percent"]
    p.text(36, y, f"a) {pao2 if pao2 is not None else '____'} mm Hg", 9)
    p.text(160, y, "1. Enter the result of most recent test taken on or before the certification date listed in Section A.", 7)
    p.text(36, y + 14, f"b) {sao2 if sao2 is not None else '____'} %", 9)
    p.text(160, y + 14, "Enter (a) arterial blood gas PO2 and/or (b) oxygen saturation test; (c) date of test.", 7)
    p.text(36, y + 28, f"c) {_d(test['date'])}", 9)
    circumstance = f["q2_circumstance"]
    p.text(36, y + 46, f"   {circumstance}", 9)
    p.text(160, y + 46, "2. Was the test in Question 1 performed (1) with the patient in a chronic stable state as an", 7)
    p.text(160, y + 56, "outpatient, (2) within two days prior to discharge from an inpatient facility, or (3) under other circumstances?", 7)
    condition = {"rest": 1, "exercise": 2, "sleep": 3}[test["condition"]]
    p.text(36, y + 72, f"   {condition}", 9)
    p.text(160, y + 72, "3. Circle the one number for the condition of the test in Question 1: (1) At Rest; (2) During Exercise;"
           " (3) During Sleep", 7)
    for number, (label, answer) in enumerate((
            ("4. If you are ordering portable oxygen, is the patient mobile within the home?", f["portable"]),
            ("7. Does the patient have dependent edema due to congestive heart failure?", f["q7_edema"]),
            ("8. Does the patient have cor pulmonale or pulmonary hypertension documented by P pulmonale on an EKG"
             " or by an echocardiogram, gated blood pool scan or direct pulmonary artery pressure measurement?",
             f["q8_cor_pulmonale"]),
            ("9. Does the patient have a hematocrit greater than 56%?", f["q9_hematocrit"])), start=0):
        yy = y + 92 + number * 22 + (12 if number else 0)
        for offset, letter in enumerate(("Y", "N", "D")):
            p.check(36 + offset * 34, yy, answer == letter)
            p.text(48 + offset * 34, yy, letter, 8)
        p.text(160, yy, label[:110], 7)
        if number == 0:
            p.text(36, yy + 14, f"   {f['flow_rate_lpm']} LPM", 9)
            p.text(160, yy + 14, "5. Enter the highest oxygen flow rate ordered for this patient in liters per minute."
                   " If less than 1 LPM, enter an \"X\".", 7)
    y = 520
    p.text(36, y, "NAME OF PERSON ANSWERING SECTION B QUESTIONS, IF OTHER THAN PHYSICIAN (Please Print):", 7)
    p.text(36, y + 18, "SECTION C   Narrative Description of Equipment and Cost", 8, bold=True)
    p.text(36, y + 32, f"(1) Narrative description of all items, accessories and options ordered: {', '.join(f['hcpcs']) or '—'}"
           "  OXYGEN CONCENTRATOR AND CONTENTS", 7)
    p.text(36, y + 56, "SECTION D   PHYSICIAN Attestation and Signature/Date", 8, bold=True)
    p.text(36, y + 70, "I certify that I am the treating physician identified in Section A of this form. Any statement on my", 7)
    p.text(36, y + 80, "letterhead attached hereto, has been reviewed and signed by me. I certify that the medical necessity of", 7)
    p.text(36, y + 90, "this equipment is supported in the patient's medical record.", 7)
    p.text(36, y + 116, "PHYSICIAN'S SIGNATURE", 9)
    p.line(170, y + 126, 380, y + 126)
    if f["signature_present"]:
        p.signature(180, y + 114, rng)
    p.text(400, y + 116, "DATE", 9)
    p.line(432, y + 126, 560, y + 126)
    if f["signature_date"]:
        p.text(440, y + 112, _d(f["signature_date"]), 10)
    p.text(36, 740, "Form CMS-484 (09/05)", 7)
    return p.image


def cmn_page_ehr(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as an EHR prints it: the form's text, the values typed in, no boxes."""
    office = _office_rng(f)
    mbi_label = office.choice(("MBI", "MBI:", "Medicare ID"))
    npi_label = office.choice(("NPI #", "NPI:", "NPI"))
    blank = office.choice(("___/___/___", "__/__/____"))
    p = scan.Page(dpi)
    p.text(36, 30, "DEPARTMENT OF HEALTH AND HUMAN SERVICES", 7)
    p.text(36, 40, "CENTERS FOR MEDICARE & MEDICAID SERVICES", 7)
    p.text(420, 30, "Form Approved OMB No. 0938-0534", 7)
    p.text(110, 56, "CERTIFICATE OF MEDICAL NECESSITY", 12, bold=True)
    p.text(400, 56, "CMS-484 - OXYGEN", 11, bold=True)
    p.text(36, 82, "SECTION A", 9, bold=True)
    p.text(100, 82, "Certification Type/Date:", 8)
    p.text(210, 82, f"INITIAL {_d(f['initial_date'])}", 9, mono=True)
    p.text(350, 82, f"REVISED {_d(f['revised_date']) or blank}", 8)
    p.text(460, 82, f"RECERTIFICATION {_d(f['recertification_date']) or blank}", 8)
    patient, physician = f["patient"], f["physician"]
    p.box(36, 96, 270, 60)
    p.text(40, 98, "PATIENT NAME, ADDRESS, TELEPHONE and MEDICARE ID", 6.5)
    p.text(44, 110, patient["name"], 10, mono=True)
    p.text(44, 124, patient["address"], 9, mono=True)
    p.text(44, 140, f"{mbi_label} {patient['mbi']}", 10, mono=True)
    p.box(306, 96, 270, 60)
    p.text(310, 98, "SUPPLIER NAME, ADDRESS, TELEPHONE and NSC or NPI #", 6.5)
    p.text(314, 110, f["supplier"]["name"], 10, mono=True)
    p.text(314, 124, f"{catalog.SUPPLIER['address']}, {catalog.SUPPLIER['city']}", 9, mono=True)
    p.text(314, 140, f"NSC # {f['supplier']['nsc']}", 10, mono=True)
    p.text(36, 166, f"PLACE OF SERVICE {f['place_of_service'] or ''}", 9)
    p.text(170, 166, f"HCPCS CODE {'  '.join(f['hcpcs'])}", 9)
    p.text(380, 166, f"PT DOB {_d(patient.get('dob'))}", 9)
    p.box(36, 180, 540, 34)
    p.text(40, 182, "PHYSICIAN NAME, ADDRESS, TELEPHONE and NPI #", 6.5)
    p.text(44, 196, f"{physician['name']}, MD", 10, mono=True)
    p.text(330, 196, f"{npi_label} {physician['npi'] or ''}", 10, mono=True)
    p.text(36, 228, "SECTION B", 9, bold=True)
    p.text(100, 228, "Information in this Section May Not Be Completed by the Supplier of the Items/Supplies.", 7)
    los = f["length_of_need_months"]
    p.text(36, 246, f"EST. LENGTH OF NEED (# OF MONTHS): {los if los is not None else ''}", 9)
    p.text(236, 246, "1-99 (99=LIFETIME)", 6.5)
    p.text(330, 246, f"DIAGNOSIS CODES (ICD-10): {'   '.join(f['icd10'])}", 9)
    test = f["test"]
    p.text(36, 264, "ANSWERS", 8, bold=True)
    p.text(100, 264, "ANSWER QUESTIONS 1-9. (Circle Y for Yes, N for No, or D for Does Not Apply, unless otherwise noted.)", 7)
    y = 280
    pao2, sao2 = test["pao2_mmhg"], test["sao2_percent"]
    p.text(36, y, f"a) {pao2 if pao2 is not None else '____'} mm Hg", 9, mono=True)
    p.text(160, y, "1. Enter the result of recent test taken on or before the certification date listed in Section A.", 7)
    p.text(36, y + 14, f"b) {sao2 if sao2 is not None else '____'} %", 9, mono=True)
    p.text(160, y + 14, "Enter (a) arterial blood gas PO2 and/or (b) oxygen saturation test; (c) date of test.", 7)
    p.text(36, y + 28, f"c) {_d(test['date'])}", 9, mono=True)
    p.text(36, y + 46, f"{f['q2_circumstance']}", 9, mono=True)
    p.text(160, y + 46, "2. Was the test in Question 1 performed (1) with the patient in a chronic stable state as an outpatient,", 7)
    p.text(170, y + 56, "(2) within two days prior to discharge from an inpatient facility to home, or (3) under other circumstances?", 7)
    condition = {"rest": 1, "exercise": 2, "sleep": 3}[test["condition"]]
    p.text(36, y + 72, f"{condition}", 9, mono=True)
    p.text(160, y + 72, "3. Circle the one number for the condition of the test in Question 1: (1) At Rest (2) During Exercise"
           " (3) During Sleep", 7)
    p.text(36, y + 88, f"{f['portable']}", 9, mono=True)
    p.text(160, y + 88, "4. If you are ordering portable oxygen, is the patient mobile within the home? If not ordering"
           " portable, enter D.", 7)
    p.text(36, y + 104, f"{f['flow_rate_lpm']} LPM", 9, mono=True)
    p.text(160, y + 104, "5. Enter the highest oxygen flow rate ordered for this patient in liters per minute.", 7)
    p.text(160, y + 118, "6. If greater than 4 LPM is prescribed, enter results of recent test taken on 4 LPM.", 7)
    p.text(160, y + 130, "ANSWER QUESTIONS 7-9 ONLY IF PO2 = 56-59 OR OXYGEN SATURATION = 89 IN QUESTION 1", 7)
    for number, (label, answer) in enumerate((
            ("7. Does the patient have dependent edema due to congestive heart failure?", f["q7_edema"]),
            ("8. Does the patient have cor pulmonale or pulmonary hypertension documented by P pulmonale on an EKG",
             f["q8_cor_pulmonale"]),
            ("9. Does the patient have a hematocrit greater than 56%?", f["q9_hematocrit"]))):
        yy = y + 146 + number * 18 + (10 if number == 2 else 0)
        p.text(36, yy, answer, 9, mono=True)
        p.text(160, yy, label, 7)
        if number == 1:
            p.text(170, yy + 10, "or by an echocardiogram, gated blood pool scan or direct pulmonary artery pressure"
                   " measurement?", 7)
    y = 520
    p.text(36, y, "NAME OF PERSON ANSWERING SECTION B QUESTIONS, IF OTHER THAN PHYSICIAN (Please Print):", 7)
    p.text(36, y + 20, "SECTION C", 9, bold=True)
    p.text(100, y + 20, "Narrative Description of Equipment and Cost", 8)
    p.text(36, y + 34, "(1) Narrative description of all items, accessories and options ordered; (2) Supplier's charge;"
           " (3) Medicare Fee Schedule Allowance", 6.5)
    p.text(44, y + 46, "OXYGEN CONCENTRATOR, STATIONARY", 9, mono=True)
    p.text(36, y + 70, "SECTION D", 9, bold=True)
    p.text(100, y + 70, "PHYSICIAN Attestation and Signature/Date", 8)
    p.text(36, y + 84, "I certify that I am the treating physician identified in Section A of this form. I have received"
           " Sections A, B and C of the", 6.5)
    p.text(36, y + 93, "Certificate of Medical Necessity. I certify that the medical necessity information in Section B"
           " is true, accurate and complete.", 6.5)
    p.text(36, y + 122, "PHYSICIAN'S SIGNATURE", 8)
    p.line(140, y + 130, 360, y + 130)
    if f["signature_present"]:
        p.signature(160, y + 112, rng)
    p.text(400, y + 122, "DATE", 8)
    if f["signature_date"]:
        p.text(430, y + 120, _d(f["signature_date"]), 9, mono=True)
    return p.image


def _spelled(value: Any) -> str:
    if not value:
        return ""
    day = _day(value)
    return day.strftime("%b %d, %Y")


def _first_last(name: str) -> str:
    """ "ANDERSON, KAREN" as an ordering platform prints a person: "Karen Anderson"."""
    last, _, first = name.partition(",")
    return f"{first.strip().title()} {last.strip().title()}".strip()


_ANSWER_WORDS = {"Y": "Yes", "N": "No", "D": "Not applicable"}
_CONDITION_WORDS = {"rest": "At rest", "exercise": "During exercise", "sleep": "During sleep"}
_CIRCUMSTANCE_WORDS = {1: "Chronic stable state, outpatient", 2: "Within 2 days prior to discharge",
                       3: "Other circumstances"}


def _label_value_rows(p: scan.Page, rows: list[tuple[str, str]], y: float, *, value_x: float, step: float) -> float:
    """Label and value pairs down the page, the values in a column; the y below the last."""
    for label, value in rows:
        p.text(40, y, label, 9, serif=True)
        p.text(value_x, y, value, 10, serif=True)
        y += step
    return y


def cmn_portal(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as an electronic ordering platform prints it for the fax: a serif face, every value in a
    question-and-answer table, answers in words, dates spelled, people first name first, an electronic
    signature instead of ink."""
    office = _office_rng(f)
    patient, physician, test = f["patient"], f["physician"], f["test"]
    p = scan.Page(dpi)
    p.text(36, 32, office.choice(("CareLink eOrders", "OrderBridge DME", "MedEquip Connect")), 11, bold=True, serif=True)
    p.text(380, 34, f"Order ref. EO-{office.randrange(10**6, 10**7)}", 8, serif=True)
    p.line(36, 48, 576, 48)
    p.text(36, 56, "Certificate of Medical Necessity (CMS-484) \u2014 Oxygen", 12, bold=True, serif=True)
    cert = {"initial": "Initial", "revised": "Revised", "recertification": "Recertification"}[f["certification_type"]]
    cert_date = f["initial_date"] if f["certification_type"] == "initial" else (
        f["revised_date"] or f["recertification_date"])
    rows: list[tuple[str, str]] = [
        ("Certification", f"{cert}, {_spelled(cert_date)}"),
        ("Beneficiary", patient["name"].title()),
        ("Date of birth", _spelled(patient.get("dob"))),
        ("Medicare Beneficiary Identifier", patient["mbi"]),
        ("Supplier", f"{f['supplier']['name']}  (NSC {f['supplier']['nsc']})"),
        ("Ordering practitioner", f"{_first_last(physician['name'])}, MD"),
        ("Practitioner NPI", physician["npi"] or ""),
        ("Place of service", f"{f['place_of_service']} (Home)" if f["place_of_service"] else ""),
    ]
    y = _label_value_rows(p, rows, 80, value_x=230, step=16) + 6
    p.text(36, y, "Equipment ordered", 10, bold=True, serif=True)
    y += 16
    p.text(40, y, "HCPCS", 8, bold=True, serif=True)
    p.text(110, y, "Description", 8, bold=True, serif=True)
    p.line(36, y + 12, 576, y + 12, width=1)
    y += 16
    for code in f["hcpcs"] or []:
        p.text(40, y, code, 10, serif=True)
        p.text(110, y, "Oxygen concentrator, single delivery port", 9, serif=True)
        y += 15
    if not f["hcpcs"]:
        p.text(110, y, "(none entered)", 9, serif=True)
        y += 15
    y += 8
    p.text(36, y, "Diagnoses (ICD-10-CM)", 10, bold=True, serif=True)
    y += 16
    described = {"J44.9": "Chronic obstructive pulmonary disease, unspecified", "J43.9": "Emphysema, unspecified",
                 "J84.10": "Pulmonary fibrosis, unspecified", "I27.20": "Pulmonary hypertension, unspecified"}
    for number, code in enumerate(f["icd10"], start=1):
        p.text(40, y, f"{number}.  {code}", 10, serif=True)
        p.text(130, y, described.get(code, ""), 9, serif=True)
        y += 15
    y += 8
    los = f["length_of_need_months"]
    p.text(40, y, "Estimated length of need", 9, serif=True)
    p.text(300, y, "" if los is None else "Lifetime (99 months)" if los == 99 else f"{los} months", 10, serif=True)
    y += 22
    p.text(36, y, "Section B \u2014 Questions and answers", 10, bold=True, serif=True)
    p.text(300, y, "Answer", 8, bold=True, serif=True)
    p.line(36, y + 13, 576, y + 13, width=1)
    y += 18
    pao2, sao2 = test["pao2_mmhg"], test["sao2_percent"]
    answers = [
        ("1a. Arterial blood gas PO2 (mm Hg)", "" if pao2 is None else str(pao2)),
        ("1b. Oxygen saturation (%)", "" if sao2 is None else str(sao2)),
        ("1c. Date of test", _spelled(test["date"])),
        ("2. Circumstances of the test", f"({f['q2_circumstance']}) {_CIRCUMSTANCE_WORDS[f['q2_circumstance']]}"),
        ("3. Condition during the test", _CONDITION_WORDS[test["condition"]]),
        ("4. Portable oxygen: patient mobile in the home?", _ANSWER_WORDS[f["portable"]]),
        ("5. Highest flow rate ordered (LPM)", str(f["flow_rate_lpm"])),
        ("7. Dependent edema due to congestive heart failure?", _ANSWER_WORDS[f["q7_edema"]]),
        ("8. Cor pulmonale or pulmonary hypertension?", _ANSWER_WORDS[f["q8_cor_pulmonale"]]),
        ("9. Hematocrit greater than 56%?", _ANSWER_WORDS[f["q9_hematocrit"]]),
    ]
    y = _label_value_rows(p, answers, y, value_x=300, step=15) + 20
    p.text(36, y, "Practitioner attestation", 10, bold=True, serif=True)
    p.text(36, y + 14, "I certify that the medical necessity information above is true, accurate and complete.", 8,
           serif=True)
    y += 34
    if f["signature_present"]:
        p.text(40, y, f"Electronically signed by {_first_last(physician['name'])}, MD", 10, serif=True)
    else:
        p.text(40, y, "Awaiting practitioner signature", 10, serif=True)
    p.text(380, y, f"Date signed: {_spelled(f['signature_date']) if f['signature_present'] else ''}", 10,
           serif=True)
    return p.image


def _grid_field(p: scan.Page, x: float, y: float, w: float, label: str, value: str) -> None:
    """One field of a web form's printout: a hairline box, its label small above the value."""
    p.box(x, y, w, 30, width=1)
    p.text(x + 4, y + 3, label.upper(), 6.5, condensed=True)
    p.text(x + 4, y + 14, value, 10, condensed=True)


def _choices(p: scan.Page, x: float, y: float, options: list[tuple[str, bool]]) -> None:
    """Check boxes in a row, each with its word: the one chosen crossed."""
    for label, chosen in options:
        p.check(x, y, chosen, size=8)
        p.text(x + 11, y - 1, label, 9, condensed=True)
        x += 22 + 5.2 * len(label)


def cmn_grid(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as a web ordering form prints it: two columns of boxed fields with the label small above each
    value, ISO dates, check boxes with words for the answers ("Yes", "No", "N/A"), a condensed face, ink
    signed on a rule. Held out of the readers' tuning until its first contact was measured (12.5% of fields
    right, 7% silent: fixed at once), then read by meaning (2026-12-05, fourth session): labels above their
    values, check boxes before their words, a signature over the label under its rule."""
    patient, physician, test = f["patient"], f["physician"], f["test"]
    iso = lambda v: _day(v).isoformat() if v else ""  # noqa: E731
    p = scan.Page(dpi)
    p.text(36, 28, "OXYGEN CERTIFICATE OF MEDICAL NECESSITY", 13, bold=True, condensed=True)
    p.text(36, 46, "CMS-484  |  submitted electronically  |  all dates YYYY-MM-DD", 7, condensed=True)
    left, right, w = 36, 310, 266
    rows = [
        (("Patient (last, first)", patient["name"]), ("Medicare ID (MBI)", patient["mbi"])),
        (("Birth date", iso(patient.get("dob"))), ("Certification / date",
                                                   f"{f['certification_type'].upper()} {iso(f['initial_date'])}")),
        (("Supplier", f["supplier"]["name"]), ("Supplier NSC", f["supplier"]["nsc"])),
        (("Physician", f"{physician['name']} MD"), ("Physician NPI", physician["npi"] or "")),
        (("HCPCS", ", ".join(f["hcpcs"])), ("Place of service", f["place_of_service"] or "")),
        (("ICD-10 diagnoses", " / ".join(f["icd10"])), ("Length of need (months)",
                                                      "" if f["length_of_need_months"] is None
                                                      else str(f["length_of_need_months"]))),
    ]
    y = 62
    for (l1, v1), (l2, v2) in rows:
        _grid_field(p, left, y, w, l1, v1)
        _grid_field(p, right, y, w, l2, v2)
        y += 34
    y += 8
    p.text(36, y, "SECTION B  (completed by the physician)", 9, bold=True, condensed=True)
    y += 16
    pao2, sao2 = test["pao2_mmhg"], test["sao2_percent"]
    _grid_field(p, left, y, 170, "Q1a  PaO2 mm Hg", "" if pao2 is None else str(pao2))
    _grid_field(p, left + 178, y, 170, "Q1b  O2 saturation %", "" if sao2 is None else str(sao2))
    _grid_field(p, left + 356, y, 184, "Q1c  Test date", iso(test["date"]))
    y += 42
    questions = [
        ("Q2  Test performed", [("Chronic stable, outpatient", f["q2_circumstance"] == 1),
                                ("Within 2 days of discharge", f["q2_circumstance"] == 2),
                                ("Other", f["q2_circumstance"] == 3)]),
        ("Q3  Test condition", [("Rest", test["condition"] == "rest"), ("Exercise", test["condition"] == "exercise"),
                                ("Sleep", test["condition"] == "sleep")]),
        ("Q4  Mobile in the home (portable)", [(w, f["portable"] == k) for k, w in (("Y", "Yes"), ("N", "No"), ("D", "N/A"))]),
        ("Q7  Dependent edema (CHF)", [(w, f["q7_edema"] == k) for k, w in (("Y", "Yes"), ("N", "No"), ("D", "N/A"))]),
        ("Q8  Cor pulmonale / pulm. hypertension", [(w, f["q8_cor_pulmonale"] == k)
                                                    for k, w in (("Y", "Yes"), ("N", "No"), ("D", "N/A"))]),
        ("Q9  Hematocrit > 56%", [(w, f["q9_hematocrit"] == k) for k, w in (("Y", "Yes"), ("N", "No"), ("D", "N/A"))]),
    ]
    for label, options in questions:
        p.text(40, y, label, 9, condensed=True)
        _choices(p, 220, y + 1, options)
        y += 18
    p.text(40, y, "Q5  Highest flow rate ordered", 9, condensed=True)
    p.text(220, y, f"{f['flow_rate_lpm']} L/min", 10, condensed=True)
    y += 34
    p.text(36, y, "I certify that the information in Section B is true, accurate and complete.", 8, condensed=True)
    y += 40
    p.line(40, y, 300, y, width=2)
    if f["signature_present"]:
        p.signature(60, y - 14, rng)
    p.text(40, y + 4, "Signature of ordering physician", 7, condensed=True)
    p.line(340, y, 520, y, width=2)
    if f["signature_date"]:
        p.text(346, y - 14, iso(f["signature_date"]), 10, condensed=True)
    p.text(340, y + 4, "Date signed", 7, condensed=True)
    return p.image


def _yy(value: Any) -> str:
    """A date as a billing program prints it: MM/DD/YY."""
    if not value:
        return "  /  /  "
    day = _day(value)
    return f"{day:%m/%d/%y}"


def cmn_billing(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as the supplier's DME billing program prints it to fax to the office for a signature: a
    typewriter face in capitals, two "LABEL: VALUE" pairs to a row, two-digit years, the codes with their
    modifiers ("E1390-RR"), the diagnoses on one row after "DX", Section B's questions behind dotted
    leaders with a letter or a number for the answer, ink signed over a rule. Drawn before anything was
    changed for it and kept out of the readers' tuning until its first contact was measured (25.25% of
    fields right, none silent, 0 of 5 acted on); then read ("LABEL: value" pairs, dotted leaders, two-digit
    years) and the hospital family drawn to be held out in its place."""
    patient, physician, test = f["patient"], f["physician"], f["test"]
    p = scan.Page(dpi)
    size = 8.6

    def row(y: float, left: str, right: str = "") -> None:
        p.text(36, y, left.upper(), size, mono=True)
        if right:
            p.text(318, y, right.upper(), size, mono=True)

    p.text(36, 30, "CERTIFICATE OF MEDICAL NECESSITY - OXYGEN (CMS-484)", 10, mono=True, bold=True)
    p.text(36, 44, f"PRINTED {_yy(f['initial_date'])} BY {f['supplier']['name'].upper()}  FORM CMN-OXY", 7, mono=True)
    p.line(36, 56, 576, 56, width=1)
    cert = {"initial": "INITIAL", "revised": "REVISED", "recertification": "RECERT"}[f["certification_type"]]
    cert_date = f["initial_date"] if f["certification_type"] == "initial" else (
        f["revised_date"] or f["recertification_date"])
    y = 66
    for left, right in (
            (f"CERT TYPE: {cert} {_yy(cert_date)}", f"HCPCS: {', '.join(c + '-RR' for c in f['hcpcs'])}"),
            (f"PATIENT: {patient['name']}", f"MBI: {patient['mbi']}"),
            (f"DOB: {_yy(patient.get('dob'))}", f"POS: {f['place_of_service'] or ''}"),
            (f"SUPPLIER: {f['supplier']['name']}", f"NSC: {f['supplier']['nsc']}"),
            (f"PHYSICIAN: {physician['name']}", f"NPI: {physician['npi'] or ''}"),
            (f"DX: {', '.join(f['icd10'])}", f"EST LENGTH OF NEED: {'' if f['length_of_need_months'] is None else f['length_of_need_months']} MO")):
        row(y, left, right)
        y += 15
    y += 6
    p.line(36, y, 576, y, width=1)
    y += 8
    p.text(36, y, "SECTION B - ANSWERS (Y=YES N=NO D=DOES NOT APPLY)", size, mono=True, bold=True)
    y += 16
    condition = {"rest": "1-REST", "exercise": "2-EXERCISE", "sleep": "3-SLEEP"}.get(test["condition"] or "", "")
    answers = [
        ("1A ARTERIAL PO2 (MM HG)", "" if test["pao2_mmhg"] is None else str(test["pao2_mmhg"])),
        ("1B OXYGEN SATURATION (%)", "" if test["sao2_percent"] is None else str(test["sao2_percent"])),
        ("1C TEST DATE", _yy(test["date"])),
        ("2  TEST CIRCUMSTANCE (1,2,3)", str(f["q2_circumstance"] or "")),
        ("3  TEST CONDITION", condition),
        ("4  PORTABLE IN THE HOME", f["portable"] or ""),
        ("5  MAX FLOW RATE (LPM)", str(f["flow_rate_lpm"] or "")),
        ("7  DEPENDENT EDEMA / CHF", f["q7_edema"] or ""),
        ("8  COR PULMONALE / PULM HTN", f["q8_cor_pulmonale"] or ""),
        ("9  HEMATOCRIT > 56%", f["q9_hematocrit"] or ""),
    ]
    for question, answer in answers:
        p.text(40, y, f"{question} {'.' * (40 - len(question))} {answer}", size, mono=True)
        y += 14
    y += 30
    p.line(40, y, 300, y, width=2)
    if f["signature_present"]:
        p.signature(60, y - 14, rng)
    p.text(40, y + 4, "PHYSICIAN SIGNATURE", 7, mono=True)
    p.text(340, y - 12, _yy(f["signature_date"]) if f["signature_date"] else "", size, mono=True)
    p.line(340, y, 480, y, width=2)
    p.text(340, y + 4, "DATE", 7, mono=True)
    return p.image


def _day_first(value: Any) -> str:
    """ "02-Nov-2026", as hospital systems print a date."""
    if not value:
        return ""
    day = _day(value)
    return day.strftime("%d-%b-%Y")


def cmn_hospital(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as a hospital's case-management system prints it at discharge: a ruled two-column table of
    fields worded its own way ("Medicare #", "DME vendor", "Attending physician"), dates day first
    ("02-Nov-2026"), names "Last, First", the oxygen test as a small table of its own (test, result, date,
    condition), answers in words, ink signed on a rule. Drawn after the billing family was read and kept
    out of all tuning until its first contact was measured (37.57%); read since (2026-12-06), and the
    worksheet family drawn to be held out in its place."""
    office = _office_rng(f)
    patient, physician, test = f["patient"], f["physician"], f["test"]
    p = scan.Page(dpi)
    p.text(36, 30, office.choice(("ST. ALPHONSUS REGIONAL MEDICAL CENTER", "RIVERVIEW GENERAL HOSPITAL",
                                  "MERCY VALLEY HEALTH")), 11, bold=True)
    p.text(36, 46, "Case Management  |  Home Oxygen Certification (CMS-484)", 9)
    p.text(420, 46, f"Encounter {office.randrange(10**7, 10**8)}", 7)
    p.line(36, 58, 576, 58, width=2)
    cert = {"initial": "Initial certification", "revised": "Revised certification",
            "recertification": "Recertification"}[f["certification_type"]]
    cert_date = f["initial_date"] if f["certification_type"] == "initial" else (
        f["revised_date"] or f["recertification_date"])
    los = f["length_of_need_months"]
    rows = [
        ("Certification type", cert),
        ("Certification date", _day_first(cert_date)),
        ("Patient", patient["name"].title()),
        ("Birth date", _day_first(patient.get("dob"))),
        ("Medicare #", patient["mbi"]),
        ("DME vendor", f["supplier"]["name"].title()),
        ("Vendor NSC #", f["supplier"]["nsc"]),
        ("Attending physician", f"{physician['name'].title()} MD"),
        ("Attending NPI", physician["npi"] or ""),
        ("Place of service", f"{f['place_of_service']} - Home" if f["place_of_service"] else ""),
        ("Equipment (HCPCS)", "; ".join(f"{code} - oxygen concentrator" for code in f["hcpcs"] or [])),
        ("Diagnosis codes", "; ".join(f["icd10"])),
        ("Length of need", "" if los is None else "99 mo (lifetime)" if los == 99 else f"{los} mo"),
        ("Prescribed flow", f"{f['flow_rate_lpm']} L/min" if f["flow_rate_lpm"] else ""),
    ]
    y = 70
    for label, value in rows:
        p.text(42, y, label, 8.5)
        p.text(196, y, value, 9.5)
        p.line(36, y + 14, 576, y + 14, width=1)
        y += 18
    p.line(188, 64, 188, y - 4, width=1)
    y += 10
    p.text(36, y, "Oxygen qualifying test", 10, bold=True)
    y += 16
    for x, heading in ((42, "Test"), (200, "Result"), (300, "Test date"), (410, "Condition")):
        p.text(x, y, heading, 8, bold=True)
    p.line(36, y + 12, 576, y + 12, width=1)
    y += 16
    condition = {"rest": "At rest", "exercise": "With exertion", "sleep": "Asleep"}.get(test["condition"] or "", "")
    for name, result in (("ABG PaO2", f"{test['pao2_mmhg']} mmHg" if test["pao2_mmhg"] is not None else None),
                         ("SpO2, room air", f"{test['sao2_percent']} %" if test["sao2_percent"] is not None else None)):
        if result is None:
            continue
        p.text(42, y, name, 9)
        p.text(200, y, result, 9.5)
        p.text(300, y, _day_first(test["date"]), 9.5)
        p.text(410, y, condition, 9.5)
        y += 16
    y += 10
    circumstance = {1: "Outpatient, chronic stable", 2: "Inpatient, within 2 days of discharge", 3: "Other"}
    questions = [
        ("Testing circumstance", circumstance.get(f["q2_circumstance"], "")),
        ("Ambulatory in the home (portable O2)", _ANSWER_WORDS.get(f["portable"] or "", "")),
        ("Dependent edema from CHF", _ANSWER_WORDS.get(f["q7_edema"] or "", "")),
        ("Cor pulmonale / pulmonary hypertension", _ANSWER_WORDS.get(f["q8_cor_pulmonale"] or "", "")),
        ("Hematocrit over 56%", _ANSWER_WORDS.get(f["q9_hematocrit"] or "", "")),
    ]
    for label, value in questions:
        p.text(42, y, label, 8.5)
        p.text(300, y, value, 9.5)
        y += 15
    y += 40
    if f["signature_present"]:
        p.signature(50, y - 16, rng)
    p.line(40, y, 300, y, width=1)
    p.text(40, y + 4, "Attending physician signature", 7)
    p.text(360, y - 12, _day_first(f["signature_date"]) if f["signature_date"] else "", 9.5)
    p.line(350, y, 480, y, width=1)
    p.text(350, y + 4, "Date", 7)
    return p.image


def _m_d_y(value: Any) -> str:
    """ "3/2/1942": month and day without their zeros, as a practice system prints a date."""
    if not value:
        return ""
    day = _day(value)
    return f"{day.month}/{day.day}/{day.year}"


def cmn_worksheet(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as a practice's intake worksheet prints it for the supplier: short labels with a colon ("Pt:",
    "MBI#:", "MD:", "LON (mo):", "Dx:"), three pairs to a row, dates month/day/year without zeros, Section B
    as a ruled table of short questions beside their answers (letters and numbers), ink signed after
    "Physician signature:". Drawn after the hospital family was read and kept out of all tuning until its
    first contact was measured (54.32%); read since (2026-12-06): the clinic's shorthand labels, dates without
    their zeros, a table's dashed column rule; the captioned family drawn to be held out in its place."""
    office = _office_rng(f)
    patient, physician, test = f["patient"], f["physician"], f["test"]
    p = scan.Page(dpi)
    last = physician["name"].split(",")[0].title()
    p.text(36, 30, "HOME OXYGEN - CMN WORKSHEET (CMS-484)", 12, bold=True)
    p.text(36, 48, f"{last} {office.choice(('Pulmonary & Sleep', 'Lung Clinic', 'Family Practice'))}  -  "
                   f"prepared for the DME supplier  -  fax (208) 555-0{office.randrange(100, 999)}", 7.5)
    p.line(36, 60, 576, 60, width=1)
    cert = {"initial": "Initial", "revised": "Revised", "recertification": "Recert"}[f["certification_type"]]
    cert_date = f["initial_date"] if f["certification_type"] == "initial" else (
        f["revised_date"] or f["recertification_date"])
    los = f["length_of_need_months"]
    rows = [
        (("Pt:", patient["name"]), ("DOB:", _m_d_y(patient.get("dob"))), ("Cert:", f"{cert} {_m_d_y(cert_date)}")),
        (("MBI#:", patient["mbi"]), ("POS:", f["place_of_service"] or ""), ("HCPCS:", ", ".join(f["hcpcs"]))),
        (("MD:", physician["name"]), ("NPI:", physician["npi"] or ""), ("LON (mo):", "" if los is None else str(los))),
        (("Supplier:", f["supplier"]["name"]), None, ("NSC:", f["supplier"]["nsc"])),
        (("Dx:", ", ".join(f["icd10"])), None, None),
    ]
    y = 72
    for row in rows:
        for x, pair in zip((36, 250, 420), row):
            if pair is not None:
                label, value = pair
                p.text(x, y, label, 8.5, bold=True)
                p.text(x + 6 + 5.2 * len(label), y, value, 9)
        y += 17
    y += 8
    p.text(36, y, "SECTION B - physician's answers", 9.5, bold=True)
    y += 16
    pao2, sao2 = test["pao2_mmhg"], test["sao2_percent"]
    condition = {"rest": "Rest", "exercise": "Exercise", "sleep": "Sleep"}.get(test["condition"] or "", "")
    questions = [
        ("1a  PaO2 (mm Hg)", "" if pao2 is None else str(pao2)),
        ("1b  O2 sat (%)", "" if sao2 is None else str(sao2)),
        ("1c  Test date", _m_d_y(test["date"])),
        ("2   Circumstance (1/2/3)", str(f["q2_circumstance"] or "")),
        ("3   Condition", condition),
        ("4   Portable O2", f["portable"] or ""),
        ("5   Flow (LPM)", str(f["flow_rate_lpm"] or "")),
        ("7   Edema / CHF", f["q7_edema"] or ""),
        ("8   Cor pulmonale", f["q8_cor_pulmonale"] or ""),
        ("9   Hct > 56%", f["q9_hematocrit"] or ""),
    ]
    p.line(36, y - 3, 330, y - 3, width=1)
    for question, answer in questions:
        p.text(42, y, question, 8.5)
        p.text(250, y, answer, 9)
        p.line(36, y + 12, 330, y + 12, width=1)
        y += 15
    p.line(240, y - 15 * len(questions) - 3, 240, y - 3, width=1)
    y += 36
    p.text(36, y, "Physician signature:", 8.5)
    if f["signature_present"]:
        p.signature(140, y - 18, rng)
    p.line(130, y + 10, 330, y + 10, width=1)
    p.text(360, y, f"Date: {_m_d_y(f['signature_date'])}" if f["signature_date"] else "Date:", 8.5)
    return p.image


def _m_d_y_dashed(value: Any) -> str:
    """ "11-05-2026": month, day and year parted by dashes, as some practice systems print a date."""
    return _day(value).strftime("%m-%d-%Y") if value else ""


def cmn_captioned(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """CMS-484 as a medical group's typed form prints it: each value typed on a rule with its caption small
    under the rule (the caption below, not before or above), dates month-day-year parted by dashes, the
    certification's type in words; Section B as numbered questions with the answer typed on a short rule
    before each question (the answer left of its question), the test's condition and circumstance by
    their CMS-484 numbers ("2" for during exercise); ink signed on a rule captioned below. Drawn after the
    worksheet family was read and held out until its first contact was measured (10.83% of fields right, 3.7%
    silent: a caption read as the label of the row below it); read since (2026-12-06): a page's labels take
    the row their values fit, an answer may stand before its question."""
    office = _office_rng(f)
    patient, physician, test = f["patient"], f["physician"], f["test"]
    last = physician["name"].split(",")[0].title()
    p = scan.Page(dpi)
    p.text(36, 30, f"{last} {office.choice(('Medical Group', 'Physicians', 'Health Partners'))}", 12, bold=True)
    p.text(36, 47, "Home oxygen - certificate of medical necessity (CMS-484 content), typed for the supplier", 8)

    def field(x: float, y: float, width: float, caption: str, value: str) -> None:
        p.text(x + 2, y, value, 9.5)
        p.line(x, y + 14, x + width, y + 14, width=1)
        p.text(x, y + 16, caption, 6.5)

    cert = {"initial": "Initial", "revised": "Revised", "recertification": "Recertification"}[f["certification_type"]]
    cert_date = f["initial_date"] if f["certification_type"] == "initial" else (
        f["revised_date"] or f["recertification_date"])
    los = f["length_of_need_months"]
    rows = [
        ((36, 250, "Beneficiary name (last, first)", patient["name"]), (300, 110, "Date of birth",
                                                                      _m_d_y_dashed(patient.get("dob"))),
         (426, 150, "Medicare ID (MBI)", patient["mbi"])),
        ((36, 250, "Certification type", cert), (300, 110, "Certification date", _m_d_y_dashed(cert_date)),
         (426, 150, "Place of service", f["place_of_service"] or "")),
        ((36, 250, "Supplier", f["supplier"]["name"]), (300, 110, "Supplier NSC", f["supplier"]["nsc"]), None),
        ((36, 250, "Ordering physician", physician["name"]), (300, 110, "Physician NPI", physician["npi"] or ""),
         None),
        ((36, 250, "Diagnoses (ICD-10)", "  ".join(f["icd10"])), (300, 110, "HCPCS", " ".join(f["hcpcs"])),
         (426, 150, "Est. length of need (months)", "" if los is None else str(los))),
    ]
    y = 72
    for row in rows:
        for cell in row:
            if cell is not None:
                field(cell[0], y, cell[1], cell[2], cell[3])
        y += 36
    y += 4
    p.text(36, y, "Section B - to be completed by the physician", 9.5, bold=True)
    y += 18
    pao2, sao2 = test["pao2_mmhg"], test["sao2_percent"]
    numbers = {"rest": "1", "exercise": "2", "sleep": "3"}
    questions = [
        ("" if pao2 is None else str(pao2), "1a. Arterial blood gas PO2 (mm Hg)"),
        ("" if sao2 is None else str(sao2), "1b. Oxygen saturation (%)"),
        (_m_d_y_dashed(test["date"]), "1c. Date of the test"),
        (str(f["q2_circumstance"] or ""), "2. Circumstance of the test: 1 outpatient, 2 before discharge, 3 other"),
        (numbers.get(test["condition"] or "", ""), "3. Condition of the test: 1 at rest, 2 exercise, 3 sleep"),
        (f["portable"] or "", "4. Mobile within the home, portable oxygen ordered (Y/N/D)"),
        (str(f["flow_rate_lpm"] or ""), "5. Highest flow rate ordered (LPM)"),
        (f["q7_edema"] or "", "7. Dependent edema due to congestive heart failure (Y/N)"),
        (f["q8_cor_pulmonale"] or "", "8. Cor pulmonale or pulmonary hypertension (Y/N)"),
        (f["q9_hematocrit"] or "", "9. Hematocrit greater than 56% (Y/N)"),
    ]
    for answer, question in questions:
        p.text(40, y, answer, 9.5)
        p.line(36, y + 13, 116, y + 13, width=1)
        p.text(124, y + 1, question, 8.5)
        y += 19
    y += 40
    if f["signature_present"]:
        p.signature(50, y - 18, rng)
    p.line(36, y, 300, y, width=1)
    p.text(36, y + 2, "Physician signature", 6.5)
    p.text(362, y - 13, _m_d_y_dashed(f["signature_date"]), 9.5)
    p.line(360, y, 480, y, width=1)
    p.text(360, y + 2, "Date signed", 6.5)
    return p.image


def swo_letter(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """A standard written order as a letter: the elements in sentences, wherever the letter puts them."""
    office = _office_rng(f)
    practitioner, patient = f["practitioner"], f["patient"]
    last = practitioner["name"].split(",")[0].title()
    p = scan.Page(dpi)
    p.text(36, 36, f"{last} {office.choice(('Pulmonary Associates', 'Internal Medicine', 'Clinic'))}", 13, bold=True)
    p.text(36, 54, "455 RIVER RD, SUITE 200, BOISE ID 83706   PHONE (208) 555-0142", 8)
    order_date = dt.date.fromisoformat(str(f["order_date"]))
    p.text(36, 92, order_date.strftime("%B %d, %Y").replace(" 0", " "), 10)
    p.text(36, 120, "To: Summit Home Medical Supply", 10)
    p.text(36, 146, f"Re: {patient['name']}   Medicare number {patient['mbi']}", 10)
    p.text(36, 176, "Please dispense the following to my patient named above:", 10)
    y = 196
    for item in f["items"]:
        p.text(56, y, f"- {item['description'].lower()}, HCPCS {item['hcpcs']}, quantity {item['quantity']}", 10)
        y += 18
    p.text(36, y + 10, "Refills and length of need as medically necessary. Please call with any questions.", 10)
    p.text(36, y + 50, "Sincerely,", 10)
    if f["signature_present"]:
        p.signature(40, y + 72, rng)
    p.text(36, y + 106, f"{practitioner['name']}, MD", 10)
    if practitioner["npi"]:
        p.text(36, y + 122, f"NPI {practitioner['npi']}", 10)
    return p.image


def swo_page(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    p = scan.Page(dpi)
    practitioner = f["practitioner"]
    p.text(36, 36, f"{practitioner['name'].split(',')[0].title()} Family Medicine", 14, bold=True)
    p.text(36, 56, "1180 W STATE ST, BOISE ID 83702   TEL (208) 555-0199   FAX (208) 555-0198", 8)
    p.line(36, 70, 576, 70)
    p.text(150, 84, "STANDARD WRITTEN ORDER", 14, bold=True)
    p.text(36, 116, f"Order Date: {_d(f['order_date'])}", 10)
    p.text(36, 136, f"Beneficiary Name: {f['patient']['name']}", 10)
    p.text(36, 152, f"Medicare ID (MBI): {f['patient']['mbi']}", 10)
    p.text(36, 180, "Item(s) ordered:", 10, bold=True)
    p.box(36, 196, 540, 20 + 18 * len(f["items"]))
    p.text(44, 200, "HCPCS     DESCRIPTION                                         QUANTITY", 9, mono=True)
    for index, item in enumerate(f["items"]):
        p.text(44, 218 + index * 18, f"{item['hcpcs']:<9} {item['description']:<50} {item['quantity']}", 9, mono=True)
    y = 260 + 18 * len(f["items"])
    p.text(36, y, f"Treating Practitioner: {practitioner['name']}", 10)
    p.text(36, y + 16, f"NPI: {practitioner['npi'] or ''}", 10)
    p.text(36, y + 50, "Practitioner Signature:", 10)
    p.line(180, y + 62, 420, y + 62)
    if f["signature_present"]:
        p.signature(190, y + 48, rng)
    p.text(36, y + 90, "This order is valid for 12 months from the order date unless otherwise stated.", 8)
    return p.image


def swo_ehr(f: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    """A standard written order as an EHR prints an ambulatory DME order: the clinic and a print stamp (a
    date that is not the order's) at the top, the patient's name in mixed case with a medical record number
    beside the MBI, the order's date and number on one row, the items as a table whose columns run quantity,
    item, code, the authorizing provider first name first with a credential and the NPI after it, and an
    electronic signature line (or "pending signature"). Kept out of all tuning (HELD_OUT), reported apart by
    bench/extract.py: its first contact read 49.07% of fields right, 2 silent (a signature said in words taken
    for none, a name's "ri" read "n"), both mended by general rules, nothing read for the family itself."""
    office = _office_rng(f)
    practitioner, patient = f["practitioner"], f["patient"]
    last, _, first = practitioner["name"].partition(",")
    provider = f"{first.strip().title()} {last.strip().title()}, MD"
    order_date = _day(f["order_date"])
    printed = order_date + dt.timedelta(days=office.randrange(0, 3))
    p = scan.Page(dpi)
    p.text(36, 30, f"{last.strip().title()} {office.choice(('Family Medicine', 'Primary Care', 'Internal Medicine'))}",
           11, bold=True)
    p.text(380, 32, f"Printed {printed.strftime('%m/%d/%Y')} {office.randrange(8, 17)}:{office.randrange(10, 59)}"
                    f"   Page 1 of 1", 7.5)
    p.text(36, 50, "AMBULATORY ORDER - DURABLE MEDICAL EQUIPMENT", 10, bold=True)
    p.line(36, 66, 576, 66, width=1)
    p.text(36, 74, f"Patient: {patient['name'].title()}", 9.5)
    p.text(300, 74, f"MRN: {office.randrange(10**7, 10**8):08d}", 9.5)
    p.text(36, 90, f"Medicare (MBI): {patient['mbi']}", 9.5)
    p.text(36, 110, f"Order date: {order_date.strftime('%m/%d/%Y')}", 9.5)
    p.text(300, 110, f"Order #: {office.randrange(10**7, 10**8)}", 9.5)
    p.line(36, 126, 576, 126, width=1)
    p.text(40, 134, "Qty", 8.5, bold=True)
    p.text(80, 134, "Item", 8.5, bold=True)
    p.text(420, 134, "Code", 8.5, bold=True)
    y = 150
    for item in f["items"]:
        p.text(44, y, str(item["quantity"]), 9.5)
        p.text(80, y, item["description"].capitalize(), 9.5)
        p.text(420, y, item["hcpcs"], 9.5)
        y += 16
    p.line(36, y + 2, 576, y + 2, width=1)
    y += 14
    npi = f"   NPI {practitioner['npi']}" if practitioner["npi"] else ""
    p.text(36, y, f"Authorizing provider: {provider}{npi}", 9.5)
    y += 24
    if f["signature_present"]:
        p.text(36, y, f"Electronically signed by {provider} on {order_date.strftime('%m/%d/%Y')}", 9)
    else:
        p.text(36, y, "Order pending signature", 9)
    return p.image


def cover_page(document: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    p = scan.Page(dpi)
    p.text(200, 60, "FAX", 36, bold=True)
    p.text(60, 140, "TO: SUMMIT HOME MEDICAL SUPPLY - INTAKE", 12)
    p.text(60, 164, "FAX: (208) 555-0177", 12)
    p.text(60, 188, f"PAGES (INCLUDING COVER): {2}", 12)
    p.text(60, 212, "RE: DOCUMENTATION AS REQUESTED", 12)
    p.text(60, 260, "CONFIDENTIAL: This fax contains protected health information.", 9)
    return p.image


def render(document: dict[str, Any], fields: dict[str, Any], dpi: int = scan.DPI,
           family: str | None = None) -> tuple[bytes, str]:
    """The document as the fax inbox stores it: (bytes, content type). The inbox's faxes are 200 dpi
    (fine mode); `dpi` draws the same document at another resolution (a 300 dpi fax, for tests); `family`
    prints it as another office would (a test's document kept in the family it was found in)."""
    rng = random.Random(document["noise_seed"])
    drawers = {("cmn", "office"): cmn_page, ("cmn", "ehr"): cmn_page_ehr, ("cmn", "portal"): cmn_portal, ("cmn", "grid"): cmn_grid,
               ("cmn", "billing"): cmn_billing, ("cmn", "hospital"): cmn_hospital, ("cmn", "worksheet"): cmn_worksheet,
               ("cmn", "captioned"): cmn_captioned,
               ("swo", "office"): swo_page, ("swo", "letter"): swo_letter, ("swo", "ehr"): swo_ehr}
    form = drawers[document["doc_type"], family or family_of(document["doc_type"], fields)](fields, rng, dpi)
    pages = [cover_page(document, rng, dpi), form] if rng.random() < 0.3 else [form]
    noise = scan.Noise(skew_deg=3.0, speckle=rng.choice((0.0003, 0.0008, 0.0015)), blur=rng.choice((0.0, 0.5, 0.9)),
                       bilevel=True, scale=rng.choice((1.0, 1.0, 0.94, 1.04)))
    degraded = [scan.degrade(page, rng, noise) for page in pages]
    if document["format"] == "tiff":
        return scan.tiff_g4(degraded, dpi), "image/tiff"
    return pdf.image_pages(degraded, dpi=dpi, title="FAX"), "application/pdf"
