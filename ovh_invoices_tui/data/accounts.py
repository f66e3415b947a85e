"""Every configured account at a glance: read each one's cache at once, then refresh them all concurrently.

One limiter caps the requests of every account together (8 in flight in all), each account answers on its
own (a slow or failing one never holds the others back), and a refresh goes through the same cache as the
invoice workspace, so opening an account after the overview is instant.

"New since last visit" is kept in each account's cache: the dates of the newest invoice and payment the user
had seen when they last left the account. It moves only when the user leaves the account (or asks, in the
CLI, with ``--mark-seen``), so a crash never loses the flag.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import AuthenticationError, NetworkError, NotGrantedError, OvhError
from ovh_invoices_tui.config import Profile, Settings
from ovh_invoices_tui.core.accounts import AccountState, AccountSummary, Problem, summarise
from ovh_invoices_tui.core.models import Debt, DebtOperation, ModelError
from ovh_invoices_tui.core.tasks import together
from ovh_invoices_tui.data.cache.db import BillCache
from ovh_invoices_tui.data.invoices import load_with_cache
from ovh_invoices_tui.state.invoices import Store
from ovh_invoices_tui.state.payments import PaymentsStore

SEEN_BILLS = "seen.bills_until"
SEEN_PAYMENTS = "seen.payments_until"
REFRESHED = "overview.refreshed_at"


def problem_of(exc: BaseException) -> Problem:
    """The one line the overview shows for a failed account (the OVH message, status and query id)."""
    if isinstance(exc, AuthenticationError):
        return Problem("credentials", f"credentials rejected: {exc}")
    if isinstance(exc, NotGrantedError):
        return Problem("rights", f"missing rights: {exc}")
    if isinstance(exc, NetworkError):
        return Problem("network", f"network: {exc}")
    if isinstance(exc, ModelError):
        return Problem("data", f"unreadable answer: {exc}")
    if isinstance(exc, OvhError):
        return Problem("api", str(exc))
    return Problem("api", f"{type(exc).__name__}: {exc}")


def _when(cache: BillCache, key: str) -> datetime | None:
    text = cache.meta(key)
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def cached_summary(cache: BillCache, today: date | None = None) -> AccountSummary | None:
    """The account as its cache last saw it (None when never refreshed): no request at all."""
    state = cache.load_state()
    if state.account is None and not state.bills:
        return None
    deposits = cache.deposits()
    return summarise(
        nichandle=state.account.nichandle if state.account else None,
        currency=_currency(state.account.currency_code if state.account else None, state.balance),
        due_ucents=state.balance.due_amount.ucents if state.balance else None,
        bills=state.bills,
        debts=state.debts or [],  # never saved with the bills: nothing known late (the due amount still says)
        operations=_cached_failures(cache, state.debts or []),
        last_payment=max((d.date for d in deposits), default=None),
        payment_dates=(d.date for d in deposits),
        seen_bills_until=_when(cache, SEEN_BILLS),
        seen_payments_until=_when(cache, SEEN_PAYMENTS),
        today=today,
        refreshed_at=_when(cache, REFRESHED) or state.saved_at,
    )


def _currency(code: str | None, balance: object) -> str:
    money = getattr(balance, "due_amount", None)
    return getattr(money, "currency", None) or code or "EUR"


FAILED_KEY = "overview.failed_operations"


def _cached_failures(cache: BillCache, debts: Iterable[Debt]) -> list[tuple[Debt, DebtOperation]]:
    """Failed operations remembered at the last refresh (a refresh re-reads them)."""
    text = cache.meta(FAILED_KEY)
    if not text:
        return []
    by_id = {debt.debt_id: debt for debt in debts}
    pairs: list[tuple[Debt, DebtOperation]] = []
    try:
        for item in json.loads(text):
            debt = by_id.get(int(item["debtId"]))
            if debt is not None:
                pairs.append((debt, DebtOperation.from_api(item["operation"])))
    except (ValueError, KeyError, TypeError):
        return []
    return pairs


def _save_failures(cache: BillCache, pairs: list[tuple[Debt, DebtOperation]]) -> None:
    records = [
        {
            "debtId": debt.debt_id,
            "operation": {
                "operationId": op.operation_id,
                "date": op.date.isoformat(),
                "amount": {"currencyCode": op.amount.currency, "priceInUcents": op.amount.ucents, "text": None},
                "depositOrderId": op.deposit_order_id,
                "status": op.status,
                "type": op.type,
            },
        }
        for debt, op in pairs
    ]
    cache.set_meta(FAILED_KEY, json.dumps(records))


CHECKED_KEY = "overview.checked_debts"


def debt_signature(debt: Debt) -> str:
    """What changes when something happens to a debt (a payment tried, failed or made)."""
    return f"{debt.status}|{debt.due_amount.ucents}|{debt.pending_amount.ucents}|{debt.todo_amount.ucents}"


async def failed_operations(
    client: OvhClient,
    debts: Iterable[Debt],
    checked: dict[str, str] | None = None,
    known: Iterable[tuple[Debt, DebtOperation]] = (),
) -> tuple[list[tuple[Debt, DebtOperation]], dict[str, str]]:
    """The FAILED operations of the debts that still have something due, and the signatures now checked.

    A debt whose signature is the one ``checked`` remembers has not moved since: its failures (in ``known``)
    are kept without a request. The others are read, one request each (the client caps how many at once).
    """
    checked = checked or {}
    open_debts = [debt for debt in debts if debt.due_amount.ucents > 0]
    unchanged = {d.debt_id for d in open_debts if checked.get(str(d.debt_id)) == debt_signature(d)}
    to_read = [d for d in open_debts if d.debt_id not in unchanged]
    results = await together(*(client.debt_operations(debt.debt_id) for debt in to_read))
    failures = [(debt, op) for debt, op in known if debt.debt_id in unchanged]
    failures += [
        (debt, op) for debt, ops in zip(to_read, results, strict=True) for op in ops if op.status == "FAILED"
    ]
    return failures, {str(d.debt_id): debt_signature(d) for d in open_debts}


async def refresh_account(client: OvhClient, cache: BillCache, today: date | None = None) -> AccountSummary:
    """Refresh the account through its cache (bills, debts, balance, account, deposits), then summarise it."""
    from ovh_invoices_tui.data.payments import refresh_deposits

    store = Store()
    payments = PaymentsStore()
    load, _deposits = await together(load_with_cache(client, store, cache), refresh_deposits(client, payments, cache))
    if load.offline:
        raise NetworkError(load.offline)
    debts = [row.debt for row in store.rows if row.debt is not None]
    all_debts = list({debt.debt_id: debt for debt in debts}.values())
    try:
        checked = json.loads(cache.meta(CHECKED_KEY) or "{}")
    except ValueError:
        checked = {}
    known = _cached_failures(cache, all_debts)
    failures, checked = await failed_operations(client, all_debts, checked, known)
    now = datetime.now(UTC)
    bills = [row.bill for row in store.rows]
    deposit_dates = [deposit.date for deposit in payments.deposits]

    def save() -> None:
        _save_failures(cache, failures)
        cache.set_meta(CHECKED_KEY, json.dumps(checked))
        cache.set_meta(REFRESHED, now.isoformat())
        # A first refresh sets the baseline: what exists now is not "new since the last visit".
        if cache.meta(SEEN_BILLS) is None:
            cache.set_meta(SEEN_BILLS, max((b.date for b in bills), default=now).isoformat())
        if cache.meta(SEEN_PAYMENTS) is None:
            cache.set_meta(SEEN_PAYMENTS, max(deposit_dates, default=now).isoformat())

    await asyncio.to_thread(save)
    account, balance = store.account, store.balance
    return summarise(
        nichandle=account.nichandle if account else None,
        currency=_currency(account.currency_code if account else None, balance),
        due_ucents=balance.due_amount.ucents if balance else None,
        bills=bills,
        debts=all_debts,
        operations=failures,
        last_payment=max(deposit_dates, default=None),
        payment_dates=deposit_dates,
        seen_bills_until=_when(cache, SEEN_BILLS),
        seen_payments_until=_when(cache, SEEN_PAYMENTS),
        today=today,
        refreshed_at=now,
    )


def mark_seen(cache: BillCache, bills_until: datetime | None, payments_until: datetime | None) -> None:
    """Remember what the user has seen (called when leaving an account, or ``--mark-seen``)."""
    if bills_until is not None:
        cache.set_meta(SEEN_BILLS, bills_until.isoformat())
    if payments_until is not None:
        cache.set_meta(SEEN_PAYMENTS, payments_until.isoformat())


def seen_marks(cache: BillCache) -> tuple[datetime | None, datetime | None]:
    """(newest invoice seen, newest payment seen) when the account was last left."""
    return _when(cache, SEEN_BILLS), _when(cache, SEEN_PAYMENTS)


@dataclass
class AccountSource:
    """How to reach one account: its profile's name, endpoint and read-only flag, a client and a cache."""

    profile: str
    endpoint: str
    readonly: bool
    open_client: Callable[[asyncio.Semaphore], OvhClient]
    open_cache: Callable[[], BillCache | None]


