"""The one registry of actions: what the "…" menu offers on one invoice and the bulk menu (``b``) offers.

Both lists are built here, explicitly, in menu order. Each action says when it applies and, when it applies
but cannot run (read-only mode, say), why it is disabled. Actions receive their
:class:`~ovh_invoices_tui.actions.host.ActionHost` (the UI) and, for row actions, the invoice's row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ovh_invoices_tui.actions import documents, exports, money
from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.core.models import BillRow


@dataclass(frozen=True, slots=True)
class RowAction:
    """An action of the "…" menu on one invoice."""

    id: str
    label_key: str  # i18n key
    key: str  # the key that picks it inside the menu
    run: Callable[[ActionHost, BillRow], Awaitable[Any] | Any]
    applies: Callable[[ActionHost, BillRow], bool] = lambda host, row: True
    disabled_reason: Callable[[ActionHost, BillRow], str | None] = lambda host, row: None


@dataclass(frozen=True, slots=True)
class BulkAction:
    """An entry of the bulk-actions menu."""

    id: str
    label_key: str  # i18n key
    key: str  # the key that picks it inside the menu
    run: Callable[[ActionHost], Awaitable[Any] | Any]
    applies: Callable[[ActionHost], bool] = lambda host: True
    disabled_reason: Callable[[ActionHost], str | None] = lambda host: None
    detail: Callable[[ActionHost], str | None] = lambda host: None  # shown after the label ("3 invoices")


ROW_ACTIONS: tuple[RowAction, ...] = (
    RowAction("bill.html", "action.html", "h", documents.view_bill_html, applies=lambda host, row: bool(row.bill.url)),
    RowAction("bill.pdf", "action.pdf", "p", documents.view_bill_pdf, applies=lambda host, row: bool(row.bill.pdf_url)),
    RowAction(
        "bill.pay",
        "money.pay_bill",
        "$",
        money.pay_one,
        applies=lambda host, row: row.balance.ucents > 0,
        disabled_reason=money.readonly_reason,
    ),
    RowAction("bill.cancel", "money.cancel", "x", money.request_cancellation, disabled_reason=money.readonly_reason),
    RowAction("bill.copy_ref", "action.copy_ref", "c", documents.copy_reference),
)

BULK_ACTIONS: tuple[BulkAction, ...] = (
    BulkAction(
        "pay.all",
        "money.pay_all",
        "$",
        money.pay_everything,
        disabled_reason=money.pay_all_reason,
        detail=money.pay_all_detail,
    ),
    *(
        BulkAction(
            f"export.{scope.value}.{kind}",
            f"bulk.export_{scope.value}_{kind}",
            key,
            exports.launcher(scope, kind),
            applies=exports.applies(scope),
            disabled_reason=exports.disabled_reason(scope),
            detail=exports.detail(scope),
        )
        for scope, kind, key in exports.EXPORTS
    ),
)


def actions_for(
    host: ActionHost, row: BillRow, actions: Sequence[RowAction] = ROW_ACTIONS
) -> list[tuple[RowAction, str | None]]:
    """The actions that apply to ``row``, in menu order, each with its disabled reason (None if enabled)."""
    return [(action, action.disabled_reason(host, row)) for action in actions if action.applies(host, row)]


def bulk_actions_for(
    host: ActionHost, actions: Sequence[BulkAction] = BULK_ACTIONS
) -> list[tuple[BulkAction, str | None]]:
    """The bulk actions that apply now, in menu order, each with its disabled reason (None if enabled)."""
    return [(action, action.disabled_reason(host)) for action in actions if action.applies(host)]
