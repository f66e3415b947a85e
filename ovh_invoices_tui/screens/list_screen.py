"""The list-screen base of the invoice list and payment tracking: marks, sort keys, the quick filter, the filter bar.

One behaviour for every list (the conventions of k9s, lazygit and htop): ``space`` marks and moves down, ``v``
marks a range, ``a``/``i``/``u`` mark all, invert, unmark; ``s``/``S`` and the digits sort; ``/`` opens the quick
filter and ``f`` the filter bar, where Enter keeps the filter and Esc restores the one from before. The inputs
always show the store's filter (the store is the one source of truth); a change of the view reaches the table
once (one relayout, one cache clear).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widgets import Input

from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.state.listing import Listing
from ovh_invoices_tui.widgets.filter_bar_base import FilterBarBase
from ovh_invoices_tui.widgets.filter_input import FilterInput
from ovh_invoices_tui.widgets.virtual_table import VirtualTable


def mark_bindings(prefix: str, *, show_mark: bool) -> list[BindingType]:
    """``space`` ``v`` ``a`` ``i`` ``u`` with the keymap ids ``<prefix>.mark`` …"""
    return [
        Binding("space", "toggle_mark", "Mark", show=show_mark, id=f"{prefix}.mark",
                tooltip="Mark or unmark the row, move down"),
        Binding("v", "mark_range", "Range", show=False, id=f"{prefix}.mark_range",
                tooltip="Mark from range start to here"),
        Binding("a", "mark_all", "All", show=False, id=f"{prefix}.mark_all", tooltip="Mark every row of the view"),
        Binding("i", "invert_marks", "Invert", show=False, id=f"{prefix}.invert", tooltip="Invert marks in the view"),
        Binding("u", "clear_marks", "Unmark", show=False, id=f"{prefix}.unmark_all", tooltip="Clear every mark"),
    ]  # fmt: skip


def filter_bindings(prefix: str, *, show_search: bool, show_filters: bool, filters_tooltip: str) -> list[BindingType]:
    """``/`` (quick filter), ``f`` (filter bar), ``x`` (clear every filter)."""
    return [
        # Priority, so focus moves before the keys typed right after arrive (they may come in one read over SSH).
        Binding("slash", "quick_filter", "Search", show=show_search, id=f"{prefix}.quick_filter",
                tooltip="Quick filter", priority=True),
        Binding("f", "toggle_filters", "Filters", show=show_filters, id=f"{prefix}.filters",
                tooltip=filters_tooltip, priority=True),
        Binding("x", "clear_filters", "Clear", show=False, id=f"{prefix}.clear_filters", tooltip="Clear every filter"),
    ]  # fmt: skip


def sort_bindings(prefix: str, columns: tuple[str, ...]) -> list[BindingType]:
    """``s`` (next column), ``S`` (reverse) and one digit per column (again: reverse)."""
    return [
        Binding("s", "cycle_sort", "Sort", show=False, id=f"{prefix}.sort", tooltip="Sort by the next column"),
        Binding("S", "reverse_sort", "Reverse", show=False, id=f"{prefix}.sort_reverse", tooltip="Reverse the sort"),
        *(
            Binding(str(n + 1), f"sort('{column}')", f"Sort {column}", show=False, id=f"{prefix}.sort_{column}",
                    tooltip=f"Sort by {column} (again: reverse)")
            for n, column in enumerate(columns)
        ),
    ]  # fmt: skip


class ListScreen(ReportsWorkerFailures, Screen[None]):
    """A screen showing one :class:`Listing` in a :class:`VirtualTable`, with its quick filter and filter bar.

    Subclasses compose the table, a ``FilterInput`` with id ``quick-filter`` and a :class:`FilterBarBase`, and
    say where they are (:meth:`list_table`, :meth:`filter_bar`, :attr:`listing`).
    """

    # Actions that must not steal keys from an input (their bindings have priority).
    PRIORITY_ACTIONS: ClassVar[frozenset[str]] = frozenset({"quick_filter", "toggle_filters"})

    def __init__(self) -> None:
        super().__init__()
        self._range_anchor: Any = None
        self._quick_before: Any = None  # the filter when "/" was pressed (Esc restores it)
        self._bar_before: Any = None  # the filter when the bar was entered (Esc restores it)
        self._errors_told = 0  # how many of the listing's load errors were told already

    # --- what subclasses provide -----------------------------------------------------------------

    @property
    def listing(self) -> Listing[Any, Any, Any, Any]:
        raise NotImplementedError

    @property
    def lang(self) -> str:
        raise NotImplementedError

    def list_table(self) -> VirtualTable:
        raise NotImplementedError

    def filter_bar(self) -> FilterBarBase[Any]:
        raise NotImplementedError

    def quick_input(self) -> FilterInput:
        return self.query_one("#quick-filter", FilterInput)

    # --- store → widgets -------------------------------------------------------------------------

    def tell_load_errors(self, errors: Sequence[object], *, done: bool) -> None:
        """Once loading is done, say that objects the API sent could not be read (each one told once)."""
        told = self._errors_told
        if len(errors) < told:  # the store was cleared (another profile, a reload): start again
            told = 0
        if done and len(errors) > told:
            count, first = len(errors) - told, str(errors[told])
            # The App shows it literally (API text in it is data, never markup).
            self.app.notify(t("list.load_errors", self.lang, count=count, first=first), severity="warning", timeout=10)
            told = len(errors)
        self._errors_told = told

    def show_view(self, *, rows_arrived: bool = False) -> None:
        """The view changed: the table gets the rows and the sort at once, the inputs the store's filter.

        The cursor follows its row, except on the first row when rows arrived (``rows_arrived``): pages come
        in any order, and the top of the list must stay the top of the sort, not the first page's row.
        """
        listing, table = self.listing, self.list_table()
        current = table.current_row
        at_top = rows_arrived and table.cursor_row == 0
        table.set_rows(
            listing.view,
            marked=listing.marked,
            keep_cursor_key=table.row_key(current) if current is not None and not at_top else None,
            sort=(listing.sort.column, listing.sort.descending),
        )
        self.show_filter_inputs()

    def show_filter_inputs(self) -> None:
        """The quick filter and the bar show the store's filter (whoever changed it: a key, ``:filter``, ``x``)."""
        current = self.listing.filter
        box = self.quick_input()
        quick: str = current.quick
        # While the user types in the box, the box is the source: writing back a filter one keystroke older
        # (the view is drawn after the key that changed it) would eat the keys typed since.
        if box.value != quick and self.focused is not box:
            self._show_quick(quick)
        if quick and not box.display:
            box.display = True
        elif not quick and box.display and self.focused is not box:
            box.display = False
        bar = self.filter_bar()
        if replace(bar.current, quick=quick) != current:
            bar.show_filter(current)

    # --- marks -----------------------------------------------------------------------------------

    def _current_key(self) -> Any:
        table = self.list_table()
        row = table.current_row
        return table.row_key(row) if row is not None else None

    def action_toggle_mark(self) -> None:
        key = self._current_key()
        if key is None:
            return
        table = self.list_table()
        self.listing.toggle_mark(key)
        self._range_anchor = key
        table.move_cursor(table.cursor_row + 1)

    def action_mark_range(self) -> None:
        anchor = self._range_anchor
        anchor_index = self.listing.index_in_view(anchor) if anchor is not None else None
        if anchor_index is None:
            self._range_anchor = self._current_key()
            self.notify(t("list.range_anchor", self.lang, key="v"), timeout=3)
            return
        self.listing.mark_range(anchor_index, self.list_table().cursor_row)
        self._range_anchor = self._current_key()

    def action_mark_all(self) -> None:
        self.listing.mark_all_in_view()

    def action_invert_marks(self) -> None:
        self.listing.invert_marks_in_view()

    def action_clear_marks(self) -> None:
        self.listing.clear_marks()

    # --- sort ------------------------------------------------------------------------------------

    def action_sort(self, column: str) -> None:
        self.listing.toggle_sort(column)

    def action_cycle_sort(self) -> None:
        self.listing.next_sort_column()

    def action_reverse_sort(self) -> None:
        self.listing.reverse_sort()

    @on(VirtualTable.HeaderClicked)
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column_id in self.listing.SORT_COLUMNS:
            self.listing.toggle_sort(event.column_id)

    # --- the quick filter ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The priority keys must still type into inputs.
        return not (action in self.PRIORITY_ACTIONS and isinstance(self.focused, Input))

    def action_quick_filter(self) -> None:
        box = self.quick_input()
        self._quick_before = self.listing.filter
        self._show_quick(self.listing.filter.quick)
        box.cursor_position = len(box.value)
        # Inline display and a synchronous focus: keys typed right after "/" are already queued and must land here.
        box.display = True
        self.set_focus(box)

    @on(Input.Changed, "#quick-filter")
    def _quick_changed(self, event: Input.Changed) -> None:
        self.listing.set_filter(self.listing.with_quick(event.value))

    @on(Input.Submitted, "#quick-filter")
    def _quick_kept(self) -> None:
        self._quick_before = None
        self._back_to_table()

    @on(FilterInput.Cancelled)
    def _quick_cancelled(self) -> None:
        before, self._quick_before = self._quick_before, None
        if before is not None:
            self.listing.set_filter(self.listing.with_quick(before.quick))
            self._show_quick(before.quick)  # the box still has the focus: it is not refreshed from the store
        self._back_to_table()

    def _show_quick(self, quick: str) -> None:
        box = self.quick_input()
        with box.prevent(Input.Changed):
            box.value = quick

    def _back_to_table(self) -> None:
        box = self.quick_input()
        if not box.value:
            box.display = False
        self.list_table().focus()

    # --- the filter bar --------------------------------------------------------------------------

    def action_toggle_filters(self) -> None:
        bar = self.filter_bar()
        if bar.display:
            bar.display = False
            self.list_table().focus()
        else:
            bar.display = True
            bar.show_filter(self.listing.filter)
            self._bar_before = self.listing.filter
            first = bar.query(Input).first()
            self.set_focus(first)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        # Entering the bar by any way (f, Tab, a click) remembers the filter Esc goes back to.
        inside = self.filter_bar() in event.widget.ancestors
        if inside and self._bar_before is None:
            self._bar_before = self.listing.filter
        elif not inside:
            self._bar_before = None  # left by a click elsewhere: the filter stays, as with Enter

    @on(FilterBarBase.Changed)
    def _bar_changed(self, event: FilterBarBase.Changed) -> None:
        self.listing.set_filter(replace(event.filter, quick=self.listing.filter.quick))

    @on(FilterBarBase.Done)
    def _bar_done(self, event: FilterBarBase.Done) -> None:
        before, self._bar_before = self._bar_before, None
        if not event.keep and before is not None:
            self.listing.set_filter(replace(before, quick=self.listing.filter.quick))
            self.filter_bar().show_filter(self.listing.filter)
        self.list_table().focus()

    def action_clear_filters(self) -> None:
        self.listing.set_filter(type(self.listing.filter)())
        self.show_filter_inputs()
