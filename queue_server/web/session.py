"""The logged-in user for a request, and the decorators that guard pages."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from hme_rpa.config import Config

from .. import db
from ..models import User
from ..services import auth

F = TypeVar("F", bound=Callable[..., Any])


def config() -> Config:
    return current_app.config["HME"]  # type: ignore[no-any-return]


def current_user() -> User | None:
    if "user" not in g:
        user = None
        token = session.get("sid")
        if isinstance(token, str):
            # The session lives on the server: ended by log-out, a password change or deactivation there.
            user = auth.session_user(db.session, token)
            if user is None:
                session.clear()
        g.user = user
    return g.user  # type: ignore[no-any-return]


def log_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session["sid"] = auth.start_session(db.session, config(), user)


def log_out() -> None:
    token = session.get("sid")
    if isinstance(token, str):
        auth.end_session(db.session, token)
        db.session.commit()
    session.clear()


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def supervisor_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is None:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        if not user.is_supervisor:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def require_user() -> User:
    user = current_user()
    if user is None:
        abort(401)
    return user
