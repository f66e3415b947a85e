"""Paying: the confirmation dialog, then the one POST, then its result.

The dialog lists exactly what will be paid (amount, each invoice's reference, date and balance) and says a
regularisation order valid one hour will be created. Cancel has the focus: Enter on open cancels. Confirming
takes a deliberate key: Tab to Confirm then ``y`` (or Enter), or ``ctrl+y``. The app's
:class:`~ovh_invoices_tui.core.paying.ActionGuard` lets one POST through per flow, whatever is pressed.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.actions.money import pay, plan_all
from ovh_invoices_tui.core import clock
from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.paying import Flow, Outcome, PaymentInProgressError, PayPlan, PayResult, plan_bill
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.wrapped_text import KeyHint


def invoice_lines(plan: PayPlan, lang: str) -> Text:
    """``Reference  Date  Balance`` lines of the plan's invoices (API text shown literally)."""
    refs = [clean(r.bill.bill_id) for r in plan.rows]
    width = max([len(t("pay.col.ref", lang)), *map(len, refs)])
    text = Text(no_wrap=True, overflow="ellipsis")
    header = f"{t('pay.col.ref', lang).ljust(width)}  {t('pay.col.date', lang).ljust(10)}  {t('pay.col.balance', lang)}"
    text.append(header, style="bold")
    for ref, row in zip(refs, plan.rows, strict=True):
        balance = format_money(row.balance, lang).rjust(max(len(t("pay.col.balance", lang)), 10))
        text.append(f"\n{ref.ljust(width)}  {format_date(row.bill.date, lang).ljust(10)}  {balance}")
    return text


def sent_at(moment: datetime, lang: str) -> str:
    """``14:05`` today; ``2026-12-01 23:50`` (the day in the UI's format) when the app has run past midnight since."""
    time = moment.strftime("%H:%M")
    return time if moment.date() == clock.today() else f"{format_date(moment, lang)} {time}"


