"""A load started before the UI (what the process does on a cold start) is adopted by the App, not run twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.config import Settings, demo_profile
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.workspace import profile_client, request_log, start_load
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.widgets.bill_table import BillTable
from tests.conftest import wait_for, wait_loaded
from tests.factories import sandbox_clients
from tests.screen_text import screen_lines
from tests.test_load_order import BILLS as CUED_BILLS
from tests.test_load_order import PAGE, PagesOnCue

BILLS = 240


async def test_the_app_shows_the_load_started_before_it_and_its_notices(tmp_path: Path) -> None:
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path)
    config = SandboxConfig(bills=BILLS, seed=5)
    requests = request_log()
    client = profile_client(
        lambda profile, **kw: make_client(profile, sandbox=config, **kw), demo_profile(), settings, requests.append
    )
    started = start_load(client, None, requests, lang="en")
    while not started.store.rows:  # the first bills are in before any UI exists
        await asyncio.sleep(0.01)
    started.notice("kept until the UI is up")
    app = OvhInvoicesApp(settings=settings, profile=demo_profile(), lang="en", started=started)
    notices: list[str] = []
    app.notify = lambda message, **kw: notices.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(app, pilot)
        assert app.session.store is started.store and app.session.client is client
        assert len(app.session.store.view) == BILLS
        newest = app.session.store.view[0].bill.bill_id
        assert any(newest in line for line in screen_lines(app))
    assert notices == ["kept until the UI is up"]
    # one listing: the app went on with the started load instead of starting another
    assert [entry.path for entry in app.request_log].count("/me/bill") == 1
    assert app.request_log is requests


async def test_a_load_started_before_the_ui_is_drawn_as_its_pages_arrive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load a cold start begins before the UI exists runs outside the app: the rows it brings while the list
    holds redraws back must still be drawn a moment later, not only once the whole load is over."""
    monkeypatch.setattr("ovh_invoices_tui.screens.invoices.LOADING_REDRAW_S", 1.0)  # page 2 is surely held back
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path)
    transport = PagesOnCue(SandboxConfig(bills=CUED_BILLS, seed=23, now=datetime(2026, 12, 1, tzinfo=UTC)))

    requests = request_log()
    # started here, in no app's context, as the process does before the UI is imported
    client = profile_client(sandbox_clients(transport), demo_profile(), settings, requests.append)
    started = start_load(client, None, requests, lang="en")
    app = OvhInvoicesApp(settings=settings, profile=demo_profile(), lang="en", started=started)
    async with app.run_test(size=(120, 30)) as pilot:
        store, table = app.session.store, app.screen.query_one(BillTable)
        # the first page, the account and the balance drawn: nothing but rows is left to come
        await wait_for(lambda: len(table.rows) == PAGE and store.account is not None and store.balance is not None,
                       pilot)  # fmt: skip
        transport.release[2].set()
        await wait_for(lambda: len(table.rows) == 2 * PAGE, pilot)
        assert not store.progress.done  # drawn while the other pages are still on their way
        assert any(f"loading {2 * PAGE:,}/{CUED_BILLS:,}" in line for line in screen_lines(app))
        for release in transport.release.values():
            release.set()
        await wait_loaded(app, pilot)
        assert len(table.rows) == CUED_BILLS
