"""The kept Tesseract engine: the same words as the `tesseract` command, settings that never carry over
from one read to the next, and a crash or a hang that costs one read, not the caller."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from extractors import ocr, tesseract
from extractors.exceptions import OcrFailed
from sandbox.documents import scan


def _printed(lines: list[str], size: tuple[int, int] = (1400, 420)) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(lines):
        draw.text((40, 40 + i * 90), text, fill=0, font=scan.font(11, dpi=300))
    return image


def _words_of_tsv(tsv: str) -> list[tuple[str, ...]]:
    """Each word row of Tesseract's TSV (header rows dropped): its box, confidence and text."""
    rows = [r.split("\t") for r in tsv.splitlines()]
    return [tuple(r[6:12]) for r in rows if len(r) >= 12 and r[0] == "5"]


def _engine_pid() -> int:
    assert tesseract._engine is not None
    return tesseract._engine.process.pid


def test_the_engine_reads_what_the_tesseract_command_reads(tmp_path: Path) -> None:
    image = _printed(["PATIENT NAME: IVANOV, LILY", "MBI: 8GA6T07PC85  NPI #: 2533314789", "HCPCS E1392 12 LPM"])
    for mode, picture in (("L", image), ("1", image.point(lambda v: 255 if v > 128 else 0, mode="1"))):
        path = tmp_path / f"page-{mode}.png"
        picture.save(path)
        command = subprocess.run(["tesseract", str(path), "-", "--psm", "6", "--dpi", "300", "tsv"],
                                 capture_output=True, text=True, check=True,
                                 env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        ours = tesseract.recognize(picture, psm=6, dpi=300)
        assert _words_of_tsv(ours) == _words_of_tsv(command.stdout)
        assert "IVANOV," in [w[-1] for w in _words_of_tsv(ours)]  # and it did read the page


def test_an_alphabet_holds_for_its_read_only() -> None:
    image = _printed(["QUANTITY 1 EACH"], (900, 160))
    plain = [w.text for w in ocr.words(image, psm=7)]
    assert "QUANTITY" in plain
    digits = [w.text for w in ocr.words(image, psm=7, alphabet="0123456789")]
    assert not any(c.isalpha() for word in digits for c in word)
    assert [w.text for w in ocr.words(image, psm=7)] == plain  # the alphabet did not stay behind
    glyphs = ocr.glyph_words(image, psm=7)
    assert [w.text for w in glyphs] == plain and all(w.glyphs for w in glyphs)
    again = tesseract.recognize(image, psm=7, dpi=300, output="hocr")
    assert "lstm_choices" not in again and "ocrx_cinfo" not in again  # nor the choices asked for once


def test_a_killed_engine_costs_one_read_and_the_next_read_starts_another() -> None:
    image = _printed(["SUMMIT HOME MEDICAL SUPPLY"], (1100, 160))
    expected = [w.text for w in ocr.words(image, psm=7)]
    first = _engine_pid()
    os.kill(first, signal.SIGKILL)
    # The read that meets the dead engine fails, named; or, when the kill had finished before it began (a busy
    # machine), a new engine is started for it. Either way no more than that one read is lost.
    try:
        got = [w.text for w in ocr.words(image, psm=7)]
    except OcrFailed as exc:
        assert "engine stopped" in str(exc)
        got = [w.text for w in ocr.words(image, psm=7)]
    assert got == expected
    assert _engine_pid() != first


def test_a_read_that_takes_too_long_is_given_up_and_the_engine_replaced() -> None:
    page = _printed([f"LINE {n} OF A LONG PAGE OF PRINT TO READ SLOWLY" for n in range(30)], (2400, 2800))
    ocr.words(Image.new("L", (40, 40), 255))
    first = _engine_pid()
    with pytest.raises(OcrFailed, match="too long"):
        tesseract.recognize(page, psm=6, dpi=300, timeout=0.05)
    assert tesseract._engine is not None and tesseract._engine.process.poll() is not None  # stopped, not left running
    assert [w.text for w in ocr.words(_printed(["DATE 11/13/2026"], (900, 160)), psm=7)] == ["DATE", "11/13/2026"]
    assert _engine_pid() != first


def test_a_setting_the_engine_does_not_offer_is_refused() -> None:
    with pytest.raises(ValueError, match="tessedit_pageseg_mode"):
        tesseract.recognize(Image.new("L", (40, 40), 255), psm=6, dpi=300, tessedit_pageseg_mode="3")


def test_a_forked_child_reads_with_an_engine_of_its_own() -> None:
    image = _printed(["CHOWDHURY, ANIL"], (900, 160))
    expected = [w.text for w in ocr.words(image, psm=7)]
    parent_engine = _engine_pid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            ok = [w.text for w in ocr.words(image, psm=7)] == expected and _engine_pid() != parent_engine
        except BaseException:
            ok = False
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(child, 0)
    assert _engine_pid() == parent_engine and tesseract._engine is not None and tesseract._engine.alive()
    assert [w.text for w in ocr.words(image, psm=7)] == expected


def test_reads_kept_in_a_folder_are_answered_from_it_and_only_new_ones_reach_the_engine(tmp_path: Path) -> None:
    """A document whose reading a kill cut off is read again only from where it stopped (bots/runtime/kept.py)."""
    image = _printed(["CHECK 12345 PAID"])
    with tesseract.reads_kept_in(tmp_path):
        first = tesseract.recognize(image, psm=6, dpi=300)
    kept = list(tmp_path.iterdir())
    assert "12345" in first and len(kept) == 1 and kept[0].read_text() == first
    assert kept[0].stat().st_mode & 0o077 == 0  # patient data: the runner's alone
    # Answered from the folder: what is kept is what is returned (a marked copy shows it was not read again).
    kept[0].write_text(first.replace("12345", "99999"))
    with tesseract.reads_kept_in(tmp_path):
        assert "99999" in tesseract.recognize(image, psm=6, dpi=300)
        # The same pixels read another way, and other pixels, are new reads, kept beside the first.
        tesseract.recognize(image, psm=7, dpi=300)
        tesseract.recognize(_printed(["CHECK 67890"]), psm=6, dpi=300)
    assert len(list(tmp_path.iterdir())) == 3
    # Outside the block nothing is kept or taken from the folder.
    assert "12345" in tesseract.recognize(image, psm=6, dpi=300)
    assert len(list(tmp_path.iterdir())) == 3
