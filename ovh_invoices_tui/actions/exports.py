"""The export entries of the bulk-actions menu (key ``b``): all, the current view or the selection, as CSV
or PDF. Each opens the export dialog, which runs the job (:mod:`ovh_invoices_tui.export.jobs`)."""

from __future__ import annotations

from collections.abc import Callable

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.export.jobs import ExportKind, Scope

# (scope, format, the key that picks it in the menu), in menu order
EXPORTS: tuple[tuple[Scope, ExportKind, str], ...] = (
    (Scope.ALL, "csv", "c"),
    (Scope.ALL, "pdf", "p"),
    (Scope.VIEW, "csv", "v"),
    (Scope.VIEW, "pdf", "w"),
    (Scope.SELECTION, "csv", "s"),
    (Scope.SELECTION, "pdf", "d"),
)


def count(host: ActionHost, scope: Scope) -> int:
    """How many invoices an export of ``scope`` would take."""
    store = host.session.store
    if scope is Scope.VIEW:
        return len(store.view)
    if scope is Scope.SELECTION:
        return len(store.marked)
    return len(store.rows)


def applies(scope: Scope) -> Callable[[ActionHost], bool]:
    """When the entry is listed: "all" always, the view when a filter makes it differ, the selection when
    something is marked."""

    def listed(host: ActionHost) -> bool:
        store = host.session.store
        if scope is Scope.VIEW:
            return store.filter.is_active
        if scope is Scope.SELECTION:
            return bool(store.marked)
        return True

    return listed


def disabled_reason(scope: Scope) -> Callable[[ActionHost], str | None]:
    """Why the entry is disabled: still loading (for "all"), or nothing to export."""

    def reason(host: ActionHost) -> str | None:
        if scope is Scope.ALL and not host.session.store.progress.done:
            return t("bulk.loading", host.lang)
        if count(host, scope) == 0:
            return t("bulk.empty", host.lang)
        return None

    return reason


def detail(scope: Scope) -> Callable[[ActionHost], str | None]:
    """Shown after the label: how many invoices."""

    def text(host: ActionHost) -> str | None:
        return t("bulk.count", host.lang, count=count(host, scope))

    return text


def launcher(scope: Scope, kind: ExportKind) -> Callable[[ActionHost], None]:
    """Open the export dialog for ``scope`` in ``kind``."""

    def run(host: ActionHost) -> None:
        host.open_export_dialog(scope, kind)

    return run
