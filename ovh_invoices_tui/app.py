"""The Textual application: it builds the account session, passes it down to the screens, and opens them.

The App implements :class:`~ovh_invoices_tui.actions.host.ActionHost` (what actions ask of the UI) and
handles the navigation messages screens post (:mod:`ovh_invoices_tui.screens.navigation`).
"""

from __future__ import annotations

import asyncio
import os
import select
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.config import ConfigError, Profile, Settings, resolve_profile
from ovh_invoices_tui.core.accounts import AccountState
from ovh_invoices_tui.core.filters import BillFilter
from ovh_invoices_tui.core.i18n import language_of, t
from ovh_invoices_tui.core.models import Account
from ovh_invoices_tui.core.paying import ActionGuard
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.cache.codec import CorruptRow, from_json
from ovh_invoices_tui.data.cache.db import BillCache

# cache_profile also registers the cache.* labels
from ovh_invoices_tui.data.cache.profile import open_profile_cache, payment_lock
from ovh_invoices_tui.data.clients import make_client
from ovh_invoices_tui.data.invoices import refresh_balance, refresh_with_cache
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.data.workspace import StartedLoad, load_account, profile_client, request_log
from ovh_invoices_tui.debug_log import log_failure
from ovh_invoices_tui.debug_log import tee as also_log_requests
from ovh_invoices_tui.screens.accounts import AccountsScreen
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from ovh_invoices_tui.screens.navigation import OpenActionMenu, OpenDetail
from ovh_invoices_tui.screens.worker_failures import WorkerFailed, describe_failure
from ovh_invoices_tui.state.accounts import AccountsStore
from ovh_invoices_tui.state.invoices import Change, LoadProgress, Store
from ovh_invoices_tui.widgets.binding_labels import localise_bindings

if TYPE_CHECKING:
    from ovh_invoices_tui.export.jobs import ExportKind, Scope

ClientFactory = Callable[..., OvhClient]
TERMINAL_HUNG_UP = 129  # the exit status of a process its terminal's hang-up ended (128 + SIGHUP)


def _command_provider() -> type[Provider]:
    """The command palette's provider, loaded when the palette first opens."""
    from ovh_invoices_tui.screens.command_line import CommandProvider

    return CommandProvider


