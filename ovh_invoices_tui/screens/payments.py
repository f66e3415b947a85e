"""Payment tracking ("Suivi des paiements"): every payment (deposit), filters, sort, marks, CSV export.

Opened with ``p`` on the invoice list or ``:payments``. Deposits and credit notes load in an app worker the first
time (kept in ``app.payments``); how many invoices each payment settled is fetched in a screen worker, visible
rows first, and shows "…" until known.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static
from textual.worker import Worker

from ovh_invoices_tui.core.filters import FilterInputError, parse_date_range
from ovh_invoices_tui.core.i18n import format_count, format_money, payment_type_label, register, t, t_count
from ovh_invoices_tui.core.models import Deposit, Money
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.payments import ensure_paid_bills, fill_paid_counts, load_payments
from ovh_invoices_tui.export import export_deposits_csv
from ovh_invoices_tui.screens.payment_detail import open_payment_detail, view_deposit_html, view_deposit_pdf
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.state.listing import Sort
from ovh_invoices_tui.state.payments import (
    PAYMENT_SORT_COLUMNS,
    LoadState,
    PaymentChange,
    PaymentFilter,
    PaymentsStore,
    parse_amount,
)
from ovh_invoices_tui.widgets.payment_table import PaymentTable

if TYPE_CHECKING:
    from ovh_invoices_tui.app import OvhInvoicesApp

register(
    {
        "payments.title": {"en": "Payment tracking", "fr": "Suivi des paiements"},
        "payments.count": {"en": "{count} payments", "fr": "{count} paiements"},
        "payments.count.one": {"en": "{count} payment", "fr": "{count} paiement"},
        "payments.loading": {
            "en": "loading {deposits}{total} payments, {refunds} credit notes…",
            "fr": "chargement {deposits}{total} paiements, {refunds} avoirs…",
        },
        "payments.load_failed": {"en": "Loading payments failed: {error}", "fr": "Échec du chargement : {error}"},
        "payments.empty": {"en": "No payment matches the filter", "fr": "Aucun paiement ne correspond au filtre"},
        "payments.empty_loading": {"en": "Loading payments…", "fr": "Chargement des paiements…"},
        "payments.total": {"en": "total", "fr": "total"},
        "payments.marked": {"en": "{count} marked", "fr": "{count} cochés"},
        "payments.marked.one": {"en": "{count} marked", "fr": "{count} coché"},
        "payments.counts_pending": {"en": "counting invoices {known}/{total}", "fr": "factures {known}/{total}"},
        "payments.filter": {"en": "Filter", "fr": "Filtre"},
        "payments.no_row": {"en": "No payment under the cursor", "fr": "Aucun paiement sous le curseur"},
        "payments.f.reference": {"en": "Reference", "fr": "Référence"},
        "payments.f.date": {"en": "Date: 2024-03, a..b", "fr": "Date : 2024-03, a..b"},
        "payments.f.min": {"en": "Min", "fr": "Min"},
        "payments.f.max": {"en": "Max", "fr": "Max"},
        "payments.f.all_types": {"en": "All methods", "fr": "Tous moyens"},
        "payments.export.title": {
            "en": "Export payment proofs as CSV",
            "fr": "Exporter les justificatifs de paiement en CSV",
        },
        "payments.export.all": {"en": "All ({count})", "fr": "Tous ({count})"},
        "payments.export.view": {"en": "The view ({count})", "fr": "La vue ({count})"},
        "payments.export.marked": {"en": "Marked ({count})", "fr": "Cochés ({count})"},
        "payments.export.links": {
            "en": "Include document links (they open the proofs without login)",
            "fr": "Inclure les liens (ils ouvrent les justificatifs sans connexion)",
        },
        "payments.export.go": {"en": "Export", "fr": "Exporter"},
        "payments.export.cancel": {"en": "Cancel", "fr": "Annuler"},
        "payments.export.exists": {
            "en": "{path} already exists. Overwrite it? (y / n)",
            "fr": "{path} existe déjà. L'écraser ? (o / n)",
        },
        "payments.export.overwrite": {"en": "y Overwrite", "fr": "o Écraser"},
        "payments.export.keep": {"en": "n Keep it", "fr": "n Garder"},
        "payments.export.fetching": {
            "en": "Reading the invoices paid: {done}/{total}…",
            "fr": "Lecture des factures réglées : {done}/{total}…",
        },
        "payments.export.nothing": {"en": "Nothing to export", "fr": "Rien à exporter"},
        "payments.export.done": {
            "en": "Exported {count} payments to {path} (total {total})",
            "fr": "{count} paiements exportés dans {path} (total {total})",
        },
        "payments.export.failed": {"en": "Export failed: {error}", "fr": "Échec de l'export : {error}"},
    }
)


# --- loading ------------------------------------------------------------------------------------------------


def ensure_payments_loaded(app: OvhInvoicesApp) -> None:
    """Start loading deposits and credit notes (an app worker) unless loaded or loading already."""
    store = app.payments
    if store.state is not LoadState.IDLE:
        return
    store.begin_loading()

    # An app worker (the list outlives this screen): its failure is reported by the App; the store's progress
    # carries the error to the header and the table.
    app.run_worker(load_payments(app.client, store, app.cache), group="payments-load", exclusive=True,
                   exit_on_error=False)  # fmt: skip


def open_payments(app: OvhInvoicesApp) -> None:
    """Show payment tracking: back to it if it is open under the current screen, else push it."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, PaymentsScreen):
            while app.screen is not screen:
                app.pop_screen()
            return
    app.push_screen(PaymentsScreen())


