"""The robots. Each says which portals it needs, plans a night's units, and works one unit."""

from __future__ import annotations

from .base import Robot
from .billing_reports import BillingReportsRobot
from .claim_status import ClaimStatusRobot
from .cmn_pull import CmnPullRobot
from .eob_posting import EobPostingRobot

ROBOTS: dict[str, type[Robot]] = {"claim-status": ClaimStatusRobot, "eobs": EobPostingRobot, "cmns": CmnPullRobot,
                               "reports": BillingReportsRobot}

__all__ = ["ROBOTS", "Robot"]
