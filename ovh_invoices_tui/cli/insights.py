"""``ovh-invoices insights``: spend per month, per category or per service, as a table, JSON or CSV."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.cli.core import (
    EXIT_OK,
    EXIT_USAGE,
    CliContext,
    add_format_option,
    api_days,
    command,
    destination_problem,
    iso_date,
    within_days,
)
from ovh_invoices_tui.cli.output import Column, decimal_text, write_csv, write_json, write_table
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import format_money, format_percent, t
from ovh_invoices_tui.core.insights import (
    Basis,
    MonthFigure,
    MonthRange,
    Share,
    SpendIndex,
    by_service,
    change,
    month_label,
)
from ovh_invoices_tui.core.models import Bill, Money
from ovh_invoices_tui.core.text import clean

MONTH_KEYS = (
    "month", "currency", "invoices", "withoutTax", "withTax", "partial",
    "changeFromPreviousMonth", "changeFromYearBefore",
)  # fmt: skip


def _configure(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser)
    parser.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE",
                        help="first month (a date in it; default: 11 months before --to)")  # fmt: skip
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE",
                        help="last month (a date in it; default: this month)")  # fmt: skip
    parser.add_argument("--by", choices=("month", "category", "service"), default="month", help="default: month")
    parser.add_argument("--basis", choices=("ht", "ttc"), default="ht",
                        help="amounts without tax (ht, default) or with tax (ttc)")  # fmt: skip
    parser.add_argument("--top", type=int, default=10, metavar="N", help="category/service bars (default: 10)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write the monthly table as CSV")
    parser.add_argument("--dialect", choices=("auto", "excel-fr", "rfc4180"), default="auto",
                        help="CSV layout (auto: excel-fr in French, rfc4180 otherwise)")  # fmt: skip
    parser.add_argument("--pdf", type=Path, metavar="FILE", help="also write a one-page PDF with the monthly chart")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --csv/--pdf file")


def month_range(date_from: date | None, date_to: date | None, today: date) -> MonthRange:
    """The months asked for: the 12 months ending this month by default."""
    end = date_to or today
    if date_from is None:
        return MonthRange.last_months(12, end)
    return MonthRange.of_dates(date_from, end)


async def load_bills(client: OvhClient, span: MonthRange, ctx: CliContext) -> list[Bill]:
    """The bills of ``span`` and of the year before it (the comparisons need them).

    The API's dates are widened a day (:func:`api_days`): a bill of the first day at 00:55 in Paris is the day
    before in UTC; :func:`within_days` then keeps the exact days.
    """
    found: list[Bill] = []
    first = span.shifted(-12).start
    since, until = api_days(first, span.end)
    async for page in client.iter_bills(date_from=since, date_to=until):
        found.extend(bill for bill in page.items if within_days(bill.date, first, span.end))
        for error in page.errors:
            print(f"warning: skipped an unreadable invoice: {clean(error)}", file=ctx.err)
    return found


def month_records(figures: Sequence[MonthFigure], basis: Basis) -> list[dict[str, Any]]:
    """The JSON/CSV form of monthly figures (exact decimal strings)."""
    return [
        {
            "month": figure.label,
            "currency": figure.currency,
            "invoices": figure.count,
            "withoutTax": decimal_text(Money(figure.without_tax, figure.currency)),
            "withTax": decimal_text(Money(figure.with_tax, figure.currency)),
            "partial": figure.partial,
            "changeFromPreviousMonth": change(figure.amount(basis), figure.previous_month),
            "changeFromYearBefore": change(figure.amount(basis), figure.previous_year),
        }
        for figure in figures
    ]


def share_records(shares: Sequence[Share], currency: str, lang: str) -> list[dict[str, Any]]:
    """The JSON/CSV form of a breakdown."""
    return [
        {
            "key": share.key if not share.other else "",
            "label": share.label if not share.other else t("insights.other", lang),
            "other": share.other,
            "currency": currency,
            "invoices": share.count,
            "amount": decimal_text(Money(share.amount, currency)),
        }
        for share in shares
    ]


def text_bars(labels: Sequence[str], amounts: Sequence[int], width: int) -> list[str]:
    """A compact horizontal bar chart in plain characters (readable without colour)."""
    if not labels:
        return []
    label_width = min(max(len(label) for label in labels), 40)
    room = max(10, width - label_width - 3)
    top = max((abs(a) for a in amounts), default=0) or 1
    return [
        f"{label[:label_width].ljust(label_width)} │{'█' * round(abs(amount) * room / top)}"
        for label, amount in zip(labels, amounts, strict=True)
    ]


@command("insights", help="spend per month, category or service (table, json, csv)", configure=_configure)
async def insights(ctx: CliContext) -> int:
    args = ctx.args
    today = clock.today()  # the running month, as the screen counts it (tests pin it)
    span = month_range(args.date_from, args.date_to, today)
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(f"error: --from {args.date_from} is after --to {args.date_to}", file=ctx.err)
        return EXIT_USAGE
    if args.top < 1:
        print("error: --top must be at least 1", file=ctx.err)
        return EXIT_USAGE
    if (args.csv or args.pdf) and args.by != "month":
        print("error: --csv and --pdf export the monthly table (use --by month)", file=ctx.err)
        return EXIT_USAGE
    for target in (args.csv, args.pdf):
        problem = _unusable(target, args.force)
        if problem:
            print(f"error: {problem}", file=ctx.err)
            return EXIT_USAGE
    basis: Basis = args.basis
    async with ctx.client() as client:
        lang = await ctx.language(client)
        bills = await load_bills(client, span, ctx)
        index = SpendIndex(bills)
        by_currency: dict[str, Any] = {}
        partial_lines = 0
        for currency in index.currencies:
            if args.by == "month":
                by_currency[currency] = index.months(currency, span, basis, today)
            elif args.by == "category":
                by_currency[currency] = index.by_category(currency, span, basis, args.top)
            else:
                ids = index.bills_in(currency, span)
                lines, progress = await _read_lines(ctx, client, ids)
                partial_lines += len(progress.failed)
                by_currency[currency] = by_service(lines, ids, currency, args.top)
    if partial_lines:
        print(t("insights.lines_partial", lang, missing=partial_lines), file=ctx.err)
    _print(ctx, args.by, basis, span, by_currency, lang)
    if args.by == "month":
        _export(ctx, span, basis, by_currency, lang, today)
    return EXIT_OK


def _unusable(target: Path | None, force: bool) -> str | None:
    """Why ``target`` cannot be written (checked before anything is loaded), or None."""
    return None if target is None else destination_problem(target.expanduser(), force=force)


def _export(ctx: CliContext, span: MonthRange, basis: Basis, data: dict[str, Any], lang: str, today: date) -> None:
    """Write ``--csv``/``--pdf`` (the first currency's months; one file per currency would need a name each)."""
    args = ctx.args
    if not (args.csv or args.pdf) or not data:
        return
    from ovh_invoices_tui.export.atomic import write_bytes_atomic
    from ovh_invoices_tui.export.csv_export import resolve_dialect
    from ovh_invoices_tui.export.insights import render_insights_pdf, write_insights_csv

    currency, figures = next(iter(data.items()))
    # The PDF is drawn before anything is written: a drawing failure leaves no file behind.
    pdf = b""
    if args.pdf:
        pdf = render_insights_pdf(figures, span, basis=basis, currency=currency, lang=lang, today=today)
    if args.csv:
        dialect = resolve_dialect(args.dialect, lang)
        target = args.csv.expanduser()
        write_insights_csv(figures, target, basis=basis, lang=lang, dialect=dialect, overwrite=args.force)
        print(f"wrote {args.csv}", file=ctx.err)
    if args.pdf:
        write_bytes_atomic(args.pdf.expanduser(), pdf, overwrite=args.force)
        print(f"wrote {args.pdf}", file=ctx.err)


async def _read_lines(ctx: CliContext, client: OvhClient, ids: list[str]) -> tuple[Any, Any]:
    from ovh_invoices_tui.cli.core import profile_cache
    from ovh_invoices_tui.data.invoice_lines import read_lines

    with profile_cache(ctx) as cache:
        return await read_lines(ids, client, cache)


def _print(ctx: CliContext, by: str, basis: Basis, span: MonthRange, data: dict[str, Any], lang: str) -> None:
    fmt = ctx.args.format
    if fmt == "json":
        records = {
            currency: month_records(items, basis) if by == "month" else share_records(items, currency, lang)
            for currency, items in data.items()
        }
        write_json(ctx.out, {"from": month_label(span.first), "to": month_label(span.last), "by": by,
                             "basis": basis, "currencies": records})  # fmt: skip
        return
    if fmt == "csv":
        keys = (
            MONTH_KEYS
            if by == "month"
            else ("key", "label", "other", "currency", "invoices", "amount")
        )
        rows: list[dict[str, Any]] = []
        for currency, items in data.items():
            rows.extend(month_records(items, basis) if by == "month" else share_records(items, currency, lang))
        write_csv(ctx.out, keys, rows)
        return
    width = shutil.get_terminal_size((100, 24)).columns
    chart = ctx.out.isatty()
    for currency, items in data.items():
        if len(data) > 1:
            print(f"== {currency}", file=ctx.out)
        if by == "month":
            _print_months(ctx, items, basis, lang, chart, width)
        else:
            _print_shares(ctx, items, currency, by, lang, chart, width)


def _print_months(
    ctx: CliContext, figures: Sequence[MonthFigure], basis: Basis, lang: str, chart: bool, width: int
) -> None:
    if chart:
        labels = [f"{f.label}{'*' if f.partial else ''}" for f in figures]
        for line in text_bars(labels, [f.amount(basis) for f in figures], width):
            print(line, file=ctx.out)
        print(file=ctx.out)
    columns = [
        Column(t("insights.col.month", lang)),
        Column(t("insights.col.invoices", lang), right=True),
        Column(t("col.amount_ht", lang), right=True),
        Column(t("col.amount_ttc", lang), right=True),
        Column(t("insights.col.mom", lang), right=True),
        Column(t("insights.col.yoy", lang), right=True),
    ]
    rows = [
        [
            f.label + (f" ({t('insights.partial', lang)})" if f.partial else ""),
            str(f.count),
            format_money(Money(f.without_tax, f.currency), lang),
            format_money(Money(f.with_tax, f.currency), lang),
            format_percent(change(f.amount(basis), f.previous_month), lang),
            format_percent(change(f.amount(basis), f.previous_year), lang),
        ]
        for f in figures
    ]
    write_table(ctx.out, columns, rows)


def _print_shares(
    ctx: CliContext, shares: Sequence[Share], currency: str, by: str, lang: str, chart: bool, width: int
) -> None:
    labels = [t("insights.other", lang) if s.other else s.label for s in shares]
    if chart:
        for line in text_bars(labels, [s.amount for s in shares], width):
            print(line, file=ctx.out)
        print(file=ctx.out)
    columns = [
        Column(t(f"insights.col.{by}", lang)),
        Column(t("insights.col.invoices", lang), right=True),
        Column(t("insights.col.amount", lang), right=True),
    ]
    rows = [
        [label, str(s.count), format_money(Money(s.amount, currency), lang)]
        for label, s in zip(labels, shares, strict=True)
    ]
    write_table(ctx.out, columns, rows)
