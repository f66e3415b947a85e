"""The listing base every list of the app shares: rows, an id index, a filter, a sort, marks and the derived view.

It is domain-free (invoices and payments subclass it; an accounts overview or an insights view would too) and
knows nothing of widgets. The view is a plain list of indices into ``rows`` computed from cached sort orders,
so a keystroke in a quick filter over 100,000 rows builds no per-row object. Every filter is a frozen dataclass
with a ``quick`` text (what ``/`` types), matched against one lower-case search key per row. Subclasses say
what a row's search key is (:meth:`Listing._search_key`), how to sort a column (:meth:`Listing._sort_key`) and
how the rest of their filter keeps rows (:meth:`Listing._refine`), and keep any per-row columns they need in
step through :meth:`Listing._row_stored` and :meth:`Listing._rows_reset`.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Hashable, Iterable, MutableSequence, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from ovh_invoices_tui.state.observable import Observable
from ovh_invoices_tui.state.search import SearchKeys


class QuickFiltered(Protocol):
    """A filter: a frozen dataclass with the quick filter's text."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def quick(self) -> str: ...


RowT = TypeVar("RowT")
KeyT = TypeVar("KeyT", bound=Hashable)
FilterT = TypeVar("FilterT", bound=QuickFiltered)
ChangeT = TypeVar("ChangeT", bound=Hashable)
ValueT = TypeVar("ValueT")


@dataclass(frozen=True, slots=True)
class Sort:
    """A column and a direction."""

    column: str
    descending: bool = True

    def reversed(self) -> Sort:
        return Sort(self.column, not self.descending)


@dataclass(frozen=True, slots=True)
class ListingChanges(Generic[ChangeT]):
    """Which of the subclass's change kinds the base emits for rows, view and marks."""

    rows: ChangeT
    view: ChangeT
    marks: ChangeT


def put(column: MutableSequence[ValueT], position: int, value: ValueT) -> None:
    """Store ``value`` at ``position`` of a per-row column, appending when ``position`` is one past its end."""
    if position == len(column):
        column.append(value)
    else:
        column[position] = value


def within(indices: list[int], values: Sequence[Any], low: Any = None, high: Any = None) -> list[int]:
    """The indices whose value is between ``low`` and ``high`` inclusive (None: that side is open)."""
    if low is not None:
        indices = [i for i in indices if values[i] >= low]
    if high is not None:
        indices = [i for i in indices if values[i] <= high]
    return indices


def grows(old: str, new: str) -> bool:
    """``new`` text only adds to ``old`` (any case): a search for it can only keep fewer rows."""
    return new.lower().startswith(old.lower())


