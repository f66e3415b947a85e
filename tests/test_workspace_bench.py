"""The workspace benchmark still runs against the app as it is (it broke silently once when the App changed)."""

from __future__ import annotations

from benchmarks.workspace_bench import bench_workspace


async def test_workspace_benchmark_measures_every_figure_at_a_small_size() -> None:
    figures = await bench_workspace(2_000)
    for name in ("first_paint_s", "quick_filter_max_s", "quick_filter_median_s", "sort_cold_s", "sort_reverse_s"):
        assert 0 < figures[name] < 60, (name, figures[name])
    assert figures["quick_filter_max_s"] >= figures["quick_filter_median_s"]
