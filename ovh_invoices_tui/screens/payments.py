"""Payment tracking ("Suivi des paiements"): every payment (deposit), filters, sort, marks, CSV export.

Opened with ``p`` on the invoice list or ``:payments``. Deposits and credit notes load in an app worker the first
time (kept in ``self.session.payments``); how many invoices each payment settled is fetched in a screen worker, visible
rows first, and shows "…" until known.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static
from textual.worker import Worker

from ovh_invoices_tui.actions.documents import view_deposit_html, view_deposit_pdf
from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core.i18n import format_count, t, t_count
from ovh_invoices_tui.core.models import Deposit
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.payments import fill_paid_counts, load_payments
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.list_screen import ListScreen, filter_bindings, mark_bindings, sort_bindings
from ovh_invoices_tui.screens.payment_detail import open_payment_detail
from ovh_invoices_tui.screens.payment_export_dialog import PaymentExportDialog
from ovh_invoices_tui.state.payments import (
    PAYMENT_SORT_COLUMNS,
    LoadState,
    PaymentChange,
    PaymentsStore,
    deposits_total_text,
)
from ovh_invoices_tui.widgets.filter_input import FilterInput
from ovh_invoices_tui.widgets.payment_filter_bar import PaymentFilterBar
from ovh_invoices_tui.widgets.payment_table import PaymentTable

# --- loading ------------------------------------------------------------------------------------------------


def ensure_payments_loaded(app: App[Any], session: AccountSession) -> None:
    """Start loading deposits and credit notes (an app worker) unless loaded or loading already."""
    store = session.payments
    if store.state is not LoadState.IDLE:
        return
    store.begin_loading()

    # An app worker (the list outlives this screen): its failure is reported by the App; the store's progress
    # carries the error to the header and the table.
    app.run_worker(load_payments(session.client, store, session.cache), group="payments-load", exclusive=True,
                   exit_on_error=False)  # fmt: skip


def open_payments(app: App[Any], session: AccountSession) -> None:
    """Show payment tracking: back to it if it is open under the current screen, else push it."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, PaymentsScreen):
            while app.screen is not screen:
                app.pop_screen()
            return
    app.push_screen(PaymentsScreen(session))


# --- the screen -----------------------------------------------------------------------------------------------


