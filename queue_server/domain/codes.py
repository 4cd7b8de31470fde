"""Words for the codes payers print (docs/domain/remittances.md and claim-status.md), so a biller reads
"CO-16 lacks information or billing error; unprocessable" rather than a code alone."""

from __future__ import annotations

from .deadlines import reason_number

# Claim adjustment reasons (CARC, by number, whatever the group) and remarks (RARC).
_REASONS = {
    "1": "deductible", "2": "coinsurance", "3": "copay",
    "4": "procedure inconsistent with modifier, or modifier missing",
    "16": "lacks information or billing error; unprocessable",
    "18": "exact duplicate", "29": "time limit for filing expired", "45": "charge exceeds the fee schedule",
    "50": "not medically necessary", "97": "included in the payment for another service",
    "197": "precertification or authorization absent", "253": "sequestration reduction",
}
_REMARKS = {
    "N290": "missing or invalid rendering provider identifier",
    "MA130": "incomplete or invalid claim; no appeal rights, resubmit",
    "MA01": "appeal rights notice", "MA18": "claim crossed over to the secondary payer",
}
# What the readers and robots find wrong with a CMN, an order or a remittance (docs/domain/medical-necessity.md, remittances.md).
_PROBLEMS = {
    "TEST_NOT_QUALIFYING": "the oxygen test result meets neither Group I nor Group II",
    "TEST_DATE_OUT_OF_WINDOW": "the test is dated after the initial date, or too long before it",
    "MISSING_SIGNATURE": "no signature in the physician's or practitioner's signature field",
    "MISSING_SIGNATURE_DATE": "the signature date is empty", "MISSING_PRACTITIONER_NPI": "no practitioner NPI",
    "MISSING_HCPCS": "no HCPCS code", "MISSING_LENGTH_OF_NEED": "no length of need",
    "MISSING_TEST_RESULT": "no oxygen test result", "NO_DOCUMENT": "no CMN or order in the fax inbox",
    "UNBALANCED_LINE": "a service line's billed less adjustments is not its paid amount",
    "UNBALANCED_CLAIM": "a claim's totals are not the sums of its lines",
    "UNBALANCED_PAYMENT": "the check amount is not the claims' payments less provider adjustments",
}
# Claim status category codes (277 / the payers' portals), by their letter and number.
_STATUS = {
    "A1": "received", "A2": "accepted into adjudication", "A3": "returned as unprocessable",
    "A4": "not found at the payer", "A6": "rejected for missing information", "A7": "rejected for invalid information",
    "A8": "rejected for relational field errors", "P0": "pending", "P1": "pending: in process",
    "P2": "pending: payer review", "P3": "pending: information requested from the provider",
    "P4": "pending: information requested from the patient", "P5": "pending: administrative hold",
    "F1": "finalized: paid", "F2": "finalized: denied", "F3": "finalized: revised",
    "F4": "finalized: adjudicated, no payment forthcoming",
}


def meaning(code: str) -> str:
    """What a reason, remark or claim status code means; "" when it is not one we know."""
    text = code.strip().upper()
    return (_PROBLEMS.get(text) or _REMARKS.get(text) or _STATUS.get(text)
            or _REASONS.get(reason_number(text), ""))


def with_words(code: str) -> str:
    """"CO-16 (lacks information or billing error; unprocessable)", or the code alone."""
    words = meaning(code)
    return f"{code} ({words})" if words else code
