"""``ovh-invoices``: the command line. With no command it opens the TUI.

Commands live in ``cli_*.py`` modules and register themselves with :func:`cli_core.command`;
to add one, write it there and import its module in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from ovh_invoices_tui import __version__, debug_log, locations
from ovh_invoices_tui.api.endpoints import UnknownEndpointError
from ovh_invoices_tui.api.errors import (
    ApiError,
    AuthenticationError,
    DocumentError,
    NetworkError,
    OutcomeUnknownError,
    OvhError,
)
from ovh_invoices_tui.cli.core import (
    COMMANDS,
    EXIT_API,
    EXIT_AUTH,
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FILE,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_USAGE,
    GROUP_HELP,
    PROG,
    CliContext,
    Command,
    NotConfiguredError,
    OneLineParser,
    UsageError,
    check_date_order,
    chosen_profile,
    not_configured_hint,
    seconds,
)
from ovh_invoices_tui.config import ConfigError, Profile, Settings, demo_profile, load_settings
from ovh_invoices_tui.core.models import ModelError
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.account_lock import PaymentInProgressError
from ovh_invoices_tui.permissions import check_all

TRACE_LOGGER = debug_log.TRACE_LOGGER  # the final error's traceback, for the debug log file only

# Every command: the module that registers it (imported only when that command runs, so ``--help`` and a
# command that needs neither Textual, the sandbox nor the PDF stack never load them) and its help line.
# tests/test_imports.py checks that this index and the modules' @command registrations agree.
COMMAND_INDEX: dict[tuple[str, ...], tuple[str, str]] = {
    ("accounts",): ("ovh_invoices_tui.cli.accounts", "every configured account: due, overdue, failed payments, new"),
    ("bills", "list"): ("ovh_invoices_tui.cli.billing", "list invoices with their status and balance"),
    ("bills", "show"): ("ovh_invoices_tui.cli.billing", "one invoice: amounts, status, payment and lines"),
    ("bills", "export"): ("ovh_invoices_tui.cli.export",
                          "export invoices: CSV, PDF summary (with the invoices), PDFs in a folder"),
    ("bills", "download"): ("ovh_invoices_tui.cli.export", "save invoices' PDFs (or HTML) as <REF>.pdf"),
    ("balance",): ("ovh_invoices_tui.cli.billing", "what is due on the account (debtAccount)"),
    ("payments", "list"): ("ovh_invoices_tui.cli.billing", "payment tracking: deposits and their means"),
    ("payments", "show"): ("ovh_invoices_tui.cli.payments",
                           "one payment: the invoices it paid and the credit notes applied"),
    ("payments", "export"): ("ovh_invoices_tui.cli.payments",
                             "export payment proofs (justificatifs de paiement) as CSV"),
    ("refunds", "list"): ("ovh_invoices_tui.cli.payments",
                          "credit notes (avoirs): the invoice each credits, the payment it reduced"),
    ("insights",): ("ovh_invoices_tui.cli.insights", "spend per month, category or service (table, json, csv)"),
    ("pay",): ("ovh_invoices_tui.cli.pay", "pay the balance: a regularisation order and its payment link"),
    ("ticket", "cancel-invoice"): ("ovh_invoices_tui.cli.pay", "ask support to cancel an invoice (a ticket)"),
    ("cache", "clear"): ("ovh_invoices_tui.cli.cache",
                         "delete the cached invoices of --profile (or --demo), or of every profile"),
    ("login",): ("ovh_invoices_tui.cli.login", "create a consumer key (least privilege) and save it in a profile"),
    ("sandbox", "serve"): ("ovh_invoices_tui.cli.sandbox", "run the emulated API on http://HOST:PORT/1.0"),
}  # fmt: skip
COMMAND_MODULES = tuple(dict.fromkeys(module for module, _ in COMMAND_INDEX.values()))
# Global options that take a value: their value is not a command word.
_VALUED_OPTIONS = frozenset({"--profile", "--config", "--lang"})


def _load_commands(modules: Sequence[str] = COMMAND_MODULES) -> None:
    for module in modules:
        importlib.import_module(module)


def invoked_path(argv: Sequence[str]) -> tuple[str, ...]:
    """The command words of ``argv`` (``("bills", "list")``), skipping options and their values."""
    words: list[str] = []
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            break
        if token.startswith("-"):
            skip = token in _VALUED_OPTIONS
            continue
        words.append(token)
        if len(words) == 2:
            break
    return tuple(words)


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Options accepted before or after the command (after it, only when given)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument("--profile", metavar="NAME", default=default(None), help="profile of the config")
    group.add_argument("--config", metavar="PATH", default=default(None), help="config file (TOML)")
    group.add_argument("--demo", action="store_true", default=default(False), help="use the in-process sandbox")
    group.add_argument("--readonly", action="store_true", default=default(False), help="never pay nor write")
    group.add_argument("--lang", choices=("en", "fr"), default=default(None), help="display language")
    group.add_argument("--verbose", "-v", action="store_true", default=default(False),
                       help="log each request to stderr")  # fmt: skip
    group.add_argument("--debug", action="store_true", default=default(False), help="debug logs, tracebacks")
    group.add_argument("--no-cache", action="store_true", default=default(False), help="do not use the cache")
    group.add_argument("--timeout", type=seconds, metavar="SECONDS", default=default(None),
                       help="give up on a connection or an answer after this long (default 30)")  # fmt: skip


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser: every command listed, only the invoked one's module imported (all of them without ``argv``)."""
    wanted = invoked_path(argv) if argv is not None else None
    modules = COMMAND_MODULES if wanted is None else tuple(
        dict.fromkeys(module for path, (module, _) in COMMAND_INDEX.items() if path == wanted[: len(path)])
    )
    _load_commands(modules)
    registered = {cmd.path: cmd for cmd in COMMANDS}
    parser = OneLineParser(
        prog=PROG, description="OVHcloud invoices, payments and credit notes, in the terminal."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser, suppress=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction[OneLineParser]] = {}
    for path, (_module, help_text) in COMMAND_INDEX.items():
        parent = subparsers
        if len(path) > 1:
            group = path[0]
            if group not in groups:
                group_parser = subparsers.add_parser(group, help=GROUP_HELP.get(group, group))
                groups[group] = group_parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
                groups[group].required = True
            parent = groups[group]
        sub = parent.add_parser(path[-1], help=help_text, description=help_text)
        _add_global_options(sub, suppress=True)
        cmd = registered.get(path)
        if cmd is not None:
            if cmd.configure is not None:
                cmd.configure(sub)
            sub.set_defaults(command_spec=cmd)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ovh-invoices``; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.debug:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        for handler in logging.getLogger().handlers:  # request lines and tracebacks are printed once on stderr
            if type(handler) is logging.StreamHandler:  # the console, not the debug log file
                handler.addFilter(lambda record: record.name not in (debug_log.REQUESTS_LOGGER, TRACE_LOGGER))
        _enable_debug_log()
    try:
        check_date_order(args)
        settings = load_settings(args.config)
        _private_files_check(settings)
        for profile in settings.profiles.values():
            debug_log.add_profile_secrets(profile)
        spec: Command | None = getattr(args, "command_spec", None)
        if spec is None:
            return launch_tui(args, settings)
        ctx = CliContext(args=args, settings=settings)
        if spec.needs_profile:
            debug_log.add_profile_secrets(ctx.profile)
        result = spec.handler(ctx)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        return int(result)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        return report_error(exc, debug=args.debug)


