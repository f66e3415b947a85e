"""Invoice detail: the guide's "Comprendre votre facture", loaded in a worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static

from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core.i18n import format_date, format_money, payment_type_label, status_label, t
from ovh_invoices_tui.core.models import Account, BillDetail, BillRow, DebtOperation, Deposit, Payment
from ovh_invoices_tui.core.operation_labels import operation_label, operation_status_label
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.core.wrapping import ITEM_SEPARATOR, pack
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.navigation import OpenActionMenu
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


@dataclass(frozen=True, slots=True)
class InvoiceContent:
    """Everything the detail screen shows beyond the row itself."""

    details: list[BillDetail]
    operations: list[DebtOperation]
    payment: Payment | None
    deposit: Deposit | None


def _pair_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    return table


def info_block(row: BillRow, content: InvoiceContent | None, account: Account | None, lang: str) -> Table:
    bill = row.bill
    table = _pair_table()
    table.add_row(t("col.reference", lang), Text(clean(bill.bill_id)))
    table.add_row(t("col.date", lang), format_date(bill.date, lang))
    table.add_row(t("col.order", lang), str(bill.order_id))
    table.add_row(t("detail.category", lang), Text(clean(bill.category)))
    if content is not None and content.payment is not None:
        table.add_row(t("detail.payment_type", lang), payment_type_label(content.payment.payment_type, lang))
        table.add_row(t("detail.payment_date", lang), format_date(content.payment.payment_date, lang))
    if account is not None:
        table.add_row(t("detail.customer", lang), Text(clean(account.nichandle)))
    return table


def contact_block(account: Account | None, lang: str = "en") -> Text:
    if account is None:
        return Text("…")
    person = " ".join(part for part in (account.firstname, account.name) if part)
    vat = account.vat and f"{t('detail.vat_number', lang)} {account.vat}"
    lines = [account.organisation, person, account.address, " ".join(p for p in (account.zip, account.city) if p),
             account.country, account.email, account.phone, vat]
    return Text("\n".join(clean(line) for line in lines if line))


def _period(line: BillDetail, lang: str) -> str:
    if line.period_start or line.period_end:
        return f"{format_date(line.period_start, lang)} → {format_date(line.period_end, lang)}"
    return ""


def _two_lines(label: str) -> str:
    """A long header on two balanced lines ("Unit price / excl. tax"): amounts are narrower than their header,
    and the width it frees goes to the description."""
    words = label.split(" ")
    if len(label) <= 10 or len(words) < 2:
        return label
    cut = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def lines_table(details: list[BillDetail], lang: str, width: int = 120) -> Table:
    """One row per line; below ~110 columns each line becomes two (what, then period · service · qty × price)."""
    if width < 110:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1)
        table.add_column(justify="right", no_wrap=True)
        totals = [format_money(line.total_price, lang) for line in details]
        # What the first column gets: the screen less its padding and scrollbar, the gap and the totals.
        room = width - 4 - 1 - max(map(cell_len, totals), default=0)
        for line, total in zip(details, totals, strict=True):
            what = Text(clean(line.description), style="bold")
            facts = [p for p in (_period(line, lang), clean(line.domain)) if p]
            unit = format_money(line.unit_price, lang, exact=True)  # the LongPrice in full: 0,040726 €
            facts.append(f"{clean(line.quantity)} × {unit} {t('status.ht', lang)}")
            # Each fact whole on a line ("730 × 0,009178 € HT" is not split), the line breaking between facts.
            what.append("\n" + "\n".join(pack(facts, room, ITEM_SEPARATOR)), style="dim")
            table.add_row(what, total)
        return table
    table = Table(expand=True, show_edge=False, pad_edge=False)
    table.add_column(t("detail.description", lang), ratio=3)
    table.add_column(t("detail.period", lang))
    # A service reference is one word (a host name): the column is as wide as the longest (rich ignores
    # min_width on ratio columns), folded only past 40 cells; the description takes what is left.
    table.add_column(t("detail.service", lang), overflow="fold", max_width=40)
    table.add_column(t("detail.quantity", lang), justify="right")
    table.add_column(_two_lines(t("detail.unit_price", lang)), justify="right", no_wrap=True)
    table.add_column(_two_lines(t("detail.total", lang)), justify="right", no_wrap=True)
    for line in details:
        table.add_row(
            Text(clean(line.description)),
            _period(line, lang),
            Text(clean(line.domain)),
            Text(clean(line.quantity)),
            format_money(line.unit_price, lang, exact=True),
            format_money(line.total_price, lang),
        )
    return table


def totals_block(row: BillRow, lang: str) -> Table:
    bill = row.bill
    table = _pair_table()
    table.add_row(t("col.amount_ht", lang), format_money(bill.price_without_tax, lang))
    table.add_row(t("col.tax", lang), format_money(bill.tax, lang))
    table.add_row(t("col.amount_ttc", lang), Text(format_money(bill.price_with_tax, lang), style="bold"))
    status_style = "green" if row.status == "PAID" else "bold red"
    table.add_row(t("col.status", lang), Text(status_label(row.status, lang), style=status_style))
    balance = row.balance
    table.add_row(
        t("col.balance", lang),
        Text(format_money(balance, lang), style="bold red" if balance.ucents > 0 else ""),
    )
    return table


def operations_table(operations: list[DebtOperation], lang: str) -> Table | Text:
    if not operations:
        return Text(t("detail.no_operations", lang), style="dim")
    table = Table(expand=True, show_edge=False, pad_edge=False)
    table.add_column(t("detail.op_date", lang), no_wrap=True)
    table.add_column(t("detail.op_type", lang))
    table.add_column(t("detail.op_status", lang))
    table.add_column(t("col.total_amount", lang), justify="right", no_wrap=True)
    for op in sorted(operations, key=lambda o: o.date):
        kind = Text(clean(operation_label(op.type, lang)))
        status = Text(clean(operation_status_label(op.status, lang)), style="bold red" if op.status == "FAILED" else "")
        table.add_row(format_date(op.date, lang), kind, status, format_money(op.amount, lang))
    return table


def deposit_block(deposit: Deposit | None, lang: str) -> Text:
    if deposit is None:
        return Text(t("detail.no_deposit", lang), style="dim")
    text = Text()
    text.append(clean(deposit.deposit_id), style="bold")
    text.append(f" · {format_date(deposit.date, lang)} · {format_money(deposit.amount, lang)} · ")
    text.append(payment_type_label(deposit.payment_type, lang))
    return text


class DetailScreen(ReportsWorkerFailures, Screen[None]):
    """One invoice: information, billing contact, lines, totals, status, operations, the payment that settled it."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back", tooltip="Back to the list"),
        Binding("full_stop", "action_menu", "Actions", id="detail.menu", tooltip="Actions on this invoice"),
        Binding("p", "open_payment", "Open payment", id="detail.payment", tooltip="The payment that settled it"),
    ]

    CSS_PATH = "detail.tcss"

    def __init__(self, session: AccountSession, bill_id: str) -> None:
        super().__init__()
        self.session = session
        self.bill_id = bill_id
        self.content: InvoiceContent | None = None

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        lang = self.host.lang
        yield Static(Text(t("detail.title", lang, ref=clean(self.bill_id))), id="detail-title")
        with VerticalScroll():
            with Horizontal(id="detail-head"):
                with Vertical():
                    yield Static(t("detail.info", lang), classes="section-title")
                    yield Static(id="detail-info")
                with Vertical():
                    yield Static(t("detail.contact", lang), classes="section-title")
                    yield Static(id="detail-contact")
            yield Static(t("detail.lines", lang), classes="section-title")
            yield LoadingIndicator(id="detail-loading")
            yield Static(id="detail-lines")
            yield Static(t("detail.totals", lang), classes="section-title")
            yield Static(id="detail-totals")
            yield Static(t("detail.operations", lang), classes="section-title")
            yield Static(id="detail-operations")
            yield Static(t("detail.settled_by", lang), classes="section-title")
            yield Static(id="detail-deposit")
        yield Footer()

    def on_mount(self) -> None:
        self._render_content()
        self.load_content()

    def _render_content(self) -> None:
        if not self.app.is_running:
            return  # quitting while this screen mounts (Enter then q): its widgets are already being removed
        lang, store = self.host.lang, self.session.store
        row = store.row(self.bill_id)
        if row is None:
            self.query_one("#detail-info", Static).update(Text(t("detail.unknown", lang, ref=clean(self.bill_id))))
            return
        content = self.content
        self.query_one("#detail-info", Static).update(info_block(row, content, store.account, lang))
        self.query_one("#detail-contact", Static).update(contact_block(store.account, lang))
        self.query_one("#detail-totals", Static).update(totals_block(row, lang))
        if content is not None:
            self.query_one("#detail-loading").display = False
            self.query_one("#detail-lines", Static).update(lines_table(content.details, lang, self.size.width))
            self.query_one("#detail-operations", Static).update(operations_table(content.operations, lang))
            self.query_one("#detail-deposit", Static).update(deposit_block(content.deposit, lang))

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_content(self) -> None:
        session = self.session
        client = session.client
        details, operations, payment = await asyncio.gather(
            session.bill_details(self.bill_id),
            client.bill_debt_operations(self.bill_id),
            client.bill_payment(self.bill_id),
        )
        deposit = await session.find_settling_deposit(self.bill_id, operations, payment)
        self.content = InvoiceContent(details, operations, payment, deposit)
        self._render_content()

    def show_failure(self, text: str) -> None:
        """The lines could not be loaded: the spinner gives way to the error."""
        self.query_one("#detail-loading").display = False
        self.query_one("#detail-lines", Static).update(
            Text(t("detail.load_failed", self.host.lang, error=text), style="bold red")
        )

    def on_resize(self) -> None:
        self._render_content()

    def action_action_menu(self) -> None:
        self.post_message(OpenActionMenu(self.bill_id))

    def action_open_payment(self) -> None:
        """``p``: the payment (deposit) that settled this invoice; Esc comes back here."""
        from ovh_invoices_tui.screens.payment_detail import open_payment_detail

        deposit = self.content.deposit if self.content is not None else None
        deposit = deposit or self.session.payments.deposit_of_bill(self.bill_id)
        if deposit is not None:
            open_payment_detail(self.app, self.session, deposit.deposit_id, deposit)
            return
        # /me/bill/{id}/payment names the deposit that paid the bill when no debt operation does
        payment = self.content.payment if self.content is not None else None
        if payment is not None and payment.payment_identifier:
            open_payment_detail(self.app, self.session, payment.payment_identifier)
            return
        self.notify(t("detail.no_deposit", self.host.lang), severity="warning")
