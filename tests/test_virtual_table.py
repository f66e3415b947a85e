"""Pilot tests of the virtual table and the bill table: rendering is bounded, keys move, messages go up."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from rich.color import Color
from textual.app import App, ComposeResult
from textual.message import Message

from ovh_invoices_tui.core.models import Bill, BillRow, Debt, Money
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.widgets.bill_table import BillTable
from ovh_invoices_tui.widgets.virtual_table import Column, VirtualTable, compute_layout

_MONEY = Money.of("12.50")
_ZERO = Money.zero()
_DATE = datetime(2024, 1, 1, 3, 0, tzinfo=timezone(timedelta(hours=1)))


def make_rows(n: int, *, unpaid_every: int = 3, ids: Sequence[str] | None = None) -> list[BillRow]:
    """n bill rows sharing one Money and one date (cheap enough for 100,000); every third one unpaid."""
    rows = []
    for i in range(n):
        bill = Bill(ids[i] if ids else f"FR{i:08d}", "autorenew", _DATE, 100_000 + i, _MONEY, _MONEY, _ZERO, "", "", "")
        debt = None
        if unpaid_every and i % unpaid_every == 1:
            debt = Debt(i, bill.order_id, _DATE, None, "UNPAID", _MONEY, _MONEY, _ZERO, _ZERO, _ZERO)
        rows.append(BillRow(bill, debt))
    return rows


class TableApp(App[None]):
    """Hosts one BillTable and records the messages it posts."""

    def __init__(self, rows: Sequence[BillRow], *, lang: str = "fr", table: BillTable | None = None) -> None:
        super().__init__()
        self.table = table or BillTable(rows, lang=lang)
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()

    def on_virtual_table_cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        self.messages.append(message)

    def on_virtual_table_row_activated(self, message: VirtualTable.RowActivated) -> None:
        self.messages.append(message)

    def on_virtual_table_header_clicked(self, message: VirtualTable.HeaderClicked) -> None:
        self.messages.append(message)


def of_type(app: TableApp, kind: type[Message]) -> list[Any]:
    return [m for m in app.messages if isinstance(m, kind)]


def counting(table: BillTable, column_id: str) -> list[int]:
    """Wrap one column's render function so each call is counted (returns the one-item counter)."""
    calls = [0]

    def wrap(render: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def counted(row: Any) -> Any:
            calls[0] += 1
            return render(row)

        return counted

    table.set_columns([replace(c, render=wrap(c.render)) if c.id == column_id else c for c in table.columns])
    return calls


def line(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


async def test_100k_rows_render_only_visible_rows() -> None:
    rows = make_rows(100_000)
    table = BillTable(rows, lang="fr")
    calls = counting(table, "reference")
    app = TableApp(rows, table=table)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert table.virtual_size.height == 100_001
        assert "FR00000000" in line(table, 1)
        assert 0 < calls[0] < 200
        calls[0] = 0
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_row == 99_999
        assert "FR00099999" in line(table, table.scrollable_content_region.height - 1)
        assert 0 < calls[0] < 200
        calls[0] = 0
        await pilot.press("pagedown", "pageup", "g")
        await pilot.pause()
        assert calls[0] < 200


async def test_navigation_keys_move_the_cursor() -> None:
    rows = make_rows(500)
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k", "up")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 499
        assert table.scroll_offset.y == 500 + 1 - table.scrollable_content_region.height
        await pilot.press("g")
        assert table.cursor_row == 0
        assert table.scroll_offset.y == 0
        await pilot.press("pagedown")
        page = table.scrollable_content_region.height - 1
        assert table.cursor_row == page
        await pilot.press("ctrl+b")
        assert table.cursor_row == 0
        await pilot.press("k")
        assert table.cursor_row == 0
        await pilot.pause()
        moved = of_type(app, VirtualTable.CursorMoved)
        assert moved and moved[-1].index == 0 and moved[-1].row is rows[0]
        assert table.current_row is rows[0]


async def test_enter_posts_row_activated_with_the_row() -> None:
    rows = make_rows(50)
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        activated = of_type(app, VirtualTable.RowActivated)
        assert len(activated) == 1
        assert activated[0].index == 2 and activated[0].row is rows[2]


async def test_clicks_header_and_row() -> None:
    rows = make_rows(50)
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        x = line(table, 0).index("Solde")
        await pilot.click(BillTable, offset=(x, 0))
        await pilot.pause()
        clicked = of_type(app, VirtualTable.HeaderClicked)
        assert [m.column_id for m in clicked] == ["balance"]
        await pilot.click(BillTable, offset=(5, 4))
        assert table.cursor_row == 3


async def test_sort_indicator_and_marks() -> None:
    rows = make_rows(20)
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        table.set_sort_indicator("balance", descending=True)  # "Balance" is narrower than its amounts
        table.set_marked({"FR00000002"})
        await pilot.pause()
        assert re.search(r"▼ \S", line(table, 0)), line(table, 0)  # a right-aligned label: the arrow against it
        table.set_sort_indicator("amount_ttc", descending=False)
        assert "▲" in line(table, 0)
        assert line(table, 3).startswith("✓ FR00000002")
        assert line(table, 2).startswith("  FR00000001")


async def test_set_rows_keeps_the_cursor_on_the_same_key() -> None:
    rows = make_rows(100)
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        table.move_cursor(40)
        await pilot.pause()
        key = table.row_key(table.current_row)
        subset = rows[30:]
        table.set_rows(subset, keep_cursor_key=key)
        assert table.cursor_row == 10 and table.current_row is rows[40]
        table.set_rows(rows[:5], keep_cursor_key=key)  # gone: clamped
        assert table.cursor_row == 4
        assert table.virtual_size.height == 6
        await pilot.pause()
        moved = of_type(app, VirtualTable.CursorMoved)
        assert moved[-1].row is rows[4]


async def test_markup_and_control_characters_are_shown_as_data() -> None:
    rows = make_rows(3, ids=["[red]x[/red]", "A\x1b[31mB\x07", "[bold]"])
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.table
        assert "[red]x[/red]" in line(table, 1)
        assert "A[31mB " in line(table, 2)
        assert "\x1b" not in line(table, 2)
        assert "[bold]" in line(table, 3)
    assert clean("a\x9bb\u202ec\td") == "abc d"


async def test_balance_is_styled_red_when_due() -> None:
    rows = make_rows(10)
    app = TableApp(rows, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.table
        debt_style = table.get_component_rich_style("bill-table--debt", partial=True)

        def balance_segment(y: int) -> Any:
            # The balance is the second amount on the line: the one after the TTC column.
            segments = [s for s in table.render_line(y) if "€12.50" in s.text or "€0.00" in s.text]
            return segments[-1]

        due = balance_segment(2)  # row 1 is unpaid (not the cursor row)
        assert due.style.color == debt_style.color and due.style.bold
        color = due.style.color
        assert isinstance(color, Color)
        r, g, b = color.get_truecolor()
        assert r > g and r > b
        paid = balance_segment(3)
        assert paid.style.color != debt_style.color


async def test_narrow_terminal_keeps_the_important_columns() -> None:
    for lang, labels in (
        ("fr", ["Référence", "TTC", "Solde", "Statut", "Date"]),
        ("en", ["Reference", "incl. tax", "Balance", "Status", "Date"]),
    ):
        app = TableApp(make_rows(200), lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            header = line(app.table, 0)
            for label in labels:
                assert label in header, (lang, header)
            # the order number is left out of the first screen, but laid out off screen, not lost
            assert "order" not in [c.id for c in app.table.visible_columns]
            assert "order" in [c.id for c in app.table.offscreen_columns]
            assert header.rstrip().endswith("›") and len(header) <= 80
            assert app.table.scroll_offset.x == 0


async def test_scrolling_right_reveals_the_columns_left_out_and_keeps_the_reference() -> None:
    rows = make_rows(200)
    app = TableApp(rows, lang="fr")
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.table
        table.set_sort_indicator("date", descending=True)
        await pilot.pause()
        header = line(table, 0)
        assert "Date d'émission ▼" in header  # the date's label in full, not "Date d'ém…"
        assert "Numéro" not in header and "100000" not in line(table, 1)
        await pilot.press("l")
        await pilot.pause()
        header, first = line(table, 0), line(table, 1)
        assert "Numéro de commande" in header and "100000" in first  # the order number, whole
        assert "order" in [c.id for c in table.visible_columns]
        assert first.startswith("  FR00000000")  # the mark and the reference stay on the left
        assert header.startswith("  Référence") and "‹" in header
        for _ in range(5):  # on to the last column (the due date)
            if not header.rstrip().endswith("›"):
                break
            await pilot.press("l")
            await pilot.pause()
            header = line(table, 0)
        assert "Échéance" in header and not header.rstrip().endswith("›")
        assert header.startswith("  Référence")  # scrolled by whole columns, the reference stays
        await pilot.press("l")  # nothing more on the right
        await pilot.pause()
        assert line(table, 0) == header
        await pilot.press("h", "h", "h", "h", "h", "h")
        await pilot.pause()
        assert table.scroll_offset.x == 0 and "‹" not in line(table, 0)
        assert line(table, 0).rstrip().endswith("›")
        await pilot.press("right")
        await pilot.pause()
        assert "Numéro de commande" in line(table, 0)
        await pilot.press("left")
        await pilot.pause()
        assert table.scroll_offset.x > 0 and "‹" in line(table, 0)
        # a click on the header's › scrolls right, a click on a scrolled column's label sorts it
        await pilot.press("h", "h", "h", "h")
        await pilot.click(BillTable, offset=(table.scrollable_content_region.width - 1, 0))
        await pilot.pause()
        assert "Numéro de commande" in line(table, 0)
        x = line(table, 0).index("Numéro")
        await pilot.click(BillTable, offset=(x, 0))
        await pilot.pause()
        assert [m.column_id for m in of_type(app, VirtualTable.HeaderClicked)] == ["order"]


async def test_wide_terminal_shows_every_column_without_scrolling() -> None:
    app = TableApp(make_rows(50), lang="fr")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.table
        assert [c.id for c in table.visible_columns] == [c.id for c in table.columns]
        assert table.offscreen_columns == [] and table.virtual_size.width <= 120
        header = line(table, 0)
        assert "Numéro de commande" in header and "›" not in header
        await pilot.press("l")
        assert table.scroll_offset.x == 0


async def test_set_language_rebuilds_labels() -> None:
    app = TableApp(make_rows(5), lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        assert "Balance" in line(app.table, 0)
        app.table.set_language("fr")
        await pilot.pause()
        assert "Solde" in line(app.table, 0)
        assert "12,50" in line(app.table, 1)


async def test_empty_message() -> None:
    app = TableApp([])
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.table
        table.empty_message = "No invoices match the filter"
        await pilot.pause()
        text = "\n".join(line(table, y) for y in range(table.size.height))
        assert "No invoices match the filter" in text
        assert table.current_row is None
        await pilot.press("j", "G", "enter")
        assert of_type(app, VirtualTable.RowActivated) == []
        table.set_rows(make_rows(3))
        await pilot.pause()
        assert "No invoices" not in "\n".join(line(table, y) for y in range(table.size.height))


def test_compute_layout_drops_least_important_first() -> None:
    columns = [
        Column("a", "A", width=10),
        Column("b", "B", width=10, priority=2),
        Column("c", "C", width=10, priority=1, min_width=6),
        Column("d", "D", width=10, flex=True, max_width=14),
    ]
    assert [w for _, w in compute_layout(columns, 100, 2)] == [10, 10, 10, 14]
    # 2 + 4×10 + 3 = 45 wanted: at 41, b (least important) cannot shrink, so c shrinks to its minimum.
    assert [(c.id, w) for c, w in compute_layout(columns, 41, 2)] == [("a", 10), ("b", 10), ("c", 6), ("d", 10)]
    assert [c.id for c, _ in compute_layout(columns, 36, 2)] == ["a", "c", "d"]
    assert [c.id for c, _ in compute_layout(columns, 10, 2)] == ["a", "d"]


def test_compute_layout_prefers_dropping_to_cutting_a_more_important_label() -> None:
    columns = BillTable(lang="fr").columns
    # 80 columns less the scrollbar and the "›" cell: the order number goes, the date keeps "Date d'émission ▼"
    layout = dict((c.id, w) for c, w in compute_layout(columns, 77, 2, sorted_id="date"))
    assert "order" not in layout and layout["date"] == len("Date d'émission ▼")
    assert all(w >= c.minimum_width for c, w in compute_layout(columns, 77, 2, sorted_id="date"))
    # with room for every column, nothing is left out and the widths are the natural ones
    assert [c.id for c, _ in compute_layout(columns, 118, 2, sorted_id="date")] == [c.id for c in columns]
