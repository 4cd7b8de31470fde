"""The bots' endpoints. Every error is JSON: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from typing import Any, Callable, TypeVar

from flask import g, jsonify, request, url_for
from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from .. import db
from ..db import utcnow
from ..exceptions import Forbidden, InvalidInput, NotFound, QueueError
from ..domain.kinds import Kind, spec_of
from ..models import ApiToken, Attachment, Correction, WorkItem
from ..services import attachments as attachment_store
from ..services import audit, auth, billing_reports, corrections, intake, queue
from ..web.session import client_address, config
from . import bp
from .openapi import document
from .schemas import AttachmentOut, BatchIn, BatchOut, CorrectionOut, CorrectionReportIn, ItemIn, ItemOut, ItemRef, ReopenIn

F = TypeVar("F", bound=Callable[..., Any])


class Unauthorized(QueueError):
    status_code = 401
    code = "unauthorized"


class UnsupportedMediaType(QueueError):
    status_code = 415
    code = "unsupported_media_type"


class BadJSON(QueueError):
    status_code = 400
    code = "bad_json"


class TooMany(QueueError):
    status_code = 413
    code = "batch_too_large"


def token_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send the bot's token as `Authorization: Bearer hme_...`.")
        row = auth.find_token(db.session, token.strip())
        if row is None:
            raise Unauthorized("The token is unknown or revoked.")
        if row.scope != "bot":
            raise Forbidden("This token is not scoped for bot use.")
        row.last_used_at = utcnow()
        g.token = row
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _json_body() -> Any:
    if not request.mimetype or request.mimetype != "application/json":
        raise UnsupportedMediaType("Send JSON with `Content-Type: application/json`.")
    raw = request.get_data(cache=False)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJSON(f"The body is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadJSON(f"The body is nested deeper than {MAX_JSON_DEPTH} levels.") from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise BadJSON(f"The body is nested deeper than {MAX_JSON_DEPTH} levels.")
    if _may_hold_unstorable(raw):
        _refuse_unstorable_text(body)
    return body


# `\u0000` or `\uD800`-`\uDFFF`, also after an escaped backslash (a false alarm only costs the walk).
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _may_hold_unstorable(raw: bytes) -> bool:
    """False when no string of the parsed body can hold NUL or half a UTF-16 pair, so the walk is skipped.

    In strict UTF-8 JSON only an escape can put either there. A body in UTF-16 or UTF-32 (NUL bytes) or with
    a surrogate encoded as bytes (not strict UTF-8; `json.loads` lets it through) is always walked.
    """
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return _UNSTORABLE_ESCAPE.search(raw) is not None


# An item's payload is findings and extracted fields: a dozen levels at most. Deeper is refused before anything
# walks it (validation, storage, the item page), each of which would recurse once per level.
MAX_JSON_DEPTH = 32


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value`, without recursion: one level at a time, containers only."""
    level, deepest = [value], 0
    while level:
        containers = [node for node in level if isinstance(node, (dict, list))]
        if not containers:
            break
        deepest += 1
        if deepest > MAX_JSON_DEPTH:
            break
        level = []
        for node in containers:
            level.extend(node.values() if isinstance(node, dict) else node)
    return deepest


def _unstorable(text: str) -> bool:
    """NUL, or half of a UTF-16 pair (JSON's "\\ud800" alone): no database column or JSON document stores
    either (PostgreSQL refuses both), and no document a robot read holds them."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_unstorable_text(value: Any) -> None:
    """Every string and key of the body checked, without recursion (the depth is checked already)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if _unstorable(node):
                raise InvalidInput("Text holds a NUL character or half of a UTF-16 pair; nothing was saved.",
                                   details=[{"loc": list(where), "msg": "NUL or an unpaired surrogate"}])
        elif isinstance(node, dict):
            for key, child in node.items():
                if _unstorable(key):
                    raise InvalidInput("A key holds a NUL character or half of a UTF-16 pair; nothing was saved.",
                                       details=[{"loc": list(where), "msg": "NUL or an unpaired surrogate in a key"}])
                stack.append((child, (*where, key)))
        elif isinstance(node, list):
            stack.extend((child, (*where, n)) for n, child in enumerate(node))