async def refresh_all(
    sources: list[AccountSource],
    on_update: Callable[[AccountState], Awaitable[None] | None],
    *,
    max_in_flight: int = 8,
    today: date | None = None,
) -> list[AccountState]:
    """Every account from its cache at once, then all refreshed concurrently; ``on_update`` gets each row
    as soon as it changes (cached, refreshing, refreshed or failed). Returns the final rows, in order."""
    limiter = asyncio.Semaphore(max_in_flight)
    states: list[AccountState] = []
    async with AsyncExitStack() as stack:
        caches: list[BillCache | None] = []
        for source in sources:
            cache = source.open_cache()
            if cache is not None:
                stack.callback(cache.close)
            caches.append(cache)
            summary = cached_summary(cache, today) if cache is not None else None
            state = AccountState(
                source.profile, source.endpoint, source.readonly, summary, refreshing=True, from_cache=bool(summary)
            )
            states.append(state)
            await _emit(on_update, state)

        async def one(position: int) -> None:
            source, cache = sources[position], caches[position]
            try:
                client = source.open_client(limiter)
                async with client, AsyncExitStack() as scratch:
                    target = cache if cache is not None else _scratch_cache(scratch)
                    summary = await refresh_account(client, target, today)
                state = replace(states[position], summary=summary, problem=None, refreshing=False, from_cache=False)
            except Exception as exc:  # one failing account is a row that says why, never a stop
                state = replace(states[position], problem=problem_of(exc), refreshing=False)
            states[position] = state
            await _emit(on_update, state)

        await asyncio.gather(*(one(i) for i in range(len(sources))))
    return states


