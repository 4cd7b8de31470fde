"""The billers' pages: the queue, one item, and the actions on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, send_file, url_for

from .. import db
from ..domain import priority
from ..domain.kinds import Status
from ..exceptions import Conflict, InvalidInput, NotFound
from ..models import Attachment, AuditEntry, User, WorkItem
from ..services import attachments as attachment_store
from ..services import previews
from ..services import audit, corrections, item_lists, queue
from ..services.item_lists import Filters
from . import presenters
from .auth import safe_next
from .params import db_id, page_number
from .session import client_address, config, login_required, require_user, supervisor_required

bp = Blueprint("queue", __name__)

AUDIT_ROWS = 30
STATUS_CHOICES = {"active": "Not resolved", "due_back": "Follow-ups due back", "past_deadline": "Payer deadline passed",
                  "all": "Any status", **{s.value: s.label.capitalize() for s in Status}}


def _lease() -> dt.timedelta:
    return dt.timedelta(minutes=config().lease_minutes)


def _audit(action: str, item_id: int | None = None, detail: str | None = None) -> None:
    user = require_user()
    audit.record(db.session, action=action, item_id=item_id, user_id=user.id, detail=detail,
                 address=client_address())


def _filters() -> Filters:
    args = request.args
    status = args.get("status", "active")
    return Filters(q=args.get("q", "").strip()[:120], team=args.get("team", ""), kind=args.get("kind", ""),
                   payer=args.get("payer", "").strip()[:120],
                   status=status if status in STATUS_CHOICES else "active", page=page_number(args.get("page", "1")),
                   source=args.get("source", "").strip()[:64], since=args.get("since", "")[:40],
                   until=args.get("until", "")[:40])


@bp.get("/")
@login_required
def index() -> Any:
    user = require_user()
    f = _filters()
    if f.q and f.page == 1 and not request.args.get("list"):
        named = item_lists.the_one_named(db.session, user, f.q)
        if named is not None:  # an exact claim number or id opens its item
            return redirect(url_for("queue.item", item_id=named))
    listed = item_lists.list_page(db.session, user, f, g.now, config().page_size)
    held = queue.current_lease(db.session, user, g.now)
    _audit("list", detail=f"filters={f.used} page={listed.page} rows={len(listed.items)}")
    audit.record_shown(db.session, action="shown_in_list", item_ids=[i.id for i in listed.items], user_id=user.id,
                       detail=f"filters={f.used}"[:200], address=client_address())
    db.session.commit()
    return render_template("queue/index.html", items=listed.items, f=f, total=listed.total, page=listed.page, pages=listed.pages, held=held,
                           waiting=listed.waiting, payers=listed.payers, status_choices=STATUS_CHOICES,
                           due_back=listed.due_back, past_deadline=listed.past_deadline,
                           colleagues=item_lists.active_users(db.session) if user.is_supervisor else [],
                           tier=lambda item: priority.tier(item, g.now))


@bp.post("/next")
@login_required
def next_item() -> Any:
    user = require_user()
    item = queue.claim_next(db.session, user, lease=_lease(), now=g.now)
    if item is None:
        flash("Nothing is waiting for your teams right now.", "info")
        return redirect(url_for("queue.index"))
    return redirect(url_for("queue.item", item_id=item.id))


def _load(item_id: int, *, for_update: bool = False) -> WorkItem:
    user = require_user()
    if for_update:
        item = queue.load_for_update(db.session, item_id)
    else:
        item = db.session.get(WorkItem, item_id)
        if item is None:
            raise NotFound(f"No item #{item_id}.")
    if not queue.may_access(user, item):
        _audit("denied", item_id=item.id)
        db.session.commit()
        abort(403, "This item belongs to a team you are not on.")
    return item


@bp.get("/items/<id:item_id>")
@login_required
def item(item_id: int) -> Any:
    user = require_user()
    work_item = _load(item_id)
    _audit("view", item_id=work_item.id)
    db.session.commit()
    payload = work_item.payload or {}
    events = item_lists.history(db.session, work_item.id)
    colleagues: list[User] = []
    audit_trail: list[tuple[AuditEntry, str]] = []
    if user.is_supervisor:
        colleagues = item_lists.active_users(db.session)
        names = {u.id: u.display_name for u in colleagues}
        audit_trail = [(entry, _who(entry, names))
                       for entry in item_lists.audit_trail(db.session, work_item.id, AUDIT_ROWS)]
    holding = queue.holds(user, work_item, g.now)
    lease_live = (work_item.status is Status.IN_PROGRESS and work_item.lease_expires_at is not None
                  and work_item.lease_expires_at >= g.now)
    root = config().attachment_dir
    pages = {a.id: page_count for a in work_item.attachments if previews.can_preview(a)
             for page_count in [previews.page_count(root, a)]}
    refused = {a.id: previews.refusal(root, a) for a in work_item.attachments if a.id in pages and not pages[a.id]}
    fields = presenters.field_rows(payload)
    # The validation view: the fields beside the document they were read from, each outlined on its page. The
    # boxes are on the item's first document that can be drawn (the robot files the claim's pages first).
    located = next((a.id for a in work_item.attachments if pages.get(a.id)), None) if any(
        row.box for row in fields) else None
    return render_template(
        "queue/item.html", pages=pages, refused=refused, max_pages=previews.MAX_PREVIEW_PAGES, item=work_item, spec=work_item.spec, events=events,
        why=priority.explain(work_item, g.now), tier=priority.tier(work_item, g.now),
        findings=presenters.findings(payload), fields=fields, located=located,
        correctable=corrections.correctable(work_item), handed_back=corrections.CORRECTABLE.get(work_item.kind),
        editable={row.path for row in fields if row.review and corrections.may_correct(row.path)},
        claim_lines=presenters.claim_lines(payload),
        billing_link=config().billing_claim_url.format(claim_number=work_item.claim_number)
        if config().billing_claim_url and work_item.claim_number else None,
        portal_link=presenters.portal_link(payload),
        to_check=sum(row.review for row in fields),
        problems=presenters.problems_in_words(payload), facts=presenters.other_facts(payload),
        holding=holding, lease_live=lease_live, colleagues=colleagues, audit_trail=audit_trail,
        tomorrow=(g.now.date() + dt.timedelta(days=1)).isoformat(),
        default_follow_up=_default_follow_up(g.now.date()).isoformat(),
        can_act=holding or (user.is_supervisor and not lease_live),
        deadline_days=(work_item.deadline - g.now.date()).days if work_item.deadline else None)


def _who(entry: AuditEntry, names: dict[int, str]) -> str:
    """A person by name, a robot by its token; a row with neither is the system's own (the retention purge)."""
    if entry.user_id is not None:
        return names.get(entry.user_id, "?")  # a person no longer active
    return f"token {entry.token_id}" if entry.token_id else "system"


