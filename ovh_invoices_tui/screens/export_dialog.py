"""The export dialog: what will be exported, the format options, the destination, then progress.

Three phases on one modal: the form (Tab between fields, Enter on Export starts), a confirmation when
the destination already exists (``y`` overwrite, ``n``/Esc back), and the running export with a
progress bar (Esc cancels: the library then leaves no file). It dismisses with an :class:`ExportOutcome`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, RadioButton, RadioSet, Static
from textual.worker import Worker

from ovh_invoices_tui.actions.host import ActionHost
from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import t
from ovh_invoices_tui.core.models import BillRow
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.export.results import BundleResult, ExportAborted, ExportResult

if TYPE_CHECKING:  # type names only: the PDF stack loads when an export starts, not with the app
    from ovh_invoices_tui.export.csv_export import DialectName
    from ovh_invoices_tui.export.pdf_bundle import OnFailure
from ovh_invoices_tui.export.jobs import (
    ExportKind,
    ExportOptions,
    PdfMode,
    Scope,
    default_name,
    describe_scope,
    document_fetcher,
    existing_targets,
    outcome_message,
    rows_in_scope,
    rows_total_text,
    run_export,
    with_kind_suffix,
)
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.wrapped_text import KeyHint

# The confirm step's keys, per language (the button labels show them).
_OVERWRITE_KEYS = {"y", "o"}
_KEEP_KEYS = {"k", "g"}
_BACK_KEYS = {"n"}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What the dialog exports: a snapshot of the rows, worded for the user and the PDF summary."""

    scope: Scope
    kind: ExportKind
    rows: list[BillRow]
    scope_text: str
    account: str
    download_dir: Path
    total_text: str


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """How the dialog ended: a result, a stop at the first failure, or a cancellation."""

    options: ExportOptions
    result: ExportResult | BundleResult | None = None
    aborted: ExportAborted | None = None
    cancelled: bool = False


