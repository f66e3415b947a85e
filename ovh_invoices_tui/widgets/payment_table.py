"""Tables of payment tracking: payments (deposits), the invoices a payment settled, credit notes (refunds).

All are :class:`VirtualTable` subclasses over plain sequences (the store's view), so thousands of payments
render only their visible rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from textual.binding import Binding

from ovh_invoices_tui.core.i18n import format_date, format_money, payment_type_label, t
from ovh_invoices_tui.core.models import Bill, Deposit, Refund
from ovh_invoices_tui.state.payments import deposit_key
from ovh_invoices_tui.widgets.virtual_table import Column, VirtualTable

__all__ = ["PAYMENT_COLUMN_IDS", "PaidBillTable", "PaymentTable", "RefundTable"]


PAYMENT_COLUMN_IDS = ("reference", "payment_date", "total_amount", "payment_type", "paid_bills")
UNKNOWN = "…"
RIGHT_GAP = " "


class PaymentTable(VirtualTable):
    """Référence, Date de paiement, Montant total, Moyen de paiement, and how many invoices each paid.

    ``paid_count(deposit_id)`` gives the count, None while unknown (shown as "…").
    """

    def __init__(
        self,
        rows: Sequence[Deposit] = (),
        *,
        lang: str = "en",
        paid_count: Callable[[str], int | None] = lambda deposit_id: None,
        marked: AbstractSet[str] | None = None,
        empty_message: str = "No payment",
        id: str | None = None,
    ) -> None:
        self._lang = lang
        self._paid_count = paid_count
        super().__init__(
            self._build_columns(lang), rows, key=deposit_key, marked=marked, empty_message=empty_message, id=id
        )

    def _count(self, row: Deposit) -> str:
        count = self._paid_count(row.deposit_id)
        return f"{UNKNOWN if count is None else count}{RIGHT_GAP}"

    def _build_columns(self, lang: str) -> list[Column]:
        def column(column_id: str, **kwargs: Any) -> Column:
            return Column(column_id, t(f"col.{column_id}", lang), **kwargs)

        return [
            column("reference", width=11, min_width=10, render=lambda d: d.deposit_id),
            column("payment_date", width=10, render=lambda d: format_date(d.date, lang)),
            column(
                "total_amount",
                width=12,
                min_width=11,
                align="right",
                render=lambda d: format_money(d.amount, lang),
            ),
            column(
                "payment_type",
                width=18,
                min_width=12,
                max_width=28,
                flex=True,
                render=lambda d: payment_type_label(d.payment_type, lang),
            ),
            # the last column keeps a cell clear of the vertical scrollbar (the count would touch it)
            Column("paid_bills", t("col.paid_bills", lang) + RIGHT_GAP, width=6, align="right", priority=1,
                   render=self._count),
        ]  # fmt: skip


def bill_key(row: Bill) -> str:
    return row.bill_id


class PaidBillTable(VirtualTable):
    """The invoices a payment settled: Référence, Date d'émission, Montant TTC (enter opens one)."""

    BINDINGS = [
        Binding("enter", "activate", "Open invoice", id="payment.open_invoice",
                tooltip="Open the invoice under the cursor"),
    ]  # fmt: skip

    def __init__(self, rows: Sequence[Bill] = (), *, lang: str = "en", id: str | None = None) -> None:
        columns = [
            Column("reference", t("col.reference", lang), width=12, flex=True, max_width=20, sortable=False,
                   render=lambda b: b.bill_id),
            Column("date", t("col.date", lang), width=10, sortable=False, render=lambda b: format_date(b.date, lang)),
            Column("amount_ttc", t("col.amount_ttc", lang), width=12, align="right", sortable=False,
                   render=lambda b: format_money(b.price_with_tax, lang)),
        ]  # fmt: skip
        super().__init__(columns, rows, key=bill_key, show_marks=False, empty_message=UNKNOWN, id=id)


def refund_key(row: Refund) -> str:
    return row.refund_id


class RefundTable(VirtualTable):
    """Credit notes: date, Référence, the invoice credited, what it was applied to, amount.

    ``credited_to(refund_id)`` says what the credit note was applied to (a payment's reference, or how it was
    paid back), None while unknown.
    """

    def __init__(
        self,
        rows: Sequence[Refund] = (),
        *,
        lang: str = "en",
        credited_to: Callable[[str], str | None] = lambda refund_id: None,
        empty_message: str = "No credit note",
        id: str | None = None,
    ) -> None:
        def applied(refund: Refund) -> str:
            return credited_to(refund.refund_id) or UNKNOWN

        columns = [
            Column("date", t("col.date", lang), width=10, sortable=False, render=lambda r: format_date(r.date, lang)),
            Column("reference", t("col.reference", lang), width=11, flex=True, max_width=16, sortable=False,
                   render=lambda r: r.refund_id),
            Column("original_bill", t("col.original_bill", lang), width=11, flex=True, max_width=16,
                   sortable=False, render=lambda r: r.original_bill_id or ""),
            Column("credited_to", t("refunds.col.credited_to", lang), width=14, min_width=11, flex=True,
                   max_width=30, sortable=False, render=applied),
            Column("amount", t("col.amount_ttc", lang), width=11, align="right", sortable=False,
                   render=lambda r: format_money(r.price_with_tax, lang)),
        ]  # fmt: skip
        super().__init__(columns, rows, key=refund_key, show_marks=False, empty_message=empty_message, id=id)
