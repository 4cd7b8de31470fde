"""The OpenAPI 3.1 description of the bots' API, built from the pydantic models."""

from __future__ import annotations

import functools
from typing import Any

from pydantic.json_schema import models_json_schema

from .schemas import (VISIBLE, AttachmentOut, BatchIn, BatchOut, CorrectionOut, CorrectionReportIn, ErrorOut, ExtendIn,
                      FinishedBeforeIn, ItemIn, ItemOut, ItemRef, LeaseIn, PlanIn, PlannedIn, ProgressIn, ReopenIn,
                      RunIn, RunnerIn, RunUpdateIn, UnitFinishIn, UnitOut)

_INPUTS = (ItemIn, BatchIn, ReopenIn, RunIn, RunnerIn, RunUpdateIn, PlanIn, PlannedIn, FinishedBeforeIn, LeaseIn,
           ExtendIn, ProgressIn, UnitFinishIn, CorrectionReportIn)
_MODELS = (*_INPUTS, ItemRef, BatchOut, ItemOut, AttachmentOut, ErrorOut, UnitOut, CorrectionOut)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {400: "Body is not JSON", 401: "Missing or unknown token", 403: "Token not scoped for bots",
             404: "No such item", 409: "The item is not in a state that allows this",
             413: "Batch or file too large", 415: "Wrong content type",
             422: "Invalid fields; `details` lists each with its location"}
    return {str(c): {"description": words[c], **_json(_ref("ErrorOut"))} for c in codes}


@functools.cache
def document() -> dict[str, Any]:
    _, defs = models_json_schema([(m, "validation" if m in _INPUTS else "serialization")
                                  for m in _MODELS], ref_template="#/components/schemas/{model}")
    item_id = [{"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    common = (400, 401, 403, 415)
    return {
        "openapi": "3.1.0",
        "info": {"title": "hme-rpa work-queue API", "version": "1",
                 "description": "Robots post the exceptions they could not finish; people work them."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": defs["$defs"],
            "securitySchemes": {"bot": {"type": "http", "scheme": "bearer",
                                        "description": "`hme-rpa tokens create NAME` prints one."}},
        },
        "security": [{"bot": []}],
        "paths": {
            "/items": {
                "post": {
                    "summary": "Create one item, or a batch of up to 1,000 (all or nothing)",
                    "requestBody": {"required": True, **_json({"oneOf": [_ref("ItemIn"), _ref("BatchIn")]})},
                    "responses": {
                        "201": {"description": "Created (single item)", **_json(_ref("ItemRef"))},
                        "200": {"description": "Existing item (same key) or batch result",
                                **_json({"oneOf": [_ref("ItemRef"), _ref("BatchOut")]})},
                        **_errors(*common, 413, 422)},
                },
                "get": {
                    "summary": "Find an item by idempotency key",
                    "parameters": [{"name": "idempotency_key", "in": "query", "required": True,
                                    "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                                               "pattern": VISIBLE}}],
                    "responses": {"200": {"description": "The item", **_json(_ref("ItemOut"))},
                                  **_errors(401, 403, 404, 422)},
                },
            },
            "/items/{item_id}": {
                "get": {"summary": "An item's status, outcome and attachments", "parameters": item_id,
                        "responses": {"200": {"description": "The item", **_json(_ref("ItemOut"))},
                                      **_errors(401, 403, 404)}},
            },
            "/items/{item_id}/attachments": {
                "post": {
                    "summary": "Attach evidence (PDF, PNG, JPEG, TIFF, trace ZIP or JSON)",
                    "parameters": item_id,
                    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"},
                                       "label": {"type": "string", "enum": ["document", "pdf_page", "screenshot",
                                                                           "trace", "fax", "fields"]}}}}}},
                    "responses": {"201": {"description": "Stored", **_json(_ref("AttachmentOut"))},
                                  **_errors(401, 403, 404, 413, 415, 422)},
                },
            },
            "/items/{item_id}/reopen": {
                "post": {"summary": "Reopen a resolved item whose resolution did not hold", "parameters": item_id,
                         "requestBody": {"required": True, **_json(_ref("ReopenIn"))},
                         "responses": {"200": {"description": "Reopened", **_json(_ref("ItemOut"))},
                                       **_errors(*common, 404, 409, 422)}},
            },
            "/corrections": {
                "get": {
                    "summary": "Values people corrected and handed back, for the robot that files that kind to finish",
                    "parameters": [{"name": "kind", "in": "query", "required": True,
                                    "schema": {"type": "string",
                                               "enum": ["posting_review", "cmn_needs_review", "cmn_invalid"]}},
                                   {"name": "limit", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
                    "responses": {"200": {"description": "Pending corrections, oldest first", **_json(
                        {"type": "object", "properties": {"corrections": {"type": "array",
                                                                          "items": _ref("CorrectionOut")}}})},
                                  **_errors(401, 403, 422)},
                },
            },
            "/corrections/{correction_id}": {
                "post": {"summary": "The robot's report: whether the corrected values held (a failure reopens the item)",
                         "parameters": [{"name": "correction_id", "in": "path", "required": True,
                                         "schema": {"type": "integer"}}],
                         "requestBody": {"required": True, **_json(_ref("CorrectionReportIn"))},
                         "responses": {"200": {"description": "Recorded", **_json(_ref("CorrectionOut"))},
                                       **_errors(*common, 404, 409, 422)}},
            },
            "/billing-reports/{report}": {
                "post": {
                    "summary": "A report exported from the billing system: aging, revenue or outcomes (CSV)",
                    "parameters": [{"name": "report", "in": "path", "required": True,
                                    "schema": {"type": "string", "enum": ["aging", "revenue", "outcomes"]}},
                                   {"name": "as_of", "in": "query", "required": True,
                                    "schema": {"type": "string", "format": "date"}}],
                    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}},
                    "responses": {"201": {"description": "Checked and stored (replaces the same report of that date)"},
                                  **_errors(401, 403, 415, 422)},
                },
            },
            **_robot_work(),
            "/health": {"get": {"summary": "Ready to serve", "security": [],
                                "responses": {"200": {"description": "OK"},
                                              "503": {"description": "Database unavailable"}}}},
        },
    }