class OvhInvoicesApp(App[int]):
    """ovh-invoices: every invoice of the account, found, read, paid and exported from the keyboard."""

    TITLE = "ovh-invoices"
    COMMANDS = App.COMMANDS | {_command_provider}
    BINDINGS = [
        Binding("q", "quit", "Quit", show=False, id="app.quit", tooltip="Quit ovh-invoices"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every binding of this screen"),
        Binding(
            "colon",
            "command_line",
            "Command",
            show=False,
            id="app.command",
            tooltip="Command line (:open REF, :q)",
            priority=True,
        ),
        Binding("r", "refresh", "Refresh", show=False, id="app.refresh", tooltip="Re-read balance and statuses"),
        Binding("at", "request_log", "API log", show=False, id="app.requests", tooltip="Recent API calls"),
        Binding("A", "accounts", "Accounts", id="app.accounts", tooltip="Every account at a glance"),
        Binding("escape", "accounts_back", "Accounts", show=False, id="app.accounts_back",
                tooltip="Back to the accounts overview"),
    ]

    def __init__(
        self,
        *,
        settings: Settings,
        profile: Profile,
        readonly: bool = False,
        lang: str | None = None,
        client_factory: ClientFactory = make_client,
        cache: BillCache | None = None,
        accounts: Sequence[Profile] = (),
        started: StartedLoad | None = None,
    ) -> None:
        """``started``: the profile's load, begun before the app (its client and store become the session's)."""
        super().__init__()
        # Several accounts: the overview comes first and the workspace loads the account chosen there.
        self.account_profiles = list(accounts)
        self.accounts_store: AccountsStore | None = None
        self._overview: AccountsScreen | None = None
        self._loaded_profile: str | None = None  # whose invoices the session's store holds
        self.settings = settings
        self.profile = profile
        self.explicit_lang = lang or profile.language or settings.language
        self.lang = language_of(self.explicit_lang) if self.explicit_lang else "en"
        self.client_factory = client_factory
        self._started = started
        self.request_log = started.requests if started is not None else request_log()
        self.session = AccountSession(
            client=started.client if started is not None else self._make_client(profile),
            profile_name=profile.name,
            endpoint_label=_endpoint_label(profile),
            download_dir=settings.download_dir,
            cache=cache,
            demo=profile.demo,
            readonly=readonly or settings.readonly or profile.readonly,
            # One money flow at a time, one POST per flow; one payment at a time across processes of the account.
            guard=ActionGuard(account_lock=payment_lock(profile)),
            store=started.store if started is not None else Store(),
        )
        self.session.store.subscribe(self._account_changed)  # first: the screens then paint in its language

    # --- set-up ---------------------------------------------------------------------------------

    def _make_client(self, profile: Profile) -> OvhClient:
        return profile_client(self.client_factory, profile, self.settings, also_log_requests(self.request_log.append))

    @property
    def profile_names(self) -> Sequence[str]:
        return list(self.settings.profiles)

    @property
    def text_width(self) -> int:
        return max(60, self.size.width - 4)

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        account = self.session.store.account  # already known when the load began before the app
        if self.explicit_lang is None and account is not None:
            self.lang = language_of(account.language)
        elif self.explicit_lang is None and self.session.cache is not None:
            self.lang = self._cached_account_language() or self.lang  # the first paint in the account's language
        self.push_screen(InvoicesScreen(self.session))
        if self.account_profiles:
            self.show_accounts()
        else:
            self._loaded_profile = self.profile.name
            self.load()
        self._watch_terminal()

    def _watch_terminal(self) -> None:
        """Quit once the terminal has hung up (an SSH connection dropped, tmux killed) even if no SIGHUP came,
        as when started by make or nohup: Textual's input thread would read its end of file forever, a core at
        100 % for nobody. Polled each second; polling reads nothing, so no key is lost."""
        stdin = sys.__stdin__
        if self.is_headless or stdin is None or not stdin.isatty():
            return
        poller = select.poll()
        poller.register(stdin.fileno(), 0)  # no event asked: only a hang-up or an error is reported

        def check() -> None:
            if poller.poll(0):
                _leave_the_terminal()
                self.exit(TERMINAL_HUNG_UP)

        self.set_interval(1.0, check, name="terminal hang-up")

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        """Every screen's footer speaks the UI language."""
        result = super().push_screen(*args, **kwargs)
        self.call_after_refresh(self.localise_bindings)
        return result

    def pop_screen(self) -> Any:
        """The screen uncovered speaks it too (the invoice list under the accounts overview was never relabelled)."""
        result = super().pop_screen()
        self.call_after_refresh(self.localise_bindings)
        return result

    def localise_bindings(self) -> None:
        screen = self.screen
        localise_bindings([self, *screen.walk_children(with_self=True)], self.lang)
        screen.refresh_bindings()

    async def on_unmount(self) -> None:
        await self.session.client.aclose()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast shown literally: API text in it (error messages, ids) is never markup nor raw escapes."""
        text = "\n".join(clean(line) for line in str(message).split("\n"))
        super().notify(text, title=clean(title), severity=severity, timeout=timeout, markup=markup)

    def key_for(self, binding_id: str) -> str | None:
        """The key a binding id is bound to now (after the user's key map), for messages like "press $"."""
        remapped = self.settings.keymap.get(binding_id)
        if remapped:
            return remapped.split(",")[0].strip()
        for screen in (self.screen, *self.screen_stack):
            for binding in getattr(screen, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.id == binding_id:
                    return binding.key_display or binding.key
        return None

    # --- loading --------------------------------------------------------------------------------

    @work(exclusive=True, group="load", exit_on_error=False)
    async def load(self) -> None:
        """Load everything of the current profile, page by page, into the store."""
        session = self.session
        store, cache = session.store, session.cache
        started, self._started = self._started, None

        def tell(text: str) -> None:
            self.notify(text, severity="warning")

        try:
            if started is not None and started.task is not None and started.store is store:
                started.tell_to(tell)
                loaded = await started.task  # cancelling this worker cancels it too
            else:
                lang = self.lang if self.explicit_lang else None
                loaded = await load_account(session.client, store, cache, on_notice=tell, lang=lang)
            if loaded is not None and loaded.offline:
                session.readonly = True
                store.set_progress(store.progress)  # repaint the bar with its READ-ONLY badge
                self.notify(t("cache.offline", self.lang, error=loaded.offline), severity="warning", timeout=15)
        except Exception as exc:  # an unreadable answer too: the list must leave "loading…" and say why
            error = describe_failure(exc, self.lang)
            store.set_progress(LoadProgress(store.progress.loaded, store.progress.total, done=True, error=error))
            self.report_failure(exc, "load", template="app.load_failed")
            return
        if self.explicit_lang is None and store.account is not None:
            await self.set_language(language_of(store.account.language))

    def _cached_account_language(self) -> str | None:
        """The language of the account the cache last saw (None: nothing cached, or unreadable)."""
        cache = self.session.cache
        text = cache.meta("account") if cache is not None else None
        if text is None:
            return None
        try:
            account = from_json(Account, text)
        except CorruptRow:
            return None
        return language_of(account.language) if account.language else None

    def _account_changed(self, changes: set[Change]) -> None:
        """Speak the account's language as soon as it is known (unless --lang or the config chose one)."""
        account = self.session.store.account
        if Change.ACCOUNT in changes and account is not None and self.explicit_lang is None:
            self._apply_language(language_of(account.language))

    async def choose_language(self, lang: str) -> None:
        """``:lang``: speak ``lang`` from now on, whatever the account's language."""
        self.explicit_lang = lang
        await self.set_language(lang)

    async def set_language(self, lang: str) -> None:
        """Switch every label to ``lang`` (screens are recomposed, the store is untouched)."""
        self._apply_language(lang)

    def _apply_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        for screen in self.screen_stack:
            if isinstance(screen, InvoicesScreen):
                if screen.is_mounted:
                    screen.apply_language()
                else:  # composing (perhaps in the old language): relabel right after its mount
                    screen.call_later(screen.apply_language)
        self.localise_bindings()

    def refresh_account(self) -> None:
        """Re-read the balance and every invoice's status (``r``; after a payment)."""
        self.action_refresh()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def action_refresh(self) -> None:
        self.notify(t("app.refreshing", self.lang), timeout=2)
        session = self.session
        if session.store.progress.error:  # the first load failed: load again, not just the balance
            session.store.clear()
            self.load()
            return
        if session.cache is None:
            await refresh_balance(session.client, session.store)
        else:
            await refresh_with_cache(session.client, session.store, session.cache)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The App's own workers; the screens' come as :class:`WorkerFailed` (StateChanged does not bubble)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(event.worker.error, f"app/{event.worker.group}")

    @on(WorkerFailed)
    def _screen_worker_failed(self, event: WorkerFailed) -> None:
        self.report_failure(event.error, event.source)

    def report_failure(self, error: BaseException, source: str, *, template: str = "app.error") -> None:
        """The one place where failures surface: a notice (the OVH message, HTTP status, query id) and a line
        with the traceback in the debug log."""
        summary = describe_failure(error, self.lang)
        self.notify(t(template, self.lang, error=summary), severity="error", timeout=15)
        log_failure(source, summary, error)

    def run_io(self, work: Awaitable[Any], *, group: str = "io", exclusive: bool = False) -> Worker[Any]:
        """Run an I/O coroutine in a worker; failures are reported by :meth:`report_failure`."""
        return self.run_worker(work, group=group, exclusive=exclusive, exit_on_error=False)

    # --- navigation -----------------------------------------------------------------------------

    @on(OpenDetail)
    def _open_detail_asked(self, message: OpenDetail) -> None:
        self.open_detail(message.bill_id)

    @on(OpenActionMenu)
    def _open_action_menu_asked(self, message: OpenActionMenu) -> None:
        self.open_action_menu(message.bill_id)

    def open_detail(self, bill_id: str) -> None:
        from ovh_invoices_tui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(self.session, bill_id))

    def open_action_menu(self, bill_id: str) -> None:
        from ovh_invoices_tui.screens import action_menu

        action_menu.open_action_menu(self, bill_id)

    def open_invoice(self, reference: str) -> None:
        """``:open REF``: put the cursor on the invoice (clearing filters that hide it) and open it."""
        ref = reference.strip().upper()
        store = self.session.store
        if store.row(ref) is None:
            self.notify(t("app.unknown_bill", self.lang, ref=ref), severity="warning")
            return
        main = self.main_screen
        while self.screen is not main and len(self.screen_stack) > 1:
            self.pop_screen()
        if not main.jump_to(ref):
            store.set_filter(BillFilter())
            self.notify(t("app.hidden_bill", self.lang, ref=ref))
            main.jump_to(ref)
        self.open_detail(ref)

    def open_pay_dialog(self, bill_id: str | None = None) -> None:
        from ovh_invoices_tui.screens import pay_dialog

        pay_dialog.open_pay_dialog(self, bill_id)

    def open_cancel_dialog(self, bill_id: str) -> None:
        from ovh_invoices_tui.screens import cancel_dialog

        cancel_dialog.open_cancel_dialog(self, bill_id)

    def open_export_dialog(self, scope: Scope, kind: ExportKind) -> None:
        from ovh_invoices_tui.screens import export_dialog

        export_dialog.open_export_dialog(self, scope, kind)

    def open_payments(self) -> None:
        from ovh_invoices_tui.screens import payments

        payments.open_payments(self, self.session)

    def open_refunds(self) -> None:
        from ovh_invoices_tui.screens import refunds

        refunds.open_refunds(self, self.session)

    def open_insights(self, scope: Literal["all", "view"] = "all") -> None:
        from ovh_invoices_tui.screens import insights  # plotext loads with the first chart, not with the app

        insights.open_insights(self, scope)

    def show_document(
        self, title: str, text: str, *, note: str, open_outside: Callable[[], None], copy_link: Callable[[], None]
    ) -> None:
        from ovh_invoices_tui.screens.viewer import DocumentViewer

        self.push_screen(DocumentViewer(title, text, note=note, open_outside=open_outside, copy_link=copy_link))

    @property
    def main_screen(self) -> InvoicesScreen:
        return next(s for s in self.screen_stack if isinstance(s, InvoicesScreen))

    async def switch_profile(self, name: str) -> None:
        """``:account NAME``: another profile, a fresh store, a new load."""
        self._leave_account()
        try:
            known = {p.name: p for p in self.account_profiles}
            profile = known.get(name) or resolve_profile(self.settings, name, demo=False)
        except ConfigError as exc:
            self.notify(str(exc), severity="error")
            return
        if profile is None:
            self.notify(t("app.no_credentials", self.lang, name=name), severity="error")
            return
        session, old = self.session, self.session.client
        self.profile = profile
        # The screens hold this session: from now on it speaks for the new account.
        session.profile_name, session.endpoint_label = profile.name, _endpoint_label(profile)
        session.demo = profile.demo
        session.readonly = session.readonly or profile.readonly
        session.client = self._make_client(profile)
        session.guard.account_lock = payment_lock(profile)  # a flow under way keeps (and frees) its own
        await old.aclose()
        if session.cache is not None:  # never one account's invoices in another's cache
            session.cache.close()
            session.cache = open_profile_cache(profile)
        session.store.clear()
        session.payments.clear()
        self._loaded_profile = profile.name
        if self.explicit_lang is None:  # speak the account's language from this notice on, when the cache knows it
            self._apply_language(self._cached_account_language() or self.lang)
        self.notify(t("app.switched", self.lang, name=name))
        self.load()

    # --- the accounts overview ---------------------------------------------------------------------

    def show_accounts(self) -> None:
        """The overview of every configured account (kept: its cursor, sort and filter survive a visit)."""
        if not self.account_profiles:
            self.notify(t("app.no_accounts", self.lang), severity="warning")
            return
        self._leave_account()
        if self._overview is None:
            store = AccountsStore()
            store.put_rows(
                AccountState(p.name, "sandbox" if p.demo else p.endpoint, p.readonly) for p in self.account_profiles
            )
            self.accounts_store = store
            self._overview = AccountsScreen(
                store, self._refresh_accounts, lang=self.lang, export_folder=self.settings.download_dir
            )
            # Installed, it survives being popped: cursor, sort, filter and marks are there when the user is back.
            self.install_screen(self._overview, name="accounts")
        elif self._overview not in self.screen_stack:
            self._overview.action_refresh()  # back from an account: what was paid there shows at once
        if self._overview not in self.screen_stack:
            self.push_screen("accounts")

    async def _refresh_accounts(self, on_update: Callable[[AccountState], None]) -> object:
        """Every account at once (8 requests in flight in all), each row as soon as its account answers."""
        from ovh_invoices_tui.data.accounts import AccountSource, refresh_all

        def client_for(profile: Profile) -> Callable[[asyncio.Semaphore], OvhClient]:
            return lambda limiter: self.client_factory(profile, limiter=limiter)

        def cache_for(profile: Profile) -> Callable[[], BillCache | None]:
            if self.session.cache is None:  # --no-cache: the overview reads nothing from disk either
                return lambda: None
            return lambda: open_profile_cache(profile)

        sources = [
            AccountSource(p.name, "sandbox" if p.demo else p.endpoint, p.readonly, client_for(p), cache_for(p))
            for p in self.account_profiles
        ]
        return await refresh_all(sources, on_update)

    @on(AccountsScreen.Open)
    async def _open_account(self, event: AccountsScreen.Open) -> None:
        """Open the chosen account's workspace: its invoices replace the previous ones before anything shows."""
        if event.profile != self._loaded_profile:
            await self.switch_profile(event.profile)
        if self._overview is not None and self.screen is self._overview:
            self.pop_screen()

    def action_accounts(self) -> None:
        """``A`` / ``:accounts`` / Esc on the invoice list: back to the overview (this account is marked seen)."""
        self.show_accounts()

    def _leave_account(self) -> None:
        """Leaving an account: what it showed is now "seen" (new flags are kept until the user really left)."""
        session = self.session
        if self._loaded_profile is None or session.cache is None or not session.store.progress.done:
            return
        from ovh_invoices_tui.data.accounts import mark_seen

        newest_bill = max((row.bill.date for row in session.store.rows), default=None)
        newest_payment = max((d.date for d in session.payments.deposits), default=None)
        mark_seen(session.cache, newest_bill, newest_payment)

    # --- help, command line, palette ------------------------------------------------------------

    def action_request_log(self) -> None:
        from ovh_invoices_tui.screens.request_log import RequestLogScreen

        if not isinstance(self.screen, RequestLogScreen):
            self.push_screen(RequestLogScreen(self.request_log))

    def action_help(self) -> None:
        from ovh_invoices_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accounts", "accounts_back"):
            # Only with several accounts, and Esc only from the invoice list (elsewhere it closes what is open).
            return bool(self.account_profiles) and (action == "accounts" or isinstance(self.screen, InvoicesScreen))
        # ":" is a priority key (what is typed right after it must reach the command line) but types in inputs.
        return not (action == "command_line" and isinstance(self.focused, Input))

    def action_accounts_back(self) -> None:
        self.show_accounts()

    def action_command_line(self) -> None:
        from ovh_invoices_tui.actions.commands import run_command
        from ovh_invoices_tui.screens.command_line import CommandLine

        def submitted(command: str | None) -> None:
            if command:
                # Started from the App's queue: started here, the worker would run in the closing command
                # line's context, and a screen it opens (":open") would be tied to that dead screen.
                self.call_later(self.run_worker, run_command(self, command), exit_on_error=False)

        self.push_screen(CommandLine(), submitted)

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh", "Re-read the balance and every invoice's status", self.action_refresh)


def _leave_the_terminal() -> None:
    """The terminal is gone: what the app still writes or reads goes to /dev/null, so that quitting (restoring a
    terminal nobody sees, closing the caches) is not stuck on it; and should quitting hang all the same, the
    process ends a few seconds later anyway."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    # Textual's output thread may have died on the closed terminal already, leaving the exit blocked on its queue.
    watchdog = threading.Timer(5.0, os._exit, (TERMINAL_HUNG_UP,))
    watchdog.daemon = True  # it never delays an exit that completes
    watchdog.start()


def _endpoint_label(profile: Profile) -> str:
    return "sandbox" if profile.demo else profile.endpoint