class PaymentsScreen(ListScreen):
    """Every payment of the account: Référence, Date de paiement, Montant total, Moyen de paiement, Factures."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="payments.back", tooltip="Back to the invoices"),
        *mark_bindings("payments", show_mark=False),
        *filter_bindings(
            "payments", show_search=False, show_filters=True, filters_tooltip="Date, amount, payment method"
        ),
        Binding("c", "refunds", "Credit notes", id="payments.refunds", tooltip="Credit notes (avoirs)"),
        Binding("e", "export", "Export CSV", id="payments.export", tooltip="Export payment proofs as CSV"),
        Binding("w", "view_html", "HTML", show=False, id="payments.html", tooltip="View the payment proof (HTML)"),
        Binding("d", "view_pdf", "PDF", show=False, id="payments.pdf", tooltip="View the payment proof (PDF)"),
        *sort_bindings("payments", PAYMENT_SORT_COLUMNS),
    ]

    CSS_PATH = "payments.tcss"

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session
        self._unsubscribe: Any = None
        self._counts: Worker[None] | None = None
        self._failure: str | None = None  # why a worker of this screen failed (shown in the header)

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    @property
    def listing(self) -> PaymentsStore:
        return self.session.payments

    @property
    def lang(self) -> str:
        return self.host.lang

    def list_table(self) -> PaymentTable:
        return self.query_one(PaymentTable)

    def filter_bar(self) -> PaymentFilterBar:
        return self.query_one(PaymentFilterBar)

    def compose(self) -> ComposeResult:
        app = self.host
        yield Static(id="payments-header")
        yield PaymentFilterBar(lang=app.lang, id="payments-filters")
        yield FilterInput(placeholder=t("payments.quick", app.lang), id="quick-filter")
        yield PaymentTable(lang=app.lang, paid_count=self.session.payments.paid_count, id="payments")
        yield Static(id="payments-status")
        yield Footer()

    def on_mount(self) -> None:
        store = self.session.payments
        self._unsubscribe = store.subscribe(self._on_change)
        ensure_payments_loaded(self.app, self.session)
        self._on_change(set(PaymentChange))
        self.query_one(PaymentTable).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    # --- store → widgets ------------------------------------------------------------------------

    def _on_change(self, changes: set[PaymentChange]) -> None:
        store = self.session.payments
        table = self.query_one(PaymentTable)
        if PaymentChange.INVALIDATED in changes:
            ensure_payments_loaded(self.app, self.session)
        if changes & {PaymentChange.VIEW, PaymentChange.ROWS, PaymentChange.PROGRESS}:
            table.empty_message = self._empty_message()
        if changes & {PaymentChange.VIEW, PaymentChange.ROWS}:
            self.show_view()
            self._start_counts()
        elif PaymentChange.MARKS in changes:
            table.set_marked(store.marked)
        elif PaymentChange.PAID_BILLS in changes:
            table.refresh_rows()
        if changes & {PaymentChange.ROWS, PaymentChange.PROGRESS}:
            self.query_one(PaymentFilterBar).set_types(store.payment_types())
        if changes & {PaymentChange.PROGRESS, PaymentChange.PAID_BILLS, PaymentChange.ROWS}:
            self._show_header()
        if changes & {PaymentChange.VIEW, PaymentChange.ROWS, PaymentChange.MARKS}:
            self._show_status()
        if changes & {PaymentChange.PROGRESS, PaymentChange.LOAD_ERRORS}:
            self.tell_load_errors(store.load_errors, done=store.state is LoadState.DONE)

    def _empty_message(self) -> str:
        """What an empty table says: loading, failed (and why), or nothing matches."""
        lang, store = self.host.lang, self.session.payments
        if store.progress.error:
            return t("payments.load_failed", lang, error=clean(store.progress.error))
        return t("payments.empty" if store.state is LoadState.DONE else "payments.empty_loading", lang)

    def show_failure(self, text: str) -> None:
        """Counting the invoices failed: the header says why instead of "counting invoices …" forever."""
        self._failure = text
        self._show_header()

    def _show_header(self) -> None:
        app = self.host
        store, lang = self.session.payments, app.lang
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(t("payments.title", lang), style="bold")
        account = self.session.store.account
        if account is not None:
            text.append(f" · {clean(account.nichandle)}")
        progress = store.progress
        if progress.error:
            text.append(" · ")
            text.append(t("payments.load_failed", lang, error=clean(progress.error)), style="bold red")
        elif not progress.done:
            total = f"/{format_count(progress.deposits_total, lang)}" if progress.deposits_total is not None else ""
            text.append(" · ")
            deposits, refunds = format_count(progress.deposits, lang), format_count(progress.refunds, lang)
            text.append(t("payments.loading", lang, deposits=deposits, total=total, refunds=refunds), style="italic")
        elif self._failure is not None:
            text.append(" · ")
            text.append(clean(self._failure), style="bold red")
        else:
            known = len(store.paid_bills) + len(store.paid_bills_failed)  # O(1): called after every batch
            if known < len(store.deposits):
                text.append(" · ")
                text.append(t("payments.counts_pending", lang, known=known, total=len(store.deposits)), style="dim")
        self.query_one("#payments-header", Static).update(text)

    def _show_status(self) -> None:
        app = self.host
        store, lang = self.session.payments, app.lang
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(t_count("payments.count", len(store.view), lang), style="bold")
        line.append(f" · {t('payments.total', lang)} {deposits_total_text(store.view, lang)}")
        if store.marked:
            marked = store.marked_rows()
            line.append("  │  ")
            line.append(t_count("payments.marked", len(marked), lang), style="bold reverse")
            line.append(f" · {deposits_total_text(marked, lang)}")
        second = Text(no_wrap=True, overflow="ellipsis")
        second.append(f"{t('payments.filter', lang)}: ", style="dim")
        second.append(clean(store.filter.describe(lang)), style="bold yellow" if store.filter.is_active else "dim")
        self.query_one("#payments-status", Static).update(Text("\n").join([line, second]))

    # --- paid-bill counts (visible rows first) ----------------------------------------------------

    def _visible_ids(self) -> list[str]:
        table = self.query_one(PaymentTable)
        top = table.scroll_offset.y
        rows = table.rows
        return [d.deposit_id for d in rows[top : top + max(1, table.size.height)]]

    def _start_counts(self) -> None:
        if self._counts is not None and not self._counts.is_finished:
            return
        store = self.session.payments
        if not store.missing_paid_bills(limit=1):
            return
        self._failure = None
        self._counts = self.run_worker(
            fill_paid_counts(self.session.client, store, self._visible_ids, cache=self.session.cache),
            group="payments-counts",
            exit_on_error=False,
        )

    # --- row actions ----------------------------------------------------------------------------

    @on(PaymentTable.RowActivated)
    def _open(self, event: PaymentTable.RowActivated) -> None:
        deposit: Deposit = event.row
        open_payment_detail(self.app, self.session, deposit.deposit_id, deposit)

    def _current(self) -> Deposit | None:
        row: Deposit | None = self.query_one(PaymentTable).current_row
        return row

    def _need_row(self) -> Deposit | None:
        deposit = self._current()
        if deposit is None:
            self.notify(t("payments.no_row", self.host.lang), severity="warning")
        return deposit

    def action_view_html(self) -> None:
        deposit = self._need_row()
        if deposit is not None:
            view_deposit_html(self.host, deposit)

    def action_view_pdf(self) -> None:
        deposit = self._need_row()
        if deposit is not None:
            view_deposit_pdf(self.host, deposit)

    def action_refunds(self) -> None:
        self.host.open_refunds()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        self.app.push_screen(PaymentExportDialog(self.session))
