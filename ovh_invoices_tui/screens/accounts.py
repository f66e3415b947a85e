"""The accounts overview: every configured account at a glance — which one needs me, and why.

The first screen when more than one profile is configured. It gets its store and a way to refresh passed
down, shows each account from its cache at once and updates each row as its account answers; ``enter``
reports the chosen profile up (the App opens its workspace) and the screen stays on the stack, so coming
back keeps the cursor, the sort and the filter.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static

from ovh_invoices_tui.core.accounts import JSON_KEYS, AccountState, account_record, ticket_summary
from ovh_invoices_tui.core.i18n import format_money, t, t_count
from ovh_invoices_tui.core.models import Money
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.screens.list_screen import ListScreen, filter_bindings, mark_bindings, sort_bindings
from ovh_invoices_tui.state.accounts import ACCOUNT_SORT_COLUMNS, AccountChange, AccountsStore
from ovh_invoices_tui.widgets.account_filter_bar import AccountFilterBar
from ovh_invoices_tui.widgets.account_table import AccountTable, profile_width
from ovh_invoices_tui.widgets.filter_input import FilterInput

Refresher = Callable[[Callable[[AccountState], None]], Awaitable[object]]


class AccountsScreen(ListScreen):
    """Profile, account, due, unpaid, oldest overdue, failed payment, dates, new, refreshed, problem."""

    BINDINGS = [
        *mark_bindings("accounts", show_mark=False),
        *filter_bindings("accounts", show_search=True, show_filters=True,
                         filters_tooltip="All, needing attention, unreadable, with news"),
        Binding("r", "refresh", "Refresh", id="accounts.refresh", tooltip="Ask every account again"),
        Binding("e", "export('csv')", "CSV", id="accounts.csv", tooltip="Export the marked accounts (or all) as CSV"),
        Binding("E", "export('json')", "JSON", show=False, id="accounts.json",
                tooltip="Export the marked accounts (or all) as JSON"),
        Binding("y", "copy_summary", "Copy", id="accounts.copy",
                tooltip="Copy a plain-text summary of the marked accounts (or this one) for a ticket"),
        *sort_bindings("accounts", ACCOUNT_SORT_COLUMNS[:9]),
    ]

    CSS_PATH = "accounts.tcss"

    @dataclass
    class Open(Message):
        """The user chose an account: open its workspace."""

        profile: str

    def __init__(
        self, store: AccountsStore, refresh: Refresher, *, lang: str = "en", export_folder: Path | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self._refresh = refresh
        self._lang = lang
        self.export_folder = export_folder
        self._unsubscribe: Any = None

    @property
    def listing(self) -> AccountsStore:
        return self.store

    @property
    def lang(self) -> str:
        return self._lang

    def list_table(self) -> AccountTable:
        return self.query_one(AccountTable)

    def filter_bar(self) -> AccountFilterBar:
        return self.query_one(AccountFilterBar)

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(id="accounts-header")
        yield AccountFilterBar(lang=lang, id="accounts-filters")
        yield FilterInput(placeholder=t("accounts.quick", lang), id="quick-filter")
        width = profile_width(self.store.rows, lang)
        yield AccountTable(lang=lang, empty_message=t("accounts.empty", lang), profile_width=width, id="accounts")
        yield Static(id="accounts-status")
        yield Footer()

    def on_mount(self) -> None:
        self._unsubscribe = self.store.subscribe(self._on_change)
        self._on_change(set(AccountChange))
        self.list_table().focus()
        if self.store.expected == 0:
            self.action_refresh()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    # --- store → widgets ------------------------------------------------------------------------

    def _on_change(self, changes: set[AccountChange]) -> None:
        if changes & {AccountChange.VIEW, AccountChange.ROWS}:
            self.show_view()
        elif AccountChange.MARKS in changes:
            self.list_table().set_marked(self.store.marked)
        self._show_header()
        self._show_status()

    def _show_header(self) -> None:
        store, lang = self.store, self.lang
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(t("accounts.title", lang), style="bold")
        text.append(f" · {t_count('accounts.count', len(store.rows), lang)}")
        if store.expected:
            text.append(" · ")
            if store.refreshed < store.expected:
                text.append(t("accounts.progress", lang, done=store.refreshed, total=store.expected), style="italic")
            else:
                text.append(t("accounts.progress.done", lang, total=store.expected), style="dim")
        attention = sum(1 for row in store.rows if row.problem or (row.summary and row.summary.needs_attention))
        if attention:
            text.append(" · ")
            text.append(t_count("accounts.attention", attention, lang), style="bold red")
        self.query_one("#accounts-header", Static).update(text)

    def _show_status(self) -> None:
        store, lang = self.store, self.lang
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(t_count("accounts.count", len(store.view), lang), style="bold")
        due = _due_by_currency(store.view)
        if due:
            money = " + ".join(format_money(Money(v, c), lang) for c, v in due.items())
            line.append(f" · {t('accounts.due_total', lang)} {money}")
        if store.marked:
            line.append("  │  ")
            line.append(t_count("accounts.marked", len(store.marked), lang), style="bold reverse")
        lines = [line]
        current = self.list_table().current_row
        if current is not None and current.problem is not None:  # whole here, on lines of its own: the column cuts it
            lines.append(Text(f"{current.profile}: {clean(current.problem.text)}", style="bold red"))
        filters = Text()
        filters.append(f"{t('accounts.filter', lang)}: ", style="dim")
        filters.append(clean(store.filter.describe(lang)), style="bold yellow" if store.filter.is_active else "dim")
        lines.append(filters)
        self.query_one("#accounts-status", Static).update(Text("\n").join(lines))

    # --- actions ----------------------------------------------------------------------------------

    @work(exclusive=True, group="accounts-refresh", exit_on_error=False)
    async def action_refresh(self) -> None:
        """Every account again, concurrently; each row updates as its account answers."""
        self.store.begin_refresh(len(self.store.rows))
        await self._refresh(self.store.account_refreshed)

    def action_open_account(self) -> None:
        row = self.list_table().current_row
        if row is None:
            self.notify(t("accounts.no_row", self.lang), severity="warning")
            return
        self.post_message(self.Open(row.profile))

    @on(AccountTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self._show_status()

    @on(AccountTable.RowActivated)
    def _activated(self, event: AccountTable.RowActivated) -> None:
        event.stop()
        self.post_message(self.Open(event.row.profile))

    def _chosen(self) -> list[AccountState]:
        """The marked accounts in view order, or the one under the cursor, or every account of the view."""
        if self.store.marked:
            return list(self.store.marked_rows())
        return list(self.store.view)

    def action_copy_summary(self) -> None:
        rows = list(self.store.marked_rows()) if self.store.marked else []
        if not rows:
            current = self.list_table().current_row
            rows = [current] if current is not None else []
        if not rows:
            self.notify(t("accounts.no_row", self.lang), severity="warning")
            return
        self.app.copy_to_clipboard(ticket_summary(rows, self.lang))
        self.notify(t("accounts.copied", self.lang, count=len(rows)), markup=False)

    def action_export(self, kind: str) -> None:
        rows = self._chosen()
        folder = self.export_folder or Path.home()
        target = folder / f"ovh-accounts.{kind}"
        records = [account_record(row) for row in rows]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if kind == "json":
                data = (json.dumps({"accounts": records}, indent=2, ensure_ascii=False) + "\n").encode()
            else:
                data = _csv_bytes(JSON_KEYS, records)
            from ovh_invoices_tui.export.atomic import write_bytes_atomic

            write_bytes_atomic(target, data, overwrite=True)
        except OSError as exc:
            self.notify(t("accounts.not_saved", self.lang, path=str(target), error=str(exc)), severity="error",
                        markup=False)  # fmt: skip
            return
        self.notify(t("accounts.saved", self.lang, path=str(target)), markup=False)


def _due_by_currency(rows: list[AccountState]) -> dict[str, int]:
    due: dict[str, int] = {}
    for row in rows:
        s = row.summary
        if s is not None and s.due_ucents:
            due[s.currency] = due.get(s.currency, 0) + s.due_ucents
    return due


def _csv_bytes(keys: tuple[str, ...], records: list[dict[str, Any]]) -> bytes:
    import csv
    import io

    from ovh_invoices_tui.export.cells import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow(["" if record[k] is None else neutralise(str(record[k])) for k in keys])
    return out.getvalue().encode("utf-8")
