"""Practice commercial payer portal (Blue River Health Plan): a single-page app fed by a JSON API.

Deliberately unlike the Medicare portal: the page arrives empty and fills
itself by fetch; search by member ID and claim number; results in pages of
10; EOBs in the plan's own layout, some of them scans with no text layer.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request, session, url_for

from ..documents import eob
from ..world.store import dec
from .common import end_session, faults, make_site, store
from .faults import FaultState

SITE = "bluriver"
PAGE_SIZE = 10
STATUS_TEXT = {"A2": "Received - In Process", "A3": "Rejected", "A7": "Rejected - Invalid Information",
               "P1": "In Process", "P2": "Under Review", "P3": "Pending - Additional Information Requested",
               "F1": "Paid", "F2": "Denied", "F4": "Processed - No Payment", "R4": "Records Requested"}
bp = Blueprint("portal", __name__)
F = TypeVar("F", bound=Callable[..., Any])


def create_app(store_path: Path, fault_state: FaultState | None = None) -> Flask:
    app = make_site(SITE, "Blue River Health Plan — Provider Connect", store_path, fault_state)
    app.register_blueprint(bp)
    return app


def api_login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "user" not in session:
            return jsonify({"error": "not_signed_in", "message": "Please sign in."}), 401
        ttl = faults().faults.session_ttl_s
        if ttl and time.time() - session.get("login_at", 0) > ttl:
            session.clear()
            return jsonify({"error": "session_expired", "message": "Your session expired. Please sign in again."}), 401
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@bp.get("/")
def shell() -> Any:
    return render_template("bluriver/app.html")


@bp.get("/login")
def login() -> Any:
    return redirect(url_for("portal.shell"))


@bp.post("/api/login")
def api_login() -> Any:
    body = request.get_json(silent=True) or {}
    if body.get("username") != store().meta(f"{SITE}:username") or body.get("password") != store().meta(f"{SITE}:password"):
        return jsonify({"error": "invalid_credentials", "message": "Username or password is incorrect."}), 401
    if faults().faults.password_expired:
        session.clear()
        session["expired_user"] = body["username"]
        return jsonify({"error": "password_expired", "message": "Your password has expired. Choose a new one."}), 403
    session.clear()
    session.update(user=body["username"], login_at=time.time())
    faults().count("logins")
    return jsonify({"user": body["username"], "organization": "SUMMIT HOME MEDICAL SUPPLY"})


@bp.post("/api/password")
def api_password() -> Any:
    body = request.get_json(silent=True) or {}
    if "expired_user" not in session:
        return jsonify({"error": "not_allowed", "message": "Sign in first."}), 401
    new = str(body.get("new_password", ""))
    if body.get("current_password") != store().meta(f"{SITE}:password") or len(new) < 12:
        return jsonify({"error": "invalid_password", "message": "Check your current password; new ones need 12+ characters."}), 422
    store().set_meta(f"{SITE}:password", new)
    faults().update({"password_expired": False})
    session.clear()
    return jsonify({"ok": True})


@bp.post("/api/logout")
def api_logout() -> Any:
    end_session()
    return jsonify({"ok": True})


def _line_codes(claim_ids: list[int]) -> dict[int, list[str]]:
    """Each finalized claim's adjustment codes (group-reason) and remarks as its lines were adjudicated, as a real
    portal's claim detail lists them for a paid claim too: one query for a page of claims."""
    codes: dict[int, list[str]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return codes
    marks = ", ".join("?" for _ in claim_ids)
    for line in store().all(f"""SELECT rc.claim_id, l.adjustments, l.remarks FROM remit_lines l JOIN remit_claims rc
                                ON rc.id = l.remit_claim_id WHERE rc.claim_id IN ({marks})
                                ORDER BY rc.id, l.line_no""", *claim_ids):
        codes[line["claim_id"]] += [f"{a['group']}-{a['reason']}" for a in json.loads(line["adjustments"])]
        codes[line["claim_id"]] += json.loads(line["remarks"])
    return {claim_id: list(dict.fromkeys(found)) for claim_id, found in codes.items()}


def _claim_json(row: Any, line_codes: dict[int, list[str]]) -> dict[str, Any]:
    denial = json.loads(row["denial"]) if row["denial"] else None
    paid_codes = line_codes.get(row["id"], []) if not denial and row["status_code"].startswith("F") else []
    return {"claimNumber": row["icn"], "patientName": f"{row['last_name']}, {row['first_name']}",
            "memberId": row["member_id"], "patientAccount": row["account_number"],
            "serviceFrom": row["dos_from"], "serviceTo": row["dos_to"], "billed": row["billed"],
            "statusCategory": row["status_code"], "status": STATUS_TEXT.get(row["status_code"], row["status_code"]),
            "statusDate": row["status_date"],
            "planPaid": row["paid"] if row["status_code"].startswith("F") else None,
            "adjustmentCodes": [f"{denial[0]}-{denial[1]}"] + ([denial[2]] if denial[2] else []) if denial
            else paid_codes,
            "paymentDate": row["remit_date"]}


@bp.get("/api/claims")
@api_login_required
def api_claims() -> Any:
    member = request.args.get("memberId", "").strip().upper()
    number = request.args.get("claimNumber", "").strip().upper()
    if not member and not number:
        return jsonify({"error": "missing_criteria", "message": "Enter a member ID or a claim number."}), 400
    try:
        page = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        return jsonify({"error": "bad_page", "message": "page must be a number"}), 400
    where, params = ["c.payer_key = ?", "p.status_code <> 'A4'"], [SITE]
    if member:
        where.append("pt.member_id = ?")
        params.append(member)
    if number:
        where.append("p.icn = ?")
        params.append(number)
    clause = " AND ".join(where)
    base = f"""FROM claims c JOIN patients pt ON pt.id = c.patient_id JOIN payer_claims p ON p.claim_id = c.id
               WHERE {clause}"""
    total = store().scalar(f"SELECT count(*) {base}", *params)
    rows = store().all(f"""SELECT c.*, pt.last_name, pt.first_name, pt.member_id, p.status_code, p.icn, p.paid, p.denial,
                           p.status_date, p.remit_date {base} ORDER BY c.dos_from DESC, c.id LIMIT ? OFFSET ?""",
                       *params, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    line_codes = _line_codes([r["id"] for r in rows if not r["denial"] and r["status_code"].startswith("F")])
    return jsonify({"items": [_claim_json(r, line_codes) for r in rows], "page": page, "pageSize": PAGE_SIZE, "total": total,
                    "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)})


@bp.get("/api/payments")
@api_login_required
def api_payments() -> Any:
    today = store().today
    try:
        start = dt.date.fromisoformat(request.args.get("from") or (today - dt.timedelta(days=30)).isoformat())
        end = dt.date.fromisoformat(request.args.get("to") or today.isoformat())
    except ValueError:
        return jsonify({"error": "bad_date", "message": "Dates are YYYY-MM-DD."}), 400
    rows = store().all("""SELECT r.*, (SELECT count(*) FROM remit_claims WHERE remit_id = r.id) AS claims
                          FROM remittances r WHERE payer_key = ? AND remit_date BETWEEN ? AND ?
                          ORDER BY remit_date DESC, check_number""", SITE, start.isoformat(), end.isoformat())
    return jsonify({"items": [{"paymentNumber": r["check_number"], "paymentDate": r["remit_date"],
                               "amount": f"{dec(r['amount']) + dec(r['misprint']):.2f}", "claims": r["claims"],
                               "eobUrl": url_for("portal.eob_pdf", check_number=r["check_number"])} for r in rows]})


@bp.get("/api/payments/<check_number>/eob.pdf")
@api_login_required
def eob_pdf(check_number: str) -> Any:
    remit_id = store().scalar("SELECT id FROM remittances WHERE check_number = ? AND payer_key = ?", check_number, SITE)
    if remit_id is None:
        return jsonify({"error": "not_found", "message": "No such payment."}), 404
    return Response(eob.render(store(), remit_id), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="EOB-{check_number}.pdf"'})
