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

from ovh_invoices_tui.actions.commands import COMMAND_HELP
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.binding_labels import help_text


def bindings_table(screen: Screen[Any], lang: str = "en") -> Table:
    """Active bindings of the focused widget chain, the screen and the app, one row per action.

    Textual splits ``Binding("j,down", ...)`` into one binding per key; they are grouped back here so the
    row shows every key that does it (``j ↓``, ``g home``, ``pgdn ^f``).
    """
    table = Table(show_edge=False, expand=True, pad_edge=False)
    table.add_column(Text(t("help.key", lang)), style="bold", no_wrap=True)
    table.add_column(Text(t("help.does", lang)))
    table.add_column(Text(t("help.id", lang)), style="dim", no_wrap=True)
    rows: dict[str, tuple[Binding, list[Binding]]] = {}  # action → (first binding, every key's binding)
    for _key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if binding.system or not binding.id:  # Textual's own (tab, ctrl+c…) left out
            continue
        if binding.action not in rows:
            rows[binding.action] = (binding, [binding])
        elif binding.id == rows[binding.action][0].id:  # the same binding, another of its keys
            rows[binding.action][1].append(binding)
    for binding, keyed in rows.values():
        keyed.sort(key=lambda each: len(each.key) > 1)  # letters first (j ↓, g home), as the guide writes them
        displays = dict.fromkeys(each.key_display or screen.app.get_key_display(each) for each in keyed)
        table.add_row(Text(" ".join(displays)), Text(help_text(binding, lang)), Text(binding.id or ""))
    return table


class HelpScreen(ReportsWorkerFailures, ModalScreen[None]):
    """A scrollable list of bindings; any of Esc, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"),
    ]

    CSS_PATH = "help.tcss"

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        lang = getattr(self.app, "lang", "en")
        with VerticalScroll():
            yield Static(bindings_table(self.under, lang))
            yield Static(Text("\n" + t("help.footer", lang, commands=COMMAND_HELP)), id="help-footer")

    async def action_dismiss(self, result: Any = None) -> None:
        self.dismiss(None)