def _scratch_cache(stack: AsyncExitStack) -> BillCache:
    """A throwaway cache for an account read without one (``--no-cache``)."""
    import tempfile
    from pathlib import Path

    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="ovh-invoices-"))
    cache = BillCache.open(Path(folder) / "cache.sqlite")
    stack.callback(cache.close)
    return cache


async def _emit(on_update: Callable[[AccountState], Awaitable[None] | None], state: AccountState) -> None:
    result = on_update(state)
    if result is not None:
        await result


def account_sources(profiles: Iterable[Profile], *, use_cache: bool = True) -> list[AccountSource]:
    """One source per profile: a client sharing the overview's limiter, and the profile's own cache."""
    from ovh_invoices_tui.data.cache.profile import open_profile_cache
    from ovh_invoices_tui.data.clients import make_client

    def source(profile: Profile) -> AccountSource:
        return AccountSource(
            profile=profile.name,
            endpoint="sandbox" if profile.demo else profile.endpoint,
            readonly=profile.readonly,
            open_client=lambda limiter: make_client(profile, limiter=limiter),
            open_cache=(lambda: open_profile_cache(profile)) if use_cache else (lambda: None),
        )

    return [source(profile) for profile in profiles]


def configured_profiles(settings: Settings, *, demo: bool = False) -> list[Profile]:
    """Every profile of the config (credentials completed as for one), plus ovh.conf/``OVH_*`` when found."""
    from ovh_invoices_tui.config import ConfigError, load_ovh_conf, resolve_profile

    if demo:
        return demo_account_profiles()
    found: list[Profile] = []
    for name in settings.profiles:
        try:
            profile = resolve_profile(settings, name)
        except ConfigError:
            profile = settings.profiles[name]
        if profile is not None:
            found.append(profile)
    conf = load_ovh_conf()
    if conf is not None and conf.name not in settings.profiles:
        found.append(conf)
    return found


def demo_account_profiles(seed: int = 42, bills: int = 500) -> list[Profile]:
    """The ``--demo`` accounts: one in-process sandbox serving four accounts that cover the overview
    (overdue invoices, a failed payment, all paid in another currency, credentials rejected)."""
    from ovh_invoices_tui.sandbox.accounts import demo_accounts

    names = {"FR": "demo-boutique", "GB": "demo-bikes", "CA": "demo-erable", "US": "demo-desert"}
    return [
        Profile(
            name=names.get(spec.subsidiary, f"demo-{number}"),
            demo=True,
            sandbox_bills=bills,
            sandbox_seed=seed,
            sandbox_account=number,
            application_key=spec.application_key,
            application_secret=spec.application_secret,
            consumer_key=spec.consumer_key,
            source="demo",
        )
        for number, spec in enumerate(demo_accounts(seed, bills))
    ]
