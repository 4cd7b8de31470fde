"""The CMN and written-order rules of docs/domain/medical-necessity.md, as one rule set a payer can override.

    rules = RuleSet(test_window_days=45)   # a payer that allows an older qualifying test
    problems = rules.cmn_problems(cmn)
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cmn, Swo


@dataclass(frozen=True)
class RuleSet:
    group1_pao2_max: int = 55
    group1_sao2_max: int = 88
    group2_pao2: tuple[int, int] = (56, 59)
    group2_sao2: int = 89
    test_window_days: int = 30

    def qualifies(self, cmn: Cmn) -> bool:
        pao2, sao2 = cmn.test.pao2_mmhg, cmn.test.sao2_percent
        group1 = (pao2 is not None and pao2 <= self.group1_pao2_max) or (sao2 is not None and sao2 <= self.group1_sao2_max)
        group2_result = ((pao2 is not None and self.group2_pao2[0] <= pao2 <= self.group2_pao2[1])
                         or sao2 == self.group2_sao2)
        group2 = group2_result and "Y" in (cmn.q7_edema, cmn.q8_cor_pulmonale, cmn.q9_hematocrit)
        return group1 or group2

    def cmn_problems(self, cmn: Cmn) -> list[str]:
        problems = []
        if cmn.test.pao2_mmhg is None and cmn.test.sao2_percent is None:
            problems.append("MISSING_TEST_RESULT")
        elif not self.qualifies(cmn):
            problems.append("TEST_NOT_QUALIFYING")
        if cmn.initial_date is not None and cmn.test.date is not None:
            days = (cmn.initial_date - cmn.test.date).days
            if days < 0 or days > self.test_window_days:
                problems.append("TEST_DATE_OUT_OF_WINDOW")
        if not cmn.signature_present:
            problems.append("MISSING_SIGNATURE")
        if cmn.signature_date is None:
            problems.append("MISSING_SIGNATURE_DATE")
        if not cmn.hcpcs:
            problems.append("MISSING_HCPCS")
        if cmn.length_of_need_months is None:
            problems.append("MISSING_LENGTH_OF_NEED")
        return problems

    def rule_fields(self, document: Cmn | Swo) -> tuple[str, ...]:
        """The fields this document's verdict reads. A CMN's questions 7-9 count only when its test result
        falls in Group II: a result that qualifies (or fails) on its own makes their answers moot."""
        if isinstance(document, Swo):
            return SWO_RULE_FIELDS
        pao2, sao2 = document.test.pao2_mmhg, document.test.sao2_percent
        group2 = ((pao2 is not None and self.group2_pao2[0] <= pao2 <= self.group2_pao2[1]) or sao2 == self.group2_sao2
                  or (pao2 is None and sao2 is None))
        return CMN_RULE_FIELDS if group2 else tuple(f for f in CMN_RULE_FIELDS if f not in GROUP2_QUESTIONS)

    def rests_on(self, document: Cmn | Swo) -> list[str]:
        """The document's fields in doubt that its verdict reads (its other doubts do not change it)."""
        fields = self.rule_fields(document)
        return [path for path in document.review if any(_related(path, f) for f in fields)]

    def swo_problems(self, swo: Swo) -> list[str]:
        problems = []
        if not swo.signature_present:
            problems.append("MISSING_SIGNATURE")
        if not swo.practitioner.npi:
            problems.append("MISSING_PRACTITIONER_NPI")
        if not swo.items or not any(item.hcpcs for item in swo.items):
            problems.append("MISSING_HCPCS")
        return problems


DEFAULT_RULES = RuleSet()

# The fields each rule reads: a rule's verdict is only as good as these (under review: not `valid`).
CMN_RULE_FIELDS = ("test.pao2_mmhg", "test.sao2_percent", "test.date", "initial_date", "signature_present",
                   "signature_date", "hcpcs", "length_of_need_months", "q7_edema", "q8_cor_pulmonale", "q9_hematocrit",
                   "patient.mbi", "physician.npi")
GROUP2_QUESTIONS = ("q7_edema", "q8_cor_pulmonale", "q9_hematocrit")
# An order's rules read whether each item names a HCPCS, not its description or quantity ("*": any index).
SWO_RULE_FIELDS = ("signature_present", "practitioner.npi", "items.*.hcpcs", "patient.mbi", "order_date")


def verdict(review: list[str], problems: list[str], rule_fields: tuple[str, ...]) -> tuple[list[str], bool]:
    """(review without repeats, valid): valid only with no problem and no rule's field in doubt."""
    review = list(dict.fromkeys(review))
    doubtful = any(_related(path, f) for path in review for f in rule_fields)
    if doubtful:
        # The rules ran on a value in doubt: which problems there are, and so the verdict, is in doubt too
        # (a problem found may not be there, one missed may be). Settled when that value is (VERDICT_PATHS).
        review += [p for p in VERDICT_PATHS if p not in review]
    return review, not problems and not doubtful


# What `verdict` lists when the rules' answer rests on a field in doubt: derived, settled with that field.
VERDICT_PATHS = ("valid", "problems")


def _related(path: str, field: str) -> bool:
    """Whether `path` (under review) is `field`, holds it or lies inside it; "*" in `field` is any list index."""
    have, want = path.split("."), field.split(".")
    return all(w == h or (w == "*" and h.isdigit()) for h, w in zip(have, want))
