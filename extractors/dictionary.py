"""The words Tesseract's English model knows: a read word that is not one of them was misread
("FOLOING" for FOLDING), where two reads of a description disagree and nothing else can tell.

The list comes out of the model itself (`combine_tessdata`, `dawg2wordlist`, both installed with
Tesseract), so it is the dictionary the OCR was trained with, not another one to keep in step.
"""

from __future__ import annotations

import functools
import logging
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


@functools.lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Every word of the English model's word list, upper case; empty when the tools are missing (a
    word then counts as unknown nowhere: nothing is decided by the list)."""
    folder = _tessdata()
    model = folder / "eng.traineddata" if folder else None
    if model is None or not model.exists():
        log.warning("Tesseract's English word list is not available: descriptions are not checked against it")
        return frozenset()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "eng"
        try:
            subprocess.run(["combine_tessdata", "-e", str(model), f"{base}.lstm-word-dawg", f"{base}.lstm-unicharset"],
                           capture_output=True, check=True, timeout=60)
            subprocess.run(["dawg2wordlist", f"{base}.lstm-unicharset", f"{base}.lstm-word-dawg", f"{base}.words"],
                           capture_output=True, check=True, timeout=60)
            text = Path(f"{base}.words").read_text(encoding="utf-8", errors="replace")
        except (OSError, subprocess.SubprocessError):
            log.warning("Tesseract's English word list could not be read: descriptions are not checked against it")
            return frozenset()
    return frozenset(word.upper() for word in text.split())


def all_known(text: str) -> bool:
    """Every word of three letters or more in `text` is one the model knows (shorter ones, numbers and
    codes are not judged). True when the list is not available."""
    words = known_words()
    if not words:
        return True
    return all(part in words for part in re.findall(r"[A-Z]{3,}", text.upper()))
