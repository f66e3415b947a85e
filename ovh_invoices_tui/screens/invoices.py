"""The invoice workspace: account bar, balance banner, filters, the virtual table, totals and marks."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input

from ovh_invoices_tui.core.filters import BillFilter
from ovh_invoices_tui.core.i18n import register, t
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.state.invoices import SORT_COLUMNS, Change, Sort
from ovh_invoices_tui.widgets.account_bar import AccountBar
from ovh_invoices_tui.widgets.balance_banner import BalanceBanner
from ovh_invoices_tui.widgets.bill_table import BillTable
from ovh_invoices_tui.widgets.filter_bar import FilterBar
from ovh_invoices_tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

register(
    {
        "invoices.quick": {
            "en": "Search reference, order number, service…  (Enter/Esc: back to the list)",
            "fr": "Chercher référence, commande, service…  (Entrée/Échap : retour à la liste)",
        },
        "invoices.empty": {"en": "No invoice matches the filter", "fr": "Aucune facture ne correspond au filtre"},
        "invoices.empty_loading": {"en": "Loading invoices…", "fr": "Chargement des factures…"},
        "invoices.load_failed": {
            "en": "Could not load the invoices: {error} — press r to retry",
            "fr": "Impossible de charger les factures : {error} — touche r pour réessayer",
        },
        "invoices.no_row": {"en": "No invoice under the cursor", "fr": "Aucune facture sous le curseur"},
        "invoices.range_anchor": {
            "en": "Range start set: move, then press {key} again",
            "fr": "Début de plage posé : déplacez-vous puis {key} à nouveau",
        },
        "invoices.load_errors": {
            "en": "{count} objects from the API could not be read and were skipped: {first}",
            "fr": "{count} objets de l'API illisibles ont été ignorés : {first}",
        },
    }
)


class InvoicesScreen(ReportsWorkerFailures, Screen[None]):
    """Where users live: every invoice of the account, found in a keystroke."""

    BINDINGS = [
        Binding("space", "toggle_mark", "Mark", id="invoices.mark", tooltip="Mark or unmark the row, move down"),
        Binding(
            "v", "mark_range", "Range", show=False, id="invoices.mark_range", tooltip="Mark from range start to here"
        ),
        Binding("a", "mark_all", "All", show=False, id="invoices.mark_all", tooltip="Mark every row of the view"),
        Binding("i", "invert_marks", "Invert", show=False, id="invoices.invert", tooltip="Invert marks in the view"),
        Binding("u", "clear_marks", "Unmark", show=False, id="invoices.unmark_all", tooltip="Clear every mark"),
        # Priority, so focus moves before the keys typed right after arrive (they may come in one read over SSH).
        Binding(
            "slash", "quick_filter", "Search", id="invoices.quick_filter", tooltip="Quick filter", priority=True
        ),
        Binding(
            "f",
            "toggle_filters",
            "Filters",
            show=False,
            id="invoices.filters",
            tooltip="Open or close the filter bar (reference, order, date, status)",
            priority=True,
        ),
        Binding("x", "clear_filters", "Clear", show=False, id="invoices.clear_filters", tooltip="Clear every filter"),
        Binding("enter", "open_detail", "Open", show=False, id="invoices.open", tooltip="Open the invoice"),
        Binding("full_stop", "action_menu", "Actions", id="invoices.menu", tooltip="Actions on this invoice"),
        Binding("p", "payments", "Payments", id="invoices.payments", tooltip="Payment tracking and credit notes"),
        Binding("I", "insights", "Insights", show=False, id="invoices.insights",
                tooltip="Spend per month, category and service"),
        Binding(
            "b", "bulk_menu", "Bulk", id="invoices.bulk", tooltip="Bulk actions (export…)", priority=True
        ),
        Binding(
            "dollar_sign",
            "pay_balance",
            "Pay",
            key_display="$",
            id="invoices.pay",
            tooltip="Pay everything due (asks for confirmation)",
        ),
        Binding("s", "cycle_sort", "Sort", show=False, id="invoices.sort", tooltip="Sort by the next column"),
        Binding("S", "reverse_sort", "Reverse", show=False, id="invoices.sort_reverse", tooltip="Reverse the sort"),
        *(
            Binding(
                str(n + 1),
                f"sort('{column}')",
                f"Sort {column}",
                show=False,
                id=f"invoices.sort_{column}",
                tooltip=f"Sort by {column} (again: reverse)",
            )
            for n, column in enumerate(SORT_COLUMNS)
        ),
    ]

    CSS_PATH = "invoices.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._range_anchor: str | None = None
        self._unsubscribe: list[object] = []

    @property
    def ovh_app(self) -> OvhInvoicesApp:
        return cast("OvhInvoicesApp", self.app)

    def compose(self) -> ComposeResult:
        lang = self.ovh_app.lang
        yield AccountBar(id="account-bar")
        yield BalanceBanner(id="balance-banner")
        yield FilterBar(lang=lang, id="filter-bar")
        yield Input(placeholder=t("invoices.quick", lang), id="quick-filter")
        yield BillTable(lang=lang, id="bills")
        yield StatusLine(id="status-line")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        store = self.ovh_app.store
        self._unsubscribe.append(store.subscribe(self._on_store_change))
        table = self.query_one(BillTable)
        table.set_sort_indicator(store.sort.column, store.sort.descending)
        self._on_store_change(set(Change))
        table.focus()

    def apply_language(self) -> None:
        """Relabel everything in the app's current language (the store and the cursor are untouched)."""
        lang = self.ovh_app.lang
        self.query_one(BillTable).set_language(lang)
        self.query_one(FilterBar).set_language(lang)
        self.query_one("#quick-filter", Input).placeholder = t("invoices.quick", lang)
        self._on_store_change(set(Change))

    def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()  # type: ignore[operator]

    # --- store → widgets ------------------------------------------------------------------------

    def _on_store_change(self, changes: set[Change]) -> None:
        app = self.ovh_app
        store = app.store
        table = self.query_one(BillTable)
        if changes & {Change.VIEW, Change.ROWS, Change.PROGRESS}:
            # PROGRESS too: when loading ends with nothing to show, "Loading invoices…" must not stay.
            if store.progress.error and not store.rows:
                table.empty_message = t("invoices.load_failed", app.lang, error=store.progress.error)
            else:
                table.empty_message = t(
                    "invoices.empty" if store.progress.done or store.rows else "invoices.empty_loading", app.lang
                )
        if Change.VIEW in changes or Change.ROWS in changes:
            current = table.current_row
            table.set_rows(store.view, marked=store.marked, keep_cursor_key=current.bill.bill_id if current else None)
        elif Change.MARKS in changes:
            table.set_marked(store.marked)
        if changes & {Change.ACCOUNT, Change.PROGRESS, Change.ROWS}:
            self.query_one(AccountBar).show(
                nichandle=store.account.nichandle if store.account else None,
                profile=app.profile_name,
                endpoint=app.endpoint_label,
                readonly=app.readonly,
                progress=store.progress,
                lang=app.lang,
            )
            if Change.PROGRESS in changes and store.progress.done and store.load_errors:
                first = store.load_errors[0]
                app.notify(
                    t("invoices.load_errors", app.lang, count=len(store.load_errors), first=str(first)),
                    severity="warning",
                    timeout=10,
                )
        if changes & {Change.BALANCE, Change.ACCOUNT}:
            self.query_one(BalanceBanner).show(
                store.balance, lang=app.lang, pay_key=app.key_for("invoices.pay"), readonly=app.readonly
            )
        if changes & {Change.VIEW, Change.ROWS, Change.MARKS, Change.ACCOUNT}:
            self.query_one(StatusLine).show(
                view=store.view_totals(),
                marked=store.selection_totals(),
                hidden_marked=store.hidden_marked_count,
                filter_text=store.filter.describe(app.lang),
                filter_active=store.filter.is_active,
                currency=store.currency,
                lang=app.lang,
            )
        if Change.VIEW in changes:
            table.set_sort_indicator(store.sort.column, store.sort.descending)

    # --- marks ----------------------------------------------------------------------------------

    def _current_id(self) -> str | None:
        row = self.query_one(BillTable).current_row
        return row.bill.bill_id if row else None

    def action_toggle_mark(self) -> None:
        table = self.query_one(BillTable)
        bill_id = self._current_id()
        if bill_id is None:
            return
        self.ovh_app.store.toggle_mark(bill_id)
        self._range_anchor = bill_id
        table.move_cursor(table.cursor_row + 1)

    def action_mark_range(self) -> None:
        store = self.ovh_app.store
        table = self.query_one(BillTable)
        anchor = self._range_anchor
        anchor_index = next((i for i, r in enumerate(store.view) if r.bill.bill_id == anchor), None)
        if anchor is None or anchor_index is None:
            self._range_anchor = self._current_id()
            self.notify(t("invoices.range_anchor", self.ovh_app.lang, key="v"), timeout=3)
            return
        store.mark_range(anchor_index, table.cursor_row)
        self._range_anchor = self._current_id()

    def action_mark_all(self) -> None:
        self.ovh_app.store.mark_all_in_view()

    def action_invert_marks(self) -> None:
        self.ovh_app.store.invert_marks_in_view()

    def action_clear_marks(self) -> None:
        self.ovh_app.store.clear_marks()

    # --- filters --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The priority keys must still type into inputs.
        return not (action in ("quick_filter", "toggle_filters", "bulk_menu") and isinstance(self.focused, Input))

    def action_quick_filter(self) -> None:
        box = self.query_one("#quick-filter", Input)
        # Inline display and a synchronous focus: keys typed right after "/" are already queued and must land here.
        box.display = True
        self.set_focus(box)

    @on(Input.Changed, "#quick-filter")
    def _quick_changed(self, event: Input.Changed) -> None:
        store = self.ovh_app.store
        store.set_filter(store.filter.with_quick(event.value))

    @on(Input.Submitted, "#quick-filter")
    def _quick_submitted(self) -> None:
        self._leave_quick_filter()

    def _leave_quick_filter(self) -> None:
        box = self.query_one("#quick-filter", Input)
        if not box.value:
            box.display = False
        self.query_one(BillTable).focus()

    def action_toggle_filters(self) -> None:
        bar = self.query_one(FilterBar)
        if bar.display:
            bar.display = False
            self.query_one(BillTable).focus()
        else:
            bar.display = True
            bar.show_filter(self.ovh_app.store.filter)
            self.set_focus(bar.query_one("#filter-reference", Input))

    @on(FilterBar.Changed)
    def _filters_changed(self, event: FilterBar.Changed) -> None:
        store = self.ovh_app.store
        store.set_filter(replace(event.filter, quick=store.filter.quick))

    @on(FilterBar.Left)
    def _filters_left(self) -> None:
        self.query_one(BillTable).focus()

    def action_clear_filters(self) -> None:
        store = self.ovh_app.store
        store.set_filter(BillFilter())
        self.query_one(FilterBar).show_filter(store.filter)
        box = self.query_one("#quick-filter", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        box.display = False

    def key_escape(self) -> bool:
        """Esc leaves an input and goes back to the table."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "quick-filter":
            self._leave_quick_filter()
            return True
        if focused is not None and focused.parent is self.query_one(FilterBar):
            self.query_one(BillTable).focus()
            return True
        return False

    # --- sort -----------------------------------------------------------------------------------

    def action_sort(self, column: str) -> None:
        self.ovh_app.store.toggle_sort(column)

    def action_cycle_sort(self) -> None:
        store = self.ovh_app.store
        position = SORT_COLUMNS.index(store.sort.column) if store.sort.column in SORT_COLUMNS else -1
        store.toggle_sort(SORT_COLUMNS[(position + 1) % len(SORT_COLUMNS)])

    def action_reverse_sort(self) -> None:
        store = self.ovh_app.store
        store.set_sort(Sort(store.sort.column, not store.sort.descending))

    @on(BillTable.HeaderClicked)
    def _header_clicked(self, event: BillTable.HeaderClicked) -> None:
        if event.column_id in SORT_COLUMNS:
            self.ovh_app.store.toggle_sort(event.column_id)

    # --- row actions ----------------------------------------------------------------------------

    @on(BillTable.RowActivated)
    def _row_activated(self) -> None:
        self.action_open_detail()

    def action_open_detail(self) -> None:
        row = self.query_one(BillTable).current_row
        if row is None:
            self.notify(t("invoices.no_row", self.ovh_app.lang), severity="warning")
            return
        self.ovh_app.open_detail(row.bill.bill_id)

    def action_bulk_menu(self) -> None:
        from ovh_invoices_tui.screens.bulk_menu import open_bulk_menu

        open_bulk_menu(self.ovh_app)

    def action_pay_balance(self) -> None:
        """``$``: confirm, then pay everything due (in read-only mode, say why not)."""
        from ovh_invoices_tui.screens.pay_dialog import open_pay_dialog

        open_pay_dialog(self.ovh_app)

    def action_payments(self) -> None:
        """``p``: payment tracking (deposits, the invoices each paid, credit notes)."""
        from ovh_invoices_tui.screens.payments import open_payments

        open_payments(self.ovh_app)

    def action_insights(self) -> None:
        """``I``: spend per month, category and service, over every invoice of the account."""
        from ovh_invoices_tui.screens.insights import open_insights

        open_insights(self.ovh_app)

    def action_action_menu(self) -> None:
        row = self.query_one(BillTable).current_row
        if row is None:
            self.notify(t("invoices.no_row", self.ovh_app.lang), severity="warning")
            return
        self.ovh_app.open_action_menu(row.bill.bill_id)

    def jump_to(self, bill_id: str) -> bool:
        """Put the cursor on ``bill_id`` if the view shows it."""
        table = self.query_one(BillTable)
        for index, row in enumerate(self.ovh_app.store.view):
            if row.bill.bill_id == bill_id:
                table.move_cursor(index)
                return True
        return False
