"""The bots' API over HTTP, with the standard library alone (no Flask, no SQLAlchemy: a runner imports this and
nothing of the server)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import secrets
import time
import urllib.error
import urllib.request
from typing import Any, Iterable, Sequence


class QueueClientError(Exception):
    """The server refused a request; `status_code` and `code` are the server's, `details` its reasons."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.status_code = status
        self.code = code

    def __str__(self) -> str:
        # The server's first few reasons travel with the message (they end up in an RPA admin item).
        listed = "; ".join(f"{' '.join(str(p) for p in d.get('loc', []))}: {d.get('msg', '')}".strip(": ")
                           for d in self.details[:5])
        return f"{self.message} ({listed})" if listed else self.message


class QueueClient:
    # Answers worth another try: the server or a proxy was overloaded or restarting.
    RETRY_STATUSES = frozenset({429, 502, 503, 504})

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0, batch_size: int = 1000,
                 retries: int = 3, backoff: float = 1.0) -> None:
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout
        self.batch_size = batch_size
        self.retries = retries
        self.backoff = backoff

    def _retrying(self, method: str, path: str, body: bytes | None = None,
                  content_type: str = "application/json") -> Any:
        """For requests that are safe to repeat: reads, item posts (the idempotency key dedupes), reports
        (a report replaces the same report of its date)."""
        for attempt in range(self.retries + 1):
            try:
                return self._request(method, path, body, content_type)
            except QueueClientError as exc:
                if exc.status_code not in self.RETRY_STATUSES or attempt == self.retries:
                    raise
            except (TimeoutError, urllib.error.URLError, ConnectionError):
                if attempt == self.retries:
                    raise
            time.sleep(self.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def _request(self, method: str, path: str, body: bytes | None = None,
                 content_type: str = "application/json") -> Any:
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read())["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "http_error", "message": f"HTTP {exc.code}"}
            raise QueueClientError(exc.code, error.get("code", "error"), error.get("message", ""),
                                   error.get("details")) from None

    def create(self, item: dict[str, Any]) -> dict[str, Any]:
        return self._retrying("POST", "/items", json.dumps(item).encode())  # type: ignore[no-any-return]

    def create_many(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Post in batches; returns one result per item, in order."""
        results: list[dict[str, Any]] = []
        batch: list[dict[str, Any]] = []
        for item in items:
            batch.append(item)
            if len(batch) == self.batch_size:
                results.extend(self._batch(batch))
                batch = []
        if batch:
            results.extend(self._batch(batch))
        return results

    def _batch(self, batch: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self._retrying("POST", "/items", json.dumps({"items": list(batch)}).encode())
        return answer["results"]  # type: ignore[no-any-return]

    def get(self, item_id: int) -> dict[str, Any]:
        return self._retrying("GET", f"/items/{item_id}")  # type: ignore[no-any-return]

    def attach(self, item_id: int, filename: str, data: bytes, label: str = "document") -> dict[str, Any]:
        boundary = "hme" + secrets.token_hex(12)
        safe_name = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
        body = b"".join([
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\n{label}\r\n".encode(),
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{safe_name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n".encode(),
            data, f"\r\n--{boundary}--\r\n".encode(),
        ])
        return self._request("POST", f"/items/{item_id}/attachments", body,  # type: ignore[no-any-return]
                             content_type=f"multipart/form-data; boundary={boundary}")

    def send_report(self, report: str, as_of: dt.date, data: bytes) -> dict[str, Any]:
        """A billing-system export (aging, revenue, outcomes) as CSV; the server checks it whole."""
        return self._retrying("POST", f"/billing-reports/{report}?as_of={as_of.isoformat()}",  # type: ignore[no-any-return]
                              data, content_type="text/csv")

    def reopen(self, item_id: int, reason: str) -> dict[str, Any]:
        return self._request("POST", f"/items/{item_id}/reopen",  # type: ignore[no-any-return]
                             json.dumps({"reason": reason}).encode())

    # --- the robots' nights -------------------------------------------------------------------
    def pending_corrections(self, kind: str) -> list[dict[str, Any]]:
        """Values people corrected on items of this kind and handed back for the robot to finish."""
        return self.get_json(f"/corrections?kind={urllib.parse.quote(kind)}")["corrections"]  # type: ignore[no-any-return]

    def report_correction(self, correction_id: int, held: bool, detail: str = "") -> dict[str, Any]:
        return self.post_json(f"/corrections/{int(correction_id)}", {"held": held, "detail": detail})  # type: ignore[no-any-return]

    def post_json(self, path: str, body: dict[str, Any]) -> Any:
        """A robot-work call: each is safe to repeat (a repeated lease is this runner's own, and comes back to
        it on a restart or when the lease runs out)."""
        return self._retrying("POST", path, json.dumps(body).encode())

    def get_json(self, path: str) -> Any:
        return self._retrying("GET", path)
