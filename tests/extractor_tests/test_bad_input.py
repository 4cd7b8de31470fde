"""Files the extractors cannot read: a one-line error and exit code 1 from the CLI, a typed exception from the API."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from extractors import ExtractError, UnknownDocumentType, UnreadableDocument, extract
import samples
from sandbox.documents import pdf, spr
from sandbox.world.store import Store

HME_RPA = str(Path(sys.executable).with_name("hme-rpa"))


@pytest.fixture(scope="module")
def good_pdf(world: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bad") / "good.pdf"
    remit_id = world.scalar("SELECT id FROM remittances WHERE payer_key = 'medicare' ORDER BY id LIMIT 1")
    path.write_bytes(spr.render(world, remit_id))
    return path


def _bad_files(good: Path, folder: Path) -> dict[str, tuple[Path, type[ExtractError], str]]:
    data = good.read_bytes()
    files: dict[str, tuple[Path, type[ExtractError], str]] = {}

    def add(name: str, content: bytes, error: type[ExtractError], words: str) -> None:
        path = folder / name
        path.write_bytes(content)
        files[name] = (path, error, words)

    add("truncated.pdf", data[: len(data) // 3], UnreadableDocument, "damaged or truncated")
    middle = len(data) // 2
    add("corrupt.pdf", data[:20] + bytes(b ^ 0xFF for b in data[20:middle]) + data[middle:], ExtractError, "")
    add("empty.pdf", b"", UnreadableDocument, "empty")
    add("zero-pages.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                          b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
                          b"trailer << /Root 1 0 R >>\n%%EOF\n", UnreadableDocument, "")
    add("notes.txt", b"just some text, not a document\n", UnreadableDocument, "not a PDF, TIFF, PNG or JPEG")
    add("letter.pdf", samples.text_pdf(["Dear Sir, please find enclosed our invoice."]), UnknownDocumentType,
        "not a remittance")
    add("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, UnreadableDocument, "damaged image")
    blank = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(blank, format="PNG")
    add("blank.png", blank.getvalue(), UnknownDocumentType, "")
    add("blank-scan.pdf", pdf.image_pages([Image.new("L", (850, 1100), 255)]), UnknownDocumentType, "")
    writer = PdfWriter(clone_from=PdfReader(good))
    writer.encrypt("secret-password")
    out = io.BytesIO()
    writer.write(out)
    add("encrypted.pdf", out.getvalue(), UnreadableDocument, "encrypted")
    return files


def test_the_api_raises_a_typed_error_for_each(good_pdf: Path, tmp_path: Path) -> None:
    for name, (path, error, words) in _bad_files(good_pdf, tmp_path).items():
        with pytest.raises(error) as raised:
            extract(path)
        message = str(raised.value)
        assert "\n" not in message and message, name
        assert words in message, (name, message)


def test_the_cli_prints_one_line_and_exits_1(good_pdf: Path, tmp_path: Path) -> None:
    for name, (path, _error, _words) in _bad_files(good_pdf, tmp_path).items():
        result = subprocess.run([HME_RPA, "extract", str(path), "--json"], capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, name
        assert result.stdout == "" and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, name


def test_the_cli_reads_a_folder_with_a_summary(good_pdf: Path, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "remit.pdf").write_bytes(good_pdf.read_bytes())
    (folder / "notes.txt").write_text("not a document")
    result = subprocess.run([HME_RPA, "extract", str(folder)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1  # one file could not be read
    assert "remit.pdf" in result.stdout and "balanced" in result.stdout
    assert "2 files: 1 read, 1 could not be read" in result.stdout
    ok = subprocess.run([HME_RPA, "extract", str(good_pdf), "--json"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and '"document_type": "remittance"' in ok.stdout
