"""The work-queue server: bots post exceptions, billers work them, supervisors watch.

`create_app(config)` builds the Flask app; nothing is created at import time.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Flask, g, session
from flask_wtf.csrf import CSRFProtect

from hme_rpa.config import Config

from .db import Database
from .logging_setup import install_log_filters

csrf = CSRFProtect()
# Messages kept for the next page a person opens (`flash`): the newest few.
MAX_MESSAGES = 3
db = Database()


def create_app(config: Config | None = None, **overrides: Any) -> Flask:
    config = config or Config.from_env(**overrides)
    app = Flask(__name__)
    app.config.update(
        HME=config,
        SECRET_KEY=config.secret_key,
        TESTING=config.testing,
        SESSION_COOKIE_SECURE=config.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="hme_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=config.session_hours),
        # The server holds the session and its expiry (WebSession): the cookie, set at log-in to expire with it,
        # is not signed and sent again on every response.
        SESSION_REFRESH_EACH_REQUEST=False,
        # Room for a batch of 1,000 items or one attachment, with the multipart envelope.
        MAX_CONTENT_LENGTH=max(config.max_attachment_bytes, 16 * 1024 * 1024) + 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
    )
    install_log_filters()
    from .web.params import IdConverter

    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    csrf.init_app(app)

    from .api import bp as api_bp
    from .web.auth import bp as auth_bp
    from .web.kpis import bp as kpis_bp
    from .web.queue import bp as queue_bp
    from .web.supervisor import bp as supervisor_bp
    from . import errors, templating

    app.register_blueprint(auth_bp)
    app.register_blueprint(queue_bp)
    app.register_blueprint(supervisor_bp, url_prefix="/supervisor")
    app.register_blueprint(kpis_bp, url_prefix="/kpis")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)
    errors.register(app)
    templating.register(app)

    @app.before_request
    def _request_clock() -> None:
        g.now = config.now()

    @app.after_request
    def _few_messages(response: Any) -> Any:
        # Messages wait in the session cookie until a page shows them; a person who works by keyboard from
        # redirect to redirect (or a script) would otherwise grow it with every action until the browser
        # drops it. A page shows the newest few.
        waiting = session.get("_flashes")
        if waiting and len(waiting) > MAX_MESSAGES:
            session["_flashes"] = waiting[-MAX_MESSAGES:]
        return response

    @app.after_request
    def _security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
        if config.cookie_secure:
            # Cookies only over HTTPS: the browser is told to come back only over HTTPS, for a year.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    logging.getLogger(__name__).debug("queue server created for %s", "sqlite" if config.is_sqlite else "postgresql")
    return app
