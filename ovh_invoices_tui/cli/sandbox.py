"""``ovh-invoices sandbox serve``: the emulated billing API over HTTP, for curl, python-ovh or a second terminal."""

from __future__ import annotations

import argparse

from ovh_invoices_tui.cli.core import EXIT_OK, CliContext, command


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bills", type=int, default=500, help="number of invoices (default 500)")
    parser.add_argument("--seed", type=int, default=42, help="data seed (same seed, same data)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to each answer")
    parser.add_argument("--jitter-ms", type=int, default=0, help="random extra latency, up to this")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 5xx/429 answers (0..1)")
    parser.add_argument("--no-iceberg", action="store_true", help="ignore the bulk listing headers")
    parser.add_argument("--subsidiary", default="FR", help="OVHcloud subsidiary of the account (FR, CA, US …)")


@command("sandbox", "serve", help="run the emulated API on http://HOST:PORT/1.0",
         configure=_configure, needs_profile=False)  # fmt: skip
def sandbox_serve(ctx: CliContext) -> int:
    from ovh_invoices_tui.sandbox.config import SandboxConfig
    from ovh_invoices_tui.sandbox.server import serve

    args = ctx.args
    config = SandboxConfig(
        bills=args.bills,
        seed=args.seed,
        subsidiary=args.subsidiary.upper(),
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        error_rate=args.error_rate,
        iceberg=not args.no_iceberg,
        base_url=f"http://{args.host}:{args.port}/1.0",
    )
    serve(args.host, args.port, config)
    return EXIT_OK
