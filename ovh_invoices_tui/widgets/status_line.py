"""The status line under the table: the view's count and totals, the marks and their totals, the filters."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from ovh_invoices_tui.core.i18n import format_amounts, t, t_count
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.core.wrapping import ITEM_SEPARATOR, pack
from ovh_invoices_tui.state.invoices import Totals


def totals_facts(totals: Totals, currency: str, lang: str) -> list[Text]:
    """``excl. tax €…``, ``incl. tax €…``, ``due €…`` (due in red when above zero): one fact each, styled in spans
    (:func:`pack` joins them)."""
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
        facts.append(Text().append(t("status.unknown_count", lang, count=totals.unknown), style="bold yellow"))
    return facts


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
        count = Text().append(t_count("status.view", view.count, lang), style="bold")
        blocks = [[count, *totals_facts(view, currency, lang)]]
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

    def lines(self, width: int) -> list[Text]:
        """The lines shown in ``width`` cells: the totals broken between facts (a label never ends a line its
        amount starts the next), the filter line cut with an ellipsis."""
        lines = [line for facts in self._blocks[:-1] for line in pack(facts, width, ITEM_SEPARATOR)]
        filters = self._blocks[-1][0].copy() if self._blocks else Text()
        filters.truncate(max(width, 1), overflow="ellipsis")
        return [*lines, filters]

    def render(self) -> Text:
        text = Text("\n").join(self.lines(self.content_size.width))
        text.no_wrap = True
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))  # the width being laid out, not the last one drawn
