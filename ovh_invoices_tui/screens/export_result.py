"""The documents an export could not include: "bill id — reason", one per line, scrollable."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.export import Failure
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.wrapped_text import KeyHint


class ExportFailures(ReportsWorkerFailures, ModalScreen[None]):
    """Lists an export's failures (reasons are API text: shown literally, never as markup)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="export_failures.close", tooltip="Close the list"),
        Binding("enter", "close", "Close", show=False, id="export_failures.close_enter", tooltip="Close the list"),
    ]

    CSS_PATH = "export_result.tcss"

    def __init__(self, message: str, failures: Sequence[Failure], *, lang: str = "en") -> None:
        super().__init__()
        self.message = message
        self.failures = tuple(failures)
        self.lang = lang

    def compose(self) -> ComposeResult:
        lines = [Option(Text(f"{clean(f.bill_id)} — {clean(f.reason)}")) for f in self.failures]
        with Vertical():
            yield Label(Text(t("export.failures.title", self.lang, count=len(self.failures))), id="failures-title")
            yield Static(Text(self.message), id="failures-message")
            yield OptionList(*lines)
            yield KeyHint(t("export.failures.hint", self.lang), id="failures-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
