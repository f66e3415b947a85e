"""The PDF summary of invoices ("récapitulatif"): title, account, scope, a table, totals per currency.

Drawn with fpdf2's core Helvetica in cp1252 (covers € and French accents, and text stays
extractable) using low-level ``text()`` calls: about 3× faster than ``cell()`` for big tables.
API text is drawn literally, cleaned of control characters; what cp1252 cannot show (emoji, RTL) becomes ``?``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, NotRequired, TypedDict, Unpack

from fpdf import FPDF

from ovh_invoices_tui.core import i18n
from ovh_invoices_tui.core.models import BillRow, Money
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.export.atomic import write_atomic, write_atomic_in_thread
from ovh_invoices_tui.export.cells import status_labels
from ovh_invoices_tui.export.results import ExportResult, Failure, Totals

__all__ = ["RenderedSummary", "SummaryHeader", "export_bills_pdf", "pdf_text", "render_bills_pdf", "write_bills_pdf"]


# Layout (mm, A4 portrait).
_MARGIN = 10.0
_BOTTOM = 15.0
_ROW_H = 5.0
_HEADER_H = 6.0
_FONT_SIZE = 8.0
_PAD = 1.2
_BASELINE = 3.6  # from the row's top, for 8 pt text in a 5 mm row
_NB_ALIAS = "{nb}"

# (label key, width, right-aligned)
_BILL_TABLE: tuple[tuple[str, float, bool], ...] = (
    ("col.reference", 30, False),
    ("col.date", 24, False),
    ("col.order", 33, False),
    ("col.amount_ht", 26, True),
    ("col.amount_ttc", 26, True),
    ("col.balance", 26, True),
    ("col.status", 25, False),
)
_MISSING_TABLE: tuple[tuple[str, float, bool], ...] = (
    ("col.reference", 30, False),
    ("col.date", 24, False),
    ("col.amount_ttc", 26, True),
    ("export.pdf.reason", 110, False),
)

# cp1252 cannot encode these spaces used by French formatting.
_TRANSLATE: dict[int, str] = {0x202F: "\u00a0", 0x2009: " ", 0x2007: " ", 0x200B: ""}


def pdf_text(text: str) -> str:
    """``text`` cleaned (:func:`~ovh_invoices_tui.core.text.clean`), reduced to what the core font can draw
    (cp1252), other characters as ``?``."""
    return clean(text).translate(_TRANSLATE).encode("cp1252", "replace").decode("cp1252")


@dataclass(frozen=True, slots=True)
class RenderedSummary:
    """A summary PDF in memory."""

    data: bytes
    pages: int
    count: int
    totals: tuple[Money, ...]


class _SummaryPdf(FPDF):
    """FPDF with a repeated table header and "Page n/N" footers."""

    def __init__(self, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.core_fonts_encoding = "cp1252"
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(False)
        self.alias_nb_pages(_NB_ALIAS)
        self.columns: tuple[tuple[str, float, bool], ...] | None = None
        self.bottom = self.h - _BOTTOM

    def header(self) -> None:
        if self.columns is not None:
            self.draw_table_header()

    def footer(self) -> None:
        # cell(), not text(): only fpdf2's cell path substitutes the total-pages alias.
        self.set_font("Helvetica", size=7)
        self.set_xy(_MARGIN, self.h - 11)
        label = i18n.t("export.pdf.page", self.lang, page=self.page_no(), pages=_NB_ALIAS)
        self.cell(self.w - 2 * _MARGIN, 4, label, align="R")

    def wrapped(self, text: str, height: float) -> None:
        """Wrapped lines of API text (the total-pages alias is off so "{nb}" in the text stays literal)."""
        self.alias_nb_pages(None)  # type: ignore[arg-type]
        try:
            self.multi_cell(0, height, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        finally:
            self.alias_nb_pages(_NB_ALIAS)

    def draw_table_header(self) -> None:
        assert self.columns is not None
        y = self.y
        self.set_fill_color(225, 230, 240)
        self.rect(_MARGIN, y, self.w - 2 * _MARGIN, _HEADER_H, style="F")
        self.set_font("Helvetica", "B", _FONT_SIZE)
        x = _MARGIN
        for key, width, right in self.columns:
            label = self.fit(pdf_text(i18n.t(key, self.lang)), width - 2 * _PAD)
            self.draw(label, x, y + 4.2, width, right)
            x += width
        self.set_font("Helvetica", size=_FONT_SIZE)
        self.set_y(y + _HEADER_H + 0.8)

    def fit(self, text: str, room: float) -> str:
        """``text``, cut with an ellipsis if wider than ``room``."""
        if self.get_string_width(text) <= room:
            return text
        low, high = 0, len(text)
        while low < high:  # longest prefix that fits with the ellipsis
            mid = (low + high + 1) // 2
            if self.get_string_width(text[:mid] + "…") <= room:
                low = mid
            else:
                high = mid - 1
        return text[:low] + "…"

    def draw(self, text: str, x: float, baseline: float, width: float, right: bool) -> None:
        if not text:
            return
        if right:
            self.text(x + width - _PAD - self.get_string_width(text), baseline, text)
        else:
            self.text(x + _PAD, baseline, text)

    def draw_row(self, cells: Sequence[str], bold: bool = False) -> None:
        """One table row (cells already cp1252-safe), breaking the page first if needed."""
        assert self.columns is not None
        if self.y + _ROW_H > self.bottom:
            self.add_page()
        if bold:
            self.set_font("Helvetica", "B", _FONT_SIZE)
        baseline = self.y + _BASELINE
        x = _MARGIN
        for text, (_key, width, right) in zip(cells, self.columns, strict=True):
            self.draw(self.fit(text, width - 2 * _PAD), x, baseline, width, right)
            x += width
        if bold:
            self.set_font("Helvetica", size=_FONT_SIZE)
        self.set_y(self.y + _ROW_H)

    def start_table(self, table: tuple[tuple[str, float, bool], ...]) -> None:
        self.columns = table
        if self.y + _HEADER_H + 2 * _ROW_H > self.bottom:
            self.add_page()  # the header is drawn by header()
        else:
            self.draw_table_header()

    def rule(self) -> None:
        self.set_draw_color(120, 120, 120)
        self.line(_MARGIN, self.y, self.w - _MARGIN, self.y)
        self.set_y(self.y + 0.8)


def _when(value: datetime, lang: str) -> str:
    time = value.strftime("%H:%M")
    return f"{i18n.format_date(value, lang)} {'à ' if lang == 'fr' else ''}{time}"


def render_bills_pdf(
    rows: Iterable[BillRow],
    *,
    lang: str = "en",
    account: str,
    scope: str,
    generated_at: datetime,
    not_included: Sequence[Failure] = (),
) -> RenderedSummary:
    """Build the summary PDF in memory (CPU-bound: run it in a thread from async code).

    ``not_included`` adds a final "Not included" section listing those invoices and why.
    """
    rows = list(rows)
    pdf = _SummaryPdf(lang)
    pdf.set_title(pdf_text(i18n.t("export.pdf.title", lang)))
    pdf.set_author(pdf_text(account))
    pdf.set_creator("ovh-invoices")
    pdf.set_creation_date(generated_at)
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 16)
    pdf.text(_MARGIN, 18, pdf_text(i18n.t("export.pdf.title", lang)))
    pdf.set_y(22)
    pdf.set_font("Helvetica", size=10)
    for line in (
        i18n.t("export.pdf.account", lang, account=account),
        i18n.t("export.pdf.scope", lang, scope=scope),
        i18n.t("export.pdf.generated", lang, when=_when(generated_at, lang)),
        i18n.t("export.pdf.count", lang, count=len(rows)),
    ):
        pdf.wrapped(line, 5)
    pdf.set_y(pdf.y + 3)
    pdf.set_font("Helvetica", size=_FONT_SIZE)

    ht_totals, ttc_totals, balance_totals = Totals(), Totals(), Totals()
    label = status_labels(lang, pdf_text)
    fmt_money, fmt_date = i18n.format_money, i18n.format_date
    if rows:
        pdf.start_table(_BILL_TABLE)
        for row in rows:
            bill = row.bill
            balance = row.balance
            ht_totals.add(bill.price_without_tax)
            ttc_totals.add(bill.price_with_tax)
            balance_totals.add(balance)
            pdf.draw_row(
                (
                    pdf_text(bill.bill_id),
                    fmt_date(bill.date, lang),
                    str(bill.order_id),
                    pdf_text(fmt_money(bill.price_without_tax, lang)),
                    pdf_text(fmt_money(bill.price_with_tax, lang)),
                    pdf_text(fmt_money(balance, lang)) if row.debt_known else "?",
                    label(row.status),
                )
            )
        pdf.rule()
        ht_by = {money.currency: money for money in ht_totals.result()}
        balance_by = {money.currency: money for money in balance_totals.result()}
        for ttc in ttc_totals.result():
            cur = ttc.currency
            pdf.draw_row(
                (
                    pdf_text(i18n.t("export.pdf.total", lang, currency=cur)),
                    "",
                    "",
                    pdf_text(fmt_money(ht_by.get(cur, Money.zero(cur)), lang)),
                    pdf_text(fmt_money(ttc, lang)),
                    pdf_text(fmt_money(balance_by.get(cur, Money.zero(cur)), lang)),
                    "",
                ),
                bold=True,
            )
    else:
        pdf.text(_MARGIN, pdf.y + 4, pdf_text(i18n.t("export.pdf.empty", lang)))

    if not_included:
        _draw_not_included(pdf, rows, not_included, lang)

    data = bytes(pdf.output())
    return RenderedSummary(data, pdf.pages_count, len(rows), ttc_totals.result())


def _draw_not_included(pdf: _SummaryPdf, rows: list[BillRow], failures: Sequence[Failure], lang: str) -> None:
    pdf.columns = None
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.text(_MARGIN, 18, pdf_text(i18n.t("export.pdf.not_included", lang)))
    pdf.set_y(22)
    pdf.set_font("Helvetica", size=9)
    pdf.wrapped(i18n.t("export.pdf.not_included_note", lang), 4.5)
    pdf.set_y(pdf.y + 3)
    pdf.set_font("Helvetica", size=_FONT_SIZE)
    by_id = {row.bill.bill_id: row for row in rows}
    pdf.start_table(_MISSING_TABLE)
    for failure in failures:
        row = by_id.get(failure.bill_id)
        pdf.draw_row(
            (
                pdf_text(failure.bill_id),
                i18n.format_date(row.bill.date, lang) if row else "",
                pdf_text(i18n.format_money(row.bill.price_with_tax, lang)) if row else "",
                pdf_text(failure.reason),
            )
        )


class SummaryHeader(TypedDict):
    """What the summary's header says: the ``account``, the ``scope`` ("All invoices", "Selection of 3
    invoices" …), when it was ``generated_at``; its labels in ``lang`` ("en")."""

    account: str
    scope: str
    generated_at: datetime
    lang: NotRequired[str]


