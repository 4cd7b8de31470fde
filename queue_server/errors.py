"""Errors as JSON under /api, as pages elsewhere; the session is rolled back on 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, flash, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import db
from .exceptions import QueueError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def json_error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> Any:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def register(app: Flask) -> None:
    @app.errorhandler(QueueError)
    def _queue_error(exc: QueueError) -> Any:
        db.session.rollback()
        if _wants_json():
            return json_error(exc.status_code, exc.code, exc.message, exc.details)
        if request.method == "POST":
            # A refused action: back to the page it came from, with the reason on top.
            flash(exc.message, "error")
            return redirect(request.referrer or request.path)
        return render_template("error.html", status=exc.status_code, title="Cannot show this",
                               message=exc.message), exc.status_code

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        if _wants_json():
            return json_error(400, "csrf_failed", exc.description)
        return render_template("error.html", status=400, title="The form expired",
                               message="The page was open too long or came from elsewhere. "
                                       "Go back, reload it and try again."), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        # The exception's own headers go with the answer (a 405's Allow, which RFC 9110 requires).
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if _wants_json():
            body, _ = json_error(status, (exc.name or "error").lower().replace(" ", "_"),
                                 exc.description or exc.name or "error")
            return body, status, headers
        titles = {403: "Not allowed", 404: "Not found", 413: "Too large", 429: "Slow down"}
        return render_template("error.html", status=status, title=titles.get(status, exc.name),
                               message=exc.description), status, headers

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        db.session.rollback()
        # The type only: the message of a driver error can quote patient data.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        if _wants_json():
            return json_error(500, "internal_error", "Something went wrong on the server; nothing was saved.")
        return render_template("error.html", status=500, title="Something went wrong",
                               message="Nothing was saved. Try again; if it keeps happening, tell the RPA admin team."), 500
