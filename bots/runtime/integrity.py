"""Whether a downloaded document arrived whole, as far as its own structure can tell.

A download can arrive at its full length and still be damaged (bytes changed
on the way, a proxy's or a portal's fault): such a document read as if it
were real is worse than none (a faxed CMN read as unsigned, a remittance read
as not balancing). `check` answers one of three:

- damaged: the structure contradicts itself (a PDF cross-reference entry that
  does not point at its object, a stream whose length does not end at
  `endstream`, compressed data that fails its checksum, an image that does not
  decode);
- whole: every byte is covered by such a check (a classic-xref PDF whose streams
  are all Flate, each with its Adler-32 checksum);
- unknown: nothing contradicts, but some bytes carry no check (a fax image
  compressed CCITT or JPEG, an xref stream): the caller downloads it again and
  reads it only when two downloads agree (`PortalSession.download`).

Hand-written rather than a PDF library: pypdfium2 (and readers like it) repair
what they open (a broken xref is rebuilt silently), which is what a reader should do
and what this check must not.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"(\d+)[ ]+(\d+)[ \t]*\r?\n")
_OBJ = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/\w+)")


@dataclass(frozen=True)
class Verdict:
    whole: bool | None  # True: proved whole; False: damaged; None: cannot tell from one copy
    problem: str = ""

    @property
    def damaged(self) -> bool:
        return self.whole is False


_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
# What a PDF made on request carries that changes from one download to the next: when and which copy.
_VOLATILE = re.compile(rb"/(?:CreationDate|ModDate)\s*\((?:\\.|[^\\)])*\)|/ID\s*\[[^\]]*\]")


def fingerprint(body: bytes, kind: str) -> str:
    """What two downloads of one document share when both arrived whole: the bytes, except, for a PDF, what a
    portal that makes the PDF on each request stamps on each copy (its creation time, its ID), and the
    cross-reference table and trailer that shift with them (they are checked by `check_pdf` instead)."""
    digest = hashlib.sha256()
    if kind == "application/pdf":
        objects = _OBJECT.findall(body)
        if objects:
            for number, generation, content in objects:
                digest.update(number + b" " + generation + b"\n" + _VOLATILE.sub(b"", content))
            return digest.hexdigest()
    digest.update(body)
    return digest.hexdigest()


def check(body: bytes, kind: str) -> Verdict:
    if kind == "application/pdf":
        return check_pdf(body)
    if kind == "image/tiff":
        return check_image(body)
    return Verdict(None, f"no check for {kind}")


def check_pdf(body: bytes) -> Verdict:
    tail = _STARTXREF.search(body[-1024:])
    if tail is None:
        return Verdict(False, "no startxref before the end-of-file marker")
    at = int(tail.group(1))
    if not body.startswith(b"xref", at):
        # A cross-reference stream (PDF 1.5+) or an offset that is off: the latter is damage, the former
        # is compressed and checked when its objects are, which this reader does not do.
        return Verdict(None, "cross-reference stream") if b"/XRef" in body[at:at + 200] else \
            Verdict(False, "startxref does not point at the cross-reference table")
    offsets = _xref_offsets(body, at + 4)
    if offsets is None:
        return Verdict(False, "the cross-reference table cannot be read")
    if b"/Prev" in body[at:at + 4096].split(b"startxref")[0]:
        return Verdict(None, "an incrementally updated PDF")  # earlier sections not followed
    unchecked = False
    for number, offset in offsets.items():
        found = _OBJ.match(body, offset)
        if found is None or int(found.group(1)) != number:
            return Verdict(False, f"object {number} is not where the cross-reference table says")
        verdict = _check_stream(body, found.end(), number)
        if verdict.damaged:
            return verdict
        unchecked = unchecked or verdict.whole is None
    return Verdict(None, "streams without a checksum") if unchecked else Verdict(True)


def _xref_offsets(body: bytes, at: int) -> dict[int, int] | None:
    offsets: dict[int, int] = {}
    while True:
        while at < len(body) and body[at] in b" \r\n\t":
            at += 1
        if body.startswith(b"trailer", at):
            return offsets
        section = _SUBSECTION.match(body, at)
        if section is None:
            return None
        first, count = int(section.group(1)), int(section.group(2))
        at = section.end()
        for k in range(count):
            entry = body[at:at + 20]
            if len(entry) < 18 or entry[17:18] not in (b"n", b"f"):
                return None
            try:
                offset = int(entry[:10])
            except ValueError:
                return None
            if entry[17:18] == b"n":
                if offset >= len(body):
                    return None
                offsets[first + k] = offset
            at += 20


def _check_stream(body: bytes, start: int, number: int) -> Verdict:
    """The object at `start` (after "N G obj"): a stream's length and, when Flate, its checksum."""
    end = body.find(b"endobj", start)
    stream = body.find(b"stream", start)
    if end < 0:
        return Verdict(False, f"object {number} has no endobj")
    if stream < 0 or stream > end:
        return Verdict(True)  # no stream: its few bytes sit between checked offsets
    header = body[start:stream]
    length = _LENGTH.search(header)
    if length is None or length.group(2):
        return Verdict(None)  # the length is another object: not followed here
    data_at = stream + len(b"stream")
    data_at += 2 if body.startswith(b"\r\n", data_at) else 1
    data = body[data_at:data_at + int(length.group(1))]
    rest = body[data_at + len(data):data_at + len(data) + 12].lstrip(b"\r\n")
    if len(data) != int(length.group(1)) or not rest.startswith(b"endstream"):
        return Verdict(False, f"stream of object {number} does not end where its length says")
    filters = _FILTER.search(header)
    names = re.findall(rb"/(\w+)", filters.group(1)) if filters else []
    if names == [b"FlateDecode"]:
        try:
            decompressor = zlib.decompressobj()
            decompressor.decompress(data)
            if not decompressor.eof:
                return Verdict(False, f"stream of object {number} is cut short")
        except zlib.error:
            return Verdict(False, f"stream of object {number} fails its checksum")
        return Verdict(True)
    return Verdict(None)  # not compressed, or compressed without a checksum (CCITT, JPEG)


def check_image(body: bytes) -> Verdict:
    """Every page decodes. A CCITT or JPEG image has no checksum: it may decode and still be damaged."""
    try:
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            with Image.open(io.BytesIO(body)) as image:
                for frame in range(getattr(image, "n_frames", 1)):
                    image.seek(frame)
                    image.load()
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        return Verdict(False, f"the image does not decode: {type(exc).__name__}")
    if warned:  # Pillow warns where it made do with what it found (corrupt EXIF, a short strip)
        return Verdict(False, f"the image decodes with complaints: {str(warned[0].message)[:80]}")
    return Verdict(None, "an image format without a checksum")
