"""The ``:`` command line (k9s style): one input at the bottom, Enter runs, Esc cancels; and the same
commands in the palette (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import ModalScreen
from textual.widgets import Input

from ovh_invoices_tui.actions.commands import COMMAND_HELP, COMMANDS, run_command
from ovh_invoices_tui.actions.host import host_of
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures


class CommandLine(ReportsWorkerFailures, ModalScreen[str | None]):
    """Dismisses with the command typed (without the colon), or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="command.cancel", tooltip="Close the command line")]

    CSS_PATH = "command_line.tcss"

    def compose(self) -> ComposeResult:
        yield Input(placeholder=COMMAND_HELP, id="command-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_key(self, event: events.Key) -> None:
        """Keys typed right after ":" can arrive before the input has focus: they still go into it."""
        box = self.query_one(Input)
        if self.focused is not box and event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
            box.focus()
            event.stop()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip().lstrip(":") or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommandProvider(Provider):
    """The palette offers the same commands: ``open FR…``, ``account NAME``, profiles and invoices by name."""

    async def discover(self) -> Hits:
        host = host_of(self)
        for name in host.profile_names:
            yield DiscoveryHit(f"account {name}", partial(run_command, host, f"account {name}"), help="Switch profile")
        yield DiscoveryHit("quit", partial(run_command, host, "q"), help="Quit")

    async def search(self, query: str) -> Hits:
        host = host_of(self)
        matcher = self.matcher(query)
        candidates = [(f"account {name}", "Switch to this profile") for name in host.profile_names]
        candidates += [(f"{c.name}", c.help) for c in COMMANDS.values() if not c.needs_argument]
        candidates += [(f"lang {code}", "Switch the language") for code in ("en", "fr")]
        words = query.split()
        if len(words) == 2 and words[0].lower() in ("open", "o"):
            reference = words[1].upper()
            matches = [r.bill.bill_id for r in host.session.store.view if reference in r.bill.bill_id][:20]
            candidates += [(f"open {ref}", "Open this invoice") for ref in matches]
        for text, help_text in candidates:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(run_command, host, text), help=help_text)
