"""Log in and out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import db
from ..services import audit, auth
from .session import client_address, config, current_user, log_in, log_out

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only paths on this site: "//evil.example" and "https://..." go home.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("queue.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("login.html", next=request.args.get("next", ""))
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    result = auth.authenticate(db.session, config(), username, password, client_address())
    if result.user is None:
        if result.locked_minutes:
            message = (f"Too many failed attempts. Wait {result.locked_minutes} minutes "
                       "or ask an administrator to reset your password.")
            status = 429
        else:
            message = "Wrong username or password."
            status = 401
        return render_template("login.html", error=message, username=username[:64],
                               next=request.form.get("next", "")), status
    log_in(result.user)
    audit.record(db.session, action="login", user_id=result.user.id, address=client_address())
    db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Any:
    user = current_user()
    if user is not None:
        audit.record(db.session, action="logout", user_id=user.id, address=client_address())
        db.session.commit()
    log_out()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
