"""The status line under the table: the view's count and totals, the marks and their totals, the filters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_amounts, t, t_count
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.state.invoices import Totals


def totals_text(totals: Totals, currency: str, lang: str) -> Text:
    """``1,234 invoices · excl. tax €… · incl. tax €… · due €…`` (due in red when above zero)."""
    ht, ttc, due = totals.amounts(currency)
    text = Text()
    text.append(f" · {t('status.ht', lang)} {format_amounts(ht, lang)}")
    text.append(f" · {t('status.ttc', lang)} {format_amounts(ttc, lang)}")
    if totals.due:
        text.append(f" · {t('status.due', lang)} ")
        text.append(format_amounts(due, lang), style="bold red")
    if totals.unknown:
        text.append(f" · {t('status.unknown_count', lang, count=totals.unknown)}", style="bold yellow")
    return text


class StatusLine(Static):
    """Totals of the view; of the marks (when any); the active filters — a line each."""

    DEFAULT_CSS = """
    StatusLine { height: auto; padding: 0 1; background: $panel; }
    """

    def show(
        self,
        *,
        view: Totals,
        marked: Totals,
        hidden_marked: int,
        filter_text: str,
        filter_active: bool,
        currency: str,
        lang: str,
    ) -> None:
        lines = []
        line = Text()
        line.append(t_count("status.view", view.count, lang), style="bold")
        line.append_text(totals_text(view, currency, lang))
        lines.append(line)
        if marked.count:
            line = Text()
            line.append(t_count("status.marked", marked.count, lang), style="bold reverse")
            if hidden_marked:
                line.append(f" ({t_count('status.hidden', hidden_marked, lang)})", style="italic")
            line.append_text(totals_text(marked, currency, lang))
            lines.append(line)
        line = Text()
        line.append(f"{t('status.filter', lang)}: ", style="dim")
        line.append(clean(filter_text), style="bold yellow" if filter_active else "dim")
        lines.append(line)
        # One terminal line each, cut with an ellipsis rather than wrapped (the table keeps its height).
        text = Text("\n").join(lines)
        text.no_wrap = True
        text.overflow = "ellipsis"
        self.update(text)
