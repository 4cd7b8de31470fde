"""The logged-in user for a request, and the decorators that guard pages."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from hme_rpa.config import Config

from .. import db
from ..models import User

F = TypeVar("F", bound=Callable[..., Any])


def config() -> Config:
    return current_app.config["HME"]  # type: ignore[no-any-return]


def current_user() -> User | None:
    if "user" not in g:
        user = None
        uid = session.get("uid")
        if uid is not None:
            user = db.session.get(User, uid)
            # A password change or deactivation ends every open session.
            if user is None or not user.active or session.get("pw") != user.password_hash[-16:]:
                session.clear()
                user = None
        g.user = user
    return g.user  # type: ignore[no-any-return]


def log_in(user: User) -> None:
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["pw"] = user.password_hash[-16:]


def log_out() -> None:
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
