"""``@``: the recent API calls (k9s / lazygit style): method, path, status, duration, query id."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.core.i18n import format_count, t
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


def _status(entry: RequestLog, lang: str = "en") -> Text:
    if entry.status is None:
        return Text(t("requests.no_answer", lang), style="bold red")
    style = "green" if entry.status < 400 else "yellow" if entry.status < 500 else "bold red"
    return Text(str(entry.status), style=style)


class RequestLogScreen(ReportsWorkerFailures, Screen[None]):
    """Newest first; the query id is what OVHcloud support asks for."""

    BINDINGS = [
        Binding("escape,at", "app.pop_screen", "Back", id="requests.back", tooltip="Back"),
        Binding("y", "copy_query_id", "Copy query id", id="requests.copy", tooltip="Copy the row's X-Ovh-QueryID"),
    ]

    CSS_PATH = "request_log.tcss"

    def __init__(self, entries: Iterable[RequestLog]) -> None:
        super().__init__()
        self.entries = list(entries)[::-1]

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(t("requests.title", lang, count=format_count(len(self.entries), lang)), id="requests-title")
        table: DataTable[str | Text] = DataTable(cursor_type="row", zebra_stripes=True)
        headers = [t(f"requests.{column}", lang) for column in ("method", "path", "status", "time")]
        table.add_columns(*headers, "X-Ovh-QueryID")
        for entry in self.entries:
            table.add_row(
                entry.method,
                Text(clean(entry.path)),
                _status(entry, lang),
                Text(f"{entry.duration_ms:.0f} ms", justify="right"),
                Text(clean(entry.query_id or "")),
            )
        yield table
        yield Footer()

    def action_copy_query_id(self) -> None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row >= len(self.entries):
            return
        query_id = self.entries[table.cursor_row].query_id
        if query_id:
            self.app.copy_to_clipboard(query_id)
            self.notify(t("requests.copied", self.lang, query_id=query_id), timeout=3)
