"""Payment tracking on the command line: ``payments show``, ``payments export``, ``refunds list``.

(``payments list`` lives in :mod:`cli_billing`.) They use the same loaders and store as the TUI, so a
payment's shortfall is explained the same way: the credit note (avoir) that covered the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovh_invoices_tui.cli.billing import deposit_record
from ovh_invoices_tui.cli.core import (
    EXIT_OK,
    PROG,
    CliContext,
    add_csv_options,
    add_format_option,
    api_days,
    check_writable_folder,
    command,
    destination_problem,
    iso_date,
    listed_ids,
    profile_cache,
    usage_error,
    within_days,
)
from ovh_invoices_tui.cli.output import Column, decimal_text, write_csv, write_json, write_pairs, write_table
from ovh_invoices_tui.core.i18n import format_date, format_money, payment_type_label, t
from ovh_invoices_tui.core.models import Bill, Deposit, Refund
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.payments import (
    ensure_paid_bills,
    find_deposit,
    load_refund_payments,
    load_settlement,
    paid_bill_ids,
    refresh_deposits,
)
from ovh_invoices_tui.export import export_deposits_csv
from ovh_invoices_tui.state.payments import PaymentFilter, PaymentsStore, Settlement

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.data.cache.db import BillCache


def _add_dates(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="from this date")
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="up to this date")


# --- the profile's cache (as the TUI: deposits, the bills they paid, credit notes never change) --------------


def cached_client(ctx: CliContext, cache: BillCache | None) -> OvhClient:
    """The profile's client; a demo's sandbox keeps the "today" its cache pinned (the same data as cached)."""
    if cache is None or not ctx.profile.demo:
        return ctx.client()
    from ovh_invoices_tui.data.cache.profile import sandbox_now
    from ovh_invoices_tui.data.clients import sandbox_config_for

    return ctx.client(sandbox=dataclasses.replace(sandbox_config_for(ctx.profile), now=sandbox_now(cache)))


async def check_cache_account(ctx: CliContext, client: OvhClient, cache: BillCache | None) -> None:
    """Bind the cache to the account ``/me`` names before anything cached is read; say it once when it changed."""
    if cache is None:
        return
    from ovh_invoices_tui.data.cache.profile import check_account

    await check_account(client, cache, ctx.configured_language)
    for notice in cache.take_notices():  # the change of account, once; a rebuilt cache
        print(f"{PROG}: {notice}", file=ctx.err)


# --- payments show -----------------------------------------------------------------------------------------


def settlement_record(settlement: Settlement, lang: str = "en") -> dict[str, Any]:
    """The JSON form of a payment and what it settled (no url, pdfUrl nor password)."""
    return {
        **deposit_record(settlement.deposit),
        "paidBills": [
            {"billId": b.bill_id, "date": b.date.isoformat(), "priceWithTax": decimal_text(b.price_with_tax)}
            for b in settlement.bills
        ],
        "unreadableBills": list(settlement.missing_bills),
        "invoicesTotal": decimal_text(settlement.invoices_total),
        "difference": decimal_text(settlement.difference),
        "creditNotes": [
            {
                "refundId": r.refund_id,
                "date": r.date.isoformat(),
                "originalBillId": r.original_bill_id,
                "priceWithTax": decimal_text(r.price_with_tax),
            }
            for r in settlement.credit_notes
        ],
        "explanation": settlement.explanation(lang),
    }


def _configure_show(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ref", metavar="REF", help="the payment reference (depositId)")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: table)")


@command("payments", "show", help="one payment: the invoices it paid and the credit notes applied",
         configure=_configure_show)  # fmt: skip
async def payments_show(ctx: CliContext) -> int:
    with profile_cache(ctx) as cache:
        async with cached_client(ctx, cache) as client:
            await check_cache_account(ctx, client, cache)
            deposit, lang = await asyncio.gather(find_deposit(client, ctx.args.ref, cache=cache), ctx.language(client))
            store = PaymentsStore()  # what the cache knows: the credit notes (the paid bills come through it too)
            bills: dict[str, Bill] = {}
            if cache is not None:
                store.add_refunds(await asyncio.to_thread(cache.refunds))
                ids = await paid_bill_ids(client, deposit.deposit_id, store=store, cache=cache)
                bills = await asyncio.to_thread(cache.bills_by_id, ids)
            settlement = await load_settlement(client, deposit, store=store, bill_lookup=bills.get, cache=cache)
    if ctx.args.format == "json":
        write_json(ctx.out, settlement_record(settlement, lang))
        return EXIT_OK
    means = payment_type_label(deposit.payment_type, lang)
    if deposit.payment_info and deposit.payment_info.public_label:
        means = f"{means} ({deposit.payment_info.public_label})"
    write_pairs(
        ctx.out,
        [
            (t("col.reference", lang), deposit.deposit_id),
            (t("col.payment_date", lang), format_date(deposit.date, lang)),
            (t("col.total_amount", lang), format_money(deposit.amount, lang)),
            (t("col.payment_type", lang), means),
            (t("cli.payments.order", lang), deposit.order_id),
        ],
    )
    print(f"\n{t('cli.payments.paid_bills', lang)} ({len(settlement.bills)})", file=ctx.out)
    write_table(
        ctx.out,
        [Column(t("col.reference", lang)), Column(t("col.date", lang)), Column(t("col.amount_ttc", lang), True)],
        [
            [b.bill_id, format_date(b.date, lang), format_money(b.price_with_tax, lang)]
            for b in sorted(settlement.bills, key=lambda b: (b.date, b.bill_id))
        ],
    )
    print(f"\n{t('cli.payments.credit_notes', lang)}", file=ctx.out)
    if not settlement.credit_notes:
        print(f"  {t('cli.payments.none', lang)}", file=ctx.out)
    for note in settlement.credit_notes:
        print(f"  {clean(note.refund_id)}  {format_date(note.date, lang)}  {format_money(note.price_with_tax, lang)}  "
              f"→ {clean(note.original_bill_id or '—')}", file=ctx.out)  # fmt: skip
    for ref in settlement.missing_bills:
        print(f"warning: could not read invoice {clean(ref)}", file=ctx.err)
    lines = settlement.explanation(lang)
    if lines:
        print(file=ctx.out)
        for line in lines:
            print(line, file=ctx.out)
    return EXIT_OK


# --- payments export ---------------------------------------------------------------------------------------


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv", metavar="FILE", type=Path, required=True, help="the payment proofs as CSV")
    _add_dates(parser)
    add_csv_options(
        parser,
        ids_help="only these payments (repeatable)",
        links_help="add URL, PDF URL and password columns (they open the proofs without login)",
    )


async def _deposits(ctx: CliContext, client: Any, store: PaymentsStore, cache: BillCache | None) -> None:
    """The deposits: with a cache, the cached ones and those newer (saved); else (or when the cache has none
    yet and dates are given) those of the dates only, not saved (a partial listing would hide the rest)."""
    date_from, date_to = api_days(ctx.args.date_from, ctx.args.date_to)
    errors: list[Any] = []
    if cache is not None and (cache.newest_deposit_date() is not None or not (date_from or date_to)):
        await refresh_deposits(client, store, cache, errors=errors)
    else:
        async for page in client.iter_deposits(date_from=date_from, date_to=date_to):
            store.add_deposits(page.items)
            errors += page.errors
    for error in errors:
        print(f"warning: skipped an unreadable payment: {clean(error)}", file=ctx.err)


@command("payments", "export", help="export payment proofs (justificatifs de paiement) as CSV",
         configure=_configure_export)  # fmt: skip
async def payments_export(ctx: CliContext) -> int:
    args = ctx.args
    path: Path = args.csv.expanduser()
    problem = destination_problem(path, force=args.force)
    if problem:
        return usage_error(ctx, problem)
    check_writable_folder(path.parent)  # exit 8 before any work
    ids = listed_ids(args.ids)
    store = PaymentsStore()
    with profile_cache(ctx) as cache:
        async with cached_client(ctx, cache) as client:
            await check_cache_account(ctx, client, cache)
            await _deposits(ctx, client, store, cache)
            lang = await ctx.language(client)
            store.set_filter(PaymentFilter(date_from=args.date_from, date_to=args.date_to))
            deposits: list[Deposit] = list(store.view)
            if ids:
                known = {d.deposit_id.casefold(): d for d in deposits}
                unknown = [ref for ref in ids if ref.casefold() not in known]
                if unknown:
                    return usage_error(ctx, f"no payment {', '.join(unknown)} in this account (or outside --from/--to)")
                wanted = {known[ref.casefold()].deposit_id for ref in ids}
                deposits = [d for d in deposits if d.deposit_id in wanted]
            await ensure_paid_bills(client, store, deposits, cache=cache)
    try:
        result = await export_deposits_csv(
            deposits,
            lambda d: store.paid_bills.get(d.deposit_id, ()),
            path,
            lang=lang,
            dialect=args.dialect,
            include_links=args.include_links,
            overwrite=args.force,
        )
    except FileExistsError:
        return usage_error(ctx, f"{path} already exists (use --force to overwrite it)")
    total = " + ".join(format_money(m, lang) for m in PaymentsStore.total_of(deposits)) or "0"
    print(t("cli.payments.exported", lang, count=result.count, path=str(result.path), total=total), file=ctx.out)
    return EXIT_OK


# --- refunds list ------------------------------------------------------------------------------------------

REFUND_KEYS = ("refundId", "date", "originalBillId", "appliedTo", "paymentType", "priceWithTax", "currency")


def refund_record(refund: Refund, store: PaymentsStore) -> dict[str, Any]:
    payment = store.refund_payments.get(refund.refund_id)
    return {
        "refundId": refund.refund_id,
        "date": refund.date.isoformat(),
        "originalBillId": refund.original_bill_id,
        "appliedTo": store.credited_deposit(refund.refund_id),
        "paymentType": payment.payment_type if payment else None,
        "priceWithTax": decimal_text(refund.price_with_tax),
        "currency": refund.price_with_tax.currency,
    }


def _configure_refunds(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser)
    _add_dates(parser)


@command("refunds", "list", help="credit notes (avoirs): the invoice each credits, the payment it reduced",
         configure=_configure_refunds)  # fmt: skip
async def refunds_list(ctx: CliContext) -> int:
    args = ctx.args
    store = PaymentsStore()
    date_from, date_to = api_days(args.date_from, args.date_to)
    async with ctx.client() as client:
        async for page in client.iter_refunds(date_from=date_from, date_to=date_to):
            store.add_refunds(page.items)
        await load_refund_payments(client, store, [r.refund_id for r in store.refunds])
        lang = await ctx.language(client) if args.format == "table" else "en"
    refunds = [r for r in store.refunds if within_days(r.date, args.date_from, args.date_to)]
    records = [refund_record(r, store) for r in refunds]
    if args.format == "json":
        write_json(ctx.out, records)
    elif args.format == "csv":
        write_csv(ctx.out, REFUND_KEYS, records)
    else:

        def applied(record: dict[str, Any]) -> str:
            if record["appliedTo"]:
                return str(record["appliedTo"])
            if record["paymentType"]:
                return t("refunds.paid_back", lang, means=payment_type_label(record["paymentType"], lang))
            return "—"

        columns = [
            Column(t("col.date", lang)),
            Column(t("col.reference", lang)),
            Column(t("col.original_bill", lang)),
            Column(t("cli.refunds.applied_to", lang)),
            Column(t("col.amount_ttc", lang), True),
        ]
        write_table(
            ctx.out,
            columns,
            [
                [format_date(r.date, lang), r.refund_id, r.original_bill_id or "", applied(rec),
                 format_money(r.price_with_tax, lang)]
                for r, rec in zip(refunds, records, strict=True)
            ],
        )  # fmt: skip
    return EXIT_OK


__all__ = ["payments_export", "payments_show", "refunds_list", "settlement_record"]
