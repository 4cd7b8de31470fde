"""Tesseract, loaded once per process and kept: one engine in a helper process (`tesseract_host.py`)
that reads every image this process sends it.

Running the `tesseract` command per image (as pytesseract does) loads the model each time: 0.2 s a
run, most of it in its built-in ambiguity table, paid by every page and by each of a form's three
rereads; on faxed forms that was a third of the OCR time. The engine is the same Debian libtesseract
with the same model and settings, and reads the same words (tests compare it with the command). It
runs in its own process, as the command did, so a crash or a hang in the library costs one
`OcrFailed` and a new engine, never the process that asked.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import select
import struct
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from PIL import Image

from .exceptions import OcrFailed

HOST = Path(__file__).with_name("tesseract_host.py")
START_TIMEOUT = 60.0
# Every setting a caller may change, with Tesseract's default: each request sets them all, so one
# request's alphabet or choice mode never carries over to the next.
DEFAULTS = {"tessedit_char_whitelist": "", "lstm_choice_mode": "0", "hocr_char_boxes": "0"}


class _Engine:
    """One helper process and the pipes to it; used by one thread at a time."""

    def __init__(self) -> None:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per engine: the caller spreads pages
        try:
            self.process = subprocess.Popen([sys.executable, str(HOST)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        except OSError as exc:
            raise OcrFailed(f"OCR failed: the Tesseract engine could not start ({exc.strerror})") from None
        answer = self._answer(time.monotonic() + START_TIMEOUT)
        if "ready" not in answer:
            self.close()
            raise OcrFailed(f"OCR failed: {answer.get('error', 'the Tesseract engine did not start')}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def read(self, request: dict[str, Any], pixels: bytes, timeout: float) -> str:
        body = json.dumps({**request, "size": len(pixels)}).encode()
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(struct.pack(">I", len(body)) + body + pixels)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.close()
            raise OcrFailed("OCR failed: the Tesseract engine stopped") from None
        answer = self._answer(time.monotonic() + timeout)
        if "error" in answer:
            raise OcrFailed(f"OCR failed: {answer['error']}")
        return str(answer["text"])

    def _answer(self, deadline: float) -> dict[str, Any]:
        head = self._exactly(4, deadline)
        return json.loads(self._exactly(struct.unpack(">I", head)[0], deadline))  # type: ignore[no-any-return]

    def _exactly(self, size: int, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks: list[bytes] = []
        while size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.close(at_once=True)  # still reading: waiting for it to notice its input closed is no use
                raise OcrFailed("OCR failed: Tesseract took too long")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                self.close()
                raise OcrFailed("OCR failed: the Tesseract engine stopped")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def close(self, *, at_once: bool = False) -> None:
        if at_once:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_engine: _Engine | None = None
_lock = threading.Lock()
# A forked child's copies of its parent's engine: kept so that nothing of the child ever closes or waits
# for the parent's process; the child starts an engine of its own.
_inherited: list[_Engine] = []


def _after_fork() -> None:
    global _engine, _lock
    if _engine is not None:
        _inherited.append(_engine)
    _engine, _lock = None, threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def _close() -> None:
    if _engine is not None:
        _engine.close()


atexit.register(_close)


# Where this process keeps its reads while a caller asks (`reads_kept_in`); None: nothing kept.
_kept: Path | None = None


@contextmanager
def reads_kept_in(folder: Path | None) -> Iterator[None]:
    """Within the block, each read is kept in `folder`, and the same image read the same way is answered from
    there: a document whose reading was cut off (its runner killed) is read again only from where it stopped.
    Tesseract answers the same pixels and settings with the same text, so a kept read is the read."""
    global _kept
    before, _kept = _kept, folder
    try:
        yield
    finally:
        _kept = before


def _kept_read(key: str) -> str | None:
    if _kept is None:
        return None
    try:
        return (_kept / key).read_text()
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _keep_read(key: str, text: str) -> None:
    if _kept is None:
        return
    _kept.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = _kept / f".{key}.{os.getpid()}.part"
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        out.write(text)
    os.replace(temporary, _kept / key)  # whole or not at all: a kill mid-write leaves only the part file


def recognize(image: Image.Image, *, psm: int, dpi: int, output: str = "tsv", timeout: float = 120,
              **settings: str) -> str:
    """Tesseract's TSV (or hOCR, `output="hocr"`) for a 1-bit or grey image; `settings` override DEFAULTS."""
    global _engine
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unsupported Tesseract settings: {', '.join(sorted(unknown))}")
    if image.mode not in ("1", "L"):
        image = image.convert("L")
    request = {"psm": psm, "dpi": dpi, "output": output, "variables": {**DEFAULTS, **settings},
               "width": image.width, "height": image.height, "bytes_per_pixel": 0 if image.mode == "1" else 1,
               "bytes_per_line": (image.width + 7) // 8 if image.mode == "1" else image.width}
    # PIL packs a 1-bit image a few pixels at a time (19 ms a page); numpy packs the same bytes at once.
    pixels = np.packbits(np.asarray(image), axis=1).tobytes() if image.mode == "1" else image.tobytes()
    key = ""
    if _kept is not None:
        key = hashlib.sha256(json.dumps(request, sort_keys=True).encode() + pixels).hexdigest() + f".{output}"
        if (kept := _kept_read(key)) is not None:
            return kept
    with _lock:
        if _engine is None or not _engine.alive():
            _engine = _Engine()
        text = _engine.read(request, pixels, timeout)
    if key:
        _keep_read(key, text)
    return text
