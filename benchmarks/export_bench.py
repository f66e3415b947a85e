"""Export benchmarks: each function returns the elapsed seconds (the lead's `make bench` prints the table).

Run alone: ``python -m benchmarks.export_bench``.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.synthetic import sample_rows, tiny_pdf
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.export import export_bills_pdf_bundle, write_bills_csv, write_bills_pdf

GOALS = {"csv": 2.0, "pdf_summary": 5.0, "pdf_bundle": 10.0}
_WHEN = datetime(2026, 1, 1, 12, 0)


def bench_csv(n: int = 100_000, *, dialect: str = "excel-fr") -> float:
    """Seconds to write ``n`` rows as CSV (rows built beforehand, not timed)."""
    rows = sample_rows(n, currencies=("EUR", "USD"))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_bills_csv(rows, Path(folder) / "bills.csv", lang="fr", dialect=dialect)  # type: ignore[arg-type]
        return time.perf_counter() - start


def bench_pdf_summary(n: int = 10_000) -> float:
    """Seconds to write the summary PDF of ``n`` rows."""
    rows = sample_rows(n, currencies=("EUR", "USD"))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_bills_pdf(
            rows, Path(folder) / "bills.pdf", lang="fr", account="xx1234-ovh", scope="bench", generated_at=_WHEN
        )
        return time.perf_counter() - start


async def bench_pdf_bundle(n: int = 200, latency_ms: float = 20, concurrency: int = 4) -> float:
    """Seconds to bundle ``n`` invoices fetched by a fake client sleeping ``latency_ms`` per document."""
    rows = sample_rows(n)
    document = tiny_pdf("Invoice")

    async def fetch(row: BillRow) -> bytes:
        await asyncio.sleep(latency_ms / 1000)
        return document

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        await export_bills_pdf_bundle(
            rows,
            Path(folder) / "bundle.pdf",
            fetch_pdf=fetch,
            lang="fr",
            account="xx1234-ovh",
            scope="bench",
            generated_at=_WHEN,
            concurrency=concurrency,
        )
        return time.perf_counter() - start


def main() -> None:
    timings = {
        "csv": ("CSV 100,000 rows", bench_csv()),
        "pdf_summary": ("PDF summary 10,000 rows", bench_pdf_summary()),
        "pdf_bundle": ("PDF bundle 200 @ 20 ms", asyncio.run(bench_pdf_bundle())),
    }
    for key, (label, seconds) in timings.items():
        goal = GOALS[key]
        verdict = "ok" if seconds <= goal else "SLOW"
        print(f"{label:<26} {seconds:6.2f} s   goal ≤ {goal:g} s   {verdict}")


if __name__ == "__main__":
    main()
