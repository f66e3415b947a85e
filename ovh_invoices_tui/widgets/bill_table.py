"""The invoice list: a :class:`VirtualTable` over ``BillRow`` with the console's columns (Référence … Statut)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar

from rich.style import Style

from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.filters import days_overdue
from ovh_invoices_tui.core.i18n import format_date, format_money, status_label, t
from ovh_invoices_tui.core.models import PAID, TO_BE_PAID, UNMATURED, UNPAID, BillRow
from ovh_invoices_tui.state.invoices import bill_key
from ovh_invoices_tui.widgets.virtual_table import Column, VirtualTable

__all__ = ["BILL_COLUMN_IDS", "BillTable", "bill_key"]

BILL_COLUMN_IDS = ("reference", "order", "date", "amount_ht", "amount_ttc", "balance", "status", "due_date")

_STATUS_CLASSES = {
    PAID: "bill-table--paid",
    UNPAID: "bill-table--unpaid",
    TO_BE_PAID: "bill-table--to-pay",
    UNMATURED: "bill-table--to-pay",
}


def due_text(row: BillRow, lang: str) -> str:
    """``+24 j 07/11/2026``: how late (first: it survives a narrow column), then the due date of what is due."""
    debt = row.debt
    if debt is None or debt.due_date is None or debt.due_amount.ucents <= 0:
        return ""
    late = days_overdue(row, clock.today())
    day = format_date(debt.due_date, lang)
    return f"{t('col.days_late', lang, days=late)} {day}" if late else day


class BillTable(VirtualTable):
    """Bills with their debt: mark, Référence, order, date, HT, TTC, Solde (red when due), Statut.

    On a narrow terminal the order number is left out first, then the amount excl. tax; the reference,
    the date (with its whole label), the amount incl. tax, the balance and the status always stay. What is
    left out is one ``l`` / ``→`` away (the header ends with ``›``): the reference stays on the left while
    the other columns scroll.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *VirtualTable.COMPONENT_CLASSES,
        "bill-table--debt",
        "bill-table--paid",
        "bill-table--unpaid",
        "bill-table--to-pay",
    }

    DEFAULT_CSS = """
    BillTable {
        & > .bill-table--debt {
            color: $text-error;
            text-style: bold;
        }
        & > .bill-table--paid {
            color: $text-success;
            text-style: dim;
        }
        & > .bill-table--unpaid {
            color: $text-error;
        }
        & > .bill-table--to-pay {
            color: $text-warning;
        }
    }
    """

    def __init__(
        self,
        rows: Sequence[BillRow] = (),
        *,
        lang: str = "en",
        marked: AbstractSet[str] | None = None,
        empty_message: str = "No invoices match the filter",
        is_new: Callable[[BillRow], bool] = lambda row: False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        self._lang = lang
        self._is_new = is_new
        super().__init__(
            self._build_columns(lang),
            rows,
            key=bill_key,
            marked=marked,
            fixed_columns=1,
            empty_message=empty_message,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    @property
    def lang(self) -> str:
        return self._lang

    def set_language(self, lang: str) -> None:
        """Rebuild the column labels and the date/amount formats for ``lang`` ("en" or "fr")."""
        self._lang = lang
        self.set_columns(self._build_columns(lang))

    def _component_style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _balance_style(self, row: BillRow) -> Style | None:
        return self._component_style("bill-table--debt") if row.balance.ucents > 0 else None

    def _reference(self, row: BillRow) -> str:
        # "●" flags an invoice that arrived since the last visit (the status line says how many).
        return f"{row.bill.bill_id} ●" if self._is_new(row) else row.bill.bill_id

    def _late_style(self, row: BillRow) -> Style | None:
        return self._component_style("bill-table--debt") if days_overdue(row, clock.today()) else None

    def _status_style(self, row: BillRow) -> Style | None:
        name = _STATUS_CLASSES.get(row.status)
        return self._component_style(name) if name else None

    def _build_columns(self, lang: str) -> list[Column]:
        def column(column_id: str, **kwargs: Any) -> Column:
            return Column(column_id, t(f"col.{column_id}", lang), **kwargs)

        return [
            column(
                "reference",
                width=12,
                min_width=10,
                max_width=24,
                flex=True,
                render=self._reference,
            ),
            column(
                "order",
                width=10,
                min_width=8,
                priority=3,
                align="right",
                render=lambda row: str(row.bill.order_id),
            ),
            column(
                "date",
                width=10,
                priority=1,
                render=lambda row: format_date(row.bill.date, lang),
            ),
            column(
                "amount_ht",
                width=12,
                min_width=11,
                priority=2,
                align="right",
                render=lambda row: format_money(row.bill.price_without_tax, lang),
            ),
            column(
                "amount_ttc",
                width=12,
                min_width=11,
                align="right",
                render=lambda row: format_money(row.bill.price_with_tax, lang),
            ),
            column(
                "balance",
                width=12,
                min_width=11,
                align="right",
                render=lambda row: format_money(row.balance, lang) if row.debt_known else t("balance.unknown", lang),
                style_fn=self._balance_style,
            ),
            column(
                "status",
                width=11,
                min_width=10,
                render=lambda row: status_label(row.status, lang),
                style_fn=self._status_style,
            ),
            # Due date and how late, for what is still due (the first column to go on a narrow terminal).
            column(
                "due_date",
                width=16,
                min_width=10,
                priority=4,
                render=lambda row: due_text(row, lang),
                style_fn=self._late_style,
            ),
        ]
