"""Plain text that wraps only where it may: between words, or between the items of a key line."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from ovh_invoices_tui.core.wrapping import ITEM_SEPARATOR, NBSP, pack


class WrappedText(Widget):
    """Text broken into lines at ``separator`` only (a no-break space glues words), as wide as it needs.

    Shown literally (no markup). Textual's own wrap breaks at any whitespace, no-break spaces included.
    """

    DEFAULT_CSS = "WrappedText { height: auto; }"
    SEPARATOR = " "

    def __init__(self, text: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text

    def lines(self, width: int) -> list[str]:
        """The lines shown in ``width`` cells (one per paragraph when it fits)."""
        sep = self.SEPARATOR
        return [line for paragraph in self.text.split("\n") for line in pack(paragraph.split(sep), width, sep)]

    def render(self) -> Text:
        return Text("\n".join(self.lines(self.content_size.width)).replace(NBSP, " "))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(cell_len(paragraph) for paragraph in self.text.split("\n"))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))


class KeyHint(WrappedText):
    """A key line ("y : copier · o : ouvrir · Échap : fermer"): it breaks between its items only."""

    SEPARATOR = ITEM_SEPARATOR


class UrlText(WrappedText):
    """A link that breaks, when it must, after its "?" or an "&" (where a typesetter breaks a URL)."""

    def lines(self, width: int) -> list[str]:
        return pack(re.split(r"(?<=[?&])", self.text), width, "")
