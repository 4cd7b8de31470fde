"""Extractor accuracy and speed on a corpus the sandbox generates, beside bare Tesseract.

    .venv/bin/python bench/extract.py [--claims 6000] [--per-kind 40 | 0 for all] [--workers 2] [--seed 77 | --seeds 77,78,5]
                                      [--kinds cmn,swo] [--wrong] [--without-rereads]

Generates at least 200 documents (Medicare SPR and commercial EOB text PDFs,
commercial EOB scans, faxed CMS-484 CMNs and written orders at the sandbox's
noise levels), extracts each, compares with the sandbox's ground truth, and
prints per document type: field accuracy and the silent error rate (a wrong
field outside `review`), pages per second for text and for OCR, and the ratio
of our OCR time to bare `tesseract` on the same page images (both on every
core, one Tesseract per core).
"""

from __future__ import annotations

import sys
from pathlib import Path


import argparse
import datetime as dt
import json
import os
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "extractor_tests"))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from expected import covered, remittance, wrong_fields  # noqa: E402
from extractors import ExtractError, extract  # noqa: E402
from sandbox import serve  # noqa: E402
from sandbox.documents import eob, forms, spr  # noqa: E402
from sandbox.world.store import Store  # noqa: E402

FORM_FIELDS = ("certification_type", "initial_date", "patient.name", "patient.mbi", "patient.dob", "supplier.name",
               "supplier.nsc", "physician.name", "physician.npi", "place_of_service", "hcpcs", "length_of_need_months",
               "icd10", "test.pao2_mmhg", "test.sao2_percent", "test.date", "test.condition", "q2_circumstance",
               "portable", "flow_rate_lpm", "q7_edema", "q8_cor_pulmonale", "q9_hematocrit", "signature_present",
               "signature_date", "problems", "valid")
KINDS = {"spr": "spr text", "eob": "eob text", "eob-scan": "eob scan", "cmn": "cmn fax", "swo": "swo fax"}
SWO_FIELDS = ("order_date", "patient.name", "patient.mbi", "items", "practitioner.name", "practitioner.npi",
              "signature_present", "problems", "valid")


def get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list) and part.isdigit():
            data = data[int(part)] if int(part) < len(data) else None  # type: ignore[assignment]
        else:
            data = data.get(part) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


def _extract(path: str) -> tuple[str, dict[str, Any] | None, str | None, float]:
    started = time.perf_counter()
    try:
        document = extract(path).model_dump(mode="json")
        return path, document, None, time.perf_counter() - started
    except ExtractError as exc:
        return path, None, str(exc), time.perf_counter() - started


