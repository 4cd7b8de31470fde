"""A small PDF writer: pages of monospaced text, or pages that are only an image.

Text pages are what a payer's print-to-PDF remittance is (a text layer in
Courier); image pages are what a scanner or fax machine makes (no text layer).
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Sequence

from PIL import Image


@dataclass(frozen=True)
class PageSize:
    width: float
    height: float


LETTER = PageSize(612, 792)
LETTER_LANDSCAPE = PageSize(792, 612)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class _Writer:
    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def stream(self, data: bytes, extra: str = "", compress: bool = True) -> int:
        if compress:
            data = zlib.compress(data, 6)
            extra += " /Filter /FlateDecode"
        return self.add(f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream")

    def finish(self, page_ids: list[int], pages_id: int, info: dict[str, str]) -> bytes:
        catalog = self.add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        info_id = self.add(("<< " + " ".join(f"/{k} ({_escape(v)})" for k, v in info.items()) + " >>").encode())
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += (f"trailer\n<< /Size {len(self.objects) + 1} /Root {catalog} 0 R /Info {info_id} 0 R >>\n"
                f"startxref\n{xref}\n%%EOF\n").encode()
        return bytes(out)


def text_pages(pages: Sequence[Sequence[str]], *, size: PageSize = LETTER_LANDSCAPE, font_size: float = 7.5,
               leading: float = 9.0, margin: float = 36.0, title: str = "") -> bytes:
    """Each page a list of lines, drawn top-down in Courier."""
    w = _Writer()
    font = w.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    pages_id = len(w.objects) + 1 + 2 * len(pages)  # after every page and content stream
    page_ids = []
    for lines in pages:
        ops = [f"BT /F1 {font_size} Tf {leading} TL {margin} {size.height - margin - font_size} Td"]
        ops.extend(f"({_escape(line)}) Tj T*" for line in lines)
        ops.append("ET")
        content = w.stream("\n".join(ops).encode("cp1252", "replace"))
        page_ids.append(w.add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {size.width} {size.height}] "
                              f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    actual = w.add(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode())
    if actual != pages_id:  # pragma: no cover - the numbering above is fixed
        raise RuntimeError("PDF object numbering went wrong")
    return w.finish(page_ids, pages_id, {"Producer": "hme-rpa sandbox", "Title": title})


def image_pages(images: Sequence[Image.Image], *, dpi: int = 200, title: str = "") -> bytes:
    """A scanned document: each page one grey or bilevel image, no text layer."""
    out = io.BytesIO()
    converted = [im if im.mode in ("1", "L") else im.convert("L") for im in images]
    converted[0].save(out, format="PDF", save_all=True, append_images=converted[1:], resolution=dpi,
                      title=title, producer="hme-rpa sandbox scanner")
    return out.getvalue()
