"""Page images of PDF and TIFF evidence, so the item page shows the page itself.

Browsers cannot show a fax TIFF, and an embedded PDF viewer is not always
there (headless, locked-down desktops); a PNG of each page always is. PDF pages
are drawn by poppler's `pdftoppm`, TIFF frames by Pillow in a process of its own; each preview is
made once and kept beside the attachments, named by the file's SHA-256.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from ..exceptions import NotFound, QueueError
from ..models import Attachment
from .attachments import path_for

PREVIEW_DPI = 110
MAX_PREVIEW_PAGES = 5
_TIMEOUT_S = 30
# What a page may be before it is drawn: 30 inches a side for a PDF page, 60 million pixels for an image frame,
# checked from the PDF's page sizes and the image's header, before a pixel is decoded. pdftoppm draws in a
# process of its own limited to 1 GiB. A 931-byte PDF of 200-inch pages took pdftoppm to 1.9 GB a page.
MAX_PAGE_POINTS = 30 * 72
MAX_FRAME_PIXELS = 60_000_000
_RENDER_MEMORY = 1 << 30
_TIFF_PAGE = Path(__file__).with_name("tiff_page.py")
_CACHE = "previews"  # below the attachment folder: "<sha256>.pages" and "<sha256>-<page>.png"


class PreviewFailed(QueueError):
    status_code = 422
    code = "preview_failed"


def can_preview(attachment: Attachment) -> bool:
    return attachment.content_type in ("application/pdf", "image/tiff")


def page_count(root: Path, attachment: Attachment) -> int:
    """Pages that can be drawn (0: none, damaged or too large; `refusal` says why)."""
    return _inspect(root, attachment)[0]


def refusal(root: Path, attachment: Attachment) -> str:
    """Why this file's pages are not drawn ("" when they are), for the item page to say."""
    return _inspect(root, attachment)[1]


def _inspect(root: Path, attachment: Attachment) -> tuple[int, str]:
    """(pages, reason none are drawn), worked out once per file and kept beside its previews."""
    source = path_for(root, attachment.sha256)
    cache = _cache_dir(root) / f"{attachment.sha256}.pages"
    if cache.is_file():
        count, _, reason = cache.read_text().partition("\n")
        return int(count), reason
    if attachment.content_type == "application/pdf":
        count, reason = _inspect_pdf(source)
    elif attachment.content_type == "image/tiff":
        count, reason = _inspect_tiff(source)
    else:
        return 0, ""
    _write_atomically(cache, f"{0 if reason else count}\n{reason}".encode())
    return (0 if reason else count), reason


def _inspect_pdf(source: Path) -> tuple[int, str]:
    try:
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(MAX_PREVIEW_PAGES), str(source)], capture_output=True,
                              text=True, timeout=_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return 0, ""
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    for number, width, height in re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.MULTILINE):
        if max(float(width), float(height)) > MAX_PAGE_POINTS:
            return 0, (f"page {number} is {float(width) / 72:.0f} x {float(height) / 72:.0f} inches, larger than any "
                       f"real document (the limit is {MAX_PAGE_POINTS // 72} inches a side): not drawn here")
    return (int(match.group(1)) if match else 0), ""


def _inspect_tiff(source: Path) -> tuple[int, str]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked here
            with Image.open(source) as image:
                count = int(getattr(image, "n_frames", 1))
                for frame in range(min(count, MAX_PREVIEW_PAGES)):
                    image.seek(frame)
                    if image.width * image.height > MAX_FRAME_PIXELS:
                        return 0, (f"page {frame + 1} is {image.width} x {image.height} pixels, larger than any real "
                                   f"fax (the limit is {MAX_FRAME_PIXELS // 1_000_000} million): not drawn here")
    except Image.DecompressionBombError:
        return 0, "the image is larger than any real fax: not drawn here"
    except (OSError, UnidentifiedImageError, EOFError):
        return 0, ""
    return count, ""


def page_png(root: Path, attachment: Attachment, page: int) -> Path:
    """The PNG of one page (1-based), made on first request."""
    if not can_preview(attachment):
        raise NotFound("This attachment has no pages to show.")
    count, reason = _inspect(root, attachment)
    if reason:
        raise PreviewFailed(f"Page {page} is not drawn: {reason}.")
    if not 1 <= page <= max(count, 0):
        raise NotFound(f"No page {page} in this attachment.")
    target = _cache_dir(root) / f"{attachment.sha256}-{page}.png"
    if target.is_file():
        return target
    source = path_for(root, attachment.sha256)
    if attachment.content_type == "application/pdf":
        with tempfile.TemporaryDirectory(dir=_cache_dir(root)) as tmp:
            stem = Path(tmp) / "page"
            try:
                subprocess.run([*_LIMITED, "pdftoppm", "-png", "-r", str(PREVIEW_DPI), "-f", str(page), "-l",
                                str(page), "-singlefile", str(source), str(stem)], check=True, capture_output=True,
                               timeout=_TIMEOUT_S)
            except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise PreviewFailed(f"Could not draw page {page} ({type(exc).__name__}); open the PDF instead.") from None
            os.replace(f"{stem}.png", target)
    else:
        with tempfile.TemporaryDirectory(dir=_cache_dir(root)) as tmp:
            out = Path(tmp) / "page.png"
            try:
                subprocess.run([*_LIMITED, sys.executable, str(_TIFF_PAGE), str(source), str(page), str(out)],
                               check=True, capture_output=True, timeout=_TIMEOUT_S)
            except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise PreviewFailed(f"Could not draw page {page} ({type(exc).__name__}); download the file "
                                    "instead.") from None
            os.replace(out, target)
    return target


# pdftoppm and the TIFF drawer (tiff_page.py, a script of its own) under util-linux's prlimit (Debian's essential
# set): their memory capped, so a page that slipped past the size check fails alone instead of taking the server's
# memory.
_LIMITED = ["prlimit", f"--as={_RENDER_MEMORY}", "--"] if shutil.which("prlimit") else []


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