def _default_follow_up(today: dt.date) -> dt.date:
    # The cadence the KPI board holds documentation to (seed 000: every 2-3 days), in the supplier's working days.
    cfg = config()
    return cfg.business_calendar.add_days(today, cfg.doc_follow_up_days)


def _done(message: str, item_id: int | None = None) -> Any:
    flash(message, "success")
    if item_id is not None:
        return redirect(url_for("queue.item", item_id=item_id))
    return redirect(url_for("queue.index"))


@bp.post("/items/<id:item_id>/take")
@login_required
def take(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    queue.take(db.session, work_item, require_user(), lease=_lease(), now=g.now)
    return _done(f"Item #{item_id} is yours for {config().lease_minutes} minutes while the page stays open.", item_id)


@bp.post("/items/<id:item_id>/release")
@login_required
def release(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    queue.release(db.session, work_item, require_user(), now=g.now)
    return _done(f"Item #{item_id} is back in the queue.")


@bp.post("/items/<id:item_id>/heartbeat")
@login_required
def heartbeat(item_id: int) -> Any:
    work_item = _load(item_id)
    until = queue.heartbeat(db.session, work_item, require_user(), lease=_lease(), now=g.now)
    return jsonify({"lease_expires_at": until.isoformat()})


@bp.post("/items/<id:item_id>/note")
@login_required
def note(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    _audit("note", item_id=item_id)
    queue.add_note(db.session, work_item, require_user(), request.form.get("note", ""), now=g.now)
    return _done("Note added.", item_id)


def _form_date(name: str) -> dt.date:
    raw = request.form.get(name, "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Pick a follow-up date (YYYY-MM-DD).") from None


@bp.post("/items/<id:item_id>/snooze")
@login_required
def snooze(item_id: int) -> Any:
    until = _form_date("until")
    work_item = _load(item_id, for_update=True)
    _audit("snooze", item_id=item_id)
    queue.snooze(db.session, work_item, require_user(), until, request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} snoozed until {until:%b %d}; it comes back to the queue that day.")


@bp.post("/items/<id:item_id>/resolve")
@login_required
def resolve(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    _audit("resolve", item_id=item_id)
    outcome = request.form.get("outcome", "")
    if outcome == corrections.CORRECTABLE.get(work_item.kind):
        raise InvalidInput("To hand the item back to the robot, correct the values and use Correct and hand back.")
    queue.resolve(db.session, work_item, require_user(), outcome, request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} resolved. Press n for the next one.")


@bp.post("/items/<id:item_id>/correct")
@login_required
def correct(item_id: int) -> Any:
    """The values checked against the document (corrected where misread), handed back to the robot to finish."""
    work_item = _load(item_id, for_update=True)
    _audit("correct", item_id=item_id)
    values = {key.removeprefix("field:"): value for key, value in request.form.items() if key.startswith("field:")}
    correction = corrections.hand_back(db.session, work_item, require_user(), values, request.form.get("note", ""),
                                       now=g.now)
    changed = len(correction.values)
    return _done(f"Item #{item_id} handed back with {changed} value{'' if changed == 1 else 's'} corrected: the "
                 "robot posts it on its next run and reports here whether it held. Press n for the next one.")


@bp.post("/items/<id:item_id>/escalate")
@login_required
def escalate(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    _audit("escalate", item_id=item_id)
    queue.escalate(db.session, work_item, require_user(), request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} escalated to a supervisor.")


def _person_chosen(none_chosen: str) -> User:
    """The person a supervisor's form gives items to."""
    to_id = db_id(request.form.get("user_id", ""))
    if to_id is None:
        raise InvalidInput(none_chosen)
    to = db.session.get(User, to_id)
    if to is None:
        raise InvalidInput("No such user.")
    return to


@bp.post("/items/<id:item_id>/reassign")
@supervisor_required
def reassign(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    to = _person_chosen("Choose the person to give the item to.")
    _audit("reassign", item_id=item_id)
    queue.reassign(db.session, work_item, require_user(), to, request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} is reserved for {to.display_name}; it is theirs on their next “Next item”.", item_id)


MAX_BULK = 200


@bp.post("/reassign")
@supervisor_required
def reassign_many() -> Any:
    """Reserve several items of the list for one person at once, each with its own event."""
    to = _person_chosen("Choose the person to give the items to.")
    ids = list(dict.fromkeys(i for i in (db_id(v) for v in request.form.getlist("item")) if i is not None))
    if not ids:
        raise InvalidInput("Tick the items to give.")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"At most {MAX_BULK} items at once.")
    given, skipped = 0, []
    for item_id in ids:
        try:
            work_item = _load(item_id, for_update=True)
            queue.reassign(db.session, work_item, require_user(), to, request.form.get("note", ""), now=g.now)
        except (Conflict, NotFound):
            db.session.rollback()
            skipped.append(f"#{item_id}")
            continue
        _audit("reassign", item_id=item_id)
        db.session.commit()
        given += 1
    message = f"{given} item{'' if given == 1 else 's'} reserved for {to.display_name}"
    flash(message + (f"; not given (resolved or gone): {', '.join(skipped)}." if skipped else "."),
          "success" if not skipped else "info")
    return redirect(safe_next(request.form.get("back")))


@bp.post("/items/<id:item_id>/reopen")
@supervisor_required
def reopen(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    _audit("reopen", item_id=item_id)
    queue.reopen(db.session, work_item, request.form.get("note", ""), actor=require_user(), now=g.now)
    return _done(f"Item #{item_id} reopened.", item_id)


def _attachment(item_id: int, attachment_id: int) -> Attachment:
    work_item = _load(item_id)
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.item_id != work_item.id:
        abort(404)
    return row


@bp.get("/items/<id:item_id>/attachments/<id:attachment_id>/pages/<id:page>.png")
@login_required
def attachment_page(item_id: int, attachment_id: int, page: int) -> Any:
    row = _attachment(item_id, attachment_id)
    png = previews.page_png(config().attachment_dir, row, page)
    _audit("view_attachment", item_id=item_id, detail=f"attachment={row.id} page={page}")
    db.session.commit()
    return _no_store(send_file(png, mimetype="image/png", max_age=0))


@bp.get("/items/<id:item_id>/attachments/<id:attachment_id>")
@login_required
def attachment(item_id: int, attachment_id: int) -> Any:
    row = _attachment(item_id, attachment_id)
    path = attachment_store.path_for(config().attachment_dir, row.sha256)
    if not path.is_file():
        abort(404, "The file is missing from the attachment store; tell the RPA admin team.")
    _audit("view_attachment", item_id=item_id, detail=f"attachment={row.id}")
    db.session.commit()
    # A PDF is shown as our page images on the item page and otherwise downloaded, never opened in the
    # browser's PDF viewer, which runs a PDF's JavaScript. Pictures show inline, in a sandbox of their own.
    inline = row.content_type in ("image/png", "image/jpeg")
    response = send_file(path, mimetype=row.content_type, as_attachment=not inline,
                         download_name=row.filename, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return _no_store(response)


def _no_store(response: Any) -> Any:
    """Patient data is kept by no cache, the browser's included (send_file says no-cache: kept, revalidated)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("ETag", None)
    response.headers.pop("Last-Modified", None)
    return response
