"""Loaders: call the API client and feed the store page by page (run them in Textual workers)."""

from __future__ import annotations

import asyncio
import logging

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.models import Debt, ModelError
from ovh_invoices_tui.store import LoadProgress, Store

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
        store.load_errors.extend(errors)


async def load_all(client: OvhClient, store: Store) -> None:
    """Account, bills (as pages arrive, with progress), debts and balance, concurrently."""
    store.set_progress(LoadProgress(loaded=0, total=None))
    account_task = asyncio.create_task(client.me())
    balance_task = asyncio.create_task(refresh_balance(client, store))
    loaded = 0
    total: int | None = None
    try:
        async for page in client.iter_bills():
            loaded += len(page.items)
            total = page.total if page.total is not None else total
            with store.batch():
                store.add_bills(page.items)
                store.load_errors.extend(page.errors)
                store.set_progress(LoadProgress(loaded=loaded, total=total))
        store.set_account(await account_task)
        await balance_task
    except BaseException:
        for task in (account_task, balance_task):
            task.cancel()
        raise
    store.set_progress(LoadProgress(loaded=loaded, total=total if total is not None else loaded, done=True))
