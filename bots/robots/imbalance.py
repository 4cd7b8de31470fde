"""Where a remittance fails to balance, in numbers a biller can check against the page.

The extractor says which rules failed (UNBALANCED_LINE, UNBALANCED_CLAIM, UNBALANCED_PAYMENT); a person
working the item needs the line or claim and the amounts. The rules and their sentences live with the
extractor's balancing (`extractors.remittance.balance.explain`), written once; this reads the extractor's
JSON, as the robot holds it, into the extractor's model first.
"""

from __future__ import annotations

from typing import Any

from extractors.models import Remittance
from extractors.remittance import balance


def explain(remit: dict[str, Any], limit: int = 12) -> list[str]:
    """One sentence per failed rule, lines first within each claim, then the check; at most `limit`."""
    return balance.explain(Remittance.model_validate(remit), limit)
