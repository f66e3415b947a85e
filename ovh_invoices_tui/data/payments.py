"""Loaders of payment tracking: call the client and feed a :class:`PaymentsStore` (run them in workers).

Deposits and credit notes are listed page by page (iceberg pages through the client) with progress; what
each deposit paid (``/paidBills``) is one request per deposit, so it is fetched lazily, with capped
concurrency, visible rows first; a payment's :class:`Settlement` (its invoices and the credit notes that
explain a shortfall) is built on demand.

With the profile's :class:`~ovh_invoices_tui.data.cache.db.BillCache`, what never changes once issued (deposits, the
bills each paid, credit notes) is read from it at once; only deposits and credit notes dated after the newest
cached one (minus :data:`~ovh_invoices_tui.data.invoices.CACHE_OVERLAP`, as for bills) are listed, and only the
deposits whose paid bills are not cached yet cost a ``/paidBills`` request. Whatever is read is saved.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import ApiError, NotFoundError
from ovh_invoices_tui.core.models import Bill, DebtOperation, Deposit, ModelError, Payment, Refund
from ovh_invoices_tui.data.invoices import CACHE_OVERLAP
from ovh_invoices_tui.state.payments import PaymentsProgress, PaymentsStore, Settlement

if TYPE_CHECKING:
    from ovh_invoices_tui.data.cache.db import BillCache

# Lazily loaded per-deposit data: few requests in flight, so a real account's rate limit is respected.
PAID_BILLS_CONCURRENCY = 4
REFUND_PAYMENT_CONCURRENCY = 4


@dataclass
class _Counts:
    deposits: int = 0
    deposits_total: int | None = None
    refunds: int = 0
    refunds_total: int | None = None

    def progress(self, *, done: bool = False, error: str | None = None) -> PaymentsProgress:
        return PaymentsProgress(self.deposits, self.deposits_total, self.refunds, self.refunds_total, done, error)


@dataclass
class _Cached:
    """What the cache holds of payment tracking."""

    deposits: list[Deposit] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    paid: dict[str, list[str]] = field(default_factory=dict)
    refund_payments: dict[str, Payment] = field(default_factory=dict)
    newest_deposit: datetime | None = None
    newest_refund: datetime | None = None


def _read_cache(cache: BillCache | None, *, refunds: bool = True) -> _Cached:
    if cache is None:
        return _Cached()
    return _Cached(
        deposits=cache.deposits(),
        refunds=cache.refunds() if refunds else [],
        paid=cache.all_deposit_paid_bill_ids(),
        refund_payments=cache.refund_payments() if refunds else {},
        newest_deposit=cache.newest_deposit_date(),
        newest_refund=cache.newest_refund_date() if refunds else None,
    )


def _since(newest: datetime | None) -> datetime | None:
    """Where an incremental listing starts: a little before the newest cached object (None: everything)."""
    return None if newest is None else newest - CACHE_OVERLAP


def _known_paid(store: PaymentsStore, paid: Mapping[str, Sequence[str]]) -> dict[str, Sequence[str]]:
    """The cached paid bills of the store's deposits not known yet (a cached list may precede its deposit)."""
    return {d: ids for d, ids in paid.items() if d not in store.paid_bills and store.deposit(d) is not None}


async def load_payments(client: OvhClient, store: PaymentsStore, cache: BillCache | None = None) -> None:
    """List every deposit and credit note (concurrently, progress as pages arrive), then what each credit
    note was applied to (``/me/refund/{id}/payment``, capped concurrency).

    With ``cache``, the cached deposits, credit notes and paid-bill lists are in the store at once; only
    newer ones are listed, then saved (nothing is saved from a listing that failed or was superseded).
    """
    store.begin_loading()
    generation = store.generation
    seen = _Counts()
    cached = await asyncio.to_thread(_read_cache, cache) if cache is not None else _Cached()
    if store.generation != generation:
        return
    if cached.deposits or cached.refunds:
        with store.batch():
            store.add_deposits(cached.deposits)
            store.add_refunds(cached.refunds)
            store.set_many_paid_bills(_known_paid(store, cached.paid))
            for refund_id, payment in cached.refund_payments.items():
                store.set_refund_payment(refund_id, payment)
            seen.deposits, seen.refunds = len(store.deposits), len(store.refunds)
            store.set_progress(seen.progress())
    fresh_deposits: list[Deposit] = []
    fresh_refunds: list[Refund] = []

    async def deposits() -> None:
        async for page in client.iter_deposits(date_from=_since(cached.newest_deposit)):
            if store.generation != generation:
                return  # invalidated meanwhile: a newer load owns the store
            fresh_deposits.extend(page.items)
            with store.batch():
                store.add_deposits(page.items)
                store.add_load_errors(page.errors)
                seen.deposits = len(store.deposits)
                seen.deposits_total = page.total if cached.newest_deposit is None else None
                store.set_progress(seen.progress())

    async def refunds() -> None:
        async for page in client.iter_refunds(date_from=_since(cached.newest_refund)):
            if store.generation != generation:
                return
            fresh_refunds.extend(page.items)
            with store.batch():
                store.add_refunds(page.items)
                store.add_load_errors(page.errors)
                seen.refunds = len(store.refunds)
                seen.refunds_total = page.total if cached.newest_refund is None else None
                store.set_progress(seen.progress())

    try:
        await asyncio.gather(deposits(), refunds())
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        if store.generation == generation:
            store.set_progress(seen.progress(done=True, error=str(exc) or type(exc).__name__))
        raise
    if store.generation != generation:
        return
    with store.batch():
        store.set_many_paid_bills(_known_paid(store, cached.paid))
        store.set_progress(seen.progress(done=True))
    if cache is not None:

        def save() -> None:
            cache.save_deposits(fresh_deposits)
            cache.save_refunds(fresh_refunds)

        await asyncio.to_thread(save)
    await load_refund_payments(client, store, [r.refund_id for r in store.refunds], cache)


