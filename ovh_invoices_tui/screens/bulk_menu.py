"""The "Bulk actions" menu (key ``b``): the bulk actions that apply, disabled ones with their reason."""

from __future__ import annotations

from collections.abc import Awaitable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.actions.registry import BulkAction, bulk_actions_for
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


class BulkMenu(ReportsWorkerFailures, ModalScreen[str | None]):
    """Dismisses with the chosen bulk action id (or None); each action's key picks it directly."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="bulk.close", tooltip="Close the menu")]

    CSS_PATH = "bulk_menu.tcss"

    def __init__(self, host: ActionHost) -> None:
        super().__init__()
        self.host = host
        # Read now, not in compose: a key typed right after "b" (b then c) must already find its action.
        self._actions: list[tuple[BulkAction, str | None]] = bulk_actions_for(host)

    def compose(self) -> ComposeResult:
        app = self.host
        options = []
        for action, reason in self._actions:
            prompt = Text()
            prompt.append(f" {action.key} ", style="bold reverse")
            prompt.append(f"  {t(action.label_key, app.lang)}")
            detail = action.detail(app)
            if reason:
                prompt.append(f"  — {reason}", style="italic")
            elif detail:
                prompt.append(f"  · {detail}", style="dim")
            options.append(Option(prompt, id=action.id, disabled=reason is not None))
        marked = len(app.session.store.marked)
        title = t("bulk.title_marked", app.lang, count=marked) if marked else t("bulk.title", app.lang)
        with Vertical():
            yield Label(Text(title), id="bulk-title")
            yield OptionList(*options)

    def on_key(self, event: events.Key) -> None:
        for action, reason in self._actions:
            if event.character == action.key and reason is None:
                event.stop()
                self.dismiss(action.id)
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def open_bulk_menu(app: ActionHost) -> None:
    """Show the menu and run the chosen action (a coroutine result runs in an I/O worker)."""

    def chosen(action_id: str | None) -> None:
        if action_id is None:
            return
        for action, reason in bulk_actions_for(app):
            if action.id == action_id and reason is None:
                result = action.run(app)
                if isinstance(result, Awaitable):
                    app.run_io(result)
                return

    app.push_screen(BulkMenu(app), chosen)
