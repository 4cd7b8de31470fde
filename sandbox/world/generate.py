"""Build a sandbox world from a seed: every number in it is known, so robots can be checked against it.

The world is plain rows (dicts) for `store.py`. Everything is derived from
`random.Random(seed)`, so the same seed and size give the same world.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import catalog, ids

CENT = Decimal("0.01")
# Seed 002's A/R aging targets (share of claims by days since billing).
AGING = ((0, 30, 0.38), (30, 60, 0.27), (60, 90, 0.17), (90, 120, 0.12), (120, 240, 0.06))
PAYMENT_FLOOR = {"medicare": 14, "commercial": 20}
FOLLOW_UP_DAYS = {"medicare": 21, "commercial": 30}
NEW_REMIT_DAYS = 7  # remittances this recent are not yet posted: tonight's work
HOLD_TYPES = (("cmn", 0.6), ("prior_auth", 0.15), ("automated", 0.15), ("manual", 0.10))


def money(value: Decimal | float | int) -> Decimal:
    return Decimal(value).quantize(CENT)


@dataclass
class World:
    seed: int
    today: dt.date
    payers: list[dict[str, Any]] = field(default_factory=list)
    patients: list[dict[str, Any]] = field(default_factory=list)
    physicians: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    claim_lines: list[dict[str, Any]] = field(default_factory=list)
    payer_claims: list[dict[str, Any]] = field(default_factory=list)
    remittances: list[dict[str, Any]] = field(default_factory=list)
    remit_claims: list[dict[str, Any]] = field(default_factory=list)
    remit_lines: list[dict[str, Any]] = field(default_factory=list)
    plb: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)


def _weighted(rng: random.Random, options: tuple[tuple[Any, float], ...]) -> Any:
    roll = rng.random()
    for value, weight in options:
        if roll < weight:
            return value
        roll -= weight
    return options[-1][0]


class _Builder:
    def __init__(self, seed: int, claims: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.n = claims
        self.w = World(seed=seed, today=today)
        self.supplier_npi = ids.npi(random.Random(seed ^ 0x5EED))

    # --- people ---------------------------------------------------------------
    def people(self) -> None:
        rng = self.rng
        for key, name, payer_type, address in catalog.PAYERS:
            self.w.payers.append({"key": key, "name": name, "payer_type": payer_type, "address": address})
        for index, name in enumerate(catalog.PHYSICIANS, start=1):
            self.w.physicians.append({"id": index, "name": name, "npi": ids.npi(rng)})
        used_accounts: set[str] = set()
        for pid in range(1, max(self.n // 3, 20) + 1):
            payer = "medicare" if rng.random() < 0.6 else "bluriver"
            while True:
                account = f"{rng.randrange(100000, 999999)}-{rng.randrange(1, 10)}"
                if account not in used_accounts:
                    used_accounts.add(account)
                    break
            born = self.w.today - dt.timedelta(days=rng.randrange(62 * 365, 92 * 365))
            self.w.patients.append({
                "id": pid, "account_number": account, "last_name": rng.choice(catalog.LAST_NAMES),
                "first_name": rng.choice(catalog.FIRST_NAMES), "dob": born, "mbi": ids.mbi(rng),
                "member_id": f"BRX{ids.digits(rng, 9)}" if payer == "bluriver" else None,
                "address": f"{rng.randrange(100, 9999)} {rng.choice(catalog.STREETS)}",
                "city": rng.choice(catalog.CITIES), "payer_key": payer,
            })

    # --- claims and what the payer did with them ----------------------------------------
    def claims(self) -> None:
        rng = self.rng
        today = self.w.today
        by_category: dict[str, list[catalog.Product]] = {}
        for product in catalog.PRODUCTS:
            by_category.setdefault(product.category, []).append(product)
        supplies = by_category["supplies"]
        line_id = 0
        for cid in range(1, self.n + 1):
            # A fifth of the claims are the monthly bills of a few long-term rental patients.
            pool = self.w.patients[:10] if rng.random() < 0.2 else self.w.patients
            patient = rng.choice(pool)
            payer_type = "medicare" if patient["payer_key"] == "medicare" else "commercial"
            category = _weighted(rng, (("oxygen", 0.35), ("dme", 0.35), ("rehab", 0.15), ("supplies", 0.15)))
            low, high = _weighted(rng, tuple(((lo, hi), share) for lo, hi, share in AGING))
            age = rng.randrange(low, high)
            submitted = today - dt.timedelta(days=age)
            dos = submitted - dt.timedelta(days=rng.randrange(1, 10))
            products = [rng.choice(by_category[category])]
            if category != "supplies" and rng.random() < 0.3:
                products.append(rng.choice(supplies))
            lines = []
            for number, product in enumerate(products, start=1):
                line_id += 1
                units = product.units
                lines.append({"id": line_id, "claim_id": cid, "line_no": number, "hcpcs": product.hcpcs,
                              "modifiers": " ".join(product.modifiers), "units": units,
                              "description": product.description,
                              "billed": money(product.billed * units), "allowed": money(product.allowed * units),
                              "dos_from": dos, "dos_to": dos + dt.timedelta(days=29 if "RR" in product.modifiers else 0)})
            billed = sum((line["billed"] for line in lines), Decimal("0"))
            claim = {"id": cid, "claim_number": f"C{cid:07d}", "patient_id": patient["id"],
                     "account_number": patient["account_number"], "payer_key": patient["payer_key"],
                     "payer_type": payer_type, "physician_id": rng.choice(self.w.physicians)["id"],
                     "category": category, "dos_from": dos, "dos_to": max(line["dos_to"] for line in lines),
                     "submitted_on": submitted, "billed": billed, "balance": billed, "closed": False,
                     "last_status_note": None}
            self.w.claims.append(claim)
            self.w.claim_lines.extend(lines)
            self._payer_truth(claim, lines, age)

    def _payer_truth(self, claim: dict[str, Any], lines: list[dict[str, Any]], age: int) -> None:
        rng = self.rng
        payer_type = claim["payer_type"]
        floor = PAYMENT_FLOOR[payer_type]
        truth: dict[str, Any] = {"claim_id": claim["id"], "payer_key": claim["payer_key"], "icn": None,
                                 "status_code": "A2", "status_date": claim["submitted_on"] + dt.timedelta(days=1),
                                 "paid": Decimal("0.00"), "denial": None, "remit_date": None}
        icn = ids.digits(rng, 14) if payer_type == "medicare" else f"BR{ids.digits(rng, 11)}"
        if age < floor:
            truth["status_code"] = _weighted(rng, (("A2", 0.85), ("A7", 0.05), ("A4", 0.05), ("P1", 0.05)))
            if truth["status_code"] in ("A2", "P1"):
                truth["icn"] = icn
        else:
            outcome = _weighted(rng, (("final", 0.88), ("A4", 0.03), ("P2", 0.04), ("P3", 0.02), ("R4", 0.01),
                                      ("F4", 0.01), ("A7", 0.01)))
            if outcome != "final":
                truth["status_code"] = outcome
                truth["icn"] = None if outcome in ("A4", "A7") else icn
                truth["status_date"] = claim["submitted_on"] + dt.timedelta(days=min(floor, age - 1))
            else:
                adjudicated = claim["submitted_on"] + dt.timedelta(days=rng.randrange(floor, floor + 8))
                adjudicated = min(adjudicated, self.w.today - dt.timedelta(days=1))
                truth["icn"] = icn
                truth["status_date"] = adjudicated
                truth["remit_date"] = min(adjudicated + dt.timedelta(days=rng.randrange(0, 3)), self.w.today)
                denied = rng.random() < catalog.DENIAL_RATE[claim["category"]]
                truth["denial"] = rng.choice(catalog.DENIALS) if denied else None
                truth["status_code"] = "F2" if denied else "F1"
        claim["_truth"] = truth
        claim["_lines"] = lines
        self.w.payer_claims.append(truth)

    # --- remittances ------------------------------------------------------------------
    def _adjudicate_line(self, line: dict[str, Any], payer_type: str, denial: tuple[str, str, str] | None,
                         deductible_left: Decimal) -> tuple[dict[str, Any], Decimal]:
        billed, allowed = line["billed"], line["allowed"]
        out = {"claim_line_no": line["line_no"], "dos_from": line["dos_from"], "dos_to": line["dos_to"], "pos": "12",
               "units": line["units"], "hcpcs": line["hcpcs"], "modifiers": line["modifiers"], "billed": billed}
        if denial is not None:
            group, reason, remark = denial
            out.update(allowed=Decimal("0.00"), deductible=Decimal("0.00"), coinsurance=Decimal("0.00"),
                       paid=Decimal("0.00"), adjustments=[{"group": group, "reason": reason, "amount": billed}],
                       remarks=[remark] if remark else [])
            return out, deductible_left
        adjustments = []
        if billed > allowed:
            adjustments.append({"group": "CO", "reason": "45", "amount": billed - allowed})
        deductible = min(deductible_left, allowed)
        if deductible:
            adjustments.append({"group": "PR", "reason": "1", "amount": deductible})
        if payer_type == "medicare":
            coins = money((allowed - deductible) * Decimal("0.20"))
            if coins:
                adjustments.append({"group": "PR", "reason": "2", "amount": coins})
            sequestration = money((allowed - deductible - coins) * Decimal("0.02"))
            if sequestration:
                adjustments.append({"group": "CO", "reason": "253", "amount": sequestration})
        else:
            coins = min(Decimal("25.00"), allowed - deductible)
            sequestration = Decimal("0.00")
            if coins:
                adjustments.append({"group": "PR", "reason": "3", "amount": coins})
        paid = allowed - deductible - coins - sequestration
        out.update(allowed=allowed, deductible=deductible, coinsurance=coins, paid=paid, adjustments=adjustments,
                   remarks=[])
        return out, deductible_left - deductible

    def remittances(self) -> None:
        rng = self.rng
        today = self.w.today
        checks: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
        for claim in self.w.claims:
            truth = claim["_truth"]
            if truth["remit_date"] is not None:
                checks.setdefault((claim["payer_key"], truth["remit_date"]), []).append(claim)
        patients = {p["id"]: p for p in self.w.patients}
        remit_id = rc_id = rl_id = 0
        for (payer_key, remit_date), claims in sorted(checks.items()):
            remit_id += 1
            new = (today - remit_date).days < NEW_REMIT_DAYS
            claims.sort(key=lambda c: (patients[c["patient_id"]]["last_name"], patients[c["patient_id"]]["first_name"],
                                       c["id"]))
            check_total = Decimal("0.00")
            for seq, claim in enumerate(claims, start=1):
                truth = claim["_truth"]
                patient = patients[claim["patient_id"]]
                payer_type = claim["payer_type"]
                deductible_left = Decimal("40.00") if remit_date.month <= 2 and rng.random() < 0.3 else Decimal("0")
                partial = truth["denial"] is None and len(claim["_lines"]) > 1 and rng.random() < 0.1
                rc_id += 1
                claim_paid = claim_allowed = claim_pr = Decimal("0.00")
                for line in claim["_lines"]:
                    denial = truth["denial"]
                    if partial and line["line_no"] == len(claim["_lines"]):
                        denial = ("CO", "97", "")
                    rl, deductible_left = self._adjudicate_line(line, payer_type, denial, deductible_left)
                    rl_id += 1
                    rl.update(id=rl_id, remit_claim_id=rc_id, line_no=line["line_no"])
                    self.w.remit_lines.append(rl)
                    claim_paid += rl["paid"]
                    claim_allowed += rl["allowed"]
                    claim_pr += sum((a["amount"] for a in rl["adjustments"] if a["group"] == "PR"), Decimal("0"))
                truth["paid"] = claim_paid
                self.w.remit_claims.append({
                    "id": rc_id, "remit_id": remit_id, "seq": seq, "claim_id": claim["id"],
                    "account_number": claim["account_number"], "patient_name": f"{patient['last_name']}, {patient['first_name']}",
                    "member_id": patient["mbi"] if payer_type == "medicare" else patient["member_id"],
                    "icn": truth["icn"], "status": "paid" if claim_paid > 0 else "denied",
                    "billed": claim["billed"], "allowed": claim_allowed, "paid": claim_paid,
                    "patient_responsibility": claim_pr})
                check_total += claim_paid
                if not new:
                    self._already_posted(claim, claim_paid, claim_pr)
            if new and rng.random() < 0.25:
                # A payment for an account the billing system does not have.
                rc_id += 1
                rl_id += 1
                stray = {"billed": Decimal("120.00"), "allowed": Decimal("84.12")}
                paid = money(stray["allowed"] * Decimal("0.8"))
                self.w.remit_claims.append({
                    "id": rc_id, "remit_id": remit_id, "seq": len(claims) + 1, "claim_id": None,
                    "account_number": f"{rng.randrange(100000, 999999)}-0",
                    "patient_name": f"{rng.choice(catalog.LAST_NAMES)}, {rng.choice(catalog.FIRST_NAMES)}",
                    "member_id": ids.mbi(rng) if payer_key == "medicare" else f"BRX{ids.digits(rng, 9)}",
                    "icn": ids.digits(rng, 14) if payer_key == "medicare" else f"BR{ids.digits(rng, 11)}",
                    "status": "paid",
                    "billed": stray["billed"], "allowed": stray["allowed"], "paid": paid,
                    "patient_responsibility": stray["allowed"] - paid})
                self.w.remit_lines.append({
                    "id": rl_id, "remit_claim_id": rc_id, "line_no": 1, "claim_line_no": 1,
                    "dos_from": remit_date - dt.timedelta(days=30), "dos_to": remit_date - dt.timedelta(days=30),
                    "pos": "12", "units": 1, "hcpcs": "E0143", "modifiers": "NU", "billed": stray["billed"],
                    "allowed": stray["allowed"], "deductible": Decimal("0.00"),
                    "coinsurance": stray["allowed"] - paid, "paid": paid,
                    "adjustments": [{"group": "CO", "reason": "45", "amount": stray["billed"] - stray["allowed"]},
                                    {"group": "PR", "reason": "2", "amount": stray["allowed"] - paid}],
                    "remarks": []})
                check_total += paid
            plb_total = Decimal("0.00")
            if rng.random() < 0.15 and check_total > 200:
                amount = money(rng.randrange(2000, min(15000, int(check_total * 50))) / 100)
                self.w.plb.append({"remit_id": remit_id, "reason": "WO", "reference": ids.digits(rng, 13),
                                   "member_id": ids.mbi(rng), "amount": amount})
                plb_total += amount
            if rng.random() < 0.05:
                interest = -money(rng.randrange(50, 900) / 100)
                self.w.plb.append({"remit_id": remit_id, "reason": "L6", "reference": ids.digits(rng, 13),
                                   "member_id": None, "amount": interest})
                plb_total += interest
            self.w.remittances.append({
                "id": remit_id, "payer_key": payer_key, "check_number": ids.digits(rng, 9), "remit_date": remit_date,
                "amount": check_total - plb_total, "new": new,
                # A misprinted check total: the document will not balance, and must not be posted.
                "misprint": Decimal("0.10") if new and rng.random() < 0.03 else Decimal("0.00")})

    def twins(self) -> None:
        """Claims alike: a patient's claim entered again for the same service (same date of service, lines and
        billed amount), as billing offices do by mistake or for a corrected order. Nothing the payer says about
        either (its patient control number is the account) tells them apart. A claim the payer has not finished
        with (no remittance) is made the double of an earlier one of its patient's; from a generator of its own,
        so the rest of the world is the same as without them."""
        rng = random.Random(self.w.seed ^ 0x7A1)
        lines: dict[int, list[dict[str, Any]]] = {}
        for line in self.w.claim_lines:
            lines.setdefault(line["claim_id"], []).append(line)
        by_patient: dict[int, list[dict[str, Any]]] = {}
        for claim in self.w.claims:
            by_patient.setdefault(claim["patient_id"], []).append(claim)
        doubles = [c for c in self.w.claims if c["_truth"]["remit_date"] is None and not c["closed"]]
        rng.shuffle(doubles)
        # Those due for follow-up first: a claim alike matters to the robots when they ask about it.
        doubles.sort(key=lambda c: (self.w.today - c["submitted_on"]).days < FOLLOW_UP_DAYS[c["payer_type"]])
        made, used = 0, set()
        for double in doubles:
            if made >= max(4, self.n // 200):
                return
            originals = [c for c in by_patient[double["patient_id"]] if c["id"] not in used and c is not double
                         and c["dos_from"] < double["submitted_on"] and len(lines[c["id"]]) == len(lines[double["id"]])]
            if not originals or double["id"] in used:
                continue
            original = rng.choice(originals)
            used |= {original["id"], double["id"]}
            for mine, theirs in zip(lines[double["id"]], lines[original["id"]]):
                mine.update({k: theirs[k] for k in ("hcpcs", "modifiers", "units", "description", "billed", "allowed",
                                                     "dos_from", "dos_to")})
            double.update(dos_from=original["dos_from"], dos_to=original["dos_to"], billed=original["billed"],
                          balance=original["billed"], category=original["category"])
            made += 1

    def _already_posted(self, claim: dict[str, Any], paid: Decimal, pr: Decimal) -> None:
        truth = claim["_truth"]
        if paid > 0:
            claim["balance"] = Decimal("0.00")
            claim["closed"] = True
        else:
            claim["last_status_note"] = f"DENIED {truth['denial'][0]}-{truth['denial'][1]}" if truth["denial"] else None

    # --- holds and their documents ---------------------------------------------------------
    def holds(self) -> None:
        rng = self.rng
        today = self.w.today
        oxygen = [p for p in catalog.PRODUCTS if p.needs_cmn]
        other = [p for p in catalog.PRODUCTS if not p.needs_cmn and p.category != "supplies"]
        for hid in range(1, max(self.n // 25, 4) + 1):
            patient = rng.choice(self.w.patients)
            hold_type = _weighted(rng, HOLD_TYPES)
            use_cmn = rng.random() < 0.5
            product = rng.choice(oxygen if use_cmn else other)
            physician = rng.choice(self.w.physicians)
            opened = today - dt.timedelta(days=rng.randrange(1, 20))
            hold = {"id": hid, "order_number": f"O{hid:06d}", "patient_id": patient["id"],
                    "account_number": patient["account_number"], "hold_type": hold_type, "hcpcs": product.hcpcs,
                    "description": product.description, "opened_on": opened, "document_id": None,
                    "released_at": None, "release_note": None}
            if hold_type == "cmn":
                document = self._document(len(self.w.documents) + 1, patient, physician, product, opened, use_cmn)
                self.w.documents.append(document)
                hold["document_id"] = document["id"]
            self.w.holds.append(hold)

    def _document(self, doc_id: int, patient: dict[str, Any], physician: dict[str, Any],
                  product: catalog.Product, opened: dt.date, is_cmn: bool) -> dict[str, Any]:
        rng = self.rng
        problems: list[str] = []
        if rng.random() >= 0.6:
            choices = (["TEST_NOT_QUALIFYING", "TEST_DATE_OUT_OF_WINDOW", "MISSING_SIGNATURE",
                        "MISSING_SIGNATURE_DATE", "MISSING_HCPCS", "MISSING_LENGTH_OF_NEED", "MISSING_TEST_RESULT"]
                       if is_cmn else ["MISSING_SIGNATURE", "MISSING_PRACTITIONER_NPI"])
            problems = [rng.choice(choices)]
        name = f"{patient['last_name']}, {patient['first_name']}"
        initial = opened - dt.timedelta(days=rng.randrange(0, 5))
        fields: dict[str, Any]
        if is_cmn:
            group = 2 if rng.random() < 0.25 else 1
            pao2: int | None
            sao2: int | None
            if "TEST_NOT_QUALIFYING" in problems:
                pao2, sao2 = (rng.randrange(60, 75), None) if rng.random() < 0.5 else (None, rng.randrange(90, 95))
                group = 0
            elif group == 1:
                pao2, sao2 = (rng.randrange(42, 56), None) if rng.random() < 0.5 else (None, rng.randrange(80, 89))
            else:
                pao2, sao2 = (rng.randrange(56, 60), None) if rng.random() < 0.5 else (None, 89)
            q7 = q8 = q9 = "N"
            if group == 2:
                q7, q8, q9 = rng.choice((("Y", "N", "N"), ("N", "Y", "N"), ("N", "N", "Y")))
            test_date = initial - dt.timedelta(days=rng.randrange(0, 31))
            if "TEST_DATE_OUT_OF_WINDOW" in problems:
                test_date = (initial - dt.timedelta(days=rng.randrange(35, 90)) if rng.random() < 0.7
                             else initial + dt.timedelta(days=rng.randrange(1, 6)))
            if "MISSING_TEST_RESULT" in problems:
                pao2 = sao2 = None
            fields = {
                "document_type": "cmn", "form": "CMS-484", "certification_type": "initial",
                "initial_date": initial, "revised_date": None, "recertification_date": None,
                "patient": {"name": name, "mbi": patient["mbi"], "dob": patient["dob"],
                            "address": f"{patient['address']}, {patient['city']}"},
                "supplier": {"name": catalog.SUPPLIER["name"], "nsc": ids.digits(random.Random(self.w.seed), 10)},
                "physician": {"name": physician["name"], "npi": physician["npi"]},
                "place_of_service": "12",
                "hcpcs": [] if "MISSING_HCPCS" in problems else [product.hcpcs],
                "length_of_need_months": None if "MISSING_LENGTH_OF_NEED" in problems else rng.choice((12, 99, 6)),
                "icd10": rng.sample(catalog.ICD10["oxygen"], 2),
                "test": {"pao2_mmhg": pao2, "sao2_percent": sao2, "date": test_date,
                         "condition": rng.choice(("rest", "rest", "exercise", "sleep"))},
                "q2_circumstance": 1, "portable": rng.choice(("Y", "N", "D")), "flow_rate_lpm": rng.choice((2, 3, 4)),
                "q7_edema": q7, "q8_cor_pulmonale": q8, "q9_hematocrit": q9,
                "signature_present": "MISSING_SIGNATURE" not in problems,
                "signature_date": None if "MISSING_SIGNATURE_DATE" in problems else initial,
            }
        else:
            fields = {
                "document_type": "swo", "order_date": initial,
                "patient": {"name": name, "mbi": patient["mbi"]},
                "items": [{"hcpcs": product.hcpcs, "description": product.description, "quantity": 1}],
                "practitioner": {"name": physician["name"],
                                 "npi": None if "MISSING_PRACTITIONER_NPI" in problems else physician["npi"]},
                "signature_present": "MISSING_SIGNATURE" not in problems,
            }
        return {"id": doc_id, "patient_id": patient["id"], "doc_type": "cmn" if is_cmn else "swo",
                "fields": fields, "valid": not problems, "problems": problems,
                "format": rng.choice(("pdf", "pdf", "tiff")), "received_on": opened + dt.timedelta(days=1),
                "noise_seed": rng.randrange(1 << 30)}


def generate(seed: int, claims: int, today: dt.date) -> World:
    if claims < 1:
        raise ValueError("the sandbox needs at least one claim")
    builder = _Builder(seed, claims, today)
    builder.people()
    builder.claims()
    builder.remittances()
    builder.holds()
    builder.twins()
    for claim in builder.w.claims:
        claim.pop("_truth")
        claim.pop("_lines")
    return builder.w
