"""How long `hme-rpa sandbox reset` takes, and how fast the sites draw their documents.

    .venv/bin/python bench/sandbox.py [--claims 50000]

Prints the reset time for the requested size beside the issue's one-minute
budget (ratio below 1 is inside it), and documents drawn per second for each
kind (SPR text PDF, commercial EOB text and scanned, faxed CMN/SWO).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sandbox import serve  # noqa: E402
from sandbox.documents import eob, forms, spr  # noqa: E402
from sandbox.world.store import Store  # noqa: E402

BUDGET_S = 60.0


PAGE = re.compile(rb"/Type\s*/Page[^s]")


def rate(label: str, fn: object, items: list[object], seconds: float = 3.0) -> None:
    started = time.perf_counter()
    done = size = pages = 0
    while time.perf_counter() - started < seconds and done < len(items):
        data = fn(items[done])  # type: ignore[operator]
        size += len(data)
        pages += len(PAGE.findall(data)) or 1  # a TIFF fax counts as one page here
        done += 1
    elapsed = time.perf_counter() - started
    print(f"  {label:<38} {done / elapsed:7.1f} documents/s {pages / elapsed:8.1f} pages/s "
          f"({size / max(done, 1) / 1024:,.0f} KiB each)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        summary = serve.reset(data_dir, seed=1, claims=args.claims, today=dt.date(2026, 11, 20))
        seconds = float(summary["seconds"])
        db_mb = serve.store_path(data_dir).stat().st_size / 1e6
        print(f"reset {args.claims:,} claims: {seconds:.1f} s ({args.claims / seconds:,.0f} claims/s, {db_mb:.0f} MB); "
              f"ratio to the {BUDGET_S:.0f} s budget: {seconds / BUDGET_S:.2f}")
        print(f"  {summary['remittances']:,} remittances, {summary['holds']:,} holds, {summary['documents']:,} documents")
        store = Store(serve.store_path(data_dir))
        medicare = [r["id"] for r in store.all("SELECT id FROM remittances WHERE payer_key = 'medicare' AND new = 1")]
        commercial = store.all("SELECT id, check_number FROM remittances WHERE payer_key = 'bluriver' ORDER BY id DESC LIMIT 200")
        scanned = [r["id"] for r in commercial if eob.is_scanned(r["check_number"])]
        text = [r["id"] for r in commercial if not eob.is_scanned(r["check_number"])]
        docs = [dict(r) for r in store.all("SELECT * FROM documents LIMIT 50")]
        print("documents drawn:")
        rate("Medicare SPR (text PDF, whole check)", lambda rid: spr.render(store, rid), medicare)
        rate("commercial EOB, text", lambda rid: eob.render(store, rid), text)
        rate("commercial EOB, scanned", lambda rid: eob.render(store, rid), scanned)
        rate("fax CMN / SWO", lambda d: forms.render(d, json.loads(d["fields"]))[0], docs)


if __name__ == "__main__":
    main()
