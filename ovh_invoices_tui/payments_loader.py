"""Loaders of payment tracking: call the client and feed a :class:`PaymentsStore` (run them in workers).

Deposits and credit notes are listed page by page (iceberg pages through the client) with progress; what
each deposit paid (``/paidBills``) is one request per deposit, so it is fetched lazily, with capped
concurrency, visible rows first; a payment's :class:`Settlement` (its invoices and the credit notes that
explain a shortfall) is built on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import ApiError, NotFoundError
from ovh_invoices_tui.models import Bill, Deposit, ModelError, Money, Payment, Refund
from ovh_invoices_tui.payments_store import PaymentsProgress, PaymentsStore, Settlement

# Lazily loaded per-deposit data: few requests in flight, so a real account's rate limit is respected.
PAID_BILLS_CONCURRENCY = 4
REFUND_PAYMENT_CONCURRENCY = 4


def _seg(value: object) -> str:
    return quote(str(value), safe="")


@dataclass(frozen=True, slots=True)
class DepositLine:
    """One line of ``/me/deposit/{id}/details``: a paid bill, or a negative credit-note line."""

    domain: str
    description: str
    total: Money

    @classmethod
    def from_api(cls, obj: Any) -> DepositLine:
        if not isinstance(obj, Mapping):
            raise ModelError("billing.DepositDetail", "<object>", f"is not an object (got {type(obj).__name__})")
        try:
            total = Money.from_api(obj.get("totalPrice"))
        except ModelError as exc:
            raise ModelError("billing.DepositDetail", f"totalPrice.{exc.field}", exc.reason) from None
        return cls(domain=str(obj.get("domain") or ""), description=str(obj.get("description") or ""), total=total)


@dataclass
class _Counts:
    deposits: int = 0
    deposits_total: int | None = None
    refunds: int = 0
    refunds_total: int | None = None

    def progress(self, *, done: bool = False, error: str | None = None) -> PaymentsProgress:
        return PaymentsProgress(self.deposits, self.deposits_total, self.refunds, self.refunds_total, done, error)


async def load_payments(client: OvhClient, store: PaymentsStore) -> None:
    """List every deposit and credit note (concurrently, progress as pages arrive), then what each credit
    note was applied to (``/me/refund/{id}/payment``, capped concurrency)."""
    store.begin_loading()
    generation = store.generation
    seen = _Counts()

    async def deposits() -> None:
        async for page in client.iter_deposits():
            if store.generation != generation:
                return  # invalidated meanwhile: a newer load owns the store
            seen.deposits += len(page.items)
            seen.deposits_total = page.total
            with store.batch():
                store.add_deposits(page.items)
                store.load_errors.extend(page.errors)
                store.set_progress(seen.progress())

    async def refunds() -> None:
        async for page in client.iter_refunds():
            if store.generation != generation:
                return
            seen.refunds += len(page.items)
            seen.refunds_total = page.total
            with store.batch():
                store.add_refunds(page.items)
                store.load_errors.extend(page.errors)
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
    store.set_progress(seen.progress(done=True))
    await load_refund_payments(client, store, [r.refund_id for r in store.refunds])


async def refund_payment(client: OvhClient, refund_id: str) -> Payment | None:
    """How a credit note was used: ``paymentType`` refund and ``paymentIdentifier`` = the deposit it reduced."""
    try:
        return Payment.from_api(await client.get(f"/me/refund/{_seg(refund_id)}/payment"))
    except NotFoundError:
        return None


async def load_refund_payments(client: OvhClient, store: PaymentsStore, refund_ids: Iterable[str]) -> None:
    limit = asyncio.Semaphore(REFUND_PAYMENT_CONCURRENCY)

    async def one(refund_id: str) -> None:
        async with limit:
            try:
                payment = await refund_payment(client, refund_id)
            except (ApiError, ModelError):
                return  # shown as unknown; the credit note itself is still listed
        store.set_refund_payment(refund_id, payment)

    await asyncio.gather(*(one(refund_id) for refund_id in refund_ids if refund_id not in store.refund_payments))


async def load_paid_bills(client: OvhClient, store: PaymentsStore, deposit_ids: Sequence[str]) -> None:
    """The paid bills of these deposits, concurrently (the session caps requests in flight)."""
    results = await asyncio.gather(
        *(client.deposit_paid_bill_ids(deposit_id) for deposit_id in deposit_ids), return_exceptions=True
    )
    with store.batch():
        for deposit_id, result in zip(deposit_ids, results, strict=True):
            if isinstance(result, list):
                store.set_paid_bills(deposit_id, result)
            elif isinstance(result, NotFoundError):
                store.set_paid_bills(deposit_id, [])
            elif isinstance(result, ApiError | ModelError):
                store.paid_bills_failed_for(deposit_id)
            elif isinstance(result, BaseException):
                raise result


async def fill_paid_counts(
    client: OvhClient,
    store: PaymentsStore,
    priority: Callable[[], Iterable[str]] = lambda: (),
    *,
    concurrency: int = PAID_BILLS_CONCURRENCY,
) -> None:
    """Fetch the paid bills of every deposit of the view, ``priority()`` (the visible rows) first, until all
    are known. Asks ``priority`` again between batches so scrolling moves the work to what is on screen."""
    while True:
        batch = store.missing_paid_bills(priority(), limit=concurrency)
        if not batch:
            return
        await load_paid_bills(client, store, batch)


async def ensure_paid_bills(
    client: OvhClient,
    store: PaymentsStore,
    deposits: Sequence[Deposit],
    *,
    progress: Callable[[int, int], None] | None = None,
    concurrency: int = PAID_BILLS_CONCURRENCY * 2,
) -> None:
    """Make sure the paid bills of ``deposits`` are known (an export needs them all)."""
    missing = [d.deposit_id for d in deposits if d.deposit_id not in store.paid_bills]
    for start in range(0, len(missing), concurrency):
        await load_paid_bills(client, store, missing[start : start + concurrency])
        if progress is not None:
            progress(min(start + concurrency, len(missing)), len(missing))


async def deposit_lines(client: OvhClient, deposit_id: str) -> list[DepositLine]:
    """``/me/deposit/{id}/details``: one line per paid bill and a negative line per credit note applied."""
    base = f"/me/deposit/{_seg(deposit_id)}/details"
    ids = await client.get(base)
    if not isinstance(ids, list):
        raise ModelError(base, "<list>", "is not a list of ids")
    objects = await asyncio.gather(*(client.get(f"{base}/{_seg(i)}") for i in ids))
    return [DepositLine.from_api(obj) for obj in objects]


async def credit_note_ids(client: OvhClient, deposit_id: str) -> list[str]:
    """The credit notes applied to a deposit: its negative detail lines, whose ``domain`` is the refund id."""
    lines = await deposit_lines(client, deposit_id)
    return list(dict.fromkeys(line.domain for line in lines if line.total.ucents < 0 and line.domain))


async def load_settlement(
    client: OvhClient,
    deposit: Deposit,
    *,
    store: PaymentsStore | None = None,
    bill_lookup: Callable[[str], Bill | None] = lambda bill_id: None,
) -> Settlement:
    """A payment, the invoices it paid and, when it is smaller than them, the credit notes that explain it.

    Bills come from ``bill_lookup`` (the app's loaded invoices) before the API; the credit notes from the
    deposit's detail lines (and from what the store knows of credit-note payments).
    """
    deposit_id = deposit.deposit_id
    bill_ids: Sequence[str] | None = store.paid_bills.get(deposit_id) if store is not None else None
    if bill_ids is None:
        bill_ids = await client.deposit_paid_bill_ids(deposit_id)
        if store is not None:
            store.set_paid_bills(deposit_id, bill_ids)

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


async def find_deposit(client: OvhClient, reference: str, store: PaymentsStore | None = None) -> Deposit:
    """A deposit by reference: from the store when loaded, else ``GET /me/deposit/{id}``."""
    known = store.deposit(reference) if store is not None else None
    return known if known is not None else await client.deposit(reference)