def _bare(image: str) -> float:
    started = time.perf_counter()
    subprocess.run(["tesseract", image, "-", "--psm", "6"], capture_output=True, check=False,
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return time.perf_counter() - started


def _side_by_side(pool: ProcessPoolExecutor, first: Any, second: Any, items: list[Any],
                  second_items: list[Any] | None = None) -> tuple[float, float]:
    """Wall time of mapping `first` over `items`, then `second` over `second_items` (or the same items)."""
    times = []
    for fn, work in ((first, items), (second, items if second_items is None else second_items)):
        started = time.perf_counter()
        list(pool.map(fn, work))
        times.append(time.perf_counter() - started)
    return times[0], times[1]


def _page_images(document: str) -> list[str]:
    """Each page image of a faxed document as the extractor sees it (native resolution), saved as PNG."""
    from extractors.pages import pages

    out = []
    for page in pages(Path(document)):
        if page.image is not None:
            target = f"{document}-p{page.number}.png"
            page.image.save(target, dpi=(page.dpi, page.dpi))
            out.append(target)
    return out


def _bare_document(images: list[str]) -> float:
    return sum(_bare(image) for image in images)


def _whole(document: str) -> float:
    started = time.perf_counter()
    extract(document)
    return time.perf_counter() - started


def _ours(image: str) -> float:
    from PIL import Image

    from extractors import ocr
    from extractors.pages import Page

    started = time.perf_counter()
    with Image.open(image) as img:
        page = Page(1, None, img.convert("L"), float(img.info.get("dpi", (300, 300))[0]))
        ocr.read_page(page)
    return time.perf_counter() - started


def _looks_again(image: str) -> tuple[float, float, float, bool]:
    """On one page image: the page's read, its identifiers read a second time (`second_look`), and its garbled
    rows read again without the rules (`Form.mend_ruled_lines`), each timed, in seconds; and whether the page
    is a form read as rows (the only pages the mend is done on)."""
    from PIL import Image

    from extractors import ocr, second_look
    from extractors.forms import cmn_rows
    from extractors.forms.layout import Form
    from extractors.pages import Page

    with Image.open(image) as img:
        page = Page(1, None, img.convert("L"), float(img.info.get("dpi", (300, 300))[0]))
    started = time.perf_counter()
    prepared, grey, found = ocr.read_scan(page)
    read = time.perf_counter()
    second_look.second_reads(found, prepared)
    looked = time.perf_counter()
    form = Form(prepared, found, grey)
    as_rows = cmn_rows.applies(form)
    mending = time.perf_counter()
    form.mend_ruled_lines()
    return read - started, looked - read, time.perf_counter() - mending, as_rows


def without_rereads() -> None:
    """Every value of a faxed form kept as the page read it (sure only if that read was): the rereads
    are most of what a form costs over bare Tesseract, and this shows what they buy. The worker
    processes are forked from this one, so they inherit the change."""
    from extractors.forms.layout import Form

    Form.reread = lambda self, cells, spaced=(): [[[] for _ in range(4)] for _ in cells]  # type: ignore[method-assign]
    Form.reread_in = lambda self, cells, alphabet: [[] for _ in cells]  # type: ignore[method-assign]
    Form.reread_numbers = lambda self, cells: [None for _ in cells]  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=6000)
    parser.add_argument("--per-kind", type=int, default=40,
                        help="Documents of each type per world; 0 for every one (a silent field outside the first 40 "
                             "was found only so).")
    parser.add_argument("--seed", type=int, default=77,
                        help="The sandbox world's seed (77, the default, is the corpus the readers were tuned on).")
    parser.add_argument("--seeds", default="",
                        help="Several worlds' corpora pooled, e.g. 77,78,5 (--per-kind documents of each type from "
                             "each): one seed's 40 forms swing a point either way.")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--memory-only", action="store_true", help="Only the 100 vs 1,000 page memory check.")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"Document types to run (default all: {','.join(KINDS)}).")
    parser.add_argument("--wrong", action="store_true",
                        help="List every wrong field: document, field, truth, read, flagged.")
    parser.add_argument("--without-rereads", action="store_true",
                        help="Forms kept as the page read them, no cell read again: what the rereads cost and buy.")
    args = parser.parse_args()
    if args.without_rereads:
        without_rereads()
    chosen = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        parser.error(f"unknown kind(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    wanted = {KINDS[k] for k in chosen}
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()] or [args.seed]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stores = {}
        for seed in seeds:
            world = root / f"world-{seed}"
            serve.reset(world, seed=seed, claims=args.claims, today=dt.date(2026, 11, 20))
            stores[seed] = Store(serve.store_path(world))
        store = stores[seeds[0]]
        if args.memory_only:
            memory_flatness(root, store)
            return
        # Each document with its truth and the world that holds the truth.
        corpus: dict[str, list[tuple[Path, Any, Store]]] = {kind: [] for kind in KINDS.values()}
        per_kind = args.per_kind or float("inf")
        for seed, world_store in stores.items():
            taken = {kind: 0 for kind in KINDS.values()}
            remits = world_store.all("SELECT id, payer_key, check_number FROM remittances ORDER BY id DESC")
            for r in remits:
                if r["payer_key"] == "medicare":
                    kind = "spr text"
                else:
                    kind = "eob scan" if eob.is_scanned(r["check_number"]) else "eob text"
                if kind not in wanted or taken[kind] >= per_kind:
                    continue
                path = root / f"{kind.replace(' ', '-')}-{seed}-{r['id']}.pdf"
                path.write_bytes((spr.render if kind == "spr text" else eob.render)(world_store, r["id"]))
                corpus[kind].append((path, r["id"], world_store))
                taken[kind] += 1
            for doc in world_store.all("SELECT * FROM documents ORDER BY id"):
                kind = "cmn fax" if doc["doc_type"] == "cmn" else "swo fax"
                if kind not in wanted or taken[kind] >= per_kind:
                    continue
                data, content_type = forms.render(dict(doc), json.loads(doc["fields"]))
                suffix = "tif" if content_type == "image/tiff" else "pdf"
                path = root / f"{kind.replace(' ', '-')}-{seed}-{doc['id']}.{suffix}"
                path.write_bytes(data)
                corpus[kind].append((path, dict(doc), world_store))
                taken[kind] += 1
        total_docs = sum(len(v) for v in corpus.values())
        print(f"corpus: {total_docs} documents ({', '.join(f'{k}: {len(v)}' for k, v in corpus.items())}) "
              f"from seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))}")

        print(f"{'type':<10} {'family':<16} {'docs':>5} {'pages':>6} {'fields':>7} {'right':>8} {'silent':>8} "
              f"{'acted':>9} {'wrong':>6} {'pages/s':>8} {'docs/h/core':>11}  notes")
        with ProcessPoolExecutor(args.workers) as pool:
            for (kind, family), items in _by_family(corpus).items():
                if not items:
                    continue
                started = time.perf_counter()
                results = list(pool.map(_extract, [str(p) for p, _, _ in items]))
                elapsed = time.perf_counter() - started
                fields = wrong = silent = pages = failed = 0
                may = acted = acted_wrongly = 0  # documents a robot may act on; acted on; acted on against the truth
                for (path, truth, world_store), (_, got, error, _) in zip(items, results):
                    remittance_kind = kind in ("spr text", "eob text", "eob scan")
                    if got is not None and remittance_kind and got.get("document_type") != "remittance":
                        got = None  # taken for another kind of document: the EOB robot hands it to a person whole
                    if got is None:
                        # Refused (safe: a person gets it whole), not read: every field counts as not right,
                        # and a document a robot could have acted on as one it did not.
                        failed += 1
                        if kind in ("spr text", "eob text", "eob scan"):
                            want = remittance(world_store, truth)
                            count = len(wrong_fields(want, want)[0])
                            may += bool(want["balanced"])
                        else:
                            count = len(FORM_FIELDS if kind == "cmn fax" else SWO_FIELDS)
                            may += bool(truth["valid"])
                        fields += count
                        wrong += count
                        continue
                    pages += got["pages"]
                    before_silent = silent
                    if kind in ("spr text", "eob text", "eob scan"):
                        want = remittance(world_store, truth)
                        names, diff = wrong_fields(want, got)
                        fields += len(names)
                        wrong += len(diff)
                        for d in diff:
                            # Silent as the shared scorer counts it: wrong and not under review, whether or not
                            # the document was acted on (a field not listed flows on unseen, as the contract says).
                            quiet = not covered(d, got["review"])
                            silent += quiet
                            if args.wrong:
                                print(f"  wrong {path.name} {d}: truth {get(want, d)!r} read {get(got, d)!r} "
                                      f"{'SILENT' if quiet else 'flagged'}")
                        may += bool(want["balanced"])
                        if args.wrong and want["balanced"] and not got["balanced"]:
                            print(f"  held {path.name}: problems {got['problems']} review {got['review'][:12]}")
                        acted += bool(got["balanced"] and want["balanced"])
                        acted_wrongly += bool(got["balanced"] and (not want["balanced"] or silent > before_silent))
                    else:
                        truth_fields = json.loads(truth["fields"])
                        truth_fields.update(problems=json.loads(truth["problems"]), valid=bool(truth["valid"]))
                        for name in (FORM_FIELDS if kind == "cmn fax" else SWO_FIELDS):
                            fields += 1
                            want_value, got_value = get(truth_fields, name), get(got, name)
                            if isinstance(want_value, str) and name.endswith("date"):
                                got_value = got_value or None
                            if name == "problems":
                                ok = sorted(want_value) == sorted(got_value or [])
                            else:
                                ok = want_value == got_value
                            if not ok:
                                wrong += 1
                                flagged = covered(name, got["review"])
                                if not flagged:
                                    silent += 1
                                if args.wrong:
                                    print(f"  wrong {path.name} {name}: truth {want_value!r} read {got_value!r} "
                                          f"{'flagged' if flagged else 'SILENT'}")
                        may += bool(truth["valid"])
                        if args.wrong and truth["valid"] and not got["valid"]:
                            print(f"  held {path.name}: problems {got['problems']} review {got['review']}")
                        acted += bool(got["valid"] and truth["valid"])
                        acted_wrongly += bool(got["valid"] and (not truth["valid"] or silent > before_silent))
                notes = f"{failed} could not be read" if failed else ""
                per_core = len(items) / elapsed * 3600 / args.workers
                print(f"{kind:<10} {family:<16} {len(items):>5} {pages:>6} {fields:>7} {1 - wrong / max(fields, 1):>8.2%} "
                      f"{silent / max(fields, 1):>8.3%} {f'{acted}/{may}':>9} {acted_wrongly:>6} {pages / elapsed:>8.1f} "
                      f"{per_core:>11.0f}  {notes}")

            if corpus["eob text"]:
                text_layer_gaps([p for p, _, _ in corpus["eob text"]])
                tables_across_pass([p for p, _, _ in corpus["eob text"]])
            if set(KINDS.values()) - wanted:
                return
            # OCR overhead: the same page images through bare tesseract and through our pipeline.
            images = []
            for path, _, _ in corpus["eob scan"][:6] + corpus["cmn fax"][:6]:
                target = root / f"{path.stem}-page.png"
                if path.suffix == ".pdf":
                    subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", "-singlefile", str(path),
                                    str(target.with_suffix(""))], check=True)
                else:
                    from PIL import Image

                    with Image.open(path) as img:
                        img.save(target, dpi=img.info.get("dpi", (200, 200)))
                images.append(str(target))
            bare, ours = _side_by_side(pool, _bare, _ours, images)
            print(f"OCR on {len(images)} page images, {args.workers} processes: bare tesseract {bare:.1f} s, "
                  f"ours (preprocess + tesseract) {ours:.1f} s; ratio {ours / bare:.2f}")
            # What reading again costs beside the page's read, on the same pages in the same run: a scanned
            # remittance's identifiers (`second_look`), a faxed form's garbled rows (`Form.mend_ruled_lines`).
            timed = list(pool.map(_looks_again, images))
            scans = len(corpus["eob scan"][:6])
            eob_read, second = sum(t[0] for t in timed[:scans]), sum(t[1] for t in timed[:scans])
            rows = [t for t in timed[scans:] if t[3]]
            form_read, mend = sum(t[0] for t in rows), sum(t[2] for t in rows)
            print(f"read again: {scans} scanned remittance pages, page read {eob_read:.1f} s, identifiers a second "
                  f"time {second:.1f} s (ratio {second / max(eob_read, 1e-9):.2f}); {len(rows)} faxed CMN pages read "
                  f"as rows, page read {form_read:.1f} s, garbled rows without the rules {mend:.1f} s "
                  f"(ratio {mend / max(form_read, 1e-9):.2f})")
            # The whole pipeline on faxed forms: page OCR plus the cells read again (one sheet of rereads, one
            # alphabet-limited read), the layout and the checks, against bare tesseract on every page image.
            documents = [str(p) for p, _, _ in corpus["cmn fax"][:6] + corpus["swo fax"][:6]]
            per_document = list(pool.map(_page_images, documents))
            bare, whole = _side_by_side(pool, _bare_document, _whole, per_document, documents)
            page_count = sum(map(len, per_document))
            print(f"faxed forms whole ({len(documents)} documents, {page_count} pages): bare tesseract "
                  f"{bare:.1f} s, extract() {whole:.1f} s; ratio {whole / bare:.2f}")
        memory_flatness(root, store)


