"""Our Tesseract binding beside tesserocr, on the very requests the readers make, side by side in one run.

#29 asked whether a well-kept binding such as tesserocr could replace the hand-written ctypes binding
(`extractors/tesseract_host.py`) while keeping the engine in its own process. This bench answers with
measurements: the sandbox's scanned remittances and faxed forms are read once with every request the
readers send to Tesseract recorded (page reads, cell rereads, glyph reads: image, page segmentation mode,
resolution, settings); the recorded requests are then replayed, interleaved, through

- ours: `extractors.tesseract.recognize` (one engine in a helper process, Debian's libtesseract);
- tesserocr in a helper process of its own, the same way (one `PyTessBaseAPI` kept, images over a pipe);
- tesserocr in the bench's own process (what its documentation shows; no crash isolation), for reference;

and prints the time of each, the ratios, and how many of the words each read the same as ours.

    .venv/bin/pip install tesserocr     # not a dependency of the product: only this bench imports it
    .venv/bin/python bench/ocr_binding.py [--documents 6] [--seed 91]
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import multiprocessing as mp
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per engine, as the product runs it
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from extractors import extract, tesseract  # noqa: E402
from sandbox import serve  # noqa: E402
from sandbox.documents import eob, forms  # noqa: E402
from sandbox.world.store import Store  # noqa: E402

TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"  # Debian's model: both bindings read with the same one


def _requests(seed: int, documents: int) -> list[tuple[Image.Image, dict[str, Any]]]:
    """Every request the readers send to Tesseract while reading `documents` scans and `documents` faxes."""
    recorded: list[tuple[Image.Image, dict[str, Any]]] = []
    original = tesseract.recognize

    def recording(image: Image.Image, **kwargs: Any) -> str:
        recorded.append((image.copy(), dict(kwargs)))
        return original(image, **kwargs)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        serve.reset(root / "world", seed=seed, claims=1500, today=dt.date(2026, 11, 20))
        store = Store(serve.store_path(root / "world"))
        paths = []
        for r in store.all("SELECT id, check_number FROM remittances WHERE payer_key = 'bluriver' ORDER BY id"):
            if eob.is_scanned(r["check_number"]) and len(paths) < documents:
                paths.append(root / f"eob-{r['id']}.pdf")
                paths[-1].write_bytes(eob.render(store, r["id"]))
        for doc in store.all("SELECT * FROM documents ORDER BY id")[:documents]:
            data, kind = forms.render(dict(doc), json.loads(doc["fields"]))
            paths.append(root / f"form-{doc['id']}.{'tif' if kind == 'image/tiff' else 'pdf'}")
            paths[-1].write_bytes(data)
        tesseract.recognize = recording  # type: ignore[assignment]
        try:
            for path in paths:
                extract(path)
        finally:
            tesseract.recognize = original  # type: ignore[assignment]
    return recorded


def _tesserocr_read(api: Any, image: Image.Image, request: dict[str, Any]) -> str:
    api.SetPageSegMode(request["psm"])
    for name, value in {**tesseract.DEFAULTS, **{k: v for k, v in request.items()
                                                 if k not in ("psm", "dpi", "output", "timeout")}}.items():
        api.SetVariable(name, str(value))
    api.SetImage(image)
    api.SetSourceResolution(request["dpi"])
    text = api.GetHOCRText(0) if request.get("output") == "hocr" else api.GetTSVText(0)
    api.Clear()
    return text  # type: ignore[no-any-return]


def _host(conn: Any) -> None:
    """tesserocr's engine in a process of its own, kept, as ours is."""
    import tesserocr

    with tesserocr.PyTessBaseAPI(path=TESSDATA, lang="eng") as api:
        conn.send("ready")
        while True:
            message = conn.recv()
            if message is None:
                return
            mode, size, pixels, request = message
            conn.send(_tesserocr_read(api, Image.frombytes(mode, size, pixels), request))


def _words(tsv_or_hocr: str, request: dict[str, Any]) -> list[str]:
    if request.get("output") == "hocr":
        return re.findall(r"class='ocrx_word'[^>]*>(?:<[^>]+>)*([^<]*)", tsv_or_hocr)
    return [row.split("\t")[11] for row in tsv_or_hocr.splitlines()
            if row.startswith("5\t") and len(row.split("\t")) >= 12 and row.split("\t")[11].strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=6, help="scanned remittances and faxed forms, each")
    parser.add_argument("--seed", type=int, default=91)
    args = parser.parse_args()
    try:
        import tesserocr
    except ImportError:
        sys.exit("tesserocr is not installed: .venv/bin/pip install tesserocr (only this bench needs it)")
    print(f"tesserocr {tesserocr.__version__} on libtesseract {tesserocr.tesseract_version().split()[1]};"
          f" ours: Debian's libtesseract through ctypes", flush=True)
    requests = _requests(args.seed, args.documents)
    print(f"{len(requests)} requests recorded from {args.documents} scanned remittances and {args.documents} faxed "
          f"forms", flush=True)
    parent, child = mp.get_context("spawn").Pipe()
    helper = mp.get_context("spawn").Process(target=_host, args=(child,), daemon=True)
    helper.start()
    assert parent.recv() == "ready"
    inproc = tesserocr.PyTessBaseAPI(path=TESSDATA, lang="eng")
    times = {"ours (helper process)": 0.0, "tesserocr (helper process)": 0.0, "tesserocr (in process)": 0.0}
    same = {name: 0 for name in times}
    total_words = 0
    for image, request in requests:
        image = image if image.mode in ("1", "L") else image.convert("L")
        grey = image.convert("L")  # tesserocr takes PIL images; a 1-bit page goes as grey, as PIL hands it
        started = time.perf_counter()
        ours = tesseract.recognize(image, **request)
        times["ours (helper process)"] += time.perf_counter() - started
        started = time.perf_counter()
        parent.send((grey.mode, grey.size, grey.tobytes(), request))
        helper_text = parent.recv()
        times["tesserocr (helper process)"] += time.perf_counter() - started
        started = time.perf_counter()
        inproc_text = _tesserocr_read(inproc, grey, request)
        times["tesserocr (in process)"] += time.perf_counter() - started
        words = _words(ours, request)
        total_words += len(words)
        same["ours (helper process)"] += len(words)
        for name, text in (("tesserocr (helper process)", helper_text), ("tesserocr (in process)", inproc_text)):
            # Words in the same order, wherever one reading split or joined a word the other did not.
            matcher = difflib.SequenceMatcher(None, words, _words(text, request), autojunk=False)
            same[name] += sum(block.size for block in matcher.get_matching_blocks())
    parent.send(None)
    helper.join(5)
    inproc.End()
    base = times["ours (helper process)"]
    print(f"{'binding':<28} {'seconds':>8} {'ratio':>6} {'words as ours':>14}")
    for name, seconds in times.items():
        print(f"{name:<28} {seconds:>8.2f} {seconds / base:>6.2f} {same[name] / max(total_words, 1):>13.1%}")


if __name__ == "__main__":
    main()
