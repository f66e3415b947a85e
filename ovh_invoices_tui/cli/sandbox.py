"""``ovh-invoices sandbox serve``: the emulated billing API over HTTP, for curl, python-ovh or a second terminal."""

from __future__ import annotations

import argparse

from ovh_invoices_tui.cli.core import EXIT_OK, EXIT_USAGE, PROG, CliContext, command

PORTS = (1, 65_535)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="1 to 65,535 (default 8080)")
    parser.add_argument("--bills", type=int, default=500, help="number of invoices, 0 to 1,000,000 (default 500)")
    parser.add_argument("--seed", type=int, default=42, help="data seed (same seed, same data)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to each answer, 0 to 60,000")
    parser.add_argument("--jitter-ms", type=int, default=0, help="random extra latency, up to this (0 to 60,000)")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 5xx/429 answers (0..1)")
    parser.add_argument("--no-iceberg", action="store_true", help="ignore the bulk listing headers")
    parser.add_argument("--subsidiary", default="FR", help="OVHcloud subsidiary of the account (FR, CA, US …)")
    parser.add_argument("--accounts", type=int, default=1,
                        help="accounts served, each with its own credentials, 1 to 100 (default 1)")


def range_problem(args: argparse.Namespace) -> str | None:
    """The first option out of its allowed range, said in one line naming the option and the range."""
    from ovh_invoices_tui.sandbox.accounts import MAX_ACCOUNTS
    from ovh_invoices_tui.sandbox.config import LIMITS, MAX_BILLS, out_of_range, range_text
    from ovh_invoices_tui.sandbox.subsidiaries import SUBSIDIARIES

    checks = [("--port", args.port, PORTS), ("--accounts", args.accounts, (1, MAX_ACCOUNTS))] + [
        (f"--{name.replace('_', '-')}", getattr(args, name), LIMITS[name])
        for name in ("bills", "latency_ms", "jitter_ms", "error_rate")
    ]
    for option, value, (low, high) in checks:
        if out_of_range(value, low, high):
            return f"{option} must be {range_text(low, high)}, got {value}"
    if args.bills * args.accounts > MAX_BILLS:
        return f"--bills × --accounts must be at most {MAX_BILLS:,}, got {args.bills * args.accounts:,}"
    if args.subsidiary.upper() not in SUBSIDIARIES:
        return f"--subsidiary must be one of {', '.join(SUBSIDIARIES)}, got {args.subsidiary!r}"
    return None


@command("sandbox", "serve", help="run the emulated API on http://HOST:PORT/1.0",
         configure=_configure, needs_profile=False)  # fmt: skip
def sandbox_serve(ctx: CliContext) -> int:
    from ovh_invoices_tui.sandbox.accounts import serve_accounts
    from ovh_invoices_tui.sandbox.config import SandboxConfig
    from ovh_invoices_tui.sandbox.server import ListenError, serve

    args = ctx.args
    problem = range_problem(args)
    if problem is not None:  # before anything is generated or bound
        print(f"{PROG}: error: {problem}", file=ctx.err)
        return EXIT_USAGE
    config = SandboxConfig(
        bills=args.bills,
        seed=args.seed,
        subsidiary=args.subsidiary.upper(),
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        iceberg=not args.no_iceberg,
        base_url=f"http://{args.host}:{args.port}/1.0",
        accounts=serve_accounts(args.accounts, args.seed, args.bills, args.subsidiary) if args.accounts > 1 else (),
    )
    try:
        serve(args.host, args.port, config)
    except ListenError as exc:
        print(f"{PROG}: error: {exc}", file=ctx.err)
        return EXIT_USAGE
    return EXIT_OK
