"""The documents other systems printed (../shared/samples/foreign), scanned again: a probe of layouts nobody here
drew, under noise they did not have.

    .venv/bin/python bench/foreign_rescanned.py [--corpus ../shared/samples/foreign] [--seeds 1,2,3]

Each text remittance is printed and put through the payer's mailroom scanner (300 dpi, a little crooked, black
and white: the sandbox's EOB noise); each faxed form is faxed once more (a fax of the fax). Every copy keeps its
document's truth, and the shared scorer (../shared/samples/score_extract.py) scores the originals and the copies
side by side in one run: fields right, flagged and silent, documents acted on and acted on wrongly.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pypdfium2 as pdfium  # noqa: E402
from PIL import Image  # noqa: E402

from sandbox.documents import pdf, scan  # noqa: E402

SCORER = REPO.parent / "shared" / "samples" / "score_extract.py"
# The payer's mailroom scanner (sandbox/documents/eob.py), and a second fax over a first (lighter: the first
# fax's noise is already on the page).
MAILROOM = scan.Noise(skew_deg=1.5, speckle=0.0001, blur=0.5, bilevel=True)
REFAX = scan.Noise(skew_deg=0.8, speckle=0.0002, blur=0.4, bilevel=True)


def _pages(path: Path, dpi: int) -> list[Image.Image]:
    if path.suffix.lower() in (".tif", ".tiff"):
        with Image.open(path) as image:
            frames = []
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                frames.append(image.convert("L"))
            return frames
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def _has_text(path: Path) -> bool:
    if path.suffix.lower() != ".pdf":
        return False
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document[0].get_textpage().get_text_range().strip()) > 20
    finally:
        document.close()


def rescan(corpus: Path, out: Path, seeds: list[int]) -> int:
    """Copies of every document with a truth, scanned again; returns how many were made."""
    made = 0
    for truth in sorted(corpus.glob("*.truth.json")):
        stem = truth.name[: -len(".truth.json")]
        source = next((p for p in corpus.glob(f"{stem}.*") if not p.name.endswith(".json")), None)
        if source is None:
            continue
        text = _has_text(source)
        dpi, noise = (300, MAILROOM) if text else (200, REFAX)
        for seed in seeds:
            rng = random.Random(f"{stem}-{seed}")
            images = [scan.degrade(page, rng, noise) for page in _pages(source, dpi)]
            # "scan" in the name: the scorer counts a remittance read from an image apart from a text one.
            name = f"{stem.replace('_text', '_scan_of_text')}-refax{seed}" if text else f"{stem}-refax{seed}"
            (out / f"{name}.pdf").write_bytes(pdf.image_pages(images, dpi=dpi, title="RESCAN"))
            shutil.copy(truth, out / f"{name}.truth.json")
            made += 1
    return made


def _score(folder: Path, cli: str) -> str:
    done = subprocess.run([sys.executable, str(SCORER), str(folder), "--cli", cli], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "samples" / "foreign")
    parser.add_argument("--seeds", default="1,2,3", help="One copy of each document per seed.")
    parser.add_argument("--cli", default=f"{REPO / '.venv' / 'bin' / 'hme-rpa'} extract {{path}} --json")
    parser.add_argument("--keep", type=Path, help="Write the copies here (kept) instead of a temporary folder.")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        made = rescan(args.corpus, folder, seeds)
        print(f"originals ({args.corpus}):")
        print(_score(args.corpus, args.cli))
        print(f"\nscanned again ({made} copies, seeds {', '.join(map(str, seeds))}):")
        print(_score(folder, args.cli))


if __name__ == "__main__":
    main()
