"""Several real processes creating and writing one cache file at the same moment lose nothing."""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
from multiprocessing.synchronize import Barrier
from pathlib import Path

from ovh_invoices_tui.data.cache.db import BillCache
from tests.factories import make_bill

WRITERS = 8
ROUNDS = 3
BILLS_EACH = 40


def _writer(path: str, number: int, barrier: Barrier, results: multiprocessing.Queue[str]) -> None:
    """Open (creating) the cache the moment every writer is ready, save its own bills, report what went wrong."""
    problems: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            problems.append(record.getMessage())

    logging.getLogger("ovh_invoices_tui").addHandler(Collect(logging.WARNING))
    try:
        barrier.wait(timeout=30)
        with BillCache.open(path) as cache:
            first = number * 1000
            for start in range(0, BILLS_EACH, 10):  # several transactions, interleaved with the other writers'
                cache.save_bills(make_bill(first + n) for n in range(start, start + 10))
            problems += cache.take_notices()
    except Exception as exc:  # reported to the parent, which fails the test with it
        problems.append(f"{type(exc).__name__}: {exc}")
    results.put("\n".join(problems))


def test_eight_processes_creating_one_cache_at_once_lose_no_row(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")  # the same moment: no interpreter start between the writers
    for round_number in range(ROUNDS):
        path = tmp_path / f"round{round_number}" / "c.sqlite3"
        barrier = context.Barrier(WRITERS)
        results: multiprocessing.Queue[str] = context.Queue()
        writers = [
            context.Process(target=_writer, args=(str(path), number, barrier, results)) for number in range(WRITERS)
        ]
        for process in writers:
            process.start()
        reports = [results.get(timeout=60) for _ in writers]
        for process in writers:
            process.join(timeout=60)
            assert process.exitcode == 0
        assert [r for r in reports if r] == [], f"round {round_number}"
        with sqlite3.connect(path) as db:
            count = db.execute("SELECT count(*) FROM bill").fetchone()[0]
        assert count == WRITERS * BILLS_EACH, f"round {round_number}: {count} rows"
