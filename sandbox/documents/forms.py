"""The CMS-484 oxygen CMN and the standard written order, filled in and printed as a physician's office would."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from PIL import Image

from ..world import catalog
from . import pdf, scan


def _d(value: Any) -> str:
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return day.strftime("%m/%d/%Y")


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


def cover_page(document: dict[str, Any], rng: random.Random, dpi: int = scan.DPI) -> Image.Image:
    p = scan.Page(dpi)
    p.text(200, 60, "FAX", 36, bold=True)
    p.text(60, 140, "TO: SUMMIT HOME MEDICAL SUPPLY - INTAKE", 12)
    p.text(60, 164, "FAX: (208) 555-0177", 12)
    p.text(60, 188, f"PAGES (INCLUDING COVER): {2}", 12)
    p.text(60, 212, "RE: DOCUMENTATION AS REQUESTED", 12)
    p.text(60, 260, "CONFIDENTIAL: This fax contains protected health information.", 9)
    return p.image


def render(document: dict[str, Any], fields: dict[str, Any], dpi: int = scan.DPI) -> tuple[bytes, str]:
    """The document as the fax inbox stores it: (bytes, content type). The inbox's faxes are 200 dpi
    (fine mode); `dpi` draws the same document at another resolution (a 300 dpi fax, for tests)."""
    rng = random.Random(document["noise_seed"])
    form = cmn_page(fields, rng, dpi) if document["doc_type"] == "cmn" else swo_page(fields, rng, dpi)
    pages = [cover_page(document, rng, dpi), form] if rng.random() < 0.3 else [form]
    noise = scan.Noise(skew_deg=3.0, speckle=rng.choice((0.0003, 0.0008, 0.0015)), blur=rng.choice((0.0, 0.5, 0.9)),
                       bilevel=True, scale=rng.choice((1.0, 1.0, 0.94, 1.04)))
    degraded = [scan.degrade(page, rng, noise) for page in pages]
    if document["format"] == "tiff":
        return scan.tiff_g4(degraded, dpi), "image/tiff"
    return pdf.image_pages(degraded, dpi=dpi, title="FAX"), "application/pdf"
