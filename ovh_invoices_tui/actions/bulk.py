"""The registry of bulk actions: what the "Bulk actions" menu (key ``b``) offers, declared in one place.

Like :mod:`ovh_invoices_tui.actions.registry` for one invoice, each action says when it applies to the app's
current state (something marked, a filter active …) and, when it applies but cannot run, why it is
disabled. Modules adding actions (payments: "Pay my balance now") call :func:`bulk_action`.
The export actions are registered at the bottom of this module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui.core.i18n import register, t
from ovh_invoices_tui.export.jobs import ExportKind, Scope

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp


@dataclass(frozen=True, slots=True)
class BulkAction:
    """An entry of the bulk-actions menu."""

    id: str
    label_key: str  # i18n key
    key: str  # the key that picks it inside the menu
    run: Callable[[OvhInvoicesApp], Awaitable[Any] | Any]
    applies: Callable[[OvhInvoicesApp], bool] = lambda app: True
    disabled_reason: Callable[[OvhInvoicesApp], str | None] = lambda app: None
    order: int = 100
    detail: Callable[[OvhInvoicesApp], str | None] = lambda app: None  # shown after the label ("3 invoices")


_REGISTRY: dict[str, BulkAction] = {}


def bulk_action(action: BulkAction) -> BulkAction:
    """Register (or replace, by id) a bulk action."""
    _REGISTRY[action.id] = action
    return action


def bulk_actions_for(app: OvhInvoicesApp) -> list[tuple[BulkAction, str | None]]:
    """The bulk actions that apply now, in menu order, each with its disabled reason (None if enabled)."""
    found = [action for action in _REGISTRY.values() if action.applies(app)]
    found.sort(key=lambda action: action.order)
    return [(action, action.disabled_reason(app)) for action in found]


# --- the export actions ------------------------------------------------------------------------------

register(
    {
        "bulk.export_all_csv": {"en": "Export all as CSV", "fr": "Tout exporter en CSV"},
        "bulk.export_all_pdf": {"en": "Export all as PDF", "fr": "Tout exporter en PDF"},
        "bulk.export_view_csv": {"en": "Export the current view as CSV", "fr": "Exporter la vue actuelle en CSV"},
        "bulk.export_view_pdf": {"en": "Export the current view as PDF", "fr": "Exporter la vue actuelle en PDF"},
        "bulk.export_selection_csv": {
            "en": "Export the selection as CSV",
            "fr": "Exporter la sélection au format CSV",
        },
        "bulk.export_selection_pdf": {
            "en": "Export the selection as PDF",
            "fr": "Exporter la sélection au format PDF",
        },
        "bulk.count": {"en": "{count} invoice(s)", "fr": "{count} facture(s)"},
        "bulk.loading": {"en": "wait for the invoices to load", "fr": "attendez la fin du chargement"},
        "bulk.empty": {"en": "no invoice", "fr": "aucune facture"},
    }
)


def _count(app: OvhInvoicesApp, scope: Scope) -> int:
    store = app.store
    if scope is Scope.VIEW:
        return len(store.view)
    if scope is Scope.SELECTION:
        return len(store.marked)
    return len(store.rows)


def _reason(scope: Scope) -> Callable[[OvhInvoicesApp], str | None]:
    def reason(app: OvhInvoicesApp) -> str | None:
        if scope is Scope.ALL and not app.store.progress.done:
            return t("bulk.loading", app.lang)
        if _count(app, scope) == 0:
            return t("bulk.empty", app.lang)
        return None

    return reason


def _detail(scope: Scope) -> Callable[[OvhInvoicesApp], str | None]:
    def detail(app: OvhInvoicesApp) -> str | None:
        return t("bulk.count", app.lang, count=_count(app, scope))

    return detail


def _runner(scope: Scope, kind: ExportKind) -> Callable[[OvhInvoicesApp], None]:
    def run(app: OvhInvoicesApp) -> None:
        from ovh_invoices_tui.screens.export_dialog import open_export_dialog

        open_export_dialog(app, scope, kind)

    return run


def _always(app: OvhInvoicesApp) -> bool:
    return True


def _filtered(app: OvhInvoicesApp) -> bool:
    """The view differs from "all" only when a filter is active."""
    return app.store.filter.is_active


def _marked(app: OvhInvoicesApp) -> bool:
    return bool(app.store.marked)


_APPLIES: dict[Scope, Callable[[OvhInvoicesApp], bool]] = {
    Scope.ALL: _always,
    Scope.VIEW: _filtered,
    Scope.SELECTION: _marked,
}

_EXPORTS: tuple[tuple[Scope, ExportKind, str], ...] = (
    (Scope.ALL, "csv", "c"),
    (Scope.ALL, "pdf", "p"),
    (Scope.VIEW, "csv", "v"),
    (Scope.VIEW, "pdf", "w"),
    (Scope.SELECTION, "csv", "s"),
    (Scope.SELECTION, "pdf", "d"),
)

for _order, (_scope, _kind, _key) in enumerate(_EXPORTS):
    bulk_action(
        BulkAction(
            id=f"export.{_scope.value}.{_kind}",
            label_key=f"bulk.export_{_scope.value}_{_kind}",
            key=_key,
            run=_runner(_scope, _kind),
            applies=_APPLIES[_scope],
            disabled_reason=_reason(_scope),
            order=10 + _order,
            detail=_detail(_scope),
        )
    )
