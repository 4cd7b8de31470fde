"""Page images of PDF and TIFF evidence, so the item page shows the page itself.

Browsers cannot show a fax TIFF, and an embedded PDF viewer is not always
there (headless, locked-down desktops); a PNG of each page always is. PDF pages
are drawn by poppler's `pdftoppm`, TIFF frames by Pillow; each preview is
made once and kept beside the attachments, named by the file's SHA-256.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from ..exceptions import NotFound, QueueError
from ..models import Attachment
from .attachments import path_for

PREVIEW_DPI = 110
MAX_PREVIEW_PAGES = 5
_TIMEOUT_S = 30
_CACHE = "previews"  # below the attachment folder: "<sha256>.pages" and "<sha256>-<page>.png"


class PreviewFailed(QueueError):
    status_code = 422
    code = "preview_failed"


def can_preview(attachment: Attachment) -> bool:
    return attachment.content_type in ("application/pdf", "image/tiff")


def page_count(root: Path, attachment: Attachment) -> int:
    source = path_for(root, attachment.sha256)
    cache = _cache_dir(root) / f"{attachment.sha256}.pages"
    if cache.is_file():
        return int(cache.read_text())
    if attachment.content_type == "application/pdf":
        try:
            info = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, timeout=_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            return 0
        match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
        count = int(match.group(1)) if match else 0
    elif attachment.content_type == "image/tiff":
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(source) as image:
                count = int(getattr(image, "n_frames", 1))
        except (OSError, UnidentifiedImageError):
            count = 0
    else:
        return 0
    _write_atomically(cache, str(count).encode())
    return count


def page_png(root: Path, attachment: Attachment, page: int) -> Path:
    """The PNG of one page (1-based), made on first request."""
    if not can_preview(attachment):
        raise NotFound("This attachment has no pages to show.")
    if not 1 <= page <= max(page_count(root, attachment), 0):
        raise NotFound(f"No page {page} in this attachment.")
    target = _cache_dir(root) / f"{attachment.sha256}-{page}.png"
    if target.is_file():
        return target
    source = path_for(root, attachment.sha256)
    if attachment.content_type == "application/pdf":
        with tempfile.TemporaryDirectory(dir=_cache_dir(root)) as tmp:
            stem = Path(tmp) / "page"
            try:
                subprocess.run(["pdftoppm", "-png", "-r", str(PREVIEW_DPI), "-f", str(page), "-l", str(page),
                                "-singlefile", str(source), str(stem)], check=True, capture_output=True,
                               timeout=_TIMEOUT_S)
            except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise PreviewFailed(f"Could not draw page {page} ({type(exc).__name__}); open the PDF instead.") from None
            os.replace(f"{stem}.png", target)
    else:
        from PIL import Image

        with Image.open(source) as image:
            image.seek(page - 1)
            frame = image.convert("L")
            # Faxes are often 204x98 dpi: stretch to square pixels so text is not squashed.
            x_dpi, y_dpi = (float(v) for v in image.info.get("dpi", (0, 0)))
            if x_dpi > 0 and y_dpi > 0 and abs(x_dpi - y_dpi) > 1:
                frame = frame.resize((frame.width, round(frame.height * x_dpi / y_dpi)))
            with tempfile.NamedTemporaryFile(dir=_cache_dir(root), suffix=".png", delete=False) as out:
                frame.save(out, format="PNG")
            os.replace(out.name, target)
    return target


def forget(root: Path, sha256: str) -> int:
    """Remove the page count and page images drawn from the file `sha256` (its bytes are gone); bytes freed."""
    folder = root / _CACHE
    if not folder.is_dir():
        return 0
    freed = 0
    for target in [*folder.glob(f"{sha256}-*.png"), folder / f"{sha256}.pages"]:
        try:
            freed += target.stat().st_size
            target.unlink()
        except FileNotFoundError:
            continue
    return freed


def _cache_dir(root: Path) -> Path:
    path = root / _CACHE
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
        out.write(data)
    os.replace(out.name, path)
