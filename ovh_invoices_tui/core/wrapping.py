"""Where a line may break: words that belong together stay on one line when a dialog wraps.

Textual wraps at any whitespace, a no-break space included; :func:`pack` breaks only between the parts it
is given, so a key stays with what it does ("Échap : fermer") and "r pour actualiser" is not split.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

NBSP = "\u00a0"  # glues two words in a text shown by WrappedText
ITEM_SEPARATOR = " · "  # between the items of a key line or of a list of facts


def pack(parts: Sequence[str], width: int, separator: str = " ") -> list[str]:
    """``parts`` joined by ``separator`` into as few lines of at most ``width`` cells as they fit; a line
    breaks only between two parts (a part wider than ``width`` gets a line of its own)."""
    lines: list[str] = []
    for part in parts:
        if lines and (width <= 0 or cell_len(lines[-1] + separator + part) <= width):  # <= 0: not laid out yet
            lines[-1] += separator + part
        else:
            lines.append(part)
    return lines
