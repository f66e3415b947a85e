"""Commands shared by the ``:`` command line and the command palette (ctrl+p), without widgets."""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.core.i18n import LANGUAGES, t
from ovh_invoices_tui.state.invoices import SORT_COLUMNS, toggle_new

COMMAND_HELP = ":open REF · :account PROFILE · :filter TEXT · :sort COLUMN · :lang en|fr · :q"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    run: Callable[[ActionHost, list[str]], Awaitable[Any] | Any]
    needs_argument: bool = False


def _open(host: ActionHost, args: list[str]) -> None:
    host.open_invoice(args[0])


async def _account(host: ActionHost, args: list[str]) -> None:
    await host.switch_profile(args[0])


def _quit(host: ActionHost, args: list[str]) -> None:
    host.exit(0)


def _filter(host: ActionHost, args: list[str]) -> None:
    host.session.store.set_filter(host.session.store.filter.with_quick(" ".join(args)))


def _normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space: ``Montant_TTC`` → ``montant ttc``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def match_sort_column(text: str) -> list[str]:
    """The sort columns ``text`` names: an id or a column label in any language, whole, a word or a prefix.

    ``montant_ttc``, ``TTC``, ``solde``, ``Date d'émission``, ``ref`` … The first rule that matches wins;
    more than one column means ``text`` is ambiguous (``montant``).
    """
    wanted = _normalise(text)
    if not wanted:
        return []
    names = {column: {_normalise(column), *(_normalise(t(f"col.{column}", lang)) for lang in LANGUAGES)}
             for column in SORT_COLUMNS}  # fmt: skip
    rules: list[Callable[[str], bool]] = [
        lambda name: name == wanted,
        lambda name: wanted in name.split(),
        lambda name: name.startswith(wanted),
        lambda name: any(word.startswith(wanted) for word in name.split()),
    ]
    for rule in rules:
        found = [column for column in SORT_COLUMNS if any(rule(name) for name in names[column])]
        if found:
            return found
    return []


def _sort(host: ActionHost, args: list[str]) -> None:
    text = " ".join(args)
    found = match_sort_column(text)
    if len(found) == 1:
        host.session.store.toggle_sort(found[0])
        return
    if found:
        columns = ", ".join(t(f"col.{column}", host.lang) for column in found)
        host.notify(t("command.ambiguous_column", host.lang, column=text, columns=columns), severity="warning")
        return
    columns = ", ".join(SORT_COLUMNS if host.lang == "en" else (t(f"col.{c}", host.lang) for c in SORT_COLUMNS))
    host.notify(t("command.unknown_column", host.lang, column=text, columns=columns), severity="warning")


def _payments(host: ActionHost, args: list[str]) -> None:
    host.open_payments()


def _insights(host: ActionHost, args: list[str]) -> None:
    host.open_insights("view" if args[:1] == ["view"] else "all")


def _new(host: ActionHost, args: list[str]) -> None:
    toggle_new(host.session.store)


def _accounts(host: ActionHost, args: list[str]) -> None:
    host.show_accounts()


def _refunds(host: ActionHost, args: list[str]) -> None:
    host.open_refunds()


async def _lang(host: ActionHost, args: list[str]) -> None:
    if args[0] not in LANGUAGES:
        languages = ", ".join(LANGUAGES)
        host.notify(t("command.unknown_language", host.lang, language=args[0], languages=languages), severity="warning")
        return
    await host.choose_language(args[0])


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
        Command("accounts", "Every configured account at a glance (due, overdue, failed payments, new)", _accounts),
        Command("new", "Only the invoices that arrived since the last visit (again: all)", _new),
        Command("insights", "Spend per month, category and service (view: only the list's filter)", _insights),
        Command("q", "Quit", _quit),
        Command("quit", "Quit", _quit),
    )
}
ALIASES = {"o": "open", "a": "account", "f": "filter", "profile": "account"}


def command_help(command: Command, lang: str) -> str:
    """What a command does, in ``lang`` (English is the help declared with it)."""
    key = f"command.help.{command.name}"
    return t(key, lang) if lang != "en" and t(key, lang) != key else command.help


async def run_command(host: ActionHost, line: str) -> None:
    """Parse and run one command line; unknown commands and missing arguments are reported, not raised."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        host.notify(t("command.unreadable", host.lang, error=exc), severity="error")
        return
    if not words:
        return
    name = ALIASES.get(words[0].lower(), words[0].lower())
    command = COMMANDS.get(name)
    if command is None:
        host.notify(t("command.unknown", host.lang, name=words[0], help=COMMAND_HELP), severity="warning", timeout=8)
        return
    if command.needs_argument and len(words) < 2:
        host.notify(t("command.needs_argument", host.lang, name=name, help=command_help(command, host.lang)),
                   severity="warning")  # fmt: skip
        return
    result = command.run(host, words[1:])
    if isinstance(result, Awaitable):
        await result