def text_layer_gaps(documents: list[Path]) -> None:
    """What keeping a text layer's wide gaps costs (`pages._with_wide_gaps`, two box calls a space) beside
    pdfium's text alone, on the same pages in one run, one process."""
    import pypdfium2 as pdfium

    from extractors.pages import _with_wide_gaps

    def read_all(read: Any) -> tuple[float, int]:
        started, count = time.perf_counter(), 0
        for path in documents:
            document = pdfium.PdfDocument(str(path))
            for index in range(len(document)):
                textpage = document[index].get_textpage()
                read(textpage)
                textpage.close()
                count += 1
            document.close()
        return time.perf_counter() - started, count

    plain, count = read_all(lambda textpage: textpage.get_text_range())
    gapped, _ = read_all(_with_wide_gaps)
    print(f"text layer on {count} pages: pdfium's text {plain / count * 1000:.2f} ms a page, with wide gaps kept "
          f"{gapped / count * 1000:.2f} ms; ratio {gapped / plain:.2f}")


def tables_across_pass(documents: list[Path]) -> None:
    """What turning tables printed across back into rows (`transposed.rows`, run before the columns reader on
    every remittance it reads) costs beside the columns reader itself, on the same text pages' rows in one run."""
    from extractors.api import read
    from extractors.pages import pages
    from extractors.remittance import by_columns, transposed

    rows = [line for path in documents for page in pages(path) for line in read(page).lines]
    started = time.perf_counter()
    passed = list(transposed.rows(rows))
    across = time.perf_counter() - started
    started = time.perf_counter()
    by_columns.parse(iter(rows))
    columns = time.perf_counter() - started
    print(f"tables across on {len(rows)} rows: the pass {across * 1000:.0f} ms, the columns reader "
          f"{columns * 1000:.0f} ms; ratio {across / columns:.2f} ({len(passed)} rows out)")


