"""Practice Medicare DME MAC portal: log-in with TOTP, terms interstitial, claim status, remittances."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, session, url_for

from ..documents import spr
from ..world.store import dec
from . import totp
from .common import end_session, faults, login_required, make_site, start_session, store
from .faults import FaultState

SITE = "medicare"
bp = Blueprint("portal", __name__)

# What the portal prints for each 277 category code (the code is shown beside it).
STATUS_TEXT = {
    "A1": "RECEIVED", "A2": "ACCEPTED - IN PROCESS", "A3": "RETURNED AS UNPROCESSABLE",
    "A7": "REJECTED - INVALID INFORMATION", "P1": "PENDING - IN PROCESS", "P2": "PENDING - PAYER REVIEW",
    "P3": "PENDING - PROVIDER REQUESTED INFORMATION", "F1": "FINALIZED - PAID", "F2": "FINALIZED - DENIED",
    "F4": "FINALIZED - ADJUDICATED, NO PAYMENT FORTHCOMING", "R4": "REQUEST FOR ADDITIONAL INFORMATION",
}
MAX_RANGE_DAYS = 366


def create_app(store_path: Path, fault_state: FaultState | None = None) -> Flask:
    app = make_site(SITE, "Northern Plains DME MAC — Provider Portal", store_path, fault_state)
    app.register_blueprint(bp)
    return app


def _account(key: str) -> str:
    return store().meta(f"{SITE}:{key}")


@bp.get("/")
def root() -> Any:
    return redirect(url_for("portal.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    message = "Your session has expired. Please log in again." if request.args.get("expired") else None
    if request.method == "POST":
        field_user, field_pass = ("userId", "passwd") if faults().faults.layout_variant else ("username", "password")
        if (request.form.get(field_user, "") == _account("username")
                and request.form.get(field_pass, "") == _account("password")):
            session.clear()
            session["stage"] = "password" if faults().faults.password_expired else "mfa"
            session["pending_user"] = request.form[field_user]
            return redirect(url_for("portal.password_expired" if session["stage"] == "password" else "portal.mfa"))
        message = "The user ID or password you entered is incorrect."
    return render_template("medicare/login.html", message=message)


@bp.route("/password-expired", methods=["GET", "POST"])
def password_expired() -> Any:
    if session.get("stage") != "password":
        return redirect(url_for("portal.login"))
    error = None
    if request.method == "POST":
        current, new, confirm = (request.form.get(k, "") for k in ("current", "new", "confirm"))
        if current != _account("password"):
            error = "Your current password is not correct."
        elif len(new) < 12 or new != confirm or new == current:
            error = "The new password must be at least 12 characters, match its confirmation and differ from the old."
        else:
            store().set_meta(f"{SITE}:password", new)
            faults().update({"password_expired": False})
            session.clear()
            return redirect(url_for("portal.login"))
    return render_template("medicare/password_expired.html", error=error)


@bp.route("/mfa", methods=["GET", "POST"])
def mfa() -> Any:
    if session.get("stage") != "mfa":
        return redirect(url_for("portal.login"))
    error = None
    if request.method == "POST":
        if totp.verify(_account("totp_secret"), request.form.get("code", "")):
            user = session["pending_user"]
            start_session(user)
            session["stage"] = "terms"
            return redirect(url_for("portal.terms"))
        error = "That code is not valid. Enter the current 6-digit code from your authenticator."
    return render_template("medicare/mfa.html", error=error)


@bp.route("/terms", methods=["GET", "POST"])
def terms() -> Any:
    if session.get("stage") != "terms":
        return redirect(url_for("portal.login"))
    if request.method == "POST":
        if request.form.get("accept") != "yes":
            return render_template("medicare/terms.html", error="You must accept the terms to continue.")
        session["stage"] = "ready"
        session["ready"] = True
        return redirect(url_for("portal.home"))
    return render_template("medicare/terms.html", error=None)


@bp.get("/home")
@login_required
def home() -> Any:
    return render_template("medicare/home.html")


@bp.post("/logout")
def logout() -> Any:
    end_session()
    return redirect(url_for("portal.login"))


def _date(name: str, default: dt.date) -> dt.date:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{name}: use MM/DD/YYYY")


@bp.get("/claim-status")
@login_required
def claim_status() -> Any:
    today = store().today
    mbi = request.args.get("beneficiaryId" if faults().faults.layout_variant else "mbi", "").strip().upper()
    results = None
    error = None
    if mbi:
        try:
            start = _date("from", today - dt.timedelta(days=365))
            end = _date("to", today)
            if end < start or (end - start).days > MAX_RANGE_DAYS:
                raise ValueError("The date range must run forward and cover at most one year.")
        except ValueError as exc:
            error = str(exc)
        else:
            rows = store().all(
                """SELECT c.claim_number, c.dos_from, c.dos_to, c.billed, c.account_number, p.status_code, p.icn,
                          p.paid, p.denial, p.status_date, p.remit_date, pt.last_name, pt.first_name
                   FROM claims c JOIN patients pt ON pt.id = c.patient_id JOIN payer_claims p ON p.claim_id = c.id
                   WHERE pt.mbi = ? AND c.payer_key = ? AND c.dos_from BETWEEN ? AND ?
                         AND p.status_code <> 'A4' ORDER BY c.dos_from DESC""",
                mbi, SITE, start.isoformat(), end.isoformat())
            results = [_status_row(r) for r in rows]
    return render_template("medicare/claim_status.html", mbi=mbi, results=results, error=error,
                           default_from=(today - dt.timedelta(days=365)).strftime("%m/%d/%Y"),
                           default_to=today.strftime("%m/%d/%Y"))


def _status_row(row: Any) -> dict[str, Any]:
    denial = json.loads(row["denial"]) if row["denial"] else None
    final = row["status_code"].startswith("F")
    return {
        "icn": row["icn"] or "", "dos_from": dt.date.fromisoformat(row["dos_from"]),
        "dos_to": dt.date.fromisoformat(row["dos_to"]), "billed": dec(row["billed"]),
        "patient_control": row["account_number"], "code": row["status_code"],
        "status": STATUS_TEXT.get(row["status_code"], row["status_code"]),
        "status_date": dt.date.fromisoformat(row["status_date"]),
        "paid": dec(row["paid"]) if final else None,
        "reasons": f"{denial[0]}-{denial[1]}" + (f" {denial[2]}" if denial[2] else "") if denial else "",
        "remit_date": dt.date.fromisoformat(row["remit_date"]) if row["remit_date"] else None,
    }


@bp.get("/remittances")
@login_required
def remittances() -> Any:
    today = store().today
    error = None
    try:
        start = _date("from", today - dt.timedelta(days=30))
        end = _date("to", today)
    except ValueError as exc:
        error, start, end = str(exc), today - dt.timedelta(days=30), today
    rows = store().all("""SELECT check_number, remit_date, amount, misprint,
                                 (SELECT count(*) FROM remit_claims WHERE remit_id = r.id) AS claims
                          FROM remittances r WHERE payer_key = ? AND remit_date BETWEEN ? AND ?
                          ORDER BY remit_date DESC, check_number""", SITE, start.isoformat(), end.isoformat())
    items = [{"check_number": r["check_number"], "date": dt.date.fromisoformat(r["remit_date"]),
              "amount": dec(r["amount"]) + dec(r["misprint"]), "claims": r["claims"]} for r in rows]
    return render_template("medicare/remittances.html", items=items, error=error,
                           start=start.strftime("%m/%d/%Y"), end=end.strftime("%m/%d/%Y"))


@bp.get("/remittances/<check_number>.pdf")
@login_required
def remittance_pdf(check_number: str) -> Any:
    remit_id = store().scalar("SELECT id FROM remittances WHERE check_number = ? AND payer_key = ?", check_number, SITE)
    if remit_id is None:
        abort(404)
    return Response(spr.render(store(), remit_id), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="SPR_{check_number}.pdf"'})
