"""Benchmark: the real invoice workspace (OvhInvoicesApp, its store and screen) with 100,000 bills.

Measures, headless in this process: first paint of the table with the store already holding the bills,
a quick-filter keystroke (filter applied + status totals + visible rows repainted), a sort (cold and
cached), page-down, and the resident memory. Run: ``python -m benchmarks.workspace_bench [n] [--json]``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from textual.geometry import Region

from benchmarks.table_bench import synthetic_rows
from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.config import Settings, demo_profile
from ovh_invoices_tui.core.filters import BillFilter
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.invoices import LoadProgress, Sort
from ovh_invoices_tui.widgets.bill_table import BillTable


def rss_mb() -> float:
    """Resident set size of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _PrefilledApp(OvhInvoicesApp):
    """The app with its load replaced by nothing: the store is filled before it starts."""

    def load(self) -> None:  # type: ignore[override]
        store = self.session.store
        store.set_progress(LoadProgress(len(store.rows), len(store.rows), done=True))


def _repaint(app: OvhInvoicesApp) -> None:
    """Render what the user sees of the table now (the cost of a repaint, without the harness's waits)."""
    table = app.screen.query_one(BillTable)
    width, height = table.size
    table.render_lines(Region(0, 0, width, height))


async def bench_workspace(n: int = 100_000, size: tuple[int, int] = (120, 40)) -> dict[str, Any]:
    rows = synthetic_rows(n)
    app = _PrefilledApp(
        settings=Settings(path=Path("/nonexistent/bench.toml")),
        profile=demo_profile(),
        lang="fr",
        client_factory=lambda profile, **kw: make_client(profile, sandbox=SandboxConfig(bills=0), **kw),
    )
    store = app.session.store
    with store.batch():
        store.add_bills(row.bill for row in rows)
        store.set_debts(row.debt for row in rows if row.debt is not None)
    result: dict[str, Any] = {"n": n, "size": list(size)}
    start = time.perf_counter()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        _repaint(app)
        result["first_paint_s"] = time.perf_counter() - start

        keystrokes: list[float] = []
        query = "FR0009"
        for end in range(1, len(query) + 1):
            t0 = time.perf_counter()
            store.set_filter(BillFilter(quick=query[:end]))
            _repaint(app)
            keystrokes.append(time.perf_counter() - t0)
        for end in range(len(query) - 1, -1, -1):  # backspace: widening is the expensive direction
            t0 = time.perf_counter()
            store.set_filter(BillFilter(quick=query[:end]))
            _repaint(app)
            keystrokes.append(time.perf_counter() - t0)
        await pilot.pause()
        result["quick_filter_max_s"] = max(keystrokes)
        result["quick_filter_median_s"] = statistics.median(keystrokes)

        t0 = time.perf_counter()
        store.set_sort(Sort("amount_ttc", descending=True))
        _repaint(app)
        result["sort_cold_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.set_sort(Sort("amount_ttc", descending=False))
        _repaint(app)
        result["sort_reverse_s"] = time.perf_counter() - t0
        await pilot.pause()

        table = app.screen.query_one(BillTable)
        t0 = time.perf_counter()
        for _ in range(20):
            await table.run_action("page_down")
            _repaint(app)
        result["page_down_s"] = (time.perf_counter() - t0) / 20
        result["rss_mb"] = rss_mb()
    return result


if __name__ == "__main__":
    count = int(next((a for a in sys.argv[1:] if a.isdigit()), 100_000))
    figures = asyncio.run(bench_workspace(count))
    print(json.dumps(figures) if "--json" in sys.argv else json.dumps(figures, indent=2))
