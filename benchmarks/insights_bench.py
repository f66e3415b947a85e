"""Benchmark: the insights screen over 100,000 invoices (headless, one process).

Measures (1) opening the monthly view: building the spend index over every bill, the figures, the table and the
plotext chart, until the first frame with the chart is painted; (2) a range change (``[``), once the previous
frame is on screen (one key press): figures, table and chart redrawn, until the chart is painted;
(3) the index alone. Goals (issue "Spend insights"): ≤ 200 ms and ≤ 50 ms.

Run: ``python -m benchmarks.insights_bench [n]``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from datetime import date
from typing import Any

from textual.app import App

from benchmarks.table_bench import synthetic_rows
from ovh_invoices_tui.core.insights import SpendIndex
from ovh_invoices_tui.screens.insights import InsightsScreen
from ovh_invoices_tui.widgets.spend_chart import SpendChart

SIZE = (120, 40)


async def _painted(app: App[Any], chart: SpendChart, before: int) -> None:
    """Wait until the chart has rendered again (its render count moved past ``before``)."""
    while getattr(chart, "_bench_renders", 0) <= before:
        await asyncio.sleep(0)


async def bench_insights(n: int = 100_000, repeats: int = 7) -> dict[str, Any]:
    bills = [row.bill for row in synthetic_rows(n)]
    today = max(b.date for b in bills).date()
    index_s = []
    for _ in range(3):
        started = time.perf_counter()
        SpendIndex(bills)
        index_s.append(time.perf_counter() - started)

    original = SpendChart.render

    def counting_render(self: SpendChart) -> Any:
        result = original(self)
        self._bench_renders = getattr(self, "_bench_renders", 0) + 1  # type: ignore[attr-defined]
        return result

    SpendChart.render = counting_render  # type: ignore[method-assign]
    open_s: list[float] = []
    shift_s: list[float] = []
    app: App[Any] = App()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(repeats):
            started = time.perf_counter()
            screen = InsightsScreen(bills, lang="fr", today=today)
            await app.push_screen(screen)
            chart = screen.query_one(SpendChart)
            await _painted(app, chart, 0)
            open_s.append(time.perf_counter() - started)
            for step in range(3):
                await pilot.pause()  # one key press at a time: the previous frame is on screen before the next key
                before = chart._bench_renders  # type: ignore[attr-defined]
                # The key's action directly: a Pilot key press alone costs ~70 ms of test harness here, which a
                # terminal's keystroke does not.
                started = time.perf_counter()
                screen.action_shift(-1 if step % 2 == 0 else 1)
                await _painted(app, chart, before)
                shift_s.append(time.perf_counter() - started)
            await app.pop_screen()
            await pilot.pause()
    SpendChart.render = original  # type: ignore[method-assign]
    return {
        "n": n,
        "index_s": statistics.median(index_s),
        "open_monthly_s": statistics.median(open_s),
        "open_monthly_worst_s": max(open_s),
        "range_change_s": statistics.median(shift_s),
        "range_change_worst_s": max(shift_s),
        "today": date.isoformat(today),
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(asyncio.run(bench_insights(count))))
