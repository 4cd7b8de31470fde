"""Practice document portal: the intake team's physician-fax inbox, indexed by patient."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, session, url_for

from ..documents import forms
from .common import end_session, faults, login_required, make_site, start_session, store
from .faults import FaultState

SITE = "documents"
PAGE_SIZE = 25
bp = Blueprint("portal", __name__)


def create_app(store_path: Path, fault_state: FaultState | None = None) -> Flask:
    app = make_site(SITE, "FaxVault — Intake Inbox", store_path, fault_state)
    app.register_blueprint(bp)
    return app


@bp.get("/")
def root() -> Any:
    return redirect(url_for("portal.inbox"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = "Your session has expired." if request.args.get("expired") else None
    if request.method == "POST":
        if (request.form.get("email") == store().meta(f"{SITE}:username")
                and request.form.get("password") == store().meta(f"{SITE}:password")):
            if faults().faults.password_expired:
                return render_template("documents/login.html", error="Password expired. Contact your administrator.",
                                       expired=True)
            start_session(request.form["email"])
            session["ready"] = True
            return redirect(url_for("portal.inbox"))
        error = "Invalid email or password."
    return render_template("documents/login.html", error=error, expired=False)


@bp.post("/logout")
def logout() -> Any:
    end_session()
    return redirect(url_for("portal.login"))


@bp.get("/inbox")
@login_required
def inbox() -> Any:
    account = request.args.get("account", "").strip()
    name = request.args.get("name", "").strip().upper()
    try:
        page = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        page = 1
    where, params = ["1 = 1"], []
    if account:
        where.append("pt.account_number = ?")
        params.append(account)
    if name:
        where.append("pt.last_name LIKE ?")
        params.append(name.split(",")[0].strip() + "%")
    clause = " AND ".join(where)
    total = store().scalar(f"SELECT count(*) FROM documents d JOIN patients pt ON pt.id = d.patient_id WHERE {clause}",
                           *params)
    rows = store().all(f"""SELECT d.id, d.received_on, d.format, d.noise_seed, pt.last_name, pt.first_name,
                                  pt.account_number, pt.dob
                           FROM documents d JOIN patients pt ON pt.id = d.patient_id WHERE {clause}
                           ORDER BY d.received_on DESC, d.id DESC LIMIT ? OFFSET ?""",
                       *params, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    items = [{"id": r["id"], "received": dt.date.fromisoformat(r["received_on"]), "format": r["format"],
              "patient": f"{r['last_name']}, {r['first_name']}", "account": r["account_number"],
              "sender": f"(208) 555-{(r['noise_seed'] % 9000) + 1000}"} for r in rows]
    return render_template("documents/inbox.html", items=items, total=total, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), account=account, name=name)


@bp.get("/documents/<int:doc_id>")
@login_required
def document(doc_id: int) -> Any:
    row = store().one("SELECT * FROM documents WHERE id = ?", doc_id)
    if row is None:
        abort(404)
    data, content_type = forms.render(dict(row), json.loads(row["fields"]))
    ext = "tif" if content_type == "image/tiff" else "pdf"
    return Response(data, mimetype=content_type,
                    headers={"Content-Disposition": f'attachment; filename="FAX-{doc_id:06d}.{ext}"'})