def _validated(model: type[BaseModel], data: Any, prefix: tuple[str | int, ...] = ()) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = [{"loc": [*prefix, *err["loc"]], "msg": err["msg"]} for err in exc.errors()[:50]]
        raise InvalidInput(f"{exc.error_count()} field(s) are invalid; nothing was saved.",
                           details=details) from None


def _token() -> ApiToken:
    return g.token  # type: ignore[no-any-return]


def _refs(results: list[intake.IntakeResult]) -> list[ItemRef]:
    # The route's shape is fixed: one url_for, not one per item (18 ms of a batch of 1,000).
    url = url_for("api.get_item", item_id=0).removesuffix("0") + "{}"
    return [ItemRef(id=r.item_id, idempotency_key=r.idempotency_key, created=r.created, status=r.status,
                    url=url.format(r.item_id)) for r in results]


def _item(item_id: int) -> WorkItem:
    item = db.session.get(WorkItem, item_id)
    scope = _token().team_scope
    if item is None or (scope and item.team not in scope):  # another team's item is not there for this token
        raise NotFound(f"No item #{item_id}.")
    return item


@bp.post("/items")
@token_required
def create_items() -> Any:
    """One item ({...}) or a batch ({"items": [...]}); all or nothing."""
    body = _json_body()
    is_batch = isinstance(body, dict) and "items" in body
    if is_batch:
        items = body.get("items")
        limit = config().max_batch_items
        if isinstance(items, list) and len(items) > limit:
            raise TooMany(f"A batch holds at most {limit} items; this one has {len(items)}. "
                          "Split it; nothing was saved.")
        batch: BatchIn = _validated(BatchIn, body)
        _refuse_conflicting_keys(batch.items)
        new_items = [i.to_new_item() for i in batch.items]
    else:
        new_items = [_validated(ItemIn, body).to_new_item()]
    token = _token()
    if token.team_scope:
        outside = [n for n, i in enumerate(new_items) if (i.team or spec_of(i.kind).team) not in token.team_scope]
        if outside:
            raise Forbidden(f"This token files items for {', '.join(sorted(t.value for t in token.team_scope))} only; "
                            f"item {outside[0]} is another team's. Nothing was saved.")
    results = intake.create_items(db.session, new_items, actor_label=f"bot:{token.name}",
                                  business_calendar=config().business_calendar)
    created = sum(1 for r in results if r.created)
    audit.record(db.session, action="api_create", token_id=token.id,
                 detail=f"{created} created, {len(results) - created} existing", address=client_address())
    db.session.commit()
    if is_batch:
        out = BatchOut(created=created, existing=len(results) - created, results=_refs(results))
        return jsonify(out.model_dump(mode="json")), 200
    [ref] = _refs(results)
    return jsonify(ref.model_dump(mode="json")), 201 if ref.created else 200


def _refuse_conflicting_keys(items: list[ItemIn]) -> None:
    """One key twice in a batch is one item when both say the same; when they differ, the second's content would
    be dropped without a word, so the batch is refused and both positions named."""
    counts = Counter(item.idempotency_key for item in items)
    first: dict[str, tuple[int, dict[str, Any]]] = {}
    for position, item in enumerate(items):
        if counts[item.idempotency_key] == 1:
            continue  # only a repeated key's items are compared (a batch of 1,000 is validated in 5 ms)
        content = item.model_dump(mode="json")
        seen = first.setdefault(item.idempotency_key, (position, content))
        if seen[0] != position and seen[1] != content:
            raise InvalidInput(
                f"Items {seen[0]} and {position} share the idempotency key {item.idempotency_key!r} but differ; "
                "nothing was saved.",
                details=[{"loc": ["items", seen[0], "idempotency_key"], "msg": "same key as a later item"},
                         {"loc": ["items", position, "idempotency_key"], "msg": "same key, other content"}])


