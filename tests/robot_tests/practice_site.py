"""A practice portal of two screens and its session, for the runtime's tests: a log-in page that may answer
500 a number of times first, and screens that show the element they are named for (or, past the session's
time-out since the log-in, the log-in page)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from flask import Flask, make_response, request
from playwright.async_api import Page

from bots.portals.base import PortalSession, expect_screen


LOGIN_FORM = "<form><input id=user></form>"


def site(login_fails: int = 0, session_ttl: float = 0.0) -> Flask:
    app = Flask(__name__)
    calls = Counter[str]()
    app.config["calls"] = calls

    @app.get("/login")
    def login() -> Any:
        calls["login"] += 1
        if calls["login"] <= login_fails:
            return "<h1>Internal error</h1>", 500
        response = make_response(LOGIN_FORM)
        response.set_cookie("since", str(time.time()))
        return response

    @app.get("/screen/<name>")
    def screen(name: str) -> str:
        if session_ttl and time.time() - float(request.cookies.get("since", "0")) > session_ttl:
            return LOGIN_FORM
        return f"<h1 id='{name}'>{name}</h1>"

    return app


class Practice(PortalSession):
    name = "practice"

    async def login(self, page: Page) -> None:
        await self.goto(page, "/login")

    async def visit(self, name: str, expect: str) -> None:
        async def work(page: Page) -> None:
            await self.goto(page, f"/screen/{name}")
            await expect_screen(page, f"#{expect}", login_marker="#user", what=name, timeout_ms=500)
        await self.run(work, label=name)
