"""Paying the balance, without widgets: what is due, the guard against a second POST, the outcome.

Paying creates a regularisation order (valid one hour) whose ``url`` is OVHcloud's payment page; nothing
is charged until that page is used. The POST is never retried: when its answer is lost the outcome is
*unknown* and the caller must say so instead of sending it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ovh_invoices_tui.api.errors import NothingToPayError, OutcomeUnknownError, OvhError, ServerError
from ovh_invoices_tui.core.i18n import format_date, register
from ovh_invoices_tui.core.models import BillRow, ModelError, Money, Order
from ovh_invoices_tui.data.account_lock import AccountLock, PaymentInProgressError

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.state.invoices import Store


register(
    {
        "pay.col.ref": {"en": "Reference", "fr": "Référence"},
        "pay.col.date": {"en": "Date", "fr": "Date"},
        "pay.col.balance": {"en": "Balance", "fr": "Solde"},
    }
)


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


def plan_all(store: Store) -> PayPlan:
    """Everything due on the account, from what the store loaded."""
    balance = store.balance.due_amount if store.balance is not None else None
    return plan_due(store.rows, balance, store.currency)


def plan_bill(row: BillRow) -> PayPlan:
    """One invoice's debt (empty when its balance is zero)."""
    rows = (row,) if row.balance.ucents > 0 else ()
    return PayPlan(rows, row.balance if rows else Money.zero(row.balance.currency), bill_id=row.bill.bill_id)


# --- the guard ---------------------------------------------------------------------------------------


@dataclass(eq=False)
class Flow:
    """One money flow (pay, cancellation request), from its dialog to its result."""

    name: str
    sent: bool = False
    lock: AccountLock | None = None  # the account's payment lock, held by this flow until it ends


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
    account_lock: AccountLock | None = None

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


# --- paying ------------------------------------------------------------------------------------------


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


async def pay(client: OvhClient, plan: PayPlan) -> PayResult:
    """Send the one POST of ``plan`` and classify what came back (never raises for an API answer)."""
    try:
        order = await (client.pay_bill(plan.bill_id) if plan.bill_id else client.pay_all())
    except NothingToPayError as exc:
        return PayResult(Outcome.NOTHING, error=str(exc), exception=exc)
    except OutcomeUnknownError as exc:
        return PayResult(Outcome.UNKNOWN, error=str(exc), exception=exc)
    except ServerError as exc:
        if exc.status in (502, 503, 504):  # a gateway answered, not the API: the order may exist behind it
            return PayResult(Outcome.UNKNOWN, error=str(exc), exception=exc)
        return PayResult(Outcome.ERROR, error=str(exc), exception=exc)
    except OvhError as exc:
        return PayResult(Outcome.ERROR, error=str(exc), exception=exc)
    except ModelError as exc:
        # The POST went through but its answer cannot be read: an order probably exists.
        return PayResult(Outcome.UNKNOWN, error=f"unreadable answer: {exc}", exception=exc)
    except Exception as exc:  # with money, an unexpected failure counts as "maybe sent"
        text = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        return PayResult(Outcome.UNKNOWN, error=text, exception=exc)
    return PayResult(Outcome.ORDER, order=order)