def _enable_debug_log() -> None:
    """``--debug``: the log file (secrets redacted there and on stderr); a failure is a warning, not an error."""
    try:
        path = debug_log.enable()
    except OSError as exc:
        print(f"{PROG}: warning: cannot write the debug log: {exc}", file=sys.stderr)
    else:
        print(f"{PROG}: debug log: {path}", file=sys.stderr)


def _private_files_check(settings: Settings) -> None:
    """Warn (stderr) when the config (if it holds credentials) or the cache are open to other users."""
    cache_dir = locations.cache_dir()
    holds_secrets = any(p.application_secret or p.consumer_key or p.client_secret for p in settings.profiles.values())
    paths = [settings.path] if holds_secrets else []
    paths += [cache_dir, *(cache_dir.glob("*") if cache_dir.is_dir() else [])]
    for warning in check_all(paths):
        print(f"{PROG}: {warning}", file=sys.stderr)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


async def _awaited(awaitable: object) -> int:
    # A task left failing once the command has failed (gather's other half) goes to the debug log, not stderr.
    asyncio.get_running_loop().set_exception_handler(_quiet_loop_errors)
    return await awaitable  # type: ignore[misc, no-any-return]


def _quiet_loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    logging.getLogger(TRACE_LOGGER).debug("%s", context.get("message"), exc_info=context.get("exception"))


