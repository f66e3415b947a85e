"""The CLI's plumbing: the command registry, the run context, exit codes, shared options.

A command is a function decorated with :func:`command`; importing its module registers it::

    @command("refunds", "list", help="List credit notes", configure=add_list_options)
    async def refunds_list(ctx: CliContext) -> int: ...
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ovh_invoices_tui import debug_log
from ovh_invoices_tui.api.errors import OvhError
from ovh_invoices_tui.config import Profile, Settings, resolve_profile, timeout_problem

if TYPE_CHECKING:
    from ovh_invoices_tui.api.client import OvhClient
    from ovh_invoices_tui.api.session import RequestLog
    from ovh_invoices_tui.data.cache.db import BillCache

PROG = "ovh-invoices"

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_AUTH = 3  # authentication, not granted, no credentials configured
EXIT_API = 4
EXIT_NETWORK = 5  # unreachable, timed out, or the outcome of a POST unknown
EXIT_BUSY = 6  # a payment of this account is already in progress (another process or window)
EXIT_CONFIG = 7  # a config file, ovh.conf, OVH_* variable or endpoint that cannot be used; an unsafe config folder
EXIT_FILE = 8  # a file or folder that cannot be written (permissions, read-only, disk full)
EXIT_INTERRUPTED = 130

Handler = Callable[["CliContext"], int | Awaitable[int]]
Configure = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class Command:
    """``path`` is the words typed (``("bills", "list")``); ``needs_profile`` resolves credentials first."""

    path: tuple[str, ...]
    help: str
    handler: Handler
    configure: Configure | None = None
    needs_profile: bool = True


COMMANDS: list[Command] = []
GROUP_HELP: dict[str, str] = {
    "bills": "invoices (factures)",
    "payments": "payment tracking (suivi des paiements)",
    "sandbox": "the local emulated API",
    "refunds": "credit notes (avoirs)",
    "ticket": "support tickets",
    "cache": "the local cache",
}


def command(
    *path: str, help: str, configure: Configure | None = None, needs_profile: bool = True
) -> Callable[[Handler], Handler]:
    """Register a sub-command handler (sync or async, returns the exit code)."""

    def register(handler: Handler) -> Handler:
        COMMANDS.append(Command(tuple(path), help, handler, configure, needs_profile))
        return handler

    return register


class UsageError(Exception):
    """A bad value or combination of options, said in one line (exit 2)."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad option is one line on stderr (the usage is in ``--help``), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


class NotConfiguredError(Exception):
    """No credentials anywhere: the message says how to log in or try the sandbox."""


def not_configured_hint(settings: Settings) -> str:
    return (
        f"No OVHcloud credentials found (no profile in {settings.path}, no ovh.conf, no OVH_* variables).\n"
        f"  Log in:            {PROG} login --endpoint ovh-eu\n"
        f"  Or try the demo:   {PROG} --demo   (an in-process sandbox with generated invoices)"
    )


@dataclass
class CliContext:
    """What a command needs: parsed arguments, settings, the profile, output streams."""

    args: argparse.Namespace
    settings: Settings
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _profile: Profile | None = None

    @property
    def profile(self) -> Profile:
        """The resolved profile; raises NotConfiguredError when nothing is configured."""
        if self._profile is None:
            self._profile = chosen_profile(self.settings, self.args)
            if self._profile is None:
                raise NotConfiguredError(not_configured_hint(self.settings))
        return self._profile

    def maybe_profile(self) -> Profile | None:
        try:
            return self.profile
        except NotConfiguredError:
            return None

    @property
    def readonly(self) -> bool:
        profile = self.maybe_profile()
        return bool(self.args.readonly or self.settings.readonly or (profile and profile.readonly))

    @property
    def configured_language(self) -> str | None:
        """``--lang``, else the profile's, else the settings'; None: take the account's."""
        profile = self._profile
        return self.args.lang or (profile.language if profile else None) or self.settings.language

    async def language(self, client: OvhClient) -> str:
        """The display language, asking the account (``/me``) when none is configured."""
        configured = self.configured_language
        if configured:
            return configured
        from ovh_invoices_tui.core.i18n import language_of

        try:
            return language_of((await client.me()).language)
        except (OvhError, ValueError):
            return "en"

    @property
    def timeout(self) -> float | None:
        """``--timeout``, else the config's ``timeout``; None: the client's default."""
        return self.args.timeout or self.settings.timeout

    def client_options(self) -> dict[str, Any]:
        """The timeout, and with ``--verbose`` the request log and the "still waiting" notice."""
        options: dict[str, Any] = {}
        if self.timeout is not None:
            options["timeout"] = self.timeout
        if self.args.verbose or self.args.debug:
            options.update(on_request=self.log_request, on_wait=self.log_wait)
        return options

    def client(self, **options: Any) -> OvhClient:
        """A client of the profile, logging requests to stderr with ``--verbose``."""
        from ovh_invoices_tui.data.clients import make_client

        return make_client(self.profile, **{**self.client_options(), **options})

    def log_wait(self, what: str, waited: float, timeout: float) -> None:
        print(f"… waiting for {what}: no answer after {waited:.0f} s (gives up after {timeout:g} s)", file=self.err)

    def log_request(self, entry: RequestLog) -> None:
        status = entry.status if entry.status is not None else "---"
        query_id = f" {entry.query_id}" if entry.query_id else ""
        print(f"{entry.method} {entry.path} {status} {entry.duration_ms:.0f} ms{query_id}", file=self.err)
        debug_log.log_request(entry)


# --- shared options --------------------------------------------------------------------------------


FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(9998, 12, 31)  # a day either side stays a valid date


