"""What kinds of work exist, which team owns each, its SLA and its outcomes.

The SLAs come from the seeds: denials worked within 2 business days, cash
posting never more than 2-3 business days behind, documentation followed up
every 2-3 days, front-end rejections cleared daily.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# The vocabulary is the bots' API contract, one copy shared with the robots' client (queue_client/contract.py).
from queue_client.contract import TEAM_LABELS, Kind, PayerType, Status, Team

__all__ = ["TEAM_LABELS", "UNRESOLVED", "DeadlineRule", "Kind", "KindSpec", "KINDS", "Outcome", "PayerType", "Status",
           "Team", "spec_of"]

UNRESOLVED = (Status.OPEN, Status.IN_PROGRESS, Status.SNOOZED, Status.ESCALATED)


def spec_of(kind: Kind) -> "KindSpec":
    """The kind's team, SLA, deadline rule and outcomes."""
    return KINDS[kind]


class DeadlineRule(enum.StrEnum):
    """Which payer clock bounds the work (see `deadlines.py`)."""

    APPEAL = "appeal"
    TIMELY_FILING = "timely_filing"
    NONE = "none"


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    label: str
    team: Team
    sla_business_days: int
    deadline_rule: DeadlineRule
    outcomes: tuple[Outcome, ...]

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.outcomes if o.code == code), None)


def _o(*pairs: tuple[str, str]) -> tuple[Outcome, ...]:
    return tuple(Outcome(code, label) for code, label in pairs)


_NO_ACTION = ("no_action_needed", "No action needed")

KINDS: dict[Kind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(Kind.DENIAL, "Denial", Team.DENIALS, 2, DeadlineRule.APPEAL, _o(
            ("appealed", "Appeal / redetermination filed"),
            ("corrected_resubmitted", "Corrected and resubmitted"),
            ("billed_secondary_or_patient", "Billed to secondary or patient"),
            ("written_off", "Written off"),
            ("overturned_paid", "Reprocessed and paid"),
            _NO_ACTION)),
        KindSpec(Kind.CLAIM_NOT_ON_FILE, "Claim not on file", Team.AR, 2, DeadlineRule.TIMELY_FILING, _o(
            ("resubmitted", "Resubmitted"),
            ("found_other_claim", "Found under another claim number"),
            ("written_off_timely_filing", "Written off: timely filing"),
            _NO_ACTION)),
        KindSpec(Kind.PENDING_TOO_LONG, "Pending too long", Team.AR, 5, DeadlineRule.TIMELY_FILING, _o(
            ("payer_contacted", "Payer contacted, follow-up set"),
            ("resubmitted", "Resubmitted"),
            ("paid_since", "Paid since"),
            _NO_ACTION)),
        KindSpec(Kind.FRONT_END_REJECTION, "Front-end rejection", Team.BILLING, 1, DeadlineRule.TIMELY_FILING, _o(
            ("corrected_resubmitted", "Corrected and resubmitted"),
            ("voided", "Claim voided"),
            _NO_ACTION)),
        KindSpec(Kind.INFO_REQUESTED, "Information requested", Team.DOCUMENTATION, 2, DeadlineRule.TIMELY_FILING, _o(
            ("documents_sent", "Requested documents sent"),
            ("physician_contacted", "Physician's office contacted"),
            _NO_ACTION)),
        KindSpec(Kind.CLAIM_REVIEW, "Adjudicated, no payment", Team.AR, 5, DeadlineRule.APPEAL, _o(
            ("appealed", "Appeal filed"),
            ("corrected_resubmitted", "Corrected and resubmitted"),
            ("written_off", "Written off"),
            _NO_ACTION)),
        # Two claims alike (account, date of service, billed) and the payer's answer fits either: a robot never
        # chooses between them.
        KindSpec(Kind.STATUS_AMBIGUOUS, "Status unclear: claims alike", Team.AR, 2, DeadlineRule.TIMELY_FILING, _o(
            ("statused_by_hand", "Status checked at the payer and noted"),
            ("duplicate_voided", "Duplicate claim voided"),
            _NO_ACTION)),
        KindSpec(Kind.UNMATCHED_PAYMENT, "Unmatched payment", Team.CASH_POSTING, 2, DeadlineRule.NONE, _o(
            ("posted_manually", "Posted manually"),
            ("moved_to_account", "Moved to the right account"),
            ("refund_requested", "Refund / return to payer"),
            _NO_ACTION)),
        KindSpec(Kind.UNBALANCED_REMITTANCE, "Unbalanced remittance", Team.CASH_POSTING, 2, DeadlineRule.NONE, _o(
            ("posted_manually", "Posted manually after checking the EOB"),
            ("payer_contacted", "Payer contacted for a corrected EOB"),
            _NO_ACTION)),
        KindSpec(Kind.POSTING_REVIEW, "Posting needs review", Team.CASH_POSTING, 2, DeadlineRule.NONE, _o(
            ("posted_manually", "Checked against the EOB and posted"),
            ("corrected_posting", "Robot's posting corrected"),
            ("corrected_handed_back", "Values corrected; handed back to the robot to post"),
            _NO_ACTION)),
        KindSpec(Kind.RECOUPMENT, "Recoupment", Team.CASH_POSTING, 2, DeadlineRule.NONE, _o(
            ("offset_posted", "Offset posted"),
            ("appealed", "Overpayment disputed"),
            _NO_ACTION)),
        KindSpec(Kind.CMN_INVALID, "CMN / order invalid", Team.DOCUMENTATION, 2, DeadlineRule.TIMELY_FILING, _o(
            ("new_document_requested", "New CMN / order requested from physician"),
            ("corrected_released", "Corrected document received, hold released"),
            ("order_cancelled", "Order cancelled"),
            ("corrected_handed_back", "Misread values corrected; handed back to the robot to release"),
            _NO_ACTION)),
        KindSpec(Kind.CMN_NEEDS_REVIEW, "CMN / order needs review", Team.DOCUMENTATION, 2, DeadlineRule.TIMELY_FILING, _o(
            ("verified_released", "Verified, hold released"),
            ("new_document_requested", "New CMN / order requested from physician"),
            ("corrected_handed_back", "Values checked or corrected; handed back to the robot to release"),
            _NO_ACTION)),
        KindSpec(Kind.PORTAL_FAILURE, "Portal / robot failure", Team.RPA_ADMIN, 1, DeadlineRule.NONE, _o(
            ("credentials_updated", "Credentials updated"),
            ("portal_recovered", "Portal recovered, rerun"),
            ("robot_fixed", "Robot fixed"),
            _NO_ACTION)),
    )
}