class ExportDialog(ReportsWorkerFailures, ModalScreen[ExportOutcome | None]):
    """Options and destination of a bulk export, its confirmation and its progress."""

    BINDINGS = [Binding("escape", "escape", "Close", id="export.close", tooltip="Close, go back, or cancel")]

    CSS_PATH = "export_dialog.tcss"

    def __init__(self, request: ExportRequest, client: OvhClient, *, lang: str = "en") -> None:
        super().__init__()
        self.request = request
        self.client = client  # downloads the PDFs
        self.lang = lang
        self._options: ExportOptions | None = None
        self._worker: Worker[None] | None = None

    # --- composition ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        request, lang = self.request, self.lang
        title = t(f"export.dialog.title.{request.scope.value}.{request.kind}", lang)
        summary = Text(t("export.dialog.summary", lang, count=len(request.rows), total=request.total_text))
        summary.append("\n" + t("export.dialog.scope", lang, scope=clean(request.scope_text)), style="dim")
        with Vertical(id="export-box"):
            yield Label(Text(title), id="export-title")
            yield Static(summary, id="export-summary")
            with Vertical(id="export-form"):
                yield from self._compose_options()
                path = Input(self._default_path(), id="export-path")
                path.border_title = t("export.dialog.path_file", lang)
                yield path
                yield Static("", id="export-message")
                with Horizontal(id="export-buttons"):
                    yield Button(t("export.dialog.export", lang), variant="primary", id="export-go")
                    yield Button(t("export.dialog.cancel", lang), id="export-cancel")
            with Vertical(id="export-confirm"):
                yield Static("", id="confirm-text")
                with Horizontal():
                    yield Button(t("export.dialog.overwrite", lang), variant="warning", id="confirm-overwrite")
                    yield Button(t("export.dialog.keep", lang), id="confirm-keep")
                    yield Button(t("export.dialog.back", lang), id="confirm-back")
            with Vertical(id="export-progress"):
                yield Label("", id="progress-label")
                yield ProgressBar(total=None, show_eta=False, id="progress-bar")
                yield Static(t("export.dialog.esc_cancels", lang))
            yield KeyHint(t("export.dialog.hint", lang), id="export-hint")

    def _compose_options(self) -> ComposeResult:
        lang = self.lang
        if self.request.kind == "csv":
            auto_name = "excel-fr ;" if lang == "fr" else "rfc4180 ,"
            dialects = RadioSet(
                RadioButton(t("export.dialog.dialect_auto", lang, name=auto_name), value=True, id="dialect-auto"),
                RadioButton("excel-fr ;", id="dialect-excel-fr"),
                RadioButton("rfc4180 ,", id="dialect-rfc4180"),
                id="dialect",
                classes="-horizontal",
            )
            dialects.border_title = t("export.dialog.dialect", lang)
            yield dialects
            yield Checkbox(t("export.dialog.links", lang), False, id="links")
            yield Static(t("export.dialog.links_warning", lang), id="links-warning")
            return
        modes = RadioSet(
            RadioButton(t("export.dialog.pdf_summary", lang), value=True, id="mode-summary"),
            RadioButton(t("export.dialog.pdf_bundle", lang), id="mode-bundle"),
            RadioButton(t("export.dialog.pdf_folder", lang), id="mode-folder"),
            id="pdf-mode",
        )
        modes.border_title = t("export.dialog.pdf_mode", lang)
        yield modes
        failure = RadioSet(
            RadioButton(t("export.dialog.skip", lang), value=True, id="failure-skip"),
            RadioButton(t("export.dialog.stop", lang), id="failure-stop"),
            id="on-failure",
            classes="-horizontal -hidden",
        )
        failure.border_title = t("export.dialog.on_failure", lang)
        yield failure

    def _default_path(self) -> str:
        name = default_name(self.request.account, self.request.kind, day=clock.today())
        return str(self.request.download_dir / name)

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast left from before must not cover the buttons (80×24)
        self.query_one("#export-go", Button).focus()

    # --- reading the form -------------------------------------------------------------------------

    def _radio(self, radio_id: str, prefix: str, default: str) -> str:
        pressed = self.query_one(f"#{radio_id}", RadioSet).pressed_button
        return pressed.id.removeprefix(prefix) if pressed is not None and pressed.id else default

    def _pdf_mode(self) -> PdfMode:
        if self.request.kind != "pdf":
            return PdfMode.SUMMARY
        return PdfMode(self._radio("pdf-mode", "mode-", PdfMode.SUMMARY.value))

    def _read_options(self) -> ExportOptions:
        """The options typed so far; ``ValueError`` with a message for the user when the path is unusable."""
        request, lang = self.request, self.lang
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            raise ValueError(t("export.dialog.no_path", lang))
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = request.download_dir / path
        mode = self._pdf_mode()
        if path.parent == request.download_dir:
            request.download_dir.mkdir(parents=True, exist_ok=True)
        if not path.parent.is_dir():
            raise ValueError(t("export.dialog.no_folder", lang, folder=str(path.parent)))
        folder = request.kind == "pdf" and mode is PdfMode.FOLDER
        if folder and path.exists() and not path.is_dir():
            raise ValueError(t("export.dialog.not_folder", lang, path=str(path)))
        if not folder and path.is_dir():
            raise ValueError(t("export.dialog.is_folder", lang, path=str(path)))
        if request.kind == "csv":
            dialect = cast("DialectName", self._radio("dialect", "dialect-", "auto"))
            links = self.query_one("#links", Checkbox).value
            return ExportOptions("csv", path, dialect=dialect, include_links=links)
        on_failure = cast("OnFailure", self._radio("on-failure", "failure-", "skip"))
        return ExportOptions("pdf", path, pdf_mode=mode, on_failure=on_failure)

    @on(RadioSet.Changed, "#pdf-mode")
    def _mode_changed(self) -> None:
        mode = self._pdf_mode()
        self.query_one("#on-failure").set_class(mode is PdfMode.SUMMARY, "-hidden")
        path = self.query_one("#export-path", Input)
        path.value = with_kind_suffix(path.value, "pdf", mode)
        key = "export.dialog.path_folder" if mode is PdfMode.FOLDER else "export.dialog.path_file"
        path.border_title = t(key, self.lang)

    # --- phases -----------------------------------------------------------------------------------

    def _phase(self, name: str) -> None:
        self.set_class(name == "confirm", "-confirm")
        self.set_class(name == "running", "-running")

    def _message(self, text: str) -> None:
        message = self.query_one("#export-message", Static)
        message.update(Text(text))
        message.display = bool(text)

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted, "#export-path")
    def _export_pressed(self) -> None:
        self._submit()

    @on(Button.Pressed, "#export-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm-overwrite")
    def _overwrite_pressed(self) -> None:
        self._confirmed(overwrite=True)

    @on(Button.Pressed, "#confirm-keep")
    def _keep_pressed(self) -> None:
        self._confirmed(overwrite=False)

    @on(Button.Pressed, "#confirm-back")
    def _back_pressed(self) -> None:
        self._back_to_form()

    def _submit(self) -> None:
        if self.has_class("-confirm") or self.has_class("-running"):
            return
        try:
            options = self._read_options()
        except ValueError as exc:
            self._message(str(exc))
            return
        self._message("")
        self._options = options
        existing = existing_targets(options, self.request.rows)
        if existing:
            self._ask_overwrite(options, len(existing))
            return
        self._start(options)

    def _ask_overwrite(self, options: ExportOptions, count: int) -> None:
        if options.to_folder:
            text = t("export.dialog.exists_folder", self.lang, count=count, path=str(options.path))
        else:
            text = t("export.dialog.exists", self.lang, path=str(options.path))
        self.query_one("#confirm-text", Static).update(Text(text))
        self.query_one("#confirm-keep", Button).display = options.to_folder
        self._phase("confirm")
        self.query_one("#confirm-back", Button).focus()  # the safe answer is the default

    def _confirmed(self, *, overwrite: bool) -> None:
        if self._options is None or not self.has_class("-confirm"):
            return
        self._start(replace(self._options, overwrite=overwrite))

    def _back_to_form(self) -> None:
        self._phase("form")
        self.query_one("#export-path", Input).focus()

    def _start(self, options: ExportOptions) -> None:
        self._options = options
        label = self.query_one("#progress-label", Label)
        bar = self.query_one("#progress-bar", ProgressBar)
        if options.downloads:
            label.update(t("export.dialog.downloading", self.lang, done=0, total=len(self.request.rows)))
            bar.update(total=max(1, len(self.request.rows)), progress=0)
        else:
            label.update(Text(t("export.dialog.writing", self.lang, path=str(options.path))))
            bar.update(total=None)
        self._phase("running")
        self.set_focus(None)  # a hidden, focused Export button must not take a second Enter
        self._worker = self.run_worker(self._run(options), group="export", exclusive=True, exit_on_error=False)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#progress-label", Label).update(
            t("export.dialog.downloading", self.lang, done=done, total=total)
        )
        self.query_one("#progress-bar", ProgressBar).update(total=total, progress=done)

    async def _run(self, options: ExportOptions) -> None:
        """The export itself (in a worker); a failure is shown by :meth:`show_failure` and reported by the App."""
        request = self.request
        try:
            result = await run_export(
                request.rows,
                options,
                fetch_pdf=document_fetcher(self.client, self.lang),
                lang=self.lang,
                account=request.account,
                scope=request.scope_text,
                progress=self._progress,
            )
        except ExportAborted as exc:
            self.dismiss(ExportOutcome(options, aborted=exc))
        except FileExistsError:  # appeared since the check (another export?)
            self._ask_overwrite(options, 1)
        else:
            self.dismiss(ExportOutcome(options, result=result))

    # --- keys -------------------------------------------------------------------------------------

    def show_failure(self, text: str) -> None:
        """Disk full, permissions …: back to the form with the reason, so the user can change the path."""
        self._phase("form")
        self._message(t("export.dialog.failed", self.lang, error=text))
        self.query_one("#export-path", Input).focus()

    def action_escape(self) -> None:
        if self.has_class("-running"):
            if self._worker is not None:
                self._worker.cancel()  # the writers leave no file when cancelled
            assert self._options is not None
            self.dismiss(ExportOutcome(self._options, cancelled=True))
        elif self.has_class("-confirm"):
            self._back_to_form()
        else:
            self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        if not self.has_class("-confirm") or self._options is None:
            return
        if event.character in _OVERWRITE_KEYS:
            event.stop()
            self._confirmed(overwrite=True)
        elif event.character in _KEEP_KEYS and self._options.to_folder:
            event.stop()
            self._confirmed(overwrite=False)
        elif event.character in _BACK_KEYS:
            event.stop()
            self._back_to_form()


