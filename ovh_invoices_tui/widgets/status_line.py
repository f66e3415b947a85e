"""The status line under the table: the view's count and totals, the marks and their totals, the filters."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_amounts, t, t_count
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.core.wrapping import ITEM_SEPARATOR
from ovh_invoices_tui.state.invoices import Totals


def totals_facts(totals: Totals, currency: str, lang: str) -> list[Text]:
    """``excl. tax €…``, ``incl. tax €…``, ``due €…`` (due in red when above zero): one fact each."""
    ht, ttc, due = totals.amounts(currency)
    facts = [
        Text(f"{t('status.ht', lang)} {format_amounts(ht, lang)}"),
        Text(f"{t('status.ttc', lang)} {format_amounts(ttc, lang)}"),
    ]
    if totals.due:
        fact = Text(f"{t('status.due', lang)} ")
        fact.append(format_amounts(due, lang), style="bold red")
        facts.append(fact)
    if totals.unknown:
        facts.append(Text(t("status.unknown_count", lang, count=totals.unknown), style="bold yellow"))
    return facts


def packed(facts: Sequence[Text], width: int) -> list[Text]:
    """``facts`` joined by `` · `` into as few lines of at most ``width`` cells as they fit, breaking only between
    two facts: a label never ends a line its amount starts the next (``width`` <= 0: not laid out yet, one line)."""
    lines: list[Text] = []
    for fact in facts:
        if lines and (width <= 0 or lines[-1].cell_len + len(ITEM_SEPARATOR) + fact.cell_len <= width):
            lines[-1].append(ITEM_SEPARATOR)
            lines[-1].append_text(fact)
        else:
            lines.append(Text().append_text(fact))  # a fact's style stays its own, not the line's
    return lines


class StatusLine(Static):
    """Totals of the view; of the marks (when any); the active filters.

    The totals break between facts when the terminal is narrow (80 columns: the due amount moves to a line of its
    own, with its label); the filter line is cut with an ellipsis.
    """

    DEFAULT_CSS = """
    StatusLine { height: auto; padding: 0 1; background: $panel; }
    """

    _blocks: list[list[Text]] = []  # each a list of facts packed to the width; the last, the filter line

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
        blocks = [[Text(t_count("status.view", view.count, lang), style="bold"), *totals_facts(view, currency, lang)]]
        if marked.count:
            head = Text().append(t_count("status.marked", marked.count, lang), style="bold reverse")
            if hidden_marked:
                head.append(f" ({t_count('status.hidden', hidden_marked, lang)})", style="italic")
            blocks.append([head, *totals_facts(marked, currency, lang)])
        filters = Text().append(f"{t('status.filter', lang)}: ", style="dim")
        filters.append(clean(filter_text), style="bold yellow" if filter_active else "dim")
        blocks.append([filters])
        self._blocks = blocks
        self.refresh(layout=True)  # the number of lines may change

    def on_resize(self) -> None:
        self.refresh(layout=True)  # where the totals break depends on the width

    def render(self) -> Text:
        width = self.content_size.width
        lines = [line for facts in self._blocks[:-1] for line in packed(facts, width)]
        filters = self._blocks[-1][0].copy() if self._blocks else Text()
        filters.truncate(max(width, 1), overflow="ellipsis")
        text = Text("\n").join([*lines, filters])
        text.no_wrap = True
        return text
