"""After the POST: the regularisation order and its payment link, or the "outcome unknown" explanation."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ovh_invoices_tui.actions.host import ActionHost, host_of
from ovh_invoices_tui.core.i18n import format_money, t
from ovh_invoices_tui.core.models import Order
from ovh_invoices_tui.core.paying import expiry_text
from ovh_invoices_tui.core.text import clean
from ovh_invoices_tui.data.documents import open_url
from ovh_invoices_tui.data.session import AccountSession
from ovh_invoices_tui.screens.worker_failures import ReportsWorkerFailures
from ovh_invoices_tui.widgets.wrapped_text import KeyHint, UrlText, WrappedText


class OrderResult(ReportsWorkerFailures, ModalScreen[None]):
    """The order number, amount, expiry and payment link; ``y`` copies it, ``o`` opens it."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="order.close", tooltip="Close"),
        Binding("y", "copy_link", "Copy link", id="order.copy", tooltip="Copy the payment link (OSC 52)"),
        Binding("o", "open_link", "Open", id="order.open", tooltip="Open the payment page in a browser"),
        Binding("s", "simulate", "Simulate", id="order.simulate", tooltip="Sandbox only: pay the order"),
    ]

    CSS_PATH = "order_result.tcss"

    def __init__(self, session: AccountSession, order: Order) -> None:
        super().__init__()
        self.session = session
        self.order = order
        self.sandbox = session.demo  # the sandbox's payment page pays when fetched: offer to "simulate"
        self.simulated = False

    @property
    def host(self) -> ActionHost:
        return host_of(self)

    def compose(self) -> ComposeResult:
        lang, order = self.host.lang, self.order
        labels = [t(k, lang) for k in ("order.number", "order.amount", "order.expires", "order.link")]
        width = max(map(len, labels))
        values = [
            str(order.order_id),
            format_money(order.price_with_tax, lang),
            f"{expiry_text(order.expiration_date, lang)} {t('order.validity', lang)}",
            "",  # the link, on its own line below
        ]
        fields = Text()
        for n, (label, value) in enumerate(zip(labels, values, strict=True)):
            fields.append(("\n" if n else "") + label.ljust(width) + "  ", style="bold")
            fields.append(value)
        with Vertical():
            yield Label(Text(t("order.title", lang)), id="order-title")
            yield Static(fields, id="order-fields")
            yield UrlText(clean(order.url) or "—", id="order-link")
            yield WrappedText(t("order.next", lang), id="order-next")
            yield Static("", id="order-status")
            hint = t("order.hint_sandbox" if self.sandbox else "order.hint", lang)
            yield KeyHint(hint, id="order-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.sandbox if action == "simulate" else True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy_link(self) -> None:
        app = self.host
        app.copy_to_clipboard(self.order.url)
        app.notify(t("order.copied", app.lang, order=self.order.order_id), severity="warning", timeout=8)

    def action_open_link(self) -> None:
        if not open_url(self.order.url):
            self.notify(t("order.no_browser", self.host.lang), severity="warning")

    def action_simulate(self) -> None:
        if not self.sandbox or self.simulated:
            return
        self.simulated = True
        self.run_app_worker(self._simulate(), group="pay")

    async def _simulate(self) -> None:
        """Sandbox only: fetching the order's page is what pays it there; then refresh like ``r``."""
        app, order = self.host, self.order
        status = self.query_one("#order-status", Static)
        status.update(Text(t("order.simulating", app.lang, order=order.order_id)))
        await self.session.client.download_document(order.url, expect_pdf=False)
        status.update(Text(t("order.simulated", app.lang, order=order.order_id)))
        after_settled_payment(app)

    def show_failure(self, text: str) -> None:
        """The simulated payment failed: say why; ``s`` may try again."""
        self.simulated = False
        self.query_one("#order-status", Static).update(Text(t("order.simulate_failed", self.host.lang, error=text)))


def after_settled_payment(host: ActionHost) -> None:
    """A payment went through: re-read balance and statuses, and let payment tracking reload."""
    host.session.payments.invalidate()
    host.refresh_account()


class OutcomeUnknown(ReportsWorkerFailures, ModalScreen[None]):
    """A POST whose answer never came: what may have happened, that it is not resent, how to check."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="unknown.close", tooltip="Close"),
        Binding("enter", "close", "Close", show=False, id="unknown.close_enter", tooltip="Close"),
    ]

    CSS_PATH = "order_result.tcss"

    def __init__(self, error: str, *, kind: Literal["pay", "ticket"]) -> None:
        super().__init__()
        self.error = error
        self.kind = kind

    def compose(self) -> ComposeResult:
        lang = host_of(self).lang
        with Vertical():
            yield Label(Text(t(f"unknown.title.{self.kind}", lang)), id="unknown-title")
            yield Static(Text(t(f"unknown.body.{self.kind}", lang)), id="unknown-body", classes="para")
            yield WrappedText(t(f"unknown.check.{self.kind}", lang), id="unknown-check", classes="para")
            yield Static(
                Text(t("unknown.details", lang, error=clean(self.error))), id="unknown-details", classes="para"
            )
            yield KeyHint(t("unknown.hint", lang), id="unknown-hint", classes="para")

    def action_close(self) -> None:
        self.dismiss(None)
