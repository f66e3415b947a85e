"""Spend insights: where the money goes, per month, per category and per service, drawn in the terminal.

Opened with ``I`` or ``:insights`` (``:insights view`` charts only what the invoice list shows). It gets the
bills and a way to read invoice lines passed down; ``enter`` dismisses the screen with the filter that shows
the invoices behind the row under the cursor, which the invoice list applies.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, ProgressBar, Static

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.filters import BillFilter, FilterInputError, parse_date_range
from ovh_invoices_tui.core.i18n import format_count, format_money, format_percent, t
from ovh_invoices_tui.core.insights import (
    Basis,
    Dimension,
    MonthFigure,
    MonthRange,
    Share,
    SpendIndex,
    by_service,
    change,
)
from ovh_invoices_tui.core.models import Bill, BillDetail, Money
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.invoice_lines import LinesProgress
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.spend_chart import SpendChart

LinesReader = Callable[
    [Sequence[str], Callable[[LinesProgress, dict[str, list[BillDetail]]], None]],
    Awaitable[tuple[dict[str, list[BillDetail]], LinesProgress]],
]
VIEWS: tuple[Dimension, ...] = ("month", "category", "service")


class InsightsScreen(ReportsWorkerFailures, Screen[BillFilter | None]):
    """The chart on top, the exact figures under it; dismissed with the filter of the row chosen."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="insights.back", tooltip="Back to the invoices"),
        Binding("enter", "drill", "Invoices", id="insights.drill", tooltip="Show the invoices behind this row"),
        Binding("m", "view('month')", "Month", id="insights.month", tooltip="Spend per month"),
        Binding("c", "view('category')", "Category", id="insights.category", tooltip="Spend per category"),
        Binding("s", "view('service')", "Service", id="insights.service", tooltip="Spend per service"),
        Binding("t", "toggle_basis", "HT/TTC", id="insights.basis", tooltip="Amounts without or with tax"),
        Binding("left_square_bracket", "shift(-1)", "◀", id="insights.earlier", tooltip="One month earlier"),
        Binding("right_square_bracket", "shift(1)", "▶", id="insights.later", tooltip="One month later"),
        Binding("left_curly_bracket", "shift(-12)", "◀◀", show=False, id="insights.year_earlier",
                tooltip="One year earlier"),
        Binding("right_curly_bracket", "shift(12)", "▶▶", show=False, id="insights.year_later",
                tooltip="One year later"),
        Binding("minus", "resize(-1)", "−1 month", show=False, id="insights.shorter", tooltip="One month fewer"),
        Binding("plus", "resize(1)", "+1 month", show=False, id="insights.longer", tooltip="One month more"),
        Binding("a", "whole_history", "All", id="insights.all", tooltip="The whole history"),
        Binding("d", "edit_range", "Range", id="insights.range", tooltip="Type a range of months"),
        Binding("y", "next_currency", "Currency", show=False, id="insights.currency", tooltip="Next currency"),
        Binding("x", "stop_lines", "Stop", show=False, id="insights.stop", tooltip="Stop reading invoice lines"),
        Binding("e", "export('csv')", "CSV", id="insights.csv", tooltip="Save the monthly table as CSV"),
        Binding("E", "export('pdf')", "PDF", id="insights.pdf", tooltip="Save a one-page PDF with the monthly chart"),
    ]

    CSS_PATH = "insights.tcss"

    def __init__(
        self,
        bills: Sequence[Bill],
        *,
        lang: str = "en",
        today: date | None = None,
        read_lines: LinesReader | None = None,
        scope: Literal["all", "view"] = "all",
        months: int = 12,
        export_folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.lang = lang
        self.today = today or clock.today()
        self.index = SpendIndex(bills)
        self.scope = scope
        self.read_lines = read_lines
        self.currencies = self.index.currencies or ["EUR"]
        self.currency = self.currencies[0]
        self.span = MonthRange.last_months(months, self.today)
        self.basis: Basis = "ht"
        self.dimension: Dimension = "month"
        self.lines: dict[str, list[BillDetail]] = {}
        self.lines_progress: LinesProgress | None = None
        self.rows: list[MonthFigure] | list[Share] = []
        self._range_before_edit: MonthRange | None = None
        self.export_folder = export_folder

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="insights-header")
        yield SpendChart(id="insights-chart")
        yield Static(id="insights-status")
        yield ProgressBar(id="insights-progress", show_eta=False)
        yield Input(id="insights-range", placeholder="2025-01..2025-12")
        table: DataTable[str | Text] = DataTable(id="insights-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.redraw()
        self.query_one(DataTable).focus()

    # --- drawing ----------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Recompute the figures of the current view and draw chart, table and header."""
        lang = self.lang
        view = t(f"insights.view.{self.dimension}", lang)
        scope = t(f"insights.scope.{self.scope}", lang)
        header = f"{t('insights.title', lang)} {view} · {self.currency} · {self.span.describe()} · "
        header += f"{'TTC' if self.basis == 'ttc' else 'HT'} · {scope}"
        if len(self.currencies) > 1:
            header += f" · y: {' / '.join(self.currencies)}"
        self.query_one("#insights-header", Static).update(Text(header))
        chart = self.query_one(SpendChart)
        if self.dimension == "month":
            figures = self.index.months(self.currency, self.span, self.basis, self.today)
            self.rows = figures
            chart.show_months(figures, self.basis, self.currency, lang)
            self._fill_months(figures)
        elif self.dimension == "category":
            shares = self.index.by_category(self.currency, self.span, self.basis, self._top())
            self.rows = shares
            chart.show_shares(shares, self.currency, lang)
            self._fill_shares(shares)
        else:
            ids = self.index.bills_in(self.currency, self.span)
            shares = by_service(self.lines, ids, self.currency, self._top())
            self.rows = shares
            chart.show_shares(shares, self.currency, lang)
            self._fill_shares(shares)
        self._show_status()

    def _top(self) -> int:
        """How many bars fit the chart with one row each (the rest go to the "other" bar)."""
        return 8 if self.app.size.height >= 32 else 5

    def _fill_months(self, figures: Sequence[MonthFigure]) -> None:
        lang = self.lang
        rows: list[list[str]] = []
        for figure in figures:
            amount = figure.amount(self.basis)
            rows.append(
                [
                    figure.label + ("*" if figure.partial else ""),
                    format_count(figure.count, lang),
                    format_money(Money(figure.without_tax, figure.currency), lang),
                    format_money(Money(figure.with_tax, figure.currency), lang),
                    format_percent(change(amount, figure.previous_month), lang),
                    format_percent(change(amount, figure.previous_year), lang),
                ]
            )
        total = self.index.total(self.currency, self.span)
        rows.append(
            [
                t("insights.total", lang),
                format_count(total.count, lang),
                format_money(Money(total.without_tax, self.currency), lang),
                format_money(Money(total.with_tax, self.currency), lang),
                "",
                "",
            ]
        )
        headers = [t("insights.col.month", lang), t("insights.col.invoices", lang), "HT", "TTC",
                   t("insights.col.mom", lang), t("insights.col.yoy", lang)]  # fmt: skip
        self._fill(headers, rows, bold_last=True)

    def _fill_shares(self, shares: Sequence[Share]) -> None:
        lang = self.lang
        whole = sum(s.amount for s in shares) or 1
        rows = [
            [
                t("insights.other", lang) if share.other else clean(share.label),
                format_count(share.count, lang),
                format_money(Money(share.amount, self.currency), lang),
                format_percent(share.amount / whole, lang, signed=False),
            ]
            for share in shares
        ]
        if not shares:
            rows.append([t("insights.empty", lang), "", "", ""])
        headers = [t(f"insights.col.{self.dimension}", lang), t("insights.col.invoices", lang),
                   t("insights.col.amount", lang), t("insights.col.share", lang)]  # fmt: skip
        self._fill(headers, rows)

    def _fill(self, headers: Sequence[str], rows: Sequence[Sequence[str]], bold_last: bool = False) -> None:
        """Replace the table: the first column left-aligned (at most 48 wide), the figures right-aligned.

        Widths are measured here so a column never keeps the width of an earlier, shorter, content.
        """
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        for number, header in enumerate(headers):
            width = max([len(header), *(len(row[number]) for row in rows)])
            table.add_column(header, width=min(width, 48) if number == 0 else width, key=str(number))
        for position, row in enumerate(rows):
            style = "bold" if bold_last and position == len(rows) - 1 else ""
            cells = [Text(row[0], style=style), *(Text(cell, justify="right", style=style) for cell in row[1:])]
            table.add_row(*cells, key=str(position))
        table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))

    def _show_status(self) -> None:
        lang = self.lang
        status = self.query_one("#insights-status", Static)
        progress = self.lines_progress
        bar = self.query_one("#insights-progress", ProgressBar)
        if self.dimension != "service" or progress is None:
            bar.display = False
            partial = any(isinstance(r, MonthFigure) and r.partial for r in self.rows)
            status.update(Text(t("insights.partial_month", lang) if partial else ""))
            return
        if not progress.complete:
            bar.display = True
            bar.update(total=progress.total, progress=progress.done)
            status.update(Text(t("insights.lines.loading", lang, done=progress.done, total=progress.total)))
        elif progress.failed:
            bar.display = False
            status.update(Text(t("insights.lines.partial", lang, missing=len(progress.failed))))
        else:
            bar.display = False
            status.update(Text(t("insights.lines.done", lang, total=progress.total, cached=progress.from_cache)))

    def show_failure(self, text: str) -> None:
        """Reading lines or saving an export failed: the progress bar goes, the status line says why."""
        self.query_one("#insights-progress", ProgressBar).display = False
        self.query_one("#insights-status", Static).update(Text(text))

    # --- lines (service view) -----------------------------------------------------------------------

    def _want_lines(self) -> None:
        ids = [i for i in self.index.bills_in(self.currency, self.span) if i not in self.lines]
        if not ids or self.read_lines is None:
            if self.lines_progress is None or ids:
                self.lines_progress = LinesProgress(total=0)
            return
        self.lines_progress = LinesProgress(total=len(ids))
        self._read(ids)

    @work(exclusive=True, group="insights-lines", exit_on_error=False)
    async def _read(self, ids: list[str]) -> None:
        assert self.read_lines is not None

        def progressed(progress: LinesProgress, lines: dict[str, list[BillDetail]]) -> None:
            self.lines.update(lines)
            self.lines_progress = progress
            if self.dimension == "service":
                self.redraw()

        try:
            lines, progress = await self.read_lines(ids, progressed)
        except asyncio.CancelledError:
            if self.lines_progress is not None:
                self.lines_progress.failed.update({i: "stopped" for i in ids if i not in self.lines})
            self._show_status()
            raise
        self.lines.update(lines)
        self.lines_progress = progress
        if self.dimension == "service":
            self.redraw()

    # --- actions ------------------------------------------------------------------------------------

    def action_view(self, dimension: Dimension) -> None:
        if dimension == "service" and (self.dimension == "service" or self.lines_progress is None):
            self._want_lines()  # s again re-reads what failed
        self.dimension = dimension
        self.redraw()

    def action_toggle_basis(self) -> None:
        self.basis = "ttc" if self.basis == "ht" else "ht"
        self.redraw()

    def _set_span(self, span: MonthRange) -> None:
        self.span = span
        if self.dimension == "service":
            self._want_lines()
        self.redraw()

    def action_shift(self, months: int) -> None:
        self._set_span(self.span.shifted(months))

    def action_resize(self, months: int) -> None:
        self._set_span(self.span.resized(months))

    def action_whole_history(self) -> None:
        known = self.index.known_range(self.currency)
        if known is not None:
            self._set_span(MonthRange(known.first, max(known.last, self.span.last)))

    def action_next_currency(self) -> None:
        position = self.currencies.index(self.currency)
        self.currency = self.currencies[(position + 1) % len(self.currencies)]
        self._set_span(self.span)

    def action_stop_lines(self) -> None:
        self.workers.cancel_group(self, "insights-lines")

    def action_edit_range(self) -> None:
        box = self.query_one("#insights-range", Input)
        self._range_before_edit = self.span
        box.value = self.span.describe()
        box.display = True
        self.query_one("#insights-status", Static).update(Text(t("insights.range.prompt", self.lang)))
        box.focus()

    @on(Input.Submitted, "#insights-range")
    def _range_typed(self, event: Input.Submitted) -> None:
        try:
            start, end = parse_date_range(event.value)
        except FilterInputError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        known = self.index.known_range(self.currency)
        first = start or (known.start if known else self.span.start)
        last = end or self.today
        self._close_range_input()
        self._set_span(MonthRange.of_dates(first, last))

    def _close_range_input(self) -> None:
        box = self.query_one("#insights-range", Input)
        box.display = False
        self._range_before_edit = None
        self.query_one(DataTable).focus()

    @work(exclusive=True, group="insights-export", exit_on_error=False)
    async def action_export(self, kind: Literal["csv", "pdf"]) -> None:
        """Save the monthly table (CSV, the language's dialect) or a one-page PDF in the download folder."""
        from ovh_invoices_tui.export.atomic import write_bytes_atomic
        from ovh_invoices_tui.export.csv_export import resolve_dialect
        from ovh_invoices_tui.export.insights import render_insights_pdf, write_insights_csv

        lang = self.lang
        if self.export_folder is None:
            self.notify(t("insights.export.no_folder", lang), severity="warning", markup=False)
            return
        figures = self.index.months(self.currency, self.span, self.basis, self.today)
        name = f"ovh-insights-{self.currency}-{self.span.describe().replace('..', '_')}-{self.basis}.{kind}"
        target = self.export_folder / name
        try:
            self.export_folder.mkdir(parents=True, exist_ok=True)
            if kind == "csv":
                dialect = resolve_dialect("auto", lang)
                await asyncio.to_thread(
                    write_insights_csv, figures, target, basis=self.basis, lang=lang, dialect=dialect, overwrite=True
                )
            else:
                data = await asyncio.to_thread(
                    render_insights_pdf, figures, self.span, basis=self.basis, currency=self.currency, lang=lang,
                    today=self.today,
                )  # fmt: skip
                write_bytes_atomic(target, data, overwrite=True)
        except OSError as exc:
            self.notify(t("insights.export.failed", lang, path=str(target), error=str(exc)), severity="error",
                        markup=False)  # fmt: skip
            return
        self.notify(t("insights.export.saved", lang, path=str(target)), markup=False)

    def action_back(self) -> None:
        if self.query_one("#insights-range", Input).display:
            self._close_range_input()
            self._show_status()
            return
        self.workers.cancel_group(self, "insights-lines")
        self.dismiss(None)

    def drill_filter(self, row: int) -> BillFilter | None:
        """The filter that shows the invoices behind table row ``row`` (None: nothing behind it)."""
        if not 0 <= row < len(self.rows):
            if self.dimension == "month" and row == len(self.rows):  # the total line
                return BillFilter(date_from=self.span.start, date_to=self.span.end)
            return None
        item = self.rows[row]
        if isinstance(item, MonthFigure):
            month = MonthRange(item.key, item.key)
            return BillFilter(date_from=month.start, date_to=month.end)
        lang = self.lang
        if self.dimension == "category":
            if item.other:
                named = frozenset(s.key for s in self.rows if isinstance(s, Share) and not s.other)
                ids = self.index.bill_ids(self.currency, self.span, excluding=named)
            else:
                ids = self.index.bill_ids(self.currency, self.span, item.key)
        else:
            ids = item.bill_ids
        label = t("insights.other", lang) if item.other else item.label
        return BillFilter(bill_ids=ids, subset=f"{label} · {self.span.describe()}")

    def action_drill(self) -> None:
        if self.query_one("#insights-range", Input).display:
            return
        chosen = self.drill_filter(self.query_one(DataTable).cursor_row)
        if chosen is not None:
            self.workers.cancel_group(self, "insights-lines")
            self.dismiss(chosen)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()


def open_insights(host: ActionHost, scope: Literal["all", "view"] = "all") -> None:
    """Push the insights over the account's bills (or the list's view); apply the filter it comes back with."""
    session = host.session
    store = session.store
    rows = store.view if scope == "view" else store.rows
    client, cache = session.client, session.cache

    async def read(
        ids: Sequence[str], progressed: Callable[[LinesProgress, dict[str, list[BillDetail]]], None]
    ) -> tuple[dict[str, list[BillDetail]], LinesProgress]:
        from ovh_invoices_tui.data.invoice_lines import read_lines

        lines, progress = await read_lines(ids, client, cache, on_progress=progressed)
        for bill_id, details in lines.items():  # the quick filter can now find these invoices by service
            store.set_services(bill_id, [d.domain for d in details if d.domain])
        return lines, progress

    def chosen(drill: BillFilter | None) -> None:
        if drill is not None:
            store.set_filter(drill)

    screen = InsightsScreen(
        [row.bill for row in rows], lang=host.lang, read_lines=read, scope=scope,
        export_folder=session.download_dir,
    )  # fmt: skip
    host.push_screen(screen, chosen)
