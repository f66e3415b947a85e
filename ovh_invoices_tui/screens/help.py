"""``?``: every binding of the screen underneath, with its key (after remapping) and what it does."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ovh_invoices_tui.commands import COMMAND_HELP


def bindings_table(screen: Screen[Any]) -> Table:
    """Active bindings of the focused widget chain, the screen and the app, deduplicated by action."""
    table = Table(show_edge=False, expand=True, pad_edge=False)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Does")
    table.add_column("Id", style="dim", no_wrap=True)
    seen: set[str] = set()
    for _key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if binding.action in seen or binding.system:
            continue
        seen.add(binding.action)
        keys = binding.key_display or screen.app.get_key_display(binding)
        table.add_row(Text(keys), Text(binding.tooltip or binding.description), Text(binding.id or ""))
    return table


class HelpScreen(ModalScreen[None]):
    """A scrollable list of bindings; any of Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 95%; height: 90%; border: round $accent; background: $surface; }
    HelpScreen #help-footer { color: $text-muted; }
    """

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(bindings_table(self.under))
            yield Static(Text(f"\nCommand line (:) — {COMMAND_HELP}\nPalette: ctrl+p"), id="help-footer")

    async def action_dismiss(self, result: Any = None) -> None:
        self.dismiss(None)
