"""An in-app document viewer: the text of an invoice's HTML or PDF, with keys to open or copy it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


class DocumentViewer(ReportsWorkerFailures, Screen[None]):
    """Read-only text with the document's title; ``o`` opens it outside, ``y`` copies its link."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="viewer.back", tooltip="Back"),
        Binding("o", "open_outside", "Open outside", id="viewer.open", tooltip="Open in a browser or viewer"),
        Binding("y", "copy_link", "Copy link", id="viewer.copy_link", tooltip="Copy the link (OSC 52)"),
    ]

    CSS_PATH = "viewer.tcss"

    def __init__(
        self,
        title: str,
        text: str,
        *,
        note: str = "",
        open_outside: Callable[[], None] | None = None,
        copy_link: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.note = note
        self._open_outside = open_outside
        self._copy_link = copy_link

    def compose(self) -> ComposeResult:
        yield Static(Text(clean(self.title_text)), id="viewer-title")
        if self.note:
            yield Static(Text(self.note), id="viewer-note")
        yield TextArea(self.text, read_only=True, soft_wrap=False, show_line_numbers=False, id="viewer-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_outside":
            return self._open_outside is not None
        if action == "copy_link":
            return self._copy_link is not None
        return True

    def action_open_outside(self) -> None:
        if self._open_outside:
            self._open_outside()

    def action_copy_link(self) -> None:
        if self._copy_link:
            self._copy_link()
