"""Payment tracking's CSV export: scope (all / view / marked), destination, dialect, links; asks before overwriting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker

from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.models import Deposit
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.payments import ensure_paid_bills
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.export import export_deposits_csv
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.state.payments import deposits_total_text


def default_export_name(nichandle: str | None, day: date) -> str:
    """``ovh-payments-<nichandle>-<yyyy-mm-dd>.csv``."""
    return f"ovh-payments-{clean(nichandle or 'account').replace('/', '-')}-{day.isoformat()}.csv"


class PaymentExportDialog(ReportsWorkerFailures, ModalScreen[Path | None]):
    """Scope (all / view / marked), destination, CSV dialect, links; asks before overwriting a file."""

    CSS_PATH = "payment_export_dialog.tcss"

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="payments.export.cancel", tooltip="Close without exporting")]

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session
        self._export_worker: Worker[None] | None = None

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        app = self.host
        store, lang = self.session.payments, app.lang
        scopes = [
            (t("payments.export.all", lang, count=len(store.deposits)), "all"),
            (t("payments.export.view", lang, count=len(store.view)), "view"),
            (t("payments.export.marked", lang, count=len(store.marked_rows())), "marked"),
        ]
        default_scope = "marked" if store.marked else ("view" if store.filter.is_active else "all")
        nichandle = self.session.store.account.nichandle if self.session.store.account else None
        path = self.session.download_dir / default_export_name(nichandle, clock.today())
        with Vertical():
            yield Label(t("payments.export.title", lang), id="pe-title")
            with Vertical(id="pe-form"):
                with Horizontal():
                    yield Select(scopes, value=default_scope, allow_blank=False, id="pe-scope")
                    yield Select(
                        [("auto", "auto"), ("excel-fr (;)", "excel-fr"), ("rfc4180 (,)", "rfc4180")],
                        value="auto",
                        allow_blank=False,
                        id="pe-dialect",
                    )
                yield Input(str(path), id="pe-path")
                yield Checkbox(t("payments.export.links", lang), id="pe-links")
                with Horizontal():
                    yield Button(t("payments.export.go", lang), variant="primary", id="pe-go")
                    yield Button(t("payments.export.cancel", lang), id="pe-cancel")
            with Vertical(id="pe-confirm"), Horizontal():
                yield Button(t("payments.export.overwrite", lang), variant="warning", id="pe-overwrite")
                yield Button(t("payments.export.keep", lang), id="pe-keep")
            yield Static(id="pe-message")

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast left from before must not cover the buttons (80×24)
        self.query_one("#pe-go", Button).focus()

    def show_failure(self, text: str) -> None:
        """The export failed: say why in place of its progress; the form stays for another try."""
        self._message(t("payments.export.failed", self.host.lang, error=text))

    def _message(self, text: str) -> None:
        self.query_one("#pe-message", Static).update(Text(text))

    def _deposits(self) -> list[Deposit]:
        store = self.session.payments
        scope = self.query_one("#pe-scope", Select).value
        if scope == "marked":
            return store.marked_rows()
        if scope == "view":
            return list(store.view)
        return store.all_sorted()

    @on(Input.Submitted, "#pe-path")
    @on(Button.Pressed, "#pe-go")
    def _go(self) -> None:
        path = Path(self.query_one("#pe-path", Input).value.strip()).expanduser()
        if path.exists() and not path.is_dir():
            self.add_class("-confirm")
            self._message(t("payments.export.exists", self.host.lang, path=str(path)))
            self.query_one("#pe-overwrite", Button).focus()
            return
        self._start(path, overwrite=False)

    @on(Button.Pressed, "#pe-overwrite")
    def _overwrite(self) -> None:
        self._start(Path(self.query_one("#pe-path", Input).value.strip()).expanduser(), overwrite=True)

    @on(Button.Pressed, "#pe-keep")
    def _keep(self) -> None:
        self.remove_class("-confirm")
        self._message("")
        self.query_one("#pe-path", Input).focus()

    @on(Button.Pressed, "#pe-cancel")
    def action_cancel(self) -> None:
        if self.has_class("-confirm"):
            self._keep()
            return
        if self._export_worker is not None and not self._export_worker.is_finished:
            self._export_worker.cancel()
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        if not self.has_class("-confirm"):
            return
        if event.key in ("y", "o"):
            event.stop()
            self._overwrite()
        elif event.key == "n":
            event.stop()
            self._keep()

    def _start(self, path: Path, *, overwrite: bool) -> None:
        self.remove_class("-confirm")
        deposits = self._deposits()
        if not deposits:
            self._message(t("payments.export.nothing", self.host.lang))
            return
        include_links = self.query_one("#pe-links", Checkbox).value
        dialect = str(self.query_one("#pe-dialect", Select).value)
        self._export_worker = self.run_worker(
            self._export(deposits, path, dialect, include_links, overwrite), exclusive=True, exit_on_error=False
        )

    async def _export(
        self, deposits: list[Deposit], path: Path, dialect: str, include_links: bool, overwrite: bool
    ) -> None:
        app = self.host
        lang = app.lang
        store = self.session.payments

        def progress(done: int, total: int) -> None:
            self._message(t("payments.export.fetching", lang, done=done, total=total))

        try:
            await ensure_paid_bills(self.session.client, store, deposits, progress=progress, cache=self.session.cache)
            path.parent.mkdir(parents=True, exist_ok=True)
            result = await export_deposits_csv(
                deposits,
                lambda d: store.paid_bills.get(d.deposit_id, ()),
                path,
                lang=lang,
                dialect=dialect,  # type: ignore[arg-type]
                include_links=include_links,
                overwrite=overwrite,
            )
        except FileExistsError:
            self.add_class("-confirm")
            self._message(t("payments.export.exists", lang, path=str(path)))
            return
        app.notify(
            t(
                "payments.export.done",
                lang,
                count=result.count,
                path=str(result.path),
                total=deposits_total_text(deposits, lang),
            ),
            timeout=8,
        )
        self.dismiss(result.path)
