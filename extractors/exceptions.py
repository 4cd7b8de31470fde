"""The extractors' exceptions: one root; every way a file cannot be read has its own type."""

from __future__ import annotations


class ExtractError(Exception):
    """Root of everything the extractors raise on purpose. The message is one line for a person."""


class UnreadableDocument(ExtractError):
    """The file is not a document we can open: corrupt, truncated, encrypted, empty, or not a PDF or image."""


class UnknownDocumentType(ExtractError):
    """The file opens, but it is none of the documents we read (remittance, CMN, written order)."""


class UnknownRemittanceLayout(UnknownDocumentType):
    """A remittance (a payment, its claims and their amounts) in a layout no reader knows: a person reads it."""


class DocumentTooLarge(ExtractError):
    """More pages than the configured limit."""


class ReaderFailed(ExtractError):
    """The document opened but a reader broke on it: a bug to report, with the file."""


class OcrFailed(ExtractError):
    """Tesseract could not run (missing, crashed or timed out)."""