def iso_date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"date out of range ({FIRST_DATE} to {LAST_DATE}): {text!r}")
    return day


def chosen_profile(settings: Settings, args: argparse.Namespace) -> Profile | None:
    """``--profile`` (or the default one) as :func:`resolve_profile` finds it; with ``--demo``, a name of the demo
    accounts' overview (``demo-bikes`` …) is that account, as in the app."""
    if args.demo and args.profile and args.profile not in settings.profiles:
        from ovh_invoices_tui.data.accounts import demo_account_profiles

        found = next((p for p in demo_account_profiles() if p.name == args.profile), None)
        if found is not None:
            return found
    return resolve_profile(settings, args.profile, demo=args.demo)


def api_days(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """The API's ``date.from`` and ``date.to`` for the days ``start`` to ``end``, widened by a day either side.

    The API compares instants, the user means days as the list shows them, in the object's own offset: a bill of
    1 June at 00:55 in Paris is 31 May at 22:55 UTC. :func:`within_days` then keeps the exact days.
    """
    first = datetime.combine(start - timedelta(days=1), time.min) if start else None
    last = datetime.combine(end + timedelta(days=1), time.max.replace(microsecond=0)) if end else None
    return first, last


def within_days(moment: datetime, start: date | None, end: date | None) -> bool:
    """``moment`` falls on one of the days ``start`` to ``end`` (either open), in its own offset."""
    day = moment.date()
    return (start is None or day >= start) and (end is None or day <= end)


def check_date_order(args: argparse.Namespace) -> None:
    """One rule for every command with ``--from`` and ``--to``: an empty range is a mistake, not a result."""
    start, end = getattr(args, "date_from", None), getattr(args, "date_to", None)
    if start is not None and end is not None and start > end:
        raise UsageError(f"--from {start} is after --to {end}")


MAX_FILTER_TEXT = 200


def filter_text(text: str) -> str:
    """A text filter (``--ref``): printable, at most :data:`MAX_FILTER_TEXT` characters."""
    if not text.isprintable():
        raise argparse.ArgumentTypeError(f"control characters in {text!r:.60}")
    if len(text) > MAX_FILTER_TEXT:
        raise argparse.ArgumentTypeError(f"longer than {MAX_FILTER_TEXT} characters")
    return text


def order_id(text: str) -> int:
    """An order number: a positive integer the API can hold (64 bits)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an order number: {text!r:.40}") from None
    if not 0 < value < 2**63:
        raise argparse.ArgumentTypeError(f"not an order number (1 and more): {text!r:.40}")
    return value


def seconds(text: str) -> float:
    """``--timeout``: seconds, more than 0 and at most an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r:.40}") from None
    problem = timeout_problem(value) if math.isfinite(value) else f"expected a finite number, got {text!r:.40}"
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return value


def check_writable_folder(folder: Path) -> None:
    """``PermissionError`` (exit 8) when files cannot be created in ``folder``, before any work."""
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(13, "cannot write in this folder", str(folder))


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format (default: table)"
    )


def add_list_options(parser: argparse.ArgumentParser) -> None:
    """``--format`` and the filters shared by the list commands."""
    add_format_option(parser)
    parser.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE", help="from this date")
    parser.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="up to this date")
    parser.add_argument("--status", choices=("paid", "unpaid", "overdue", "all"), default="all",
                        help="default: all (overdue: something due past its due date)")  # fmt: skip
    parser.add_argument(
        "--ref", type=filter_text, metavar="SUBSTR", help="reference contains SUBSTR (case-insensitive)"
    )
    parser.add_argument("--order", type=order_id, metavar="ID", help="this order number only")



_SEPARATORS = re.compile(r"[,\s]+")


def usage_error(ctx: CliContext, message: str) -> int:
    """Say what is wrong with the command line in one line; the usage exit status."""
    print(f"{PROG}: error: {message}", file=ctx.err)
    return EXIT_USAGE


def listed_ids(chunks: list[str]) -> list[str]:
    """``--ids A,B --ids "C D"`` → ``["A", "B", "C", "D"]`` (order kept, repeats dropped)."""
    return list(dict.fromkeys(part for chunk in chunks for part in _SEPARATORS.split(chunk) if part))


def add_csv_options(parser: argparse.ArgumentParser, *, ids_help: str, links_help: str) -> None:
    """``--ids``, ``--dialect``, ``--include-links`` and ``--force`` of the export commands."""
    parser.add_argument("--ids", metavar="REF,REF…", action="append", default=[], help=ids_help)
    parser.add_argument(
        "--dialect", choices=("auto", "excel-fr", "rfc4180"), default="auto",
        help="CSV layout: excel-fr (;), rfc4180 (,), auto = excel-fr in French (default)",
    )  # fmt: skip
    parser.add_argument("--include-links", action="store_true", help=links_help)
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")


def destination_problem(path: Path, *, force: bool) -> str | None:
    """Why an export cannot write ``path`` (one line, said before anything is loaded), or None."""
    from ovh_invoices_tui.export.atomic import check_destination  # the writers' package loads PDF libraries

    try:
        check_destination(path, overwrite=force)
    except FileExistsError:
        return f"{path} already exists (use --force to overwrite it)"
    except OSError as exc:  # no such folder; a folder, device, FIFO or socket in the way
        return str(exc)
    return None


@contextlib.contextmanager
def profile_cache(ctx: CliContext) -> Iterator[BillCache | None]:
    """The profile's cache, None with ``--no-cache`` or when it cannot be opened (the command goes on)."""
    if getattr(ctx.args, "no_cache", False):
        yield None
        return
    from ovh_invoices_tui.data.cache.profile import open_profile_cache

    cache = open_profile_cache(ctx.profile)
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()
