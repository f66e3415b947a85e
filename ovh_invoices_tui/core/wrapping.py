"""Where a line may break: words that belong together stay on one line when a dialog wraps.

Textual wraps at any whitespace, a no-break space included; :func:`pack` breaks only between the parts it
is given, so a key stays with what it does ("Échap : fermer") and "r pour actualiser" is not split.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rich.cells import cell_len
from rich.text import Text

NBSP = "\u00a0"  # glues two words in a text shown by WrappedText
ITEM_SEPARATOR = " · "  # between the items of a key line or of a list of facts


Part = TypeVar("Part", str, Text)


def pack(parts: Sequence[Part], width: int, separator: str = " ") -> list[Part]:
    """``parts`` (plain or styled) joined by ``separator`` into as few lines of at most ``width`` cells as they fit;
    a line breaks only between two parts (a part wider than ``width`` gets a line of its own). A styled line takes
    its first part's base style: give styled parts their style in spans (``Text().append(..., style=...)``)."""
    lines: list[Part] = []
    for part in parts:
        joined = lines[-1] + separator + part if lines else part
        if lines and (width <= 0 or _cells(joined) <= width):  # <= 0: not laid out yet
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def _cells(text: str | Text) -> int:
    return text.cell_len if isinstance(text, Text) else cell_len(text)
