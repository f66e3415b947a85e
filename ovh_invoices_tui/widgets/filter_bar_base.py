"""What every filter bar shares: the filter it shows, a message when it changes, Enter keeps and Esc cancels.

A bar posts :class:`FilterBarBase.Changed` with each new filter and :class:`FilterBarBase.Done` when the user
leaves it: Enter keeps the filter, Esc asks the screen to restore the filter the list had when the bar was
entered. It never reaches into a store: the screen passes the store's filter down with ``show_filter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from ovh_invoices_tui.widgets.date_range import DateRangeInput
from ovh_invoices_tui.widgets.filter_input import FilterInput

FilterT = TypeVar("FilterT")


class FilterBarBase(Widget, Generic[FilterT]):
    """A row of filter inputs over a filter value of type ``FilterT`` (a frozen dataclass)."""

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Cancel filter",
            id="filters.leave",
            tooltip="Restore the filters as they were and go back to the list (Enter keeps them)",
        ),
    ]

    @dataclass
    class Changed(Message):
        """The user changed a field: the new filter."""

        filter: Any

    @dataclass
    class Done(Message):
        """The user left the bar: Enter (``keep``) or Esc (restore what was there before)."""

        keep: bool

    def __init__(self, current: FilterT, *, lang: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.current = current

    def show_filter(self, current: FilterT) -> None:
        """Show ``current`` in the fields without posting anything."""
        self.current = current
        with self.prevent(Input.Changed):
            self._show_fields(current)

    def _show_fields(self, current: FilterT) -> None:
        raise NotImplementedError

    def _with_dates(self, current: FilterT, start: date | None, end: date | None) -> FilterT:
        """``current`` with its date range replaced."""
        raise NotImplementedError

    def _apply(self, new_filter: FilterT) -> None:
        if new_filter != self.current:
            self.current = new_filter
            self.post_message(self.Changed(new_filter))

    @on(DateRangeInput.Entered)
    def _dates_entered(self, event: DateRangeInput.Entered) -> None:
        event.stop()
        self._apply(self._with_dates(self.current, event.start, event.end))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(keep=True))

    @on(FilterInput.Cancelled)
    def _field_cancelled(self, event: FilterInput.Cancelled) -> None:
        event.stop()  # Esc in a field of the bar cancels the bar, not the quick filter
        self.action_cancel()

    def action_cancel(self) -> None:
        self.post_message(self.Done(keep=False))

    @property
    def has_invalid_input(self) -> bool:
        return any(field.has_class("-invalid") for field in self.query(Input))
