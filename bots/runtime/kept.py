"""What a runner has done on a unit and keeps on its own disk until the unit ends: the verified download, the
extractor's reading of it, and each OCR read of its pages. A runner killed part-way through a long read starts
again where it was, not from the download, and a unit that kept something new since its last life has made
progress (its deaths do not count against it).

Patient data: the folder is the runner's own (0700), removed when the unit ends and swept after a few nights.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

# A night's folders older than this are swept at a run's start (a unit another runner ended, a night given up).
SWEEP_AFTER_DAYS = 3


def write_atomically(path: Path, data: bytes) -> None:
    """The file whole or not at all: a kill between write and rename leaves only a temporary file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def kept_count(folder: Path) -> int:
    """How many things the unit's folder keeps (temporary files not counted)."""
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def sweep(robots_dir: Path, robot: str, night: dt.date) -> int:
    """Remove this robot's unit folders of nights more than SWEEP_AFTER_DAYS before `night`; returns how many
    nights were swept."""
    swept = 0
    if not robots_dir.is_dir():
        return 0
    for night_dir in robots_dir.iterdir():
        try:
            day = dt.date.fromisoformat(night_dir.name)
        except ValueError:
            continue
        units = night_dir / robot / "units"
        if (night - day).days > SWEEP_AFTER_DAYS and units.is_dir():
            discard(units)
            swept += 1
    return swept
