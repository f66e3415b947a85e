"""The insights table for an accountant: CSV (both dialects of the invoice export) and a one-page PDF whose
monthly chart is drawn as vector bars (fpdf2), with the exact figures under it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from fpdf import FPDF

from ovh_invoices_tui.core.i18n import format_count, format_date, format_money, format_percent, t
from ovh_invoices_tui.core.insights import Basis, MonthFigure, MonthRange, change
from ovh_invoices_tui.core.models import Money
from ovh_invoices_tui.export.cells import plain_amount
from ovh_invoices_tui.export.csv_export import CsvDialect, write_table_csv
from ovh_invoices_tui.export.pdf_summary import pdf_text


def month_table(figures: Sequence[MonthFigure], basis: Basis, lang: str, dialect: CsvDialect) -> list[list[str]]:
    """Header and rows of the monthly figures in ``dialect``'s decimal mark (exact amounts, never rounded)."""
    header = [t("insights.col.month", lang), t("insights.col.invoices", lang), "HT", "TTC",
              t("insights.col.mom", lang), t("insights.col.yoy", lang), t("insights.partial", lang)]  # fmt: skip
    rows = [header]
    for figure in figures:
        amount = figure.amount(basis)
        rows.append(
            [
                figure.label,
                str(figure.count),
                plain_amount(figure.without_tax, dialect.decimal_mark),
                plain_amount(figure.with_tax, dialect.decimal_mark),
                _ratio(change(amount, figure.previous_month), dialect),
                _ratio(change(amount, figure.previous_year), dialect),
                "1" if figure.partial else "0",
            ]
        )
    return rows


def _ratio(value: float | None, dialect: CsvDialect) -> str:
    return "" if value is None else f"{value:.4f}".replace(".", dialect.decimal_mark)


def write_insights_csv(
    figures: Sequence[MonthFigure], path: str | os.PathLike[str], *, basis: Basis, lang: str,
    dialect: CsvDialect, overwrite: bool = False,
) -> int:  # fmt: skip
    """The monthly table as CSV, atomically; returns the number of months written."""
    header, *rows = month_table(figures, basis, lang, dialect)
    return write_table_csv(header, rows, path, dialect=dialect, overwrite=overwrite)


def render_insights_pdf(
    figures: Sequence[MonthFigure], span: MonthRange, *, basis: Basis, currency: str, lang: str, today: date
) -> bytes:
    """One A4 landscape page: title, the bar chart (last year as a line), the figures table, totals."""
    pdf = FPDF(orientation="L", format="A4")
    pdf.core_fonts_encoding = "cp1252"  # €, accents: what the core fonts can draw (see pdf_text)
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 12, 12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, pdf_text(t("insights.pdf.title", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    subtitle = t("insights.pdf.subtitle", lang, currency=currency, span=span.describe(), basis=basis.upper(),
                 today=format_date(today, lang))  # fmt: skip
    pdf.cell(0, 5, pdf_text(subtitle), new_x="LMARGIN", new_y="NEXT")
    _draw_chart(pdf, figures, basis, lang, x=24, y=30, width=pdf.w - 36, height=80)
    pdf.set_font("Helvetica", size=7)
    pdf.set_xy(24, 114)
    pdf.cell(0, 4, pdf_text(t("insights.pdf.legend", lang)))
    _draw_table(pdf, figures, basis, lang, currency, top=122)
    return bytes(pdf.output())


def _draw_chart(
    pdf: FPDF, figures: Sequence[MonthFigure], basis: Basis, lang: str, *, x: float, y: float, width: float,
    height: float,
) -> None:  # fmt: skip
    amounts = [f.amount(basis) for f in figures]
    before = [f.previous_year for f in figures]
    top = max([*amounts, *(b for b in before if b is not None), 1])
    base = y + height
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    pdf.line(x, base, x + width, base)
    pdf.set_font("Helvetica", size=7)
    for step in range(5):  # four grid lines with their amount
        value = top * step // 4
        level = base - height * step / 4
        pdf.set_draw_color(220, 220, 220)
        pdf.line(x, level, x + width, level)
        pdf.set_xy(x - 22, level - 2)
        label = format_money(Money(value, figures[0].currency if figures else "EUR"), lang)
        pdf.cell(20, 4, pdf_text(label), align="R")
    slot = width / max(len(figures), 1)
    previous: tuple[float, float] | None = None
    for position, figure in enumerate(figures):
        left = x + position * slot + slot * 0.15
        bar_height = height * max(amounts[position], 0) / top
        # Partial months are hatched-grey, whole ones solid: told apart without colour.
        pdf.set_fill_color(*((170, 170, 170) if figure.partial else (40, 90, 160)))
        pdf.rect(left, base - bar_height, slot * 0.7, bar_height, style="F")
        pdf.set_xy(x + position * slot, base + 1)
        pdf.cell(slot, 4, pdf_text(figure.label + ("*" if figure.partial else "")), align="C")
        if figure.previous_year is not None:
            point = (x + position * slot + slot / 2, base - height * max(figure.previous_year, 0) / top)
            pdf.set_draw_color(200, 60, 40)
            pdf.set_line_width(0.5)
            if previous is not None:
                pdf.line(*previous, *point)
            pdf.circle(point[0], point[1], 0.8, style="D")
            previous = point
        else:
            previous = None


def _draw_table(
    pdf: FPDF, figures: Sequence[MonthFigure], basis: Basis, lang: str, currency: str, *, top: float
) -> None:
    widths = (28, 22, 40, 40, 34, 34)
    header = [t("insights.col.month", lang), t("insights.col.invoices", lang), "HT", "TTC",
              t("insights.col.mom", lang), t("insights.col.yoy", lang)]  # fmt: skip
    rows = [
        [
            f.label + ("*" if f.partial else ""),
            format_count(f.count, lang),
            format_money(Money(f.without_tax, f.currency), lang),
            format_money(Money(f.with_tax, f.currency), lang),
            format_percent(change(f.amount(basis), f.previous_month), lang),
            format_percent(change(f.amount(basis), f.previous_year), lang),
        ]
        for f in figures
    ]
    rows.append(
        [
            t("insights.total", lang),
            format_count(sum(f.count for f in figures), lang),
            format_money(Money(sum(f.without_tax for f in figures), currency), lang),
            format_money(Money(sum(f.with_tax for f in figures), currency), lang),
            "",
            "",
        ]
    )
    # Up to 36 months fit the page in two columns of tables; longer ranges keep the first rows that fit.
    line = 3.6 if len(rows) <= 18 else max(2.4, (pdf.h - top - 10) / (len(rows) + 1))
    pdf.set_font("Helvetica", "B", 7)
    pdf.set_xy(24, top)
    for text, width in zip(header, widths, strict=True):
        pdf.cell(width, line, pdf_text(text), align="L" if width == widths[0] else "R")
    for number, row in enumerate(rows):
        pdf.set_font("Helvetica", "B" if number == len(rows) - 1 else "", 7)
        pdf.set_xy(24, top + line * (number + 1))
        if top + line * (number + 2) > pdf.h - 6:
            break
        for text, width in zip(row, widths, strict=True):
            pdf.cell(width, line, pdf_text(text), align="L" if width == widths[0] else "R")
