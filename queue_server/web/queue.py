"""The billers' pages: the queue, one item, and the actions on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from sqlalchemy import Select, false, func, or_, select

from .. import db
from ..domain import priority
from ..domain.kinds import UNRESOLVED, Kind, Status, Team
from ..exceptions import InvalidInput, NotFound
from ..models import Attachment, AuditEntry, ItemEvent, User, WorkItem
from ..services import attachments as attachment_store
from ..services import previews
from ..services import audit, queue
from . import presenters
from .params import db_id, page_number
from .session import client_address, config, login_required, require_user, supervisor_required

bp = Blueprint("queue", __name__)

AUDIT_ROWS = 30
STATUS_CHOICES = {"active": "Not resolved", "all": "Any status", **{s.value: s.label.capitalize() for s in Status}}


def _lease() -> dt.timedelta:
    return dt.timedelta(minutes=config().lease_minutes)


def _audit(action: str, item_id: int | None = None, detail: str | None = None) -> None:
    user = require_user()
    audit.record(db.session, action=action, item_id=item_id, user_id=user.id, detail=detail,
                 address=client_address())


@dataclass(frozen=True)
class Filters:
    q: str
    team: str
    kind: str
    payer: str
    status: str
    page: int

    @classmethod
    def from_request(cls) -> "Filters":
        args = request.args
        page = page_number(args.get("page", "1"))
        status = args.get("status", "active")
        return cls(q=args.get("q", "").strip()[:120], team=args.get("team", ""), kind=args.get("kind", ""),
                   payer=args.get("payer", "").strip()[:120],
                   status=status if status in STATUS_CHOICES else "active", page=page)

    def args(self, **changes: Any) -> dict[str, Any]:
        values = {"q": self.q, "team": self.team, "kind": self.kind, "payer": self.payer,
                  "status": self.status, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}

    @property
    def used(self) -> str:
        # For the audit log: which filters, never the search text (it can be a name).
        return ",".join(k for k in ("q", "team", "kind", "payer", "status") if getattr(self, k)) or "none"


def visible_to(user: User) -> Any:
    if user.is_supervisor:
        return True
    teams = user.teams
    mine = WorkItem.assignee_id == user.id
    return or_(WorkItem.team.in_(teams), mine) if teams else mine


def _search(stmt: Select[Any], f: Filters) -> Select[Any]:
    if f.q:
        text = f.q
        conditions = [WorkItem.claim_number == text, WorkItem.payer_claim_number == text,
                      WorkItem.account_number == text, WorkItem.idempotency_key == text,
                      WorkItem.patient_name_lower.like(_like_prefix(text.lower()), escape="\\")]
        if text.lstrip("#").isdigit():
            item_id = db_id(text)
            conditions.append(WorkItem.id == item_id if item_id is not None else false())
        stmt = stmt.where(or_(*conditions))
    if f.team in {t.value for t in Team}:
        stmt = stmt.where(WorkItem.team == Team(f.team))
    if f.kind in {k.value for k in Kind}:
        stmt = stmt.where(WorkItem.kind == Kind(f.kind))
    if f.payer:
        stmt = stmt.where(WorkItem.payer == f.payer)
    if f.status == "active":
        stmt = stmt.where(WorkItem.status.in_(UNRESOLVED))
    elif f.status != "all":
        stmt = stmt.where(WorkItem.status == Status(f.status))
    return stmt


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@bp.get("/")
@login_required
def index() -> Any:
    user = require_user()
    f = Filters.from_request()
    base = _search(select(WorkItem).where(visible_to(user)), f)
    total = db.session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    size = config().page_size
    pages = max((total + size - 1) // size, 1)
    page = min(f.page, pages)
    if f.status == "resolved":
        ordered = base.order_by(WorkItem.resolved_at.desc(), WorkItem.id.desc())
    else:
        ordered = base.order_by(*priority.order_by(WorkItem, g.now))
    items = db.session.scalars(ordered.limit(size).offset((page - 1) * size)).all()
    held = queue.current_lease(db.session, user, g.now)
    waiting = db.session.scalar(select(func.count()).select_from(WorkItem).where(
        queue.claimable(g.now), queue.eligible_for(user))) or 0
    payers = db.session.scalars(select(WorkItem.payer).where(WorkItem.payer.is_not(None))
                                .distinct().order_by(WorkItem.payer).limit(200)).all()
    _audit("list", detail=f"filters={f.used} page={page} rows={len(items)}")
    audit.record_shown(db.session, action="shown_in_list", item_ids=[i.id for i in items], user_id=user.id,
                       detail=f"filters={f.used}"[:200], address=client_address())
    db.session.commit()
    return render_template("queue/index.html", items=items, f=f, total=total, page=page, pages=pages,
                           held=held, waiting=waiting, payers=payers, status_choices=STATUS_CHOICES,
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
    events = db.session.scalars(select(ItemEvent).where(ItemEvent.item_id == work_item.id)
                                .order_by(ItemEvent.id)).all()
    colleagues: list[User] = []
    audit_trail: list[tuple[AuditEntry, str]] = []
    if user.is_supervisor:
        colleagues = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name)))
        names = {u.id: u.display_name for u in colleagues}
        audit_trail = [(entry, _who(entry, names))
                       for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.item_id == work_item.id)
                                                       .order_by(AuditEntry.id.desc()).limit(AUDIT_ROWS))]
    holding = queue.holds(user, work_item, g.now)
    lease_live = (work_item.status is Status.IN_PROGRESS and work_item.lease_expires_at is not None
                  and work_item.lease_expires_at >= g.now)
    root = config().attachment_dir
    pages = {a.id: page_count for a in work_item.attachments if previews.can_preview(a)
             for page_count in [previews.page_count(root, a)]}
    refused = {a.id: previews.refusal(root, a) for a in work_item.attachments if a.id in pages and not pages[a.id]}
    return render_template(
        "queue/item.html", pages=pages, refused=refused, max_pages=previews.MAX_PREVIEW_PAGES, item=work_item, spec=work_item.kind.spec, events=events,
        why=priority.explain(work_item, g.now), tier=priority.tier(work_item, g.now),
        findings=presenters.findings(payload), fields=presenters.field_rows(payload),
        problems=presenters.problems(payload), facts=presenters.other_facts(payload),
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
    queue.resolve(db.session, work_item, require_user(), request.form.get("outcome", ""),
                  request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} resolved. Press n for the next one.")


@bp.post("/items/<id:item_id>/escalate")
@login_required
def escalate(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    _audit("escalate", item_id=item_id)
    queue.escalate(db.session, work_item, require_user(), request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} escalated to a supervisor.")


@bp.post("/items/<id:item_id>/reassign")
@supervisor_required
def reassign(item_id: int) -> Any:
    work_item = _load(item_id, for_update=True)
    to_id = db_id(request.form.get("user_id", ""))
    if to_id is None:
        raise InvalidInput("Choose the person to give the item to.")
    to = db.session.get(User, to_id)
    if to is None:
        raise InvalidInput("No such user.")
    _audit("reassign", item_id=item_id)
    queue.reassign(db.session, work_item, require_user(), to, request.form.get("note", ""), now=g.now)
    return _done(f"Item #{item_id} is reserved for {to.display_name}; it is theirs on their next “Next item”.", item_id)


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