def open_refunds(app: OvhInvoicesApp) -> None:
    from ovh_invoices_tui.screens.refunds import RefundsScreen

    if isinstance(app.screen, RefundsScreen):
        return
    app.push_screen(RefundsScreen())


def default_export_name(nichandle: str | None, day: date) -> str:
    """``ovh-payments-<nichandle>-<yyyy-mm-dd>.csv``."""
    return f"ovh-payments-{clean(nichandle or 'account').replace('/', '-')}-{day.isoformat()}.csv"


def _totals(deposits: list[Deposit], lang: str) -> str:
    """The exact sum of the amounts, one per currency."""
    sums = PaymentsStore.total_of(deposits) or [Money.zero()]
    return " + ".join(format_money(money, lang) for money in sums)


# --- filter bar ---------------------------------------------------------------------------------------------


class PaymentFilterBar(Horizontal):
    """Reference, a date range, an amount range and a payment type; posts :class:`Changed` with the filter."""

    DEFAULT_CSS = """
    PaymentFilterBar { height: auto; display: none; background: $boost; }
    PaymentFilterBar Input { width: 1fr; }
    PaymentFilterBar #pf-date { width: 2fr; }
    PaymentFilterBar #pf-min, PaymentFilterBar #pf-max { width: 11; }
    PaymentFilterBar Select { width: 22; }
    PaymentFilterBar Input.-invalid { border: tall $error; }
    """

    class Changed(Message):
        def __init__(self, new_filter: PaymentFilter) -> None:
            super().__init__()
            self.filter = new_filter

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.current = PaymentFilter()

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Input(placeholder=t("payments.f.reference", lang), id="pf-reference")
        yield Input(placeholder=t("payments.f.date", lang), id="pf-date")
        yield Input(placeholder=t("payments.f.min", lang), id="pf-min", restrict=r"[0-9.,\s]*")
        yield Input(placeholder=t("payments.f.max", lang), id="pf-max", restrict=r"[0-9.,\s]*")
        yield Select[str]([], prompt=t("payments.f.all_types", lang), id="pf-type")

    def set_types(self, types: list[str]) -> None:
        """The payment types offered (those present in the data)."""
        select: Select[str] = self.query_one("#pf-type", Select)
        options = [(payment_type_label(kind, self.lang), kind) for kind in types]
        if [value for _, value in options] == getattr(self, "_types", None):
            return
        self._types = [value for _, value in options]
        with self.prevent(Select.Changed):
            select.set_options(options)
            if self.current.payment_type in self._types:
                select.value = self.current.payment_type

    def show_filter(self, current: PaymentFilter) -> None:
        self.current = current
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#pf-reference", Input).value = current.reference
            start = current.date_from.isoformat() if current.date_from else ""
            end = current.date_to.isoformat() if current.date_to else ""
            self.query_one("#pf-date", Input).value = "" if not (start or end) else f"{start}..{end}"
            self.query_one("#pf-min", Input).value = "" if current.amount_min is None else str(current.amount_min)
            self.query_one("#pf-max", Input).value = "" if current.amount_max is None else str(current.amount_max)
            select: Select[str] = self.query_one("#pf-type", Select)
            if current.payment_type:
                select.value = current.payment_type
            else:
                select.clear()
        for field in self.query(Input):
            field.remove_class("-invalid")

    @on(Input.Changed, "#pf-reference")
    def _reference(self, event: Input.Changed) -> None:
        self._apply(replace(self.current, reference=event.value.strip()))

    @on(Input.Changed, "#pf-min")
    @on(Input.Changed, "#pf-max")
    def _amount(self, event: Input.Changed) -> None:
        try:
            value = parse_amount(event.value)
        except ValueError:
            event.input.add_class("-invalid")
            return
        event.input.remove_class("-invalid")
        if event.input.id == "pf-min":
            self._apply(replace(self.current, amount_min=value))
        else:
            self._apply(replace(self.current, amount_max=value))

    @on(Input.Changed, "#pf-date")
    def _date_typed(self, event: Input.Changed) -> None:
        self._parse_date(event.input)

    @on(Input.Submitted, "#pf-date")
    @on(Input.Blurred, "#pf-date")
    def _date_entered(self, event: Input.Submitted | Input.Blurred) -> None:
        parsed = self._parse_date(event.input)
        if parsed is not None:
            self._apply(replace(self.current, date_from=parsed[0], date_to=parsed[1]))

    def _parse_date(self, field: Input) -> tuple[date | None, date | None] | None:
        try:
            parsed = parse_date_range(field.value)
        except FilterInputError:
            field.add_class("-invalid")
            return None
        field.remove_class("-invalid")
        return parsed

    @on(Select.Changed, "#pf-type")
    def _type(self, event: Select.Changed) -> None:
        value = event.value if isinstance(event.value, str) else ""
        self._apply(replace(self.current, payment_type=value))

    def _apply(self, new_filter: PaymentFilter) -> None:
        if new_filter != self.current:
            self.current = new_filter
            self.post_message(self.Changed(new_filter))