@bp.get("/items/<id:item_id>")
@token_required
def get_item(item_id: int) -> Any:
    """Status and outcome, so a robot can check whether a resolution held."""
    item = _item(item_id)
    audit.record(db.session, action="api_view", item_id=item.id, token_id=_token().id, address=client_address())
    db.session.commit()
    return jsonify(_item_out(item).model_dump(mode="json"))


@bp.get("/items")
@token_required
def find_item() -> Any:
    """Look an item up by its idempotency key: `GET /items?idempotency_key=...`."""
    key = request.args.get("idempotency_key", "").strip()
    if not key:
        raise InvalidInput("Give ?idempotency_key=...", details=[{"loc": ["idempotency_key"], "msg": "required"}])
    if _unstorable(key):
        raise NotFound("No item has that idempotency key.")  # intake never stores such a key
    item = db.session.scalar(select(WorkItem).where(WorkItem.idempotency_key == key))
    scope = _token().team_scope
    if item is None or (scope and item.team not in scope):
        raise NotFound("No item has that idempotency key.")
    audit.record(db.session, action="api_view", item_id=item.id, token_id=_token().id, address=client_address())
    db.session.commit()
    return jsonify(_item_out(item).model_dump(mode="json"))


def _item_out(item: WorkItem) -> ItemOut:
    return ItemOut(
        id=item.id, idempotency_key=item.idempotency_key, kind=item.kind, team=item.team, status=item.status,
        outcome=item.outcome, resolved_at=item.resolved_at, reopen_count=item.reopen_count,
        snoozed_until=item.snoozed_until, deadline=item.deadline, deadline_rule=item.deadline_rule,
        sla_due=item.sla_due, balance=f"{item.balance:.2f}", claim_number=item.claim_number,
        payer_claim_number=item.payer_claim_number, account_number=item.account_number,
        created_at=item.created_at, updated_at=item.updated_at,
        attachments=[_attachment_out(a).model_dump(mode="json") for a in item.attachments])


def _attachment_out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(id=a.id, item_id=a.item_id, filename=a.filename, label=a.label,
                         content_type=a.content_type, size=a.size, sha256=a.sha256)


@bp.post("/items/<id:item_id>/attachments")
@token_required
def add_attachment(item_id: int) -> Any:
    """multipart/form-data with `file` and optional `label` (document, pdf_page, screenshot, trace, fax, fields)."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("Upload attachments as multipart/form-data with a `file` field.")
    item = _item(item_id)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("No `file` part in the upload.", details=[{"loc": ["file"], "msg": "required"}])
    label = request.form.get("label", "document")
    token = _token()
    attachment = attachment_store.store(
        db.session, config().attachment_dir, item, upload.stream, filename=upload.filename or "attachment",
        label=label, max_bytes=config().max_attachment_bytes, actor_label=f"bot:{token.name}")
    audit.record(db.session, action="api_attach", item_id=item.id, token_id=token.id, address=client_address())
    db.session.commit()
    return jsonify(_attachment_out(attachment).model_dump(mode="json")), 201


@bp.post("/items/<id:item_id>/reopen")
@token_required
def reopen_item(item_id: int) -> Any:
    """A robot saw that a resolution did not hold (the claim denied again)."""
    body: ReopenIn = _validated(ReopenIn, _json_body())
    item = queue.load_for_update(db.session, item_id)
    token = _token()
    audit.record(db.session, action="api_reopen", item_id=item.id, token_id=token.id, address=client_address())
    queue.reopen(db.session, item, body.reason, actor_label=f"bot:{token.name}")
    return jsonify(_item_out(item).model_dump(mode="json"))


@bp.get("/corrections")
@token_required
def pending_corrections() -> Any:
    """`GET /corrections?kind=posting_review`: what people handed back for this kind's robot to finish."""
    unknown = sorted(set(request.args) - {"kind", "limit"})
    if unknown:
        raise InvalidInput(f"Unknown query parameter {unknown[0]!r}; this takes kind and limit.",
                           details=[{"loc": [name], "msg": "unknown parameter"} for name in unknown[:10]])
    raw = request.args.get("kind", "")
    try:
        kind = Kind(raw)
    except ValueError:
        kind = None
    if kind not in corrections.CORRECTABLE:
        raise InvalidInput(f"Give ?kind= one of {', '.join(k.value for k in corrections.CORRECTABLE)}.",
                           details=[{"loc": ["kind"], "msg": "not a kind robots take corrections for"}])
    limit = request.args.get("limit", "100")
    if not limit.isdigit() or not 1 <= int(limit) <= 500:
        raise InvalidInput("?limit= is a whole number from 1 to 500.", details=[{"loc": ["limit"], "msg": "range"}])
    found = corrections.pending(db.session, [kind], _token().team_scope, int(limit))
    for correction in found:
        audit.record(db.session, action="api_view", item_id=correction.item_id, token_id=_token().id,
                     address=client_address())
    db.session.commit()
    return jsonify({"corrections": [_correction_out(c).model_dump(mode="json") for c in found]})


