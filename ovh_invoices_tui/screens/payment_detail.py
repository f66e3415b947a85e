"""A payment's detail: the invoices it paid (enter opens one), the credit notes applied, why it is smaller."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static

from ovh_invoices_tui.actions.documents import view_deposit_html, view_deposit_pdf
from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core.i18n import format_date, format_money, payment_type_label, t
from ovh_invoices_tui.core.models import Bill, Deposit
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.payments import find_deposit, load_settlement
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.navigation import OpenDetail
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.state.payments import Settlement
from ovh_invoices_tui.widgets.payment_table import PaidBillTable


def info_block(deposit: Deposit, lang: str) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()  # the means ("SEPA direct debit (SEPA FR76 …)") wraps when narrow; ids and amounts never
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    means = payment_type_label(deposit.payment_type, lang)
    label = deposit.payment_info.public_label if deposit.payment_info else None
    if label:
        means = f"{means} ({clean(label)})"
    table.add_row(
        Text(t("col.payment_date", lang), style="bold"),
        format_date(deposit.date, lang),
        Text(t("col.total_amount", lang), style="bold"),
        Text(format_money(deposit.amount, lang), style="bold"),
    )
    table.add_row(
        Text(t("col.payment_type", lang), style="bold"),
        Text(means),
        Text(t("payment.order", lang), style="bold"),
        str(deposit.order_id),
    )
    return table


def credit_notes_text(settlement: Settlement, lang: str) -> Text:
    if not settlement.credit_notes:
        return Text(t("payment.no_credit_note", lang), style="dim")
    lines = [
        t(
            "payment.credit_line",
            lang,
            ref=clean(note.refund_id),
            date=format_date(note.date, lang),
            amount=format_money(note.price_with_tax, lang),
            bill=clean(note.original_bill_id or "—"),
        )
        for note in settlement.credit_notes
    ]
    return Text("\n".join(lines))


def explanation_text(settlement: Settlement, lang: str) -> Text:
    text = Text()
    if settlement.missing_bills:
        text.append(t("payment.missing_bills", lang, refs=", ".join(settlement.missing_bills)), style="bold red")
        return text
    lines = settlement.explanation(lang)
    if lines:
        text.append(clean(lines[0]) + "\n", style="dim")
        text.append("\n".join(clean(line) for line in lines[1:]), style="bold yellow")
    return text


class PaymentDetailScreen(ReportsWorkerFailures, Screen[None]):
    """One payment: its information, why it differs from its invoices, the invoices, the credit notes."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="payment.back", tooltip="Back"),
        Binding("w", "view_html", "HTML", id="payment.html", tooltip="View the payment proof (HTML)"),
        Binding("d", "view_pdf", "PDF", id="payment.pdf", tooltip="View the payment proof (PDF), saved in downloads"),
    ]

    CSS_PATH = "payment_detail.tcss"

    def __init__(self, session: AccountSession, deposit_id: str, deposit: Deposit | None = None) -> None:
        super().__init__()
        self.session = session
        self.deposit_id = deposit_id
        self.deposit = deposit
        self.settlement: Settlement | None = None

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        lang = self.host.lang
        yield Static(Text(t("payment.title", lang, ref=clean(self.deposit_id))), id="payment-title")
        yield Static(id="payment-info")
        yield Static(id="payment-explanation")
        yield Static(t("payment.paid_bills", lang, count="…"), id="payment-bills-title", classes="section-title")
        yield LoadingIndicator(id="payment-loading")
        yield PaidBillTable(lang=lang, id="payment-bills")
        yield Static(t("payment.credit_notes", lang), classes="section-title")
        yield Static(id="payment-credit-notes")
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one(PaidBillTable).focus()
        self.load()

    def _show(self) -> None:
        lang = self.host.lang
        if self.deposit is not None:
            self.query_one("#payment-info", Static).update(info_block(self.deposit, lang))
        settlement = self.settlement
        if settlement is None:
            return
        self.query_one("#payment-loading").display = False
        self.query_one("#payment-explanation", Static).update(explanation_text(settlement, lang))
        self.query_one("#payment-bills-title", Static).update(
            t("payment.paid_bills", lang, count=len(settlement.bills))
        )
        self.query_one(PaidBillTable).set_rows(sorted(settlement.bills, key=lambda b: (b.date, b.bill_id)))
        self.query_one("#payment-credit-notes", Static).update(credit_notes_text(settlement, lang))

    @work(exclusive=True, group="payment-detail", exit_on_error=False)
    async def load(self) -> None:
        session = self.session

        def bill_lookup(bill_id: str) -> Bill | None:
            row = session.store.row(bill_id)
            return row.bill if row is not None else None

        if self.deposit is None:
            self.deposit = await find_deposit(session.client, self.deposit_id, session.payments, session.cache)
            self._show()
        self.settlement = await load_settlement(
            session.client, self.deposit, store=session.payments, bill_lookup=bill_lookup, cache=session.cache
        )
        self._show()

    def show_failure(self, text: str) -> None:
        """The payment could not be loaded: the spinner gives way to the error."""
        self.query_one("#payment-loading").display = False
        self.query_one("#payment-explanation", Static).update(
            Text(t("payment.load_failed", self.host.lang, error=text), style="bold red")
        )

    @on(PaidBillTable.RowActivated)
    def _open_bill(self, event: PaidBillTable.RowActivated) -> None:
        bill: Bill = event.row
        self.post_message(OpenDetail(bill.bill_id))

    def action_view_html(self) -> None:
        if self.deposit is not None:
            view_deposit_html(self.host, self.deposit)

    def action_view_pdf(self) -> None:
        if self.deposit is not None:
            view_deposit_pdf(self.host, self.deposit)


def open_payment_detail(
    app: App[Any], session: AccountSession, deposit_id: str, deposit: Deposit | None = None
) -> None:
    """Show a payment; when the screen under the current one is that payment already, go back to it."""
    stack = app.screen_stack
    if len(stack) >= 2:
        below = stack[-2]
        if isinstance(below, PaymentDetailScreen) and below.deposit_id == deposit_id:
            app.pop_screen()
            return
    app.push_screen(PaymentDetailScreen(session, deposit_id, deposit))
