"""The invoice filter bar: reference, order number, date of issue (a day, a month, a year or a range), status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from ovh_invoices_tui.core.filters import BillFilter, StatusFilter
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.widgets.date_range import DateRangeInput, filter_error_text
from ovh_invoices_tui.widgets.filter_bar_base import FilterBarBase
from ovh_invoices_tui.widgets.filter_input import FilterInput

__all__ = ["FilterBar", "filter_error_text"]


def _status_options(lang: str) -> list[tuple[str, StatusFilter]]:
    return [(t(f"filter.status.{s.value}", lang), s) for s in StatusFilter]


class FilterBar(FilterBarBase[BillFilter]):
    """Posts ``Changed`` with the new filter; a malformed date is flagged, explained and not applied.

    The inputs on one line, the error (when any) on its own line under them: a grid, so every input stays
    a direct child of the bar.
    """

    DEFAULT_CSS = """
    FilterBar {
        layout: grid; grid-size: 4; grid-columns: 1fr 1fr 2fr 18; grid-rows: auto;
        height: auto; display: none; padding: 0 1; background: $boost;
    }
    FilterBar Input, FilterBar Select { width: 100%; }
    FilterBar Input.-invalid { border: tall $error; }
    FilterBar #filter-error { column-span: 4; color: $error; width: 100%; height: auto; padding: 0 1; display: none; }
    FilterBar #filter-error.-shown { display: block; }
    """

    def __init__(self, lang: str = "en", id: str | None = None) -> None:
        super().__init__(BillFilter(), lang=lang, id=id)

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield FilterInput(placeholder=t("filterbar.reference", lang), id="filter-reference")
        yield FilterInput(placeholder=t("filterbar.order", lang), id="filter-order", restrict=r"[0-9]*")
        yield DateRangeInput(lang=lang, placeholder=t("filterbar.date", lang), id="filter-date")
        yield Select(_status_options(lang), value=StatusFilter.ALL, allow_blank=False, id="filter-status")
        yield Label("", id="filter-error")

    def set_language(self, lang: str) -> None:
        self.lang = lang
        for field in ("reference", "order", "date"):
            self.query_one(f"#filter-{field}", Input).placeholder = t(f"filterbar.{field}", lang)
        self.query_one("#filter-date", DateRangeInput).lang = lang
        select: Select[StatusFilter] = self.query_one("#filter-status", Select)
        with self.prevent(Select.Changed):
            select.set_options(_status_options(lang))
            # The shown label is only redrawn when the value changes: pass by another value to relabel it.
            select.value = next(s for s in StatusFilter if s is not self.current.status)
            select.value = self.current.status

    def _show_fields(self, current: BillFilter) -> None:
        self.query_one("#filter-reference", Input).value = current.reference
        self.query_one("#filter-order", Input).value = current.order
        self.query_one("#filter-date", DateRangeInput).show_range(current.date_from, current.date_to)
        with self.prevent(Select.Changed):
            self.query_one("#filter-status", Select).value = current.status
        self._show_error(None)

    def _with_dates(self, current: BillFilter, start: date | None, end: date | None) -> BillFilter:
        return replace(current, date_from=start, date_to=end)

    def _show_error(self, message: str | None) -> None:
        label = self.query_one("#filter-error", Label)
        label.update(Text(message or ""))  # what was typed is shown as typed, never as markup
        label.set_class(bool(message), "-shown")

    @on(DateRangeInput.Checked)
    def _date_checked(self, event: DateRangeInput.Checked) -> None:
        self._show_error(event.error)

    @on(Input.Changed, "#filter-reference")
    def _reference(self, event: Input.Changed) -> None:
        self._apply(replace(self.current, reference=event.value.strip()))

    @on(Input.Changed, "#filter-order")
    def _order(self, event: Input.Changed) -> None:
        self._apply(replace(self.current, order=event.value.strip()))

    @on(Select.Changed, "#filter-status")
    def _status(self, event: Select.Changed) -> None:
        if isinstance(event.value, StatusFilter):
            self._apply(replace(self.current, status=event.value))
