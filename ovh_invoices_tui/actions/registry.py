"""The registry of row actions: the single place where what the action menu offers is declared.

Each action says when it applies to a row and, when it applies but cannot run (read-only mode, say),
why it is disabled. Modules adding actions (documents, payments, cancellation) call :func:`row_action`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui.core.models import BillRow

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp


@dataclass(frozen=True, slots=True)
class RowAction:
    """An action of the "…" menu on one invoice."""

    id: str
    label_key: str  # i18n key
    key: str  # the key that picks it inside the menu
    run: Callable[[OvhInvoicesApp, BillRow], Awaitable[Any] | Any]
    applies: Callable[[OvhInvoicesApp, BillRow], bool] = lambda app, row: True
    disabled_reason: Callable[[OvhInvoicesApp, BillRow], str | None] = lambda app, row: None
    order: int = 100


_REGISTRY: dict[str, RowAction] = {}


def row_action(action: RowAction) -> RowAction:
    """Register (or replace, by id) an action."""
    _REGISTRY[action.id] = action
    return action


def actions_for(app: OvhInvoicesApp, row: BillRow) -> list[tuple[RowAction, str | None]]:
    """The actions that apply to ``row``, in menu order, each with its disabled reason (None if enabled)."""
    found = [action for action in _REGISTRY.values() if action.applies(app, row)]
    found.sort(key=lambda action: action.order)
    return [(action, action.disabled_reason(app, row)) for action in found]
