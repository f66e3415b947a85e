"""The actions that touch money or write to the account, in the invoice and bulk menus.

"Pay this invoice's balance" and "Request cancellation" on one invoice, "Pay my balance now" in the bulk
menu. In read-only mode they stay listed, disabled, with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ovh_invoices_tui.actions.bulk import BulkAction, bulk_action
from ovh_invoices_tui.actions.payment_flow import plan_all
from ovh_invoices_tui.actions.registry import RowAction, row_action
from ovh_invoices_tui.core.i18n import format_money, register, t
from ovh_invoices_tui.core.models import BillRow

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

register(
    {
        "money.pay_all": {"en": "Pay my balance now", "fr": "Régler mon solde immédiatement"},
        "money.pay_bill": {"en": "Pay this invoice's balance", "fr": "Régler le solde de cette facture"},
        "money.cancel": {"en": "Request cancellation", "fr": "Demander l'annulation"},
        "money.readonly": {"en": "read-only mode", "fr": "mode lecture seule"},
        "money.loading": {"en": "wait for the invoices to load", "fr": "attendez la fin du chargement"},
        "money.nothing": {"en": "nothing to pay", "fr": "rien à régler"},
        "money.due": {"en": "{amount} · {count} invoice(s)", "fr": "{amount} · {count} facture(s)"},
    }
)


def readonly_reason(app: OvhInvoicesApp) -> str | None:
    return t("money.readonly", app.lang) if app.readonly else None


def _pay_all_reason(app: OvhInvoicesApp) -> str | None:
    if app.readonly:
        return t("money.readonly", app.lang)
    if not app.store.progress.done:
        return t("money.loading", app.lang)
    if plan_all(app.store).is_empty:
        return t("money.nothing", app.lang)
    return None


def _pay_all_detail(app: OvhInvoicesApp) -> str | None:
    plan = plan_all(app.store)
    return t("money.due", app.lang, amount=format_money(plan.total, app.lang), count=len(plan.rows))


def pay_everything(app: OvhInvoicesApp) -> None:
    from ovh_invoices_tui.screens.pay_dialog import open_pay_dialog

    open_pay_dialog(app)


def pay_one(app: OvhInvoicesApp, row: BillRow) -> None:
    from ovh_invoices_tui.screens.pay_dialog import open_pay_dialog

    open_pay_dialog(app, row.bill.bill_id)


def request_cancellation(app: OvhInvoicesApp, row: BillRow) -> None:
    from ovh_invoices_tui.screens.cancel_dialog import open_cancel_dialog

    open_cancel_dialog(app, row.bill.bill_id)


row_action(
    RowAction(
        "bill.pay",
        "money.pay_bill",
        "$",
        pay_one,
        applies=lambda app, row: row.balance.ucents > 0,
        disabled_reason=lambda app, row: readonly_reason(app),
        order=50,
    )
)
row_action(
    RowAction(
        "bill.cancel",
        "money.cancel",
        "x",
        request_cancellation,
        disabled_reason=lambda app, row: readonly_reason(app),
        order=60,
    )
)
bulk_action(
    BulkAction(
        id="pay.all",
        label_key="money.pay_all",
        key="$",
        run=pay_everything,
        disabled_reason=_pay_all_reason,
        order=1,
        detail=_pay_all_detail,
    )
)
