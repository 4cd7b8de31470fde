"""Checks that turn misreads into review flags: identifier patterns, check digits, plausible dates."""

from __future__ import annotations

import re

_MBI = re.compile(r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]"
                  r"[AC-HJKMNP-RT-Y]{2}[0-9]{2}$")
_HCPCS = re.compile(r"^[A-CEGHJ-MP-V]\d{4}$")
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")


# The supplier's own patient account numbers (the billing system's format); a payer echoes them back.
ACCOUNT = re.compile(r"^\d{6}-\d$")


def is_account(value: str | None) -> bool:
    return bool(value) and bool(ACCOUNT.match(value))  # type: ignore[arg-type]


def is_mbi(value: str) -> bool:
    return bool(_MBI.match(value))


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_npi(value: str | None) -> bool:
    """Ten digits whose last is the Luhn check digit over '80840' + the first nine (CMS NPI standard)."""
    return bool(value) and len(value) == 10 and value.isdigit() and luhn_ok("80840" + value)  # type: ignore[arg-type]


def is_hcpcs(value: str) -> bool:
    return bool(_HCPCS.match(value))


def is_icd10(value: str) -> bool:
    return bool(_ICD10.match(value))


# The HCPCS Level II modifiers a DMEPOS claim carries (rental and purchase, the medical-necessity and ABN
# attestations, the replacement, the anatomic, the oxygen's flow, the competitive bid's): where a service's
# description follows its code and modifiers ("E0439 RR  STATIONARY LIQUID OXYGEN SY"), a word of two characters is
# a modifier only when it is one of these.
DME_MODIFIERS = frozenset((
    "AU", "AV", "AW", "AX", "AY", "BA", "BO", "BP", "BR", "BU", "CG", "CR", "EY", "GA", "GK", "GL", "GY", "GZ",
    "KA", "KB", "KC", "KD", "KE", "KF", "KG", "KH", "KI", "KJ", "KK", "KL", "KM", "KN", "KO", "KP", "KQ", "KR", "KS",
    "KT", "KU", "KV", "KW", "KX", "KY", "K0", "K1", "K2", "K3", "K4", "LL", "LT", "RT", "MS", "NR", "NU", "QE", "QF",
    "QG", "QH", "RA", "RB", "RR", "SC", "TW", "UE", "J5", "JW", "JZ", "59", "76", "77", "79", "99", "XE", "XP", "XS",
    "XU"))
