"""The bots' JSON API under /api/v1: token-authenticated, documented as OpenAPI."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import robot_work, routes  # noqa: E402,F401  (register the views on bp)
