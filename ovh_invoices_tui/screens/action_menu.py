"""The "…" menu of one invoice: the actions that apply, disabled ones with their reason."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ovh_invoices_tui.actions.host import host_of
from ovh_invoices_tui.actions.registry import RowAction, actions_for
from ovh_invoices_tui.core.i18n import format_money, t
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


class ActionMenu(ReportsWorkerFailures, ModalScreen[str | None]):
    """Dismisses with the chosen action id (or None); each action's key picks it directly."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="menu.close", tooltip="Close the menu")]

    CSS_PATH = "action_menu.tcss"

    def __init__(self, bill_id: str) -> None:
        super().__init__()
        self.bill_id = bill_id
        self._actions: list[tuple[RowAction, str | None]] = []

    def compose(self) -> ComposeResult:
        app = host_of(self)
        row = app.session.store.row(self.bill_id)
        self._actions = actions_for(app, row) if row else []
        amount = format_money(row.bill.price_with_tax, app.lang) if row else ""
        options = []
        for action, reason in self._actions:
            prompt = Text()
            prompt.append(f" {action.key} ", style="bold reverse")
            prompt.append(f"  {t(action.label_key, app.lang)}")
            if reason:
                prompt.append(f"  — {reason}", style="italic")
            options.append(Option(prompt, id=action.id, disabled=reason is not None))
        with Vertical():
            yield Label(Text(t("menu.title", app.lang, ref=clean(self.bill_id), amount=amount)), id="menu-title")
            yield OptionList(*options)

    @property
    def app_lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def on_key(self, event: events.Key) -> None:
        for action, reason in self._actions:
            if event.character == action.key:
                event.stop()
                if reason is None:
                    self.dismiss(action.id)
                else:  # a disabled entry's key says why instead of doing nothing
                    label = t(action.label_key, self.app_lang)
                    self.notify(t("menu.disabled", self.app_lang, action=label, reason=reason), severity="warning")
                return

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
