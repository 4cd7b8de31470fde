"""The OpenAPI 3.1 description of the bots' API, built from the pydantic models."""

from __future__ import annotations

import functools
from typing import Any

from pydantic.json_schema import models_json_schema

from .schemas import AttachmentOut, BatchIn, BatchOut, ErrorOut, ItemIn, ItemOut, ItemRef, ReopenIn

_MODELS = (ItemIn, BatchIn, ItemRef, BatchOut, ItemOut, ReopenIn, AttachmentOut, ErrorOut)


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
    _, defs = models_json_schema([(m, "validation" if m in (ItemIn, BatchIn, ReopenIn) else "serialization")
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
                                               "pattern": "\\S"}}],
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
            "/health": {"get": {"summary": "Ready to serve", "security": [],
                                "responses": {"200": {"description": "OK"},
                                              "503": {"description": "Database unavailable"}}}},
        },
    }
