"""Benchmark: loading an account cold (over real loopback HTTP), naively, and warm from the local cache.

Each function returns plain numbers for the ``make bench`` table::

    await cold_load(10_000, latency_ms=50)   -> (seconds, requests)   load_all through uvicorn on 127.0.0.1
    await naive_load(1_000, latency_ms=50)   -> (seconds, requests)   ids, then each bill and its debt in turn
    warm_start(100_000)                      -> seconds               open the cache .. store filled
    warm_paint(100_000)                      -> seconds               app start .. first rows painted (headless)
    warm_paint(100_000, full=True)           -> seconds               app start .. all rows in the table
    resident_memory_mb(100_000)              -> MB                    VmRSS with 100,000 bills in the store

Run: ``python -m benchmarks.load_bench [n_cold] [n_naive] [n_warm]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import NotFoundError
from ovh_invoices_tui.api.session import RequestLog
from ovh_invoices_tui.core.models import Account, Bill, Debt, DebtBalance
from ovh_invoices_tui.data.cache.db import BillCache
from ovh_invoices_tui.data.invoices import load_all
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.invoices import Store

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # a fixed "today": the same data at every run
SIZE = (120, 40)


# --- the sandbox over real HTTP ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served_sandbox(config: SandboxConfig) -> Iterator[str]:
    """The sandbox served by uvicorn on 127.0.0.1 in a thread; yields its API base URL."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/1.0"
    app = create_app(dataclasses.replace(config, base_url=base_url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="sandbox-http", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def http_client(base_url: str, log: list[RequestLog], **options: Any) -> OvhClient:
    return OvhClient(
        base_url,
        application_key=credentials.APPLICATION_KEY,
        application_secret=credentials.APPLICATION_SECRET,
        consumer_key=credentials.CONSUMER_KEY,
        on_request=log.append,
        **options,
    )


async def cold_load(n: int, latency_ms: int = 50) -> tuple[float, int]:
    """``load_all`` of ``n`` bills from the sandbox over loopback HTTP: (seconds, requests sent)."""
    with served_sandbox(SandboxConfig(bills=n, latency_ms=latency_ms, now=NOW)) as base_url:
        log: list[RequestLog] = []
        async with http_client(base_url, log) as client:
            store = Store()
            started = time.perf_counter()
            await load_all(client, store)
            elapsed = time.perf_counter() - started
        assert len(store.rows) == n, (len(store.rows), n)
    return elapsed, len(log)


async def naive_load(n: int = 1000, latency_ms: int = 50) -> tuple[float, int]:
    """What community scripts do: ``GET /me/bill`` (ids), then each bill and its debt, one after the other."""
    with served_sandbox(SandboxConfig(bills=n, latency_ms=latency_ms, now=NOW)) as base_url:
        log: list[RequestLog] = []
        async with http_client(base_url, log, use_iceberg=False, max_in_flight=1) as client:
            started = time.perf_counter()
            bills: list[tuple[Bill, Debt | None]] = []
            for bill_id in await client.get("/me/bill"):
                bill = await client.bill(str(bill_id))
                try:
                    debt = await client.bill_debt(bill.bill_id)
                except NotFoundError:
                    debt = None
                bills.append((bill, debt))
            elapsed = time.perf_counter() - started
        assert len(bills) == n, (len(bills), n)
    return elapsed, len(log)


# --- warm start from the cache ------------------------------------------------------------------------------


def cache_of(n: int, folder: Path | None = None) -> Path:
    """A cache file holding the sandbox account of ``n`` bills (built once, kept in the temp folder)."""
    folder = folder or Path(tempfile.gettempdir()) / "ovh-invoices-bench"
    path = folder / f"sandbox-{n}.sqlite3"
    if path.exists():
        with BillCache.open(path) as cache:
            if cache.bill_count() == n:
                return path
    app = create_app(SandboxConfig(bills=n, now=NOW))
    state = app.state.sandbox
    views = state.views
    bills = [Bill.from_api(views.bill(i)) for i in range(len(state.data.bills))]
    debts = [Debt.from_api(views.debt(d)) for d in state.data.debts]
    with BillCache.open(path) as cache:
        cache.save_bills(bills)
        cache.save_state(
            account=Account.from_api(views.me()), balance=DebtBalance.from_api(views.balance()), debts=debts
        )
    return path


def fill_from_cache(path: Path) -> Store:
    """What the app does first at a warm start: open the cache, put its state in the store."""
    store = Store()
    with BillCache.open(path) as cache:
        state = cache.load_state()
    with store.batch():
        if state.debts is not None:  # saved with the bills (else their state is unknown, as in the app)
            store.set_debts(state.debts)
        store.add_bills(state.bills)
        if state.account is not None:
            store.set_account(state.account)
        if state.balance is not None:
            store.set_balance(state.balance)
    return store


def warm_start(n: int = 100_000) -> float:
    """Seconds from opening the cache of ``n`` bills to the store filled (best of three)."""
    path = cache_of(n)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        store = fill_from_cache(path)
        best = min(best, time.perf_counter() - started)
        assert len(store.rows) == n
        del store
    return best


class _SlowNetwork(httpx.AsyncBaseTransport):
    """An API that answers after a minute: the refresh stays pending while the cached table is painted."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        raise httpx.ConnectTimeout("no answer", request=request)


async def warm_paint(n: int = 100_000, *, full: bool = False) -> float:
    """Seconds from starting the app (headless) with the cache of ``n`` bills to the table painted.

    The newest bills are painted first; with ``full`` the time until all ``n`` are in the table.
    """
    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings, demo_profile
    from ovh_invoices_tui.widgets.bill_table import BillTable

    path = cache_of(n)
    folder = Path(tempfile.mkdtemp(prefix="ovh-invoices-bench-"))

    def client_factory(profile: Any, **options: Any) -> OvhClient:
        return OvhClient(credentials.INPROCESS_BASE_URL, application_key=credentials.APPLICATION_KEY,
                         application_secret=credentials.APPLICATION_SECRET, consumer_key=credentials.CONSUMER_KEY,
                         transport=_SlowNetwork(), retries=0, **options)  # fmt: skip

    settings = Settings(path=folder / "config.toml", download_dir=folder)
    wanted = n if full else 1
    with BillCache.open(path) as cache:
        started = time.perf_counter()
        app = OvhInvoicesApp(settings=settings, profile=demo_profile(), lang="en", cache=cache,
                             client_factory=client_factory)  # fmt: skip
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(BillTable)
            painted: list[float] = []
            render_line = table.render_line

            def timed_render_line(y: int) -> Any:
                # the moment the compositor first draws a line of the table holding the wanted rows
                if not painted and len(table.rows) >= wanted:
                    painted.append(time.perf_counter() - started)
                return render_line(y)

            table.render_line = timed_render_line  # type: ignore[method-assign]
            while not painted:
                await asyncio.sleep(0.002)
            app.workers.cancel_all()
            await pilot.pause()
    return painted[0]


def resident_memory_mb(n: int = 100_000) -> float:
    """VmRSS in MB of a fresh process holding the ``n`` cached bills in a store (the table's data)."""
    path = cache_of(n)
    code = "import sys, benchmarks.load_bench as b; b._report_rss(sys.argv[1])"
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True, cwd=_root()
    ).stdout
    return float(json.loads(out)["after_mb"])


def _root() -> str:
    return str(Path(__file__).resolve().parent.parent)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def _report_rss(path: str) -> None:
    before = _rss_mb()
    store = fill_from_cache(Path(path))
    print(json.dumps({"before_mb": round(before, 1), "after_mb": round(_rss_mb(), 1), "rows": len(store.rows)}))


def main(argv: list[str]) -> None:
    n_cold = int(argv[0]) if argv else 10_000
    n_naive = int(argv[1]) if len(argv) > 1 else 1_000
    n_warm = int(argv[2]) if len(argv) > 2 else 100_000
    results: dict[str, Any] = {}
    for n in sorted({1_000, n_cold}):
        seconds, requests = asyncio.run(cold_load(n, 50))
        results[f"cold_load_{n}"] = {"seconds": round(seconds, 3), "requests": requests}
    seconds, requests = asyncio.run(naive_load(n_naive, 50))
    results[f"naive_load_{n_naive}"] = {"seconds": round(seconds, 3), "requests": requests}
    results[f"warm_start_{n_warm}"] = {"seconds": round(warm_start(n_warm), 3)}
    results[f"warm_paint_{n_warm}"] = {"seconds": round(asyncio.run(warm_paint(n_warm)), 3)}
    results[f"warm_paint_all_{n_warm}"] = {"seconds": round(asyncio.run(warm_paint(n_warm, full=True)), 3)}
    results[f"rss_{n_warm}"] = {"mb": resident_memory_mb(n_warm)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
