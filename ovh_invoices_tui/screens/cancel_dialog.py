"""Requesting an invoice's cancellation: the form, the preview of the ticket, the confirmation, the result.

Step 1, the form: the reason (radio buttons) and a message; ``ctrl+n`` (or the Preview button) shows step 2,
the exact subject and body that will be sent, where Back has the focus and sending takes ``ctrl+y`` (or Tab
to Send, then ``y``/Enter). One ticket per flow, through the app's action guard.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioButton, RadioSet, Static, TextArea

from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.actions.money import send_ticket
from ovh_invoices_tui.api.errors import OutcomeUnknownError, OvhError
from ovh_invoices_tui.core.cancellation import Reason, TicketDraft, build_ticket, message_problem
from ovh_invoices_tui.core.i18n import format_date, format_money, t
from ovh_invoices_tui.core.models import BillRow, NewTicket
from ovh_invoices_tui.core.paying import Flow
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.wrapped_text import KeyHint

_REASONS = (Reason.NOT_LEGITIMATE, Reason.WITHDRAWAL, Reason.OTHER)


class CancelDialog(ReportsWorkerFailures, ModalScreen[NewTicket | None]):
    """Dismisses with the created ticket, or None (closed, refused, or outcome unknown: already reported)."""

    BINDINGS = [
        Binding("escape", "back_or_close", "Close", id="cancel.close", tooltip="Back to the form, or close"),
        Binding("ctrl+n", "preview", "Preview", id="cancel.preview", tooltip="Preview the ticket"),
        Binding("ctrl+y", "send", "Send", id="cancel.send", tooltip="Send the cancellation request"),
        # A binding, not on_key, so a y typed right after Tab sees the focus Tab gave (see PayDialog).
        Binding("y", "send_on_button", "Send", show=False, id="cancel.send_on_button",
                tooltip="On the Send button: send the cancellation request"),
    ]

    CSS_PATH = "cancel_dialog.tcss"

    def __init__(self, session: AccountSession, row: BillRow, flow: Flow) -> None:
        super().__init__()
        self.session = session
        self.row = row
        self.flow = flow
        self.draft: TicketDraft | None = None
        self.sending = False

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    @property
    def in_preview(self) -> bool:
        return self.has_class("-preview")

    def compose(self) -> ComposeResult:
        lang, bill = self.host.lang, self.row.bill
        title = t(
            "cancel.title",
            lang,
            ref=clean(bill.bill_id),
            date=format_date(bill.date, lang),
            amount=format_money(bill.price_with_tax, lang),
        )
        with Vertical():
            yield Label(Text(title), id="cancel-title")
            with Vertical(id="step-form", classes="step"):
                yield Label(t("cancel.reason", lang))
                with RadioSet(id="cancel-reason"):
                    for n, reason in enumerate(_REASONS):
                        yield RadioButton(reason.label(lang), value=n == 0, id=f"reason-{reason.value}")
                yield Label(t("cancel.message", lang))
                yield TextArea(id="cancel-message", soft_wrap=True, tab_behavior="focus")
                yield Static("", id="cancel-problem")
                with Horizontal():
                    yield Button(t("cancel.close", lang), id="cancel-close")
                    yield Button(t("cancel.preview", lang), id="cancel-preview", variant="primary")
                yield KeyHint(t("cancel.form_hint", lang), classes="hint")
            with Vertical(id="step-preview", classes="step"):
                yield Static(t("cancel.preview_title", lang))
                yield Static("", id="cancel-subject")
                yield VerticalScroll(Static("", id="cancel-body-text"), id="cancel-body")
                yield Static(t("cancel.sending", lang), id="cancel-status")
                with Horizontal():
                    yield Button(t("cancel.back", lang), id="cancel-back")
                    yield Button(t("cancel.send", lang), id="cancel-send", variant="warning")
                yield KeyHint(t("cancel.preview_hint", lang), classes="hint")

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast left from before must not cover the buttons (80×24)
        self.query_one(RadioSet).focus()

    def on_unmount(self) -> None:
        if not self.sending:
            self.session.guard.end(self.flow)

    # --- form -> preview ------------------------------------------------------------------------

    def _reason(self) -> Reason:
        index = self.query_one(RadioSet).pressed_index
        return _REASONS[index] if 0 <= index < len(_REASONS) else Reason.NOT_LEGITIMATE

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "preview":
            return not self.in_preview
        if action == "send":
            return self.in_preview
        return True

    @on(Button.Pressed, "#cancel-preview")
    def action_preview(self) -> None:
        app = self.host
        message = self.query_one(TextArea).text
        problem = message_problem(self._reason(), message, app.lang)
        problem_line = self.query_one("#cancel-problem", Static)
        problem_line.update(Text(problem or ""))
        problem_line.display = problem is not None
        if problem is not None:
            self.query_one(TextArea).focus()
            return
        account = self.session.store.account
        nichandle = account.nichandle if account else None
        self.draft = build_ticket(self.row.bill, self._reason(), message, app.lang, nichandle=nichandle)
        self.query_one("#cancel-subject", Static).update(
            Text(t("cancel.subject_line", app.lang, subject=self.draft.subject), style="bold")
        )
        self.query_one("#cancel-body-text", Static).update(Text(self.draft.body))
        self.add_class("-preview")
        self.query_one("#cancel-back", Button).focus()  # sending is never the default

    @on(Button.Pressed, "#cancel-back")
    def _back(self) -> None:
        if self.sending:
            return
        self.remove_class("-preview")
        self.query_one("#cancel-preview", Button).focus()

    @on(Button.Pressed, "#cancel-close")
    def _close(self) -> None:
        self.dismiss(None)

    def action_back_or_close(self) -> None:
        if self.sending:
            return  # the POST is out: wait for its answer
        if self.in_preview:
            self._back()
        else:
            self.dismiss(None)

    # --- sending --------------------------------------------------------------------------------

    def action_send_on_button(self) -> None:
        """``y``: send, only in the preview with the focus on the Send button."""
        if self.in_preview and self.focused is self.query_one("#cancel-send", Button):
            self.action_send()

    @on(Button.Pressed, "#cancel-send")
    def action_send(self) -> None:
        draft = self.draft
        if draft is None or not self.in_preview or not self.session.guard.claim_send(self.flow):
            return
        self.sending = True
        for button in self.query(Button):
            button.disabled = True
        self.query_one("#cancel-status", Static).display = True
        self.app.run_worker(self._send(draft), group="ticket", exit_on_error=False)

    async def _send(self, draft: TicketDraft) -> None:
        app = self.host
        ticket: NewTicket | None = None
        unknown = refused = ""
        try:
            ticket = await send_ticket(self.session.client, draft)
        except OutcomeUnknownError as exc:
            unknown = str(exc)
        except OvhError as exc:
            refused = str(exc)
        except Exception as exc:  # sent, but the answer is unusable: the ticket may exist
            unknown = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        finally:
            self.session.guard.end(self.flow)
        if self.app.screen is self:
            self.dismiss(ticket)
        elif ticket is not None:
            show_ticket(app, ticket, draft.bill_id)
        if unknown:
            from ovh_invoices_tui.screens.order_result import OutcomeUnknown

            app.push_screen(OutcomeUnknown(unknown, kind="ticket"))
        elif refused:
            app.notify(t("cancel.failed", app.lang, error=refused), severity="error", timeout=15)


class TicketCreated(ReportsWorkerFailures, ModalScreen[None]):
    """The ticket number of the request just sent."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="ticket.close", tooltip="Close"),
        Binding("enter", "close", "Close", show=False, id="ticket.close_enter", tooltip="Close"),
        Binding("y", "copy_number", "Copy", id="ticket.copy", tooltip="Copy the ticket number"),
    ]

    CSS_PATH = "cancel_dialog.tcss"

    def __init__(self, ticket: NewTicket, bill_id: str) -> None:
        super().__init__()
        self.ticket = ticket
        self.bill_id = bill_id

    def compose(self) -> ComposeResult:
        lang = host_of(self).lang
        with Vertical():
            yield Label(Text(t("ticket.title", lang)), id="ticket-title")
            body = t("ticket.body", lang, number=self.ticket.ticket_number, ref=clean(self.bill_id))
            yield Static(Text(body), id="ticket-body", classes="para")
            if self.ticket.additional_notice:
                yield Static(
                    Text(t("ticket.notice", lang, notice=clean(self.ticket.additional_notice))), classes="para"
                )
            yield KeyHint(t("ticket.hint", lang), id="ticket-hint", classes="para")

    def action_copy_number(self) -> None:
        self.app.copy_to_clipboard(str(self.ticket.ticket_number))
        self.notify(str(self.ticket.ticket_number), timeout=2)

    def action_close(self) -> None:
        self.dismiss(None)


def show_ticket(host: ActionHost, ticket: NewTicket, bill_id: str) -> None:
    host.notify(t("ticket.created", host.lang, number=ticket.ticket_number), timeout=10)
    host.push_screen(TicketCreated(ticket, bill_id))


def open_cancel_dialog(host: ActionHost, bill_id: str) -> None:
    """An invoice's menu: the cancellation request form (refused in read-only mode, or while busy)."""
    if host.session.readonly:
        host.notify(t("cancel.readonly", host.lang), severity="warning")
        return
    row = host.session.store.row(bill_id)
    if row is None:
        return
    flow = host.session.guard.begin("ticket")
    if flow is None:
        host.notify(t("cancel.busy", host.lang), severity="warning")
        return

    def closed(ticket: NewTicket | None) -> None:
        if ticket is not None:
            show_ticket(host, ticket, row.bill.bill_id)

    host.push_screen(CancelDialog(host.session, row, flow), closed)