# --- opening it from the app ------------------------------------------------------------------------


def open_export_dialog(host: ActionHost, scope: Scope, kind: ExportKind) -> None:
    """Snapshot the rows of ``scope``, show the dialog, and report the outcome when it closes."""
    store, lang = host.session.store, host.lang
    rows = rows_in_scope(store, scope)
    request = ExportRequest(
        scope=scope,
        kind=kind,
        rows=rows,
        scope_text=describe_scope(scope, len(rows), filter_text=store.filter.describe(lang), lang=lang),
        account=store.account.nichandle if store.account else host.session.profile_name,
        download_dir=host.session.download_dir,
        total_text=rows_total_text(rows, lang, currency=store.currency),
    )

    def closed(outcome: ExportOutcome | None) -> None:
        if outcome is not None:
            report_outcome(host, outcome)

    host.push_screen(ExportDialog(request, host.session.client, lang=lang), closed)


def report_outcome(host: ActionHost, outcome: ExportOutcome) -> None:
    """A notification with path, count and total; the list of failures in a modal when there are any."""
    from ovh_invoices_tui.screens.export_result import ExportFailures

    lang, options = host.lang, outcome.options
    if outcome.cancelled:
        if options.to_folder:
            host.notify(t("export.cancelled_folder", lang, path=str(options.path)), severity="warning")
        else:
            host.notify(t("export.cancelled", lang), severity="warning")
        return
    if outcome.aborted is not None:
        message = t("export.aborted", lang, path=str(options.path))
        host.notify(message, severity="error", timeout=10)
        host.push_screen(ExportFailures(message, outcome.aborted.failures, lang=lang))
        return
    result = outcome.result
    if result is None:
        return
    message = outcome_message(result, lang)
    failures = result.failures if isinstance(result, BundleResult) else ()
    host.notify(message, severity="warning" if failures else "information", timeout=12)
    if failures:
        host.push_screen(ExportFailures(message, failures, lang=lang))
