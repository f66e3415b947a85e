"""Read-only commands: ``bills list``, ``bills show``, ``balance``, ``payments list``."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.cli.core import (
    EXIT_OK,
    CliContext,
    add_format_option,
    add_list_options,
    api_days,
    command,
    within_days,
)
from ovh_invoices_tui.cli.output import Column, decimal_text, write_csv, write_json, write_pairs, write_table
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.filters import days_overdue
from ovh_invoices_tui.core.i18n import format_date, format_money, payment_type_label, status_label, t
from ovh_invoices_tui.core.models import PAID, TO_BE_PAID, UNMATURED, UNPAID, Bill, BillRow, Debt, Deposit
from ovh_invoices_tui.core.text import clean

UNPAID_STATUSES = frozenset({UNPAID, TO_BE_PAID, UNMATURED})
BILL_KEYS = (
    "billId", "orderId", "date", "priceWithoutTax", "priceWithTax", "tax", "currency", "status", "balance",
)  # fmt: skip
DEPOSIT_KEYS = ("depositId", "orderId", "date", "amount", "currency", "paymentType")


def _matches_status(row: BillRow, wanted: str) -> bool:
    if wanted == "paid":
        return row.status == PAID
    if wanted == "unpaid":
        return row.status in UNPAID_STATUSES or row.balance.ucents > 0
    if wanted == "overdue":
        return days_overdue(row, clock.today()) is not None
    return True


async def load_bill_rows(ctx: CliContext, client: OvhClient) -> list[BillRow]:
    """Bills (API filters: dates, order) joined to ``/me/debtAccount/debt`` on orderId, then filtered."""
    args = ctx.args

    async def bills() -> list[Bill]:
        found: list[Bill] = []
        date_from, date_to = api_days(args.date_from, args.date_to)
        async for page in client.iter_bills(date_from=date_from, date_to=date_to, order_id=args.order):
            found.extend(b for b in page.items if within_days(b.date, args.date_from, args.date_to))
            for error in page.errors:
                print(f"warning: skipped an unreadable invoice: {clean(error)}", file=ctx.err)
        return found

    async def debts() -> dict[int, Debt]:
        by_order: dict[int, Debt] = {}
        async for page in client.iter_debts():
            by_order.update((debt.order_id, debt) for debt in page.items)
        return by_order

    bill_list, debt_by_order = await asyncio.gather(bills(), debts())
    rows = [BillRow(bill, debt_by_order.get(bill.order_id)) for bill in bill_list]
    needle = (args.ref or "").lower()
    rows = [row for row in rows if needle in row.bill.bill_id.lower() and _matches_status(row, args.status)]
    rows.sort(key=lambda row: row.bill.date, reverse=True)
    return rows


def bill_record(row: BillRow) -> dict[str, Any]:
    """The JSON/CSV form of a bill row (no url, pdfUrl nor password: they open the document)."""
    bill = row.bill
    return {
        "billId": bill.bill_id,
        "orderId": bill.order_id,
        "date": bill.date.isoformat(),
        "priceWithoutTax": decimal_text(bill.price_without_tax),
        "priceWithTax": decimal_text(bill.price_with_tax),
        "tax": decimal_text(bill.tax),
        "currency": bill.price_with_tax.currency,
        "status": row.status,
        "balance": decimal_text(row.balance),
    }


def _bill_columns(lang: str) -> list[Column]:
    labels = ("col.reference", "col.order", "col.date", "col.amount_ht", "col.amount_ttc", "col.balance")
    right = {"col.amount_ht", "col.amount_ttc", "col.balance"}
    columns = [Column(t(key, lang), key in right) for key in labels]
    return [*columns, Column(t("col.status", lang))]


def _bill_cells(row: BillRow, lang: str) -> list[str]:
    bill = row.bill
    return [
        bill.bill_id,
        str(bill.order_id),
        format_date(bill.date, lang),
        format_money(bill.price_without_tax, lang),
        format_money(bill.price_with_tax, lang),
        format_money(row.balance, lang),
        status_label(row.status, lang),
    ]


def _bills_list_options(parser: argparse.ArgumentParser) -> None:
    add_list_options(parser)
    parser.add_argument("--new", action="store_true", help="only invoices that arrived since the last visit")
    parser.add_argument("--mark-seen", action="store_true",
                        help="then mark every invoice up to the newest listed as seen")  # fmt: skip


@command("bills", "list", help="list invoices with their status and balance", configure=_bills_list_options)
async def bills_list(ctx: CliContext) -> int:
    async with ctx.client(share_amounts=False) as client:  # printed, then gone: no memory to save
        if ctx.args.format == "table":
            rows, lang = await asyncio.gather(load_bill_rows(ctx, client), ctx.language(client))
        else:
            rows, lang = await load_bill_rows(ctx, client), "en"  # scripts: no /me call for a language
    if ctx.args.new or ctx.args.mark_seen:
        rows = _new_since_last_visit(ctx, rows)
    if ctx.args.format == "json":
        write_json(ctx.out, [bill_record(row) for row in rows])
    elif ctx.args.format == "csv":
        write_csv(ctx.out, BILL_KEYS, [bill_record(row) for row in rows])
    else:
        write_table(ctx.out, _bill_columns(lang), [_bill_cells(row, lang) for row in rows])
    return EXIT_OK


def _new_since_last_visit(ctx: CliContext, rows: list[BillRow]) -> list[BillRow]:
    """``--new``: the rows dated after the newest invoice seen; ``--mark-seen``: move that mark to the newest row.

    With no mark yet (never visited) nothing counts as new, and ``--mark-seen`` sets the first mark.
    """
    from ovh_invoices_tui.cli.core import profile_cache
    from ovh_invoices_tui.data.accounts import mark_seen, seen_marks

    with profile_cache(ctx) as cache:
        if cache is None:
            print("warning: no cache (--no-cache): nothing is remembered as seen", file=ctx.err)
            return [] if ctx.args.new else rows
        seen_until, _ = seen_marks(cache)
        listed = rows
        if ctx.args.new:
            listed = [row for row in rows if seen_until is not None and row.bill.date > seen_until]
        if ctx.args.mark_seen and rows:
            newest = max(row.bill.date for row in rows)
            if seen_until is None or newest > seen_until:
                mark_seen(cache, newest, None)
        return listed


def _add_show_options(parser: Any) -> None:
    parser.add_argument("ref", metavar="REF", help="the invoice reference (billId), e.g. FR12345678")
    add_format_option(parser)


@command("bills", "show", help="one invoice: amounts, status, payment and lines", configure=_add_show_options)
async def bills_show(ctx: CliContext) -> int:
    ref = ctx.args.ref
    async with ctx.client() as client:
        bill, debt, payment, details, lang = await asyncio.gather(
            client.bill(ref),
            client.bill_debt(ref),
            client.bill_payment(ref),
            client.bill_details(ref),
            ctx.language(client) if ctx.args.format == "table" else asyncio.sleep(0, "en"),
        )
    row = BillRow(bill, debt)
    detail_records = [
        {
            "billDetailId": d.bill_detail_id,
            "description": d.description,
            "domain": d.domain,
            "periodStart": d.period_start.isoformat() if d.period_start else None,
            "periodEnd": d.period_end.isoformat() if d.period_end else None,
            "quantity": d.quantity,
            "unitPrice": decimal_text(d.unit_price),
            "totalPrice": decimal_text(d.total_price),
        }
        for d in details
    ]
    if ctx.args.format == "json":
        record = bill_record(row)
        record["payment"] = (
            {"paymentDate": payment.payment_date.isoformat(), "paymentType": payment.payment_type} if payment else None
        )
        record["details"] = detail_records
        write_json(ctx.out, record)
    elif ctx.args.format == "csv":
        keys = ("billDetailId", "description", "domain", "periodStart", "periodEnd", "quantity",
                "unitPrice", "totalPrice")  # fmt: skip
        write_csv(ctx.out, keys, detail_records)
    else:
        labels = [column.label for column in _bill_columns(lang)]
        pairs: list[tuple[str, object]] = list(zip(labels, _bill_cells(row, lang), strict=True))
        if payment is not None:
            pairs.append((t("col.payment_date", lang), format_date(payment.payment_date, lang)))
            pairs.append((t("col.payment_type", lang), payment_type_label(payment.payment_type, lang)))
        write_pairs(ctx.out, pairs)
        print(file=ctx.out)
        write_table(
            ctx.out,
            [
                Column(t("cli.col.description", lang)),
                Column(t("cli.col.quantity", lang), True),
                Column(t("cli.col.unit_price", lang), True),
                Column(t("cli.col.total_price", lang), True),
            ],
            [
                [d.description, d.quantity, format_money(d.unit_price, lang), format_money(d.total_price, lang)]
                for d in details
            ],
        )
    return EXIT_OK


def _balance_options(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser)
    parser.add_argument(
        "--fail-if-due", action="store_true", help="exit 10 when something is due, 11 when the account cannot be read"
    )


@command("balance", help="what is due on the account (debtAccount)", configure=_balance_options)
async def balance(ctx: CliContext) -> int:
    from ovh_invoices_tui.api.errors import OvhError
    from ovh_invoices_tui.cli.accounts import EXIT_DUE, EXIT_UNREADABLE

    try:
        async with ctx.client() as client:
            account = await client.debt_account()
            lang = await ctx.language(client) if ctx.args.format == "table" else "en"
    except OvhError as exc:
        if not ctx.args.fail_if_due:
            raise
        print(f"error: {exc}", file=ctx.err)  # a monitoring check says "cannot see", never "all clear"
        return EXIT_UNREADABLE
    amounts = {
        "dueAmount": account.due_amount,
        "todoAmount": account.todo_amount,
        "pendingAmount": account.pending_amount,
        "unmaturedAmount": account.unmatured_amount,
    }
    record: dict[str, Any] = {key: decimal_text(money) for key, money in amounts.items()}
    record["currency"] = account.due_amount.currency
    record["active"] = account.active
    if ctx.args.format == "json":
        write_json(ctx.out, record)
    elif ctx.args.format == "csv":
        write_csv(ctx.out, list(record), [record])
    else:
        pairs = [(t(f"cli.balance.{key}", lang), format_money(money, lang)) for key, money in amounts.items()]
        write_pairs(ctx.out, pairs)
    if ctx.args.fail_if_due and account.due_amount.ucents > 0:
        return EXIT_DUE
    return EXIT_OK


def deposit_record(deposit: Deposit) -> dict[str, Any]:
    return {
        "depositId": deposit.deposit_id,
        "orderId": deposit.order_id,
        "date": deposit.date.isoformat(),
        "amount": decimal_text(deposit.amount),
        "currency": deposit.amount.currency,
        "paymentType": deposit.payment_type,
    }


@command("payments", "list", help="payment tracking: deposits and their means", configure=add_list_options)
async def payments_list(ctx: CliContext) -> int:
    args = ctx.args
    async with ctx.client() as client:
        deposits: list[Deposit] = []
        date_from, date_to = api_days(args.date_from, args.date_to)
        async for page in client.iter_deposits(date_from=date_from, date_to=date_to):
            deposits.extend(d for d in page.items if within_days(d.date, args.date_from, args.date_to))
        lang = await ctx.language(client) if args.format == "table" else "en"
    needle = (args.ref or "").lower()
    deposits = [
        d for d in deposits if needle in d.deposit_id.lower() and (args.order is None or d.order_id == args.order)
    ]
    deposits.sort(key=lambda d: d.date, reverse=True)
    if args.format == "json":
        write_json(ctx.out, [deposit_record(d) for d in deposits])
    elif args.format == "csv":
        write_csv(ctx.out, DEPOSIT_KEYS, [deposit_record(d) for d in deposits])
    else:
        columns = [
            Column(t("col.reference", lang)),
            Column(t("col.payment_date", lang)),
            Column(t("col.total_amount", lang), True),
            Column(t("col.payment_type", lang)),
        ]
        cells = [
            [d.deposit_id, format_date(d.date, lang), format_money(d.amount, lang),
             payment_type_label(d.payment_type, lang)]
            for d in deposits
        ]  # fmt: skip
        write_table(ctx.out, columns, cells)
    return EXIT_OK
