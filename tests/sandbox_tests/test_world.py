"""The sandbox's ground truth is internally consistent: every remittance balances to the cent, ids are valid."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox.documents import spr
from sandbox.world import truth
from sandbox.world.generate import generate
from sandbox.world.ids import npi_is_valid
from sandbox.world.store import Store, dec, save

TODAY = dt.date(2026, 11, 22)
MBI = re.compile(r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]"
                 r"[AC-HJKMNP-RT-Y]{2}[0-9]{2}$")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3"
    save(generate(seed=7, claims=3000, today=TODAY), path)
    return Store(path)


def test_same_seed_same_world() -> None:
    a, b = generate(3, 200, TODAY), generate(3, 200, TODAY)
    assert a.claims == b.claims and a.remit_lines == b.remit_lines and a.documents == b.documents
    assert generate(4, 200, TODAY).claims != a.claims


def test_every_remittance_balances_to_the_cent(store: Store) -> None:
    checked = 0
    for remit in store.all("SELECT * FROM remittances"):
        claims_paid = Decimal(0)
        for rc in store.all("SELECT * FROM remit_claims WHERE remit_id = ?", remit["id"]):
            lines = store.all("SELECT * FROM remit_lines WHERE remit_claim_id = ?", rc["id"])
            claim_adj = Decimal(0)
            claim_pr = Decimal(0)
            for line in lines:
                adjustments = json.loads(line["adjustments"])
                total_adj = sum((dec(a["amount"]) for a in adjustments), Decimal(0))
                assert dec(line["billed"]) - total_adj == dec(line["paid"]), (remit["id"], rc["id"], line["line_no"])
                assert all(a["group"] in ("CO", "PR", "OA", "PI", "CR") for a in adjustments)
                claim_adj += total_adj
                claim_pr += sum((dec(a["amount"]) for a in adjustments if a["group"] == "PR"), Decimal(0))
            assert dec(rc["billed"]) - claim_adj == dec(rc["paid"])
            assert claim_pr == dec(rc["patient_responsibility"])
            assert sum((dec(line["paid"]) for line in lines), Decimal(0)) == dec(rc["paid"])
            claims_paid += dec(rc["paid"])
        plb = sum((dec(p["amount"]) for p in store.all("SELECT amount FROM plb WHERE remit_id = ?", remit["id"])),
                  Decimal(0))
        assert claims_paid - plb == dec(remit["amount"]), remit["id"]
        assert dec(remit["amount"]) >= 0  # an all-denied remittance carries no money
        checked += 1
    assert checked > 20


def test_truth_lists_postings_only_for_balanced_remittances(store: Store) -> None:
    remits = truth.remittances(store)
    assert remits and all(r["new"] for r in remits)
    for r in remits:
        if not r["balanced"]:
            assert r["postings"] == [] and r["printed_amount"] != r["amount"]
            continue
        posted = sum((dec(p["paid"]) for p in r["postings"]), Decimal(0))
        unmatched = sum((dec(c["paid"]) for c in r["claims"] if not c["matched"]), Decimal(0))
        plb = sum((dec(p["amount"]) for p in r["provider_adjustments"]), Decimal(0))
        assert posted + unmatched - plb == dec(r["amount"])


def test_denial_rates_by_category_are_close_to_seed_002() -> None:
    world = generate(11, 8000, TODAY)
    category = {c["id"]: c["category"] for c in world.claims}
    final: dict[str, list[int]] = {}
    for p in world.payer_claims:
        if p["status_code"] in ("F1", "F2"):
            final.setdefault(category[p["claim_id"]], []).append(p["status_code"] == "F2")
    rates = {k: sum(v) / len(v) for k, v in final.items()}
    assert abs(rates["oxygen"] - 0.08) < 0.03 and abs(rates["dme"] - 0.28) < 0.04 and abs(rates["rehab"] - 0.40) < 0.06


def test_aging_spreads_claims_across_the_buckets(store: Store) -> None:
    ages = [(TODAY - dt.date.fromisoformat(r["submitted_on"])).days for r in store.all("SELECT submitted_on FROM claims")]
    share = lambda lo, hi: sum(lo <= a < hi for a in ages) / len(ages)  # noqa: E731
    assert 0.33 < share(0, 30) < 0.43 and 0.22 < share(30, 60) < 0.32 and 0.03 < share(120, 999) < 0.10


def test_identifiers_pass_their_checks(store: Store) -> None:
    assert all(npi_is_valid(r["npi"]) for r in store.all("SELECT npi FROM physicians"))
    assert npi_is_valid(spr.supplier_npi_of(store))
    assert all(MBI.match(r["mbi"]) for r in store.all("SELECT mbi FROM patients"))


def _qualifies(test: dict, q7: str, q8: str, q9: str) -> bool:
    pao2, sao2 = test["pao2_mmhg"], test["sao2_percent"]
    group1 = (pao2 is not None and pao2 <= 55) or (sao2 is not None and sao2 <= 88)
    group2 = ((pao2 is not None and 56 <= pao2 <= 59) or sao2 == 89) and "Y" in (q7, q8, q9)
    return group1 or group2


def test_documents_validity_follows_the_cmn_rules() -> None:
    """An independent reading of docs/domain/medical-necessity.md against each generated document."""
    seen: set[str] = set()
    documents = generate(seed=5, claims=12000, today=TODAY).documents
    for doc in documents:
        fields = json.loads(json.dumps(doc["fields"], default=str))
        problems = set(doc["problems"])
        seen |= problems
        expected: set[str] = set()
        if fields["document_type"] == "cmn":
            test = fields["test"]
            if test["pao2_mmhg"] is None and test["sao2_percent"] is None:
                expected.add("MISSING_TEST_RESULT")
            elif not _qualifies(test, fields["q7_edema"], fields["q8_cor_pulmonale"], fields["q9_hematocrit"]):
                expected.add("TEST_NOT_QUALIFYING")
            initial, tested = dt.date.fromisoformat(fields["initial_date"]), dt.date.fromisoformat(test["date"])
            if tested > initial or (initial - tested).days > 30:
                expected.add("TEST_DATE_OUT_OF_WINDOW")
            if not fields["signature_present"]:
                expected.add("MISSING_SIGNATURE")
            if not fields["signature_date"]:
                expected.add("MISSING_SIGNATURE_DATE")
            if not fields["hcpcs"]:
                expected.add("MISSING_HCPCS")
            if fields["length_of_need_months"] is None:
                expected.add("MISSING_LENGTH_OF_NEED")
        else:
            if not fields["signature_present"]:
                expected.add("MISSING_SIGNATURE")
            if not fields["practitioner"]["npi"]:
                expected.add("MISSING_PRACTITIONER_NPI")
        assert problems == expected, (doc["id"], problems, expected)
        assert doc["valid"] == (not problems)
    assert seen == {"TEST_NOT_QUALIFYING", "TEST_DATE_OUT_OF_WINDOW", "MISSING_SIGNATURE", "MISSING_SIGNATURE_DATE",
                    "MISSING_HCPCS", "MISSING_LENGTH_OF_NEED", "MISSING_TEST_RESULT", "MISSING_PRACTITIONER_NPI"}


def test_spr_pdf_carries_every_claim_and_the_check_amount(store: Store, tmp_path: Path) -> None:
    remit = store.one("""SELECT r.* FROM remittances r WHERE payer_key = 'medicare' AND new = 1
                         ORDER BY (SELECT count(*) FROM remit_claims WHERE remit_id = r.id) DESC LIMIT 1""")
    assert remit is not None
    path = tmp_path / "remit.pdf"
    path.write_bytes(spr.render(store, remit["id"]))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.count("\f")
    assert pages >= 2 and f"PAGE #: {pages} OF {pages}" in text
    assert "MEDICARE REMITTANCE ADVICE" in text and f"CHECK/EFT #: {remit['check_number']}" in text
    printed = dec(remit["amount"]) + dec(remit["misprint"])
    assert f"CHECK AMT {printed:,.2f}".replace("CHECK AMT ", "") in text
    for rc in store.all("SELECT account_number FROM remit_claims WHERE remit_id = ?", remit["id"]):
        assert f"ACNT {rc['account_number']}" in text


def test_expected_exceptions_are_listed_once(store: Store) -> None:
    everything = truth.everything(store)
    keys = [(e["kind"], e["ref"]) for e in everything["expected_exceptions"]]
    assert len(keys) == len(set(keys))
    kinds = {k for k, _ in keys}
    assert {"denial", "claim_not_on_file", "cmn_invalid", "pending_too_long"} <= kinds


def test_truth_describes_the_starting_point_not_tonights_changes(tmp_path: Path) -> None:
    from sandbox.world import billing

    path = tmp_path / "sandbox.sqlite3"
    save(generate(seed=9, claims=400, today=TODAY), path)
    store = Store(path)
    before = truth.everything(store)
    due = next(c for c in before["claims"] if c["due_for_follow_up"])
    line = store.one("SELECT * FROM claim_lines WHERE claim_id = (SELECT id FROM claims WHERE claim_number = ?) "
                     "AND line_no = 1", due["claim_number"])
    billing.post(store, due["claim_number"], "999", [billing.LinePosting(1, dec(line["billed"]), ())], "test")
    after = truth.everything(store)
    assert after["claims"] == before["claims"] and after["expected_exceptions"] == before["expected_exceptions"]
    assert [row["kind"] for row in truth.ledger(store)] == ["payment"]
