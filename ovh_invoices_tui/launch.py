"""Running the terminal app as a process: with nothing cached, the account loads while the UI is imported.

Importing Textual and the screens takes a few hundred milliseconds. The profile is known before that, so on a
cold start the first requests (server time, ``/me``, the first page of bills) are sent at once, on the event
loop the app will run on, while the UI's modules are imported in a thread; the App then adopts that load
(:class:`~ovh_invoices_tui.data.workspace.StartedLoad`) and shows what it has already put in the store.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from ovh_invoices_tui.config import Profile, Settings
from ovh_invoices_tui.core.i18n import language_of
from ovh_invoices_tui.data.cache.db import BillCache
from ovh_invoices_tui.data.cache.profile import clear_caches, demo_client_factory, open_profile_cache
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.workspace import StartedLoad, profile_client, request_log, start_load
from ovh_invoices_tui.debug_log import tee

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp


def run_app(
    *,
    settings: Settings,
    profile: Profile,
    readonly: bool = False,
    lang: str | None = None,
    use_cache: bool = True,
    accounts: Sequence[Profile] = (),
) -> int:
    """Run the terminal app until the user quits; returns the exit code.

    With ``accounts`` (two or more profiles) it opens on the accounts overview; ``profile`` is then the first.
    """
    demo = [p for p in (profile, *accounts) if p.demo]
    if use_cache:
        # The in-process sandbox is born anew at each start (what was paid in it last time is gone):
        # a cache kept from an earlier run would show payments and dates that no longer exist.
        for each in {p.name: p for p in demo}.values():
            clear_caches(each)
    cache = open_profile_cache(profile) if use_cache else None
    apps: list[OvhInvoicesApp] = []
    try:
        return asyncio.run(_run(settings, profile, readonly, lang, cache, accounts, apps))
    finally:  # once every worker thread is over (a cache write, say); the app may have switched caches
        last = apps[0].session.cache if apps else cache
        if last is not None:
            last.close()


async def _run(
    settings: Settings,
    profile: Profile,
    readonly: bool,
    lang: str | None,
    cache: BillCache | None,
    accounts: Sequence[Profile],
    apps: list[OvhInvoicesApp],
) -> int:
    importing = asyncio.create_task(asyncio.to_thread(_import_app))
    factory = demo_client_factory(cache) if any(p.demo for p in (profile, *accounts)) else make_client
    started: StartedLoad | None = None
    # With invoices cached, the first frame comes from the cache and the UI goes first: the App starts the load
    # once it is up. With nothing cached, the network goes first. With several accounts the overview comes
    # first: nothing is loaded before the user picks one.
    if not accounts and (cache is None or cache.newest_bill_date() is None):
        requests = request_log()
        client = profile_client(factory, profile, settings, tee(requests.append))
        chosen = lang or profile.language or settings.language  # as the App decides its language
        started = start_load(client, cache, requests, lang=language_of(chosen) if chosen else None)
    ui = await importing
    gc.freeze()  # the modules, classes and functions imported live as long as the process: never scanned again
    app = ui.OvhInvoicesApp(settings=settings, profile=profile, readonly=readonly, lang=lang, client_factory=factory,
                            cache=cache, accounts=accounts, started=started)  # fmt: skip
    apps.append(app)
    return int(await app.run_async() or 0)


def _import_app() -> ModuleType:
    from ovh_invoices_tui import app

    return app
