"""``make bench``: every benchmark of the project in one run, one table, figures next to goals and peers.

Each section runs in its own Python process (so memory figures and caches do not leak between them)
and prints JSON; this runner collects them, prints a Markdown table and writes it to
``benchmarks/results/<date>.md`` (``<date>-b.md`` … for a later run the same day).
``python -m benchmarks --quick`` uses smaller peers (DataTable at 10,000).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

# name → python source printing one JSON object on its last line
SECTIONS: dict[str, str] = {
    "workspace": "import asyncio, json; from benchmarks.workspace_bench import bench_workspace; "
    "print(json.dumps(asyncio.run(bench_workspace(100_000))))",
    "datatable": "import asyncio, json; from benchmarks.table_bench import bench_virtual_table; "
    "print(json.dumps(asyncio.run(bench_virtual_table(100_000, datatable_n={dt_n}, pages=5))))",
    "cold": "import asyncio, json; from benchmarks.load_bench import cold_load, naive_load; "
    "r = {{str(n): cold_load_result for n, cold_load_result in "
    "[(n, asyncio.run(cold_load(n, 50))) for n in (1_000, 10_000, 100_000)]}}; "
    "r['naive_1000'] = asyncio.run(naive_load(1_000, 50)); print(json.dumps(r))",
    "warm": "import asyncio, json; from benchmarks.load_bench import warm_start, warm_paint; "
    "print(json.dumps({{'warm_start_s': warm_start(100_000), 'warm_paint_s': asyncio.run(warm_paint(100_000))}}))",
    "memory": "import json; from benchmarks.load_bench import resident_memory_mb; "
    "print(json.dumps({{'rss_mb': resident_memory_mb(100_000)}}))",
    "export": "import asyncio, json; from benchmarks.export_bench import bench_csv, bench_pdf_summary; "
    "from benchmarks.bundle_bench import bench_bundle_from_sandbox; "
    "print(json.dumps({{'csv_100k_s': bench_csv(100_000), 'pdf_10k_s': bench_pdf_summary(10_000), "
    "'bundle_200_s': asyncio.run(bench_bundle_from_sandbox(200, 20))}}))",
    "process": "import json; from benchmarks.process_bench import bench_processes; "
    "print(json.dumps(bench_processes(100_000, 50)))",
    "accounts": "import json; from benchmarks.accounts_bench import bench_accounts; "
    "print(json.dumps(bench_accounts(20, 50)))",
    "insights": "import asyncio, json; from benchmarks.insights_bench import bench_insights; "
    "print(json.dumps(asyncio.run(bench_insights(100_000))))",
}


def run_section(name: str, quick: bool) -> dict[str, Any]:
    source = SECTIONS[name].format(dt_n=10_000 if quick else 100_000)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        print(f"  {name}: FAILED ({' | '.join(tail)})", file=sys.stderr)
        return {"error": " | ".join(tail)}
    print(f"  {name}: done in {elapsed:.1f} s", file=sys.stderr)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _s(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _mb(value: Any) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def _ok(value: float | None, goal: float) -> str:
    if value is None:
        return "not measured"
    return "✅" if value <= goal else "❌"


def build_table(r: dict[str, dict[str, Any]]) -> list[str]:
    rows: list[tuple[str, str, str, str, str]] = []
    ws, dt, cold, warm, mem, ex = (r.get(k, {}) for k in ("workspace", "datatable", "cold", "warm", "memory", "export"))
    ins = r.get("insights", {})
    pr = r.get("process", {})
    ac = r.get("accounts", {})
    dtable = dt.get("datatable", {})
    dt_n = dt.get("datatable_n")
    peer_note = f"DataTable ({dt_n:,} rows)" if dt_n else "DataTable"

    def add(what: str, value: Any, goal: float | None, peer: str = "", fmt: Any = _s) -> None:
        shown = fmt(value) if value is not None else "—"
        rows.append((what, shown, fmt(goal) if goal is not None else "", _ok(value, goal) if goal else "", peer))

    add("`ovh-invoices --help`, whole process (median of 7)", pr.get("help_s"), 0.15,
        f"`python -c pass`: {_s(pr.get('python_pass_s'))}; peak memory {_mb(pr.get('help_rss_mb'))} "
        f"(python: {_mb(pr.get('python_pass_rss_mb'))})")  # fmt: skip
    add("`bills list --format json --no-cache`, 100,000 bills at 50 ms, whole process", pr.get("cli_list_json_s"),
        3.0, f"raw httpx listing of the same pages: {_s(pr.get('raw_listing_s'))}")  # fmt: skip
    bare, cold_first = _s(pr.get("bare_textual_s")), _s(pr.get("tui_cold_first_s"))
    add("TUI warm start, 100,000 cached bills: exec → invoices drawn (pty)", pr.get("tui_warm_first_s"), 0.6,
        f"bare Textual app, 30 lines: {bare}; cold start: {cold_first}")  # fmt: skip
    raw = pr.get("raw_listing_s")
    add("TUI cold start, 100,000 bills at 50 ms: first invoices drawn (pty)", pr.get("tui_cold_first_s"), 0.9)
    add("TUI cold start, 100,000 bills at 50 ms: all loaded (pty)", pr.get("tui_cold_loaded_s"), 2.5,
        f"raw listing: {_s(raw)}" + (f" (ratio {pr['tui_cold_loaded_s'] / raw:.1f}×, goal ≤ 1.5×)"
                                      if raw and pr.get("tui_cold_loaded_s") else ""))  # fmt: skip
    table_rss = f"Textual DataTable, same 100,000 rows: {_mb(pr.get('datatable_rss_mb'))}"
    add("TUI resident memory, 100,000 bills, fresh, load over (pty)", pr.get("tui_rss_fresh_mb"), 120,
        f"{table_rss}; peak {_mb(pr.get('tui_rss_peak_fresh_mb'))}", fmt=_mb)  # fmt: skip
    add("TUI resident memory, 100,000 bills, from the cache, refresh over (pty)", pr.get("tui_rss_cached_mb"), 120,
        f"{table_rss}; peak {_mb(pr.get('tui_rss_peak_cached_mb'))}", fmt=_mb)  # fmt: skip
    add(
        "First paint, 100,000 bills in the store",
        ws.get("first_paint_s"),
        1.0,
        f"{peer_note}: {_s(dtable.get('first_paint_s'))}",
    )
    add(
        "Quick-filter keystroke at 100,000 (worst of 12; do not regress)",
        ws.get("quick_filter_max_s"),
        0.026,
        f"{peer_note} refilter: {_s(dtable.get('set_rows_filtered_s'))}",
    )
    add("Sort at 100,000 (new column)", ws.get("sort_cold_s"), 0.2)
    add("Page down at 100,000", ws.get("page_down_s"), None, f"{peer_note}: {_s(dtable.get('page_down_s'))}")
    add("Resident memory, app with 100,000 bills", ws.get("rss_mb"), 300, fmt=lambda v: f"{v:.0f} MB")
    add("Resident memory, 100,000 bills loaded from the cache", mem.get("rss_mb"), 300, fmt=lambda v: f"{v:.0f} MB")
    naive = cold.get("naive_1000")
    per_request = naive[0] / naive[1] if naive and naive[1] else None
    for n in ("1000", "10000", "100000"):
        got = cold.get(n)
        goal = 3.0 if n == "10000" else None
        peer = ""
        if per_request is not None:
            naive_requests = round(naive[1] * int(n) / 1000)
            if n == "1000":
                peer = f"naive client: {_s(naive[0])}, {naive[1]:,} requests (measured)"
            else:
                minutes = per_request * naive_requests / 60
                peer = f"naive client: ~{minutes:.0f} min, {naive_requests:,} requests (extrapolated)"
        label = f"Cold load, {int(n):,} bills + status, 50 ms latency"
        if got:
            rows.append(
                (
                    label,
                    f"{_s(got[0])}, {got[1]} requests",
                    _s(goal) if goal else "",
                    _ok(got[0], goal) if goal else "",
                    peer,
                )
            )
        else:
            rows.append((label, "—", _s(goal) if goal else "", "", peer))
    add("Warm start from the cache, 100,000 bills (store filled)", warm.get("warm_start_s"), 1.5)
    add("Warm start from the cache, 100,000 bills (first screen painted)", warm.get("warm_paint_s"), 1.5)
    add("CSV export, 100,000 invoices", ex.get("csv_100k_s"), 2.0)
    add("PDF summary, 10,000 invoices", ex.get("pdf_10k_s"), 5.0)
    add("PDF summary + 200 invoice PDFs from the sandbox, 20 ms latency", ex.get("bundle_200_s"), 10.0)
    add("Accounts overview, 20 profiles at 50 ms: every cached row shown", ac.get("cached_rows_s"), 0.5)
    add("Accounts overview, 20 profiles at 50 ms: every account refreshed", ac.get("all_refreshed_s"), 3.0,
        f"{ac.get('requests', '—')} requests ({ac.get('requests_failed', '—')} failed, retried), "
        f"at most {ac.get('most_in_flight', '—')} in flight (goal ≤ 8); "
        f"first refresh with empty caches: {_s(ac.get('cold_all_refreshed_s'))}")  # fmt: skip
    add("Insights: monthly view drawn over 100,000 invoices (median of 7)", ins.get("open_monthly_s"), 0.2,
        f"of which the spend index: {_s(ins.get('index_s'))}")  # fmt: skip
    add("Insights: range change redrawn (median of 21)", ins.get("range_change_s"), 0.05,
        f"worst: {_s(ins.get('range_change_worst_s'))}")  # fmt: skip

    lines = ["| measure | result | goal | met | peer (same run) |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in rows]
    return lines


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    wanted = [a for a in argv if not a.startswith("--")] or list(SECTIONS)
    print(f"Running benchmarks: {', '.join(wanted)}", file=sys.stderr)
    results = {name: run_section(name, quick) for name in wanted}
    table = build_table(results)
    header = [
        f"# Benchmarks, {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}. "
        f"Command: `make bench`{' (--quick)' if quick else ''}.",
        "",
    ]
    failures = [f"- {name}: {res['error']}" for name, res in results.items() if "error" in res]
    text = "\n".join([*header, *table, *([""] if failures else []), *failures]) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = _free_name(date.today().isoformat())
    (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"Written: benchmarks/results/{name}.md and .json", file=sys.stderr)
    return 1 if failures else 0


def _free_name(day: str) -> str:
    """``day``, or ``day-b``, ``day-c`` … : a second run the same day does not overwrite the first's results."""
    for suffix in ["", *(f"-{letter}" for letter in "bcdefghijklmnopqrstuvwxyz")]:
        if not (RESULTS / f"{day}{suffix}.md").exists() and not (RESULTS / f"{day}{suffix}.json").exists():
            return day + suffix
    return f"{day}-{len(list(RESULTS.glob(f'{day}*.md')))}"


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
