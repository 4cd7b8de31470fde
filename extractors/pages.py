"""Opening a document and walking its pages one at a time (memory stays flat on a 1,000-page file).

A page gives its text layer when it has one (pypdfium2: the fastest correct
text for our purposes) or its image for OCR. Every way a file cannot be
opened becomes an `UnreadableDocument` with a one-line reason.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError

from .exceptions import DocumentTooLarge, UnreadableDocument

MAX_PAGES = 5000
MIN_TEXT_CHARS = 20  # fewer characters than this on a page: it is a scan
# The largest page read: 30 x 30 inches (a remittance is letter or legal, a fax letter), and at most 80
# million pixels an image (a letter page at 300 dpi is 8.4 million). Checked from the page's size and the image's
# header before anything is drawn or decoded: a 435-byte PDF of one 200-inch page, or a 63 KB TIFF of
# 30,000 x 30,000 pixels, would otherwise take gigabytes.
MAX_PAGE_POINTS = 30 * 72
MAX_IMAGE_PIXELS = 80_000_000


@dataclass
class Page:
    number: int  # 1-based
    text: str | None  # the text layer, None for a page that is only an image
    image: Image.Image | None = None  # filled on demand for OCR
    dpi: float | None = None


def kind_of(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UnreadableDocument(f"cannot read {path.name}: {exc.strerror}") from None
    if not head:
        raise UnreadableDocument(f"{path.name} is empty")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    raise UnreadableDocument(f"{path.name} is not a PDF, TIFF, PNG or JPEG file")


def open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise UnreadableDocument(f"{path.name} is encrypted (password protected)") from None
        raise UnreadableDocument(f"{path.name} is a damaged or truncated PDF") from None
    if len(document) == 0:
        document.close()
        raise UnreadableDocument(f"{path.name} has no pages")
    if len(document) > MAX_PAGES:
        count = len(document)
        document.close()
        raise DocumentTooLarge(f"{path.name} has {count} pages; the limit is {MAX_PAGES}")
    return document


def pdf_pages(path: Path, *, render_dpi: int = 300) -> Iterator[Page]:
    document = open_pdf(path)
    try:
        for index in range(len(document)):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = _with_wide_gaps(textpage)
                textpage.close()
            except pdfium.PdfiumError:
                raise UnreadableDocument(f"{path.name}: page {index + 1} is damaged") from None
            has_text = len(text.strip()) >= MIN_TEXT_CHARS
            if not has_text:
                width, height = page.get_size()
                if max(width, height) > MAX_PAGE_POINTS:
                    raise DocumentTooLarge(f"{path.name}: page {index + 1} is {width / 72:.0f} x {height / 72:.0f} "
                                           f"inches; the limit is {MAX_PAGE_POINTS // 72} inches a side")
            result = Page(index + 1, text.replace("\r\n", "\n") if has_text else None)
            if not has_text:
                result.image, result.dpi = _page_image(page, render_dpi)
            page.close()
            yield result
    finally:
        document.close()


# A gap this many spaces wide or more after a space is a column's edge, not a word's.
_WIDE_GAP = 1.5
_WIDEST_GAP = 200  # spaces a gap is kept as at most (a page is never wider)


def _with_wide_gaps(textpage: pdfium.PdfTextPage) -> str:
    """The page's text, a gap wider than a space kept as wide as it is (in spaces): pdfium gives one space for
    any gap, and a value that fills its column (and may have been cut there) is told by the single space after
    it, a fixed-width print's field by its column."""
    text = textpage.get_text_range()
    if textpage.count_chars() != len(text):
        return text  # characters and text not one to one: the text as pdfium gives it
    out = []
    for index, char in enumerate(text):
        out.append(char)
        if char == " " and index + 1 < len(text) and not text[index + 1].isspace():
            left, _, right, _ = textpage.get_charbox(index, loose=True)
            after = textpage.get_charbox(index + 1, loose=True)[0]
            if right > left and after - left >= _WIDE_GAP * (right - left):
                out.append(" " * min(max(round((after - left) / (right - left)) - 1, 1), _WIDEST_GAP))
    return "".join(out)


def _page_image(page: pdfium.PdfPage, render_dpi: int) -> tuple[Image.Image, float]:
    """The scan inside an image-only page at its own resolution, or the page drawn at `render_dpi`."""
    images = [obj for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    if len(images) == 1:
        try:
            width, height = images[0].get_px_size()
            if width * height > MAX_IMAGE_PIXELS:
                raise DocumentTooLarge(f"a page's image is {width} x {height} pixels; the limit is "
                                       f"{MAX_IMAGE_PIXELS // 1_000_000} million")
            bitmap = images[0].get_bitmap(render=False)
            image = bitmap.to_pil()
            width_pt = page.get_width()
            return image.convert("L"), image.width / (width_pt / 72)
        except (pdfium.PdfiumError, ValueError, OSError):
            pass
    bitmap = page.render(scale=render_dpi / 72, grayscale=True)
    return bitmap.to_pil().convert("L"), float(render_dpi)


def image_pages(path: Path) -> Iterator[Page]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked below
            image = Image.open(path)  # the header only: the size is known before a pixel is decoded
    except Image.DecompressionBombError:
        raise DocumentTooLarge(f"{path.name} is larger than {MAX_IMAGE_PIXELS // 1_000_000} million pixels") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableDocument(f"{path.name} is a damaged image ({type(exc).__name__})") from None
    try:
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise DocumentTooLarge(f"{path.name} has {frames} pages; the limit is {MAX_PAGES}")
        for index in range(frames):
            try:
                image.seek(index)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise DocumentTooLarge(f"{path.name}: page {index + 1} is {image.width} x {image.height} pixels; "
                                           f"the limit is {MAX_IMAGE_PIXELS // 1_000_000} million")
                frame = image.convert("L")
            except (OSError, EOFError):
                raise UnreadableDocument(f"{path.name}: page {index + 1} is damaged or missing") from None
            dpi = image.info.get("dpi")
            yield Page(index + 1, None, frame, float(dpi[1]) if dpi and dpi[1] else None)
    finally:
        image.close()


def pages(path: Path) -> Iterator[Page]:
    kind = kind_of(path)
    return pdf_pages(path) if kind == "pdf" else image_pages(path)
