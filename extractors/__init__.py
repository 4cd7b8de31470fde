"""Documents into data the robots can act on: remittances balanced to the cent, CMNs and orders with review flags.

    from extractors import extract
    document = extract(Path("remit.pdf"))        # Remittance | Cmn | Swo
    document.model_dump(mode="json")             # the JSON of docs/extract-contract.md

Errors are typed (`extractors.exceptions`): a file that cannot be read raises,
a document that can be read but is doubtful comes back with `review` filled.
"""

from __future__ import annotations

from .api import extract
from .exceptions import DocumentTooLarge, ExtractError, UnknownDocumentType, UnreadableDocument
from .models import Cmn, Document, Remittance, Swo

__all__ = ["Cmn", "Document", "DocumentTooLarge", "ExtractError", "Remittance", "Swo", "UnknownDocumentType",
           "UnreadableDocument", "extract"]
