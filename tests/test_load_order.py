"""Newest first while loading: pages arriving in any order never push the newest invoices off the first screen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.config import Settings, demo_profile
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from ovh_invoices_tui.state.invoices import Change
from ovh_invoices_tui.widgets.bill_table import BillTable
from tests.conftest import wait_for, wait_loaded
from tests.factories import sandbox_clients
from tests.screen_text import screen_lines

PAGE = 500
BILLS = 3_000  # six pages


class PagesOnCue(httpx.AsyncBaseTransport):
    """The sandbox, with bill pages of PAGE and every page after the first held until the test lets it go."""

    def __init__(self, config: SandboxConfig) -> None:
        self.inner = httpx.ASGITransport(app=create_app(config))
        self.release = {number: asyncio.Event() for number in range(2, BILLS // PAGE + 1)}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        number = request.headers.get("X-Pagination-Number")
        if request.url.path.endswith("/me/bill") and number is not None:
            request.headers["X-Pagination-Size"] = str(PAGE)
            if int(number) in self.release:
                await self.release[int(number)].wait()
        return await self.inner.handle_async_request(request)


async def test_the_first_screen_shows_the_newest_bills_after_every_page(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = SandboxConfig(bills=BILLS, seed=23, now=datetime(2026, 12, 1, tzinfo=UTC))
    transport = PagesOnCue(config)
    tops: list[tuple[int, str, str]] = []  # (rows known, row under the cursor, newest known)
    screen_saw = InvoicesScreen._on_store_change

    def after_the_screen(screen: InvoicesScreen, changes: set[Change]) -> None:
        screen_saw(screen, changes)
        store = screen.session.store
        if Change.ROWS in changes and store.rows:
            newest = max(store.rows, key=lambda row: (row.bill.date, row.bill.bill_id))
            shown = screen.query_one(BillTable).current_row
            tops.append((len(store.rows), shown.bill.bill_id if shown else "", newest.bill.bill_id))

    monkeypatch.setattr(InvoicesScreen, "_on_store_change", after_the_screen)
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path)
    clients = sandbox_clients(transport)
    app = OvhInvoicesApp(settings=settings, profile=demo_profile(), client_factory=clients, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(BillTable)
        await wait_for(lambda: len(table.rows) == PAGE, pilot)
        # the last pages first, then the others; each once the list shows the one before (a load is drawn at
        # most every LOADING_REDRAW_S: pages let go together would be drawn together)
        for number in sorted(transport.release, reverse=True):
            transport.release[number].set()
            await wait_for(lambda n=number: len(table.rows) >= BILLS - (n - 2) * PAGE, pilot)
        await wait_loaded(app, pilot)
        newest = app.session.store.view[0].bill
        # the list's own lines: the banner above it names the oldest overdue bill (FR…) once one is late
        first_line = next(line for line in screen_lines(app)[table.region.y : table.region.bottom] if "FR" in line)
    assert [count for count, _, _ in tops if count > 0][:1] == [PAGE]  # the first page was on screen alone
    assert len({count for count, _, _ in tops}) == BILLS // PAGE
    assert [(count, top) for count, top, newest_id in tops if top != newest_id] == []
    assert table.cursor_row == 0 and newest.bill_id in first_line


async def test_pages_arriving_together_are_drawn_together_and_the_end_of_the_load_at_once(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = SandboxConfig(bills=BILLS, seed=23, now=datetime(2026, 12, 1, tzinfo=UTC))
    transport = PagesOnCue(config)
    drawn: list[tuple[int, bool]] = []  # (rows in the table, load done) at each drawing of new rows
    screen_saw = InvoicesScreen._on_store_change

    def after_the_screen(screen: InvoicesScreen, changes: set[Change]) -> None:
        screen_saw(screen, changes)
        if changes & {Change.ROWS, Change.PROGRESS}:
            drawn.append((len(screen.query_one(BillTable).rows), screen.session.store.progress.done))

    monkeypatch.setattr(InvoicesScreen, "_on_store_change", after_the_screen)
    # a drawing interval longer than the whole load, however busy the machine: the pages are surely held
    monkeypatch.setattr("ovh_invoices_tui.screens.invoices.LOADING_REDRAW_S", 60.0)
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path)
    clients = sandbox_clients(transport)
    app = OvhInvoicesApp(settings=settings, profile=demo_profile(), client_factory=clients, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.screen.query_one(BillTable)
        await wait_for(lambda: len(table.rows) == PAGE, pilot)  # the first page is drawn alone, at once
        for release in transport.release.values():  # every other page at once
            release.set()
        await wait_loaded(app, pilot)
    # the other pages were held (drawn with the account, when /me answered, else not before the end), and the
    # end of the load was drawn at once, complete (not a minute later)
    assert len({count for count, _ in drawn if count > PAGE}) <= 2 < BILLS // PAGE - 1
    assert drawn[-1] == (BILLS, True)


async def test_a_refresh_joins_the_debts_to_the_bills_as_soon_as_they_are_read(tmp_path: Any) -> None:
    from ovh_invoices_tui.data.cache.db import BillCache
    from ovh_invoices_tui.data.invoices import refresh_with_cache
    from ovh_invoices_tui.state.invoices import Store

    config = SandboxConfig(bills=BILLS, seed=23, now=datetime(2026, 12, 1, tzinfo=UTC))
    transport = PagesOnCue(config)
    client = sandbox_clients(transport)()
    store = Store()
    with BillCache.open(tmp_path / "cache.sqlite3") as cache:
        refresh = asyncio.create_task(refresh_with_cache(client, store, cache))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while store.balance is None or len(store.rows) < PAGE:  # the other pages of bills are held
            assert loop.time() < deadline, "the balance and the debts waited for the whole listing"
            await asyncio.sleep(0.01)
        assert len(store.rows) == PAGE and all(row.debt_known for row in store.rows)  # statuses known already
        for release in transport.release.values():
            release.set()
        assert await refresh == BILLS
    assert len(store.rows) == BILLS and all(row.debt_known for row in store.rows) and store.progress.done
    await client.aclose()