class Listing(Observable[ChangeT], Generic[RowT, KeyT, FilterT, ChangeT]):
    """Rows by id, a filter, a sort (column + direction), marks (a set of ids) and the view they derive.

    ``view`` is the list of rows the filter keeps, in sort order; ``view_indices`` the same as indices into
    ``rows``. Every change is announced through :class:`Observable` with the kinds named by ``changes``. When
    rows change the view is computed again only once read: pages of a load arriving faster than the screen
    draws them are not sorted into a view nobody looks at.
    """

    SORT_COLUMNS: ClassVar[tuple[str, ...]] = ()
    DESCENDING_FIRST: ClassVar[frozenset[str]] = frozenset()  # columns whose first sort is descending
    # Columns whose sort key depends on the row alone: their keys and sort orders are kept while rows are only
    # appended (pages arriving), and merged with the new rows' instead of sorting everything again.
    ROW_KEYED: ClassVar[frozenset[str]] = frozenset()
    # Columns whose key leaves ties that :meth:`_tie_key` orders: a key that is a part of the row itself (a date
    # the row holds anyway) then costs a row 8 bytes, not a tuple.
    TIED: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self, *, key: Callable[[RowT], KeyT], filter: FilterT, sort: Sort, changes: ListingChanges[ChangeT]
    ) -> None:
        super().__init__()
        self.rows: list[RowT] = []
        self._view: list[RowT] = []
        self._view_stale = False  # rows changed since the view was computed
        self.filter: FilterT = filter
        self.sort = sort
        self.marked: set[KeyT] = set()
        self._key = key
        self._changes = changes
        # Where each row is: its values, in insertion order, are the position ints 0 … len(rows) - 1, one object
        # each, that every sort order and view share (each would otherwise hold its own 32-byte copies).
        self._index: dict[KeyT, int] = {}
        self._search_keys = SearchKeys()  # one lower-case search key per row, for the quick filter
        self._sorted: dict[Sort, list[int]] = {}
        self._keys: dict[str, list[Any]] = {}  # per ROW_KEYED column sorted by: the key of each row, by position
        self._replaced: list[int] = []  # positions of the rows replaced since the last _rows_changed
        self._indices: list[int] = []
        self._view_memo: dict[str, Any] = {}

    # --- hooks for subclasses --------------------------------------------------------------------

    def _sort_key(self, column: str) -> Callable[[RowT], Any]:
        """How rows compare on ``column``."""
        raise NotImplementedError

    def _tie_key(self, column: str) -> Callable[[RowT], Any]:
        """How rows of equal keys compare on a :attr:`TIED` column."""
        raise NotImplementedError

    def _search_key(self, row: RowT) -> str:
        """What the quick filter searches in a row, lower-case (e.g. its id and names, joined by NULs)."""
        return ""

    def _refine(self, indices: list[int]) -> list[int]:
        """The indices the rest of the filter (beyond the quick text) keeps, in the given order."""
        return indices

    def _row_stored(self, position: int, row: RowT) -> None:
        """``row`` was stored at ``position`` (appended when ``position`` was ``len(rows) - 1`` and new)."""

    def _rows_appended(self, rows: list[RowT]) -> None:
        """``rows`` were appended at the end, in this order (by default: :meth:`_row_stored` for each)."""
        start = len(self.rows) - len(rows)
        for offset, row in enumerate(rows):
            self._row_stored(start + offset, row)

    def _rows_reset(self) -> None:
        """Every row was forgotten: per-row columns go too."""

    def _view_recomputed(self) -> None:
        """The view changed (filter, sort or rows)."""

    # --- rows ------------------------------------------------------------------------------------

    @property
    def key(self) -> Callable[[RowT], KeyT]:
        """The id of a row."""
        return self._key

    def row(self, key: KeyT) -> RowT | None:
        """The row with id ``key``, or None."""
        position = self._index.get(key)
        return None if position is None else self.rows[position]

    def position(self, key: KeyT) -> int | None:
        """Where the row with id ``key`` is in ``rows``."""
        return self._index.get(key)

    def _store_rows(self, rows: Iterable[RowT]) -> None:
        """Add or replace rows by id; call :meth:`_rows_changed` afterwards (once for the whole batch).

        New rows are appended in one go (their per-row columns extended at once); a replaced row is stored
        in place, and the sort keys are then computed again.
        """
        stored, index, key = self.rows, self._index, self._key
        search_keys, search_key = self._search_keys, self._search_key
        rows = list(rows)
        if not rows:
            return
        keys = list(map(key, rows))
        if index.keys().isdisjoint(keys) and len(set(keys)) == len(keys):  # all new (a page of a load): at once
            index.update(zip(keys, range(len(stored), len(stored) + len(rows)), strict=True))
            stored.extend(rows)
            search_keys.extend(map(search_key, rows))
            self._rows_appended(rows)
            return
        appended: list[RowT] = []
        for row, row_key in zip(rows, keys, strict=True):
            position = index.get(row_key)
            if position is None:
                index[row_key] = len(stored) + len(appended)
                appended.append(row)
            else:
                if position >= len(stored):  # twice in the same batch: the last one wins
                    appended[position - len(stored)] = row
                    continue
                if stored[position] == row:  # listed again unchanged (a refresh's overlap): nothing to redo
                    continue
                self._replaced.append(position)
                stored[position] = row
                search_keys[position] = search_key(row)
                self._row_stored(position, row)
        if appended:
            stored.extend(appended)
            search_keys.extend(map(search_key, appended))
            self._rows_appended(appended)

    def _refresh_search_key(self, key: KeyT) -> None:
        """What the row with id ``key`` is searched by changed (names learnt later, say)."""
        position = self._index.get(key)
        if position is not None:
            self._search_keys[position] = self._search_key(self.rows[position])

    def _replace_all_rows(self, rows: list[RowT], stale_columns: Iterable[str] | None = None) -> None:
        """The same rows (same ids, same positions) with new contents, e.g. after a join changed.

        ``stale_columns``: the only columns whose sort keys may have changed (None: any of them).
        """
        self.rows = rows
        stale = set(self.SORT_COLUMNS if stale_columns is None else stale_columns)
        for column in stale:
            self._keys.pop(column, None)
        self._sorted = {sort: order for sort, order in self._sorted.items() if sort.column not in stale}

    def _forget_rows(self) -> None:
        """Forget every row (the filter and the sort stay; marks are the caller's choice)."""
        self.rows = []
        self._view = []
        self._view_stale = False
        self._index.clear()
        self._search_keys = SearchKeys()
        self._sorted.clear()
        self._keys.clear()
        self._replaced = []
        self._indices = []
        self._view_memo.clear()
        self._rows_reset()

    def _rows_changed(self) -> None:
        """Rows were added, replaced or forgotten: recompute the view and announce it.

        Sort orders are stale, but those of :attr:`ROW_KEYED` columns are kept, to be completed with the new
        rows when next needed, unless a replaced row changed its key in that column (a bill listed again as it
        was, the refresh's overlap, moves nothing).
        """
        keyed, keys, rows = self.ROW_KEYED, self._keys, self.rows
        moved: set[str] = set()
        for column, column_keys in keys.items():
            key = self._sort_key(column)
            for position in self._replaced:
                if position < len(column_keys):
                    new = key(rows[position])
                    if new != column_keys[position]:
                        column_keys[position] = new
                        moved.add(column)
        self._replaced = []
        self._sorted = {
            sort: order for sort, order in self._sorted.items() if sort.column in keyed and sort.column not in moved
        }
        self._view_stale = True
        self._view_memo.clear()
        self._emit(self._changes.rows, self._changes.view)

    # --- filter and sort -------------------------------------------------------------------------

    def set_filter(self, new_filter: FilterT) -> None:
        """Apply a filter; one that only narrows the current one filters the current view instead of every row."""
        old = self.filter
        if new_filter == old:
            return
        # A quick text that only grows, the rest unchanged: the current view is filtered further.
        narrowing = grows(old.quick, new_filter.quick) and new_filter == replace(old, quick=new_filter.quick)
        self.filter = new_filter
        self._recompute(full=not narrowing or self._view_stale)
        self._emit(self._changes.view)

    def with_quick(self, text: str) -> FilterT:
        """The current filter with another quick text."""
        return replace(self.filter, quick=text)

    def refilter(self) -> None:
        """What the filter depends on changed outside the rows (e.g. data loaded later): recompute the view."""
        self._recompute(full=True)
        self._emit(self._changes.view)

    def set_sort(self, sort: Sort) -> None:
        if sort.column not in self.SORT_COLUMNS:
            raise ValueError(f"unknown sort column {sort.column!r}")
        if sort == self.sort:
            return
        self.sort = sort
        self._recompute(full=True)
        self._emit(self._changes.view)

    def toggle_sort(self, column: str) -> None:
        """Sort by ``column``; sorting by the current column again flips the direction."""
        if self.sort.column == column:
            self.set_sort(self.sort.reversed())
        else:
            self.set_sort(Sort(column, column in self.DESCENDING_FIRST))

    def reverse_sort(self) -> None:
        self.set_sort(self.sort.reversed())

    def next_sort_column(self) -> None:
        """Sort by the column after the current one (wrapping)."""
        columns = self.SORT_COLUMNS
        position = columns.index(self.sort.column) if self.sort.column in columns else -1
        self.toggle_sort(columns[(position + 1) % len(columns)])

    def resort(self) -> None:
        """What the sort depends on changed outside the rows: forget the sort orders and recompute the view."""
        self._sorted.clear()
        self._keys.clear()
        self._recompute(full=True)

    def _sorted_indices(self) -> list[int]:
        """Every index in the current sort order (cached per sort; a reversed sort reuses its opposite; an
        order that misses the rows appended since is completed by a merge)."""
        sort, count = self.sort, len(self.rows)
        order = self._sorted.get(sort)
        if order is not None and len(order) == count:
            return order
        if order is None:
            opposite = self._sorted.get(sort.reversed())
            if opposite is not None and len(opposite) == count:
                order = opposite[::-1]
            else:
                key = self._position_key(sort.column)
                order = self._ties_broken(sorted(self._index.values(), key=key, reverse=sort.descending), sort, key)
        else:
            # The sorted run of the rows known, then the new rows sorted: Python's sort merges the two runs in
            # one linear pass, to the same order as sorting everything (stable: equal keys by position).
            key = self._position_key(sort.column)
            new = itertools.islice(self._index.values(), len(order), None)
            order = sorted(
                order + sorted(new, key=key, reverse=sort.descending),
                key=key,
                reverse=sort.descending,
            )
            order = self._ties_broken(order, sort, key)
        self._sorted[sort] = order
        return order

    def _ties_broken(self, order: list[int], sort: Sort, key: Callable[[int], Any]) -> list[int]:
        """``order`` (sorted on a :attr:`TIED` column by ``key``) with each run of equal keys in :meth:`_tie_key`
        order (in the sort's direction)."""
        if sort.column not in self.TIED or len(order) < 2:
            return order
        values = list(map(key, order))
        if not any(map(operator.eq, values, itertools.islice(values, 1, None))):  # the usual case: no two equal
            return order
        rows, tie = self.rows, self._tie_key(sort.column)
        start = 0
        for end in range(1, len(values) + 1):
            if end == len(values) or values[end] != values[start]:
                if end - start > 1:
                    order[start:end] = sorted(order[start:end], key=lambda i: tie(rows[i]), reverse=sort.descending)
                start = end
        return order

    def _position_key(self, column: str) -> Callable[[int], Any]:
        """The sort key of the row at a position: from a list kept per row for :attr:`ROW_KEYED` columns."""
        rows, key = self.rows, self._sort_key(column)
        if column not in self.ROW_KEYED:
            return lambda i: key(rows[i])
        keys = self._keys.setdefault(column, [])
        if len(keys) < len(rows):
            keys.extend(map(key, itertools.islice(rows, len(keys), None)))
        return keys.__getitem__

    def _recompute(self, *, full: bool) -> None:
        candidates = self._sorted_indices() if full else self._indices
        indices = self._search_keys.containing(candidates, self.filter.quick)
        if full:
            indices = self._refine(indices)
        if indices is candidates:
            indices = list(indices)  # the sort cache is never handed out
        self._indices = indices
        self._view_stale = False
        self._view_memo.clear()
        rows = self.rows
        self._view = [rows[i] for i in indices]
        self._view_recomputed()

    @property
    def view(self) -> list[RowT]:
        """The rows the filter keeps, in sort order (do not modify)."""
        if self._view_stale:
            self._recompute(full=True)
        return self._view

    @property
    def view_indices(self) -> Sequence[int]:
        """The view as indices into ``rows``."""
        return self._view_indices

    @property
    def _view_indices(self) -> list[int]:
        if self._view_stale:
            self._recompute(full=True)
        return self._indices

    def view_memo(self, name: str, compute: Callable[[], ValueT]) -> ValueT:
        """``compute()`` once per view (totals, say): forgotten when the view changes."""
        if name not in self._view_memo:
            self._view_memo[name] = compute()
        value: ValueT = self._view_memo[name]
        return value

    def all_sorted(self) -> list[RowT]:
        """Every row in the current sort order, whatever the filter hides (a snapshot: "export all")."""
        rows = self.rows
        return [rows[i] for i in self._sorted_indices()]

    def index_in_view(self, key: KeyT) -> int | None:
        """Where the row with id ``key`` is in the view (a scan of the view), or None."""
        position = self._index.get(key)
        if position is None:
            return None
        try:
            return self._view_indices.index(position)
        except ValueError:
            return None

    # --- marks -----------------------------------------------------------------------------------

    def toggle_mark(self, key: KeyT) -> None:
        if key in self.marked:
            self.marked.discard(key)
        else:
            self.marked.add(key)
        self._emit(self._changes.marks)

    def mark_range(self, start: int, end: int, *, marked: bool = True) -> None:
        """Mark (or unmark) the view's rows from ``start`` to ``end`` inclusive, in either order."""
        low, high = sorted((start, end))
        key = self._key
        ids = {key(row) for row in self.view[max(low, 0) : high + 1]}
        if marked:
            self.marked |= ids
        else:
            self.marked -= ids
        self._emit(self._changes.marks)

    def mark_all_in_view(self) -> None:
        key = self._key
        self.marked |= {key(row) for row in self.view}
        self._emit(self._changes.marks)

    def invert_marks_in_view(self) -> None:
        key = self._key
        self.marked ^= {key(row) for row in self.view}
        self._emit(self._changes.marks)

    def clear_marks(self) -> None:
        self.marked.clear()
        self._emit(self._changes.marks)

    def set_marks(self, keys: Iterable[KeyT]) -> None:
        """Mark exactly ``keys`` (ids of rows not loaded are dropped)."""
        self.marked = {key for key in keys if key in self._index}
        self._emit(self._changes.marks)

    def marked_rows(self) -> list[RowT]:
        """The marked rows in the order of all rows as currently sorted (those the filter hides included)."""
        rows, key, marked = self.rows, self._key, self.marked
        if not marked:
            return []
        return [rows[i] for i in self._sorted_indices() if key(rows[i]) in marked]

    def marked_indices(self) -> list[int]:
        """Positions in ``rows`` of the marked rows that are loaded (in no particular order)."""
        index = self._index
        return [index[key] for key in self.marked if key in index]

    @property
    def hidden_marked_count(self) -> int:
        """How many marked rows the current filter hides."""
        if not self.marked:
            return 0
        key, marked = self._key, self.marked
        visible = sum(1 for row in self.view if key(row) in marked)
        return len(marked) - visible
