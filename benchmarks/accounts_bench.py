"""Benchmark: the accounts overview with 20 profiles on a sandbox server at 50 ms latency.

Goals (issue "Support desk"): every cached row shown within 0.5 s, every account refreshed within 3 s, never
more than 8 requests in flight in all. The first round fills the caches; the second is measured: time to the
last cached row, time to the last refreshed row, and the most requests seen in flight at once (counted by a
meter every client's transport shares), with the requests sent and those that failed (retried: none expected).

Run: ``python -m benchmarks.accounts_bench [profiles] [latency_ms]``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.process_bench import Server
from ovh_invoices_tui.api.http import httpx
from ovh_invoices_tui.api.retry import RETRYABLE_STATUSES


@dataclass
class Meter:
    """The requests of every account's client together: in flight now, the most at once, sent, failed."""

    in_flight: int = 0
    most: int = 0
    total: int = 0
    failed: int = 0  # no answer or a retryable status: each one is retried after a backoff the user waits for


class CountingTransport(httpx.AsyncHTTPTransport):
    """One client's own connections, as the app gives each account, counted in the meter they all share.

    Never one transport for every client: a client closes its transport when its account is done, and a shared
    one then cut the requests of the accounts still refreshing (retried after a random backoff: the measured
    round took 2.3 s or 3.5 s by luck, with 35-80 requests more than the app sends).
    """

    def __init__(self, meter: Meter) -> None:
        super().__init__()
        self.meter = meter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        meter = self.meter
        meter.in_flight += 1
        meter.total += 1
        meter.most = max(meter.most, meter.in_flight)
        try:
            response = await super().handle_async_request(request)
            await response.aread()
        except BaseException:
            meter.failed += 1
            raise
        finally:
            meter.in_flight -= 1
        if response.status_code in RETRYABLE_STATUSES:
            meter.failed += 1
        return response


async def _round(profiles: list[Any], meter: Meter) -> dict[str, float]:
    from ovh_invoices_tui.data.accounts import AccountSource, refresh_all
    from ovh_invoices_tui.data.cache.profile import open_profile_cache
    from ovh_invoices_tui.data.clients import make_client

    started = time.perf_counter()
    cached_at: list[float] = []
    refreshed_at: list[float] = []

    def seen(state: Any) -> None:
        (cached_at if state.refreshing else refreshed_at).append(time.perf_counter() - started)

    sources = [
        AccountSource(
            p.name, p.endpoint, p.readonly,
            (lambda limiter, p=p: make_client(p, limiter=limiter, transport=CountingTransport(meter))),
            (lambda p=p: open_profile_cache(p)),
        )
        for p in profiles
    ]  # fmt: skip
    states = await refresh_all(sources, seen)
    failed = [s.profile for s in states if s.problem]
    return {
        "cached_rows_s": max(cached_at, default=0.0),
        "all_refreshed_s": max(refreshed_at, default=0.0),
        "failed": len(failed),
    }


def bench_accounts(count: int = 20, latency_ms: int = 50) -> dict[str, Any]:
    from ovh_invoices_tui.config import Profile
    from ovh_invoices_tui.sandbox import credentials

    with tempfile.TemporaryDirectory(prefix="ovh-accounts-") as tmp:
        folder = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
        os.environ["HOME"] = str(folder)
        server = Server(folder, 500, latency_ms)
        try:
            profiles = [
                Profile(name=f"client-{n:02d}", endpoint=server.url, application_key=credentials.APPLICATION_KEY,
                        application_secret=credentials.APPLICATION_SECRET, consumer_key=credentials.CONSUMER_KEY)
                for n in range(count)
            ]  # fmt: skip
            cold = asyncio.run(_round(profiles, Meter()))
            meter = Meter()
            warm = asyncio.run(_round(profiles, meter))
        finally:
            server.stop()
    return {
        "profiles": count,
        "latency_ms": latency_ms,
        "cold_all_refreshed_s": cold["all_refreshed_s"],
        "cached_rows_s": warm["cached_rows_s"],
        "all_refreshed_s": warm["all_refreshed_s"],
        "most_in_flight": meter.most,
        "requests": meter.total,
        "requests_failed": meter.failed,
        "failed": warm["failed"],
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    latency = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    print(json.dumps(bench_accounts(n, latency)))
