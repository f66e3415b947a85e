"""Paying from the TUI against the in-process sandbox: confirm, one POST, the order, its link, refresh → paid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual import events
from textual.widgets import Button

from ovh_invoices_tui.api.client import OvhClient
from ovh_invoices_tui.app import OvhInvoicesApp
from ovh_invoices_tui.config import Settings, demo_profile
from ovh_invoices_tui.core.models import PAID
from ovh_invoices_tui.sandbox import credentials
from ovh_invoices_tui.sandbox.app import create_app
from ovh_invoices_tui.sandbox.config import SandboxConfig
from ovh_invoices_tui.screens.invoices import InvoicesScreen
from ovh_invoices_tui.screens.order_result import OrderResult, OutcomeUnknown
from ovh_invoices_tui.screens.pay_dialog import PayDialog
from tests.conftest import wait_for, wait_loaded
from tests.factories import sandbox_clients
from tests.screen_text import screen_text

PAY_ALL = "POST /me/debtAccount/pay"


class LostAnswer(httpx.AsyncBaseTransport):
    """Sends POSTs matching ``path`` to the sandbox, then loses the answer (the outcome is unknown)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str) -> None:
        self.inner = inner
        self.path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith(self.path):
            await response.aread()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


@dataclass
class Harness:
    """An app wired to a sandbox the test can look into (orders, tickets, request counts)."""

    app: OvhInvoicesApp
    sandbox: Any  # the Starlette app; its state is ``sandbox.state.sandbox``

    @property
    def state(self) -> Any:
        return self.sandbox.state.sandbox


def build(
    tmp_path: Path,
    *,
    readonly: bool = False,
    bills: int = 120,
    wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
) -> Harness:
    sandbox = create_app(SandboxConfig(bills=bills, seed=7, base_url=credentials.INPROCESS_BASE_URL))
    transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=sandbox)
    if wrap is not None:
        transport = wrap(transport)

    client_factory = sandbox_clients(transport, retry_base_delay=0.001)
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    app = OvhInvoicesApp(
        settings=settings, profile=demo_profile(), readonly=readonly, lang="en", client_factory=client_factory
    )
    return Harness(app, sandbox)


def notices(app: OvhInvoicesApp) -> str:
    """Every toast shown so far."""
    return "\n".join(n.message for n in app._notifications)


def due_ids(app: OvhInvoicesApp) -> set[str]:
    return {row.bill.bill_id for row in app.session.store.rows if row.balance.ucents > 0}


async def open_dialog(app: OvhInvoicesApp, pilot: Any) -> PayDialog:
    await pilot.press("dollar_sign")
    await wait_for(lambda: isinstance(app.screen, PayDialog), pilot)
    await pilot.pause()
    assert isinstance(app.screen, PayDialog)
    return app.screen


