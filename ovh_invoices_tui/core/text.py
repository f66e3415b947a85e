"""Text from the API is data: strip control characters before it reaches the terminal."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC included) and DEL; tabs and newlines become spaces in one-line cells.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi overrides and isolates could reorder what follows them on the line.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """A one-line, control-free string safe to show in a cell (markup is not interpreted by callers)."""
    text = str(value)
    if text.isprintable():
        return _BIDI.sub("", text)
    return _BIDI.sub("", _CONTROLS.sub(" ", text))
