"""The one rule for turning an id or a name (from the API or the user) into a plain file name."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["safe_filename"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]+')
# Names Windows refuses whatever the extension (files are often copied to Windows machines).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_STEM = 120


def safe_filename(ref: str, ext: str = "", *, distinct: bool = False) -> str:
    """A plain file name for ``ref``: separators, ``..``, control and reserved characters become ``_``.

    ``safe_filename("FR123/../x", "pdf") == "FR123___x.pdf"``; an empty or all-dots id gives ``document``.
    With ``distinct``, a name that had to be changed ends with a short hash of ``ref``, so that two
    different refs never share a file (``a/b`` and ``a_b``), while a plain name is kept as it is.
    """
    original = str(ref)
    stem = unicodedata.normalize("NFC", original)
    stem = _UNSAFE.sub("_", stem)
    stem = stem.replace("..", "_")
    stem = stem.strip(" ._") or "document"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    # Limit by UTF-8 length (255-byte limits on most filesystems), cutting on a character boundary.
    encoded = stem.encode("utf-8")[:_MAX_STEM]
    stem = encoded.decode("utf-8", errors="ignore").rstrip(" .") or "document"
    if distinct and stem != original:
        stem = f"{stem}-{hashlib.sha256(original.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
    ext = _UNSAFE.sub("", ext).strip(". ")
    return f"{stem}.{ext}" if ext else stem
