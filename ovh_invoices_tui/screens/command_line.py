"""The ``:`` command line (k9s style): one input at the bottom, Enter runs, Esc cancels."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input

from ovh_invoices_tui.actions.commands import COMMAND_HELP
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


class CommandLine(ReportsWorkerFailures, ModalScreen[str | None]):
    """Dismisses with the command typed (without the colon), or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="command.cancel", tooltip="Close the command line")]

    CSS_PATH = "command_line.tcss"

    def compose(self) -> ComposeResult:
        yield Input(placeholder=COMMAND_HELP, id="command-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_key(self, event: events.Key) -> None:
        """Keys typed right after ":" can arrive before the input has focus: they still go into it."""
        box = self.query_one(Input)
        if self.focused is not box and event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
            box.focus()
            event.stop()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip().lstrip(":") or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
