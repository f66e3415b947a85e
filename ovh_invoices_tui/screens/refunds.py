"""Credit notes ("avoirs"): date, reference, the invoice credited, what it was applied to, amount.

Opened with ``c`` on payment tracking or ``:refunds``. Enter opens the payment a credit note reduced (or, when it
was paid back, the invoice it credits); ``i`` opens the credited invoice.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from ovh_invoices_tui.actions.documents import view_html, view_pdf
from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core.i18n import payment_type_label, t, t_count
from ovh_invoices_tui.core.models import Refund
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.navigation import OpenDetail
from ovh_invoices_tui.screens.payments import ensure_payments_loaded
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.state.payments import LoadState, PaymentChange
from ovh_invoices_tui.widgets.payment_table import RefundTable


class RefundsScreen(ReportsWorkerFailures, Screen[None]):
    """Every credit note of the account, newest first, with the invoice it credits and where it went."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="refunds.back", tooltip="Back to payment tracking"),
        Binding("i", "open_bill", "Invoice", id="refunds.invoice", tooltip="Open the credited invoice"),
        Binding("w", "view_html", "HTML", id="refunds.html", tooltip="View the credit note (HTML)"),
        Binding("d", "view_pdf", "PDF", id="refunds.pdf", tooltip="View the credit note (PDF)"),
    ]

    CSS_PATH = "refunds.tcss"

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session
        self._unsubscribe: Any = None

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    def credited_to(self, refund_id: str) -> str | None:
        """The payment a credit note reduced, or how it was paid back; None while unknown."""
        store = self.session.payments
        if refund_id not in store.refund_payments:
            return None
        payment = store.refund_payments[refund_id]
        deposit_id = store.credited_deposit(refund_id)
        if deposit_id is not None:
            return deposit_id
        if payment is None:
            return "—"
        lang = self.host.lang
        return t("refunds.paid_back", lang, means=payment_type_label(payment.payment_type, lang))

    def compose(self) -> ComposeResult:
        lang = self.host.lang
        yield Static(id="refunds-header")
        yield RefundTable(lang=lang, credited_to=self.credited_to, empty_message=t("refunds.loading", lang))
        yield Static(t("refunds.hint", lang), id="refunds-hint")
        yield Footer()

    def on_mount(self) -> None:
        self._unsubscribe = self.session.payments.subscribe(self._on_change)
        ensure_payments_loaded(self.app, self.session)
        self._on_change(set(PaymentChange))
        self.query_one(RefundTable).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    def _on_change(self, changes: set[PaymentChange]) -> None:
        if not changes & {PaymentChange.REFUNDS, PaymentChange.PROGRESS, PaymentChange.INVALIDATED}:
            return
        app = self.host
        store, lang = self.session.payments, app.lang
        if PaymentChange.INVALIDATED in changes:
            ensure_payments_loaded(self.app, self.session)
        table = self.query_one(RefundTable)
        current = table.current_row
        table.empty_message = t("refunds.empty" if store.state is LoadState.DONE else "refunds.loading", lang)
        table.set_rows(list(store.refunds), keep_cursor_key=current.refund_id if current else None)
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(t("refunds.title", lang), style="bold")
        header.append(f" · {t_count('refunds.count', len(store.refunds), lang)}")
        if store.progress.error:
            header.append(f" · {clean(store.progress.error)}", style="bold red")
        self.query_one("#refunds-header", Static).update(header)

    def _current(self) -> Refund | None:
        row: Refund | None = self.query_one(RefundTable).current_row
        if row is None:
            self.notify(t("refunds.no_row", self.host.lang), severity="warning")
        return row

    @on(RefundTable.RowActivated)
    def _open(self, event: RefundTable.RowActivated) -> None:
        refund: Refund = event.row
        deposit_id = self.session.payments.credited_deposit(refund.refund_id)
        if deposit_id is not None:
            from ovh_invoices_tui.screens.payment_detail import open_payment_detail

            open_payment_detail(self.app, self.session, deposit_id, self.session.payments.deposit(deposit_id))
        else:
            self._open_bill(refund)

    def _open_bill(self, refund: Refund) -> None:
        if not refund.original_bill_id:
            self.notify(t("refunds.no_bill", self.host.lang), severity="warning")
            return
        self.post_message(OpenDetail(refund.original_bill_id))

    def action_open_bill(self) -> None:
        refund = self._current()
        if refund is not None:
            self._open_bill(refund)

    def action_view_html(self) -> None:
        refund = self._current()
        if refund is not None:
            app = self.host
            app.run_io(view_html(app, t("refunds.html", app.lang), refund.refund_id, refund.url))

    def action_view_pdf(self) -> None:
        refund = self._current()
        if refund is not None:
            app = self.host
            app.run_io(view_pdf(app, t("refunds.pdf", app.lang), refund.refund_id, refund.pdf_url))


def open_refunds(app: App[Any], session: AccountSession) -> None:
    """Show the credit notes (unless they are already on screen)."""
    if isinstance(app.screen, RefundsScreen):
        return
    app.push_screen(RefundsScreen(session))
