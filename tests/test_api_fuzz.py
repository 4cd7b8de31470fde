"""The bots' API fuzzed from its own OpenAPI document (Schemathesis): for any input, valid or not, no 500, every
answer as documented (status, content type, body schema; every 4xx in the error shape), and a refused request
writes nothing."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import hypothesis
import pytest
import schemathesis
from schemathesis.core.failures import FailureGroup
from schemathesis.openapi.checks import RejectedPositiveData
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.api.openapi import document
from queue_server.models import AgingSnapshot, Attachment, ClaimOutcome, ItemEvent, RevenueDay, WorkItem

pytestmark = pytest.mark.slow

# Rows a request could write, counted before and after each refused one.
WRITTEN = (WorkItem, ItemEvent, Attachment, AgingSnapshot, RevenueDay, ClaimOutcome)


class _CurrentApp:
    """The WSGI app Schemathesis calls, whichever the test's fixtures made (one per database)."""

    app: Flask | None = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


_current = _CurrentApp()
# The document the server serves (test_api.py checks that /api/v1/openapi.json describes every route).
schema = schemathesis.openapi.from_dict(document())
schema.app = _current


@pytest.fixture
def api_app(app: Flask, make_item: Callable[..., int]) -> Iterator[Flask]:
    for _ in range(3):  # items with small ids, which generated ids often are, so item routes find some
        make_item()
    _current.app = app
    yield app
    _current.app = None


# Rules the document does not state (between fields or items; text no database stores): a 422 for one of them
# is no sign of a loose document.
UNSTATED_RULES = ("share the idempotency key",  # one key twice in a batch, with different content
                  "service_date_to is before service_date_from",
                  "NUL or an unpaired surrogate")  # "\u0000", or "\ud800" alone


def _a_rule_the_schema_cannot_state(failure: Exception, case: Any, response: Any) -> bool:
    if not isinstance(failure, RejectedPositiveData) or response.status_code != 422:
        return False
    if case.path.startswith("/billing-reports/"):
        return True  # a CSV's columns and rows, which the document gives as a string
    if case.path.endswith("/attachments") and response.json()["error"]["code"] == "attachment_rejected":
        return True  # a file's type by its content (a PDF is one by its bytes, not its name)
    error = response.json()["error"]
    said = [error["message"], *(d["msg"] for d in error.get("details") or [])]
    return any(rule in text for rule in UNSTATED_RULES for text in said) and all(
        any(rule in d["msg"] for rule in UNSTATED_RULES) or "same key" in d["msg"]
        for d in error.get("details") or [])


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(model)) or 0 for model in WRITTEN)


@schema.parametrize()
@hypothesis.settings(max_examples=60, deadline=None, suppress_health_check=list(hypothesis.HealthCheck),
                     derandomize=True, database=None)
def test_any_request_gets_a_documented_answer_and_a_refused_one_writes_nothing(
        case: Any, api_app: Flask, bot_token: str, session: Session) -> None:
    before = _counts(session)
    headers = {"Authorization": f"Bearer {bot_token}"}
    response = case.call(headers=headers)
    try:
        case.validate_response(response, headers=headers)
    except FailureGroup as group:
        rest = [f for f in group.exceptions if not _a_rule_the_schema_cannot_state(f, case, response)]
        if rest:
            error = FailureGroup(rest, str(group))
            error.add_note(f"answered {response.status_code}: {response.text[:800]}")
            raise error from None
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
        assert _counts(session) == before, f"{case.method} {case.path} answered {response.status_code} but wrote"