class PayDialog(ReportsWorkerFailures, ModalScreen[PayResult | None]):
    """Confirms one payment; dismisses with its :class:`PayResult`, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pay.cancel", tooltip="Close without paying"),
        Binding("ctrl+y", "confirm", "Confirm", id="pay.confirm", tooltip="Create the regularisation order"),
        # A binding, not on_key: bindings are looked up where Tab's is, once a key has bubbled up to the App,
        # in the order typed; on_key saw a y typed right after Tab before Tab had moved the focus, and lost it.
        Binding("y", "confirm_on_button", "Confirm", show=False, id="pay.confirm_on_button",
                tooltip="On the Confirm button: create the regularisation order"),
    ]

    CSS_PATH = "pay_dialog.tcss"

    def __init__(self, session: AccountSession, plan: PayPlan, flow: Flow) -> None:
        super().__init__()
        self.session = session
        self.plan = plan
        self.flow = flow
        self.sending = False
        self.done = False

    def compose(self) -> ComposeResult:
        lang, plan = host_of(self).lang, self.plan
        title = t("pay.title_bill", lang, ref=clean(plan.bill_id)) if plan.bill_id else t("pay.title_all", lang)
        with Vertical():
            yield Label(Text(title), id="pay-title")
            yield Static(Text(t("pay.amount", lang, amount=format_money(plan.total, lang))), id="pay-amount")
            yield Static(Text(t("pay.count", lang, count=len(plan.rows))))
            yield VerticalScroll(Static(invoice_lines(plan, lang)), id="pay-invoices")
            if plan.listed_total is not None:
                listed, total = format_money(plan.listed_total, lang), format_money(plan.total, lang)
                yield Static(Text(t("pay.listed", lang, listed=listed, total=total)))
            yield Static(Text(t("pay.order_note", lang)), id="pay-note")
            unknown = self.session.guard.unknown_since
            if unknown is not None:
                yield Static(Text(t("pay.unknown_warning", lang, time=sent_at(unknown, lang))), id="pay-warning")
            yield Static(Text(t("pay.sending", lang)), id="pay-status")
            with Horizontal():
                yield Button(t("pay.cancel", lang), id="pay-cancel", variant="default")
                yield Button(t("pay.confirm", lang), id="pay-confirm", variant="warning")
            yield KeyHint(t("pay.hint", lang), id="pay-hint")

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast left from before must not cover the buttons (80×24)
        # Enter on open cancels. Set now, not with focus() (deferred): the first frame shows Cancel focused.
        self.set_focus(self.query_one("#pay-cancel", Button))

    def on_unmount(self) -> None:
        if not self.sending:  # closed (or popped) before confirming: the flow is over
            self.session.guard.end(self.flow)

    def action_confirm_on_button(self) -> None:
        """``y``: confirm, only once Tab has put the focus on the Confirm button."""
        if self.focused is self.query_one("#pay-confirm", Button):
            self.action_confirm()

    @on(Button.Pressed, "#pay-confirm")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#pay-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.sending and not self.done:
            return  # the POST is out: wait for its answer (cancelling would not undo it)
        self.dismiss(None)

    def action_confirm(self) -> None:
        if not self.session.guard.claim_send(self.flow):  # the one place that lets a single POST through
            return
        self.sending = True
        for button in self.query(Button):
            button.disabled = True
        self.query_one("#pay-status", Static).display = True
        # An app worker: a screen popped under it (":" then :open) must not cancel a POST already sent.
        self.run_app_worker(self._send(), group="pay")

    def show_failure(self, text: str) -> None:
        """The flow broke unexpectedly: say so; Esc closes (nothing is resent, the buttons stay disabled)."""
        self.done = True
        self.query_one("#pay-status", Static).update(Text(t("pay.failed", host_of(self).lang, error=text)))

    async def _send(self) -> None:
        guard = self.session.guard
        try:
            result = await pay(self.session.client, self.plan)
        finally:
            guard.end(self.flow)
        if result.outcome is Outcome.UNKNOWN:
            guard.unknown_since = datetime.now()
        elif result.outcome in (Outcome.ORDER, Outcome.NOTHING):
            guard.unknown_since = None
        self.done = True
        if self.app.screen is self:
            self.dismiss(result)
        else:  # something was opened over the dialog: show the result anyway, the dialog just closes later
            if self.is_attached:
                status = self.query_one("#pay-status", Static)
                status.update(Text(t("pay.done_elsewhere", host_of(self).lang)))
            show_pay_result(host_of(self), result)


def open_pay_dialog(host: ActionHost, bill_id: str | None = None) -> None:
    """``$``, the bulk menu or an invoice's menu: check, then confirm what ``bill_id`` (None: all) pays."""
    lang = host.lang
    if host.session.readonly:
        host.notify(t("pay.readonly", lang), severity="warning")
        return
    guard = host.session.guard
    if guard.busy:
        host.notify(t("pay.busy", lang), severity="warning")
        return
    if bill_id is None:
        if not host.session.store.progress.done:
            host.notify(t("pay.loading", lang), severity="warning")
            return
        if host.session.store.balance is None or host.session.store.progress.error:
            # Never "nothing to pay" about a balance that was not read.
            error = host.session.store.progress.error or ""
            host.notify(t("pay.balance_unknown", lang, error=error), severity="error", timeout=10)
            return
        plan = plan_all(host.session.store)
        nothing = t("pay.nothing", lang)
    else:
        row = host.session.store.row(bill_id)
        if row is None:
            return
        plan = plan_bill(row)
        nothing = t("pay.nothing_bill", lang, ref=clean(bill_id))
    if plan.is_empty:
        host.notify(nothing)
        return
    try:
        flow = guard.begin("pay", pays=True)
    except PaymentInProgressError:  # a `pay` in a shell, or another window of this account
        host.notify(t("pay.elsewhere", lang), severity="warning", timeout=10)
        return
    if flow is None:
        return

    def closed(result: PayResult | None) -> None:
        if result is not None:
            show_pay_result(host, result)

    host.push_screen(PayDialog(host.session, plan, flow), closed)


def show_pay_result(host: ActionHost, result: PayResult) -> None:
    """The order (with its link), a friendly "nothing to pay", the unknown outcome, or the refusal."""
    from ovh_invoices_tui.screens.order_result import OrderResult, OutcomeUnknown

    lang = host.lang
    if result.outcome is Outcome.ORDER and result.order is not None:
        host.push_screen(OrderResult(host.session, result.order))
    elif result.outcome is Outcome.NOTHING:
        host.notify(t("pay.nothing_api", lang))
        host.refresh_account()
    elif result.outcome is Outcome.UNKNOWN:
        host.push_screen(OutcomeUnknown(result.error, kind="pay"))
    else:
        host.notify(t("pay.failed", lang, error=result.error), severity="error", timeout=15)
