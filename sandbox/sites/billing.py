"""Practice legacy billing system ("MediBill 2000"): frames, postbacks with state tokens, popups, confirms.

Screens: A/R list with aging, claim detail with lines, postings and notes,
payment posting in a popup, hold lists by type with release, and report
exports (A/R aging, net revenue, claim outcomes) that take a few seconds to build.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

from flask import Blueprint, Flask, Response, abort, g, redirect, render_template, request, session, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from ..world import billing
from ..world.reports import REPORTS
from ..world.store import dec
from .common import end_session, faults, make_site, store
from .faults import FaultState

SITE = "billing"
PAGE_ROWS = 50
IDLE_TIMEOUT_S = 15 * 60
REPORT_BUILD_S = 3.0
HOLD_TYPES = (("cmn", "CMN / Prescription"), ("prior_auth", "Prior Authorization"), ("automated", "Automated System"),
              ("manual", "Manual"))
MAX_ADJUSTMENTS = 4

bp = Blueprint("portal", __name__)
F = TypeVar("F", bound=Callable[..., Any])
_reports: dict[str, dict[str, Any]] = {}
_reports_lock = threading.Lock()


def create_app(store_path: Path, fault_state: FaultState | None = None) -> Flask:
    app = make_site(SITE, "MediBill 2000", store_path, fault_state)
    app.register_blueprint(bp)
    return app


def _serializer() -> URLSafeSerializer:
    from flask import current_app

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="medibill-state")


# The forms a user has open that the system remembers, like an old system's page-state cache: a form older than
# this many others is expired. Kept in the signed session cookie, which a browser drops past 4 KB: remembering
# every claim a session ever opened broke a long session's cookie after about a hundred claims.
OPEN_FORMS = 16


def issue_state(form: str, data: dict[str, Any]) -> str:
    """A hidden __STATE token for one form; only the newest one issued is accepted back."""
    nonce = secrets.token_hex(6)
    # A list, newest last: the session's JSON keeps a list's order, not a mapping's.
    states = [pair for pair in session.get("states", []) if pair[0] != form]
    session["states"] = [*states, [form, nonce]][-OPEN_FORMS:]
    return _serializer().dumps({"f": form, "n": nonce, "d": data})


class StateExpired(Exception):
    pass


def check_state(form: str) -> dict[str, Any]:
    try:
        payload = _serializer().loads(request.form.get("__STATE", ""))
    except BadSignature:
        raise StateExpired() from None
    if payload.get("f") != form or [form, payload.get("n")] not in session.get("states", []):
        raise StateExpired()
    return payload["d"]  # type: ignore[no-any-return]


def signed_in(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "user" not in session:
            return redirect(url_for("portal.login"))
        now = time.time()
        ttl = faults().faults.session_ttl_s
        if now - session.get("seen", 0) > IDLE_TIMEOUT_S or (ttl and now - session.get("login_at", 0) > ttl):
            session.clear()
            return render_template("billing/timeout.html")
        session["seen"] = now
        g.user = session["user"]
        try:
            return view(*args, **kwargs)
        except StateExpired:
            return render_template("billing/expired.html"), 409

    return wrapped  # type: ignore[return-value]


@bp.get("/")
def root() -> Any:
    return redirect(url_for("portal.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        operator_field = "opid" if faults().faults.layout_variant else "operator"
        if (request.form.get(operator_field, "").upper() == store().meta(f"{SITE}:username").upper()
                and request.form.get("password", "") == store().meta(f"{SITE}:password")):
            session.clear()
            session.update(user=store().meta(f"{SITE}:username"), login_at=time.time(), seen=time.time())
            faults().count("logins")
            return redirect(url_for("portal.main"))
        error = "INVALID OPERATOR ID OR PASSWORD"
    return render_template("billing/login.html", error=error)


@bp.post("/logout")
def logout() -> Any:
    end_session()
    return redirect(url_for("portal.login"))


@bp.get("/main")
@signed_in
def main() -> Any:
    return render_template("billing/main.html", start=request.args.get("go", url_for("portal.ar")))


# --- A/R list (postbacks) ---------------------------------------------------------------

@bp.route("/ar", methods=["GET", "POST"])
@signed_in
def ar() -> Any:
    state = {"payer": "", "bucket": "", "unstatused": False, "closed": False, "search": "", "page": 1}
    error = None
    if request.method == "POST":
        state = check_state("ar")
        action = request.form.get("action", "filter")
        if action == "filter":
            state.update(payer=request.form.get("payer", ""), bucket=request.form.get("bucket", ""),
                         unstatused=request.form.get("unstatused") == "Y", closed=request.form.get("closed") == "Y",
                         search=request.form.get("search", "").strip(), page=1)
        elif action == "next":
            state["page"] += 1
        elif action == "prev":
            state["page"] = max(1, state["page"] - 1)
        elif action == "goto":
            try:
                state["page"] = max(1, int(request.form.get("goto_page", "1")))
            except ValueError:
                error = "PAGE MUST BE A NUMBER"
    try:
        rows, total = billing.ar_rows(store(), payer=state["payer"], bucket_name=state["bucket"],
                                      unstatused=state["unstatused"], search=state["search"],
                                      include_closed=bool(state.get("closed")),
                                      offset=(state["page"] - 1) * PAGE_ROWS, limit=PAGE_ROWS)
    except billing.BillingError as exc:
        rows, total, error = [], 0, str(exc)
    pages = max((total + PAGE_ROWS - 1) // PAGE_ROWS, 1)
    if state["page"] > pages:
        state["page"] = pages
    return render_template("billing/ar.html", rows=rows, total=total, pages=pages, state=state,
                           token=issue_state("ar", state), buckets=billing.BUCKETS, error=error,
                           payers=store().all("SELECT key, name FROM payers ORDER BY name"))


# --- claim detail, notes, payment popup ------------------------------------------------------

def _claim_page(claim_number: str, message: str | None = None, error: str | None = None) -> Any:
    try:
        claim = billing.claim_by_number(store(), claim_number)
    except billing.BillingError:
        abort(404)
    lines = store().all("SELECT * FROM claim_lines WHERE claim_id = ? ORDER BY line_no", claim["id"])
    patient = store().one("SELECT * FROM patients WHERE id = ?", claim["patient_id"])
    payer = store().one("SELECT * FROM payers WHERE key = ?", claim["payer_key"])
    posted = billing.postings(store(), claim["id"])
    notes = store().all("SELECT * FROM notes WHERE claim_id = ? ORDER BY id DESC", claim["id"])
    age = (store().today - dt.date.fromisoformat(claim["submitted_on"])).days
    return render_template("billing/claim.html", claim=claim, lines=lines, patient=patient, payer=payer,
                           postings=posted, notes=notes, age=age, bucket=billing.bucket(age),
                           token=issue_state(f"note:{claim_number}", {}), message=message, error=error, dec=dec)


@bp.get("/claims/<claim_number>")
@signed_in
def claim(claim_number: str) -> Any:
    return _claim_page(claim_number)


@bp.post("/claims/<claim_number>/notes")
@signed_in
def add_note(claim_number: str) -> Any:
    check_state(f"note:{claim_number}")
    try:
        billing.add_note(store(), claim_number, request.form.get("note", ""), g.user)
    except billing.BillingError as exc:
        return _claim_page(claim_number, error=str(exc))
    return _claim_page(claim_number, message="NOTE SAVED")


@bp.route("/payments/new", methods=["GET", "POST"])
@signed_in
def payment() -> Any:
    claim_number = request.values.get("claim", "").strip().upper()
    try:
        claim_row = billing.claim_by_number(store(), claim_number)
    except billing.BillingError as exc:
        return render_template("billing/payment.html", claim=None, error=str(exc), lines=[], token="", done=None,
                               form={}, max_adj=MAX_ADJUSTMENTS)
    lines = store().all("SELECT * FROM claim_lines WHERE claim_id = ? ORDER BY line_no", claim_row["id"])
    error = done = None
    if request.method == "POST":
        check_state(f"pay:{claim_number}")
        try:
            postings = []
            for line in lines:
                n = line["line_no"]
                adjustments = []
                for k in range(1, MAX_ADJUSTMENTS + 1):
                    group = request.form.get(f"l{n}_grp{k}", "").strip().upper()
                    amount_raw = request.form.get(f"l{n}_amt{k}", "").strip()
                    if not group and not amount_raw:
                        continue
                    adjustments.append(billing.Adjustment(
                        group, request.form.get(f"l{n}_rc{k}", "").strip().upper(),
                        billing.parse_amount(amount_raw, f"Line {n} adjustment {k}")))
                postings.append(billing.LinePosting(n, billing.parse_amount(request.form.get(f"l{n}_paid", ""),
                                                                            f"Line {n} paid"),
                                                    tuple(adjustments), request.form.get(f"l{n}_denied") == "Y"))
            written = billing.post(store(), claim_number, request.form.get("check", ""), postings, g.user)
            done = f"PAYMENT POSTED: {written} LEDGER ENTRIES FOR CHECK {request.form.get('check')}"
        except billing.BillingError as exc:
            error = str(exc)
    return render_template("billing/payment.html", claim=claim_row, lines=lines, error=error, done=done,
                           token=issue_state(f"pay:{claim_number}", {}), form=request.form, max_adj=MAX_ADJUSTMENTS)


# --- holds -------------------------------------------------------------------------------

@bp.get("/holds")
@signed_in
def holds() -> Any:
    hold_type = request.args.get("type", "cmn")
    if hold_type not in dict(HOLD_TYPES):
        abort(404)
    try:
        page = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        page = 1
    where = "h.hold_type = ? AND h.released_at IS NULL"
    total = store().scalar(f"SELECT count(*) FROM holds h WHERE {where}", hold_type)
    rows = store().all(f"""SELECT h.*, pt.last_name, pt.first_name, pt.mbi, pt.dob FROM holds h
                           JOIN patients pt ON pt.id = h.patient_id WHERE {where}
                           ORDER BY h.opened_on, h.id LIMIT ? OFFSET ?""", hold_type, PAGE_ROWS, (page - 1) * PAGE_ROWS)
    pages = max((total + PAGE_ROWS - 1) // PAGE_ROWS, 1)
    return render_template("billing/holds.html", rows=rows, hold_type=hold_type, hold_types=HOLD_TYPES, page=page,
                           pages=pages, total=total)


@bp.route("/holds/<order_number>/release", methods=["GET", "POST"])
@signed_in
def release(order_number: str) -> Any:
    hold = store().one("""SELECT h.*, pt.last_name, pt.first_name FROM holds h JOIN patients pt ON pt.id = h.patient_id
                          WHERE order_number = ?""", order_number)
    if hold is None:
        abort(404)
    error = done = None
    if request.method == "POST":
        check_state(f"release:{order_number}")
        try:
            billing.release_hold(store(), order_number, request.form.get("note", ""), g.user)
            done = f"ORDER {order_number} RELEASED FROM HOLD"
        except billing.BillingError as exc:
            error = str(exc)
    return render_template("billing/release.html", hold=hold, error=error, done=done,
                           token=issue_state(f"release:{order_number}", {}))


# --- report exports ----------------------------------------------------------------------

@bp.get("/reports")
@signed_in
def reports() -> Any:
    return render_template("billing/reports.html", token=issue_state("report", {}),
                           reports=[(name, title) for name, (_build, _prefix, title) in REPORTS.items()])


@bp.post("/reports/<name>")
@signed_in
def build_report(name: str) -> Any:
    check_state("report")
    if name not in REPORTS:
        abort(404)
    builder, prefix, _title = REPORTS[name]
    job = secrets.token_hex(8)
    path = store().path

    def build() -> None:
        from ..world.store import Store

        started = time.monotonic()
        built = Store(path)
        content = builder(built)
        time.sleep(max(0.0, REPORT_BUILD_S - (time.monotonic() - started)))  # the old system is slow
        with _reports_lock:
            _reports[job]["csv"] = content
            _reports[job]["filename"] = f"{prefix}_{built.today:%Y%m%d}.csv"

    with _reports_lock:
        _reports[job] = {"user": g.user, "csv": None, "requested": dt.datetime.now(), "name": name}
    threading.Thread(target=build, daemon=True, name=f"report-{job}").start()
    return redirect(url_for("portal.report_status", job=job))


@bp.get("/reports/<job>")
@signed_in
def report_status(job: str) -> Any:
    with _reports_lock:
        report = _reports.get(job)
    if report is None or report["user"] != g.user:
        abort(404)
    return render_template("billing/report_status.html", job=job, ready=report["csv"] is not None,
                           title=REPORTS[report["name"]][2])


@bp.get("/reports/<job>.csv")
@signed_in
def report_csv(job: str) -> Any:
    with _reports_lock:
        report = _reports.get(job)
    if report is None or report["csv"] is None or report["user"] != g.user:
        abort(404)
    return Response(report["csv"], mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{report["filename"]}"'})