# --- the screen -----------------------------------------------------------------------------------------------


class PaymentsScreen(ReportsWorkerFailures, Screen[None]):
    """Every payment of the account: Référence, Date de paiement, Montant total, Moyen de paiement, Factures."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="payments.back", tooltip="Leave the filters, or back to the invoices"),
        Binding("space", "toggle_mark", "Mark", show=False, id="payments.mark",
                tooltip="Mark or unmark the payment, move down"),
        Binding("a", "mark_all", "All", show=False, id="payments.mark_all", tooltip="Mark every payment of the view"),
        Binding("i", "invert_marks", "Invert", show=False, id="payments.invert", tooltip="Invert marks in the view"),
        Binding("u", "clear_marks", "Unmark", show=False, id="payments.unmark_all", tooltip="Clear every mark"),
        Binding("f", "toggle_filters", "Filters", id="payments.filters", tooltip="Date, amount, payment method",
                priority=True),
        Binding("x", "clear_filters", "Clear", show=False, id="payments.clear_filters", tooltip="Clear every filter"),
        Binding("c", "refunds", "Credit notes", id="payments.refunds", tooltip="Credit notes (avoirs)"),
        Binding("e", "export", "Export CSV", id="payments.export", tooltip="Export payment proofs as CSV"),
        Binding("w", "view_html", "HTML", show=False, id="payments.html", tooltip="View the payment proof (HTML)"),
        Binding("d", "view_pdf", "PDF", show=False, id="payments.pdf", tooltip="View the payment proof (PDF)"),
        Binding("s", "cycle_sort", "Sort", show=False, id="payments.sort", tooltip="Sort by the next column"),
        Binding("S", "reverse_sort", "Reverse", show=False, id="payments.sort_reverse", tooltip="Reverse the sort"),
        *(
            Binding(str(n + 1), f"sort('{column}')", f"Sort {column}", show=False, id=f"payments.sort_{column}",
                    tooltip=f"Sort by {column} (again: reverse)")
            for n, column in enumerate(PAYMENT_SORT_COLUMNS)
        ),
    ]  # fmt: skip

    CSS_PATH = "payments.tcss"

    def __init__(self) -> None:
        super().__init__()
        self._unsubscribe: Any = None
        self._counts: Worker[None] | None = None
        self._failure: str | None = None  # why a worker of this screen failed (shown in the header)

    @property
    def ovh_app(self) -> OvhInvoicesApp:
        return cast("OvhInvoicesApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.ovh_app
        yield Static(id="payments-header")
        yield PaymentFilterBar(lang=app.lang, id="payments-filters")
        yield PaymentTable(lang=app.lang, paid_count=app.payments.paid_count, id="payments")
        yield Static(id="payments-status")
        yield Footer()

    def on_mount(self) -> None:
        store = self.ovh_app.payments
        self._unsubscribe = store.subscribe(self._on_change)
        ensure_payments_loaded(self.ovh_app)
        self._on_change(set(PaymentChange))
        self.query_one(PaymentTable).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()

    # --- store → widgets ------------------------------------------------------------------------

    def _on_change(self, changes: set[PaymentChange]) -> None:
        app = self.ovh_app
        store = app.payments
        table = self.query_one(PaymentTable)
        if PaymentChange.INVALIDATED in changes:
            ensure_payments_loaded(app)
        if changes & {PaymentChange.VIEW, PaymentChange.ROWS, PaymentChange.PROGRESS}:
            table.empty_message = self._empty_message()
        if changes & {PaymentChange.VIEW, PaymentChange.ROWS}:
            current = table.current_row
            table.set_rows(store.view, marked=store.marked, keep_cursor_key=current.deposit_id if current else None)
            table.set_sort_indicator(store.sort.column, store.sort.descending)
            self._start_counts()
        elif PaymentChange.MARKS in changes:
            table.set_marked(store.marked)
        elif PaymentChange.PAID_BILLS in changes:
            table.refresh_rows()
        if changes & {PaymentChange.ROWS, PaymentChange.PROGRESS}:
            self.query_one(PaymentFilterBar).set_types(store.payment_types())
        if changes & {PaymentChange.PROGRESS, PaymentChange.PAID_BILLS, PaymentChange.ROWS}:
            self._show_header()
        if changes & {PaymentChange.VIEW, PaymentChange.ROWS, PaymentChange.MARKS}:
            self._show_status()

    def _empty_message(self) -> str:
        """What an empty table says: loading, failed (and why), or nothing matches."""
        app = self.ovh_app
        progress = app.payments.progress
        if progress.error:
            return t("payments.load_failed", app.lang, error=clean(progress.error))
        return t("payments.empty" if app.payments.state is LoadState.DONE else "payments.empty_loading", app.lang)

    def show_failure(self, text: str) -> None:
        """Counting the invoices failed: the header says why instead of "counting invoices …" forever."""
        self._failure = text
        self._show_header()

    def _show_header(self) -> None:
        app = self.ovh_app
        store, lang = app.payments, app.lang
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(t("payments.title", lang), style="bold")
        account = app.store.account
        if account is not None:
            text.append(f" · {clean(account.nichandle)}")
        progress = store.progress
        if progress.error:
            text.append(" · ")
            text.append(t("payments.load_failed", lang, error=clean(progress.error)), style="bold red")
        elif not progress.done:
            total = f"/{format_count(progress.deposits_total, lang)}" if progress.deposits_total is not None else ""
            text.append(" · ")
            deposits, refunds = format_count(progress.deposits, lang), format_count(progress.refunds, lang)
            text.append(t("payments.loading", lang, deposits=deposits, total=total, refunds=refunds), style="italic")
        elif self._failure is not None:
            text.append(" · ")
            text.append(clean(self._failure), style="bold red")
        else:
            known = len(store.paid_bills) + len(store.paid_bills_failed)  # O(1): called after every batch
            if known < len(store.deposits):
                text.append(" · ")
                text.append(t("payments.counts_pending", lang, known=known, total=len(store.deposits)), style="dim")
        self.query_one("#payments-header", Static).update(text)

    def _show_status(self) -> None:
        app = self.ovh_app
        store, lang = app.payments, app.lang
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(t_count("payments.count", len(store.view), lang), style="bold")
        line.append(f" · {t('payments.total', lang)} {_totals(store.view, lang)}")
        if store.marked:
            marked = store.marked_rows()
            line.append("  │  ")
            line.append(t_count("payments.marked", len(marked), lang), style="bold reverse")
            line.append(f" · {_totals(marked, lang)}")
        second = Text(no_wrap=True, overflow="ellipsis")
        second.append(f"{t('payments.filter', lang)}: ", style="dim")
        second.append(clean(store.filter.describe(lang)), style="bold yellow" if store.filter.is_active else "dim")
        self.query_one("#payments-status", Static).update(Text("\n").join([line, second]))

    # --- paid-bill counts (visible rows first) ----------------------------------------------------

    def _visible_ids(self) -> list[str]:
        table = self.query_one(PaymentTable)
        top = table.scroll_offset.y
        rows = table.rows
        return [d.deposit_id for d in rows[top : top + max(1, table.size.height)]]

    def _start_counts(self) -> None:
        if self._counts is not None and not self._counts.is_finished:
            return
        store = self.ovh_app.payments
        if not store.missing_paid_bills(limit=1):
            return
        self._failure = None
        self._counts = self.run_worker(
            fill_paid_counts(self.ovh_app.client, store, self._visible_ids, cache=self.ovh_app.cache),
            group="payments-counts",
            exit_on_error=False,
        )

    # --- marks ----------------------------------------------------------------------------------

    def _current(self) -> Deposit | None:
        row: Deposit | None = self.query_one(PaymentTable).current_row
        return row

    def action_toggle_mark(self) -> None:
        deposit = self._current()
        if deposit is None:
            return
        self.ovh_app.payments.toggle_mark(deposit.deposit_id)
        table = self.query_one(PaymentTable)
        table.move_cursor(table.cursor_row + 1)

    def action_mark_all(self) -> None:
        self.ovh_app.payments.mark_all_in_view()

    def action_invert_marks(self) -> None:
        self.ovh_app.payments.invert_marks_in_view()

    def action_clear_marks(self) -> None:
        self.ovh_app.payments.clear_marks()

    # --- filters --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "toggle_filters" and isinstance(self.focused, Input))

    def action_toggle_filters(self) -> None:
        bar = self.query_one(PaymentFilterBar)
        if bar.display:
            bar.display = False
            self.query_one(PaymentTable).focus()
        else:
            bar.display = True
            bar.show_filter(self.ovh_app.payments.filter)
            self.set_focus(bar.query_one("#pf-reference", Input))

    @on(PaymentFilterBar.Changed)
    def _filters_changed(self, event: PaymentFilterBar.Changed) -> None:
        self.ovh_app.payments.set_filter(event.filter)

    def action_clear_filters(self) -> None:
        store = self.ovh_app.payments
        store.set_filter(PaymentFilter())
        self.query_one(PaymentFilterBar).show_filter(store.filter)

    def action_back(self) -> None:
        bar = self.query_one(PaymentFilterBar)
        focused = self.focused
        if focused is not None and bar in focused.ancestors:
            self.query_one(PaymentTable).focus()
            return
        self.app.pop_screen()

    # --- sort -----------------------------------------------------------------------------------

    def action_sort(self, column: str) -> None:
        self.ovh_app.payments.toggle_sort(column)

    def action_cycle_sort(self) -> None:
        store = self.ovh_app.payments
        position = PAYMENT_SORT_COLUMNS.index(store.sort.column)
        store.toggle_sort(PAYMENT_SORT_COLUMNS[(position + 1) % len(PAYMENT_SORT_COLUMNS)])

    def action_reverse_sort(self) -> None:
        store = self.ovh_app.payments
        store.set_sort(Sort(store.sort.column, not store.sort.descending))

    @on(PaymentTable.HeaderClicked)
    def _header_clicked(self, event: PaymentTable.HeaderClicked) -> None:
        if event.column_id in PAYMENT_SORT_COLUMNS:
            self.ovh_app.payments.toggle_sort(event.column_id)

    # --- row actions ----------------------------------------------------------------------------

    @on(PaymentTable.RowActivated)
    def _open(self, event: PaymentTable.RowActivated) -> None:
        deposit: Deposit = event.row
        open_payment_detail(self.ovh_app, deposit.deposit_id, deposit)

    def _need_row(self) -> Deposit | None:
        deposit = self._current()
        if deposit is None:
            self.notify(t("payments.no_row", self.ovh_app.lang), severity="warning")
        return deposit

    def action_view_html(self) -> None:
        deposit = self._need_row()
        if deposit is not None:
            view_deposit_html(self.ovh_app, deposit)

    def action_view_pdf(self) -> None:
        deposit = self._need_row()
        if deposit is not None:
            view_deposit_pdf(self.ovh_app, deposit)

    def action_refunds(self) -> None:
        open_refunds(self.ovh_app)

    def action_export(self) -> None:
        self.app.push_screen(PaymentExportDialog())


# --- CSV export -----------------------------------------------------------------------------------------------


class PaymentExportDialog(ReportsWorkerFailures, ModalScreen[Path | None]):
    """Scope (all / view / marked), destination, CSV dialect, links; asks before overwriting a file."""

    CSS_PATH = "payments.tcss"

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="payments.export.cancel", tooltip="Close without exporting")]

    def __init__(self) -> None:
        super().__init__()
        self._export_worker: Worker[None] | None = None

    @property
    def ovh_app(self) -> OvhInvoicesApp:
        return cast("OvhInvoicesApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.ovh_app
        store, lang = app.payments, app.lang
        scopes = [
            (t("payments.export.all", lang, count=len(store.deposits)), "all"),
            (t("payments.export.view", lang, count=len(store.view)), "view"),
            (t("payments.export.marked", lang, count=len(store.marked_rows())), "marked"),
        ]
        default_scope = "marked" if store.marked else ("view" if store.filter.is_active else "all")
        nichandle = app.store.account.nichandle if app.store.account else None
        path = app.settings.download_dir / default_export_name(nichandle, date.today())
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
        self.query_one("#pe-go", Button).focus()

    def show_failure(self, text: str) -> None:
        """The export failed: say why in place of its progress; the form stays for another try."""
        self._message(t("payments.export.failed", self.ovh_app.lang, error=text))

    def _message(self, text: str) -> None:
        self.query_one("#pe-message", Static).update(Text(text))

    def _deposits(self) -> list[Deposit]:
        store = self.ovh_app.payments
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
            self._message(t("payments.export.exists", self.ovh_app.lang, path=str(path)))
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
            self._message(t("payments.export.nothing", self.ovh_app.lang))
            return
        include_links = self.query_one("#pe-links", Checkbox).value
        dialect = str(self.query_one("#pe-dialect", Select).value)
        self._export_worker = self.run_worker(
            self._export(deposits, path, dialect, include_links, overwrite), exclusive=True, exit_on_error=False
        )

    async def _export(
        self, deposits: list[Deposit], path: Path, dialect: str, include_links: bool, overwrite: bool
    ) -> None:
        app = self.ovh_app
        lang = app.lang
        store = app.payments

        def progress(done: int, total: int) -> None:
            self._message(t("payments.export.fetching", lang, done=done, total=total))

        try:
            await ensure_paid_bills(app.client, store, deposits, progress=progress, cache=app.cache)
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
                total=_totals(deposits, lang),
            ),
            timeout=8,
        )
        self.dismiss(result.path)
