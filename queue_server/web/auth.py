"""Log in and out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for

from .. import db
from ..services import audit, auth
from .session import client_address, config, current_user, log_in, log_out

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site. Browsers drop tabs and line breaks from an address and read a backslash as a
    slash, so "/\t/evil.example" is "//evil.example" to them: any control character, space or backslash, or a
    second slash or a scheme at the start, sends the user home instead."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("queue.index")
    if any(ord(c) < 0x21 or c in "\\\x7f" for c in target):
        return url_for("queue.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("queue.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(safe_next(request.args.get("next")))
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
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Any:
    user = current_user()
    if user is not None:
        audit.record(db.session, action="logout", user_id=user.id, address=client_address())
        db.session.commit()
    log_out()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
