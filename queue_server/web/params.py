"""Numbers from a request, kept inside what the database can hold.

An id or page beyond the column's range is not an error of the database's (an OverflowError, a 500): it is
an id that does not exist, or the last page. Ids are INTEGER columns (32 bits on PostgreSQL).
"""

from __future__ import annotations

from werkzeug.routing import BaseConverter

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


def db_id(raw: object) -> int | None:
    """An id a row may have, or None."""
    text = str(raw).strip().lstrip("#")
    if not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def page_number(raw: object) -> int:
    try:
        return min(max(int(str(raw)), 1), MAX_PAGE)
    except ValueError:
        return 1


class IdConverter(BaseConverter):
    """`<id:item_id>` in a route: digits within the id column's range; anything else is a 404."""

    regex = r"\d{1,10}"

    def to_python(self, value: str) -> int:
        found = db_id(value)
        if found is None:
            from werkzeug.routing import ValidationError

            raise ValidationError()
        return found

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]
