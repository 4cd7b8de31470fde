"""Jinja filters and the values every page needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Flask, current_app

from .domain import codes
from .domain.kinds import KINDS, Kind, Status, Team
from .web.session import current_user


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def local(value: dt.datetime | None, fmt: str = "%b %d, %Y %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(current_app.config["HME"].tz).strftime(fmt)


def day(value: dt.date | None) -> str:
    return value.strftime("%b %d, %Y") if value else ""


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {(seconds % 3600) // 60:02d}m"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, local=local, day=day, duration=duration, code_words=codes.with_words)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"current_user": current_user(), "KINDS": KINDS, "Kind": Kind, "Team": Team,
                "Status": Status, "tz_name": current_app.config["HME"].timezone}
