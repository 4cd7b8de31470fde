"""A biller's correction, handed back, is posted by the EOB robot exactly once, checked against the sandbox's
ledger (issue 31): the loop from a misread on a scan to the cash on the claim, with who did what."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bots.robots.eob_posting import ClaimToPost
from bots.runner import run_robot
from bots.runtime.guard import Policy
from browser import require_chromium
from extractors import extract
from night import TODAY, night
from queue_client import QueueClient
from queue_server.db import make_engine
from queue_server.domain.kinds import Kind, Team
from queue_server.models import Correction, CorrectionState, EventType, ItemEvent, Role, WorkItem
from queue_server.services import auth, corrections, queue
from sandbox.documents import eob
from sandbox.world.truth import expected_ledger

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_corrected_posting_review_is_posted_once_with_the_corrected_values(tmp_path: Path, pg_url: str) -> None:
    require_chromium()
    with night(tmp_path, pg_url, seed=11, claims=160, faults=False) as n:
        # A Blue River check the night does not post (HME_EOB_PAYERS=medicare below): one of its claims is the
        # one a person corrects, as if its first line's paid amount had been misread on a scan.
        remit = next(r for r in n.expected["remittances"] if r["payer"] == "bluriver" and r["balanced"]
                     and r["postings"] and eob.family_of(r["check_number"]) != eob.HELD_OUT)
        number = remit["postings"][0]["claim_number"]
        remit_id = n.store.scalar("SELECT id FROM remittances WHERE check_number = ?", remit["check_number"])
        path = tmp_path / "eob.pdf"
        path.write_bytes(eob.render(n.store, remit_id))
        read = extract(path).model_dump(mode="json")
        account = next(c["account_number"] for c in remit["claims"] if c["claim_number"] == number)
        index, claim = next((i, c) for i, c in enumerate(read["claims"]) if c["account_number"] == account)
        printed = claim["lines"][0]["paid"]
        claim["lines"][0]["paid"] = f"{Decimal(printed) + Decimal('10.00'):.2f}"  # the misread
        filed = ClaimToPost.from_extracted(remit["check_number"], {"source": "eobs", "payer": "Blue River Health Plan",
                                                    "payer_type": "commercial", "remittance_date": remit["remit_date"]},
                            claim, index, [f"claims.{index}.lines.0.paid"]).posting_review(
            None, "Claim not read with certainty; not posted", "Fields under review: lines.0.paid")

        engine = make_engine(n.config.database_url)
        with Session(engine, expire_on_commit=False) as session:
            token = auth.create_token(session, "eobs-filer")
            session.commit()
            QueueClient(n.queue_url, token).create_many([filed])  # filed as the robot files it, through the API
            item = session.scalars(select(WorkItem).where(WorkItem.kind == Kind.POSTING_REVIEW)).one()
            biller = auth.create_user(session, n.config, username="cal", password="cal-password-long-1",
                                      role=Role.BILLER, teams=[Team.CASH_POSTING])
            session.commit()
            queue.take(session, item, biller, lease=dt.timedelta(minutes=20))
            corrections.hand_back(session, item, biller, {"lines.0.paid": printed}, "paid read 10.00 too high")

        config = dataclasses.replace(n.config, eob_payers="medicare")
        policy = Policy(retries=3, backoff=0.2, breaker_threshold=12)

        def posted() -> Counter[tuple[object, ...]]:
            return Counter(row for row in n.ledger().elements() if row[1] == number)

        want = Counter(r for r in expected_ledger([remit]) if r[1] == number)
        assert want and posted() == Counter()  # nothing of it before the correction
        for _ in range(2):  # the second night finds the correction finished: nothing posted again
            summary = asyncio.run(run_robot(config, "eobs", night=TODAY, contexts=1, vault=n.vault, policy=policy,
                                            trace=False))
            assert summary.status.value == "finished", summary.error
            assert posted() == want, (posted(), want)

        with Session(engine) as session:
            correction = session.scalars(select(Correction)).one()
            assert correction.state is CorrectionState.HELD and "read back as expected" in correction.detail
            events = session.scalars(select(ItemEvent).where(ItemEvent.item_id == item.id)
                                     .order_by(ItemEvent.id)).all()
            corrected = next(e for e in events if e.type is EventType.CORRECTED)
            assert corrected.actor_label == "cal" and corrected.data["fields"] == {
                "lines.0.paid": [claim["lines"][0]["paid"], printed]}
            assert any(e.type is EventType.ROBOT_APPLIED for e in events)
        engine.dispose()
