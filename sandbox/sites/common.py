"""What every practice site shares: the store, the faults, sessions, and the /_sandbox control endpoints."""

from __future__ import annotations

import functools
import secrets
import time
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from flask import (Blueprint, Flask, Response, current_app, g, jsonify, redirect, render_template, request,
                   session, url_for)

from ..world import truth
from ..world.store import Store
from .faults import FaultState

F = TypeVar("F", bound=Callable[..., Any])
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"


def store() -> Store:
    return current_app.config["STORE"]  # type: ignore[no-any-return]


def faults() -> FaultState:
    return current_app.config["FAULTS"]  # type: ignore[no-any-return]


def make_site(name: str, title: str, store_path: Path, fault_state: FaultState | None = None) -> Flask:
    app = Flask(f"sandbox.{name}", template_folder=str(TEMPLATES), static_folder=str(STATIC),
                static_url_path="/static")
    app.config.update(STORE=Store(store_path), FAULTS=fault_state or FaultState(), SITE=name, SITE_TITLE=title,
                      SECRET_KEY=secrets.token_hex(16), SESSION_COOKIE_NAME=f"{name}_session",
                      SESSION_COOKIE_SAMESITE="Lax", MAX_CONTENT_LENGTH=1024 * 1024,
                      # As a real portal serves its style sheets and scripts: kept by the browser for an hour
                      # rather than asked for again with every page (Flask's default).
                      SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.register_blueprint(control)
    app.before_request(_inject_faults)
    app.after_request(_damage_downloads)

    @app.context_processor
    def _site() -> dict[str, Any]:
        return {"site_title": title, "variant": faults().faults.layout_variant}

    return app


# --- faults ------------------------------------------------------------------------

def _inject_faults() -> Any:
    if request.path.startswith(("/_sandbox/", "/static/")):
        return None
    state = faults()
    f = state.faults
    if state.over_rate_limit():
        return Response("Too many requests. Please slow down.", status=429, headers={"Retry-After": "1"})
    if f.latency_ms:
        time.sleep(f.latency_ms / 1000)
    if f.maintenance:
        return render_template("common/maintenance.html"), 503
    if state.roll(f.error_rate):
        status = state.choice((500, 503))
        return render_template("common/error.html", status=status), status
    return None


def _damage_downloads(response: Response) -> Response:
    if response.mimetype != "application/pdf" or request.path.startswith("/_sandbox/") or response.direct_passthrough:
        return response
    state = faults()
    f = state.faults
    body = response.get_data()
    if state.roll(f.truncated_pdf_rate):
        body = body[: len(body) // 2]
    elif state.roll(f.corrupt_pdf_rate):
        # Bytes changed on the way, at the full length: somewhere in the file, differently each time (a copy
        # damaged twice alike is as rare as on a real line).
        at = state.randrange(len(body) - 512)
        mask = 1 + state.randrange(255)
        body = body[:at] + bytes(b ^ mask for b in body[at:at + 512]) + body[at + 512:]
    if f.slow_pdf_kbps:
        chunk = max(f.slow_pdf_kbps * 1024 // 10, 1)

        def trickle() -> Iterator[bytes]:
            for start in range(0, len(body), chunk):
                time.sleep(0.1)
                yield body[start:start + chunk]

        slow = Response(trickle(), status=response.status_code, headers=dict(response.headers))
        slow.headers["Content-Length"] = str(len(body))
        return slow
    response.set_data(body)
    return response


# --- sessions ------------------------------------------------------------------------

def start_session(username: str) -> None:
    session.clear()
    session["user"] = username
    session["login_at"] = time.time()
    faults().count("logins")


def end_session() -> None:
    """Log out: a session closed without it stays open on a real portal (and may lock the account)."""
    if "user" in session or "expired_user" in session:
        faults().count("logouts")
    session.clear()


def login_required(view: F) -> F:
    """Log-in check with the session-expiry fault: an expired session goes back to the login page."""
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "user" not in session or not session.get("ready"):
            return redirect(url_for("portal.login"))
        ttl = faults().faults.session_ttl_s
        if ttl and time.time() - session.get("login_at", 0) > ttl:
            session.clear()
            return redirect(url_for("portal.login", expired=1))
        g.user = session["user"]
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


# --- control endpoints (tests and the demo's self-check; never the robots) ----------------

control = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


@control.get("/health")
def health() -> Any:
    return jsonify({"site": current_app.config["SITE"], "today": store().meta("today")})


@control.route("/faults", methods=["GET", "POST"])
def fault_settings() -> Any:
    if request.method == "POST":
        changes = request.get_json(silent=True)
        if not isinstance(changes, dict):
            return jsonify({"error": "send a JSON object of fault settings"}), 400
        try:
            faults().update(changes)
        except ValueError as exc:
            return jsonify({"error": str(exc)}), 422
    return jsonify(faults().faults.as_dict())


@control.get("/sessions")
def sessions_opened() -> Any:
    """How many sessions were logged in and how many logged out."""
    return jsonify(faults().sessions)


@control.get("/truth")
def ground_truth() -> Any:
    section = request.args.get("section")
    everything = {"claims": truth.claims, "remittances": truth.remittances, "holds": truth.holds}
    if section in everything:
        return jsonify(everything[section](store()))
    if section:
        return jsonify({"error": f"section is one of {', '.join(everything)}"}), 400
    return jsonify(truth.everything(store()))


@control.get("/ledger")
def ledger() -> Any:
    return jsonify(truth.ledger(store()))
