"""Small, valid sample files for the demo and the tests: a text PDF and a PNG.

Written by hand so the demo needs no document library; the real documents
come from the sandbox (issue 3).
"""

from __future__ import annotations

import struct
import zlib


def text_pdf(lines: list[str], title: str = "hme-rpa sample") -> bytes:
    """A one-page PDF (US Letter, Courier) showing `lines`."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT /F1 10 Tf 12 TL 54 740 Td"]
    body.append(f"({escape(title)}) Tj T*  T*")
    body.extend(f"({escape(line)}) Tj T*" for line in lines)
    body.append("ET")
    stream = "\n".join(body).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png(width: int = 320, height: int = 180, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A PNG: a grey page with a coloured banner, like a portal error screenshot."""
    rows = []
    for y in range(height):
        pixel = bytes(colour) if y < height // 5 else b"\xee\xee\xee"
        rows.append(b"\x00" + pixel * width)
    raw = b"".join(rows)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
