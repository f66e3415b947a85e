"""Commands that act on the account: ``pay`` and ``ticket cancel-invoice``. Refused in read-only mode.

Each shows exactly what it will send, asks on the terminal unless ``--yes``, then sends one POST, never
retried. ``pay`` prints the payment link on stdout: that is its point (the link stays out of logs).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from ovh_invoices_tui.actions.money import pay, send_ticket
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.api.errors import OutcomeUnknownError
from ovh_invoices_tui.cli.core import (
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_OTHER,
    GROUP_HELP,
    PROG,
    CliContext,
    command,
    usage_error,
)
from ovh_invoices_tui.cli.output import Column, write_pairs, write_table
from ovh_invoices_tui.core.cancellation import Reason, build_ticket, message_problem
from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.models import BillRow, Debt
from ovh_invoices_tui.core.paying import Outcome, PayPlan, expiry_text, plan_bill, plan_due
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.cache.profile import payment_lock

GROUP_HELP.setdefault("ticket", "support tickets (cancellation requests)")

READONLY_MESSAGE = "read-only mode ({what} is disabled by --readonly, the config or the profile)"
YES_WORDS = ("y", "yes", "o", "oui")


def _refuse_readonly(ctx: CliContext, what: str) -> int:
    return usage_error(ctx, READONLY_MESSAGE.format(what=what))


def _confirm(ctx: CliContext, question: str) -> int | None:
    """None when confirmed; otherwise the exit code (not a terminal: usage; declined: 1)."""
    if ctx.args.yes:
        return None
    if not sys.stdin.isatty():
        return usage_error(ctx, "confirmation needed: run it on a terminal, or add --yes")
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in YES_WORDS:
        return None
    print("Cancelled: nothing was sent.", file=ctx.err)
    return EXIT_OTHER


# --- pay -------------------------------------------------------------------------------------------


def _configure_pay(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bill", metavar="REF", help="pay only this invoice's balance (default: everything due)")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")


async def plan_everything(client: OvhClient) -> PayPlan:
    """Everything due: the debts with a due amount joined to their bills, and the account balance."""

    async def with_bill(debt: Debt) -> BillRow | None:
        async for page in client.iter_bills(order_id=debt.order_id):
            for bill in page.items:
                return BillRow(bill, debt)
        return None

    debts: list[Debt] = []
    async for page in client.iter_debts():
        debts.extend(d for d in page.items if d.due_amount.ucents > 0)
    balance, rows = await asyncio.gather(client.debt_account(), asyncio.gather(*(with_bill(d) for d in debts)))
    found = [row for row in rows if row is not None]
    return plan_due(found, balance.due_amount, balance.due_amount.currency)


async def plan_one(client: OvhClient, ref: str) -> PayPlan:
    bill, debt = await asyncio.gather(client.bill(ref), client.bill_debt(ref))
    return plan_bill(BillRow(bill, debt))


def _print_plan(ctx: CliContext, plan: PayPlan, lang: str) -> None:
    out = ctx.out
    what = f"the balance of invoice {clean(plan.bill_id)}" if plan.bill_id else "everything due"
    print(f"To pay ({what}): {format_money(plan.total, lang)}", file=out)
    columns = [
        Column(t("pay.col.ref", lang)),
        Column(t("pay.col.date", lang)),
        Column(t("pay.col.balance", lang), True),
    ]
    cells = [[r.bill.bill_id, format_date(r.bill.date, lang), format_money(r.balance, lang)] for r in plan.rows]
    write_table(out, columns, cells)
    if plan.listed_total is not None:
        print(
            f"These invoices add up to {format_money(plan.listed_total, lang)}; "
            f"the order is for the account balance, {format_money(plan.total, lang)}.",
            file=out,
        )
    print("A regularisation order valid for one hour will be created; nothing is charged until it is paid.", file=out)


@command("pay", help="pay the balance: a regularisation order and its payment link", configure=_configure_pay)
async def pay_command(ctx: CliContext) -> int:
    if ctx.readonly:
        return _refuse_readonly(ctx, "paying")
    lock = payment_lock(ctx.profile)
    # From the balance read to the POST's answer: a second `pay` of this account stops here (exit 6).
    with lock.hold() if lock is not None else contextlib.nullcontext():
        return await _pay_locked(ctx)


async def _pay_locked(ctx: CliContext) -> int:
    async with ctx.client() as client:
        plan, lang = await asyncio.gather(
            plan_one(client, ctx.args.bill) if ctx.args.bill else plan_everything(client), ctx.language(client)
        )
        if plan.is_empty:
            target = f" on {clean(plan.bill_id)}" if plan.bill_id else ""
            print(f"Nothing to pay{target}.", file=ctx.out)
            return EXIT_OK
        _print_plan(ctx, plan, lang)
        refused = _confirm(ctx, f"Create the regularisation order for {format_money(plan.total, lang)}?")
        if refused is not None:
            return refused
        result = await pay(client, plan)  # the one POST; never retried, never resent
    if result.outcome is Outcome.NOTHING:
        print("Nothing to pay: OVHcloud says nothing is due now.", file=ctx.out)
        return EXIT_OK
    if result.outcome is Outcome.UNKNOWN:
        print(
            f"{PROG}: error: the payment request got no usable answer: {result.error}\n"
            "A regularisation order may or may not have been created; it was NOT sent again.\n"
            f"Check before paying again: `{PROG} balance`, and the Orders of the OVHcloud control panel.",
            file=ctx.err,
        )
        return EXIT_NETWORK
    if result.outcome is Outcome.ERROR and result.exception is not None:
        raise result.exception  # reported with its exit code (not granted: 3, API: 4 …)
    order = result.order
    assert order is not None
    write_pairs(
        ctx.out,
        [
            ("Order", order.order_id),
            ("Amount", format_money(order.price_with_tax, lang)),
            ("Expires", f"{expiry_text(order.expiration_date, lang)} (valid one hour)"),
            ("Payment URL", order.url),
        ],
    )
    print("The payment URL opens the payment page without login: do not share it.", file=ctx.err)
    return EXIT_OK


# --- ticket cancel-invoice -------------------------------------------------------------------------


def _configure_cancel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ref", metavar="REF", help="the invoice reference (billId), e.g. FR12345678")
    parser.add_argument(
        "--reason", required=True, choices=[r.value for r in Reason], help="why the invoice should be cancelled"
    )
    parser.add_argument("--message", default="", metavar="TEXT", help="your message to support")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")


@command("ticket", "cancel-invoice", help="ask support to cancel an invoice (a ticket)", configure=_configure_cancel)
async def cancel_invoice(ctx: CliContext) -> int:
    if ctx.readonly:
        return _refuse_readonly(ctx, "requesting a cancellation")
    args = ctx.args
    reason = Reason(args.reason)
    async with ctx.client() as client:
        bill, account = await asyncio.gather(client.bill(args.ref), client.me())
        from ovh_invoices_tui.core.i18n import language_of

        lang = ctx.configured_language or language_of(account.language)
        problem = message_problem(reason, args.message, lang)
        if problem is not None:
            return usage_error(ctx, f"{problem} (--message)")
        draft = build_ticket(bill, reason, args.message, lang, nichandle=account.nichandle)
        print(f"Subject: {draft.subject}\n\n{draft.body}\n", file=ctx.out)
        refused = _confirm(ctx, f"Create this support ticket about {draft.bill_id}?")
        if refused is not None:
            return refused
        try:
            ticket = await send_ticket(client, draft)  # the one POST; never retried
        except OutcomeUnknownError as exc:
            print(
                f"{PROG}: error: the ticket request was sent but no answer came ({exc}).\n"
                "The ticket may or may not exist; it was NOT sent again. Check your support tickets first.",
                file=ctx.err,
            )
            return EXIT_NETWORK
    print(f"Ticket {clean(ticket.ticket_number)} created (ticket id {clean(ticket.ticket_id)})", file=ctx.out)
    if ticket.additional_notice:
        print(clean(ticket.additional_notice), file=ctx.out)
    return EXIT_OK
