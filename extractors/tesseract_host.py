"""The helper process that holds one Tesseract engine (libtesseract's C API through ctypes) and reads
the images `extractors.tesseract` sends it, one at a time, until its input closes.

Run as a script by `extractors.tesseract`, not imported: it needs nothing but the standard library and
Debian's libtesseract, the same library the `tesseract` command runs on.

Messages both ways are a 4-byte big-endian length and that many bytes of JSON; a request's JSON is
followed by the image's raw pixels. The first message out says the engine is ready (or why not).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import struct
import sys
from typing import Any, BinaryIO

_P = ctypes.c_void_p
_S = ctypes.c_char_p
_I = ctypes.c_int
_SIGNATURES: dict[str, tuple[list[Any], Any]] = {
    "TessBaseAPICreate": ([], _P),
    "TessBaseAPIInit3": ([_P, _S, _S], _I),
    "TessBaseAPISetPageSegMode": ([_P, _I], None),
    "TessBaseAPISetVariable": ([_P, _S, _S], _I),
    "TessBaseAPISetImage": ([_P, _S, _I, _I, _I, _I], None),
    "TessBaseAPISetSourceResolution": ([_P, _I], None),
    "TessBaseAPIRecognize": ([_P, _P], _I),
    "TessBaseAPIGetTsvText": ([_P, _I], _P),
    "TessBaseAPIGetHOCRText": ([_P, _I], _P),
    "TessBaseAPIClear": ([_P], None),
    "TessBaseAPIEnd": ([_P], None),
    "TessBaseAPIDelete": ([_P], None),
    "TessDeleteText": ([_P], None),
}


def _library() -> Any:
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    lib = ctypes.CDLL(name)
    for function, (argtypes, restype) in _SIGNATURES.items():
        getattr(lib, function).argtypes = argtypes
        getattr(lib, function).restype = restype
    return lib


def _read(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def _send(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    stream.write(struct.pack(">I", len(body)) + body)
    stream.flush()


def _recognize(lib: Any, api: int, request: dict[str, Any], pixels: bytes) -> str:
    for name, value in request["variables"].items():
        if not lib.TessBaseAPISetVariable(api, name.encode(), str(value).encode()):
            raise ValueError(f"Tesseract has no setting {name}")
    lib.TessBaseAPISetPageSegMode(api, int(request["psm"]))
    # 0 bytes per pixel is Tesseract's word for 1-bit rows packed 8 pixels to the byte (1 = white, as PIL packs).
    lib.TessBaseAPISetImage(api, pixels, request["width"], request["height"], request["bytes_per_pixel"],
                            request["bytes_per_line"])
    lib.TessBaseAPISetSourceResolution(api, int(request["dpi"]))
    if lib.TessBaseAPIRecognize(api, None) != 0:
        raise RuntimeError("Tesseract could not recognise the image")
    text = lib.TessBaseAPIGetHOCRText(api, 0) if request["output"] == "hocr" else lib.TessBaseAPIGetTsvText(api, 0)
    try:
        return ctypes.string_at(text).decode("utf-8", errors="replace") if text else ""
    finally:
        if text:
            lib.TessDeleteText(text)
        lib.TessBaseAPIClear(api)


def main() -> int:
    source = sys.stdin.buffer
    # Tesseract writes its warnings to file descriptor 1 in places; the protocol owns stdout, so give the
    # library stderr there and keep the real stdout for messages.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        lib = _library()
        api = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(api, None, b"eng") != 0:
            _send(out, {"error": "Tesseract's English model could not be loaded"})
            return 1
    except OSError as exc:
        _send(out, {"error": f"libtesseract could not be loaded ({exc})"})
        return 1
    _send(out, {"ready": True})
    try:
        while (head := _read(source, 4)) is not None:
            body = _read(source, struct.unpack(">I", head)[0])
            if body is None:
                break
            request = json.loads(body)
            pixels = _read(source, request["size"])
            if pixels is None:
                break
            try:
                _send(out, {"text": _recognize(lib, api, request, pixels)})
            except (ValueError, RuntimeError, KeyError) as exc:
                _send(out, {"error": str(exc)})
    finally:
        lib.TessBaseAPIEnd(api)
        lib.TessBaseAPIDelete(api)
    return 0


if __name__ == "__main__":
    sys.exit(main())
