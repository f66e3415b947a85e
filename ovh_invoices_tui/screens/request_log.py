"""``@``: the recent API calls (k9s / lazygit style): method, path, status, duration, query id."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.text import clean


def _status(entry: RequestLog) -> Text:
    if entry.status is None:
        return Text("no answer", style="bold red")
    style = "green" if entry.status < 400 else "yellow" if entry.status < 500 else "bold red"
    return Text(str(entry.status), style=style)


class RequestLogScreen(Screen[None]):
    """Newest first; the query id is what OVHcloud support asks for."""

    BINDINGS = [
        Binding("escape,at", "app.pop_screen", "Back", id="requests.back", tooltip="Back"),
        Binding("y", "copy_query_id", "Copy query id", id="requests.copy", tooltip="Copy the row's X-Ovh-QueryID"),
    ]

    DEFAULT_CSS = """
    RequestLogScreen #requests-title { background: $panel; text-style: bold; padding: 0 1; }
    RequestLogScreen DataTable { height: 1fr; }
    """

    def __init__(self, entries: Iterable[RequestLog]) -> None:
        super().__init__()
        self.entries = list(entries)[::-1]

    def compose(self) -> ComposeResult:
        yield Static(f"Recent API calls ({len(self.entries)})", id="requests-title")
        table: DataTable[str | Text] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("Method", "Path", "Status", "Time", "X-Ovh-QueryID")
        for entry in self.entries:
            table.add_row(
                entry.method,
                Text(clean(entry.path)),
                _status(entry),
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
            self.notify(f"Copied {query_id}", timeout=3)
