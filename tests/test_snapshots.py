"""Snapshot tests: the main screens at fixed sizes, on a sandbox with a fixed clock (update with --snapshot-update)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import Input

from tests.conftest import wait_for, wait_loaded

FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Days late and the running month are counted from the sandbox's fixed clock, not from the real date."""
    from ovh_invoices_tui.core import clock

    monkeypatch.setattr(clock, "today", lambda: FIXED_NOW.date())


@pytest.fixture
def sandbox_config() -> Any:
    from ovh_invoices_tui.sandbox.config import SandboxConfig

    return SandboxConfig(bills=300, seed=11, now=FIXED_NOW)


def _loaded(then: tuple[str, ...] = (), until: Any = None) -> Any:
    async def run_before(pilot: Any) -> None:
        await wait_loaded(pilot.app, pilot)
        if then:
            await pilot.press(*then)
        if until is not None:
            await wait_for(lambda: until(pilot.app), pilot)
        # A steady cursor: a blink half a second after focus would make the picture depend on the machine's load.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_main_screen_120x40(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded(("space", "space", "space")))


def test_main_screen_80x24(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded())


def test_main_screen_french_with_filter_bar(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(lang="fr"), terminal_size=(120, 40), run_before=_loaded(("f",)))


def test_detail_screen(snap_compare: Any, make_app: Any) -> None:
    def detail_loaded(app: Any) -> bool:
        return getattr(app.screen, "content", None) is not None

    assert snap_compare(
        make_app(), terminal_size=(120, 40), run_before=_loaded(("j", "enter"), until=detail_loaded)
    )


def test_action_menu(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded(("full_stop",)))


def test_help_screen(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded(("question_mark",)))


# --- payments, money and export dialogs ------------------------------------------------------------------


def _tracking_loaded(app: Any) -> bool:
    from ovh_invoices_tui.state.payments import LoadState

    payments = app.session.payments
    return payments.state is LoadState.DONE and len(payments.refund_payments) == len(payments.refunds)


def test_payment_tracking(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=_loaded(("p",), until=_tracking_loaded))


def test_payment_with_a_credit_note_explained(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        from ovh_invoices_tui.widgets.payment_table import PaymentTable

        app = pilot.app
        await _loaded(("p",), until=_tracking_loaded)(pilot)
        payments = app.session.payments
        deposit_id = next(d for r in payments.refunds if (d := payments.credited_deposit(r.refund_id)) is not None)
        table = app.screen.query_one(PaymentTable)
        table.move_cursor(next(i for i, d in enumerate(payments.view) if d.deposit_id == deposit_id))
        await pilot.press("enter")
        await wait_for(lambda: getattr(app.screen, "settlement", None) is not None, pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_before)


def test_credit_notes_in_french(snap_compare: Any, make_app: Any) -> None:
    run_before = _then(_loaded(("p",), until=_tracking_loaded), ("c",))
    assert snap_compare(make_app(lang="fr"), terminal_size=(100, 30), run_before=run_before)


def test_pay_dialog(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded(("dollar_sign",)))


def test_pay_dialog_120x40(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded(("dollar_sign",)))


def test_cancellation_form(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded(("full_stop", "x")))


def test_cancellation_form_120x40(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_loaded(("full_stop", "x")))


def _order_result() -> Any:
    """The regularisation order of a payment, shown as after the POST (a fixed order: its expiry is pinned)."""

    async def run_before(pilot: Any) -> None:
        from ovh_invoices_tui.core.models import Money, Order
        from ovh_invoices_tui.screens.order_result import OrderResult

        await _loaded()(pilot)
        order = Order(
            order_id=900502754, date=datetime(2026, 11, 26, 12, 0), expiration_date=datetime(2026, 11, 26, 13, 0),
            retraction_date=None, price_with_tax=Money.of("760.55"), price_without_tax=Money.of("633.79"),
            tax=Money.of("126.76"), password="63a34ed4", pdf_url="",
            url="https://www.ovh.com/cgi-bin/order/displayOrder.cgi?orderId=900502754&orderPassword=63a34ed4",
        )  # fmt: skip
        pilot.app.push_screen(OrderResult(pilot.app.session, order))  # a demo session: "s" simulates
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_order_result_in_french(snap_compare: Any, make_app: Any, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(lang="fr"), terminal_size=size, run_before=_order_result())


def test_bulk_menu_with_marks(snap_compare: Any, make_app: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded(("space", "space", "b")))


def test_export_dialog(snap_compare: Any, make_app: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _loaded(("space", "b", "s"))(pilot)
        # the default name holds today's date and the test's download folder: pin it for the picture
        pilot.app.screen.query_one("#export-path", Input).value = "/home/me/Downloads/ovh-invoices-selection.csv"
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)


def _then(first: Any, keys: tuple[str, ...]) -> Any:
    async def run_before(pilot: Any) -> None:
        await first(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_insights_monthly(snap_compare: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch, size: Any) -> None:
    assert snap_compare(make_app(lang="fr"), terminal_size=size, run_before=_loaded(("I",)))


def _overview_app(tmp_path: Any) -> Any:
    """The four demo accounts of one sandbox on the fixed clock (overdue, failed payment, paid in CAD, rejected)."""

    from ovh_invoices_tui.app import OvhInvoicesApp
    from ovh_invoices_tui.config import Settings
    from ovh_invoices_tui.data.accounts import demo_account_profiles
    from ovh_invoices_tui.data.clients import make_client
    from ovh_invoices_tui.sandbox.accounts import demo_accounts
    from ovh_invoices_tui.sandbox.app import create_app
    from ovh_invoices_tui.sandbox.config import SandboxConfig

    profiles = demo_account_profiles(bills=120)
    sandbox = create_app(SandboxConfig(bills=120, now=FIXED_NOW, accounts=demo_accounts(42, 120)))
    settings = Settings(path=tmp_path / "config.toml", download_dir=tmp_path / "downloads")
    return OvhInvoicesApp(
        settings=settings, profile=profiles[0], lang="en", accounts=profiles,
        client_factory=lambda profile, **kw: make_client(profile, sandbox_app=sandbox, **kw),
    )  # fmt: skip


def _overview_refreshed(pilot: Any) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await wait_for(lambda: app.accounts_store is not None and app.accounts_store.expected > 0, pilot)
        store = app.accounts_store
        await wait_for(lambda: store.refreshed == store.expected, pilot, timeout=30)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_accounts_overview(snap_compare: Any, tmp_path: Any, size: Any) -> None:
    assert snap_compare(_overview_app(tmp_path), terminal_size=size, run_before=_overview_refreshed(None))
