"""A virtual table: a Line API ``ScrollView`` that renders only the visible rows of a sequence it does not copy.

Made for the invoice list of accounts with 100,000 bills (Textual's ``DataTable`` builds a widget-side copy of
every cell and takes tens of seconds there). The table is given the store's derived view (a plain ``Sequence``),
renders ``render_line(y)`` on demand with an LRU cache of strips (the toolong approach), and only displays and
navigates: marking, sorting and filtering belong to the screen and the store, which call :meth:`set_rows`,
:meth:`set_marked` and :meth:`set_sort_indicator`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ovh_invoices_tui.core.text import clean, is_clean

__all__ = ["Column", "VirtualTable", "compute_layout"]

Align = Literal["left", "right", "center"]
CellStyle = Style | str | None

def _default_render(row: Any) -> str:
    return str(row)


def _identity_key(row: Any) -> str:
    return str(id(row))


@dataclass(frozen=True, slots=True)
class Column:
    """How one column of a :class:`VirtualTable` is laid out and rendered.

    ``width`` is the preferred width of the data (the header label widens it when room allows); ``min_width``
    is how far it may shrink on a narrow terminal (default ``width``). ``priority`` 0 columns are never
    dropped; on a short width the column with the highest ``priority`` is shrunk first, then dropped.
    ``flex`` columns take the spare width (up to ``max_width``). ``render`` returns plain data (a ``str`` is
    never parsed as markup) and ``style_fn`` an optional style for the cell.
    """

    id: str
    label: str
    width: int = 10
    align: Align = "left"
    render: Callable[[Any], Text | str] = _default_render
    style_fn: Callable[[Any], CellStyle] | None = None
    sortable: bool = True
    flex: bool = False
    priority: int = 0
    min_width: int | None = None
    max_width: int | None = None

    @property
    def natural_width(self) -> int:
        """Width that shows the data and the whole header label (with room for a sort arrow)."""
        return max(self.width, cell_len(self.label) + (2 if self.sortable else 0), 1)

    @property
    def minimum_width(self) -> int:
        return max(1, min(self.width, self.min_width if self.min_width is not None else self.width))


@dataclass(frozen=True, slots=True)
class _Placed:
    """A column as laid out: its offset from the start of the scrollable part and its width."""

    column: Column
    x: int
    width: int


def compute_layout(
    columns: Sequence[Column], available: int, fixed: int = 0, *, sorted_id: str | None = None
) -> list[tuple[Column, int]]:
    """Choose the columns shown and their widths for ``available`` cells (``fixed`` are taken by the mark).

    Order of sacrifices when the width is short: first every column gives back the width neither its data
    (``min_width``) nor its whole label needs (the sort arrow counts only on ``sorted_id``), least important
    first; then the least important droppable column (``priority`` > 0) shrinks towards its ``min_width``,
    and when that is not enough it is dropped and the layout starts again; when only ``priority`` 0 columns
    remain, they shrink from the right. What still does not fit scrolls horizontally. Spare width goes to
    ``flex`` columns. A more important column thus keeps its whole label ("Date d'émission") rather than a
    less important one being squeezed in.
    """
    kept = list(columns)
    if not kept:
        return []
    index = {column.id: i for i, column in enumerate(columns)}

    def least_important_first(cands: Iterable[Column]) -> list[Column]:
        return sorted(cands, key=lambda c: (-c.priority, -index[c.id]))

    def total(widths: dict[str, int]) -> int:
        return fixed + sum(widths[c.id] for c in kept) + max(0, len(kept) - 1)

    def comfortable(column: Column) -> int:
        label = cell_len(column.label) + (2 if column.sortable and column.id == sorted_id else 0)
        return min(column.natural_width, max(column.minimum_width, label))

    def minimum(column: Column) -> int:
        return column.minimum_width

    def shrink(widths: dict[str, int], cands: list[Column], deficit: int, floor: Callable[[Column], int]) -> int:
        for column in cands:
            if deficit <= 0:
                break
            give = min(widths[column.id] - floor(column), deficit)
            if give > 0:
                widths[column.id] -= give
                deficit -= give
        return deficit

    while True:
        widths = {c.id: c.natural_width for c in kept}
        if available <= 0:
            break
        deficit = total(widths) - available
        if deficit <= 0:
            break
        deficit = shrink(widths, least_important_first(kept), deficit, comfortable)
        if deficit <= 0:
            break
        droppable = least_important_first(c for c in kept if c.priority > 0)
        if droppable:
            deficit = shrink(widths, droppable[:1], deficit, minimum)
            if deficit <= 0:
                break
            if len(kept) > 1:
                kept.remove(droppable[0])
                continue
        shrink(widths, least_important_first(kept), deficit, minimum)
        break

    spare = available - total(widths) if available > 0 else 0
    flexible = [c for c in kept if c.flex]
    while spare > 0 and flexible:
        share = max(1, spare // len(flexible))
        for column in list(flexible):
            room = (column.max_width - widths[column.id]) if column.max_width is not None else share
            give = min(share, room, spare)
            widths[column.id] += give
            spare -= give
            if give <= 0 or (column.max_width is not None and widths[column.id] >= column.max_width):
                flexible.remove(column)
            if spare <= 0:
                break
    return [(c, widths[c.id]) for c in kept]


class VirtualTable(ScrollView, can_focus=True):
    """A table over a ``Sequence`` of rows that renders only what is on screen.

    Line 0 is the header (fixed vertically, scrolls horizontally with the cells); the mark column and the
    first ``fixed_columns`` columns on the left stay put when scrolling horizontally. The cursor is a row
    index (``cursor_row``).

    Columns the width cannot hold (see :func:`compute_layout`) are not lost: they are laid out after the
    others, off screen, and ``l``/``→`` scroll them in one column at a time (``h``/``←`` back). The header
    shows ``›`` at its right edge while columns remain to the right, ``‹`` while some are scrolled out on
    the left.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="table.cursor_down", tooltip="Next row"),
        Binding("k,up", "cursor_up", "Up", show=False, id="table.cursor_up", tooltip="Previous row"),
        Binding(
            "pagedown,ctrl+f",
            "page_down",
            "Page down",
            show=False,
            id="table.page_down",
            tooltip="Move the cursor one screen down",
        ),
        Binding(
            "pageup,ctrl+b",
            "page_up",
            "Page up",
            show=False,
            id="table.page_up",
            tooltip="Move the cursor one screen up",
        ),
        Binding("g,home", "cursor_top", "Top", show=False, id="table.top", tooltip="First row"),
        Binding("G,end", "cursor_bottom", "Bottom", show=False, id="table.bottom", tooltip="Last row"),
        Binding(
            "h,left",
            "scroll_columns_left",
            "Left",
            show=False,
            id="table.scroll_left",
            tooltip="Scroll the columns left",
        ),
        Binding(
            "l,right",
            "scroll_columns_right",
            "Right",
            show=False,
            id="table.scroll_right",
            tooltip="Scroll the columns right",
        ),
        Binding("enter", "activate", "Open", show=False, id="table.activate", tooltip="Open the row under the cursor"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--sorted",
        "virtual-table--cursor",
        "virtual-table--marked",
        "virtual-table--even-row",
        "virtual-table--empty",
    }

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        & > .virtual-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .virtual-table--sorted {
            color: $accent;
        }
        & > .virtual-table--even-row {
            background: $surface-lighten-1 30%;
        }
        & > .virtual-table--marked {
            color: $text-accent;
            text-style: bold;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--empty {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    cursor_row: reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the cursor in :attr:`rows` (0 when the table is empty)."""

    empty_message: reactive[str] = reactive("Nothing to show", init=False)
    """Centred message shown when there are no rows."""

    # --- messages ---------------------------------------------------------------------------------

    class _RowMessage(Message):
        """A message about one row: the table, the row's index in :attr:`rows` and the row."""

        def __init__(self, table: VirtualTable, index: int, row: Any) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class CursorMoved(_RowMessage):
        """The cursor is on another row (``row`` is None when the table became empty)."""

    class RowActivated(_RowMessage):
        """Enter (or a double click) on a row."""

    class HeaderClicked(Message):
        """A click on the header of a sortable column (the screen decides how to sort)."""

        def __init__(self, table: VirtualTable, column_id: str) -> None:
            super().__init__()
            self.table = table
            self.column_id = column_id

        @property
        def control(self) -> VirtualTable:
            return self.table

    # --- construction -----------------------------------------------------------------------------

    def __init__(
        self,
        columns: Sequence[Column] = (),
        rows: Sequence[Any] = (),
        *,
        key: Callable[[Any], str] | None = None,
        marked: AbstractSet[str] | None = None,
        show_marks: bool = True,
        mark_glyph: str = "✓",
        fixed_columns: int = 0,
        empty_message: str = "Nothing to show",
        cache_size: int = 1024,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._columns: list[Column] = list(columns)
        self._rows: Sequence[Any] = rows
        self._key: Callable[[Any], str] = key if key is not None else _identity_key
        self._marked: AbstractSet[str] = marked if marked is not None else frozenset()
        self._show_marks = show_marks
        self._mark_glyph = clean(mark_glyph)[:1] or "✓"
        self._sort: tuple[str, bool] | None = None
        self._fixed_columns = max(0, fixed_columns)
        self._placed: list[_Placed] = []
        self._window = 0  # how many of the placed columns the width holds (the others wait off screen)
        self._fixed_width = self._mark_width  # cells that stay put on the left (mark, fixed columns, gap)
        self._spans: list[tuple[int, int]] = []  # the scrolled columns, from the start of the scrolled part
        self._layout_width = -1
        self._line_cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(cache_size)
        self._header_cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(8)
        self._pseudo_state: Any = None
        self._last_posted: tuple[int, str | None] | None = None
        self.set_reactive(VirtualTable.empty_message, empty_message)
        self._relayout()

    # --- public API -------------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Any]:
        """The rows shown (the sequence given to :meth:`set_rows`, not a copy)."""
        return self._rows

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def visible_columns(self) -> list[Column]:
        """The columns at least partly on screen at the current horizontal scroll."""
        if not self.is_mounted:
            return [placed.column for placed in self._placed[: self._window]]
        left = round(self.scroll_x)
        right = left + self._scrolled_view_width
        fixed = len(self._placed) - len(self._spans)
        shown = [placed.column for placed in self._placed[:fixed]]
        for placed, (start, stop) in zip(self._placed[fixed:], self._spans, strict=True):
            if start < right and stop > left:
                shown.append(placed.column)
        return shown

    @property
    def offscreen_columns(self) -> list[Column]:
        """The columns laid out but not on screen (e.g. left out for width: scroll right to see them)."""
        shown = {column.id for column in self.visible_columns}
        return [placed.column for placed in self._placed if placed.column.id not in shown]

    @property
    def current_row(self) -> Any | None:
        """The row under the cursor, or None when the table is empty."""
        if not self._rows:
            return None
        return self._rows[self.cursor_row]

    @property
    def marked(self) -> AbstractSet[str]:
        return self._marked

    def row_key(self, row: Any) -> str:
        """The key (id) of a row, as given by the ``key`` callable."""
        return self._key(row)

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the column specs (e.g. after a language change)."""
        self._columns = list(columns)
        self._relayout(force=True)
        self._invalidate()

    def set_rows(
        self,
        rows: Sequence[Any],
        *,
        marked: AbstractSet[str] | None = None,
        keep_cursor_key: str | None = None,
        sort: tuple[str, bool] | None = None,
    ) -> None:
        """Show another view of the data; the cursor follows ``keep_cursor_key`` if present, else is clamped.

        ``sort`` (column id, descending) sets the header's indicator in the same pass: one relayout and one
        cache clear per view change. Finding the key is a single scan of ``rows`` (only when the row at the
        cursor's index is not it).
        """
        self._rows = rows
        if marked is not None:
            self._marked = marked
        if sort is not None:
            self._sort = sort
        index = self.cursor_row
        if (
            keep_cursor_key is not None
            and rows
            and not (0 <= index < len(rows) and self._key(rows[index]) == keep_cursor_key)
        ):
            key = self._key
            found = next((i for i, row in enumerate(rows) if key(row) == keep_cursor_key), None)
            if found is not None:
                index = found
        self._relayout(force=True)
        self._invalidate()
        self.cursor_row = index

    def set_marked(self, marked: AbstractSet[str]) -> None:
        """Show another set of marked row keys."""
        self._marked = marked
        self._invalidate()

    def set_sort_indicator(self, column_id: str | None, descending: bool = False) -> None:
        """Show ▲ (ascending) or ▼ (descending) on ``column_id``; None removes the indicator."""
        sort = (column_id, descending) if column_id is not None else None
        if sort == self._sort:
            return
        self._sort = sort
        self._relayout(force=True)  # the sorted column's label needs room for its arrow
        self._invalidate()

    def refresh_rows(self) -> None:
        """Forget the rendered rows (the row objects or their rendering changed) and repaint."""
        self._invalidate()

    def move_cursor(self, index: int) -> None:
        """Put the cursor on ``index`` (clamped) and scroll it into view."""
        self.cursor_row = index

    # --- reactives --------------------------------------------------------------------------------

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1))

    def watch_cursor_row(self) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_cursor_moved()

    def watch_empty_message(self) -> None:
        if not self._rows:
            self.refresh()

    # --- actions ----------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_page_down(self) -> None:
        page = self._page_height
        self.scroll_to(y=self.scroll_offset.y + page, animate=False, immediate=True)
        self.cursor_row += page

    def action_page_up(self) -> None:
        page = self._page_height
        self.scroll_to(y=max(0, self.scroll_offset.y - page), animate=False, immediate=True)
        self.cursor_row -= page

    def action_cursor_top(self) -> None:
        self.cursor_row = 0

    def action_cursor_bottom(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def action_scroll_columns_left(self) -> None:
        """Bring back the column scrolled out on the left (columns start at the left edge)."""
        x = round(self.scroll_x)
        stops = [start for start, _ in self._spans if start < x]
        self.scroll_to(x=max(stops, default=0), animate=False, immediate=True, force=True)

    def action_scroll_columns_right(self) -> None:
        """Scroll until the first column cut (or hidden) on the right is entirely on screen."""
        x, view = round(self.scroll_x), self._scrolled_view_width
        target = next(((start, stop) for start, stop in self._spans if stop > x + view), None)
        if target is None:
            return
        fits = [start for start, _ in self._spans if x < start and start + view >= target[1]]
        self.scroll_to(x=min(fits, default=target[0]), animate=False, immediate=True, force=True)

    @property
    def allow_horizontal_scroll(self) -> bool:
        # No horizontal scrollbar (the header's ‹ › say there is more), but the wheel may still scroll.
        return not self.disabled and self.max_scroll_x > 0

    @property
    def more_on_the_left(self) -> bool:
        return round(self.scroll_x) > 0 and bool(self._spans)

    @property
    def more_on_the_right(self) -> bool:
        return bool(self._spans) and self._spans[-1][1] > round(self.scroll_x) + self._scrolled_view_width

    def action_activate(self) -> None:
        if self._rows:
            index = self.cursor_row
            self.post_message(self.RowActivated(self, index, self._rows[index]))

    # --- events -----------------------------------------------------------------------------------

    def _on_resize(self, event: events.Resize) -> None:
        self._relayout()
        self._invalidate()
        self.call_after_refresh(self._scroll_cursor_into_view)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()
        self._header_cache.clear()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            width = self.scrollable_content_region.width
            if offset.x == width - 1 and self.more_on_the_right:
                self.action_scroll_columns_right()
                event.stop()
                return
            if offset.x == self._fixed_width - 1 and self.more_on_the_left:
                self.action_scroll_columns_left()
                event.stop()
                return
            column = self._column_at(offset.x)
            if column is not None and column.sortable:
                self.post_message(self.HeaderClicked(self, column.id))
            event.stop()
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self._rows):
            event.stop()
            if index == self.cursor_row and event.chain >= 2:
                self.post_message(self.RowActivated(self, index, self._rows[index]))
            else:
                self.cursor_row = index

    # --- layout -----------------------------------------------------------------------------------

    @property
    def _mark_width(self) -> int:
        return 2 if self._show_marks else 0

    @property
    def _page_height(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    @property
    def _total_width(self) -> int:
        if not self._placed:
            return self._mark_width
        last = self._placed[-1]
        return self._mark_width + last.x + last.width

    @property
    def _scrolled_view_width(self) -> int:
        """Cells of the screen that scroll horizontally (right of the fixed part)."""
        width = self.scrollable_content_region.width if self.is_mounted else self._layout_width
        return max(1, width - self._fixed_width)

    def _available_width(self) -> int:
        width = self.size.width
        if width <= 0:
            return 0
        # The vertical scrollbar takes cells from the table as soon as the rows overflow.
        if len(self._rows) + 1 > self.size.height and self.styles.overflow_y != "hidden":
            width -= self.styles.scrollbar_size_vertical
        return max(0, width)

    def _relayout(self, force: bool = False) -> None:
        available = self._available_width() if self.is_mounted else 0
        if not force and available == self._layout_width:
            return
        self._layout_width = available
        mark = self._mark_width
        sorted_id = self._sort[0] if self._sort is not None else None
        window = compute_layout(self._columns, available, mark, sorted_id=sorted_id)
        if available > 0 and len(window) < len(self._columns):
            # Columns are left out: keep the last cell for the header's "›".
            window = compute_layout(self._columns, available - 1, mark, sorted_id=sorted_id)
        shown = {column.id for column, _ in window}
        left_out = [column for column in self._columns if column.id not in shown]
        placed: list[_Placed] = []
        x = 0
        for column, width in window:
            placed.append(_Placed(column, x, width))
            x += width + 1
        if left_out and available > 0:
            x = max(x, available - mark)  # off screen until scrolled in, never peeking at the right edge
        for column in left_out:
            placed.append(_Placed(column, x, column.natural_width))
            x += column.natural_width + 1
        self._placed = placed
        self._window = len(window)
        fixed = min(self._fixed_columns, len(window))
        fixed_width = mark + sum(p.width + 1 for p in placed[:fixed])
        if available > 0 and fixed_width > available // 2:  # too narrow: only the mark stays put
            fixed, fixed_width = 0, mark
        self._fixed_width = fixed_width
        self._spans = [(mark + p.x - fixed_width, mark + p.x + p.width - fixed_width) for p in placed[fixed:]]
        width = self._total_width
        view = available - fixed_width
        if self._spans and available > 0 and width - fixed_width > view:
            # Room to scroll each column to the left edge: the last stop shows every remaining column.
            end = self._spans[-1][1]
            last_stop = min((start for start, _ in self._spans if end - start <= view), default=None)
            if last_stop is not None:
                width = max(width, fixed_width + last_stop + view)
        self.virtual_size = Size(width, len(self._rows) + 1)

    def _column_at(self, content_x: int) -> Column | None:
        if content_x < self._mark_width:
            return None
        x = content_x if content_x < self._fixed_width else content_x + round(self.scroll_x)
        x -= self._mark_width
        for placed in self._placed:
            if placed.x <= x < placed.x + placed.width:
                return placed.column
        return None

    def _invalidate(self) -> None:
        self._line_cache.clear()
        self._header_cache.clear()
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        if not self._rows or not self.is_mounted:
            return
        top = self.scroll_offset.y
        page = self._page_height
        cursor = self.cursor_row
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + page:
            self.scroll_to(y=cursor - page + 1, animate=False, immediate=True)

    def _post_cursor_moved(self) -> None:
        row = self.current_row
        state = (self.cursor_row, self._key(row) if row is not None else None)
        if state != self._last_posted:
            self._last_posted = state
            self.post_message(self.CursorMoved(self, self.cursor_row, row))

    # --- rendering --------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Component styles depend on :focus (cursor colour); read the pseudo classes once per frame.
        self._pseudo_state = self.get_pseudo_class_state()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: 0 is the header, then the rows from ``scroll_y``. O(1) per line."""
        width = self.scrollable_content_region.width or self.size.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            return self._render_header(width, scroll_x, base)
        if not self._rows:
            # The message goes in the middle of the rows' area, whatever the scroll offsets left behind.
            if y == max(1, min(1 + (self._page_height - 1) // 2, self.size.height - 1)):
                return self._render_empty(width, base)
            return Strip.blank(width, base)
        index = scroll_y + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        key = self._key(row)
        is_marked = key in self._marked
        is_cursor = index == self.cursor_row
        cache_key = (index, key, is_marked, is_cursor, width, scroll_x, self._pseudo_state)
        strip = self._line_cache.get(cache_key)
        if strip is None:
            strip = self._render_row(row, index, is_marked, is_cursor, width, scroll_x, base)
            self._line_cache[cache_key] = strip
        return strip

    def _crop(self, line: Text, width: int, scroll_x: int, base: Style) -> Strip:
        """Keep the mark (and fixed) columns in place and scroll the rest horizontally."""
        console = self.app.console
        full = Strip(list(line.render(console)), line.cell_len)
        fixed = min(self._fixed_width, width)
        scrolled = full.crop(fixed + scroll_x, fixed + scroll_x + max(0, width - fixed))
        return Strip.join([full.crop(0, fixed), scrolled]).adjust_cell_length(width, base).simplify()

    def _render_header(self, width: int, scroll_x: int, base: Style) -> Strip:
        cache_key = (width, scroll_x, self._sort, self._pseudo_state)
        strip = self._header_cache.get(cache_key)
        if strip is not None:
            return strip
        header_style = base + self.get_component_rich_style("virtual-table--header")
        sorted_style = self.get_component_rich_style("virtual-table--sorted")
        line = Text(" " * self._mark_width, style=header_style, end="")
        for n, placed in enumerate(self._placed):
            if n:
                line.append(" ")
            column = placed.column
            label = clean(column.label)
            if self._sort is not None and self._sort[0] == column.id:
                arrow = "▼" if self._sort[1] else "▲"
                room = placed.width - 2
                if room <= 0:
                    cell = _fit(Text(arrow), placed.width, column.align)
                elif column.align == "right":  # the arrow against its label, not at the far edge of the cell
                    shown = _fit(Text(label), min(room, cell_len(label)), "right")
                    cell = _fit(Text.assemble(arrow, " ", shown), placed.width, "right")
                else:
                    cell = Text.assemble(_fit(Text(label), room, "left"), " ", arrow)
                line.append(cell.plain, sorted_style)
            else:
                line.append_text(_fit(Text(label), placed.width, column.align))
        line.pad_right(max(0, width - line.cell_len + scroll_x))
        strip = self._crop(line, width, scroll_x, header_style)
        hint_style = header_style + sorted_style
        if self.more_on_the_left and 0 < self._fixed_width <= width:
            strip = _overwrite(strip, self._fixed_width - 1, "‹", hint_style)
        if self.more_on_the_right and width > 0:
            strip = _overwrite(strip, width - 1, "›", hint_style)
        self._header_cache[cache_key] = strip
        return strip

    def _render_empty(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("virtual-table--empty")
        message = clean(self.empty_message)
        text = _fit(Text(message), width, "center")
        return Strip(list(text.render(self.app.console)), width).apply_style(style).simplify()

    def _render_row(
        self, row: Any, index: int, is_marked: bool, is_cursor: bool, width: int, scroll_x: int, base: Style
    ) -> Strip:
        row_style = base
        if index % 2:
            row_style += self.get_component_rich_style("virtual-table--even-row")
        if is_marked:
            row_style += self.get_component_rich_style("virtual-table--marked", partial=True)
        line = Text(style=row_style, end="")
        if self._show_marks:
            line.append(f"{self._mark_glyph} " if is_marked else "  ")
        for n, placed in enumerate(self._placed):
            if n:
                line.append(" ")
            column = placed.column
            value = column.render(row)
            if isinstance(value, Text):
                cell = value.copy()
                if not is_clean(cell.plain):
                    cell = Text(clean(cell.plain), style=cell.style)
            else:
                cell = Text(clean(str(value)))
            cell = _fit(cell, placed.width, column.align)
            if column.style_fn is not None:
                cell_style = column.style_fn(row)
                if cell_style:
                    cell.stylize_before(_as_style(cell_style))
            line.append_text(cell)
        line.pad_right(max(0, width - line.cell_len + scroll_x))
        if is_cursor:
            line.stylize(self.get_component_rich_style("virtual-table--cursor"))
        return self._crop(line, width, scroll_x, base)


# --- helpers ----------------------------------------------------------------------------------------


def _overwrite(strip: Strip, x: int, char: str, style: Style) -> Strip:
    """``strip`` with the one-cell ``char`` at cell ``x``."""
    length = strip.cell_length
    return Strip.join([strip.crop(0, x), Strip([Segment(char, style)], 1), strip.crop(x + 1, length)])


_style_cache: dict[str, Style] = {}


def _as_style(style: Style | str) -> Style:
    if isinstance(style, Style):
        return style
    parsed = _style_cache.get(style)
    if parsed is None:
        parsed = _style_cache[style] = Style.parse(style)
    return parsed


def _fit(text: Text, width: int, align: Align) -> Text:
    """Truncate with an ellipsis and pad ``text`` to exactly ``width`` cells."""
    text.end = ""
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    if text.cell_len < width:
        pad = width - text.cell_len
        if align == "right":
            text.pad_left(pad)
        elif align == "center":
            text.pad_left(pad // 2)
            text.pad_right(pad - pad // 2)
        else:
            text.pad_right(pad)
    return text
