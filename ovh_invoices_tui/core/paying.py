"""Paying the balance, as rules: what is due, the guard against a second POST, the kinds of outcome.

Paying creates a regularisation order (valid one hour) whose ``url`` is OVHcloud's payment page; nothing
is charged until that page is used. The POST is never retried: when its answer is lost the outcome is
*unknown* and the caller must say so instead of sending it again. Sending it is
:func:`ovh_invoices_tui.actions.money.pay`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from ovh_invoices_tui.core.i18n import format_date
from ovh_invoices_tui.core.models import BillRow, Money, Order


def expiry_text(when: datetime | None, lang: str) -> str:
    """An order's expiry, ``2026-11-26 16:19`` in local time."""
    if when is None:
        return "—"
    local = when.astimezone() if when.tzinfo is not None else when
    return f"{format_date(local, lang)} {local.strftime('%H:%M')}"


# --- what is due -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayPlan:
    """What one payment covers: every due invoice (``bill_id`` None, ``pay_all``) or one invoice."""

    rows: tuple[BillRow, ...]  # the invoices with a balance > 0, oldest first
    total: Money  # what the order will be for (the account balance for "everything due")
    bill_id: str | None = None
    listed_total: Money | None = None  # sum of the rows' balances, when it differs from ``total``

    @property
    def is_empty(self) -> bool:
        return not self.rows and self.total.ucents <= 0


def _sum(rows: Iterable[BillRow], currency: str) -> Money:
    total = Money.zero(currency)
    for row in rows:
        total = total + row.balance
    return total


def plan_due(rows: Iterable[BillRow], balance: Money | None, currency: str) -> PayPlan:
    """Everything due: the rows with a balance, oldest first, for the account-wide ``balance`` when known."""
    due = tuple(sorted((r for r in rows if r.balance.ucents > 0), key=lambda r: r.bill.date))
    listed = _sum(due, currency)
    if balance is None or balance.ucents == listed.ucents:
        return PayPlan(due, listed)
    # The API pays what *it* counts as due; say so when the listed invoices do not add up to it.
    return PayPlan(due, Money(balance.ucents, balance.currency), listed_total=listed)


def plan_bill(row: BillRow) -> PayPlan:
    """One invoice's debt (empty when its balance is zero)."""
    rows = (row,) if row.balance.ucents > 0 else ()
    return PayPlan(rows, row.balance if rows else Money.zero(row.balance.currency), bill_id=row.bill.bill_id)


# --- the guard ---------------------------------------------------------------------------------------

IN_PROGRESS = "a payment of this account is already in progress"


class PaymentInProgressError(Exception):
    """Another process (or window) of this account holds the payment lock."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{IN_PROGRESS} (lock {path})")
        self.path = path


class PaymentLock(Protocol):
    """One payment at a time across the processes of an account (``data.account_lock.AccountLock``)."""

    @property
    def path(self) -> Path: ...

    def acquire(self) -> bool:
        """Take the lock now, or False when another holder has it (never waits)."""
        ...

    def release(self) -> None:
        """Let the next payment through."""
        ...


@dataclass(eq=False)
class Flow:
    """One money flow (pay, cancellation request), from its dialog to its result."""

    name: str
    sent: bool = False
    lock: PaymentLock | None = None  # the account's payment lock, held by this flow until it ends


@dataclass
class ActionGuard:
    """Held by the app: one money flow at a time, and at most one POST per flow.

    :meth:`begin` when the confirmation dialog opens, :meth:`claim_send` right before the POST (True once
    only: a second confirm press, a re-posted message, a double click all get False), :meth:`end` when
    the flow is over (dialog cancelled, or the result known). A payment flow also holds ``account_lock``, the
    lock other processes of the same account (a ``pay`` in a shell, a second window) respect.
    """

    current: Flow | None = None
    unknown_since: datetime | None = None  # the last payment whose outcome never came back
    account_lock: PaymentLock | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None

    def begin(self, name: str, *, pays: bool = False) -> Flow | None:
        """A new flow, or None when one is already under way here.

        ``pays``: take the account's payment lock too; raises :class:`PaymentInProgressError` when another
        process holds it.
        """
        if self.current is not None:
            return None
        lock = self.account_lock if pays else None
        if lock is not None and not lock.acquire():
            raise PaymentInProgressError(lock.path)
        self.current = Flow(name, lock=lock)
        return self.current

    def claim_send(self, flow: Flow) -> bool:
        """True exactly once for the flow in progress: the caller may send its one POST."""
        if self.current is not flow or flow.sent:
            return False
        flow.sent = True
        return True

    def end(self, flow: Flow) -> None:
        """Close ``flow`` (a stale flow ending never closes a newer one), releasing its payment lock."""
        if self.current is flow:
            self.current = None
            if flow.lock is not None:
                flow.lock.release()


# --- outcomes ------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    ORDER = "order"  # the regularisation order exists: pay it with its url
    NOTHING = "nothing"  # the API says nothing is due
    UNKNOWN = "unknown"  # sent, no answer: it may have been created; never resend
    ERROR = "error"  # refused (not granted, server error …): nothing was created


@dataclass(frozen=True, slots=True)
class PayResult:
    outcome: Outcome
    order: Order | None = None
    error: str = ""  # the one-line error (message, HTTP status, query id)
    exception: BaseException | None = None
