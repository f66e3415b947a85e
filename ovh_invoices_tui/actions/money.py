"""The actions that touch money or write to the account, and the POSTs they send.

"Pay this invoice's balance" and "Request cancellation" on one invoice, "Pay my balance now" in the bulk
menu. In read-only mode they stay listed, disabled, with the reason. The rules (what is due, the guard, the
ticket's text) are in :mod:`ovh_invoices_tui.core.paying` and :mod:`ovh_invoices_tui.core.cancellation`;
here is what calls the API: :func:`pay` and :func:`send_ticket`, each one POST never retried.
"""

from __future__ import annotations

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import NothingToPayError, OutcomeUnknownError, OvhError, ServerError
from ovh_invoices_tui.core.cancellation import TicketDraft
from ovh_invoices_tui.core.i18n import format_money, t
from ovh_invoices_tui.core.models import BillRow, ModelError, NewTicket
from ovh_invoices_tui.core.paying import Outcome, PayPlan, PayResult, plan_due
from ovh_invoices_tui.state.invoices import Store

# --- the menu entries ----------------------------------------------------------------------------------


def readonly_reason(host: ActionHost, row: BillRow | None = None) -> str | None:
    """Why an action that writes to the account is disabled (None: it is not)."""
    return t("money.readonly", host.lang) if host.session.readonly else None


def pay_all_reason(host: ActionHost) -> str | None:
    """Why "Pay my balance now" is disabled (None: it is not)."""
    session = host.session
    if session.readonly:
        return t("money.readonly", host.lang)
    if not session.store.progress.done:
        return t("money.loading", host.lang)
    if plan_all(session.store).is_empty:
        return t("money.nothing", host.lang)
    return None


def pay_all_detail(host: ActionHost) -> str | None:
    """What "Pay my balance now" would pay: the amount and how many invoices."""
    plan = plan_all(host.session.store)
    return t("money.due", host.lang, amount=format_money(plan.total, host.lang), count=len(plan.rows))


def pay_everything(host: ActionHost) -> None:
    """Confirm paying everything due."""
    host.open_pay_dialog()


def pay_one(host: ActionHost, row: BillRow) -> None:
    """Confirm paying this invoice's balance."""
    host.open_pay_dialog(row.bill.bill_id)


def request_cancellation(host: ActionHost, row: BillRow) -> None:
    """The cancellation request form of this invoice."""
    host.open_cancel_dialog(row.bill.bill_id)


# --- paying ----------------------------------------------------------------------------------------------


def plan_all(store: Store) -> PayPlan:
    """Everything due on the account, from what the store loaded."""
    balance = store.balance.due_amount if store.balance is not None else None
    return plan_due(store.rows, balance, store.currency)


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


# --- requesting a cancellation -------------------------------------------------------------------------


async def send_ticket(client: OvhClient, draft: TicketDraft) -> NewTicket:
    """The one POST creating the ticket (never retried)."""
    return await client.create_ticket(
        subject=draft.subject, body=draft.body, category=draft.category, subcategory=draft.subcategory
    )