async def refresh_deposits(
    client: OvhClient, store: PaymentsStore, cache: BillCache, *, errors: list[ModelError] | None = None
) -> int:
    """Deposits only (the CLI's export): the cached ones and their paid bills, then those listed after the
    newest cached one (minus the overlap), saved. Returns how many the API listed."""
    cached = await asyncio.to_thread(_read_cache, cache, refunds=False)
    store.add_deposits(cached.deposits)
    fresh: list[Deposit] = []
    async for page in client.iter_deposits(date_from=_since(cached.newest_deposit)):
        fresh.extend(page.items)
        store.add_deposits(page.items)
        if errors is not None:
            errors.extend(page.errors)
    store.set_many_paid_bills(_known_paid(store, cached.paid))
    await asyncio.to_thread(cache.save_deposits, fresh)
    return len(fresh)


async def load_refund_payments(
    client: OvhClient, store: PaymentsStore, refund_ids: Iterable[str], cache: BillCache | None = None
) -> None:
    """What each credit note was used for; those known are saved in ``cache`` (one used stays used; one not
    used yet is asked again next time)."""
    limit = asyncio.Semaphore(REFUND_PAYMENT_CONCURRENCY)
    read: dict[str, Payment] = {}

    async def one(refund_id: str) -> None:
        async with limit:
            try:
                payment = await client.refund_payment(refund_id)
            except (ApiError, ModelError):
                return  # shown as unknown; the credit note itself is still listed
        store.set_refund_payment(refund_id, payment)
        if payment is not None:
            read[refund_id] = payment

    await asyncio.gather(*(one(refund_id) for refund_id in refund_ids if refund_id not in store.refund_payments))
    if cache is not None and read:
        await asyncio.to_thread(cache.save_refund_payments, read)


async def load_paid_bills(
    client: OvhClient, store: PaymentsStore, deposit_ids: Sequence[str], cache: BillCache | None = None
) -> None:
    """The paid bills of these deposits, concurrently (the session caps requests in flight); saved in
    ``cache`` (they never change)."""
    results = await asyncio.gather(
        *(client.deposit_paid_bill_ids(deposit_id) for deposit_id in deposit_ids), return_exceptions=True
    )
    read: dict[str, list[str]] = {}
    with store.batch():
        for deposit_id, result in zip(deposit_ids, results, strict=True):
            if isinstance(result, list):
                read[deposit_id] = result
                store.set_paid_bills(deposit_id, result)
            elif isinstance(result, NotFoundError):
                store.set_paid_bills(deposit_id, [])
            elif isinstance(result, ApiError | ModelError):
                store.paid_bills_failed_for(deposit_id)
            elif isinstance(result, BaseException):
                raise result
    if cache is not None and read:
        await asyncio.to_thread(cache.save_many_deposit_paid_bill_ids, read)


async def fill_paid_counts(
    client: OvhClient,
    store: PaymentsStore,
    priority: Callable[[], Iterable[str]] = lambda: (),
    *,
    concurrency: int = PAID_BILLS_CONCURRENCY,
    cache: BillCache | None = None,
) -> None:
    """Fetch the paid bills of every deposit of the view, ``priority()`` (the visible rows) first, until all
    are known. Asks ``priority`` again between batches so scrolling moves the work to what is on screen."""
    while True:
        batch = store.missing_paid_bills(priority(), limit=concurrency)
        if not batch:
            return
        await load_paid_bills(client, store, batch, cache)


async def ensure_paid_bills(
    client: OvhClient,
    store: PaymentsStore,
    deposits: Sequence[Deposit],
    *,
    progress: Callable[[int, int], None] | None = None,
    concurrency: int = PAID_BILLS_CONCURRENCY * 2,
    cache: BillCache | None = None,
) -> None:
    """Make sure the paid bills of ``deposits`` are known (an export needs them all)."""
    missing = [d.deposit_id for d in deposits if d.deposit_id not in store.paid_bills]
    for start in range(0, len(missing), concurrency):
        await load_paid_bills(client, store, missing[start : start + concurrency], cache)
        if progress is not None:
            progress(min(start + concurrency, len(missing)), len(missing))


