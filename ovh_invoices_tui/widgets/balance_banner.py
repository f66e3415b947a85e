"""The balance banner: red when something is due, with the key that pays."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.models import BillRow, DebtBalance


class BalanceBanner(Static):
    """Hidden when nothing is due; otherwise ``€42.00 is due — press $ to pay``, and the oldest overdue invoice.

    At 80 columns the overdue invoice is told short (its reference and how late) rather than cut mid-sentence.
    """

    DEFAULT_CSS = """
    BalanceBanner { height: 1; padding: 0 1; background: $error 30%; color: $text; display: none; }
    BalanceBanner.-due { display: block; }
    """

    _variants: list[Text] = []  # the line, most detailed first: the first that fits is drawn

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
            self._variants = []
            self.refresh()
            return
        line = Text()
        line.append(t("banner.due", lang, amount=format_money(due, lang)), style="bold red")
        if balance.pending_amount.ucents > 0:
            line.append(t("banner.pending", lang, amount=format_money(balance.pending_amount, lang)))
        if readonly:
            line.append(t("banner.readonly", lang), style="dim")
        elif pay_key:
            line.append(t("banner.pay_key", lang, key=pay_key))
        self._variants = [line]
        if overdue is not None and overdue[0].debt is not None and overdue[0].debt.due_date is not None:
            row, days = overdue
            debt = row.debt
            assert debt is not None and debt.due_date is not None
            full = t("banner.overdue", lang, amount=format_money(debt.due_amount, lang), ref=row.bill.bill_id,
                     day=format_date(debt.due_date, lang), days=days)  # fmt: skip
            short = t("banner.overdue_short", lang, ref=row.bill.bill_id, days=days)
            self._variants = [line.copy().append(full, style="red"), line.copy().append(short, style="red")]
        self.refresh()

    def render(self) -> Text:
        if not self._variants:
            return Text()
        width = self.content_size.width
        fitting = next((v for v in self._variants if v.cell_len <= width), self._variants[-1]).copy()
        fitting.truncate(max(width, 1), overflow="ellipsis")
        return fitting
