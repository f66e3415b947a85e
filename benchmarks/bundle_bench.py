"""The "with the invoices" PDF export against the sandbox: 200 invoice PDFs, 20 ms latency on every request.

The sandbox's own latency option applies to API routes only, so the latency here is added by a transport
wrapper around the in-process sandbox, for every request (documents included).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.data.invoices import load_all
from ovh_invoices_tui.export import export_bills_pdf_bundle
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.invoices import Store


class LatencyTransport(httpx.AsyncBaseTransport):
    """Adds a fixed delay before each request reaches the wrapped transport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, latency_ms: float) -> None:
        self.inner = inner
        self.latency = latency_ms / 1000

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.latency)
        return await self.inner.handle_async_request(request)


async def bench_bundle_from_sandbox(n: int = 200, latency_ms: float = 20) -> float:
    """Seconds to export the summary plus ``n`` invoice PDFs downloaded from the sandbox (load not timed)."""
    app = create_app(SandboxConfig(bills=n, seed=3))
    transport = LatencyTransport(httpx.ASGITransport(app=app), latency_ms)
    client = OvhClient(
        credentials.INPROCESS_BASE_URL,
        application_key=credentials.APPLICATION_KEY,
        application_secret=credentials.APPLICATION_SECRET,
        consumer_key=credentials.CONSUMER_KEY,
        transport=transport,
    )
    async with client:
        store = Store()
        await load_all(client, store)

        async def fetch(row: BillRow) -> bytes:
            return await client.download_document(row.bill.pdf_url, expect_pdf=True)

        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            result = await export_bills_pdf_bundle(
                store.view,
                Path(folder) / "bundle.pdf",
                fetch_pdf=fetch,
                lang="fr",
                account=store.account.nichandle if store.account else "",
                scope="bench",
                generated_at=datetime.now(),
                concurrency=8,
            )
            elapsed = time.perf_counter() - start
    if result.failures:
        raise RuntimeError(f"{len(result.failures)} invoices failed: {result.failures[:3]}")
    return elapsed


if __name__ == "__main__":
    print(f"{asyncio.run(bench_bundle_from_sandbox()):.2f} s")
