"""Benchmark: the virtual bill table against Textual's ``DataTable`` on the same rows (headless, one process).

Run: ``python -m benchmarks.table_bench [n] [datatable_n]``. ``datatable_n`` defaults to 10,000 because
``DataTable.add_rows`` of 100,000 rows takes tens of seconds; pass it equal to ``n`` for a like-for-like run,
or 0 to skip the DataTable side.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Container
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable

from ovh_invoices_tui.core.i18n import format_date, format_money, status_label, t
from ovh_invoices_tui.core.models import Bill, BillRow, Debt, Money
from ovh_invoices_tui.widgets.bill_table import BILL_COLUMN_IDS, BillTable

SIZE = (120, 40)
LANG = "fr"


def synthetic_rows(n: int) -> list[BillRow]:
    """n bills over ten years with a few distinct amounts; one in five is unpaid."""
    start = datetime(2015, 1, 1, 3, 0, tzinfo=timezone(timedelta(hours=1)))
    amounts = [Money.of(f"{9 + k * 7}.99") for k in range(16)]
    zero = Money.zero()
    rows = []
    for i in range(n):
        price = amounts[i % 16]
        bill = Bill(
            f"FR{i:08d}", "autorenew", start + timedelta(hours=i), 1_000_000 + i, price, price, zero, "", "", ""
        )
        debt = None
        if i % 5 == 0:
            debt = Debt(i, bill.order_id, bill.date, None, "UNPAID", price, price, zero, zero, zero)
        rows.append(BillRow(bill, debt))
    return rows


def datatable_cells(row: BillRow) -> tuple[str, ...]:
    """The same cells the BillTable shows, as DataTable wants them (formatted up front)."""
    bill = row.bill
    return (
        bill.bill_id,
        str(bill.order_id),
        format_date(bill.date, LANG),
        format_money(bill.price_without_tax, LANG),
        format_money(bill.price_with_tax, LANG),
        format_money(row.balance, LANG),
        status_label(row.status, LANG),
    )


class _BenchApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Container(id="host")


async def _paint(pilot: Pilot[None], widget: Widget) -> None:
    """Let Textual process the pending messages, then render every visible line of the widget."""
    await pilot.pause()
    width, height = widget.size
    widget.render_lines(Region(0, 0, width, height))


async def _pages(pilot: Pilot[None], widget: Widget, pages: int) -> float:
    # The action, not pilot.press: a simulated key press adds ~100 ms of pilot bookkeeping to both sides.
    start = time.perf_counter()
    for _ in range(pages):
        await widget.run_action("page_down")
        await _paint(pilot, widget)
    return (time.perf_counter() - start) / max(1, pages)


async def _bench_virtual(rows: Sequence[BillRow], subset: Sequence[BillRow], pages: int) -> dict[str, float]:
    app = _BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        start = time.perf_counter()
        table = BillTable(rows, lang=LANG)
        await app.query_one("#host").mount(table)
        table.focus()
        await _paint(pilot, table)
        first_paint = time.perf_counter() - start

        start = time.perf_counter()
        table.set_rows(subset, keep_cursor_key=table.row_key(table.current_row))
        await _paint(pilot, table)
        set_rows = time.perf_counter() - start

        table.set_rows(rows)
        await _paint(pilot, table)
        per_page = await _pages(pilot, table, pages)
    return {"first_paint_s": first_paint, "set_rows_filtered_s": set_rows, "page_down_s": per_page}


async def _bench_datatable(rows: Sequence[BillRow], subset: Sequence[BillRow], pages: int) -> dict[str, float]:
    app = _BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        start = time.perf_counter()
        table: DataTable[str] = DataTable(cursor_type="row")
        for column_id in BILL_COLUMN_IDS:
            table.add_column(t(f"col.{column_id}", LANG), key=column_id)
        await app.query_one("#host").mount(table)
        table.add_rows([datatable_cells(row) for row in rows])
        table.focus()
        await _paint(pilot, table)
        first_paint = time.perf_counter() - start

        start = time.perf_counter()
        table.clear()
        table.add_rows([datatable_cells(row) for row in subset])
        await _paint(pilot, table)
        refill = time.perf_counter() - start

        per_page = await _pages(pilot, table, pages)
    return {"first_paint_s": first_paint, "set_rows_filtered_s": refill, "page_down_s": per_page}


async def bench_virtual_table(n: int = 100_000, *, datatable_n: int | None = 10_000, pages: int = 20) -> dict[str, Any]:
    """Time first paint, a filtered ``set_rows`` + repaint, and page-down, for BillTable and DataTable.

    The filtered subset is the unpaid bills (one in five). ``datatable_n`` rows are used for the DataTable
    side (None: the same ``n``; 0: skipped) since it copies every cell and is slow at 100,000 rows.
    Figures are seconds (``page_down_s`` is per page, paint included).
    """
    rows = synthetic_rows(n)
    subset = [row for row in rows if row.debt is not None]
    result: dict[str, Any] = {"n": n, "filtered_n": len(subset), "pages": pages, "size": list(SIZE)}
    result["virtual"] = await _bench_virtual(rows, subset, pages)
    dt_n = n if datatable_n is None else datatable_n
    result["datatable_n"] = dt_n
    if dt_n > 0:
        dt_rows = rows[:dt_n]
        dt_subset = [row for row in dt_rows if row.debt is not None]
        result["datatable"] = await _bench_datatable(dt_rows, dt_subset, pages)
    return result


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    dt_count = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(json.dumps(asyncio.run(bench_virtual_table(count, datatable_n=dt_count)), indent=2))
