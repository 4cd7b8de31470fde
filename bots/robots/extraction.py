"""Running the extractors off the event loop, in the runner's process pool (OCR is CPU work)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import DownloadDamaged
from .base import NightContext


# How often an extraction process checks that its runner is still alive.
PARENT_CHECK_SECONDS = 1.0


def init_worker(parent: int, cache_dir: str = "") -> None:
    """In each extraction process: one Tesseract thread, since every core already has a process; the word
    list kept in the configuration's cache folder.

    `parent` is the runner's pid, passed by the runner: a runner killed while this process was still starting
    has already given it to another parent by the time it could ask."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if cache_dir:
        from extractors import dictionary

        dictionary.use_cache_dir(cache_dir)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A runner killed outright (SIGKILL, the OOM killer) cannot stop its pool, and an idle pool process waits
    for work forever: each such death left two processes of about 100 MB behind, until the machine ran short.
    Once the runner is gone the process is adopted by another, and ends."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _extract(path: str, keep: str = "") -> dict[str, Any]:
    # In a child process: import here so the parent does not pay for it per call.
    from extractors import extract, tesseract
    from extractors.exceptions import UnknownDocumentType, UnreadableDocument

    try:
        with tesseract.reads_kept_in(Path(keep) if keep else None):
            return {"ok": True, "document": extract(Path(path)).model_dump(mode="json")}
    except UnknownDocumentType as exc:  # readable, but not a document we know: the caller decides
        return {"ok": True, "document": {"document_type": "unknown", "problems": [str(exc)], "review": [],
                                         "valid": False}}
    except UnreadableDocument as exc:
        return {"ok": False, "error": str(exc)}


async def extract_bytes(ctx: NightContext, data: bytes, suffix: str, keep: Path | None = None) -> dict[str, Any]:
    """The extractor's JSON for a downloaded document; a damaged file raises DownloadDamaged (download again).
    `keep`: a folder where the page reads are kept, so that a reading cut off by a kill resumes there."""
    ctx.work_dir.mkdir(parents=True, exist_ok=True)
    path = ctx.work_dir / f"{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
    path.write_bytes(data)
    try:
        answer = await asyncio.get_running_loop().run_in_executor(ctx.executor, _extract, str(path),
                                                                    str(keep) if keep else "")
    finally:
        path.unlink(missing_ok=True)
    if not answer["ok"]:
        raise DownloadDamaged(f"the document cannot be read: {answer['error']}")
    return answer["document"]  # type: ignore[no-any-return]
