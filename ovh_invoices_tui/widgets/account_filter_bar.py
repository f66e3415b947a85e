"""The accounts overview's filter bar: which accounts to show (all, needing attention, unreadable, with news)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.state.accounts import AccountFilter, Show
from ovh_invoices_tui.widgets.filter_bar_base import FilterBarBase


def _options(lang: str) -> list[tuple[str, Show]]:
    return [(t(f"accounts.show.{show.value}", lang), show) for show in Show]


class AccountFilterBar(FilterBarBase[AccountFilter]):
    """One choice: the kind of account the overview lists (the quick filter ``/`` searches the rest)."""

    DEFAULT_CSS = """
    AccountFilterBar { height: auto; display: none; padding: 0 1; background: $boost; }
    AccountFilterBar Select { width: 32; }
    """

    def __init__(self, lang: str = "en", id: str | None = None) -> None:
        super().__init__(AccountFilter(), lang=lang, id=id)

    def compose(self) -> ComposeResult:
        yield Select(_options(self.lang), value=Show.ALL, allow_blank=False, id="accounts-show")

    def _show_fields(self, current: AccountFilter) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#accounts-show", Select).value = current.show

    def _with_dates(self, current: AccountFilter, start: date | None, end: date | None) -> AccountFilter:
        return current  # no dates here

    @on(Select.Changed, "#accounts-show")
    def _shown(self, event: Select.Changed) -> None:
        if isinstance(event.value, Show):
            self._apply(replace(self.current, show=event.value))
