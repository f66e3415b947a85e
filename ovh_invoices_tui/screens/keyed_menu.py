"""A menu of actions picked by their own key: disabled entries show their reason, and their key says it.

The row menu ("…", :mod:`.action_menu`) and the bulk menu (``b``, :mod:`.bulk_menu`) are two of these; each builds
its entries from the action registry and runs the chosen one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


class MenuEntry(NamedTuple):
    """One line of a menu: the action's id, its key, its label, why it is disabled, a note after the label."""

    id: str
    key: str
    label: str
    reason: str | None = None
    detail: str | None = None


class KeyedMenu(ReportsWorkerFailures, ModalScreen[str | None]):
    """Dismisses with the chosen entry's id (or None); each entry's key picks it directly."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="menu.close", tooltip="Close the menu")]

    CSS_PATH = "keyed_menu.tcss"

    def __init__(self, title: str, entries: Sequence[MenuEntry], lang: str) -> None:
        super().__init__()
        self.title_text = title
        # Given whole at construction: a key typed right after the one that opened the menu finds its entry.
        self.entries = tuple(entries)
        self.lang = lang

    def compose(self) -> ComposeResult:
        options = []
        for entry in self.entries:
            prompt = Text()
            prompt.append(f" {entry.key} ", style="bold reverse")
            prompt.append(f"  {entry.label}")
            if entry.reason:
                prompt.append(f"  — {entry.reason}", style="italic")
            elif entry.detail:
                prompt.append(f"  · {entry.detail}", style="dim")
            options.append(Option(prompt, id=entry.id, disabled=entry.reason is not None))
        with Vertical():
            yield Label(Text(self.title_text), id="menu-title")
            yield OptionList(*options)

    def on_key(self, event: events.Key) -> None:
        for entry in self.entries:
            if event.character == entry.key:
                event.stop()
                if entry.reason is None:
                    self.dismiss(entry.id)
                else:  # a disabled entry's key says why instead of doing nothing
                    self.notify(t("menu.disabled", self.lang, action=entry.label, reason=entry.reason),
                                severity="warning")  # fmt: skip
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def run_chosen(host: ActionHost, run: Callable[[str], Awaitable[Any] | Any | None]) -> Callable[[str | None], None]:
    """The callback of a menu: ``run(action_id)`` for the chosen entry; a coroutine result runs in an I/O worker."""

    def chosen(action_id: str | None) -> None:
        if action_id is None:
            return
        result = run(action_id)
        if isinstance(result, Awaitable):
            host.run_io(result)

    return chosen