async def test_pay_loop_one_order_then_link_then_refresh_shows_paid(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        due = due_ids(app)
        assert len(due) == 3
        dialog = await open_dialog(app, pilot)
        text = screen_text(app)
        assert "Pay my balance now" in text and "€80.98" in text
        assert "valid for one hour" in text
        for bill_id in due:
            assert bill_id in text
        assert app.focused is dialog.query_one("#pay-cancel")  # Enter on open would cancel

        await pilot.press("tab")
        await pilot.press("y", "y", "y", "y", "y")  # pressed five times quickly
        await wait_for(lambda: isinstance(app.screen, OrderResult), pilot)
        await app.workers.wait_for_complete()
        assert h.state.requests[PAY_ALL] == 1
        assert len(h.state.orders) == 1
        result = app.screen
        assert isinstance(result, OrderResult)
        order = result.order
        text = screen_text(app)
        assert str(order.order_id) in text and "€80.98" in text and "valid one hour" in text
        assert "Payment link" in text and "simulate payment (sandbox only)" in text
        assert not app.session.guard.busy

        await app.session.client.download_document(order.url, expect_pdf=False)  # paying it on the payment page
        await pilot.press("escape")
        assert isinstance(app.screen, InvoicesScreen)
        await pilot.press("r")
        await wait_for(lambda: not due_ids(app), pilot)
        await app.workers.wait_for_complete()
        assert all(app.session.store.row(bill_id).status == PAID for bill_id in due)  # type: ignore[union-attr]
        assert app.session.store.balance is not None and app.session.store.balance.due_amount.ucents == 0
        deposits = [d async for page in app.session.client.iter_deposits() for d in page.items]
        assert any(d.order_id == order.order_id for d in deposits)  # a new payment in tracking
        assert h.state.requests[PAY_ALL] == 1


def type_ahead(app: OvhInvoicesApp, *keys: str) -> None:
    """Keys that reach the app together, as typed ahead over SSH or while the app is busy: all queued at once."""
    for key in keys:
        app.post_message(events.Key(key, {"tab": "\t"}.get(key, key)))


async def test_tab_then_y_arriving_together_confirm(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        await open_dialog(app, pilot)
        type_ahead(app, "tab", "y")  # y must see the focus Tab gave to Confirm, not the focus before it
        await wait_for(lambda: isinstance(app.screen, OrderResult), pilot)
        await app.workers.wait_for_complete()
        assert h.state.requests[PAY_ALL] == 1


async def test_y_arriving_after_focus_left_confirm_does_not_pay(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        dialog = await open_dialog(app, pilot)
        chain = dialog.focus_chain
        after_confirm = chain[(chain.index(dialog.query_one("#pay-confirm")) + 1) % len(chain)]
        type_ahead(app, "tab", "tab", "y")  # past Confirm: y acts where the focus is by then, so nothing is sent
        await wait_for(lambda: app.focused is after_confirm, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog and h.state.requests[PAY_ALL] == 0


async def test_confirm_message_posted_twice_and_ctrl_y_mashed_send_one_post(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        dialog = await open_dialog(app, pilot)
        dialog.action_confirm()
        dialog.action_confirm()
        button = dialog.query_one("#pay-confirm", Button)
        button.post_message(Button.Pressed(button))  # the confirm message, posted again
        await pilot.press("ctrl+y", "ctrl+y", "ctrl+y")
        await wait_for(lambda: isinstance(app.screen, OrderResult), pilot)
        await pilot.press("ctrl+y", "dollar_sign")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert h.state.requests[PAY_ALL] == 1
        assert len(h.state.orders) == 1


async def test_enter_on_open_cancels_and_nothing_is_sent(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        await open_dialog(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, InvoicesScreen)
        await open_dialog(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InvoicesScreen)
        assert not app.session.guard.busy
        assert h.state.requests[PAY_ALL] == 0 and not h.state.orders


async def test_one_invoice_from_its_menu_pays_only_its_debt(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        row = next(r for r in app.session.store.view if r.balance.ucents > 0)
        assert app.main_screen.jump_to(row.bill.bill_id)
        await pilot.press("full_stop")
        await pilot.pause()
        assert "Pay this invoice's balance" in screen_text(app)
        await pilot.press("dollar_sign")
        await wait_for(lambda: isinstance(app.screen, PayDialog), pilot)
        text = screen_text(app)
        assert f"Pay the balance of invoice {row.bill.bill_id}" in text
        await pilot.press("ctrl+y")
        await wait_for(lambda: isinstance(app.screen, OrderResult), pilot)
        await app.workers.wait_for_complete()
        assert h.state.requests[f"POST /me/bill/{row.bill.bill_id}/debt/pay"] == 1
        assert h.state.requests[PAY_ALL] == 0
        (order,) = h.state.orders.values()
        assert len(order.debts) == 1
        # the demo's "simulate payment" fetches the link and refreshes
        await pilot.press("s")
        await wait_for(lambda: app.session.store.row(row.bill.bill_id).status == PAID, pilot)  # type: ignore[union-attr]
        assert len(due_ids(app)) == 2


async def test_bulk_menu_offers_pay_my_balance_now(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        text = screen_text(app)
        assert "Pay my balance now" in text and "€80.98 · 3 invoice(s)" in text
        await pilot.press("dollar_sign")
        await wait_for(lambda: isinstance(app.screen, PayDialog), pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert h.state.requests[PAY_ALL] == 0


async def test_outcome_unknown_is_explained_and_never_resent(tmp_path: Path) -> None:
    h = build(tmp_path, wrap=lambda inner: LostAnswer(inner, "/me/debtAccount/pay"))
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        await open_dialog(app, pilot)
        await pilot.press("ctrl+y", "ctrl+y")
        await wait_for(lambda: isinstance(app.screen, OutcomeUnknown), pilot)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "outcome unknown" in text and "NOT be sent again" in text
        assert "press r to refresh" in text
        assert h.state.requests[PAY_ALL] == 1
        assert len(h.state.orders) == 1  # it did go through: that is why it must not be resent
        await pilot.press("escape")
        sent = app.session.guard.unknown_since
        assert sent is not None
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("ovh_invoices_tui.core.clock.today", lambda: sent.date())  # the same day, even at midnight
            await open_dialog(app, pilot)
            assert f"sent at {sent:%H:%M} got no answer" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            patch.setattr("ovh_invoices_tui.core.clock.today", lambda: sent.date() + timedelta(days=1))
            await open_dialog(app, pilot)  # the app still open the next day: the warning says which day
            assert f"sent at {sent:%Y-%m-%d %H:%M} got no answer" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert h.state.requests[PAY_ALL] == 1


async def test_nothing_due_in_the_store_is_a_friendly_message(tmp_path: Path) -> None:
    h = build(tmp_path)
    state = h.state
    state.settle(state.pay(list(state.data.debts)))  # everything paid before the app starts
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("dollar_sign")
        await pilot.pause()
        assert not isinstance(app.screen, PayDialog)
        assert "Nothing to pay: every invoice is settled" in notices(app)
        await pilot.press("b")
        await pilot.pause()
        assert "Pay my balance now  — nothing to pay" in screen_text(app)
    assert state.requests[PAY_ALL] == 0


async def test_api_nothing_to_pay_is_friendly_and_refreshes(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        state = h.state
        state.settle(state.pay(list(state.data.debts)))  # paid elsewhere, behind the app's back
        await open_dialog(app, pilot)
        await pilot.press("ctrl+y")
        await wait_for(lambda: not due_ids(app), pilot)
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, InvoicesScreen)
        assert "Nothing to pay: OVHcloud says nothing is due now" in notices(app)
        assert state.requests[PAY_ALL] == 1


async def test_french_labels(tmp_path: Path) -> None:
    h = build(tmp_path)
    app = h.app
    app.lang = "fr"
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        assert "Régler mon solde immédiatement" in screen_text(app)


async def test_a_gateway_error_on_the_pay_post_is_an_unknown_outcome_not_a_refusal() -> None:
    """502/503/504 come from a gateway: the order may exist behind it, so the app must not say "not created"."""
    import time as _time

    import httpx

    from ovh_invoices_tui.actions.money import pay
    from ovh_invoices_tui.core.models import Money
    from ovh_invoices_tui.core.paying import Outcome, PayPlan

    posts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/auth/time"):
            return httpx.Response(200, json=int(_time.time()))
        posts.append(request.url.path)
        return httpx.Response(502, json={"message": "Bad gateway"}, headers={"X-Ovh-QueryID": "EU.q1"})

    client = OvhClient("https://eu.api.ovh.com/1.0", application_key="k", application_secret="s", consumer_key="c",
                       transport=httpx.MockTransport(handler), retry_base_delay=0.001)  # fmt: skip
    async with client:
        result = await pay(client, PayPlan((), Money.of("10.00")))
    assert result.outcome is Outcome.UNKNOWN
    assert posts == ["/1.0/me/debtAccount/pay"]  # one POST, not retried
