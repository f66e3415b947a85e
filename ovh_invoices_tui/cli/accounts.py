"""``ovh-invoices accounts``: every configured account at a glance, for people, scripts and monitoring.

Exit status with ``--fail-if-due``: 0 nothing due anywhere, 10 something is due (or overdue, or a payment
failed) on at least one account, 11 at least one account could not be read (takes precedence: a check that
cannot see must not say "all clear").
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from ovh_invoices_tui.cli.core import EXIT_OK, CliContext, add_format_option, command
from ovh_invoices_tui.cli.output import Column, write_csv, write_json, write_table
from ovh_invoices_tui.core.accounts import JSON_KEYS, account_record, due_text, failed_text, overdue_text
from ovh_invoices_tui.core.i18n import format_date, t

EXIT_DUE = 10
EXIT_UNREADABLE = 11


def _configure(parser: argparse.ArgumentParser) -> None:
    add_format_option(parser)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--refresh", action="store_true", default=True, help="ask every account now (default)")
    group.add_argument("--cached", action="store_true", help="only what the caches know (no request)")
    parser.add_argument(
        "--fail-if-due",
        action="store_true",
        help=f"exit {EXIT_DUE} when something is due, {EXIT_UNREADABLE} when an account cannot be read",
    )


def exit_status(states: list[Any]) -> int:
    """11 when an account could not be read, else 10 when one needs attention, else 0."""
    if any(state.problem is not None or state.summary is None for state in states):
        return EXIT_UNREADABLE
    if any(state.summary.needs_attention for state in states):
        return EXIT_DUE
    return EXIT_OK


@command("accounts", help="every configured account: due, overdue, failed payments, new", configure=_configure,
         needs_profile=False)  # fmt: skip
async def accounts(ctx: CliContext) -> int:
    from ovh_invoices_tui.data.accounts import account_sources, cached_summary, configured_profiles, refresh_all

    args = ctx.args
    profiles = configured_profiles(ctx.settings, demo=args.demo)
    if not profiles:
        print("error: no profile configured (ovh-invoices login, or --demo)", file=ctx.err)
        return EXIT_UNREADABLE if args.fail_if_due else 2
    sources = account_sources(profiles, use_cache=not args.no_cache)
    if args.cached:
        states = []
        from ovh_invoices_tui.core.accounts import AccountState, Problem

        for source in sources:
            cache = source.open_cache()
            summary = cached_summary(cache) if cache is not None else None
            if cache is not None:
                cache.close()
            problem = None if summary else Problem("cache", "nothing cached yet (run without --cached)")
            states.append(AccountState(source.profile, source.endpoint, source.readonly, summary, problem,
                                       from_cache=True))  # fmt: skip
    else:
        states = await refresh_all(sources, lambda state: None)
    lang = ctx.configured_language or "en"
    _print(ctx, states, lang)
    return exit_status(states) if args.fail_if_due else EXIT_OK


def _print(ctx: CliContext, states: list[Any], lang: str) -> None:
    records = [account_record(state) for state in states]
    if ctx.args.format == "json":
        write_json(ctx.out, {"generatedAt": datetime.now(UTC).isoformat(), "accounts": records})
        return
    if ctx.args.format == "csv":
        write_csv(ctx.out, JSON_KEYS, records)
        return
    columns = [Column(t(f"accounts.col.{key}", lang), right=key in ("due", "with_balance", "new"))
               for key in ("profile", "nichandle", "due", "with_balance", "overdue", "failed", "last_invoice",
                           "last_payment", "new", "problem")]  # fmt: skip
    rows = []
    for state in states:
        s = state.summary
        profile = state.profile + (f" ({t('accounts.readonly', lang)})" if state.readonly else "")
        rows.append(
            [
                profile,
                (s.nichandle or "") if s else "",
                due_text(state, lang),
                str(s.with_balance) if s else "",
                overdue_text(state, lang),
                failed_text(state, lang),
                format_date(s.last_invoice, lang) if s else "",
                format_date(s.last_payment, lang) if s else "",
                str(s.new_invoices + s.new_payments) if s else "",
                state.problem.text if state.problem else "",
            ]
        )
    write_table(ctx.out, columns, rows)