def _by_family(corpus: dict[str, list[tuple[Path, Any, Store]]]) -> dict[tuple[str, str], list[tuple[Path, Any, Store]]]:
    """Each kind's documents by the layout family that drew them; the family kept out of tuning marked so."""
    out: dict[tuple[str, str], list[tuple[Path, Any, Store]]] = {}
    for kind, items in corpus.items():
        for item in items:
            family = "-"
            if kind == "spr text":
                check = item[2].scalar("SELECT check_number FROM remittances WHERE id = ?", item[1])
                name = spr.family_of(check).name
                family = f"{name} (held out)" if name == spr.HELD_OUT else name
            elif kind in ("eob text", "eob scan"):
                check = item[2].scalar("SELECT check_number FROM remittances WHERE id = ?", item[1])
                name = eob.family_of(check)
                family = f"{name} (held out)" if name == eob.HELD_OUT else name
            elif kind in ("cmn fax", "swo fax"):
                doc_type = kind.split()[0]
                fields = json.loads(item[1]["fields"])  # the document's row
                name = forms.family_of(doc_type, fields)
                family = f"{name} (held out)" if name in forms.HELD_OUT.get(doc_type, ()) else name
            out.setdefault((kind, family), []).append(item)
    return dict(sorted(out.items()))


def memory_flatness(root: Path, store: Store) -> None:
    """Peak memory reading a 100-page and a 1,000-page text remittance, each in a fresh process."""
    from sandbox.documents import pdf as pdf_writer

    lines: list[str] = []
    for r in store.all("SELECT id FROM remittances WHERE payer_key = 'medicare' ORDER BY id"):
        remit_lines = subprocess.run(["pdftotext", "-layout", "-", "-"], input=spr.render(store, r["id"]),
                                     capture_output=True, check=True).stdout.decode().splitlines()
        lines.extend(line for line in remit_lines if line.strip())
        if len(lines) > 60 * 1000:
            break
    peaks = {}
    for pages in (100, 1000):
        chunks = [lines[(i * 52) % max(len(lines) - 52, 1):][:52] for i in range(pages)]
        path = root / f"long-{pages}.pdf"
        path.write_bytes(pdf_writer.text_pages(chunks))
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec, so a child started from this (large)
        # process would report the bench's own size (330 MiB) however little the extractor used.
        code = ("import re, sys; from extractors import extract; d = extract(sys.argv[1]); "
                "print(d.pages, re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                             cwd=REPO).stdout.split()
        peaks[pages] = (int(out[0]), int(out[1]) / 1024)
    (p100, m100), (p1000, m1000) = peaks[100], peaks[1000]
    print(f"memory: {p100} pages peak {m100:.0f} MiB, {p1000} pages peak {m1000:.0f} MiB; "
          f"ratio {m1000 / m100:.2f}, {m1000 - m100:+.0f} MiB for {p1000 / p100:.0f}x the pages (pages are not kept; "
          f"the document returned holds every claim read, so it grows with the file)")


if __name__ == "__main__":
    main()
