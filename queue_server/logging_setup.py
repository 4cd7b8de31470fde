"""Keep patient data out of the logs.

Search terms (names, account numbers) travel in query strings, and the access
log would print them: the filter cuts every query string from werkzeug's
request lines. Application code logs item ids, never names or amounts.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"((?:^|\s|\")/[^?\s\"]*)\?[^\s\"]*")


class RedactQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub(r"\1?[redacted]", a) if isinstance(a, str) else a
                                for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub(r"\1?[redacted]", record.msg)
        return True


_installed = False


def install_log_filters() -> None:
    global _installed
    if _installed:
        return
    logging.getLogger("werkzeug").addFilter(RedactQueryStrings())
    _installed = True
