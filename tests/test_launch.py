"""A load started before the UI (what the process does on a cold start) is adopted by the App, not run twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.config import Settings, demo_profile
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.workspace import profile_client, request_log, start_load
from ovh_invoices_tui.sandbox.config import SandboxConfig
from tests.conftest import wait_loaded
from tests.screen_text import screen_lines

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
