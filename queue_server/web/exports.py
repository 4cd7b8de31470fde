"""CSV exports, one writer for all: a cell a spreadsheet would run as a formula is written as text.

A patient name, a payer's note or an account number typed as "=HYPERLINK(...)" or "+cmd|..." would run in
the supervisor's spreadsheet when opened (CSV injection). Such a cell gets a leading apostrophe, which
spreadsheets show as text; numbers, negative amounts included, stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable

from flask import Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