def _summary_job(rows: Iterable[BillRow], header: SummaryHeader) -> Callable[[BinaryIO], RenderedSummary]:
    def job(handle: BinaryIO) -> RenderedSummary:
        summary = render_bills_pdf(rows, **header)
        handle.write(summary.data)
        return summary

    return job


def write_bills_pdf(
    rows: Iterable[BillRow], path: str | os.PathLike[str], *, overwrite: bool = False, **header: Unpack[SummaryHeader]
) -> ExportResult:
    """Write the summary PDF of ``rows`` (in their order) atomically; ``totals`` are the TTC sums.

    ``FileExistsError`` if ``path`` exists unless ``overwrite``.
    """
    summary = write_atomic(path, _summary_job(rows, header), overwrite=overwrite)
    return ExportResult(Path(path), summary.count, summary.totals)


async def export_bills_pdf(
    rows: Iterable[BillRow], path: str | os.PathLike[str], *, overwrite: bool = False, **header: Unpack[SummaryHeader]
) -> ExportResult:
    """:func:`write_bills_pdf` in a worker thread, cancellation-safe (a cancelled export leaves no file)."""
    summary = await write_atomic_in_thread(path, _summary_job(rows, header), overwrite=overwrite)
    return ExportResult(Path(path), summary.count, summary.totals)