def _robot_work() -> dict[str, Any]:
    """The robots' nights (api/robot_work.py): how a runner plans, leases, checkpoints and records its runs."""
    night = [{"name": "robot", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1,
                                                                           "maxLength": 32, "pattern": "^[a-z-]+$"}},
             {"name": "night", "in": "path", "required": True, "schema": {"type": "string", "format": "date"}}]
    unit = [{"name": "unit_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    run = [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

    def post(summary: str, parameters: list[dict[str, Any]], body: str, answer: dict[str, Any],
             status: str = "200") -> dict[str, Any]:
        return {"post": {"summary": summary, "parameters": parameters,
                         "requestBody": {"required": True, **_json(_ref(body))},
                         "responses": {status: {"description": "Done", **_json(answer)},
                                       **_errors(400, 401, 403, 404, 415, 422)}}}

    obj = {"type": "object"}
    base = "/robots/{robot}/nights/{night}"
    return {
        f"{base}/runs": post("Start a run (a run of this runner and robot still 'running' is marked abandoned)",
                             night, "RunIn", {"type": "object", "properties": {"run_id": {"type": "integer"}}},
                             "201"),
        "/runs/{run_id}": post("A run's heartbeat, figures, or end", run, "RunUpdateIn", obj),
        f"{base}/units": post("Plan units (those planned already stay as they are)", night, "PlanIn", obj),
        f"{base}/units/finished-before": post("Which of these keys this robot finished on an earlier night",
                                              night, "FinishedBeforeIn", obj),
        f"{base}/units/counts": {"get": {"summary": "The night's units by status", "parameters": night,
                                         "responses": {"200": {"description": "Counts", **_json(obj)},
                                                       **_errors(401, 403, 404)}}},
        f"{base}/planning": post("Plan the night, wait for the runner planning it, or find it planned",
                                 night, "LeaseIn", obj),
        f"{base}/planning/done": post("The night is planned", night, "PlannedIn", obj),
        f"{base}/planning/abandon": post("Planning failed here: the next runner plans at once", night, "RunnerIn", obj),
        f"{base}/leases": post("Lease the next unit (null when none is left)", night, "LeaseIn", obj),
        f"{base}/leases/reclaim": post("At start-up: this runner's leases pending again at once", night, "RunnerIn",
                                       obj),
        f"{base}/leases/release": post("A clean stop: what this runner had not started goes back", night,
                                       "RunnerIn", obj),
        "/units/{unit_id}/give-back": post("Not the unit's fault: pending again, no attempt spent", unit, "RunnerIn",
                                           obj),
        "/units/{unit_id}/lease": post("Keep the lease of a unit still being worked ('held': false when it was lost)",
                                       unit, "ExtendIn", obj),
        "/units/{unit_id}/progress": post("Keep part-way progress and extend the lease", unit, "ProgressIn", obj),
        "/units/{unit_id}/finish": post("The unit is done, an exception, or failed", unit, "UnitFinishIn", obj),
    }