async def paid_bill_ids(
    client: OvhClient, deposit_id: str, *, store: PaymentsStore | None = None, cache: BillCache | None = None
) -> Sequence[str]:
    """The bills a deposit paid: from the store, else the cache, else ``/paidBills`` (then kept in both)."""
    known: Sequence[str] | None = store.paid_bills.get(deposit_id) if store is not None else None
    if known is not None:
        return known
    bill_ids = await asyncio.to_thread(cache.deposit_paid_bill_ids, deposit_id) if cache is not None else None
    if bill_ids is None:
        bill_ids = await client.deposit_paid_bill_ids(deposit_id)
        if cache is not None:
            await asyncio.to_thread(cache.save_deposit_paid_bill_ids, deposit_id, bill_ids)
    if store is not None:
        store.set_paid_bills(deposit_id, bill_ids)
    return bill_ids


async def credit_note_ids(client: OvhClient, deposit_id: str) -> list[str]:
    """The credit notes applied to a deposit: its negative detail lines, whose ``domain`` is the refund id."""
    lines = await client.deposit_lines(deposit_id)
    return list(dict.fromkeys(line.domain for line in lines if line.total.ucents < 0 and line.domain))


async def load_settlement(
    client: OvhClient,
    deposit: Deposit,
    *,
    store: PaymentsStore | None = None,
    bill_lookup: Callable[[str], Bill | None] = lambda bill_id: None,
    cache: BillCache | None = None,
) -> Settlement:
    """A payment, the invoices it paid and, when it is smaller than them, the credit notes that explain it.

    Bills come from ``bill_lookup`` (the app's loaded invoices) before the API; the credit notes from the
    deposit's detail lines (and from what the store knows of credit-note payments).
    """
    deposit_id = deposit.deposit_id
    bill_ids = await paid_bill_ids(client, deposit_id, store=store, cache=cache)

    async def bill(bill_id: str) -> Bill | None:
        known = bill_lookup(bill_id)
        if known is not None:
            return known
        try:
            return await client.bill(bill_id)
        except NotFoundError:
            return None

    found = await asyncio.gather(*(bill(bill_id) for bill_id in bill_ids))
    bills = tuple(b for b in found if b is not None)
    missing = tuple(bill_id for bill_id, b in zip(bill_ids, found, strict=True) if b is None)
    settlement = Settlement(deposit, bills, (), missing)

    refund_ids: list[str] = []
    if store is not None:
        refund_ids += [r.refund_id for r in store.refunds_applied_to(deposit_id)]
    if settlement.difference.ucents != 0 or missing:
        with contextlib.suppress(NotFoundError):
            refund_ids += await credit_note_ids(client, deposit_id)

    async def refund(refund_id: str) -> Refund | None:
        known = store.refund(refund_id) if store is not None else None
        if known is not None:
            return known
        try:
            return await client.refund(refund_id)
        except NotFoundError:
            return None

    notes = await asyncio.gather(*(refund(refund_id) for refund_id in dict.fromkeys(refund_ids)))
    return Settlement(deposit, bills, tuple(n for n in notes if n is not None), missing)


async def find_deposit(
    client: OvhClient, reference: str, store: PaymentsStore | None = None, cache: BillCache | None = None
) -> Deposit:
    """A deposit by reference: from the store when loaded, else the cache, else ``GET /me/deposit/{id}``."""
    known = store.deposit(reference) if store is not None else None
    if known is None and cache is not None:
        known = await asyncio.to_thread(cache.deposit, reference)
    return known if known is not None else await client.deposit(reference)


async def find_settling_deposit(
    client: OvhClient,
    bill_id: str,
    operations: Sequence[DebtOperation],
    payment: Payment | None = None,
    *,
    store: PaymentsStore,
    cache: BillCache | None = None,
) -> Deposit | None:
    """The payment (deposit) that settled a bill, by the first way that answers.

    Its debt operations' ``depositOrderId``; payment tracking's paid-bills index when loaded; the
    bill's ``/payment`` ``paymentIdentifier`` naming a deposit.
    """
    for order_id in (op.deposit_order_id for op in operations if op.deposit_order_id):
        loaded = next((d for d in store.deposits if d.order_id == order_id), None)
        if loaded is not None:
            return loaded
        for deposit_id in await client.deposit_ids_of_order(order_id):
            return await find_deposit(client, deposit_id, store, cache)
    known = store.deposit_of_bill(bill_id)
    if known is not None:
        return known
    if payment is not None and payment.payment_identifier:
        try:
            return await find_deposit(client, payment.payment_identifier, store, cache)
        except NotFoundError:
            return None
    return None
