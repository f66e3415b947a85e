"""The balance banner: red when something is due, with the key that pays."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.models import BillRow, DebtBalance


class BalanceBanner(Static):
    """Hidden when nothing is due; otherwise ``€42.00 is due — press $ to pay``."""

    DEFAULT_CSS = """
    BalanceBanner { height: 1; padding: 0 1; background: $error 30%; color: $text; display: none; }
    BalanceBanner.-due { display: block; }
    """

    def show(
        self,
        balance: DebtBalance | None,
        *,
        lang: str,
        pay_key: str | None,
        readonly: bool,
        overdue: tuple[BillRow, int] | None = None,
    ) -> None:
        due = balance.due_amount if balance else None
        self.set_class(bool(due and due.ucents > 0), "-due")
        if not balance or not due or due.ucents <= 0:
            self.update("")
            return
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(t("banner.due", lang, amount=format_money(due, lang)), style="bold red")
        if balance.pending_amount.ucents > 0:
            line.append(t("banner.pending", lang, amount=format_money(balance.pending_amount, lang)))
        if readonly:
            line.append(t("banner.readonly", lang), style="dim")
        elif pay_key:
            line.append(t("banner.pay_key", lang, key=pay_key))
        if overdue is not None and overdue[0].debt is not None and overdue[0].debt.due_date is not None:
            row, days = overdue
            debt = row.debt
            assert debt is not None and debt.due_date is not None
            line.append(
                t("banner.overdue", lang, amount=format_money(debt.due_amount, lang), ref=row.bill.bill_id,
                  day=format_date(debt.due_date, lang), days=days),
                style="red",
            )  # fmt: skip
        self.update(line)
