"""The words Tesseract's English model knows: a read word that is not one of them was misread
("FOLOING" for FOLDING), where two reads of a description disagree and nothing else can tell.

The list comes out of the model itself (`combine_tessdata`, `dawg2wordlist`, both installed with
Tesseract), so it is the dictionary the OCR was trained with, not another one to keep in step.
Taking it out costs about half a second, so the list is kept in the user's cache folder, under a
name tied to the model file (its path, size and time): a process then loads it in some 30 ms, and
a model replaced by another is read afresh.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def _tessdata() -> Path | None:
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'"([^"]+)"', listed.stdout + listed.stderr)
    return Path(match.group(1)) if match else None


_cache_dir: Path | None = None


def use_cache_dir(folder: Path | str | None) -> None:
    """Keep the word list in `folder` (the application's Config.cache_dir, which reads the environment;
    the extractors read no setting themselves). Unset: ~/.cache/hme-rpa."""
    global _cache_dir
    _cache_dir = Path(folder) if folder else None
    known_words.cache_clear()
    from . import icd10

    icd10.billable_codes.cache_clear()


def cache_root() -> Path:
    """Where the extractors keep what they take out of a model or a code set once (`use_cache_dir`)."""
    return _cache_dir or Path.home() / ".cache" / "hme-rpa"


def write_whole(path: Path, text: str) -> None:
    """Written whole under another name, then renamed: a process reading the cache never sees half a list
    (the idiom of queue_server's preview cache; extractors stand alone, so not its helper)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as out:
        out.write(text)
    os.replace(out.name, path)


def _cache_file(model: Path) -> Path:
    stat = model.stat()
    key = hashlib.sha256(f"{model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    return cache_root() / f"tesseract-words-{key}.txt"


def _from_model(model: Path) -> str | None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "eng"
        try:
            subprocess.run(["combine_tessdata", "-e", str(model), f"{base}.lstm-word-dawg", f"{base}.lstm-unicharset"],
                           capture_output=True, check=True, timeout=60)
            subprocess.run(["dawg2wordlist", f"{base}.lstm-unicharset", f"{base}.lstm-word-dawg", f"{base}.words"],
                           capture_output=True, check=True, timeout=60)
            return Path(f"{base}.words").read_text(encoding="utf-8", errors="replace")
        except (OSError, subprocess.SubprocessError):
            return None


@functools.lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every word of the English model's word list, upper case; empty when the tools are missing (a
    word then counts as unknown nowhere: nothing is decided by the list)."""
    folder = _tessdata()
    model = folder / "eng.traineddata" if folder else None
    if model is None or not model.exists():
        log.warning("Tesseract's English word list is not available: descriptions are not checked against it")
        return frozenset()
    cached = _cache_file(model)
    try:
        return frozenset(cached.read_text(encoding="utf-8").split())
    except OSError:
        pass  # not cached yet (or unreadable): take it out of the model
    text = _from_model(model)
    if text is None:
        log.warning("Tesseract's English word list could not be read: descriptions are not checked against it")
        return frozenset()
    words = frozenset(word.upper() for word in text.split())
    try:
        write_whole(cached, "\n".join(sorted(words)))
    except OSError as exc:
        log.info("Tesseract's word list not cached (%s): it is taken out of the model in each process", exc.strerror)
    return words


def all_known(text: str) -> bool:
    """Every word of three letters or more in `text` is one the model knows (shorter ones, numbers and
    codes are not judged). True when the list is not available."""
    words = known_words()
    if not words:
        return True
    return all(part in words for part in re.findall(r"[A-Z]{3,}", text.upper()))
