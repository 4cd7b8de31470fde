"""The bots' JSON API under /api/v1: token-authenticated, documented as OpenAPI."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import routes  # noqa: E402,F401  (registers the views on bp)
