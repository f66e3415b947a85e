"""A process killed while it writes the cache never leaves an unpaid invoice shown as "Paid".

A real subprocess loads the sandbox into the cache and is SIGKILLed by the test hook once the bills are
written, before the refresh is committed; the next offline start is then checked against the sandbox.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ovh_invoices_tui.api.errors import NetworkError
from ovh_invoices_tui.config import demo_profile
from ovh_invoices_tui.core.models import PAID, UNKNOWN
from ovh_invoices_tui.data.cache.db import KILL_AT_ENV, BillCache
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.invoices import load_all, load_with_cache
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.state.invoices import Store
from tests.test_cache import offline_client

NOW = datetime(2026, 3, 1, tzinfo=UTC)
RUNS = int(os.environ.get("CACHE_KILL_RUNS", "2"))  # CACHE_KILL_RUNS=20 for the figure of the closing note

_LOAD = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import datetime
    from ovh_invoices_tui.data.clients import make_client
    from ovh_invoices_tui.config import demo_profile
    from ovh_invoices_tui.data.cache.db import BillCache
    from ovh_invoices_tui.data.invoices import load_with_cache
    from ovh_invoices_tui.sandbox.config import SandboxConfig
    from ovh_invoices_tui.state.invoices import Store

    async def main(path, bills, seed, now):
        config = SandboxConfig(bills=int(bills), seed=int(seed), now=datetime.fromisoformat(now))
        with BillCache.open(path) as cache:
            async with make_client(demo_profile(), sandbox=config) as client:
                await load_with_cache(client, Store(), cache)

    asyncio.run(main(*sys.argv[1:]))
    """
)


def load_in_a_process(path: Path, config: SandboxConfig, *, kill_at: str | None) -> int:
    """Run a start (load + save to the cache) in a real process; its exit status (-9: killed)."""
    env = {key: value for key, value in os.environ.items() if key != KILL_AT_ENV}
    if kill_at is not None:
        env[KILL_AT_ENV] = kill_at
    assert config.now is not None
    args = [str(path), str(config.bills), str(config.seed), config.now.isoformat()]
    return subprocess.run([sys.executable, "-c", _LOAD, *args], env=env, timeout=120, check=False).returncode


async def truth(config: SandboxConfig) -> dict[str, str]:
    """Each bill's status as the sandbox says."""
    store = Store()
    async with make_client(demo_profile(), sandbox=config) as client:
        await load_all(client, store)
    return {row.bill.bill_id: row.status for row in store.rows}


async def offline_start(path: Path) -> Store | None:
    """The next start with the network down: what the user sees, None when there is nothing to show."""
    store = Store()
    with BillCache.open(path) as cache:
        try:
            await load_with_cache(offline_client(), store, cache)
        except NetworkError:
            return None
    return store


def false_paid(store: Store, statuses: dict[str, str]) -> list[str]:
    return [row.bill.bill_id for row in store.rows if row.status == PAID and statuses[row.bill.bill_id] != PAID]


@pytest.mark.parametrize("run", range(RUNS))
async def test_killed_during_the_first_save_shows_no_false_paid(tmp_path: Path, run: int) -> None:
    config = SandboxConfig(bills=400, seed=100 + run, now=NOW)
    path = tmp_path / "c.sqlite3"
    assert load_in_a_process(path, config, kill_at="bills-written") == -signal.SIGKILL
    statuses = await truth(config)
    assert any(status != PAID for status in statuses.values())  # there are unpaid bills to lose
    store = await offline_start(path)
    if store is not None:
        assert false_paid(store, statuses) == []
        # whatever is shown has its debts: each status is the sandbox's, or honestly unknown
        assert [r.bill.bill_id for r in store.rows if r.status not in (statuses[r.bill.bill_id], UNKNOWN)] == []


@pytest.mark.parametrize("run", range(RUNS))
async def test_killed_during_a_later_refresh_keeps_the_last_known_debts(tmp_path: Path, run: int) -> None:
    first = SandboxConfig(bills=400, seed=200 + run, now=NOW)
    path = tmp_path / "c.sqlite3"
    assert load_in_a_process(path, first, kill_at=None) == 0
    before = await offline_start(path)
    assert before is not None
    known = {row.bill.bill_id: row.status for row in before.rows}
    assert known == await truth(first)
    later = SandboxConfig(bills=430, seed=200 + run, now=NOW + timedelta(days=40))  # new bills since
    assert load_in_a_process(path, later, kill_at="bills-written") == -signal.SIGKILL
    after = await offline_start(path)
    assert after is not None
    assert {row.bill.bill_id: row.status for row in after.rows} == known  # all of the last refresh, none of this


async def test_bills_whose_debts_were_never_saved_show_unknown_not_paid(tmp_path: Path) -> None:
    """A cache left by an older version's crash (bills, no debts): "? unknown" in the table, totals and CSV."""
    from pypdf import PdfReader

    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings
    from ovh_invoices_tui.export.csv_export import write_bills_csv
    from ovh_invoices_tui.export.pdf_summary import write_bills_pdf
    from tests.screen_text import screen_text

    config = SandboxConfig(bills=60, seed=5, now=NOW)
    async with make_client(demo_profile(), sandbox=config) as client:
        bills = [bill async for page in client.iter_bills() for bill in page.items]
    path = tmp_path / "c.sqlite3"
    with BillCache.open(path) as cache:
        cache.save_bills(bills)  # as the two-transaction save left it: no debts saved with them
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    with BillCache.open(path) as cache:
        app = OvhInvoicesApp(
            settings=settings, profile=demo_profile(), lang="en", cache=cache,
            client_factory=lambda profile, **kw: offline_client(),
        )  # fmt: skip
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.session.store.progress.done:
                await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.session.store.progress.offline and len(app.session.store.rows) == len(bills)
            assert {row.status for row in app.session.store.rows} == {UNKNOWN}
            text = screen_text(app)
            assert "? unknown" in text and "Paid" not in text
            assert "status unknown: 60" in text  # the totals say the balance is not known
            assert app.session.store.view_totals().unknown == len(bills)
            rows = list(app.session.store.view)
    target = tmp_path / "bills.csv"
    write_bills_csv(rows, target, dialect="rfc4180")
    lines = target.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) == len(bills)
    assert all(line.split(",")[6:8] == ["", "? unknown"] for line in lines)  # balance empty, status unknown
    pdf = tmp_path / "bills.pdf"
    write_bills_pdf(rows, pdf, lang="fr", account="xx12345-ovh", scope="Toutes", generated_at=NOW)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert text.count("? inconnu") == len(bills) and "Payée" not in text