@bp.post("/corrections/<id:correction_id>")
@token_required
def report_correction(correction_id: int) -> Any:
    report: CorrectionReportIn = _validated(CorrectionReportIn, _json_body())
    correction = db.session.get(Correction, correction_id)
    scope = _token().team_scope
    if correction is None or (scope and correction.item.team not in scope):
        raise NotFound(f"No correction #{correction_id}.")
    corrections.finish(db.session, correction, held=report.held, detail=report.detail,
                       actor_label=f"bot:{_token().name}")
    return jsonify(_correction_out(correction).model_dump(mode="json"))


def _correction_out(correction: Correction) -> CorrectionOut:
    item = correction.item
    check, order = (item.payload or {}).get("check"), (item.payload or {}).get("order")
    return CorrectionOut(id=correction.id, item_id=item.id, kind=correction.kind, idempotency_key=item.idempotency_key,
                         payer=item.payer, remittance_date=item.remittance_date, state=correction.state.value,
                         values=correction.values, corrected_by=correction.corrected_by.username,
                         detail=correction.detail, extracted=corrections.corrected(correction),
                         check=check if isinstance(check, str) else None,
                         order=order if isinstance(order, str) else None)


@bp.post("/billing-reports/<report>")
@token_required
def receive_billing_report(report: str) -> Any:
    """A report exported from the billing system (text/csv body) for the date in `?as_of=YYYY-MM-DD`."""
    if request.mimetype not in ("text/csv", "text/plain"):
        raise UnsupportedMediaType("Send the report as `Content-Type: text/csv`.")
    try:
        as_of = dt.date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        raise InvalidInput("`as_of` must be the report's date, YYYY-MM-DD.",
                           details=[{"loc": ["as_of"], "msg": "required, YYYY-MM-DD"}]) from None
    if request.content_length is not None and request.content_length > config().max_attachment_bytes:
        raise InvalidInput(f"The report is over {config().max_attachment_bytes} bytes.")
    token = _token()
    received = billing_reports.receive(db.session, report, as_of, request.get_data(cache=False),
                                       source=f"bot:{token.name}")
    audit.record(db.session, action="api_billing_report", token_id=token.id, address=client_address(),
                 detail=f"{report} as_of={as_of} rows={received.rows}")
    db.session.commit()
    return jsonify({"report": received.report, "as_of": received.as_of.isoformat(), "rows": received.rows,
                    "snapshot_id": received.snapshot_id}), 201


@bp.get("/health")
def health() -> Any:
    try:
        db.session.execute(select(1))
    except Exception:  # noqa: BLE001 - any driver error means "not ready"
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(document())
