"""Invoices: the loaders feeding the store page by page, and an invoice's lines (run them in workers)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import NetworkError
from ovh_invoices_tui.core.memory import release_free_memory
from ovh_invoices_tui.core.models import Account, Bill, BillDetail, Debt, DebtBalance, ModelError
from ovh_invoices_tui.data.cache.db import CachedState
from ovh_invoices_tui.data.cache.profile import check_account
from ovh_invoices_tui.state.invoices import LoadProgress, Store

if TYPE_CHECKING:
    from ovh_invoices_tui.data.cache.db import BillCache

log = logging.getLogger(__name__)


async def load_debts(client: OvhClient) -> tuple[list[Debt], list[ModelError]]:
    """Every debt of the account (``/me/debtAccount/debt``), joined later to bills on ``orderId``."""
    debts: list[Debt] = []
    errors: list[ModelError] = []
    async for page in client.iter_debts():
        debts.extend(page.items)
        errors.extend(page.errors)
    return debts, errors


async def refresh_balance(client: OvhClient, store: Store) -> None:
    """Re-read what changes: the account balance and the debts (status and "Solde" of each bill)."""
    balance, (debts, errors) = await asyncio.gather(client.debt_account(), load_debts(client))
    with store.batch():
        store.set_balance(balance)
        store.set_debts(debts)
        store.add_load_errors(errors)


async def load_all(client: OvhClient, store: Store) -> None:
    """Account, bills (as pages arrive, with progress), debts and balance, concurrently."""
    store.set_progress(LoadProgress(loaded=0, total=None))
    account_task = _publish_account(asyncio.create_task(client.me()), store)
    balance_task = asyncio.create_task(refresh_balance(client, store))
    loaded = 0
    total: int | None = None
    try:
        async for page in client.iter_bills():
            loaded += len(page.items)
            total = page.total if page.total is not None else total
            with store.batch():
                store.add_bills(page.items)
                store.add_load_errors(page.errors)
                store.set_progress(LoadProgress(loaded=loaded, total=total))
        store.set_account(await account_task)
        await balance_task
    except BaseException:
        for task in (account_task, balance_task):
            task.cancel()
        raise
    store.set_progress(LoadProgress(loaded=loaded, total=total if total is not None else loaded, done=True))
    release_free_memory()  # the pages decoded on the way


# --- with the local cache ---------------------------------------------------------------------------

# Bills can show up in the listing a little after their date: re-list the last days before the newest cached one.
CACHE_OVERLAP = timedelta(days=3)
# The newest cached bills are shown first (a few milliseconds to read), the rest a moment later.
FIRST_SCREEN = 1_000


@dataclass(frozen=True)
class CacheLoad:
    """What :func:`load_with_cache` did: bills shown from the cache, bills read from the API, offline or not."""

    cached: int
    fetched: int
    offline: str | None = None  # why the API could not be reached


async def load_with_cache(
    client: OvhClient,
    store: Store,
    cache: BillCache,
    *,
    on_notice: Callable[[str], object] | None = None,
    lang: str | None = None,
) -> CacheLoad:
    """Show the cached account at once (``from_cache``), then refresh it from the API in place.

    The newest :data:`FIRST_SCREEN` cached bills come first (with the last known debts, so no unpaid bill
    flashes as paid), then the rest. Only bills dated after the newest cached one (minus
    :data:`CACHE_OVERLAP`) are listed; debts, balance and account are always re-read. With the network
    down (:class:`NetworkError`) and a cache to show, the store keeps the cached state, marked ``offline``;
    with nothing cached the error is raised.
    """
    # Credentials never seen: no cached row may show before /me names the account, and no listing can start from
    # a cached date: /me is asked while everything is listed (offline, both fail: nothing to show).
    unbound = not cache.bound
    cached = CachedState() if unbound else await _show_cached(store, cache)
    _tell(cache, on_notice)
    try:
        fetched = await refresh_with_cache(client, store, cache, lang=lang, bind_while_listing=unbound)
    except NetworkError as exc:
        if not cached.bills:
            raise
        log.warning("offline, showing the cache: %s", exc)
        count = len(store.rows)
        store.set_progress(LoadProgress(loaded=count, total=count, done=True, from_cache=True, offline=True))
        return CacheLoad(cached.total, 0, offline=str(exc))
    finally:
        _tell(cache, on_notice)
    return CacheLoad(cached.total, fetched)


async def _show_cached(store: Store, cache: BillCache) -> CachedState:
    """Put what the cache holds in the store: the newest first screen, then the rest."""
    cached = await asyncio.to_thread(cache.load_state, FIRST_SCREEN)
    if not cached.bills:
        return cached
    with store.batch():
        if cached.debts is not None:  # last known, replaced by the refresh; else the statuses stay unknown
            store.set_debts(cached.debts)
        store.add_bills(cached.bills)
        if cached.account is not None:
            store.set_account(cached.account)
        if cached.balance is not None:
            store.set_balance(cached.balance)
        store.set_progress(LoadProgress(loaded=len(cached.bills), total=cached.total, from_cache=True))
    if len(cached.bills) < cached.total:
        rest = await asyncio.to_thread(cache.load_bills)  # the first screen again too: upserted, same rows
        with store.batch():
            store.add_bills(rest)
            store.set_progress(LoadProgress(loaded=len(store.rows), total=len(store.rows), from_cache=True))
        release_free_memory()  # the records read on the way
    return cached


async def refresh_with_cache(
    client: OvhClient,
    store: Store,
    cache: BillCache,
    *,
    lang: str | None = None,
    bind_while_listing: bool = False,
) -> int:
    """List the bills newer than the cache's, re-read debts, balance and account; save all; returns bills read.

    Nothing is saved unless every call succeeded: pages arrive in any order, and a partial save would move
    the "newest cached bill" past bills never read. ``bind_while_listing``: credentials never seen: everything is
    listed while /me binds the cache (:func:`check_account`), and saved once it has.

    One /me serves the check of the cache's account and the account shown.
    """
    me = asyncio.create_task(client.me())
    binding = None
    try:
        if bind_while_listing:
            binding = asyncio.create_task(check_account(client, cache, lang, me=me))
        elif not cache.verified and await check_account(client, cache, lang, me=me):
            # /me names another account than the cache these credentials reached last: drop its rows at once,
            # show what the right account's own cache holds
            store.clear()
            await _show_cached(store, cache)
    except BaseException:
        me.cancel()
        raise
    account_task = _publish_account(me, store)  # in the store as soon as the cache holds its account
    newest = None if binding is not None else await asyncio.to_thread(cache.newest_bill_date)
    date_from = None if newest is None else newest - CACHE_OVERLAP
    from_cache = newest is not None and bool(store.rows)
    state_task = _state_task(client, store)
    fresh: list[Bill] = []
    total: int | None = None
    try:
        async for page in client.iter_bills(date_from=date_from):
            fresh.extend(page.items)
            total = page.total if page.total is not None else total
            with store.batch():
                store.add_bills(page.items)
                store.add_load_errors(page.errors)
                if from_cache:
                    store.set_progress(LoadProgress(len(store.rows), len(store.rows), from_cache=True))
                else:
                    store.set_progress(LoadProgress(loaded=len(fresh), total=total))
        account = await account_task
        balance, debts, _ = await state_task
        if binding is not None:
            await binding  # the cache is the account's before anything is saved in it
    except BaseException:
        tasks = [account_task, state_task, *([binding] if binding is not None else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    # the account, the balance and the debts are in the store already: put there as each was read
    count = len(store.rows)
    store.set_progress(LoadProgress(loaded=count, total=count, done=True))  # shown at once, then saved
    await asyncio.to_thread(release_free_memory)  # the pages decoded on the way; the list is drawn meanwhile
    await asyncio.to_thread(cache.save_refresh, fresh, account=account, balance=balance, debts=debts)
    release_free_memory()  # the records written
    return len(fresh)


async def bill_details(client: OvhClient, store: Store, cache: BillCache | None, bill_id: str) -> list[BillDetail]:
    """An invoice's lines: from the cache when there (they never change), else the API (then cached).

    Their service names become searchable by the quick filter.
    """
    details = cache.bill_details(bill_id) if cache is not None else None
    if details is None:
        details = await client.bill_details(bill_id)
        if cache is not None:
            cache.save_bill_details(bill_id, details)
    store.set_services(bill_id, [d.domain for d in details if d.domain])
    return details


def _publish_account(me: asyncio.Task[Account], store: Store) -> asyncio.Task[Account]:
    """``me`` (the /me call), put in the store as soon as it answers: its language is the UI's while bills load."""

    def publish(task: asyncio.Task[Account]) -> None:
        if not task.cancelled() and task.exception() is None:
            store.set_account(task.result())

    me.add_done_callback(publish)
    return me


async def _balance_and_debts(client: OvhClient) -> tuple[DebtBalance, list[Debt], list[ModelError]]:
    balance, (debts, errors) = await asyncio.gather(client.debt_account(), load_debts(client))
    return balance, debts, errors


def _state_task(client: OvhClient, store: Store) -> asyncio.Task[tuple[DebtBalance, list[Debt], list[ModelError]]]:
    """Balance and debts, put in the store as soon as both are read: the bills listed after them come joined
    (no pass over every row once the last page is in)."""

    def publish(task: asyncio.Task[tuple[DebtBalance, list[Debt], list[ModelError]]]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        balance, debts, errors = task.result()
        with store.batch():
            store.set_balance(balance)
            store.set_debts(debts)
            store.add_load_errors(errors)

    task = asyncio.create_task(_balance_and_debts(client))
    task.add_done_callback(publish)
    return task


def _tell(cache: BillCache, on_notice: Callable[[str], object] | None) -> None:
    for notice in cache.take_notices():
        if on_notice is not None:
            on_notice(notice)
