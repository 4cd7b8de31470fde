"""The ICD-10-CM codes a claim may carry: the billable ones (codes with no subdivision), from the CDC's release as
the `simple-icd-10-cm` library publishes it. A code read on a fax that has the format but no place in the
classification ("A84.10" for J84.10, its hook lost) is a misread, never a diagnosis.

Importing the library builds the whole classification from its XML (seconds, and some 150 MB), which every
extraction process would pay; so the billable codes are taken out of it once and kept in the cache folder
(`dictionary.cache_root`) under the library's version, and a process loads them in some 20 ms. A release
replaced by another is read afresh.
"""

from __future__ import annotations

import functools
import logging
import warnings
from importlib import metadata

from . import dictionary

log = logging.getLogger(__name__)
LIBRARY = "simple-icd-10-cm"


def _from_library() -> frozenset[str] | None:
    try:
        with warnings.catch_warnings():  # the library loads its data with an API Python deprecated: its, not ours
            warnings.simplefilter("ignore", DeprecationWarning)
            import simple_icd_10_cm as icd
    except ImportError:
        return None
    return frozenset(code for code in icd.get_all_codes(with_dots=False) if icd.is_leaf(code))


@functools.lru_cache(maxsize=1)
def billable_codes() -> frozenset[str]:
    """Every billable code, without its dot; empty when the library is missing (nothing is then decided by
    the list: a code is judged by its format alone)."""
    try:
        version = metadata.version(LIBRARY)
    except metadata.PackageNotFoundError:
        log.warning("%s is not installed: ICD-10 codes are checked by their format only", LIBRARY)
        return frozenset()
    cached = dictionary.cache_root() / f"icd10cm-billable-{version}.txt"
    try:
        return frozenset(cached.read_text(encoding="utf-8").split())
    except OSError:
        pass  # not cached yet: take the codes out of the library
    codes = _from_library()
    if codes is None:
        return frozenset()
    try:
        dictionary.write_whole(cached, "\n".join(sorted(codes)))
    except OSError as exc:
        log.info("ICD-10-CM codes not cached (%s): taken out of the library in each process", exc.strerror)
    return codes


def is_billable(code: str) -> bool:
    """The code (with or without its dot) is a billable ICD-10-CM code; True when the list is not available."""
    codes = billable_codes()
    return not codes or code.replace(".", "").upper() in codes
