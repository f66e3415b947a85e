"""Commands shared by the ``:`` command line and the command palette (ctrl+p)."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

COMMAND_HELP = ":open REF · :account PROFILE · :filter TEXT · :sort COLUMN · :lang en|fr · :q"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    run: Callable[[OvhInvoicesApp, list[str]], Awaitable[Any] | Any]
    needs_argument: bool = False


def _open(app: OvhInvoicesApp, args: list[str]) -> None:
    app.open_invoice(args[0])


async def _account(app: OvhInvoicesApp, args: list[str]) -> None:
    await app.switch_profile(args[0])


def _quit(app: OvhInvoicesApp, args: list[str]) -> None:
    app.exit(0)


def _filter(app: OvhInvoicesApp, args: list[str]) -> None:
    app.store.set_filter(app.store.filter.with_quick(" ".join(args)))


def _sort(app: OvhInvoicesApp, args: list[str]) -> None:
    from ovh_invoices_tui.store import SORT_COLUMNS

    column = args[0].lower()
    if column not in SORT_COLUMNS:
        app.notify(f"Unknown column {column!r}; one of: {', '.join(SORT_COLUMNS)}", severity="warning")
        return
    app.store.toggle_sort(column)


def _payments(app: OvhInvoicesApp, args: list[str]) -> None:
    from ovh_invoices_tui.screens.payments import open_payments

    open_payments(app)


def _refunds(app: OvhInvoicesApp, args: list[str]) -> None:
    from ovh_invoices_tui.screens.payments import open_refunds

    open_refunds(app)


async def _lang(app: OvhInvoicesApp, args: list[str]) -> None:
    from ovh_invoices_tui.i18n import LANGUAGES

    if args[0] not in LANGUAGES:
        app.notify(f"Unknown language {args[0]!r}; one of: {', '.join(LANGUAGES)}", severity="warning")
        return
    app.explicit_lang = args[0]
    await app.set_language(args[0])


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command("open", "Jump to an invoice by reference and open it", _open, needs_argument=True),
        Command("account", "Switch to another profile of the config", _account, needs_argument=True),
        Command("filter", "Quick filter on reference, order number and services", _filter),
        Command("sort", "Sort by a column (again: reverse)", _sort, needs_argument=True),
        Command("lang", "Switch the language (en, fr)", _lang, needs_argument=True),
        Command("payments", "Payment tracking: every payment and the invoices it paid", _payments),
        Command("refunds", "Credit notes (avoirs) and what they were applied to", _refunds),
        Command("q", "Quit", _quit),
        Command("quit", "Quit", _quit),
    )
}
ALIASES = {"o": "open", "a": "account", "f": "filter", "profile": "account"}


async def run_command(app: OvhInvoicesApp, line: str) -> None:
    """Parse and run one command line; unknown commands and missing arguments are reported, not raised."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        app.notify(f"Cannot read the command: {exc}", severity="error")
        return
    if not words:
        return
    name = ALIASES.get(words[0].lower(), words[0].lower())
    command = COMMANDS.get(name)
    if command is None:
        app.notify(f"Unknown command :{words[0]} — {COMMAND_HELP}", severity="warning", timeout=8)
        return
    if command.needs_argument and len(words) < 2:
        app.notify(f":{name} needs an argument — {command.help}", severity="warning")
        return
    result = command.run(app, words[1:])
    if isinstance(result, Awaitable):
        await result


class CommandProvider(Provider):
    """The palette offers the same commands: ``open FR…``, ``account NAME``, profiles and invoices by name."""

    async def discover(self) -> Hits:
        app = cast("OvhInvoicesApp", self.app)
        for name in app.settings.profiles:
            yield DiscoveryHit(f"account {name}", partial(run_command, app, f"account {name}"), help="Switch profile")
        yield DiscoveryHit("quit", partial(run_command, app, "q"), help="Quit")

    async def search(self, query: str) -> Hits:
        app = cast("OvhInvoicesApp", self.app)
        matcher = self.matcher(query)
        candidates = [(f"account {name}", "Switch to this profile") for name in app.settings.profiles]
        candidates += [(f"{c.name}", c.help) for c in COMMANDS.values() if not c.needs_argument]
        candidates += [(f"lang {code}", "Switch the language") for code in ("en", "fr")]
        words = query.split()
        if len(words) == 2 and words[0].lower() in ("open", "o"):
            reference = words[1].upper()
            matches = [r.bill.bill_id for r in app.store.view if reference in r.bill.bill_id][:20]
            candidates += [(f"open {ref}", "Open this invoice") for ref in matches]
        for text, help_text in candidates:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(run_command, app, text), help=help_text)
