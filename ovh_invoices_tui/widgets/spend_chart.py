"""The insights chart: monthly bars with last year's markers, or horizontal bars of a breakdown (plotext).

Readable without colour: bars and last year's markers are drawn with different characters, the current month's
label carries a ``*`` (partial), and every axis says its unit. plotext is imported when the chart is first
drawn, not with the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from textual.app import RenderResult
from textual_plotext import PlotextPlot

from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.insights import Basis, MonthFigure, Share
from ovh_invoices_tui.core.models import UCENTS_PER_UNIT

BAR_MARKER = "sd"  # plotext's standard-definition full block: a solid bar in any terminal
YEAR_BEFORE_MARKER = "●"


def units(ucents: int) -> float:
    """Micro-cents as a float of currency units: for drawing only, never for a figure shown as text."""
    return float(Decimal(ucents) / UCENTS_PER_UNIT)


class SpendChart(PlotextPlot):
    """A plotext plot that knows how to draw the two kinds of insight."""

    DEFAULT_CSS = """
    SpendChart { height: 1fr; min-height: 8; }
    """

    _months: list[str] = []  # month labels of the monthly chart, placed when the width is known
    def show_months(self, figures: Sequence[MonthFigure], basis: Basis, currency: str, lang: str) -> None:
        """Bars per month (``*`` marks the current, partial, month) and last year's amounts as markers."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        values = [units(f.amount(basis)) for f in figures]
        positions = list(range(1, len(figures) + 1))
        plt.bar(positions, values, marker=BAR_MARKER, label=t("chart.spend", lang), width=0.6)
        self._months = [f.label + ("*" if f.partial else "") for f in figures]
        before = [(i + 1, units(f.previous_year)) for i, f in enumerate(figures) if f.previous_year is not None]
        if before:
            plt.scatter(
                [x for x, _ in before], [y for _, y in before], marker=YEAR_BEFORE_MARKER,
                label=t("chart.year_before", lang),
            )  # fmt: skip
        plt.ylabel(f"{basis.upper()} ({currency})")
        self._finish()

    def render(self) -> RenderResult:
        """Month labels chosen for the width, here rather than by plotext (whose thinning varies)."""
        if self._months:
            room = max(self.size.width - 10, 1) / len(self._months)  # about 10 columns go to the y axis
            if room >= 10:
                labels = self._months  # 2026-11*
            elif room >= 7:
                labels = [m[2:] for m in self._months]  # 26-11*
            else:  # month numbers, every other one when even that does not fit
                step = 1 if room >= 3 else 2
                labels = [m[5:] if i % step == 0 else "" for i, m in enumerate(self._months)]
            self.plt.xticks(list(range(1, len(labels) + 1)), labels)
            self.plt.xlim(0.5, len(labels) + 0.5)  # half a slot each side: the end labels always fit
        return super().render()

    def show_shares(self, shares: Sequence[Share], currency: str, lang: str) -> None:
        """Horizontal bars, largest on top, the "other" bar last."""
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        self._months = []
        labels = [_short(t("chart.other", lang) if s.other else s.label) for s in reversed(shares)]
        values = [units(s.amount) for s in reversed(shares)]
        if labels:
            plt.bar(labels, values, orientation="horizontal", marker=BAR_MARKER, width=0.6)
        plt.xlabel(currency)
        self._finish()

    def _finish(self) -> None:
        self.plt.frame(False)
        self.refresh()


def _short(label: str, width: int = 22) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
