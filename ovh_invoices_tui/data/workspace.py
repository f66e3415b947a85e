"""Loading the account the invoice workspace shows, and a load started before the UI is up.

The terminal app's process starts the load as soon as the profile is known (:func:`start_load`), while the
UI's modules are still being imported: the first requests wait on the network instead of on the imports. The
App then adopts the :class:`StartedLoad` (its client, store and request log) instead of starting its own.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ovh_invoices_tui.data.accounts import seen_marks
from ovh_invoices_tui.data.invoices import CacheLoad, load_all, load_with_cache
from ovh_invoices_tui.state.invoices import Store

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.api.session import RequestLog
    from ovh_invoices_tui.config import Profile, Settings
    from ovh_invoices_tui.data.cache.db import BillCache

REQUEST_LOG_SIZE = 500  # the recent API calls the request log screen lists


def request_log() -> deque[RequestLog]:
    """The recent API calls of an app (the oldest forgotten)."""
    return deque(maxlen=REQUEST_LOG_SIZE)


def profile_client(
    factory: Callable[..., OvhClient],
    profile: Profile,
    settings: Settings,
    on_request: Callable[[RequestLog], None],
) -> OvhClient:
    """The client of ``profile`` built by ``factory``, with the config's ``timeout``; each attempt told to
    ``on_request``."""
    timeout = {"timeout": settings.timeout} if settings.timeout else {}
    return factory(profile, on_request=on_request, **timeout)


async def load_account(
    client: OvhClient,
    store: Store,
    cache: BillCache | None,
    *,
    on_notice: Callable[[str], object] | None = None,
    lang: str | None = None,
) -> CacheLoad | None:
    """Everything of the account into ``store``: from the API alone without a cache (then None), else what the
    cache holds first and the refresh after it (:func:`~ovh_invoices_tui.data.invoices.load_with_cache`)."""
    if cache is None:
        await load_all(client, store)
        return None
    for bill_id, names in cache.service_names().items():  # searchable from the first keystroke
        store.set_services(bill_id, names)
    store.set_seen_until(seen_marks(cache)[0])  # what is newer is flagged "new"
    return await load_with_cache(client, store, cache, on_notice=on_notice, lang=lang)


@dataclass(eq=False)
class StartedLoad:
    """:func:`load_account` running in ``task`` before any UI; the App that adopts it shows its notices."""

    client: OvhClient
    store: Store
    requests: deque[RequestLog]
    task: asyncio.Task[CacheLoad | None] | None = None
    _notices: list[str] = field(default_factory=list)
    _tell: Callable[[str], object] | None = None

    def notice(self, text: str) -> None:
        """A notice of the load (a cache changed account, say): kept until someone can show it."""
        if self._tell is None:
            self._notices.append(text)
        else:
            self._tell(text)

    def tell_to(self, tell: Callable[[str], object]) -> None:
        """Show the notices kept so far with ``tell``, and the next ones as they come."""
        self._tell = tell
        kept, self._notices = self._notices, []
        for text in kept:
            tell(text)


def start_load(
    client: OvhClient, cache: BillCache | None, requests: deque[RequestLog], *, lang: str | None = None
) -> StartedLoad:
    """Start loading the account into a new store at once (call it on the running event loop)."""
    started = StartedLoad(client, Store(), requests)
    started.task = asyncio.create_task(
        load_account(client, started.store, cache, on_notice=started.notice, lang=lang)
    )
    return started
