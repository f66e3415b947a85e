"""The invoice workspace: account bar, balance banner, filters, the virtual table, totals and marks."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Footer

from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.list_screen import ListScreen, filter_bindings, mark_bindings, sort_bindings
from ovh_invoices_tui.screens.navigation import OpenActionMenu, OpenDetail
from ovh_invoices_tui.state.invoices import SORT_COLUMNS, Change, Store, toggle_new
from ovh_invoices_tui.widgets.account_bar import AccountBar
from ovh_invoices_tui.widgets.balance_banner import BalanceBanner
from ovh_invoices_tui.widgets.bill_table import BillTable
from ovh_invoices_tui.widgets.filter_bar import FilterBar
from ovh_invoices_tui.widgets.filter_input import FilterInput
from ovh_invoices_tui.widgets.status_line import StatusLine

T = TypeVar("T")

# While the pages of a load arrive, the list is drawn again at most this often: each drawing costs the event loop
# some 15 ms that the next pages wait for (100,000 bills from outside: all loaded 1.37 s at 0.1 s, 1.28 s at 0.25 s,
# medians of 8). Four steps a second still show the count climbing. The first rows and the end are drawn at once.
LOADING_REDRAW_S = 0.25


class InvoicesScreen(ListScreen):
    """Where users live: every invoice of the account, found in a keystroke."""

    BINDINGS = [
        *mark_bindings("invoices", show_mark=True),
        *filter_bindings(
            "invoices",
            show_search=True,
            show_filters=False,
            filters_tooltip="Open or close the filter bar (reference, order, date, status)",
        ),
        Binding("enter", "open_detail", "Open", show=False, id="invoices.open", tooltip="Open the invoice"),
        Binding("full_stop", "action_menu", "Actions", id="invoices.menu", tooltip="Actions on this invoice"),
        Binding("p", "payments", "Payments", id="invoices.payments", tooltip="Payment tracking and credit notes"),
        Binding("I", "insights", "Insights", show=False, id="invoices.insights",
                tooltip="Spend per month, category and service"),
        Binding("N", "toggle_new", "New", show=False, id="invoices.new",
                tooltip="Only the invoices that arrived since the last visit (again: all)"),
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
        *sort_bindings("invoices", SORT_COLUMNS),
    ]

    PRIORITY_ACTIONS = frozenset({*ListScreen.PRIORITY_ACTIONS, "bulk_menu"})

    CSS_PATH = "invoices.tcss"

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session
        self._unsubscribe: list[object] = []
        self._held: set[Change] = set()  # what a load changed that is not drawn yet
        self._held_timer: Timer | None = None
        self._rows_drawn_at: float | None = None  # when rows were last drawn (monotonic)
        self._own_context_vars: contextvars.Context | None = None  # the screen's own (Textual's context variables set)

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    @property
    def listing(self) -> Store:
        return self.session.store

    @property
    def lang(self) -> str:
        return self.host.lang

    def list_table(self) -> BillTable:
        return self.query_one(BillTable)

    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def compose(self) -> ComposeResult:
        lang = self.host.lang
        yield AccountBar(id="account-bar")
        yield BalanceBanner(id="balance-banner")
        yield FilterBar(lang=lang, id="filter-bar")
        yield FilterInput(placeholder=t("invoices.quick", lang), id="quick-filter")
        yield BillTable(lang=lang, is_new=self.session.store.is_new, id="bills")
        yield StatusLine(id="status-line")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        store = self.session.store
        self._own_context_vars = contextvars.copy_context()
        self._unsubscribe.append(store.subscribe(self._store_changed))
        self._show_changes(set(Change))
        self.list_table().focus()

    def apply_language(self) -> None:
        """Relabel everything in the app's current language (the store and the cursor are untouched)."""
        lang = self.host.lang
        self.query_one(BillTable).set_language(lang)
        self.query_one(FilterBar).set_language(lang)
        self.quick_input().placeholder = t("invoices.quick", lang)
        self._show_changes(set(Change))

    def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()  # type: ignore[operator]

    # --- store → widgets ------------------------------------------------------------------------

    def _store_changed(self, changes: set[Change]) -> None:
        """Rows a load brings are drawn at most every :data:`LOADING_REDRAW_S`; anything else at once."""
        drawn_at = self._rows_drawn_at
        if Change.ROWS in changes and not self.session.store.progress.done and drawn_at is not None:
            wait = LOADING_REDRAW_S - (time.monotonic() - drawn_at)
            if wait > 0 or self._held_timer is not None:
                self._held |= changes
                if self._held_timer is None:
                    self._held_timer = self._in_own_context(self.set_timer, wait, self._show_changes)
                return
        self._show_changes(changes)

    def _in_own_context(self, call: Callable[..., T], *args: object) -> T:
        """``call(*args)`` in the screen's context. A store can change in a task started before any UI (the load a
        cold start begins while the UI is imported): a timer started there would lack the running app and die at
        its first tick, and the rows it holds back would wait for the end of the load."""
        return call(*args) if self._own_context_vars is None else self._own_context_vars.copy().run(call, *args)

    def _show_changes(self, changes: set[Change] | None = None) -> None:
        """Draw ``changes`` and whatever was held back (all of it when the timer calls)."""
        if self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None
        changes, self._held = self._held | (changes or set()), set()
        if self.session.store.rows:
            self._rows_drawn_at = time.monotonic()
        self._on_store_change(changes)

    def _on_store_change(self, changes: set[Change]) -> None:
        app, session = self.host, self.session
        store = session.store
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
            # pages come in any order: a cursor on the first row stays there, on the newest known
            self.show_view(rows_arrived=Change.ROWS in changes)
        elif Change.MARKS in changes:
            table.set_marked(store.marked)
        if changes & {Change.ACCOUNT, Change.PROGRESS, Change.ROWS}:
            self.query_one(AccountBar).show(
                nichandle=store.account.nichandle if store.account else None,
                profile=session.profile_name,
                endpoint=session.endpoint_label,
                readonly=session.readonly,
                progress=store.progress,
                lang=app.lang,
                new=store.new_count(),
            )
        if changes & {Change.PROGRESS, Change.LOAD_ERRORS}:
            self.tell_load_errors(store.load_errors, done=store.progress.done)
        if changes & {Change.BALANCE, Change.ACCOUNT, Change.ROWS}:
            self.query_one(BalanceBanner).show(
                store.balance, lang=app.lang, pay_key=app.key_for("invoices.pay"), readonly=session.readonly,
                overdue=store.oldest_overdue(clock.today()),
            )  # fmt: skip
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

    # --- row actions ----------------------------------------------------------------------------

    @on(BillTable.RowActivated)
    def _row_activated(self) -> None:
        self.action_open_detail()

    def action_open_detail(self) -> None:
        row = self.query_one(BillTable).current_row
        if row is None:
            self.notify(t("invoices.no_row", self.host.lang), severity="warning")
            return
        self.post_message(OpenDetail(row.bill.bill_id))

    def action_bulk_menu(self) -> None:
        from ovh_invoices_tui.screens.bulk_menu import open_bulk_menu

        open_bulk_menu(self.host)

    def action_pay_balance(self) -> None:
        """``$``: confirm, then pay everything due (in read-only mode, say why not)."""
        from ovh_invoices_tui.screens.pay_dialog import open_pay_dialog

        open_pay_dialog(self.host)

    def action_payments(self) -> None:
        """``p``: payment tracking (deposits, the invoices each paid, credit notes)."""
        from ovh_invoices_tui.screens.payments import open_payments

        open_payments(self.app, self.session)

    def action_toggle_new(self) -> None:
        """``N`` / ``:new``: only what arrived since the last visit, or everything again."""
        toggle_new(self.session.store)

    def action_insights(self) -> None:
        """``I``: spend per month, category and service, over every invoice of the account."""
        from ovh_invoices_tui.screens.insights import open_insights

        open_insights(self.host)

    def action_action_menu(self) -> None:
        row = self.query_one(BillTable).current_row
        if row is None:
            self.notify(t("invoices.no_row", self.host.lang), severity="warning")
            return
        self.post_message(OpenActionMenu(row.bill.bill_id))

    def jump_to(self, bill_id: str) -> bool:
        """Put the cursor on ``bill_id`` if the view shows it."""
        index = self.listing.index_in_view(bill_id)
        if index is None:
            return False
        self.list_table().move_cursor(index)
        return True
