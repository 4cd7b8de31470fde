"""Payer deadlines and SLA dates, from `docs/domain/deadlines-and-benchmarks.md`.

- Timely filing: Medicare 12 months from the date of service (42 CFR 424.44);
  commercial commonly 90 days; configurable per payer.
- Appeal: 120 days from receipt of the initial determination, receipt presumed
  5 days after the remittance date (42 CFR 405.942). Lines denied CO-16 or
  MA130 are unprocessable: no appeal, so the clock is timely filing for the
  corrected claim. CO-29 (timely filing expired) is not appealable at all.
- SLAs count business days: Monday to Friday in the supplier's time zone, less the days it is closed
  (`BusinessCalendar`: by default the US federal holidays as observed, 5 U.S.C. 6103, plus any days the
  supplier names). Payer deadlines stay in calendar days: the earlier reading is the safe one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Iterable, Mapping

from hme_rpa.business_days import BusinessCalendar

from .kinds import DeadlineRule, Kind, PayerType, spec_of


@dataclass(frozen=True)
class PayerRules:
    timely_filing_months: int | None = None
    timely_filing_days: int | None = None
    appeal_days: int = 120
    receipt_presumption_days: int = 5

    def timely_filing(self, service_date: dt.date) -> dt.date:
        if self.timely_filing_months is not None:
            return add_months(service_date, self.timely_filing_months)
        return service_date + dt.timedelta(days=self.timely_filing_days or 90)

    def appeal_limit(self, remittance_date: dt.date) -> dt.date:
        return remittance_date + dt.timedelta(days=self.receipt_presumption_days + self.appeal_days)


DEFAULT_RULES: Mapping[PayerType, PayerRules] = {
    PayerType.MEDICARE: PayerRules(timely_filing_months=12, appeal_days=120),
    PayerType.MEDICAID: PayerRules(timely_filing_days=365, appeal_days=120),
    PayerType.COMMERCIAL: PayerRules(timely_filing_days=90, appeal_days=180),
    PayerType.PRIVATE_PAY: PayerRules(timely_filing_days=365, appeal_days=0),
}

NO_APPEAL_REASONS = frozenset({"16", "MA130"})
NOT_APPEALABLE = frozenset({"29"})


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


DEFAULT_CALENDAR = BusinessCalendar()


@functools.lru_cache(maxsize=4096)  # a night's items carry a few dozen distinct codes
def reason_number(code: str) -> str:
    """`CO-16`, `co16`, `16` -> `16`; remark codes such as MA130 stay as they are."""
    text = code.strip().upper().replace(" ", "")
    for group in ("CO-", "PR-", "OA-", "PI-", "CR-"):
        if text.startswith(group):
            return text[len(group):]
    if text[:2] in {"CO", "PR", "OA", "PI", "CR"} and text[2:].isdigit():
        return text[2:]
    return text


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None
    rule: str


def compute_deadline(
    kind: Kind,
    payer_type: PayerType,
    *,
    service_date: dt.date | None,
    remittance_date: dt.date | None,
    reason_codes: Iterable[str] = (),
    rules: PayerRules | None = None,
) -> Deadline:
    """The date by which the payer must have the appeal or the (re)filed claim."""
    rules = rules or DEFAULT_RULES[payer_type]
    reasons = {reason_number(c) for c in reason_codes}
    clock = spec_of(kind).deadline_rule
    if clock is DeadlineRule.NONE:
        return Deadline(None, "no payer deadline")

    if clock is DeadlineRule.APPEAL:
        if reasons & NOT_APPEALABLE:
            return Deadline(None, "timely filing expired (CO-29): not appealable")
        if reasons & NO_APPEAL_REASONS:
            if service_date is None:
                return Deadline(None, "unprocessable: resubmit (no service date to time it)")
            return Deadline(rules.timely_filing(service_date),
                            "unprocessable (CO-16/MA130): corrected claim within timely filing")
        if remittance_date is not None and rules.appeal_days:
            return Deadline(rules.appeal_limit(remittance_date),
                            f"appeal limit: remittance date + {rules.receipt_presumption_days} "
                            f"+ {rules.appeal_days} days")
    if service_date is not None:
        basis = (f"{rules.timely_filing_months} months" if rules.timely_filing_months
                 else f"{rules.timely_filing_days} days")
        return Deadline(rules.timely_filing(service_date), f"timely filing: date of service + {basis}")
    return Deadline(None, "no date to compute a deadline from")