def exit_code(exc: BaseException) -> int:
    """The documented exit code of an error."""
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if isinstance(exc, AuthenticationError | NotConfiguredError):
        return EXIT_AUTH
    if isinstance(exc, NetworkError | OutcomeUnknownError):
        return EXIT_NETWORK
    if isinstance(exc, ApiError | ModelError | DocumentError):
        return EXIT_API
    if isinstance(exc, UnknownEndpointError):
        return EXIT_USAGE
    if isinstance(exc, ConfigError):
        return EXIT_CONFIG
    if isinstance(exc, OSError):
        return EXIT_FILE
    if isinstance(exc, PaymentInProgressError):
        return EXIT_BUSY
    return EXIT_OTHER


def report_error(exc: BaseException, *, debug: bool = False) -> int:
    """One line on stderr (the API's message, HTTP status, query id), a traceback only with --debug."""
    exc = first_error(exc)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
        logging.getLogger(TRACE_LOGGER).error("%s failed", PROG, exc_info=exc)  # the debug log file too
    if isinstance(exc, NotConfiguredError):
        print(clean(exc), file=sys.stderr)
    elif isinstance(exc, OvhError | ConfigError | UnknownEndpointError | PaymentInProgressError | UsageError):
        print(f"{PROG}: error: {clean(exc)}", file=sys.stderr)
    elif isinstance(exc, OSError) and exc.filename:
        print(f"{PROG}: error: {clean(exc.strerror or exc)}: {clean(exc.filename)}", file=sys.stderr)
    elif isinstance(exc, ModelError):
        print(f"{PROG}: error: unexpected answer from the API: {clean(exc)}", file=sys.stderr)
    else:
        hint = "" if debug else " (run with --debug for details)"
        message = " ".join(clean(exc).split()) or type(exc).__name__
        print(f"{PROG}: error: {type(exc).__name__}: {message}{hint}", file=sys.stderr)
    return exit_code(exc)


def first_error(exc: BaseException) -> BaseException:
    """The error to report: inside task groups' exception groups, the first one that is ours, else the first."""
    if not isinstance(exc, BaseExceptionGroup):
        return exc
    leaves = [first_error(inner) for inner in exc.exceptions]
    known = (OvhError, ConfigError, ModelError, UnknownEndpointError, OSError)
    return next((leaf for leaf in leaves if isinstance(leaf, known)), leaves[0])


def launch_tui(args: argparse.Namespace, settings: Settings) -> int:
    """Open the Textual app; with nothing configured, offer the sandbox demo on a terminal."""
    profile = chosen_profile(settings, args)
    if profile is None:
        if not sys.stdin.isatty():
            print(not_configured_hint(settings), file=sys.stderr)
            return EXIT_AUTH
        answer = input("No OVHcloud credentials found. Open the sandbox demo instead? [Y/n] ")
        if answer.strip().lower() not in ("", "y", "yes", "o", "oui"):
            print(not_configured_hint(settings), file=sys.stderr)
            return EXIT_AUTH
        profile = demo_profile()
    debug_log.add_profile_secrets(profile)  # also from ovh.conf / OVH_* (not in settings.profiles)
    from ovh_invoices_tui.launch import run_app

    readonly = bool(args.readonly or settings.readonly or profile.readonly)
    lang = args.lang or profile.language or settings.language
    accounts = overview_profiles(args, settings)
    if accounts:
        profile = accounts[0]
    use_cache = not args.no_cache
    return int(run_app(settings=settings, profile=profile, readonly=readonly, lang=lang, use_cache=use_cache,
                       accounts=accounts))  # fmt: skip


def overview_profiles(args: argparse.Namespace, settings: Settings) -> list[Profile]:
    """The accounts the TUI opens on: every profile when there are several, no ``--profile`` and the config's
    ``default_view`` is "accounts"; none otherwise (the TUI opens the one account)."""
    if args.profile or settings.default_view != "accounts":
        return []
    from ovh_invoices_tui.data.accounts import configured_profiles

    profiles = configured_profiles(settings, demo=args.demo)
    return profiles if len(profiles) > 1 else []
